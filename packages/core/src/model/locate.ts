/**
 * @module model/locate
 * From a place in the network document (a path such as `['production', 2, 'capacity']`) back to a place
 * in the file the user wrote: line and column for YAML and JSON, file, row and column name for CSV.
 * Each parser supplies a `Locate` function; validation calls it only for the places it reports, so a
 * large valid file never pays for positions.
 */
import { type DocumentPath, formatPath, type Issue } from './issues.ts';

/**
 * Where `path` is in the source. `target: 'key'` asks for the field name rather than its value (for
 * unknown fields). When the path goes deeper than the source does (a missing field), the answer is the
 * deepest part that exists. Returns the position fields of an `Issue` (`line`/`column`, or
 * `file`/`row`/`field` for CSV); an empty object when nothing is known.
 */
export type Locate = (path: DocumentPath, target?: 'key' | 'value') => Partial<Issue>;

/** What a parser hands to validation: the plain data, and the way back to positions in the text. */
export interface ParsedDocument {
  readonly data: unknown;
  readonly locate: Locate;
  /** Problems the parser noticed that do not stop loading (YAML warnings). */
  readonly warnings?: Issue[];
}

/** A locator that knows nothing: issues keep their document path only. */
export const locateNowhere: Locate = () => ({});

/**
 * How a message refers to another place, e.g. the first occurrence of a duplicate id:
 * `line 12`, `row 3 of companies.csv`, or the document path.
 */
export function describePlace(place: Partial<Issue>, path: DocumentPath, fromFile?: string): string {
  if (place.row !== undefined) {
    return place.file !== undefined && fromFile !== undefined && place.file !== fromFile
      ? `row ${place.row} of ${place.file}`
      : `row ${place.row}`;
  }
  if (place.line !== undefined) return `line ${place.line}`;
  return formatPath(path);
}

/**
 * 1-based line and column of an offset in `text`, counting on from a known earlier position (`from`)
 * when there is one, else from the start.
 */
export function positionAt(
  text: string,
  offset: number,
  from: { offset: number; line: number; column: number } = { offset: 0, line: 1, column: 1 },
): { line: number; column: number } {
  const start = offset >= from.offset ? from : { offset: 0, line: 1, column: 1 };
  let line = start.line;
  let lineStart = start.offset - (start.column - 1);
  const end = Math.min(offset, text.length);
  for (
    let index = text.indexOf('\n', start.offset);
    index >= 0 && index < end;
    index = text.indexOf('\n', index + 1)
  ) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
