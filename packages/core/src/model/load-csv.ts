/**
 * @module model/load-csv
 * A network from a folder of CSV files, one per section, for people who export from ERP systems and
 * spreadsheets. The layout is documented in `docs/formats.md`; in short, column names are the field
 * names of the YAML format, one row per record, with nested lists in their own files (bom.csv,
 * capacity-group-items.csv) or spread over rows (sourcing.csv: one row per supplier; demand.csv: one
 * row per period). The files are assembled into the same document a YAML file gives, validated by the
 * same rules, and every issue is placed at its file, row and column.
 */
import { err, ok, type Result } from '../result.ts';
import { DEFAULT_MAX_BYTES } from './input-limits.ts';
import { type DocumentPath, type Issue, type IssueCode, sortIssues } from './issues.ts';
import {
  finish,
  type LoadedNetwork,
  type LoadOptions,
  type SourceFile,
  sizeIssue,
  unexpected,
} from './load-result.ts';
import type { Locate } from './locate.ts';
import { type CsvDelimiter, type CsvRow, type CsvTable, parseCsv } from './parse-csv.ts';
import { didYouMean } from './suggest.ts';

/** How a cell is read: text as written, a number, or a per-period list (`10;10;0` or `10|10|0`). */
type CellType = 'text' | 'number' | 'list';

/** A column: its name, how it is read, and where its value goes in the record (or list line). */
interface Column {
  readonly name: string;
  readonly type: CellType;
  readonly required?: boolean;
  /** Path inside the record, or inside the list line for line columns. */
  readonly path: DocumentPath;
  /** `line` columns belong to one entry of a nested list (a supplier, a BOM line), not the record. */
  readonly level?: 'record' | 'line' | 'key';
}

const text = (name: string, path: DocumentPath = [name], required = false): Column => ({
  name,
  type: 'text',
  path,
  required,
});
const number = (name: string, path: DocumentPath = [name], required = false): Column => ({
  name,
  type: 'number',
  path,
  required,
});
const list = (name: string, required = false): Column => ({ name, type: 'list', path: [name], required });
const line = (column: Column): Column => ({ ...column, level: 'line' });
/** Columns that say which record a row belongs to (e.g. company and item of a BOM line). */
const key = (name: string): Column => ({ name, type: 'text', path: [name], required: true, level: 'key' });

