/**
 * @module auth/login-limiter
 * Slows down password guessing: failed logins are counted per user name and per client address in
 * fixed windows; once a count reaches its limit, further attempts for that name or from that address
 * are refused (`rate-limited`, with Retry-After) until the window ends, even with the right password.
 *
 * The counts live in memory, per server process: a restart forgets them, and several server processes
 * behind one load balancer each count on their own. That is enough for one node per company; a
 * shared counter (in the store) is the step up when a node runs replicated.
 */
import type { Clock } from '@keten/core';

export interface LoginLimits {
  /** Failed logins for one user name per window before it is locked (default 5). */
  readonly perUsername: number;
  /** Failed logins from one address per window before it is locked (default 20). */
  readonly perAddress: number;
  /** Length of a window in milliseconds (default 15 minutes). */
  readonly windowMs: number;
  /** Most keys kept; the oldest are dropped first (default 10,000), so memory stays bounded. */
  readonly maximumKeys: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = {
  perUsername: 5,
  perAddress: 20,
  windowMs: 15 * 60 * 1000,
  maximumKeys: 10_000,
};

interface Window {
  failures: number;
  endsAt: number;
}

export class LoginLimiter {
  readonly #limits: LoginLimits;
  readonly #clock: Clock;
  readonly #windows = new Map<string, Window>();

  constructor(clock: Clock, limits: Partial<LoginLimits> = {}) {
    this.#clock = clock;
    this.#limits = { ...DEFAULT_LOGIN_LIMITS, ...limits };
  }

  /** Seconds until a login for this user from this address may be tried, or 0 when it may now. */
  retryAfter(username: string, address: string): number {
    const now = this.#clock.now().getTime();
    const waits = [
      this.#wait(`user:${username.toLowerCase()}`, this.#limits.perUsername, now),
      this.#wait(`address:${address}`, this.#limits.perAddress, now),
    ];
    return Math.max(...waits);
  }

  recordFailure(username: string, address: string): void {
    const now = this.#clock.now().getTime();
    this.#count(`user:${username.toLowerCase()}`, now);
    this.#count(`address:${address}`, now);
  }

  /** A successful login clears the user name's count (not the address's: it may be guessing others). */
  recordSuccess(username: string): void {
    this.#windows.delete(`user:${username.toLowerCase()}`);
  }

  #wait(key: string, limit: number, now: number): number {
    const window = this.#windows.get(key);
    if (window === undefined) return 0;
    if (window.endsAt <= now) {
      this.#windows.delete(key);
      return 0;
    }
    return window.failures >= limit ? Math.ceil((window.endsAt - now) / 1000) : 0;
  }

  #count(key: string, now: number): void {
    const window = this.#windows.get(key);
    if (window !== undefined && window.endsAt > now) {
      window.failures += 1;
      return;
    }
    this.#windows.delete(key);
    this.#windows.set(key, { failures: 1, endsAt: now + this.#limits.windowMs });
    while (this.#windows.size > this.#limits.maximumKeys) {
      const oldest = this.#windows.keys().next().value;
      if (oldest === undefined) break;
      this.#windows.delete(oldest);
    }
  }
}
