/**
 * @module text-chunks
 * Joins many small pieces of text into chunks of about a given size, for writing large documents (a
 * 60,000-company network, a plan with millions of orders) to a stream without building one string.
 */

/** About 1 MiB of text per chunk: few writes, and little memory held at once. */
export const CHUNK_CHARACTERS = 1 << 20;

/**
 * The pieces joined into chunks of at least `size` characters (the last may be shorter); no chunk is
 * empty, and the chunks joined are the pieces joined.
 *
 * @example [...joinInChunks(['a', 'b', 'c'], 2)] // ['ab', 'c']
 */
export function* joinInChunks(pieces: Iterable<string>, size: number = CHUNK_CHARACTERS): Generator<string> {
  const pending: string[] = [];
  let length = 0;
  for (const piece of pieces) {
    pending.push(piece);
    length += piece.length;
    if (length >= size) {
      yield pending.join('');
      pending.length = 0;
      length = 0;
    }
  }
  if (length > 0) yield pending.join('');
}