/** The files of a CSV folder and their columns, in the order they are documented. */
export const CSV_FILES = {
  'network.csv': [
    text('format', ['format'], true),
    text('name', ['name'], true),
    text('description'),
    text('period', ['period'], true),
    text('start', ['start'], true),
    number('horizon', ['horizon'], true),
    text('currency'),
    number('holdingRate'),
  ],
  'companies.csv': [
    text('id', ['id'], true),
    text('name', ['name'], true),
    text('bpn'),
    text('group'),
    text('country', ['site', 'country'], true),
    text('region', ['site', 'region'], true),
    number('latitude', ['site', 'location', 0]),
    number('longitude', ['site', 'location', 1]),
    text('city', ['site', 'city']),
    text('bpns', ['site', 'bpns']),
    text('bpna', ['site', 'bpna']),
    number('cash'),
    number('paymentTermDays'),
    number('creditLine'),
    number('ttr'),
  ],
  'items.csv': [
    text('id', ['id'], true),
    text('name', ['name'], true),
    text('unit', ['unit'], true),
    text('hsCode'),
    number('weightKg'),
  ],
  'production.csv': [
    text('company', ['company'], true),
    text('item', ['item'], true),
    number('leadTime', ['leadTime'], true),
    list('capacity', true),
    list('maximumCapacity'),
    number('unitCost'),
    number('co2PerUnit'),
    text('partNumber'),
    number('lotMinimum', ['lotSize', 'minimum']),
    number('lotMultiple', ['lotSize', 'multiple']),
    number('yield'),
    number('holdingCost'),
  ],
  'bom.csv': [
    key('company'),
    key('item'),
    line(text('component', ['item'], true)),
    line(number('quantity', ['quantity'], true)),
  ],
  'capacity-groups.csv': [
    text('id', ['id'], true),
    text('company', ['company'], true),
    list('capacity', true),
    list('maximumCapacity'),
  ],
  'capacity-group-items.csv': [
    key('group'),
    line(text('item', ['item'], true)),
    line(number('load', ['load'], true)),
  ],
  'sourcing.csv': [
    text('buyer', ['buyer'], true),
    text('item', ['item'], true),
    line(text('supplier', ['supplier'], true)),
    line(number('share', ['share'], true)),
    line(number('leadTime', ['leadTime'], true)),
    line(number('unitPrice')),
    line(text('mode')),
    line(number('co2PerUnit')),
    line(number('distanceKm')),
    line(text('supplierPartNumber')),
    text('buyerPartNumber'),
  ],
  'inventory.csv': [
    text('company', ['company'], true),
    text('item', ['item'], true),
    number('onHand', ['onHand'], true),
    number('safetyStock'),
  ],
  'open-orders.csv': [
    text('kind', ['kind'], true),
    text('company', ['company'], true),
    text('item', ['item'], true),
    text('supplier'),
    number('quantity', ['quantity'], true),
    number('due', ['due'], true),
    text('id'),
  ],
  'demand.csv': [
    text('company', ['company'], true),
    text('item', ['item'], true),
    line(text('period', ['period'])),
    line(number('quantity', ['quantity'])),
    number('price'),
    number('lossPerUnit'),
    number('mean'),
    number('stdDev'),
    number('serviceLevel'),
    number('maxServiceTime'),
  ],
} as const satisfies Record<string, readonly Column[]>;

export type CsvFileName = keyof typeof CSV_FILES;
const FILE_NAMES = Object.keys(CSV_FILES) as CsvFileName[];
const REQUIRED_FILES: readonly CsvFileName[] = ['network.csv', 'companies.csv', 'items.csv'];

/** Where a record (or list line) of the document came from, and how its fields map to columns. */
interface Place {
  readonly file: string;
  readonly row: number;
  readonly columns: readonly Column[];
  /** Paths below this place that have no column of their own, and the column to point at instead. */
  readonly aliases?: readonly { path: DocumentPath; column: string }[];
}

/**
 * Load a network from the CSV files of a folder, one file per section (see `docs/formats.md`):
 * network.csv, companies.csv and items.csv are required; production.csv, bom.csv, capacity-groups.csv,
 * capacity-group-items.csv, sourcing.csv, inventory.csv, open-orders.csv and demand.csv are optional
 * (a file with only its header gives an empty section). File names may carry a directory; only the
 * last part counts. Issues name the file as given, the row (header = row 1) and the column.
 */
export function loadNetworkCsv(
  files: readonly SourceFile[],
  options: LoadOptions = {},
): Result<LoadedNetwork, Issue[]> {
  try {
    return new CsvFolder(files, options.maxBytes ?? DEFAULT_MAX_BYTES).load();
  } catch (error) {
    return err([unexpected(files[0]?.name ?? 'network.csv', error)]);
  }
}

/** The base name of a path: `examples/x/companies.csv` → `companies.csv`. */
function baseName(name: string): string {
  return name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
}

/** The longest horizon the format allows (`Network.horizon`). */
const MAX_HORIZON = 3660;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

/**
 * A cell as a value: empty is absent; numbers are numbers (with a decimal comma in semicolon files,
 * as European Excel writes them); anything else stays text, so validation can say what is wrong.
 */
