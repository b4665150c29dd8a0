/**
 * @module model/check-network
 * The rules that relate records to each other: unique ids and records, references to companies,
 * items and suppliers, BOM cycles, supplier shares, per-period lists against the horizon, who makes and
 * buys what, open orders, and the warnings (companies in no chain, items nobody makes or buys).
 * Rules that read only a few fields (ids, references, duplicate records, per-period list lengths, who
 * makes and buys what) run on every record as written, also those that failed their own schema, so a
 * record with one bad field still gets its other problems reported and one broken company does not
 * cause a cascade of "unknown company" errors. The other rules run on the records that passed.
 */
import { type BomEdge, findBomCycles } from './bom-cycles.ts';
import type { DocumentPath } from './issues.ts';
import {
  type CapacityGroup,
  type Company,
  type Demand,
  Id,
  type Inventory,
  type Item,
  type Network,
  type OpenOrder,
  type PerPeriod,
  type Production,
  SECTIONS,
  type Section,
  type Sourcing,
  valueAt,
} from './schema.ts';
import type { IssueDraft } from './schema-issues.ts';
import { closestMatch } from './suggest.ts';
import { computeTiers } from './tiers.ts';

/** A record that passed its schema, with its position in its section. */
export interface Indexed<T> {
  readonly record: T;
  readonly index: number;
}

/** The records of each section that passed their schema. */
export interface CheckedRecords {
  readonly companies: Indexed<Company>[];
  readonly items: Indexed<Item>[];
  readonly production: Indexed<Production>[];
  readonly capacityGroups: Indexed<CapacityGroup>[];
  readonly sourcing: Indexed<Sourcing>[];
  readonly inventory: Indexed<Inventory>[];
  readonly openOrders: Indexed<OpenOrder>[];
  readonly demand: Indexed<Demand>[];
}

/** What the cross-record checks need besides the records. */
export interface CheckInput {
  readonly records: CheckedRecords;
  /** Each section as written, to collect ids of records that failed their schema too. */
  readonly rawSections: Partial<Record<Section, readonly unknown[]>>;
  /** The horizon, period and start when they are valid; checks that need them are skipped otherwise. */
  readonly horizon?: number;
  readonly period?: 'day' | 'week';
  readonly start?: string;
  /** How a message names another place: `line 12`, `row 3`. */
  readonly placeOf: (path: DocumentPath) => string;
}

/** Every cross-record issue, and the tiers of the companies (computed on the records that passed). */
export function checkNetwork(input: CheckInput): { issues: IssueDraft[]; tiers: Map<string, number> } {
  return new NetworkChecker(input).run();
}

/** Computing suggestions costs an edit distance per known id; beyond this many we stop suggesting. */
const MAX_SUGGESTIONS = 200;
const SHARE_TOLERANCE = 1e-6;
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/**
 * A map keyed by two strings (company and item), without joining them into one key per lookup: with
 * 500,000 records, building and hashing joined keys is a large part of the time.
 */
class PairMap<V> {
  private readonly outer = new Map<string, Map<string, V>>();

  get(first: string, second: string): V | undefined {
    return this.outer.get(first)?.get(second);
  }

  has(first: string, second: string): boolean {
    return this.outer.get(first)?.has(second) ?? false;
  }

  set(first: string, second: string, value: V): void {
    let inner = this.outer.get(first);
    if (inner === undefined) {
      inner = new Map();
      this.outer.set(first, inner);
    }
    inner.set(second, value);
  }

  /** Every second key (e.g. every item that some company makes). */
  *seconds(): Generator<string> {
    for (const inner of this.outer.values()) yield* inner.keys();
  }
}

/** A text field of a record as written, or undefined when the record or field is anything else. */
function text(record: unknown, field: string): string | undefined {
  if (record === null || typeof record !== 'object') return undefined;
  const value = (record as Record<string, unknown>)[field];
  return typeof value === 'string' ? value : undefined;
}

/** A list field of a record as written, or an empty list. */
function list(record: unknown, field: string): readonly unknown[] {
  if (record === null || typeof record !== 'object') return [];
  const value = (record as Record<string, unknown>)[field];
  return Array.isArray(value) ? value : [];
}

