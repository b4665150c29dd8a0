/**
 * @module join
 * The joining side of membership: `requestMembership` signs a join request with the node's key, posts it
 * to the authority, and checks the credential it gets back (signed by the authority's DID, issued to
 * this node). `saveMembership` and `loadMembership` keep it in `<dataDir>/membership.json` (mode 0600).
 * `keten node join --authority URL` is this function; the joining node must be running, because the
 * authority fetches its DID document.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { err, ok, type Result } from '@keten/core';
import { decodeJwt, SignJWT } from 'jose';
import { JOIN_REQUEST_TYPE, type JoinRefusalReason, MEMBERSHIP_JOIN_PATH } from './authority.ts';
import { didFromBaseUrl, type HttpRule } from './did.ts';
import {
  createMembershipVerifier,
  isoTime,
  type MembershipClaims,
  membershipClaimsOf,
} from './membership.ts';
import type { NodeIdentity } from './node-identity.ts';
import { type PrivateFileProblem, readPrivateFile, writePrivateFile } from './private-file.ts';
import { createDidResolver, type DidResolver, type FetchFunction, fetchWithTimeout } from './resolver.ts';

export const MEMBERSHIP_FILE_NAME = 'membership.json';

/** A node's membership of a network, as kept in its data directory. */
export interface Membership {
  readonly credential: string;
  readonly authority: string;
  /** The authority node's base URL, to join again before `expiresAt`. */
  readonly authorityUrl: string;
  readonly network: string;
  readonly member: string;
  readonly bpnl: string;
  readonly name: string;
  /** ISO 8601. */
  readonly expiresAt: string;
}

/**
 * Why joining failed:
 * - `invalid-url`: the authority URL is not a node base URL;
 * - `unreachable`: the authority did not answer (down, wrong URL, timeout);
 * - `refused`: the authority refused, for `refusal` (its reason list) and the authority's message;
 * - `invalid-response`: the answer is not a join answer, or its credential does not check out.
 */
export interface JoinFailure {
  readonly reason: 'invalid-url' | 'unreachable' | 'refused' | 'invalid-response';
  readonly refusal?: JoinRefusalReason;
  readonly message: string;
}

export interface RequestMembershipOptions {
  /** Defaults to the global `fetch`. */
  readonly fetch?: FetchFunction;
  /** Resolves the authority's DID; by default one built from `fetch` and `http`. */
  readonly resolver?: DidResolver;
  readonly http?: HttpRule;
  /** Milliseconds since the epoch; default `Date.now`. */
  readonly now?: () => number;
  /** Default 10,000 ms. */
  readonly timeoutMs?: number;
}

/**
 * Joins the network whose membership authority runs at `authorityUrl` (that node's base URL).
 *
 * @example
 * const membership = await requestMembership('http://127.0.0.1:8101/nodes/oem', identity);
 * if (membership.ok) await saveMembership(dataDir, membership.value);
 */
