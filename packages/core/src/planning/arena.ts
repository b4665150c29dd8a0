/**
 * @module planning/arena
 * Typed arrays carved out of a few large array buffers. V8 starts a full garbage collection for about
 * every 64 MB of new array-buffer memory, and each one walks every live object (at 60,000 companies,
 * the whole network model): a planner that allocated its few gigabytes of arrays one by one spent a
 * fifth of its time in collections that freed nothing. Taking them from chunks makes that one
 * collection per chunk at most. Chunks start at 1 MB and double up to 512 MB, so a small network's
 * plan takes a little memory and a large one a few chunks; an arena made for a known size
 * (`Arena.sized`) takes it in one chunk of up to 2 GiB. Memory that is never written is never touched
 * (large buffers come zeroed from the system), so a chunk's unused tail costs address space only.
 *
 * V8 counts the bytes of new buffers since its last full collection, not the buffers: arenas whose
 * first chunks are taken one right after the other (`reserve`) share one collection, where chunks
 * taken as the arrays are needed bring one each.
 *
 * An array keeps its whole chunk alive: put arrays that are dropped together in one arena.
 */

const FIRST = 1024 * 1024;
const LARGEST = 512 * 1024 * 1024;
/** The largest first chunk of a sized arena. */
const SINGLE = 2 * 1024 * 1024 * 1024;

export class Arena {
  private chunk: ArrayBuffer | undefined;
  private offset = 0;
  private next: number;

  /** `first`: the size of the first chunk; each next one is twice the last, up to `largest`. */
  constructor(
    first = FIRST,
    private readonly largest = LARGEST,
  ) {
    this.next = first;
  }

  /** An arena whose first chunk holds `bytes` (within 1 MB … 2 GiB). */
  static sized(bytes: number): Arena {
    return new Arena(Math.min(SINGLE, Math.max(FIRST, Math.ceil(bytes / 8) * 8)));
  }

  /** Takes the first chunk now (when none is taken yet), so that it comes with other arenas' (see above). */
  reserve(): this {
    if (this.chunk === undefined) {
      this.chunk = new ArrayBuffer(this.next);
      this.next = Math.min(this.largest, this.next * 2);
    }
    return this;
  }

  f64(length: number): Float64Array<ArrayBuffer> {
    const [buffer, at] = this.take(length * 8);
    return new Float64Array(buffer, at, length);
  }

  i32(length: number): Int32Array<ArrayBuffer> {
    const [buffer, at] = this.take(length * 4);
    return new Int32Array(buffer, at, length);
  }

  u8(length: number): Uint8Array<ArrayBuffer> {
    const [buffer, at] = this.take(length);
    return new Uint8Array(buffer, at, length);
  }

  private take(bytes: number): [ArrayBuffer, number] {
    const at = Math.ceil(this.offset / 8) * 8;
    if (this.chunk === undefined || at + bytes > this.chunk.byteLength) {
      this.chunk = new ArrayBuffer(Math.max(bytes, this.next));
      this.next = Math.min(this.largest, this.next * 2);
      this.offset = bytes;
      return [this.chunk, 0];
    }
    this.offset = at + bytes;
    return [this.chunk, at];
  }
}