type ReferenceKind = 'company' | 'item' | 'supplier';

/** The fields of each section that name a company or item; `list` for fields inside a nested list. */
const REFERENCES: Record<Section, readonly { field: string; kind: ReferenceKind; list?: string }[]> = {
  companies: [],
  items: [],
  production: [
    { field: 'company', kind: 'company' },
    { field: 'item', kind: 'item' },
    { field: 'item', kind: 'item', list: 'bom' },
  ],
  capacityGroups: [
    { field: 'company', kind: 'company' },
    { field: 'item', kind: 'item', list: 'items' },
  ],
  sourcing: [
    { field: 'buyer', kind: 'company' },
    { field: 'item', kind: 'item' },
    { field: 'supplier', kind: 'supplier', list: 'suppliers' },
  ],
  inventory: [
    { field: 'company', kind: 'company' },
    { field: 'item', kind: 'item' },
  ],
  openOrders: [
    { field: 'company', kind: 'company' },
    { field: 'item', kind: 'item' },
    { field: 'supplier', kind: 'supplier' },
  ],
  demand: [
    { field: 'company', kind: 'company' },
    { field: 'item', kind: 'item' },
  ],
};

class NetworkChecker {
  private readonly issues: IssueDraft[] = [];
  private readonly companyIds: Set<string>;
  private readonly itemIds: Set<string>;
  /** Company and item of every production record. */
  private readonly makes = new PairMap<true>();
  /** Buyer and item of every sourcing rule, with its suppliers. */
  private readonly buys = new PairMap<Set<string>>();
  private suggestionsLeft = MAX_SUGGESTIONS;

  constructor(private readonly input: CheckInput) {
    this.companyIds = this.collectIds('companies', 'company');
    this.itemIds = this.collectIds('items', 'item');
    this.collectIds('capacityGroups', 'capacity group');
    // Who makes and buys what, from every record that names it, so a broken record does not make its
    // company look like it neither makes nor buys the item.
    for (const record of input.rawSections.production ?? []) {
      const company = text(record, 'company');
      const item = text(record, 'item');
      if (company !== undefined && item !== undefined) this.makes.set(company, item, true);
    }
    for (const record of input.rawSections.sourcing ?? []) {
      const buyer = text(record, 'buyer');
      const item = text(record, 'item');
      if (buyer === undefined || item === undefined) continue;
      let suppliers = this.buys.get(buyer, item);
      if (suppliers === undefined) {
        suppliers = new Set<string>();
        this.buys.set(buyer, item, suppliers);
      }
      for (const line of list(record, 'suppliers')) {
        const supplier = text(line, 'supplier');
        if (supplier !== undefined) suppliers.add(supplier);
      }
    }
  }

  run(): { issues: IssueDraft[]; tiers: Map<string, number> } {
    this.checkStart();
    this.checkReferences();
    this.checkPerPeriodLists();
    this.checkProduction();
    this.checkBomCycles();
    this.checkCapacityGroups();
    this.checkSourcing();
    this.checkDuplicateRecords();
    this.checkOpenOrders();
    this.checkDemand();
    const tiers = computeTiers(this.partialNetwork());
    this.warnNotInChain(tiers);
    this.warnUnusedItems();
    return { issues: this.issues, tiers };
  }

  private report(path: DocumentPath, code: IssueDraft['code'], message: string): void {
    this.issues.push({ path, code, message });
  }

  /** Ids of a section from every record that has a text id, reporting repeats at the later one. */
  private collectIds(section: 'companies' | 'items' | 'capacityGroups', kind: string): Set<string> {
    const first = new Map<string, number>();
    const raw = this.input.rawSections[section] ?? [];
    for (let index = 0; index < raw.length; index++) {
      const record = raw[index];
      if (record === null || typeof record !== 'object' || !('id' in record)) continue;
      const id = (record as { id: unknown }).id;
      if (typeof id !== 'string') continue;
      const earlier = first.get(id);
      if (earlier === undefined) {
        first.set(id, index);
        continue;
      }
      this.report(
        [section, index, 'id'],
        'duplicate-id',
        `duplicate ${kind} id '${id}': the first is at ${this.input.placeOf([section, earlier])}; ids must be unique`,
      );
    }
    return new Set(first.keys());
  }