function cellValue(cell: string, type: CellType, delimiter: CsvDelimiter): unknown {
  if (cell === '') return undefined;
  if (type === 'text') return cell;
  const toNumber = (part: string): unknown => {
    if (NUMBER.test(part)) return Number(part);
    if (delimiter === ';' && DECIMAL_COMMA.test(part)) return Number(part.replace(',', '.'));
    return part;
  };
  if (type === 'list' && /[;|]/.test(cell)) return cell.split(/[;|]/).map((part) => toNumber(part.trim()));
  return toNumber(cell);
}

function setPath(target: Record<string, unknown>, path: DocumentPath, value: unknown): void {
  let current: Record<string | number, unknown> = target;
  for (let index = 0; index < path.length - 1; index++) {
    const segment = path[index]!;
    const next = path[index + 1];
    if (current[segment] === undefined) current[segment] = typeof next === 'number' ? [] : {};
    current = current[segment] as Record<string | number, unknown>;
  }
  current[path[path.length - 1]!] = value;
}

/** The list in `record[field]`, created empty when absent. */
function listIn(record: Record<string, unknown>, field: string): unknown[] {
  const existing = record[field];
  if (Array.isArray(existing)) return existing;
  const created: unknown[] = [];
  record[field] = created;
  return created;
}

const pathKey = (path: DocumentPath): string => path.join('\u0000');
const pair = (first: unknown, second: unknown): string => `${String(first)}\u0000${String(second)}`;

class CsvFolder {
  private readonly issues: Issue[] = [];
  private readonly tables = new Map<CsvFileName, CsvTable>();
  private readonly given = new Map<CsvFileName, string>();
  private readonly places = new Map<string, Place>();
  /** Required columns that are missing, as `file \0 column`: their per-row "missing field" is noise. */
  private readonly missingColumns = new Set<string>();
  private readonly document: Record<string, unknown> = {};

  constructor(
    private readonly files: readonly SourceFile[],
    private readonly maxBytes: number,
  ) {}

  load(): Result<LoadedNetwork, Issue[]> {
    if (!this.readFiles()) return err(sortIssues(this.issues));
    this.assemble();
    const networkFile = this.given.get('network.csv') ?? 'network.csv';
    const result = finish(networkFile, { data: this.document, locate: this.locate });
    const validation = result.ok ? result.value.warnings : result.error;
    const kept = validation.filter(
      (issue) => !(issue.code === 'missing-field' && this.missingColumns.has(pair(issue.file, issue.field))),
    );
    const issues = sortIssues([...this.issues, ...kept]);
    if (!result.ok || issues.some((issue) => issue.severity === 'error')) return err(issues);
    return ok({ ...result.value, warnings: issues });
  }

  private report(
    file: string,
    place: { row?: number; field?: string },
    code: IssueCode,
    message: string,
  ): void {
    this.issues.push({ file, ...place, path: [], code, message, severity: 'error' });
  }

  /** Parse every known file; false when syntax errors or missing files make assembly pointless. */
  private readFiles(): boolean {
    let readable = true;
    for (const file of this.files) {
      const base = baseName(file.name) as CsvFileName;
      if (!FILE_NAMES.includes(base)) {
        const hint = didYouMean(baseName(file.name), FILE_NAMES);
        this.report(
          file.name,
          {},
          'unknown-file',
          `'${baseName(file.name)}' is not a file of a keten CSV folder${hint}; the files are ${FILE_NAMES.join(', ')}`,
        );
        continue;
      }
      if (this.given.has(base)) {
        this.report(file.name, {}, 'unknown-file', `a second '${base}'; a folder holds each file once`);
        continue;
      }
      this.given.set(base, file.name);
      const tooLarge = sizeIssue(file, this.maxBytes);
      if (tooLarge !== undefined) {
        this.issues.push(tooLarge);
        readable = false;
        continue;
      }
      const parsed = parseCsv(file.name, file.text);
      if (!parsed.ok) {
        this.issues.push(...parsed.error);
        readable = false;
        continue;
      }
      this.checkHeader(base, parsed.value);
      this.tables.set(base, parsed.value);
    }
    for (const required of REQUIRED_FILES) {
      if (!this.given.has(required)) {
        this.report(required, {}, 'missing-file', `the folder has no ${required}; it is required`);
        readable = false;
      }
    }
    return readable;
  }

