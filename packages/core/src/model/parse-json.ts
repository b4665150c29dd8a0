/**
 * @module model/parse-json
 * JSON network files: `JSON.parse` on the fast path (a 60,000-company network parses in under a
 * second), and positions only when something is wrong. Syntax errors are listed with jsonc-parser,
 * which recovers and reports every one; positions of validation issues come from a lazy index of the
 * records (built on the first question), and each record is re-parsed on its own to find a field.
 */
import { type Node, parse as parseTolerant, parseTree, visit } from 'jsonc-parser';
import { err, ok, type Result } from '../result.ts';
import { jsonDepthExcess, MAX_DEPTH } from './input-limits.ts';
import type { DocumentPath, Issue } from './issues.ts';
import { type Locate, type ParsedDocument, positionAt } from './locate.ts';

/** What jsonc-parser's error codes mean, in plain words (codes from `ParseErrorCode`). */
const SYNTAX_MESSAGES: Record<number, string> = {
  1: 'unexpected character: not the start of a JSON value',
  2: 'invalid number',
  3: 'expected a field name in double quotes',
  4: 'expected a value',
  5: "expected ':' after the field name",
  6: "expected ',' between values",
  7: "expected '}' to close the object",
  8: "expected ']' to close the list",
  9: 'unexpected text after the end of the document',
  10: 'comments are not allowed in JSON',
  11: 'unterminated comment',
  12: 'unterminated string: expected a closing double quote',
  13: 'unterminated number',
  14: 'invalid unicode escape in a string',
  15: 'invalid escape character in a string',
  16: 'invalid character in a string (control characters must be escaped)',
};

/**
 * Parse JSON text. Fails with every syntax error (each with its line and column), or with `too-deep`
 * when lists and objects nest more than 64 levels (checked on the text before parsing, since deep
 * nesting can crash the parser).
 */
export function parseJson(file: string, text: string): Result<ParsedDocument, Issue[]> {
  const excess = jsonDepthExcess(text, MAX_DEPTH);
  if (excess !== undefined) {
    return err([
      {
        file,
        ...positionAt(text, excess.offset),
        path: [],
        code: 'too-deep',
        message: `lists and objects are nested more than ${MAX_DEPTH} levels deep; a network needs about 6`,
        severity: 'error',
      },
    ]);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    return err(syntaxIssues(file, text, error));
  }
  return ok({ data, locate: jsonLocator(text) });
}

function syntaxIssues(file: string, text: string, error: unknown): Issue[] {
  const errors: { error: number; offset: number; length: number }[] = [];
  parseTolerant(text, errors, {
    disallowComments: true,
    allowTrailingComma: false,
    allowEmptyContent: false,
  });
  if (text.trim() === '') {
    return [
      { file, line: 1, column: 1, path: [], code: 'syntax', message: 'the file is empty', severity: 'error' },
    ];
  }
  if (errors.length === 0) {
    // JSON.parse refused something jsonc-parser accepts (rare, e.g. a lone surrogate): report its words.
    const detail = error instanceof Error ? error.message : String(error);
    return [{ file, path: [], code: 'syntax', message: `not valid JSON: ${detail}`, severity: 'error' }];
  }
  // Positions are counted on from the previous error (errors come in text order), so a large file
  // with many errors is still read once.
  let from = { offset: 0, line: 1, column: 1 };
  return errors.map((problem): Issue => {
    const position = positionAt(text, problem.offset, from);
    from = { offset: Math.min(problem.offset, text.length), ...position };
    // jsonc-parser reports a trailing comma as a missing field name or value; say it plainly.
    const trailingComma =
      (problem.error === 3 || problem.error === 4) &&
      /^\s*[\]}]/.test(text.slice(problem.offset, problem.offset + 200));
    return {
      file,
      ...position,
      path: [],
      code: 'syntax',
      message: trailingComma
        ? 'a trailing comma before a closing bracket is not allowed in JSON'
        : (SYNTAX_MESSAGES[problem.error] ?? 'not valid JSON'),
      severity: 'error',
    };
  });
}

/** Start of a record (a top-level field's value or an element of a top-level list) in the text. */
interface IndexedNode {
  readonly offset: number;
  end: number;
  readonly line: number;
  readonly column: number;
  /** The field name's position, for top-level fields. */
  readonly key?: { offset: number; line: number; column: number };
}

/**
 * Build, on first use, an index of the records of a valid JSON document: one entry per top-level field
 * and per element of a top-level list. Deeper places are found by re-parsing the one record.
 */
