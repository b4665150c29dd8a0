/**
 * @module membership
 * Membership credentials: a network's membership authority (any node can take the role) states, in a
 * JWT signed with its DID's key, that a DID is a member of the network and speaks for a company (BPNL
 * and name). The claims follow the JWT encoding of the W3C Verifiable Credentials Data Model 1.1
 * (§6.3.1: `iss`, `sub`, `jti`, `iat`, `exp`, and a `vc` claim with the credential's type and subject),
 * with a subject shaped like Catena-X's MembershipCredential (`holderIdentifier` = BPNL, `memberOf` =
 * the network), plus flat `bpnl`, `name` and `network` claims for readers that skip the `vc` claim.
 * Signed and checked with `jose`.
 */
import { randomUUID } from 'node:crypto';
import { err, ok, type Result } from '@keten/core';
import { decodeProtectedHeader, errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { BPNL_PATTERN, type NodeIdentity } from './node-identity.ts';
import type { DidResolver } from './resolver.ts';

export const MEMBERSHIP_CREDENTIAL_TYPE = 'MembershipCredential';
/** Default validity of a membership credential: 30 days (a member renews by joining again). */
export const DEFAULT_MEMBERSHIP_VALIDITY_SECONDS = 30 * 24 * 3600;

/** What a valid membership credential says. Times are seconds since the epoch. */
export interface MembershipClaims {
  readonly authority: string;
  readonly member: string;
  readonly bpnl: string;
  readonly name: string;
  readonly network: string;
  readonly credentialId: string;
  readonly issuedAt: number;
  readonly expiresAt: number;
}

/**
 * Why a membership credential is not accepted:
 * - `missing`: there is none;
 * - `malformed`: it is not a keten membership credential (not a JWT, claims missing or of the wrong type);
 * - `untrusted-authority`: its issuer is not an authority this node trusts;
 * - `authority-unresolved`: the authority's DID document (its keys) is not there or not valid;
 * - `authority-unreachable`: the authority's DID document could not be fetched right now (no answer,
 *   a timeout, a 5xx): a failure that may pass;
 * - `bad-signature`: the authority's keys did not sign it;
 * - `expired`: it expired (or is not valid yet);
 * - `wrong-subject`: it was issued to another DID than the one presenting it;
 * - `wrong-network`: it is for another network.
 */
export interface MembershipProblem {
  readonly reason:
    | 'missing'
    | 'malformed'
    | 'untrusted-authority'
    | 'authority-unresolved'
    | 'authority-unreachable'
    | 'bad-signature'
    | 'expired'
    | 'wrong-subject'
    | 'wrong-network';
  readonly message: string;
}

/**
 * A membership credential for `member`, signed by `authority` (its first key: the node's own key).
 *
 * @example
 * const credential = await issueMembershipCredential({ authority: oem, member, network: 'keten-demo' });
 */
export async function issueMembershipCredential(input: {
  authority: NodeIdentity;
  member: { did: string; bpnl: string; name: string };
  network: string;
  validitySeconds?: number;
  /** Milliseconds since the epoch; default now. */
  now?: number;
}): Promise<string> {
  const issuedAt = Math.floor((input.now ?? Date.now()) / 1000);
  const expiresAt = issuedAt + (input.validitySeconds ?? DEFAULT_MEMBERSHIP_VALIDITY_SECONDS);
  const { did, bpnl, name } = input.member;
  return new SignJWT({
    bpnl,
    name,
    network: input.network,
    vc: {
      '@context': ['https://www.w3.org/2018/credentials/v1'],
      type: ['VerifiableCredential', MEMBERSHIP_CREDENTIAL_TYPE],
      credentialSubject: { id: did, holderIdentifier: bpnl, memberOf: input.network, name },
    },
  })
    .setProtectedHeader({
      alg: 'EdDSA',
      typ: 'JWT',
      kid: `${input.authority.did}#${input.authority.keys.keyId}`,
    })
    .setIssuer(input.authority.did)
    .setSubject(did)
    .setJti(`urn:uuid:${randomUUID()}`)
    .setIssuedAt(issuedAt)
    .setExpirationTime(expiresAt)
    .sign(input.authority.keys.privateKey);
}

export interface MembershipVerifierOptions {
  readonly resolver: DidResolver;
  /** DIDs of the membership authorities this node trusts. */
  readonly trustedAuthorities: readonly string[];
  /** When given, credentials for other networks are refused. */
  readonly network?: string;
  /** Milliseconds since the epoch; default `Date.now`. */
  readonly now?: () => number;
  /** Allowed clock difference with the authority, seconds; default 5. */
  readonly clockToleranceSeconds?: number;
  /** Verified credentials kept (their signature is not checked again); default 10,000. */
  readonly cacheSize?: number;
}

export interface MembershipVerifier {
  /** Checks `credential` and that it was issued to `member`. */
  verify(credential: unknown, member: string): Promise<Result<MembershipClaims, MembershipProblem>>;
}

/**
 * Checks membership credentials: issued by a trusted authority, signed with a key of the authority's
 * DID document listed under `assertionMethod`, not expired, for this network, issued to the presenter.
 * A verified credential is remembered, so a member's requests do not pay for its signature again; its
 * expiry, subject and network are checked on every use.
 */
export function createMembershipVerifier(options: MembershipVerifierOptions): MembershipVerifier {
  const now = options.now ?? Date.now;
  const tolerance = options.clockToleranceSeconds ?? 5;
  const cacheSize = options.cacheSize ?? 10_000;
  const trusted = new Set(options.trustedAuthorities);
  const verified = new Map<string, MembershipClaims>();

  const checkUse = (
    claims: MembershipClaims,
    member: string,
  ): Result<MembershipClaims, MembershipProblem> => {
    const seconds = now() / 1000;
    if (claims.expiresAt + tolerance <= seconds) {
      return err({
        reason: 'expired',
        message: `the membership credential expired at ${isoTime(claims.expiresAt)}; the member must join ${claims.network} again`,
      });
    }
    if (claims.issuedAt - tolerance > seconds) {
      return err({
        reason: 'expired',
        message: `the membership credential is not valid before ${isoTime(claims.issuedAt)}`,
      });
    }
    if (claims.member !== member) {
      return err({
        reason: 'wrong-subject',
        message: `the membership credential was issued to ${claims.member}, not to ${member}`,
      });
    }
    if (options.network !== undefined && claims.network !== options.network) {
      return err({
        reason: 'wrong-network',
        message: `the membership credential is for network "${claims.network}", not "${options.network}"`,
      });
    }
    return ok(claims);
  };

  return {
    async verify(credential, member) {
      if (credential === undefined || credential === null || credential === '') {
        return err({ reason: 'missing', message: 'no membership credential was presented' });
      }
      if (typeof credential !== 'string')
        return err({ reason: 'malformed', message: 'the membership credential is not a string' });
      const known = verified.get(credential);
      if (known !== undefined) return checkUse(known, member);

      const issuer = unverifiedIssuer(credential);
      if (issuer === undefined) {
        return err({
          reason: 'malformed',
          message: 'the membership credential is not a JWT with an "iss" claim',
        });
      }
      if (!trusted.has(issuer)) {
        return err({
          reason: 'untrusted-authority',
          message: `the membership credential was issued by ${issuer}, which is not a membership authority this node trusts`,
        });
      }
      let authority = await options.resolver.resolve(issuer);
      const keyId = unverifiedKeyId(credential);
      if (authority.ok && keyId !== undefined && !authority.value.assertionKeys.has(keyId)) {
        // The authority may have rotated its key since its document was cached: look once more.
        options.resolver.forget(issuer);
        authority = await options.resolver.resolve(issuer);
      }
      if (!authority.ok) {
        return err({
          reason: authority.error.reason === 'unreachable' ? 'authority-unreachable' : 'authority-unresolved',
          message: `cannot check the membership credential: ${authority.error.message}`,
        });
      }
      const resolved = authority.value;
      let payload: Record<string, unknown>;
      try {
        const result = await jwtVerify(
          credential,
          (header) => {
            const key = header.kid === undefined ? undefined : resolved.assertionKeys.get(header.kid);
            if (key === undefined) throw new joseErrors.JWKSNoMatchingKey();
            return key;
          },
          {
            algorithms: ['EdDSA'],
            typ: 'JWT',
            issuer,
            requiredClaims: ['sub', 'exp', 'iat', 'jti'],
            currentDate: new Date(now()),
            clockTolerance: tolerance,
          },
        );
        payload = result.payload as Record<string, unknown>;
      } catch (cause) {
        return err(describeJoseFailure(cause, issuer));
      }
      const claims = membershipClaimsOf(payload);
      if (!claims.ok) return claims;
      const checked = checkUse(claims.value, member);
      if (checked.ok) {
        verified.set(credential, claims.value);
        if (verified.size > cacheSize) {
          const oldest = verified.keys().next();
          if (!oldest.done) verified.delete(oldest.value);
        }
      }
      return checked;
    },
  };
}

/** The claims of a credential's payload, checked for shape only (not signature or time). */
export function membershipClaimsOf(
  payload: Record<string, unknown>,
): Result<MembershipClaims, MembershipProblem> {
  const malformed = (what: string): Result<MembershipClaims, MembershipProblem> =>
    err({ reason: 'malformed', message: `the membership credential ${what}` });
  const { iss, sub, bpnl, name, network, jti, iat, exp, vc } = payload;
  if (typeof iss !== 'string' || typeof sub !== 'string') return malformed('has no "iss" or "sub"');
  if (typeof bpnl !== 'string' || !BPNL_PATTERN.test(bpnl)) return malformed('has no valid "bpnl"');
  if (typeof name !== 'string' || typeof network !== 'string' || typeof jti !== 'string') {
    return malformed('has no "name", "network" or "jti"');
  }
  if (typeof iat !== 'number' || typeof exp !== 'number') return malformed('has no "iat" or "exp"');
  const types = (vc as { type?: unknown } | undefined)?.type;
  if (!Array.isArray(types) || !types.includes(MEMBERSHIP_CREDENTIAL_TYPE)) {
    return malformed(`has no "vc" claim of type ${MEMBERSHIP_CREDENTIAL_TYPE}`);
  }
  return ok({
    authority: iss,
    member: sub,
    bpnl,
    name,
    network,
    credentialId: jti,
    issuedAt: iat,
    expiresAt: exp,
  });
}

/** The `iss` of a JWT, read without checking anything, to choose whose keys to check it with. */
function unverifiedIssuer(token: string): string | undefined {
  const payload = token.split('.')[1];
  if (payload === undefined || !/^[A-Za-z0-9_-]+$/.test(payload)) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const iss = (claims as { iss?: unknown } | null)?.iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/** The `kid` of a JWT's header, read without checking anything. */
function unverifiedKeyId(token: string): string | undefined {
  try {
    const kid = decodeProtectedHeader(token).kid;
    return typeof kid === 'string' ? kid : undefined;
  } catch {
    return undefined;
  }
}

function describeJoseFailure(cause: unknown, issuer: string): MembershipProblem {
  if (cause instanceof joseErrors.JWTExpired) {
    return {
      reason: 'expired',
      message: `the membership credential from ${issuer} has expired; the member must join again`,
    };
  }
  if (cause instanceof joseErrors.JWSSignatureVerificationFailed) {
    return { reason: 'bad-signature', message: `the membership credential was not signed by ${issuer}` };
  }
  if (cause instanceof joseErrors.JWKSNoMatchingKey) {
    return {
      reason: 'bad-signature',
      message: `the membership credential names a key ("kid") that ${issuer} does not list under assertionMethod`,
    };
  }
  if (cause instanceof joseErrors.JWTClaimValidationFailed && cause.claim === 'iat') {
    return {
      reason: 'expired',
      message: 'the membership credential is not valid yet (issued in the future)',
    };
  }
  const detail = cause instanceof Error ? cause.message : String(cause);
  return { reason: 'malformed', message: `the membership credential is not a valid JWT: ${detail}` };
}

/** An ISO time for messages; numbers outside the Date range (a hostile `exp`) are shown as they are. */
export function isoTime(seconds: number): string {
  const date = new Date(seconds * 1000);
  return Number.isNaN(date.getTime()) ? String(seconds) : date.toISOString();
}
