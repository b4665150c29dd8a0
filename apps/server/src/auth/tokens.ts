/**
 * @module auth/tokens
 * API tokens: `ktn_<id>_<secret>`, where `id` is 16 hex characters (public: shown in lists, used to
 * revoke) and `secret` is 32 random bytes in base64url. The whole token is shown once; the store keeps
 * only its SHA-256. The `ktn_` prefix lets secret scanners (and people) recognise a leaked token.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { AccessStore, Clock, TokenRecord } from '@keten/core';

export const TOKEN_PREFIX = 'ktn_';
const TOKEN_PATTERN = /^ktn_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

export interface NewToken {
  readonly id: string;
  /** The full token, `ktn_<id>_<secret>`: give it to the user once, never store it. */
  readonly token: string;
  /** SHA-256 of the full token, hex: what the store keeps. */
  readonly tokenHash: string;
}

/** A fresh token: 8 random bytes of id and 32 of secret. */
export function newToken(): NewToken {
  const id = randomBytes(8).toString('hex');
  const token = `${TOKEN_PREFIX}${id}_${randomBytes(32).toString('base64url')}`;
  return { id, token, tokenHash: hashToken(token) };
}

/** SHA-256 of a token, hex. A plain hash suffices: the secret has 256 bits of entropy. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The id of a well-formed token, or undefined. */
export function tokenId(token: string): string | undefined {
  return TOKEN_PATTERN.exec(token)?.[1];
}

/**
 * Whether a stored record belongs to `token`: same id, and the hashes equal in constant time. The
 * store looks records up by hash; this second check guards against a store that matches loosely.
 */
export function tokenMatches(record: TokenRecord, token: string, tokenHash: string): boolean {
  if (record.id !== tokenId(token)) return false;
  const expected = Buffer.from(record.tokenHash, 'hex');
  const actual = Buffer.from(tokenHash, 'hex');
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

/** A token as shown to its owner: everything but the hash. */
export interface TokenInfo {
  readonly id: string;
  readonly username: string;
  readonly name: string;
  readonly createdAt: string;
  readonly expiresAt?: string;
  readonly lastUsedAt?: string;
  readonly revokedAt?: string;
}

export function tokenInfo(record: TokenRecord): TokenInfo {
  const { tokenHash: _hash, ...info } = record;
  return info;
}

/**
 * Creates an API token for `username` in the store and returns it with its one-time secret. The CLI
 * uses it on a local store (`keten token create`); the server for `POST /tokens` and logins.
 *
 * @example
 * const { secret } = await issueToken(store.access, systemClock, { username: 'ada', name: 'laptop' });
 * // send as: Authorization: Bearer ${secret}
 */
export async function issueToken(
  access: AccessStore,
  clock: Clock,
  token: { username: string; name: string; lifetimeMs?: number | undefined },
): Promise<{ token: TokenInfo; secret: string }> {
  const fresh = newToken();
  const record = await access.createToken({
    id: fresh.id,
    username: token.username,
    name: token.name,
    tokenHash: fresh.tokenHash,
    ...(token.lifetimeMs === undefined
      ? {}
      : { expiresAt: new Date(clock.now().getTime() + token.lifetimeMs).toISOString() }),
  });
  return { token: tokenInfo(record), secret: fresh.token };
}
