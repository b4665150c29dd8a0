/**
 * @module request-auth
 * Authentication of every protocol request between nodes. The sender puts a self-issued token in the
 * `Authorization: Bearer` header (DSP 2025-1 leaves the token's semantics to the data space): a JWS
 * (EdDSA, `typ` `keten-request+jwt`, `kid` the sender's key in its DID document) with
 *
 * - `iss` = `sub` = the sender's DID, `aud` = the receiver's DID;
 * - `jti` (random), `iat`, and a short `exp` (60 s by default, at most 5 minutes);
 * - `htm`, the HTTP method (as in DPoP, RFC 9449 §4.2), and `path`, the request target (path and query);
 * - `body_sha256`, the base64url SHA-256 of the body bytes (of the empty string when there is none);
 * - `membership`, the sender's membership credential (a JWT from the network's authority).
 *
 * The receiver checks, cheapest first: the token's form, its times, that it is addressed to this node,
 * that it covers this method, path and body, that the sender is a member (the credential: a trusted
 * authority's signature, cached once verified), the sender's DID document (cached), the signature, and
 * finally that the token was not used before. Membership is checked before the sender's DID is resolved,
 * so a stranger cannot make a node fetch documents from arbitrary hosts.
 */
import { createHash, randomBytes } from 'node:crypto';
import { err, ok, type Result } from '@keten/core';
import { decodeCompact, signCompact, verifyCompact } from './compact-jws.ts';
import {
  createMembershipVerifier,
  isoTime,
  type MembershipClaims,
  type MembershipVerifier,
} from './membership.ts';
import type { NodeIdentity } from './node-identity.ts';
import type { ReplayGuard } from './replay-guard.ts';
import type { DidResolver, ResolutionFailure } from './resolver.ts';

export const REQUEST_TOKEN_TYPE = 'keten-request+jwt';
export const DEFAULT_REQUEST_LIFETIME_SECONDS = 60;
export const MAX_REQUEST_LIFETIME_SECONDS = 300;

/**
 * Why a request was refused (fixed list; `AUTH_FAILURE_STATUS` gives the HTTP status of each):
 * - `missing`: no Authorization header;
 * - `malformed`: not `Bearer <keten request token>`, or its claims are missing or of the wrong type;
 * - `bad-signature`: the sender's key did not sign it;
 * - `tampered`: the method, path or body differ from what was signed;
 * - `replayed`: this token was used before;
 * - `expired`: the token expired (or was issued in the future: check the clocks);
 * - `wrong-audience`: the token is addressed to another node;
 * - `unknown-sender`: the sender's DID document could not be fetched or read;
 * - `not-a-member`: no membership credential, or one that is invalid, expired, for someone else, for
 *   another network, or from an authority this node does not trust;
 * - `unavailable`: the sender's or the authority's DID document could not be fetched right now (no
 *   answer, a timeout, a 5xx), so the token could not be checked: not a refusal of the sender, who
 *   should try again later (503 with `Retry-After`).
 */
export const AUTH_FAILURE_REASONS = [
  'missing',
  'malformed',
  'bad-signature',
  'tampered',
  'replayed',
  'expired',
  'wrong-audience',
  'unknown-sender',
  'not-a-member',
  'unavailable',
] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

export interface AuthFailure {
  readonly reason: AuthFailureReason;
  readonly message: string;
}

/**
 * The HTTP status to answer each failure with: 401 for a token that proves nothing, 403 for a
 * non-member, 503 when it could not be checked right now.
 */
export const AUTH_FAILURE_STATUS: Readonly<Record<AuthFailureReason, 401 | 403 | 503>> = {
  missing: 401,
  malformed: 401,
  'bad-signature': 401,
  tampered: 401,
  replayed: 401,
  expired: 401,
  'wrong-audience': 401,
  'unknown-sender': 401,
  'not-a-member': 403,
  unavailable: 503,
};

/** Seconds a sender is asked to wait (`Retry-After`) when a request could not be checked right now. */
export const AUTH_RETRY_AFTER_SECONDS = 5;

/** Who sent a verified request. */
export interface VerifiedSender {
  readonly did: string;
  readonly bpnl: string;
  readonly name: string;
  readonly network: string;
  readonly membership: MembershipClaims;
  /** The key that signed, `did#thumbprint`. */
  readonly keyId: string;
  readonly tokenId: string;
  readonly expiresAt: number;
}

/** A request as the receiver sees it. `path` is the request target: path and query, as sent. */
export interface IncomingRequest {
  readonly authorization: string | undefined;
  readonly method: string;
  readonly path: string;
  /** The raw body bytes (hash them before any JSON parsing); empty or undefined when there is none. */
  readonly body?: string | Uint8Array | undefined;
}