  /** Unknown columns (with a suggestion) and missing required columns. */
  private checkHeader(base: CsvFileName, table: CsvTable): void {
    const columns: readonly Column[] = CSV_FILES[base];
    const names = columns.map((column) => column.name);
    table.header.forEach((name, index) => {
      if (names.includes(name)) return;
      if (name === '') {
        if (table.rows.every((row) => (row.cells[index] ?? '') === '')) return;
        this.report(table.file, { row: 1 }, 'unknown-column', `column ${index + 1} has values but no name`);
        return;
      }
      this.report(
        table.file,
        { row: 1, field: name },
        'unknown-column',
        `unknown column '${name}'${didYouMean(name, names)}; the columns of ${base} are ${names.join(', ')}`,
      );
    });
    for (const column of columns) {
      if (column.required && !table.header.includes(column.name)) {
        this.missingColumns.add(pair(table.file, column.name));
        this.report(
          table.file,
          { row: 1, field: column.name },
          'missing-column',
          `${base} needs a column '${column.name}'`,
        );
      }
    }
  }

  /** The values of one row by column, for the columns of `level`. */
  private read(base: CsvFileName, table: CsvTable, row: CsvRow, levels: readonly Column['level'][]) {
    const values = new Map<Column, unknown>();
    const columns: readonly Column[] = CSV_FILES[base];
    for (const column of columns) {
      if (!levels.includes(column.level)) continue;
      const index = table.header.indexOf(column.name);
      if (index < 0) continue;
      const value = cellValue(row.cells[index] ?? '', column.type, table.delimiter);
      if (value !== undefined) values.set(column, value);
    }
    return values;
  }

  /** A record from the values of one row. */
  private build(values: Map<Column, unknown>): Record<string, unknown> {
    const record: Record<string, unknown> = {};
    for (const [column, value] of values) if (column.level !== 'key') setPath(record, column.path, value);
    return record;
  }

  private columnsOf(base: CsvFileName, level: 'record' | 'line'): Column[] {
    const columns: readonly Column[] = CSV_FILES[base];
    return columns.filter((column) => (level === 'line' ? column.level === 'line' : column.level !== 'line'));
  }

  private assemble(): void {
    this.assembleNetwork();
    this.assembleSimple('companies.csv', 'companies');
    this.assembleSimple('items.csv', 'items');
    this.assembleSimple('production.csv', 'production');
    this.attachLines(
      'bom.csv',
      'production',
      ['company', 'item'],
      'bom',
      ([company, item]) =>
        `production.csv has no row for company '${company}' and item '${item}'; a BOM line belongs to one`,
    );
    this.assembleSimple('capacity-groups.csv', 'capacityGroups');
    this.attachLines(
      'capacity-group-items.csv',
      'capacityGroups',
      ['id'],
      'items',
      ([group]) => `capacity-groups.csv has no group '${group}'${didYouMean(group ?? '', this.groupIds())}`,
    );
    this.assembleGrouped('sourcing.csv', 'sourcing', 'buyer', 'suppliers');
    this.assembleSimple('inventory.csv', 'inventory');
    this.assembleSimple('open-orders.csv', 'openOrders');
    this.assembleDemand();
  }

  private groupIds(): string[] {
    const groups = (this.document.capacityGroups ?? []) as Record<string, unknown>[];
    return groups.map((group) => String(group.id));
  }

  private assembleNetwork(): void {
    const table = this.tables.get('network.csv');
    if (table === undefined) return;
    const [first, ...more] = table.rows;
    for (const extra of more) {
      this.report(table.file, { row: extra.row }, 'duplicate-record', 'network.csv holds one row of values');
    }
    if (first === undefined) {
      this.report(
        table.file,
        { row: 2 },
        'missing-field',
        'network.csv needs one row of values under its header',
      );
      return;
    }
    Object.assign(this.document, this.build(this.read('network.csv', table, first, [undefined])));
    this.places.set(pathKey([]), { file: table.file, row: first.row, columns: CSV_FILES['network.csv'] });
  }

