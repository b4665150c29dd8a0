/**
 * @module jobs/slices
 * A large record (a network: tens of thousands of companies, sites, lanes) sent to a worker thread a
 * field at a time, long lists in slices of `SLICE` records, with a turn of the event loop between
 * messages. Each message is cloned on the sending thread as it is posted; the whole 60,000-company
 * network at once held the server's event loop some 1–2 s of CPU, a slice holds it for milliseconds.
 *
 * @example
 * await postInSlices(network, (part) => worker.postMessage({ part }));   // the server's thread
 * addSlice(received, part);                                             // the worker, per message
 */

/** One message of a record sent in slices: a whole field, or the next slice of a long list. */
export type SlicePart =
  | { readonly part: 'value'; readonly key: string; readonly value: unknown }
  | { readonly part: 'items'; readonly key: string; readonly items: readonly unknown[] };

/** Records per slice of a long list. */
export const SLICE = 5_000;

/**
 * Posts `record`'s fields, long lists in slices, a turn of the event loop after each message;
 * `post` may throw to stop (the thread failed).
 */
export async function postInSlices(record: object, post: (part: SlicePart) => void): Promise<void> {
  const send = async (part: SlicePart) => {
    post(part);
    await new Promise((resolve) => setImmediate(resolve));
  };
  for (const [key, value] of Object.entries(record)) {
    if (!Array.isArray(value) || value.length <= SLICE) await send({ part: 'value', key, value });
    else {
      for (let at = 0; at < value.length; at += SLICE) {
        await send({ part: 'items', key, items: value.slice(at, at + SLICE) });
      }
    }
  }
}

/** Adds a received part to the record being put back together (parts arrive in the order posted). */
export function addSlice(record: Record<string, unknown>, message: SlicePart): void {
  if (message.part === 'value') {
    record[message.key] = message.value;
    return;
  }
  record[message.key] ??= [];
  const list = record[message.key] as unknown[];
  for (const item of message.items) list.push(item);
}