/**
 * The `Authorization` header value for a request from `identity` to the node `audience` (a DID).
 *
 * @example
 * const authorization = signRequest({
 *   identity, credential, audience: supplierDid, method: 'POST', path: '/dsp/negotiations/request', body,
 * });
 * await fetch(url, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body });
 */
export function signRequest(input: {
  identity: NodeIdentity;
  /** The sender's membership credential. */
  credential: string;
  audience: string;
  method: string;
  path: string;
  body?: string | Uint8Array | undefined;
  /** Milliseconds since the epoch; default now. */
  now?: number;
  lifetimeSeconds?: number;
}): string {
  const issuedAt = Math.floor((input.now ?? Date.now()) / 1000);
  // Whole seconds between 1 and the most a verifier accepts.
  const asked = Math.floor(input.lifetimeSeconds ?? DEFAULT_REQUEST_LIFETIME_SECONDS);
  const lifetime = Math.max(1, Math.min(asked, MAX_REQUEST_LIFETIME_SECONDS));
  const token = signCompact(
    {
      iss: input.identity.did,
      sub: input.identity.did,
      aud: input.audience,
      jti: randomBytes(16).toString('base64url'),
      iat: issuedAt,
      exp: issuedAt + lifetime,
      htm: input.method.toUpperCase(),
      path: input.path,
      body_sha256: bodyDigest(input.body),
      membership: input.credential,
    },
    input.identity.keys.privateKey,
    { typ: REQUEST_TOKEN_TYPE, kid: `${input.identity.did}#${input.identity.keys.keyId}` },
  );
  return `Bearer ${token}`;
}

export interface RequestVerifierOptions {
  /** This node's DID: tokens must be addressed to it. */
  readonly did: string;
  readonly resolver: DidResolver;
  /** DIDs of the membership authorities this node trusts. */
  readonly trustedAuthorities: readonly string[];
  /** This node's network; credentials for others are refused. */
  readonly network?: string;
  readonly replayGuard: ReplayGuard;
  /** Milliseconds since the epoch; default `Date.now`. */
  readonly now?: () => number;
  /** Allowed clock difference between nodes, seconds; default 5. */
  readonly clockToleranceSeconds?: number;
  /** A membership verifier to share (with its cache); by default one is made from the options above. */
  readonly membership?: MembershipVerifier;
}

export interface RequestVerifier {
  verifyRequest(request: IncomingRequest): Promise<Result<VerifiedSender, AuthFailure>>;
}

/**
 * Checks incoming requests for a node. Never throws on any input.
 *
 * @example
 * const verifier = createRequestVerifier({ did, resolver, trustedAuthorities: [authorityDid], replayGuard });
 * const sender = await verifier.verifyRequest({ authorization, method, path, body: rawBody });
 * if (!sender.ok) reply.code(AUTH_FAILURE_STATUS[sender.error.reason]).send(sender.error);
 */
