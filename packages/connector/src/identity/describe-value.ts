/**
 * @module describe-value
 * A short, safe rendering of an untrusted JSON value for error messages. `String(value)` is not safe:
 * a parsed object such as `{"toString":[]}` makes it throw.
 */

/** The value as JSON, cut to `limit` characters; never throws. */
export function describeValue(value: unknown, limit = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? typeof value;
  } catch {
    text = typeof value;
  }
  return text.length > limit ? `${text.slice(0, limit - 3)}...` : text;
}