function jsonLocator(text: string): Locate {
  let index: Map<string, IndexedNode> | undefined;
  let cached: { key: string; tree: Node | undefined } | undefined;

  return (path, target = 'value') => {
    index ??= indexRecords(text);
    const depth = Math.min(path.length, 2);
    let found: IndexedNode | undefined;
    let used = depth;
    for (; used > 0; used--) {
      found = index.get(recordKey(path.slice(0, used)));
      if (found !== undefined) break;
    }
    if (found === undefined) return { line: 1, column: 1 };
    const rest = path.slice(used);
    if (rest.length === 0) {
      const place = target === 'key' && found.key !== undefined ? found.key : found;
      return { line: place.line, column: place.column };
    }
    const key = recordKey(path.slice(0, used));
    if (cached?.key !== key) {
      cached = { key, tree: parseTree(text.slice(found.offset, found.end)) };
    }
    const offset = found.offset + deepestOffset(cached.tree, rest, target);
    return positionAt(text, offset, found);
  };
}

function recordKey(path: DocumentPath): string {
  return path.map(String).join('\u0000');
}

function indexRecords(text: string): Map<string, IndexedNode> {
  const index = new Map<string, IndexedNode>();
  // One frame per open object or list: its key in the index, the next list index, the current field.
  interface Frame {
    readonly isList: boolean;
    readonly key: string;
    next: number;
    property?: string;
    propertyAt?: { offset: number; line: number; column: number };
    node?: IndexedNode;
  }
  const frames: Frame[] = [];
  // A value starts: work out its key and, for records (depth 1 and 2), remember where it is.
  const valueStarts = (
    offset: number,
    line: number,
    character: number,
  ): { key: string; node?: IndexedNode } => {
    const parent = frames[frames.length - 1];
    // Deeper values are found by re-parsing their record, so they need no key.
    if (parent === undefined || frames.length > 2) return { key: '' };
    const segment = parent.isList ? String(parent.next++) : (parent.property ?? '');
    const key = parent.key === '' ? segment : `${parent.key}\u0000${segment}`;
    const node: IndexedNode = {
      offset,
      end: offset,
      line: line + 1,
      column: character + 1,
      ...(parent.isList || parent.propertyAt === undefined ? {} : { key: parent.propertyAt }),
    };
    index.set(key, node);
    return { key, node };
  };
  const containerStarts = (isList: boolean, offset: number, line: number, character: number) => {
    const { key, node } = valueStarts(offset, line, character);
    frames.push(node === undefined ? { isList, key, next: 0 } : { isList, key, next: 0, node });
  };
  const containerEnds = (offset: number) => {
    const frame = frames.pop();
    if (frame?.node !== undefined) frame.node.end = offset + 1;
  };
  visit(text, {
    onObjectBegin: (offset, _length, line, character) => containerStarts(false, offset, line, character),
    onArrayBegin: (offset, _length, line, character) => containerStarts(true, offset, line, character),
    onObjectEnd: containerEnds,
    onArrayEnd: containerEnds,
    onObjectProperty: (property, offset, _length, line, character) => {
      const frame = frames[frames.length - 1];
      if (frame === undefined) return;
      frame.property = property;
      frame.propertyAt = { offset, line: line + 1, column: character + 1 };
    },
    onLiteralValue: (_value, offset, length, line, character) => {
      const { node } = valueStarts(offset, line, character);
      if (node !== undefined) node.end = offset + length;
    },
  });
  return index;
}

/** Offset (within the record) of the deepest part of `path` that exists in the record's tree. */
function deepestOffset(tree: Node | undefined, path: DocumentPath, target: 'key' | 'value'): number {
  let node = tree;
  let offset = tree?.offset ?? 0;
  for (let step = 0; step < path.length && node !== undefined; step++) {
    const segment = path[step];
    const last = step === path.length - 1;
    if (node.type === 'object' && typeof segment === 'string') {
      const property = node.children?.find((child) => child.children?.[0]?.value === segment);
      if (property === undefined) break;
      const keyNode = property.children?.[0];
      node = property.children?.[1];
      offset = last && target === 'key' && keyNode !== undefined ? keyNode.offset : (node?.offset ?? offset);
    } else if (node.type === 'array' && typeof segment === 'number') {
      node = node.children?.[segment];
      if (node === undefined) break;
      offset = node.offset;
    } else break;
  }
  return offset;
}
