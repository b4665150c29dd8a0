/**
 * @module replay-guard
 * Remembers which request tokens were used, so each is accepted once. A token id is kept until the
 * token expires; after that the token is refused as expired anyway, so it can be forgotten.
 *
 * The in-memory guard forgets everything when the node restarts. Rather than persisting it, give it
 * `since` (the start time): tokens issued before it are refused, and the sender's outbox retries them
 * with a fresh token. A persistent guard is one table keyed by (sender, id) with an expiry column, and
 * `firstUse` an `INSERT ... ON CONFLICT DO NOTHING` that reports whether a row was inserted.
 */

export interface ReplayGuard {
  /**
   * Records token `id` of `sender`, issued at `issuedAt` and kept until `expiresAt` (both seconds
   * since the epoch). Returns false when the token may not be used: seen before and not yet expired,
   * or issued before the guard's memory begins.
   */
  firstUse(sender: string, id: string, issuedAt: number, expiresAt: number): boolean | Promise<boolean>;
}

export interface ReplayEntry {
  readonly sender: string;
  readonly id: string;
  readonly expiresAt: number;
}

export interface MemoryReplayGuardOptions {
  /** Milliseconds since the epoch; default `Date.now`. */
  readonly now?: () => number;
  /** Tokens issued before this time (seconds since the epoch) are refused; default: no limit. */
  readonly since?: number;
  /** Entries to start with, e.g. saved by `entries()` at the last shutdown. */
  readonly entries?: Iterable<ReplayEntry>;
  /** Expired entries are swept at most this often (seconds); default 10. */
  readonly sweepSeconds?: number;
}

/** A replay guard in memory: one map, swept of expired entries every few seconds. */
export class MemoryReplayGuard implements ReplayGuard {
  private readonly seen = new Map<string, ReplayEntry>();
  private readonly now: () => number;
  private readonly since: number;
  private readonly sweepSeconds: number;
  private nextSweep = 0;

  constructor(options: MemoryReplayGuardOptions = {}) {
    this.now = options.now ?? Date.now;
    this.since = options.since ?? Number.NEGATIVE_INFINITY;
    this.sweepSeconds = options.sweepSeconds ?? 10;
    for (const entry of options.entries ?? []) this.seen.set(keyOf(entry.sender, entry.id), { ...entry });
  }

  firstUse(sender: string, id: string, issuedAt: number, expiresAt: number): boolean {
    const now = this.now() / 1000;
    if (now >= this.nextSweep) this.sweep(now);
    if (issuedAt < this.since) return false;
    const key = keyOf(sender, id);
    const earlier = this.seen.get(key);
    if (earlier !== undefined && earlier.expiresAt >= now) return false;
    this.seen.set(key, { sender, id, expiresAt });
    return true;
  }

  /** How many token ids are remembered. */
  get size(): number {
    return this.seen.size;
  }

  /** The remembered, unexpired token ids (to save at shutdown and pass to the next guard). */
  entries(): ReplayEntry[] {
    this.sweep(this.now() / 1000);
    return [...this.seen.values()];
  }

  private sweep(now: number): void {
    for (const [key, entry] of this.seen) if (entry.expiresAt < now) this.seen.delete(key);
    this.nextSweep = now + this.sweepSeconds;
  }
}

function keyOf(sender: string, id: string): string {
  // A space cannot occur in a DID, so the pair is unambiguous.
  return `${sender} ${id}`;
}
