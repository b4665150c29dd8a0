/**
 * @module store/canonical-json
 * The canonical JSON text of a value, whose SHA-256 is a network version's content hash: the same
 * content gives the same text, and so the same hash, in every store and on every machine, whatever
 * order its keys came in.
 *
 * It follows the JSON Canonicalization Scheme (RFC 8785, sections 3.2.2 and 3.2.3): no whitespace,
 * object keys sorted by their UTF-16 code units, numbers and strings written as ECMAScript's
 * `JSON.stringify` writes them. Like `JSON.stringify`, it drops object members whose value is
 * `undefined`, a function or a symbol, writes them as `null` inside arrays, writes non-finite numbers
 * as `null`, and calls `toJSON` (so a `Date` becomes its ISO string).
 */

/**
 * The canonical JSON text of `value` (RFC 8785).
 *
 * @example
 * canonicalJson({ b: 1, a: [0.1, 'x'] }); // '{"a":[0.1,"x"],"b":1}'
 *
 * @throws TypeError for a value JSON cannot hold at the top level (`undefined`, a function, a symbol),
 * a `bigint`, or a cycle: a bug of the caller, not an expected outcome.
 */
export function canonicalJson(value: unknown): string {
  // Fast path: the native serializer, with each object's keys put in order by a replacer. It cannot
  // order integer-like keys ("9", "10"), which JavaScript objects always list first and numerically,
  // so an object with such a key sends the whole value to the slower writer below.
  let integerLikeKey = false;
  const text = JSON.stringify(value, function sortKeys(_key: string, member: unknown): unknown {
    if (member === null || typeof member !== 'object' || Array.isArray(member) || integerLikeKey)
      return member;
    const record = member as Record<string, unknown>;
    const keys = Object.keys(record);
    let sorted = true;
    for (let index = 0; index < keys.length; index++) {
      const key = keys[index]!;
      const first = key.charCodeAt(0);
      if (first >= 0x30 && first <= 0x39 && INTEGER_LIKE.test(key)) {
        integerLikeKey = true;
        return member;
      }
      if (index > 0 && keys[index - 1]! > key) sorted = false;
    }
    if (sorted) return member;
    keys.sort();
    const ordered: Record<string, unknown> = {};
    for (const key of keys) ordered[key] = record[key];
    return ordered;
  });
  if (text === undefined) throw new TypeError(`canonicalJson: a ${typeof value} has no JSON text`);
  if (!integerLikeKey) return text;
  return write(value, new Set()) as string;
}

/** Keys JavaScript treats as array indices and lists before all others, in numeric order. */
const INTEGER_LIKE = /^(?:0|[1-9][0-9]*)$/;

/** The general writer, for values with integer-like keys. */
function write(value: unknown, ancestors: Set<object>): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      throw new TypeError('canonicalJson: a bigint has no JSON text');
    case 'object':
      break;
    default:
      return undefined;
  }
  const object = value as { toJSON?: unknown };
  if (typeof object.toJSON === 'function') {
    return write((object.toJSON as () => unknown)(), ancestors);
  }
  if (ancestors.has(object)) throw new TypeError('canonicalJson: the value contains a cycle');
  ancestors.add(object);
  let text: string;
  if (Array.isArray(object)) {
    text = '[';
    for (let index = 0; index < object.length; index++) {
      if (index > 0) text += ',';
      text += write(object[index], ancestors) ?? 'null';
    }
    text += ']';
  } else {
    const record = object as Record<string, unknown>;
    // Array.prototype.sort without a comparator orders strings by UTF-16 code units, as RFC 8785 asks.
    const keys = Object.keys(record).sort();
    text = '{';
    let first = true;
    for (const key of keys) {
      const member = write(record[key], ancestors);
      if (member === undefined) continue;
      if (!first) text += ',';
      text += `${JSON.stringify(key)}:${member}`;
      first = false;
    }
    text += '}';
  }
  ancestors.delete(object);
  return text;
}