export async function requestMembership(
  authorityUrl: string,
  identity: NodeIdentity,
  options: RequestMembershipOptions = {},
): Promise<Result<Membership, JoinFailure>> {
  const now = options.now ?? Date.now;
  const http = options.http ?? 'loopback';
  const fetchFunction: FetchFunction = options.fetch ?? ((url, init) => fetch(url, init));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const authorityDid = didFromBaseUrl(authorityUrl, http);
  if (!authorityDid.ok)
    return err({ reason: 'invalid-url', message: `--authority: ${authorityDid.error.message}` });
  const endpoint = new URL(
    MEMBERSHIP_JOIN_PATH,
    authorityUrl.endsWith('/') ? authorityUrl : `${authorityUrl}/`,
  ).href;

  const issuedAt = Math.floor(now() / 1000);
  const joinRequest = await new SignJWT({ bpnl: identity.bpnl, name: identity.name })
    .setProtectedHeader({
      alg: 'EdDSA',
      typ: JOIN_REQUEST_TYPE,
      kid: `${identity.did}#${identity.keys.keyId}`,
    })
    .setIssuer(identity.did)
    .setSubject(identity.did)
    .setAudience(authorityDid.value)
    .setJti(randomUUID())
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + 120)
    .sign(identity.keys.privateKey);

  const exchange = await fetchWithTimeout(
    fetchFunction,
    endpoint,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ joinRequest }),
    },
    timeoutMs,
  );
  if (!exchange.ok) {
    return err({
      reason: 'unreachable',
      message: `cannot reach the membership authority at ${endpoint}: ${exchange.error}`,
    });
  }
  const { status, text } = exchange.value;

  let answer: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null) throw new Error('not an object');
    answer = parsed as Record<string, unknown>;
  } catch {
    return err({
      reason: 'invalid-response',
      message: `the authority at ${endpoint} answered HTTP ${status} without a JSON object`,
    });
  }
  if (status !== 200) {
    const refusal = typeof answer.reason === 'string' ? (answer.reason as JoinRefusalReason) : undefined;
    const message = typeof answer.message === 'string' ? answer.message : `HTTP ${status}`;
    return err({
      reason: 'refused',
      ...(refusal === undefined ? {} : { refusal }),
      message: `the membership authority refused: ${message}`,
    });
  }
  if (answer.authority !== authorityDid.value || typeof answer.network !== 'string') {
    return err({
      reason: 'invalid-response',
      message: `the answer names authority ${JSON.stringify(answer.authority)}, but ${authorityUrl} is ${authorityDid.value}`,
    });
  }
  const verifier = createMembershipVerifier({
    resolver: options.resolver ?? createDidResolver({ fetch: fetchFunction, http, now }),
    trustedAuthorities: [authorityDid.value],
    network: answer.network,
    now,
  });
  const checked = await verifier.verify(answer.credential, identity.did);
  if (!checked.ok)
    return err({ reason: 'invalid-response', message: `the credential received: ${checked.error.message}` });
  return ok(membershipOf(answer.credential as string, checked.value, authorityUrl));
}

/** Writes `membership` to `<dataDir>/membership.json` (mode 0600, atomically). */
export async function saveMembership(
  dataDir: string,
  membership: Membership,
): Promise<Result<void, PrivateFileProblem>> {
  const written = await writePrivateFile(
    join(dataDir, MEMBERSHIP_FILE_NAME),
    `${JSON.stringify(membership, null, 2)}\n`,
  );
  return written.ok ? ok(undefined) : written;
}

/**
 * Reads `<dataDir>/membership.json`. Checks that the file and its credential agree; the credential's
 * signature is checked by the nodes it is presented to, and its expiry by the caller (`expiresAt`).
 */
export async function loadMembership(dataDir: string): Promise<Result<Membership, PrivateFileProblem>> {
  const file = join(dataDir, MEMBERSHIP_FILE_NAME);
  const text = await readPrivateFile(file);
  if (!text.ok) return text;
  const invalid = (what: string): Result<Membership, PrivateFileProblem> =>
    err({
      reason: 'invalid',
      file,
      message: `${file} ${what}; join the network again (keten node join --authority URL)`,
    });
  let stored: Record<string, unknown>;
  try {
    stored = JSON.parse(text.value) as Record<string, unknown>;
  } catch {
    return invalid('is not JSON');
  }
  if (typeof stored !== 'object' || stored === null || typeof stored.credential !== 'string') {
    return invalid('has no "credential"');
  }
  let claims: Result<MembershipClaims, unknown>;
  try {
    claims = membershipClaimsOf(decodeJwt(stored.credential) as Record<string, unknown>);
  } catch {
    return invalid('holds a credential that is not a JWT');
  }
  if (!claims.ok) return invalid('holds a credential that is not a membership credential');
  if (typeof stored.authorityUrl !== 'string') return invalid('has no "authorityUrl"');
  return ok(membershipOf(stored.credential, claims.value, stored.authorityUrl));
}

function membershipOf(credential: string, claims: MembershipClaims, authorityUrl: string): Membership {
  return {
    credential,
    authority: claims.authority,
    authorityUrl,
    network: claims.network,
    member: claims.member,
    bpnl: claims.bpnl,
    name: claims.name,
    expiresAt: isoTime(claims.expiresAt),
  };
}
