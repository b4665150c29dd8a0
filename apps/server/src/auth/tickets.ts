/**
 * @module auth/tickets
 * Stream tickets: a browser's `EventSource` cannot send an Authorization header, so a signed-in client
 * first asks `POST /api/v1/stream/ticket` (with its bearer token) for a ticket and then opens
 * `GET /api/v1/stream?ticket=…`. A ticket is 32 random bytes, good once and for `ttlMs` (default
 * 30 s), kept in memory (at most `maxTickets`); it stands for the user and token it was issued to, and
 * redeeming it checks the user again (disabled, role) and the token (revoked, expired). Tickets never
 * appear in logs: the query string is not logged.
 */
import { randomBytes } from 'node:crypto';
import { type AccessStore, type Clock, ROLES, type Role } from '@keten/core';
import type { UserPrincipal } from './policy.ts';

export interface TicketOptions {
  /** How long a ticket is good for (default 30 s). */
  readonly ttlMs?: number;
  /** Tickets kept at most; the oldest go first (default 10,000). */
  readonly maxTickets?: number;
}

interface Ticket {
  readonly principal: UserPrincipal;
  readonly expires: number;
}

export class TicketBook {
  readonly ttlMs: number;
  readonly #maxTickets: number;
  readonly #tickets = new Map<string, Ticket>();

  constructor(
    private readonly access: AccessStore,
    private readonly clock: Clock,
    options: TicketOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 30_000;
    this.#maxTickets = options.maxTickets ?? 10_000;
  }

  /** A new ticket for `principal`, and when it expires. */
  issue(principal: UserPrincipal): { ticket: string; expiresAt: string } {
    const now = this.clock.now().getTime();
    this.#sweep(now);
    while (this.#tickets.size >= this.#maxTickets) {
      const oldest = this.#tickets.keys().next().value;
      if (oldest === undefined) break;
      this.#tickets.delete(oldest);
    }
    const ticket = `ktt_${randomBytes(32).toString('base64url')}`;
    const expires = now + this.ttlMs;
    this.#tickets.set(ticket, { principal, expires });
    return { ticket, expiresAt: new Date(expires).toISOString() };
  }

  /** The user a ticket stands for (the ticket is used up), or why it does not count. */
  async redeem(ticket: string): Promise<UserPrincipal | string> {
    const found = this.#tickets.get(ticket);
    this.#tickets.delete(ticket);
    const now = this.clock.now().getTime();
    if (found === undefined)
      return 'the ticket is unknown or used: ask POST /api/v1/stream/ticket for a new one';
    if (found.expires <= now) return 'the ticket has expired: ask POST /api/v1/stream/ticket for a new one';
    const role = await currentRole(this.access, found.principal, now);
    return stillAllowed(role) ? { ...found.principal, role } : role;
  }

  #sweep(now: number): void {
    for (const [ticket, entry] of this.#tickets) {
      if (entry.expires <= now) this.#tickets.delete(ticket);
    }
  }
}

function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/**
 * The role of the user behind `principal` now, or why they may no longer act on it: the account is
 * disabled, the token revoked or expired. For what outlives a request (a ticket, an open stream).
 */
export async function currentRole(
  access: AccessStore,
  principal: UserPrincipal,
  now: number,
): Promise<Role | string> {
  const user = await access.getUser(principal.username);
  if (user === undefined || user.disabled) return 'the account is disabled';
  const token = (await access.listTokens(principal.username)).find(
    (entry) => entry.id === principal.token.id,
  );
  if (token === undefined || token.revokedAt !== undefined) return 'the token was revoked';
  if (token.expiresAt !== undefined && Date.parse(token.expiresAt) <= now) return 'the token has expired';
  return user.role;
}

/** True when `currentRole` answered a role, not a reason. */
export function stillAllowed(answer: Role | string): answer is Role {
  return isRole(answer);
}