  /** One record per row. */
  private assembleSimple(base: CsvFileName, section: string): void {
    const table = this.tables.get(base);
    if (table === undefined) return;
    const records = table.rows.map((row, index) => {
      const record = this.build(this.read(base, table, row, [undefined]));
      this.places.set(pathKey([section, index]), {
        file: table.file,
        row: row.row,
        columns: this.columnsOf(base, 'record'),
      });
      if (base === 'companies.csv') this.checkLocation(table, row, record);
      return record;
    });
    this.document[section] = records;
  }

  /** Latitude and longitude come as a pair. */
  private checkLocation(table: CsvTable, row: CsvRow, record: Record<string, unknown>): void {
    const site = record.site as { location?: unknown[] } | undefined;
    const location = site?.location;
    if (location === undefined || (location.length === 2 && location[0] !== undefined)) return;
    const missing = location[0] === undefined ? 'latitude' : 'longitude';
    this.report(
      table.file,
      { row: row.row, field: missing },
      'missing-field',
      'give both latitude and longitude, or neither',
    );
    delete site?.location;
  }

  /**
   * Rows of `base` that add entries to a list (`listField`) of records of `section`, matched on the key
   * columns (`keyFields` of the record, in the same order as the key columns of the file).
   */
  private attachLines(
    base: CsvFileName,
    section: string,
    keyFields: readonly string[],
    listField: string,
    unmatched: (keys: string[]) => string,
  ): void {
    const table = this.tables.get(base);
    if (table === undefined) return;
    const records = (this.document[section] ?? []) as Record<string, unknown>[];
    const byKey = new Map<string, number>();
    records.forEach((record, index) => {
      const recordKey = keyFields.map((field) => String(record[field])).join('\u0000');
      if (!byKey.has(recordKey)) byKey.set(recordKey, index);
    });
    const keyColumns = CSV_FILES[base].filter((column) => 'level' in column && column.level === 'key');
    for (const row of table.rows) {
      const keys = keyColumns.map((column) => row.cells[table.header.indexOf(column.name)] ?? '');
      const index = byKey.get(keys.join('\u0000'));
      if (index === undefined) {
        const field = keyColumns[keyColumns.length - 1]?.name ?? '';
        this.report(table.file, { row: row.row, field }, 'unknown-reference', unmatched(keys));
        continue;
      }
      const record = records[index]!;
      const entries = listIn(record, listField);
      this.places.set(pathKey([section, index, listField, entries.length]), {
        file: table.file,
        row: row.row,
        columns: this.columnsOf(base, 'line'),
      });
      entries.push(this.build(this.read(base, table, row, ['line'])));
    }
    // A record with no lines gets an empty list, so validation says what is missing (a group needs items).
    if (listField === 'items') for (const record of records) record[listField] ??= [];
  }

  /**
   * Several rows per record (sourcing: one per supplier): rows with the same `buyer`/`company` and item
   * form one record, in the order of their first row; record fields must agree between rows.
   */
  private assembleGrouped(base: CsvFileName, section: string, owner: string, listField: string): void {
    const table = this.tables.get(base);
    if (table === undefined) return;
    const records: Record<string, unknown>[] = [];
    const byKey = new Map<string, { index: number; firstRow: number; values: Map<Column, unknown> }>();
    for (const row of table.rows) {
      const values = this.read(base, table, row, [undefined]);
      const group = this.groupOf(base, table, row, owner, values, byKey, records, section);
      const entries = listIn(records[group]!, listField);
      this.places.set(pathKey([section, group, listField, entries.length]), {
        file: table.file,
        row: row.row,
        columns: this.columnsOf(base, 'line'),
      });
      entries.push(this.build(this.read(base, table, row, ['line'])));
    }
    this.document[section] = records;
  }

