/**
 * @module model/issues
 * Problems found in a network file, as values: every loader and validator returns a list of `Issue`s
 * instead of throwing, so a user sees every problem at once, each with its file, place and a message
 * in plain words. `ISSUE_CODES` is the closed list of problem kinds; `formatIssue` renders one issue
 * the way compilers do (`file:line:column: message`), which editors and CI logs understand.
 */

/** An error makes a network unusable; a warning is worth a look but the network still loads. */
export type Severity = 'error' | 'warning';

/**
 * Every kind of problem the loaders report, with what it means. The keys form the closed `IssueCode`
 * union; the descriptions are the documentation (also rendered in `docs/formats.md`).
 */
export const ISSUE_CODES = {
  // The text itself
  syntax: 'The text is not valid YAML, JSON or CSV.',
  'too-large': 'The file is larger than the size limit (`maxBytes`).',
  'too-deep': 'Lists and mappings are nested deeper than any network needs (64 levels).',
  'alias-bomb': 'YAML aliases expand to far more data than the file holds (a "billion laughs" attack).',
  // The shape of records
  'unknown-field': 'A field the format does not define, usually a typo; a close match is suggested.',
  'duplicate-field': 'The same field twice in one mapping.',
  'missing-field': 'A required field is absent.',
  'wrong-type': 'A value of the wrong kind, e.g. text where a number belongs.',
  'invalid-value': 'A value of the right kind outside what is allowed (range, pattern, list of options).',
  'invalid-date': 'A date that is not in the calendar, e.g. 2027-02-30.',
  'not-monday': 'A weekly network whose `start` is not a Monday.',
  'lead-time': 'A lead time that is not a whole number of periods, 0 or more.',
  'negative-capacity': 'A capacity below 0.',
  'zero-capacity': 'A single capacity of 0 (zeros inside a per-period list are shutdown periods and fine).',
  'list-too-long': 'A per-period list (capacity, maximum capacity, demand) longer than the horizon.',
  'maximum-below-capacity': 'A maximum capacity below the capacity in some period.',
  // Records against each other
  'duplicate-id': 'Two companies, items, capacity groups or open orders with the same id.',
  'duplicate-record': 'Two records for the same key, e.g. two production records for one company and item.',
  'unknown-reference': 'A reference to a company, item or supplier that the network does not define.',
  'bom-cycle': 'Bills of materials that contain an item in its own components, directly or deeper down.',
  'shares-sum': 'Supplier shares of one sourcing rule that do not sum to 1.',
  'supplier-is-buyer': 'A sourcing rule in which a company buys from itself.',
  'supplier-cannot-supply': 'A supplier that neither makes nor buys the item it is said to supply.',
  'consumes-unsourced-item': 'A company whose bill of materials uses an item it neither makes nor buys.',
  'demand-unsourced-item': 'End demand for an item the company neither makes nor buys.',
  'group-item-not-made': 'A capacity group holding an item its company does not make.',
  'open-order':
    'An open order that does not fit the network: wrong or missing supplier, or an item not made.',
  'outside-horizon': 'A period (e.g. the `due` of an open order) beyond the horizon.',
  // Warnings
  'not-in-chain': 'A company with no supply path to end demand: nothing it does reaches a customer.',
  'unused-item': 'An item that no company makes or buys.',
  // CSV folders
  'unknown-file': 'A file in a CSV folder that is not one of the documented section files.',
  'missing-file': 'A required file of a CSV folder is absent.',
  'unknown-column': 'A CSV column the section does not define; a close match is suggested.',
  'missing-column': 'A required CSV column is absent.',
  'inconsistent-rows': 'CSV rows that describe one record but disagree on a field of that record.',
  // Not the file's fault
  'internal-error': 'A bug in keten, not a problem in the file: please report it.',
} as const satisfies Record<string, string>;

/** The kinds of problem, a closed list: see `ISSUE_CODES` for what each means. */
export type IssueCode = keyof typeof ISSUE_CODES;

/** A place in a network document: keys and list indexes, e.g. `['production', 2, 'capacity']`. */
export type DocumentPath = (string | number)[];

/** One problem in one place. */
export interface Issue {
  /** The file name as the caller gave it. */
  file: string;
  /** 1-based line, for YAML and JSON. */
  line?: number;
  /** 1-based column, for YAML and JSON. */
  column?: number;
  /** 1-based row of a CSV file, counting the header as row 1. */
  row?: number;
  /** The CSV column name, for CSV. */
  field?: string;
  /** Where in the network document, e.g. `['production', 2, 'capacity']`. */
  path: DocumentPath;
  code: IssueCode;
  /** What is wrong and what to do about it, in plain words. */
  message: string;
  severity: Severity;
}

/** `production[2].capacity`: a path as people read it. */
export function formatPath(path: readonly (string | number)[]): string {
  let text = '';
  for (const segment of path) {
    text += typeof segment === 'number' ? `[${segment}]` : text === '' ? segment : `.${segment}`;
  }
  return text;
}

/**
 * One line per issue, in the style of compilers:
 * - YAML/JSON: `network.yaml:12:7: unknown field 'capacty' (did you mean 'capacity'?)`
 * - CSV: `sourcing.csv:row 4, column 'share': ...`
 * - without a position: `network.json: production[2].capacity: ...`
 *
 * Warnings carry `warning: ` before the message: `network.yaml:3:5: warning: ...`.
 */
export function formatIssue(issue: Issue): string {
  const message = issue.severity === 'warning' ? `warning: ${issue.message}` : issue.message;
  if (issue.row !== undefined) {
    const column = issue.field === undefined ? '' : `, column '${issue.field}'`;
    return `${issue.file}:row ${issue.row}${column}: ${message}`;
  }
  if (issue.line !== undefined) {
    return `${issue.file}:${issue.line}:${issue.column ?? 1}: ${message}`;
  }
  if (issue.path.length > 0) return `${issue.file}: ${formatPath(issue.path)}: ${message}`;
  return `${issue.file}: ${message}`;
}

/** Only the errors of a list of issues. */
export function errorsOf(issues: readonly Issue[]): Issue[] {
  return issues.filter((issue) => issue.severity === 'error');
}

/**
 * Issues in reading order: by file, then line and column (or row), errors before warnings on the same
 * spot; issues without a position keep their order after those with one. Stable.
 */
export function sortIssues(issues: readonly Issue[]): Issue[] {
  const position = (issue: Issue): number => issue.line ?? issue.row ?? Number.POSITIVE_INFINITY;
  return issues
    .map((issue, index) => ({ issue, index }))
    .sort(
      (a, b) =>
        (a.issue.file < b.issue.file ? -1 : a.issue.file > b.issue.file ? 1 : 0) ||
        position(a.issue) - position(b.issue) ||
        (a.issue.column ?? 0) - (b.issue.column ?? 0) ||
        a.index - b.index,
    )
    .map(({ issue }) => issue);
}