export function createRequestVerifier(options: RequestVerifierOptions): RequestVerifier {
  const now = options.now ?? Date.now;
  const tolerance = options.clockToleranceSeconds ?? 5;
  const membership =
    options.membership ??
    createMembershipVerifier({
      resolver: options.resolver,
      trustedAuthorities: options.trustedAuthorities,
      ...(options.network === undefined ? {} : { network: options.network }),
      now,
      clockToleranceSeconds: tolerance,
    });
  const fail = (reason: AuthFailureReason, message: string): Result<VerifiedSender, AuthFailure> =>
    err({ reason, message });

  return {
    async verifyRequest(request) {
      const header = request.authorization;
      if (header === undefined || header.trim() === '') {
        return fail(
          'missing',
          'the request has no Authorization header; every protocol request must carry a keten request token',
        );
      }
      const bearer = /^Bearer +(\S+)$/i.exec(header.trim());
      if (bearer === null) return fail('malformed', 'the Authorization header is not "Bearer <token>"');
      const decoded = decodeCompact(bearer[1] ?? '');
      if (!decoded.ok) return fail('malformed', decoded.error);
      const { header: jwsHeader, payload } = decoded.value;
      if (jwsHeader.typ !== REQUEST_TOKEN_TYPE) {
        return fail(
          'malformed',
          `the token's "typ" is ${JSON.stringify(jwsHeader.typ)}, not "${REQUEST_TOKEN_TYPE}"`,
        );
      }
      const claims = requestClaimsOf(payload);
      if (!claims.ok) return fail('malformed', claims.error);
      const token = claims.value;
      const keyId = jwsHeader.kid;
      if (keyId === undefined || !keyId.startsWith(`${token.iss}#`)) {
        return fail('malformed', 'the token\'s "kid" is not a key of its issuer ("<did>#<key>")');
      }

      const seconds = now() / 1000;
      if (token.exp - token.iat > MAX_REQUEST_LIFETIME_SECONDS) {
        return fail(
          'malformed',
          `the token is valid for ${token.exp - token.iat} s; at most ${MAX_REQUEST_LIFETIME_SECONDS} s are accepted`,
        );
      }
      if (token.exp + tolerance <= seconds) {
        return fail(
          'expired',
          `the token expired at ${isoTime(token.exp)} (now ${isoTime(Math.floor(seconds))}); sign each request afresh`,
        );
      }
      if (token.iat - tolerance > seconds) {
        return fail(
          'expired',
          `the token was issued at ${isoTime(token.iat)}, in the future: the sender's or this node's clock is wrong`,
        );
      }
      if (token.aud !== options.did) {
        return fail(
          'wrong-audience',
          `the token is addressed to ${token.aud}, not to this node (${options.did})`,
        );
      }
      const method = request.method.toUpperCase();
      if (token.htm !== method) {
        return fail('tampered', `the token was signed for method ${token.htm}, the request is ${method}`);
      }
      if (token.path !== request.path) {
        return fail(
          'tampered',
          `the token was signed for path ${token.path}, the request is for ${request.path}`,
        );
      }
      if (token.body_sha256 !== bodyDigest(request.body)) {
        return fail('tampered', 'the request body is not the body that was signed (its SHA-256 differs)');
      }

      const member = await membership.verify(token.membership, token.iss);
      if (!member.ok) {
        if (member.error.reason === 'authority-unreachable') {
          return fail('unavailable', `cannot check ${token.iss}'s membership now: ${member.error.message}`);
        }
        return fail('not-a-member', `${token.iss} is not a member: ${member.error.message}`);
      }

      const unresolved = (failure: ResolutionFailure) =>
        failure.reason === 'unreachable'
          ? fail('unavailable', `cannot check the sender's signature now: ${failure.message}`)
          : fail('unknown-sender', `cannot identify the sender: ${failure.message}`);
      let sender = await options.resolver.resolve(token.iss);
      if (!sender.ok) return unresolved(sender.error);
      if (!sender.value.authenticationKeys.has(keyId)) {
        // The member may have rotated its key since its document was cached: look once more.
        options.resolver.forget(token.iss);
        sender = await options.resolver.resolve(token.iss);
        if (!sender.ok) return unresolved(sender.error);
      }
      const key = sender.value.authenticationKeys.get(keyId);
      if (key === undefined) {
        return fail(
          'bad-signature',
          `the token is signed with key ${keyId}, which ${token.iss} does not list under authentication`,
        );
      }
      if (!verifyCompact(decoded.value, key)) {
        return fail(
          'bad-signature',
          `the token's signature does not verify with ${keyId}: it was altered or signed by someone else`,
        );
      }

      if (!(await options.replayGuard.firstUse(token.iss, token.jti, token.iat, token.exp))) {
        return fail(
          'replayed',
          `token ${token.jti} from ${token.iss} was used before (or before this node started); send a fresh one`,
        );
      }
      return ok({
        did: token.iss,
        bpnl: member.value.bpnl,
        name: member.value.name,
        network: member.value.network,
        membership: member.value,
        keyId,
        tokenId: token.jti,
        expiresAt: token.exp,
      });
    },
  };
}

interface RequestClaims {
  readonly iss: string;
  readonly aud: string;
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
  readonly htm: string;
  readonly path: string;
  readonly body_sha256: string;
  readonly membership: unknown;
}

function requestClaimsOf(payload: Record<string, unknown>): Result<RequestClaims, string> {
  const { iss, sub, aud, jti, iat, exp, htm, path, body_sha256, membership } = payload;
  for (const [name, value] of Object.entries({ iss, sub, aud, jti, htm, path, body_sha256 })) {
    if (typeof value !== 'string' || value === '') return err(`the token has no "${name}" string claim`);
    // These values are quoted in refusal messages and logs: no line breaks or other control characters.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
    if (value.length > 2048 || /[\u0000-\u001f\u007f]/.test(value)) {
      return err(`the token's "${name}" is longer than 2,048 characters or holds control characters`);
    }
  }
  for (const [name, value] of Object.entries({ iat, exp })) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value))
      return err(`the token's "${name}" is not a time in whole seconds`);
  }
  if (iss !== sub)
    return err('the token\'s "iss" and "sub" differ; a request token is self-issued (iss = sub = sender)');
  if ((jti as string).length > 128) return err('the token\'s "jti" is longer than 128 characters');
  return ok({
    iss: iss as string,
    aud: aud as string,
    jti: jti as string,
    iat: iat as number,
    exp: exp as number,
    htm: htm as string,
    path: path as string,
    body_sha256: body_sha256 as string,
    membership,
  });
}

/** base64url SHA-256 of a body's bytes (strings as UTF-8; none is the empty string). */
export function bodyDigest(body: string | Uint8Array | undefined): string {
  return createHash('sha256')
    .update(body ?? '')
    .digest('base64url');
}
