/**
 * @module model/input-limits
 * Guards that run on the raw text before any parser sees it, so hostile or broken input gets a clear
 * error instead of a hang, a stack overflow or an exhausted heap: a size limit, and nesting depth.
 * `JSON.parse` and the `yaml` package both recurse per nesting level, and 100,000 nested brackets
 * crash Node outright (not even a catchable error), so depth is measured on the text first.
 */

/** Default size limit of one input file: 512 MiB (a generated 60,000-company network with its pipeline of open orders is about 280 MB as JSON). */
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

/** Deepest nesting of lists and mappings accepted; a network needs about 6. */
export const MAX_DEPTH = 64;

/**
 * Whether `text` takes more than `maxBytes` bytes in UTF-8. Counts only when it must: text of fewer
 * than `maxBytes / 3` characters is always within (a UTF-16 code unit is at most 3 UTF-8 bytes), text
 * of more than `maxBytes` characters never is.
 */
export function exceedsBytes(text: string, maxBytes: number): boolean {
  if (text.length * 3 <= maxBytes) return false;
  if (text.length > maxBytes) return true;
  let bytes = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4; // a surrogate pair is one 4-byte character
      index++;
    } else bytes += 3;
    if (bytes > maxBytes) return true;
  }
  return false;
}

/** `256 MiB`, `12 KiB`, `900 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} bytes`;
}

/** Where nesting first exceeded the limit: an offset into the text. */
export interface DepthExcess {
  readonly offset: number;
  readonly depth: number;
}

/**
 * Exact bracket depth of JSON text (brackets inside strings do not count). Returns where the depth
 * first exceeds `limit`, or undefined. One pass, no allocation.
 */
export function jsonDepthExcess(text: string, limit = MAX_DEPTH): DepthExcess | undefined {
  let depth = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 0x22 /* " */) {
      // Jump to the closing quote (indexOf is much faster than a character loop): the first quote
      // not preceded by an odd number of backslashes.
      let end = index;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end < 0) return undefined; // unterminated string: the parser reports it
        let backslashes = 0;
        while (text.charCodeAt(end - 1 - backslashes) === 0x5c /* \ */) backslashes++;
        if (backslashes % 2 === 0) break;
      }
      index = end;
    } else if (code === 0x5b /* [ */ || code === 0x7b /* { */) {
      depth++;
      if (depth > limit) return { offset: index, depth };
    } else if ((code === 0x5d /* ] */ || code === 0x7d) /* } */ && depth > 0) depth--;
  }
  return undefined;
}

/**
 * A cheap upper-bound guess of YAML nesting, used only to refuse absurd input before parsing: flow
 * brackets open at a line, plus the column where the line's content starts after any `- ` and `? `
 * indicators (every block level needs at least one more column of indentation or indicator). Strings
 * and comments are not excluded, so the guess can be high but never far too low; callers use a
 * generous limit here and measure the exact depth on the parsed document afterwards.
 */
export function yamlDepthGuessExcess(text: string, limit: number): DepthExcess | undefined {
  let flowDepth = 0;
  let lineStart = 0;
  let atLineStart = true;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (atLineStart) {
      // Skip indentation and block indicators to find where the content of this line starts.
      let position = index;
      for (;;) {
        const current = text.charCodeAt(position);
        if (current === 0x20 /* space */) position++;
        else if (
          (current === 0x2d /* - */ || current === 0x3f) /* ? */ &&
          (text.charCodeAt(position + 1) === 0x20 || text.charCodeAt(position + 1) === 0x0a)
        )
          position++;
        else break;
      }
      atLineStart = false;
      const guess = flowDepth + (position - lineStart);
      if (guess > limit) return { offset: position, depth: guess };
      index = position - 1;
      continue;
    }
    if (code === 0x0a /* \n */) {
      lineStart = index + 1;
      atLineStart = true;
    } else if (code === 0x5b || code === 0x7b) {
      flowDepth++;
      if (flowDepth > limit) return { offset: index, depth: flowDepth };
    } else if ((code === 0x5d || code === 0x7d) && flowDepth > 0) flowDepth--;
  }
  return undefined;
}