  /** The index of the record a row belongs to, creating it on its first row; reports disagreeing rows. */
  private groupOf(
    base: CsvFileName,
    table: CsvTable,
    row: CsvRow,
    owner: string,
    values: Map<Column, unknown>,
    byKey: Map<string, { index: number; firstRow: number; values: Map<Column, unknown> }>,
    records: Record<string, unknown>[],
    section: string,
  ): number {
    const ownerValue = [...values].find(([column]) => column.name === owner)?.[1];
    const itemValue = [...values].find(([column]) => column.name === 'item')?.[1];
    const groupKey = pair(ownerValue, itemValue);
    const existing = byKey.get(groupKey);
    if (existing === undefined) {
      const index = records.length;
      records.push(this.build(values));
      byKey.set(groupKey, { index, firstRow: row.row, values });
      this.places.set(pathKey([section, index]), {
        file: table.file,
        row: row.row,
        columns: this.columnsOf(base, 'record'),
        aliases: [
          { path: ['suppliers'], column: 'share' },
          { path: ['quantities'], column: 'period' },
        ],
      });
      return index;
    }
    const record = records[existing.index]!;
    for (const [column, value] of values) {
      const earlier = existing.values.get(column);
      if (earlier === undefined) {
        existing.values.set(column, value);
        setPath(record, column.path, value);
      } else if (earlier !== value) {
        this.report(
          table.file,
          { row: row.row, field: column.name },
          'inconsistent-rows',
          `'${column.name}' is ${String(value)} here but ${String(earlier)} in row ${existing.firstRow}; rows of ` +
            `one ${base === 'demand.csv' ? 'demand record' : 'sourcing rule'} must agree (or leave it empty)`,
        );
      }
    }
    return existing.index;
  }

  /** demand.csv: one row per company, item and period; periods become the `quantities` list. */
  private assembleDemand(): void {
    const base = 'demand.csv';
    const table = this.tables.get(base);
    if (table === undefined) return;
    const records: Record<string, unknown>[] = [];
    const byKey = new Map<string, { index: number; firstRow: number; values: Map<Column, unknown> }>();
    const periodRows = new Map<number, Map<number, number>>();
    for (const row of table.rows) {
      const values = this.read(base, table, row, [undefined]);
      const index = this.groupOf(base, table, row, 'company', values, byKey, records, 'demand');
      const record = records[index]!;
      const quantities = listIn(record, 'quantities');
      const lineValues = this.read(base, table, row, ['line']);
      const periodCell = [...lineValues].find(([column]) => column.name === 'period')?.[1];
      const quantity = [...lineValues].find(([column]) => column.name === 'quantity')?.[1];
      if (periodCell === undefined && quantity === undefined) continue; // a row with statistics only
      const period = this.periodOf(periodCell, table, row);
      if (period === undefined) continue;
      // Checked here rather than by validation: a period of 10^9 must not become a list of 10^9 zeros.
      const horizon = typeof this.document.horizon === 'number' ? this.document.horizon : MAX_HORIZON;
      if (period >= horizon) {
        this.report(
          table.file,
          { row: row.row, field: 'period' },
          'outside-horizon',
          `period ${period} is beyond the horizon (periods 0 to ${horizon - 1})`,
        );
        continue;
      }
      if (quantity === undefined) {
        this.report(
          table.file,
          { row: row.row, field: 'quantity' },
          'missing-field',
          'a demand row with a period needs a quantity',
        );
        continue;
      }
      const rows = periodRows.get(index) ?? new Map<number, number>();
      periodRows.set(index, rows);
      const earlier = rows.get(period);
      if (earlier !== undefined) {
        this.report(
          table.file,
          { row: row.row, field: 'period' },
          'duplicate-record',
          `period ${period} of this company and item is also in row ${earlier}; add the quantities into one row`,
        );
        continue;
      }
      rows.set(period, row.row);
      while (quantities.length < period) quantities.push(0);
      quantities[period] = quantity;
      const place = { file: table.file, row: row.row, columns: this.columnsOf(base, 'line') };
      this.places.set(pathKey(['demand', index, 'quantities', period]), place);
    }
    this.document.demand = records;
  }

