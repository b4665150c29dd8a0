/**
 * @module model/parse-yaml
 * YAML network files, the format people write by hand. Parsed with the `yaml` package into a document
 * that keeps the source range of every node, so any path maps back to line and column. Guards before
 * and during parsing: nesting depth (a cheap bound on the text first, since very deep input crashes
 * the parser, then the exact depth on the document) and alias expansion (`maxAliasCount`, which stops a
 * "billion laughs" bomb after a few hundred expansions instead of exhausting memory).
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
import { err, ok, type Result } from '../result.ts';
import { MAX_DEPTH, yamlDepthGuessExcess } from './input-limits.ts';
import type { Issue, IssueCode } from './issues.ts';
import { type Locate, type ParsedDocument, positionAt } from './locate.ts';

/**
 * How much one alias may expand, as the `yaml` package counts it; its default, documented at
 * https://eemeli.org/yaml/#tojs-options. Plain anchors reused many times (a shared site) are not
 * limited; aliases of collections that themselves hold aliases are.
 */
const MAX_ALIAS_COUNT = 100;

/**
 * The text-level depth guess may overestimate (indentation, brackets inside strings), so it gets a
 * generous limit; it only has to stop input deep enough to endanger the parser.
 */
const DEPTH_GUESS_LIMIT = 4 * MAX_DEPTH;

/**
 * Parse YAML text. Fails with every syntax error (each with line and column), or with `too-deep` or
 * `alias-bomb`. One document per file.
 */
export function parseYaml(file: string, text: string): Result<ParsedDocument, Issue[]> {
  const lineCounter = new LineCounter();
  const position = (offset: number): { line: number; column: number } => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  const failure = (offset: number, code: IssueCode, message: string): Issue => ({
    file,
    ...position(offset),
    path: [],
    code,
    message,
    severity: 'error',
  });

  const guess = yamlDepthGuessExcess(text, DEPTH_GUESS_LIMIT);
  if (guess !== undefined) {
    // Not parsed, so the line counter knows no lines yet: count them up to the place.
    return err([{ ...failure(0, 'too-deep', tooDeepMessage), ...positionAt(text, guess.offset) }]);
  }

  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const problems = [...document.errors, ...document.warnings].map(
    (problem): Issue => ({
      ...failure(problem.pos[0], problem.code === 'DUPLICATE_KEY' ? 'duplicate-field' : 'syntax', ''),
      message: yamlMessage(problem.code, problem.message),
      severity: problem.name === 'YAMLWarning' ? 'warning' : 'error',
    }),
  );
  if (problems.some((problem) => problem.severity === 'error')) return err(problems);

  const deep = deepestNode(document.contents);
  if (deep !== undefined) return err([failure(deep.range?.[0] ?? 0, 'too-deep', tooDeepMessage)]);

  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/alias count/i.test(message)) {
      return err([
        failure(
          0,
          'alias-bomb',
          'aliases in this file expand to far more data than it holds (a "billion laughs" pattern); ' +
            'write the data out or use fewer nested aliases',
        ),
      ]);
    }
    return err([failure(0, 'syntax', `cannot read the YAML: ${message}`)]);
  }
  // An alias gives the same object at two places; copy, so that changing one company's site later
  // does not change another's.
  if (hasAliases(document)) data = copyPlain(data);
  const locate: Locate = (path, target = 'value') => {
    const offset = offsetOf(document.contents, path, target);
    return position(offset);
  };
  // YAML warnings (e.g. an unknown tag) do not stop loading; the loader reports them with the rest.
  return ok({ data, locate, warnings: problems });
}

const tooDeepMessage = `lists and mappings are nested more than ${MAX_DEPTH} levels deep; a network needs about 6`;

/** The first line of the `yaml` package's message, without its own "at line N, column M" suffix. */
function yamlMessage(code: string, message: string): string {
  const first = (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?\s*$/, '');
  if (code === 'DUPLICATE_KEY') return 'this field appears twice in the same mapping; keep one';
  if (code === 'MULTIPLE_DOCS') return 'a network file holds one YAML document; remove the extra ---';
  if (code === 'TAB_AS_INDENT') return 'tabs cannot indent YAML; use spaces';
  return first.charAt(0).toLowerCase() + first.slice(1);
}

function hasAliases(document: Parameters<typeof visit>[0]): boolean {
  let found = false;
  visit(document, {
    Alias() {
      found = true;
      return visit.BREAK;
    },
  });
  return found;
}

/** A deep copy of plain data (objects, lists, scalars), with no object shared between two places. */
function copyPlain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(copyPlain);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    // defineProperty, so a field named __proto__ stays a field (and is reported as unknown).
    Object.defineProperty(copy, key, {
      value: copyPlain(inner),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/** The first node nested deeper than `MAX_DEPTH`, found without recursion. */
function deepestNode(root: unknown): Node | undefined {
  const stack: { node: unknown; depth: number }[] = [{ node: root, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (isMap(node) || isSeq(node)) {
      if (depth + 1 > MAX_DEPTH) return node;
      for (const item of node.items) stack.push({ node: item, depth: depth + 1 });
    } else if (isPair(node)) {
      stack.push({ node: node.key, depth });
      stack.push({ node: node.value, depth });
    }
  }
  return undefined;
}

/** Source offset of the deepest node along `path` (the key of the last step when asked). */
function offsetOf(root: unknown, path: readonly (string | number)[], target: 'key' | 'value'): number {
  let node: unknown = root;
  let offset = rangeStart(root) ?? 0;
  for (let step = 0; step < path.length; step++) {
    const segment = path[step];
    if (isAlias(node)) break;
    if (isMap(node)) {
      const pair = node.items.find((item) => {
        const key = item.key;
        return isScalar(key) ? String(key.value) === String(segment) : false;
      });
      if (pair === undefined) break;
      const last = step === path.length - 1;
      node = pair.value;
      offset =
        (last && target === 'key' ? rangeStart(pair.key) : rangeStart(pair.value)) ??
        rangeStart(pair.key) ??
        offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      if (node === undefined) break;
      offset = rangeStart(node) ?? offset;
    } else break;
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  if (node !== null && typeof node === 'object' && 'range' in node) {
    const range = (node as { range?: [number, number, number] }).range;
    return range?.[0];
  }
  return undefined;
}