  private isCompany(id: string): boolean {
    return this.companyIds.has(id);
  }

  private isItem(id: string): boolean {
    return this.itemIds.has(id);
  }

  /**
   * References to companies, items and suppliers, in every record that names one, also records that
   * failed their schema (so a record with a bad lead time still gets its unknown supplier reported).
   */
  private checkReferences(): void {
    for (const section of SECTIONS) {
      const fields = REFERENCES[section];
      if (fields.length === 0) continue;
      const raw = this.input.rawSections[section] ?? [];
      for (let index = 0; index < raw.length; index++) {
        const record = raw[index];
        for (const { field, kind, list: listField } of fields) {
          if (listField === undefined) {
            this.reference(kind, record, field, section, index);
            continue;
          }
          const entries = list(record, listField);
          for (let entryIndex = 0; entryIndex < entries.length; entryIndex++) {
            this.reference(kind, entries[entryIndex], field, section, index, listField, entryIndex);
          }
        }
      }
    }
  }

  /** Reports an unknown reference, with a suggestion; values that are not ids are the schema's business. */
  private reference(
    kind: ReferenceKind,
    record: unknown,
    field: string,
    section: Section,
    index: number,
    listField?: string,
    entryIndex?: number,
  ): void {
    const id = text(record, field);
    if (id === undefined) return;
    const ids = kind === 'item' ? this.itemIds : this.companyIds;
    if (ids.has(id) || !Id.safeParse(id).success) return;
    const path: DocumentPath =
      listField === undefined ? [section, index, field] : [section, index, listField, entryIndex ?? 0, field];
    let hint = '';
    if (this.suggestionsLeft > 0) {
      this.suggestionsLeft--;
      const match = closestMatch(id, ids);
      if (match !== undefined) hint = ` (did you mean '${match}'?)`;
    }
    this.report(path, 'unknown-reference', `unknown ${kind} '${id}'${hint}`);
  }

  /** Reports a record whose key an earlier one has, naming the first; messages are built only then. */
  private duplicate(path: DocumentPath, firstPath: DocumentPath, describe: string): void {
    this.report(path, 'duplicate-record', `${describe}: the first is at ${this.input.placeOf(firstPath)}`);
  }

