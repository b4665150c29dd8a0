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
 *
 * Fresh memory is dear on some machines: the kernel maps and zeroes every page on its first touch (on
 * the 2-core VM of the benchmarks some 3 s of system time per GB). An arena whose arrays are all
 * dropped can give its chunk back (`giveBack`), and the next arena made to take it (`Arena.sized(bytes,
 * true)`) that needs a chunk of about its size does (`SPARE_*`): its pages are already mapped, and each
 * array taken from it is zeroed in place (a memset of resident memory, a tenth of a second for a
 * gigabyte). One chunk is kept, the last given back: a planner's execution arrays (some 700 MB at
 * 60,000 companies) stay resident between a plan and the re-plan after it instead of being freed and
 * faulted in again.
 */

const FIRST = 1024 * 1024;
const LARGEST = 512 * 1024 * 1024;
/** The largest first chunk of a sized arena. */
const SINGLE = 2 * 1024 * 1024 * 1024;
/** Chunks given back smaller than this are not kept (fresh small chunks cost little). */
const SPARE_SMALLEST = 16 * 1024 * 1024;
/** A spare chunk serves a request for `bytes` only up to this many times `bytes` (not a 1 GB chunk for 20 MB). */
const SPARE_SLACK = 2;

/** The chunk last given back (`Arena.giveBack`), for the next chunk of about its size. */
let spare: ArrayBuffer | undefined;

/** A chunk of at least `bytes`: the spare one when it fits (then `reused`), else a new one. */
function newChunk(bytes: number, mayReuse: boolean): { chunk: ArrayBuffer; reused: boolean } {
  if (
    mayReuse &&
    spare !== undefined &&
    spare.byteLength >= bytes &&
    spare.byteLength <= bytes * SPARE_SLACK
  ) {
    const chunk = spare;
    spare = undefined;
    return { chunk, reused: true };
  }
  return { chunk: new ArrayBuffer(bytes), reused: false };
}

export class Arena {
  private chunk: ArrayBuffer | undefined;
  /** True when `chunk` was given back by another arena: what is taken from it is zeroed first. */
  private reused = false;
  private offset = 0;
  private next: number;

  /** `first`: the size of the first chunk; each next one is twice the last, up to `largest`. */
  constructor(
    first = FIRST,
    private readonly largest = LARGEST,
    private readonly takesSpare = false,
  ) {
    this.next = first;
  }

  /**
   * An arena whose first chunk holds `bytes` (within 1 MB … 2 GiB); `takesSpare`: it takes the chunk
   * last given back (`giveBack`) when that is of about its size.
   */
  static sized(bytes: number, takesSpare = false): Arena {
    return new Arena(Math.min(SINGLE, Math.max(FIRST, Math.ceil(bytes / 8) * 8)), LARGEST, takesSpare);
  }

  /** Takes the first chunk now (when none is taken yet), so that it comes with other arenas' (see above). */
  reserve(): this {
    if (this.chunk === undefined) {
      ({ chunk: this.chunk, reused: this.reused } = newChunk(this.next, this.takesSpare));
      this.next = Math.min(this.largest, this.next * 2);
    }
    return this;
  }

  /**
   * Gives the current chunk back for another arena to take (see above) and forgets it. Only when no
   * array taken from this arena is used any more: the next arena hands the same memory out again.
   */
  giveBack(): void {
    if (this.chunk !== undefined && this.chunk.byteLength >= SPARE_SMALLEST) spare = this.chunk;
    this.chunk = undefined;
    this.offset = 0;
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
      ({ chunk: this.chunk, reused: this.reused } = newChunk(Math.max(bytes, this.next), this.takesSpare));
      this.next = Math.min(this.largest, this.next * 2);
      this.offset = bytes;
      if (this.reused) new Uint8Array(this.chunk, 0, bytes).fill(0);
      return [this.chunk, 0];
    }
    this.offset = at + bytes;
    if (this.reused) new Uint8Array(this.chunk, at, bytes).fill(0);
    return [this.chunk, at];
  }
}
