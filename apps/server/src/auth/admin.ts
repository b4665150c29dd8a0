/**
 * @module auth/admin
 * Bootstrapping the first admin: a fresh node has no users, and the API only lets admins create them.
 * `ensureAdmin` is what `keten demo` and `keten user create` use to get a first account with
 * credentials they can print.
 */
import { randomBytes } from 'node:crypto';
import type { Clock, KetenStore, Role } from '@keten/core';
import { systemClock } from '@keten/core';
import { hashPassword, passwordProblem } from './passwords.ts';
import { issueToken } from './tokens.ts';

export interface EnsureAdminOptions {
  readonly username: string;
  /** The password to set; a random one is generated (and returned) when omitted. */
  readonly password?: string;
  /**
   * When the user exists already: set the password (given or generated), make them admin and enable
   * them. Without it an existing user is left as it is and no password is returned.
   */
  readonly reset?: boolean;
  /** Also create an API token with this name (returned once). */
  readonly tokenName?: string;
  /** Expiry of that token in days (default: none). */
  readonly tokenExpiresInDays?: number;
  readonly clock?: Clock;
}

export type EnsureAdminOutcome =
  | {
      readonly ok: true;
      readonly username: string;
      /** `created`: a new user; `reset`: an existing one got a new password; `exists`: left alone. */
      readonly action: 'created' | 'reset' | 'exists';
      /** The user's role now: an existing user left alone may not be an admin. */
      readonly role: Role;
      /** The password to print: set when this call chose or set it. */
      readonly password?: string;
      /** Whether `password` was generated (print it; it is not shown again). */
      readonly generated: boolean;
      /** A bearer token `ktn_…`, when `tokenName` was given. */
      readonly token?: string;
    }
  | { readonly ok: false; readonly reason: 'weak-password' | 'invalid-username'; readonly message: string };

/**
 * Makes sure an admin named `username` exists, creating it when needed.
 *
 * @example
 * const admin = await ensureAdmin(store, { username: 'admin', tokenName: 'demo' });
 * if (admin.ok && admin.password !== undefined) console.log(`log in as admin / ${admin.password}`);
 */
export async function ensureAdmin(
  store: KetenStore,
  options: EnsureAdminOptions,
): Promise<EnsureAdminOutcome> {
  const { username } = options;
  if (!/^[a-z0-9][a-z0-9._-]{1,63}$/.test(username)) {
    return {
      ok: false,
      reason: 'invalid-username',
      message: 'a user name is 2 to 64 lower-case letters, digits or . _ -',
    };
  }
  const generated = options.password === undefined;
  const password = options.password ?? generatePassword();
  const problem = passwordProblem(password, username);
  if (problem !== undefined) return { ok: false, reason: 'weak-password', message: problem };

  const existing = await store.access.getUser(username);
  let action: 'created' | 'reset' | 'exists';
  let role: Role = 'admin';
  if (existing === undefined) {
    const created = await store.access.createUser({
      username,
      role: 'admin',
      passwordHash: await hashPassword(password),
    });
    // Someone created it between our look-up and now: treat it as existing.
    action = created === 'exists' ? 'exists' : 'created';
    if (created === 'exists') role = (await store.access.getUser(username))?.role ?? 'admin';
  } else if (options.reset === true) {
    await store.access.updateUser(username, {
      role: 'admin',
      disabled: false,
      passwordHash: await hashPassword(password),
    });
    action = 'reset';
  } else {
    action = 'exists';
    role = existing.role;
  }

  let token: string | undefined;
  if (options.tokenName !== undefined) {
    const days = options.tokenExpiresInDays;
    const issued = await issueToken(store.access, options.clock ?? systemClock, {
      username,
      name: options.tokenName,
      lifetimeMs: days === undefined ? undefined : days * 86_400_000,
    });
    token = issued.secret;
  }
  return {
    ok: true,
    username,
    action,
    role,
    ...(action === 'exists' ? {} : { password }),
    generated: action !== 'exists' && generated,
    ...(token === undefined ? {} : { token }),
  };
}

/** 24 characters from 18 random bytes (144 bits), base64url. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}