  /** A period number (0 = the first) or a date within a period, from the network's start. */
  private periodOf(cell: unknown, table: CsvTable, row: CsvRow): number | undefined {
    const value = typeof cell === 'string' ? cell : '';
    if (/^\d+$/.test(value)) return Number(value);
    const start = this.document.start;
    const period = this.document.period;
    const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (date !== null && typeof start === 'string' && (period === 'day' || period === 'week')) {
      const days = (Date.parse(`${value}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000;
      if (Number.isFinite(days) && days >= 0) return Math.floor(days / (period === 'week' ? 7 : 1));
      if (Number.isFinite(days)) {
        this.report(
          table.file,
          { row: row.row, field: 'period' },
          'outside-horizon',
          `${value} is before the start of the network (${start})`,
        );
        return undefined;
      }
    }
    this.report(
      table.file,
      { row: row.row, field: 'period' },
      value === '' ? 'missing-field' : 'invalid-value',
      value === ''
        ? 'a demand row with a quantity needs a period'
        : `'period' must be a period number (0 is the first) or a date such as 2027-01-04, not '${value}'`,
    );
    return undefined;
  }

  /** From a document path to file, row and column. */
  private readonly locate: Locate = (path) => {
    if (path.length === 0) return this.placeOf(this.places.get(pathKey([])), []);
    const first = path[0];
    if (path.length === 1 && typeof first === 'string' && !this.isSection(first)) {
      return this.placeOf(this.places.get(pathKey([])), path);
    }
    for (let length = path.length; length >= 2; length--) {
      const place = this.places.get(pathKey(path.slice(0, length)));
      if (place !== undefined) return this.placeOf(place, path.slice(length));
    }
    const file = this.fileOfSection(first);
    return file === undefined ? {} : { file };
  };

  private isSection(name: string): boolean {
    return this.fileOfSection(name) !== undefined;
  }

  private fileOfSection(section: unknown): string | undefined {
    const files: Record<string, CsvFileName> = {
      companies: 'companies.csv',
      items: 'items.csv',
      production: 'production.csv',
      capacityGroups: 'capacity-groups.csv',
      sourcing: 'sourcing.csv',
      inventory: 'inventory.csv',
      openOrders: 'open-orders.csv',
      demand: 'demand.csv',
    };
    const base = typeof section === 'string' ? files[section] : undefined;
    return base === undefined ? undefined : (this.given.get(base) ?? base);
  }

  /**
   * File and row of a place, and the column for the rest of the path: the column whose path is the
   * longest start of it, else the first column below it (`site` → `country`), else an alias.
   */
  private placeOf(place: Place | undefined, rest: DocumentPath): Partial<Issue> {
    if (place === undefined) return { file: this.given.get('network.csv') ?? 'network.csv' };
    const located: Partial<Issue> = { file: place.file, row: place.row };
    if (rest.length === 0) return located;
    const startsWith = (path: DocumentPath, start: DocumentPath): boolean =>
      start.length <= path.length && start.every((segment, index) => segment === path[index]);
    let best: Column | undefined;
    for (const column of place.columns) {
      if (startsWith(rest, column.path) && (best === undefined || column.path.length > best.path.length))
        best = column;
    }
    best ??= place.columns.find((column) => startsWith(column.path, rest));
    if (best !== undefined) return { ...located, field: best.name };
    const alias = place.aliases?.find((candidate) => startsWith(rest, candidate.path));
    return alias === undefined ? located : { ...located, field: alias.column };
  }
}
