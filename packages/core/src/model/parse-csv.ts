/**
 * @module model/parse-csv
 * One CSV file as a table of text cells, the way spreadsheets and ERP exports write them: RFC 4180
 * quoting (commas, doubled quotes and line breaks inside quotes), an optional UTF-8 byte order mark,
 * CRLF or LF line ends, and comma, semicolon (European Excel) or tab separators, detected from the
 * header row. Parsing is csv-parse's (browser build: no Node built-ins, so core stays pure).
 */
import { parse } from 'csv-parse/browser/esm/sync';
import { err, ok, type Result } from '../result.ts';
import type { Issue } from './issues.ts';

export type CsvDelimiter = ',' | ';' | '\t';

/** One data row: its 1-based row number (the header is row 1) and its cells, trimmed. */
export interface CsvRow {
  readonly row: number;
  readonly cells: readonly string[];
}

export interface CsvTable {
  readonly file: string;
  readonly delimiter: CsvDelimiter;
  /** Column names of the header row, trimmed. */
  readonly header: readonly string[];
  /** Data rows that hold at least one value; blank rows are skipped but still counted. */
  readonly rows: readonly CsvRow[];
}

/**
 * Parse a CSV file. Fails with a `syntax` issue for a quote that is never closed (naming the row where
 * it opened), rows with more values than the header has columns, and repeated column names.
 */
export function parseCsv(file: string, text: string): Result<CsvTable, Issue[]> {
  // One line end everywhere: csv-parse takes the first line's end for all, and files get mixed.
  const normalized = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  const delimiter = detectDelimiter(normalized);
  const unclosed = unclosedQuoteRow(normalized, delimiter);
  if (unclosed !== undefined) {
    return err([
      issue(
        file,
        { row: unclosed },
        'a quoted value starts in this row but its closing double quote is missing',
      ),
    ]);
  }
  let records: string[][];
  try {
    records = parse(normalized, {
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
    }) as string[][];
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return err([issue(file, {}, `not a readable CSV file: ${message}`)]);
  }
  const [headerRecord, ...data] = records;
  if (headerRecord === undefined || headerRecord.every((cell) => cell.trim() === '')) {
    return err([issue(file, { row: 1 }, 'the file is empty; it needs a header row with the column names')]);
  }
  const header = headerRecord.map((cell) => cell.trim());
  const issues: Issue[] = [];
  const seen = new Set<string>();
  for (const name of header) {
    if (name !== '' && seen.has(name)) {
      issues.push({
        ...issue(file, { row: 1 }, `column '${name}' appears twice in the header`),
        field: name,
      });
    }
    seen.add(name);
  }
  const rows: CsvRow[] = [];
  data.forEach((record, index) => {
    const row = index + 2;
    const cells = record.map((cell) => cell.trim());
    if (cells.every((cell) => cell === '')) return;
    if (cells.length > header.length && cells.slice(header.length).some((cell) => cell !== '')) {
      issues.push(
        issue(
          file,
          { row },
          `this row has ${cells.length} values but the header has ${header.length} columns; ` +
            `quote values that contain '${delimiter === '\t' ? 'tab' : delimiter}'`,
        ),
      );
      return;
    }
    rows.push({ row, cells });
  });
  if (issues.length > 0) return err(issues);
  return ok({ file, delimiter, header, rows });
}

function issue(file: string, place: { row?: number }, message: string): Issue {
  return { file, ...place, path: [], code: 'syntax', message, severity: 'error' };
}

/**
 * The separator of the header row: the most frequent of comma, semicolon and tab outside quotes.
 * Column names never contain any of them, so the header decides reliably.
 */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (character === '"') quoted = !quoted;
    else if (!quoted && character === '\n') break;
    else if (!quoted && (character === ',' || character === ';' || character === '\t')) counts[character]++;
  }
  if (counts[';'] > counts[','] && counts[';'] >= counts['\t']) return ';';
  if (counts['\t'] > counts[',']) return '\t';
  return ',';
}

/**
 * The 1-based row where a quoted value opens and never closes, if any. A quote opens a value only at
 * the start of a field (as csv-parse with `relax_quotes` reads it); elsewhere it is a plain character.
 * Line breaks inside quotes belong to the value, so they do not start a row.
 */
function unclosedQuoteRow(text: string, delimiter: CsvDelimiter): number | undefined {
  let row = 1;
  let openedAt = 0;
  let quoted = false;
  let fieldStart = true;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (quoted) {
      if (character === '"') {
        if (text[index + 1] === '"') index++;
        else quoted = false;
      }
      continue;
    }
    if (character === '"' && fieldStart) {
      quoted = true;
      openedAt = row;
    }
    fieldStart = character === delimiter || character === '\n';
    if (character === '\n') row++;
  }
  return quoted ? openedAt : undefined;
}