  private checkStart(): void {
    const { period, start } = this.input;
    if (period !== 'week' || start === undefined) return;
    const [year, month, day] = start.split('-').map(Number);
    const date = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 1));
    const weekday = date.getUTCDay();
    if (weekday === 1) return;
    const monday = new Date(date.getTime() - ((weekday + 6) % 7) * 86_400_000).toISOString().slice(0, 10);
    this.report(
      ['start'],
      'not-monday',
      `weekly periods start on a Monday, but ${start} is a ${WEEKDAYS[weekday]}; use ${monday}, the Monday before`,
    );
  }

  /**
   * Per-period lists against the horizon and single capacities of 0, in every record (also those that
   * failed their schema for another reason).
   */
  private checkPerPeriodLists(): void {
    const lists: [Section, string, boolean][] = [
      ['production', 'capacity', true],
      ['production', 'maximumCapacity', false],
      ['capacityGroups', 'capacity', true],
      ['capacityGroups', 'maximumCapacity', false],
      ['demand', 'quantities', false],
    ];
    for (const [section, field, isCapacity] of lists) {
      const raw = this.input.rawSections[section] ?? [];
      for (let index = 0; index < raw.length; index++) {
        const value =
          field in Object(raw[index]) ? (raw[index] as Record<string, unknown>)[field] : undefined;
        this.checkPerPeriod(value, [section, index, field], isCapacity);
      }
    }
  }

  /** A per-period quantity: not longer than the horizon; a single capacity of 0 is an error. */
  private checkPerPeriod(value: unknown, path: DocumentPath, isCapacity: boolean): void {
    const field = path[path.length - 1];
    if (typeof value === 'number') {
      if (value === 0 && isCapacity) {
        this.report(
          path,
          'zero-capacity',
          `'${String(field)}' is 0, so nothing can ever start here; leave the record out, or give a list ` +
            'with zeros for the shutdown periods',
        );
      }
      return;
    }
    const { horizon } = this.input;
    if (Array.isArray(value) && horizon !== undefined && value.length > horizon) {
      this.report(
        path,
        'list-too-long',
        `'${String(field)}' has ${value.length} values but the horizon is ${horizon} periods; remove the last ${value.length - horizon}`,
      );
    }
  }

  /** maximumCapacity at least capacity in every period of the horizon. */
  private checkMaximum(capacity: PerPeriod, maximum: PerPeriod | undefined, path: DocumentPath): void {
    if (maximum === undefined) return;
    const length = Math.max(
      typeof capacity === 'number' ? 1 : capacity.length,
      typeof maximum === 'number' ? 1 : maximum.length,
    );
    const periods = Math.min(length, this.input.horizon ?? length);
    for (let period = 0; period < periods; period++) {
      const below = valueAt(maximum, period);
      const planned = valueAt(capacity, period);
      if (below < planned) {
        this.report(
          path,
          'maximum-below-capacity',
          `'maximumCapacity' is ${below} in period ${period}, below the capacity of ${planned}; the maximum ` +
            '(with overtime or an extra shift) must be at least the capacity',
        );
        return;
      }
    }
  }

  /**
   * One production record per company and item, one sourcing rule per buyer and item, one inventory
   * and one demand record per company and item; checked on every record that names known ones.
   */
  private checkDuplicateRecords(): void {
    const keyed: [Section, string, string, string][] = [
      ['production', 'company', 'a second production record for company', 'merge them into one'],
      ['sourcing', 'buyer', 'a second sourcing rule for buyer', 'put all its suppliers in one rule'],
      ['inventory', 'company', 'a second inventory record for company', 'add them into one'],
      ['demand', 'company', 'a second demand record for company', 'add them into one'],
    ];
    for (const [section, companyField, what, advice] of keyed) {
      const seen = new PairMap<number>();
      const raw = this.input.rawSections[section] ?? [];
      for (let index = 0; index < raw.length; index++) {
        const company = text(raw[index], companyField);
        const item = text(raw[index], 'item');
        if (company === undefined || item === undefined || !this.isCompany(company) || !this.isItem(item))
          continue;
        const earlier = seen.get(company, item);
        if (earlier === undefined) seen.set(company, item, index);
        else {
          this.duplicate(
            [section, index, 'item'],
            [section, earlier],
            `${what} '${company}' and item '${item}'; ${advice}`,
          );
        }
      }
    }
  }

  private checkProduction(): void {
    for (const { record, index } of this.input.records.production) {
      const at = (...rest: (string | number)[]): DocumentPath => ['production', index, ...rest];
      const companyKnown = this.isCompany(record.company);
      if (record.maximumCapacity !== undefined) {
        this.checkMaximum(record.capacity, record.maximumCapacity, at('maximumCapacity'));
      }
      const bom = record.bom ?? [];
      bom.forEach((line, lineIndex) => {
        if (!this.isItem(line.item)) return;
        const first = bom.findIndex((other) => other.item === line.item);
        if (first < lineIndex) {
          this.duplicate(
            at('bom', lineIndex, 'item'),
            at('bom', first),
            `component '${line.item}' is listed twice in this bill of materials; add the quantities into one line`,
          );
        }
        const sourced = this.makes.has(record.company, line.item) || this.buys.has(record.company, line.item);
        if (companyKnown && line.item !== record.item && !sourced) {
          this.report(
            at('bom', lineIndex, 'item'),
            'consumes-unsourced-item',
            `company '${record.company}' uses '${line.item}' to make '${record.item}' but neither makes nor buys ` +
              `it; add a sourcing rule (buyer: ${record.company}, item: ${line.item}) or a production record`,
          );
        }
      });
    }
  }

  private checkBomCycles(): void {
    const edges: BomEdge[] = [];
    const places: DocumentPath[] = [];
    for (const { record, index } of this.input.records.production) {
      (record.bom ?? []).forEach((line, lineIndex) => {
        edges.push({ parent: record.item, component: line.item, source: places.length });
        places.push(['production', index, 'bom', lineIndex, 'item']);
      });
    }
    for (const cycle of findBomCycles(edges)) {
      this.report(
        places[cycle.closingEdge.source] ?? ['production'],
        'bom-cycle',
        `bom cycle: ${cycle.items.join(' → ')}; an item cannot be a component of itself`,
      );
    }
  }

  private checkCapacityGroups(): void {
    for (const { record, index } of this.input.records.capacityGroups) {
      const at = (...rest: (string | number)[]): DocumentPath => ['capacityGroups', index, ...rest];
      const companyKnown = this.isCompany(record.company);
      this.checkMaximum(record.capacity, record.maximumCapacity, at('maximumCapacity'));
      record.items.forEach((entry, entryIndex) => {
        if (!this.isItem(entry.item)) return;
        const first = record.items.findIndex((other) => other.item === entry.item);
        if (first < entryIndex) {
          this.duplicate(
            at('items', entryIndex, 'item'),
            at('items', first),
            `item '${entry.item}' is in this capacity group twice; keep one entry`,
          );
        }
        if (companyKnown && !this.makes.has(record.company, entry.item)) {
          this.report(
            at('items', entryIndex, 'item'),
            'group-item-not-made',
            `capacity group '${record.id}' of company '${record.company}' holds item '${entry.item}', which the ` +
              'company does not make (it has no production record for it)',
          );
        }
      });
    }
  }

  private checkSourcing(): void {
    // Plain loops without closures: this runs once per supplier line, 260,000 times in a large network.
    for (const { record, index } of this.input.records.sourcing) {
      const itemKnown = this.isItem(record.item);
      const lines = record.suppliers;
      let sum = 0;
      for (let lineIndex = 0; lineIndex < lines.length; lineIndex++) {
        const supplier = lines[lineIndex]!.supplier;
        sum += lines[lineIndex]!.share;
        if (supplier === record.buyer) {
          this.report(
            ['sourcing', index, 'suppliers', lineIndex, 'supplier'],
            'supplier-is-buyer',
            `company '${record.buyer}' cannot be its own supplier`,
          );
          continue;
        }
        if (!this.isCompany(supplier)) continue;
        let first = 0;
        while (lines[first]!.supplier !== supplier) first++;
        if (first < lineIndex) {
          this.duplicate(
            ['sourcing', index, 'suppliers', lineIndex, 'supplier'],
            ['sourcing', index, 'suppliers', first],
            `supplier '${supplier}' appears twice in this rule; give it one line with the total share`,
          );
        }
        if (itemKnown && !this.makes.has(supplier, record.item) && !this.buys.has(supplier, record.item)) {
          this.report(
            ['sourcing', index, 'suppliers', lineIndex, 'supplier'],
            'supplier-cannot-supply',
            `supplier '${supplier}' neither makes nor buys '${record.item}'; add a production record ` +
              `(company: ${supplier}, item: ${record.item}) or a sourcing rule for it`,
          );
        }
      }
      if (Math.abs(sum - 1) > SHARE_TOLERANCE) {
        this.report(
          ['sourcing', index, 'suppliers'],
          'shares-sum',
          `the supplier shares of buyer '${record.buyer}' for '${record.item}' sum to ${Number(sum.toFixed(6))}; ` +
            'they must sum to 1',
        );
      }
    }
  }

  private checkOpenOrders(): void {
    const ids = new Map<string, number>();
    const { horizon } = this.input;
    for (const { record, index } of this.input.records.openOrders) {
      const at = (field: string): DocumentPath => ['openOrders', index, field];
      if (record.id !== undefined) {
        const earlier = ids.get(record.id);
        if (earlier === undefined) ids.set(record.id, index);
        else {
          this.report(
            at('id'),
            'duplicate-id',
            `duplicate open order id '${record.id}': the first is at ${this.input.placeOf(['openOrders', earlier])}`,
          );
        }
      }
      if (horizon !== undefined && record.due >= horizon) {
        this.report(
          at('due'),
          'outside-horizon',
          `'due' is period ${record.due}, beyond the horizon (periods 0 to ${horizon - 1})`,
        );
      }
      const companyKnown = this.isCompany(record.company);
      const itemKnown = this.isItem(record.item);
      const supplierKnown = record.supplier === undefined || this.isCompany(record.supplier);
      if (!companyKnown || !itemKnown) continue;
      if (record.kind === 'production') {
        if (record.supplier !== undefined) {
          this.report(
            at('supplier'),
            'open-order',
            "a production order has no supplier; remove 'supplier', or make it kind: purchase",
          );
        }
        if (!this.makes.has(record.company, record.item)) {
          this.report(
            at('item'),
            'open-order',
            `company '${record.company}' does not make '${record.item}' (no production record), so it cannot ` +
              'have a production order for it',
          );
        }
        continue;
      }
      if (record.supplier === undefined) {
        this.report(['openOrders', index], 'open-order', "a purchase order needs a 'supplier'");
        continue;
      }
      if (!supplierKnown) continue;
      const suppliers = this.buys.get(record.company, record.item);
      if (suppliers === undefined) {
        this.report(
          at('item'),
          'open-order',
          `company '${record.company}' has no sourcing rule for '${record.item}', so it cannot have a purchase ` +
            'order for it',
        );
      } else if (!suppliers.has(record.supplier)) {
        this.report(
          at('supplier'),
          'open-order',
          `'${record.supplier}' is not a supplier of '${record.company}' for '${record.item}' (its suppliers: ` +
            `${[...suppliers].join(', ')})`,
        );
      }
    }
  }

  private checkDemand(): void {
    for (const { record, index } of this.input.records.demand) {
      const at = (field: string): DocumentPath => ['demand', index, field];
      const companyKnown = this.isCompany(record.company);
      const itemKnown = this.isItem(record.item);
      if (!companyKnown || !itemKnown) continue;
      if (!this.makes.has(record.company, record.item) && !this.buys.has(record.company, record.item)) {
        this.report(
          at('item'),
          'demand-unsourced-item',
          `company '${record.company}' has demand for '${record.item}' but neither makes nor buys it; add a ` +
            'production record or a sourcing rule for it',
        );
      }
    }
  }

  /** The records that passed, as a network, for the tier computation. */
  private partialNetwork(): Network {
    const records = this.input.records;
    return {
      format: 'keten.network/v1',
      name: '',
      period: 'week',
      start: '',
      horizon: 1,
      companies: records.companies.map(({ record }) => record),
      items: records.items.map(({ record }) => record),
      sourcing: records.sourcing.map(({ record }) => record),
      demand: records.demand.map(({ record }) => record),
    };
  }

  private warnNotInChain(tiers: ReadonlyMap<string, number>): void {
    const { companies, demand } = this.input.records;
    if ((this.input.rawSections.demand ?? []).length === 0) {
      this.issues.push({
        path: [],
        code: 'not-in-chain',
        message: "the network has no end demand, so no company is in a supply chain; add a 'demand' section",
        severity: 'warning',
      });
      return;
    }
    if (demand.length === 0) return; // the demand records are all broken: their errors say enough
    for (const { record, index } of companies) {
      if (tiers.has(record.id)) continue;
      this.issues.push({
        path: ['companies', index, 'id'],
        code: 'not-in-chain',
        message: `company '${record.id}' is in no supply chain: no sourcing rule leads from it to a company with end demand`,
        severity: 'warning',
      });
    }
  }

  private warnUnusedItems(): void {
    const used = new Set<string>();
    for (const item of this.makes.seconds()) used.add(item);
    for (const item of this.buys.seconds()) used.add(item);
    for (const { record, index } of this.input.records.items) {
      if (used.has(record.id)) continue;
      this.issues.push({
        path: ['items', index, 'id'],
        code: 'unused-item',
        message: `no company makes or buys item '${record.id}'`,
        severity: 'warning',
      });
    }
  }
}
