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
 *
 * Chunks of 16 MB and more are `SharedArrayBuffer`s (where the platform has them): V8 does not count
 * those as external memory, so a re-plan's few gigabytes of new chunks, live as long as the plan, set
 * off no full collections (at 60,000 companies four in a re-plan, each marking the whole network
 * model; docs/planning.md "The re-plan at stop 18"). What V8 then does not know is when a dropped
 * run's chunks could be freed: they go at the next full collection the JavaScript heap sets off.
 * So the shared chunks not yet collected (a `FinalizationRegistry` tells) are bounded
 * (`setSharedChunkBudget`, default 12 GiB of address space, of which a plan at 60,000 companies
 * touches some two fifths and a re-plan much less); beyond it chunks are plain array buffers again,
 * which V8 counts and collects for. A planning thread that keeps runs sets its own
 * (`@keten/workers`' `boundThreadChunks`).
 * Nothing else changes: arrays over them are used as any other; only no array from an arena may be
 * posted to another thread (it would be shared there, not copied).
 */

const FIRST = 1024 * 1024;
const LARGEST = 512 * 1024 * 1024;
/** The largest first chunk of a sized arena. */
const SINGLE = 2 * 1024 * 1024 * 1024;
/** Chunks given back smaller than this are not kept (fresh small chunks cost little). */
const SPARE_SMALLEST = 16 * 1024 * 1024;
/** A spare chunk serves a request for `bytes` only up to this many times `bytes` (not a 1 GB chunk for 20 MB). */
const SPARE_SLACK = 2;

/** Chunks from this size on are shared array buffers, within the budget (see above). */
const SHARED_SMALLEST = 16 * 1024 * 1024;
/** The budget of shared chunks not yet collected, unless set otherwise (`setSharedChunkBudget`). */
export const SHARED_CHUNK_BUDGET = 12 * 1024 * 1024 * 1024;
let sharedBudget = SHARED_CHUNK_BUDGET;
/** Bytes of shared chunks made and not yet collected. */
let sharedOutstanding = 0;
/** Bytes of shared chunks made since this module was loaded (never lowered). */
let sharedMade = 0;
const sharedCollected =
  typeof SharedArrayBuffer === 'function' && typeof FinalizationRegistry === 'function'
    ? new FinalizationRegistry<number>((bytes) => {
        sharedOutstanding -= bytes;
      })
    : undefined;

/**
 * Sets how many bytes of shared chunks may be made and not yet collected before chunks are plain array
 * buffers again (see above; 0: never shared); returns the budget it replaces.
 */
export function setSharedChunkBudget(bytes: number): number {
  const before = sharedBudget;
  sharedBudget = bytes;
  return before;
}

/** Bytes of shared chunks made and not yet collected (see above). */
export function sharedChunkBytes(): number {
  return sharedOutstanding;
}

/**
 * Bytes of shared chunks made by this thread so far, collected or not: it only grows. What it grew by
 * since a full collection is what the next one may free, if the runs that hold it were dropped
 * (`@keten/workers`' `IdleCollector` collects for it).
 */
export function sharedChunkBytesMade(): number {
  return sharedMade;
}

/** A new chunk of `bytes`: shared when large and within the budget, else a plain array buffer. */
function freshChunk(bytes: number): ArrayBufferLike {
  if (
    sharedCollected !== undefined &&
    bytes >= SHARED_SMALLEST &&
    sharedOutstanding + bytes <= sharedBudget
  ) {
    const chunk = new SharedArrayBuffer(bytes);
    sharedOutstanding += bytes;
    sharedMade += bytes;
    sharedCollected.register(chunk, bytes);
    return chunk;
  }
  return new ArrayBuffer(bytes);
}

/** The chunk last given back (`Arena.giveBack`), for the next chunk of about its size. */
let spare: ArrayBufferLike | undefined;

/** A chunk of at least `bytes`: the spare one when it fits (then `reused`), else a new one. */
function newChunk(bytes: number, mayReuse: boolean): { chunk: ArrayBufferLike; reused: boolean } {
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
  return { chunk: freshChunk(bytes), reused: false };
}

export class Arena {
  private chunk: ArrayBufferLike | undefined;
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

  /**
   * Asks the page toucher (`setPageToucher`), when one is set, to fault in bytes `from` … `to` − 1 of
   * what this arena will hand out next, when they fit in its current chunk (a fresh one: a reused
   * chunk's pages are mapped already): arrays taken later (at 60,000 companies pass 2's period-major
   * copies, some 600 MB) then find their pages mapped.
   */
  touchNext(from: number, to: number): void {
    const chunk = this.chunk;
    if (toucher === undefined || !(chunk instanceof SharedArrayBuffer) || this.reused) return;
    const at = Math.ceil(this.offset / 8) * 8;
    if (at + to <= chunk.byteLength) toucher.touch(chunk, at + from, at + to);
  }

  /**
   * `zeroed` false: the array may hold what a run before wrote into a reused chunk (see `take`); only
   * for an array whose every cell that is read is written first.
   */
  f64(length: number, zeroed = true): Float64Array {
    const [buffer, at] = this.take(length * 8, zeroed);
    return new Float64Array(buffer, at, length);
  }

  f32(length: number, zeroed = true): Float32Array {
    const [buffer, at] = this.take(length * 4, zeroed);
    return new Float32Array(buffer, at, length);
  }

  i32(length: number, zeroed = true): Int32Array {
    const [buffer, at] = this.take(length * 4, zeroed);
    return new Int32Array(buffer, at, length);
  }

  u8(length: number, zeroed = true): Uint8Array {
    const [buffer, at] = this.take(length, zeroed);
    return new Uint8Array(buffer, at, length);
  }

  /**
   * `bytes` from the chunk (a new one when they do not fit), zeroed when the chunk was reused unless
   * `zeroed` is false: then they hold whatever was there (from a fresh chunk zeros; with
   * `setUnzeroedGarbage`, that byte everywhere, so that tests see a read before a write).
   */
  private take(bytes: number, zeroed: boolean): [ArrayBufferLike, number] {
    let at = Math.ceil(this.offset / 8) * 8;
    if (this.chunk === undefined || at + bytes > this.chunk.byteLength) {
      ({ chunk: this.chunk, reused: this.reused } = newChunk(Math.max(bytes, this.next), this.takesSpare));
      this.next = Math.min(this.largest, this.next * 2);
      at = 0;
    }
    this.offset = at + bytes;
    if (!zeroed && garbage !== undefined) new Uint8Array(this.chunk, at, bytes).fill(garbage);
    else if (this.reused && zeroed) zero(this.chunk, at, bytes);
    return [this.chunk, at];
  }
}

/**
 * Something that faults pages of shared memory in ahead of their first write, on another thread
 * (`@keten/workers`' `startPageToucher`): on a machine whose fresh memory is dear, the planner's thread
 * then finds the pages of its arrays mapped (docs/planning.md, "Pages touched ahead"). It must leave
 * every value as it is (it only ever writes a 0 where it reads a 0, atomically).
 */
export interface PageToucher {
  /** Faults in the pages of bytes `from` … `to` − 1 of `buffer`, some time soon; returns at once. */
  touch(buffer: SharedArrayBuffer, from: number, to: number): void;
}

let toucher: PageToucher | undefined;

/**
 * Sets the page toucher the planner hands the arrays it is about to write (undefined: none, the
 * default; core starts no threads itself); returns the one it replaces.
 */
export function setPageToucher(next: PageToucher | undefined): PageToucher | undefined {
  const before = toucher;
  toucher = next;
  return before;
}

/**
 * Asks the page toucher, when one is set, to fault in elements `from` … `to` − 1 of `array` ahead of
 * their first write. Only arrays over shared chunks can be touched from another thread; others are left.
 */
export function touchAhead(
  array: Float64Array | Float32Array | Int32Array | Uint8Array,
  from = 0,
  to: number = array.length,
): void {
  if (toucher === undefined || to <= from || !(array.buffer instanceof SharedArrayBuffer)) return;
  const size = array.BYTES_PER_ELEMENT;
  toucher.touch(
    array.buffer,
    array.byteOffset + from * size,
    array.byteOffset + Math.min(to, array.length) * size,
  );
}

/** Whether a page toucher is set (`setPageToucher`). */
export function touchingAhead(): boolean {
  return toucher !== undefined;
}

/** What arrays taken unzeroed are filled with (`setUnzeroedGarbage`), or none. */
let garbage: number | undefined;

/**
 * @internal Fills every array an arena hands out unzeroed (`f64(length, false)` …) with the byte
 * `byte` (undefined: leaves them as they are, the default), as if it came from a reused chunk that
 * held it: tests run plans so to check that no such array is read where it was not written. Returns
 * the setting it replaces.
 */
export function setUnzeroedGarbage(byte: number | undefined): number | undefined {
  const before = garbage;
  garbage = byte;
  return before;
}

/**
 * Zeroes `bytes` bytes of `chunk` from `at` (a multiple of 8), eight at a time: on a shared buffer a
 * byte-wise `fill` is an atomic store per byte, ten to twenty times slower than a `memset` (at 60,000
 * companies 0.6 s of a re-plan for the 840 MB it takes again from a reused chunk), where a fill of
 * doubles is some 60 ms.
 */
function zero(chunk: ArrayBufferLike, at: number, bytes: number): void {
  const words = Math.floor(bytes / 8);
  new Float64Array(chunk, at, words).fill(0);
  new Uint8Array(chunk, at + words * 8, bytes - words * 8).fill(0);
}
