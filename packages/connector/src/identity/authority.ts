/**
 * @module authority
 * The membership authority of a network: a role any node can take (the demo's OEM does). A joining node
 * sends a join request, a JWT it signs with its own key (`typ` `keten-join+jwt`: `iss` = `sub` = its DID,
 * `aud` = the authority's DID, `jti`, `iat`, a short `exp`, and its company's `bpnl` and `name`). The
 * authority fetches the joiner's DID document from the joiner's own URL, which proves the joiner controls
 * that URL, checks the signature against the document's keys, applies its admission rule and answers with
 * a membership credential.
 *
 * `handleJoinRequest` is a plain function of the request body; the node mounts it on HTTP at
 * `<authority base URL>/membership/join` and answers `JOIN_REFUSAL_STATUS[reason]` when it refuses.
 */
import { err, ok, type Result } from '@keten/core';
import { decodeJwt, decodeProtectedHeader, errors as joseErrors, jwtVerify } from 'jose';
import { DEFAULT_MEMBERSHIP_VALIDITY_SECONDS, isoTime, issueMembershipCredential } from './membership.ts';
import { checkCompany, type NodeIdentity } from './node-identity.ts';
import { MemoryReplayGuard, type ReplayGuard } from './replay-guard.ts';
import type { DidResolver } from './resolver.ts';

export const JOIN_REQUEST_TYPE = 'keten-join+jwt';
/** Where the authority's join handler is mounted, relative to the authority node's base URL. */
export const MEMBERSHIP_JOIN_PATH = 'membership/join';
/** A join request older than this is refused (seconds). */
export const MAX_JOIN_REQUEST_AGE_SECONDS = 300;

/**
 * Who may join:
 * - `open`: every node that proves control of its DID. The BPNL and name it states are not checked:
 *   fit for a demo or a closed network, not for strangers on the internet.
 * - `listed`: only the listed BPNLs; an entry with a `did` admits that BPNL from that DID only, so no
 *   one else can claim the company's number.
 * (An administrator's approval queue is a third rule keten does not have yet.)
 */
export type AdmissionRule =
  | { readonly kind: 'open' }
  | {
      readonly kind: 'listed';
      readonly members: readonly { readonly bpnl: string; readonly did?: string }[];
    };

/** A granted join: the body the node answers with (HTTP 200). */
export interface JoinGranted {
  readonly credential: string;
  readonly authority: string;
  readonly network: string;
  readonly member: string;
  /** ISO 8601 time the credential expires; the member joins again before then. */
  readonly expiresAt: string;
}

export const JOIN_REFUSAL_REASONS = [
  'malformed',
  'unknown-sender',
  'bad-signature',
  'expired',
  'wrong-audience',
  'replayed',
  'not-admitted',
] as const;
export type JoinRefusalReason = (typeof JOIN_REFUSAL_REASONS)[number];

/** A refused join: `{ reason, message }` is the body the node answers with. */
export interface JoinRefusal {
  readonly reason: JoinRefusalReason;
  readonly message: string;
}

export const JOIN_REFUSAL_STATUS: Readonly<Record<JoinRefusalReason, 400 | 401 | 403>> = {
  malformed: 400,
  'unknown-sender': 400,
  'bad-signature': 401,
  expired: 401,
  'wrong-audience': 401,
  replayed: 401,
  'not-admitted': 403,
};

export interface MembershipAuthorityOptions {
  /** The authority node's own identity: it signs the credentials. */
  readonly identity: NodeIdentity;
  /** The network's name, written into every credential. */
  readonly network: string;
  readonly admission: AdmissionRule;
  /** Resolves joiners' DIDs (their documents are fetched afresh for every join). */
  readonly resolver: DidResolver;
  /** Default: in memory. */
  readonly replayGuard?: ReplayGuard;
  /** Default 30 days. */
  readonly validitySeconds?: number;
  /** Milliseconds since the epoch; default `Date.now`. */
  readonly now?: () => number;
}

export interface MembershipAuthority {
  readonly did: string;
  readonly network: string;
  /** Checks a join request body `{ "joinRequest": "<JWT>" }` and issues a credential. Never throws on input. */
  handleJoinRequest(body: unknown): Promise<Result<JoinGranted, JoinRefusal>>;
}

/**
 * A membership authority.
 *
 * @example
 * const authority = createMembershipAuthority({
 *   identity, network: 'keten-demo', admission: { kind: 'open' }, resolver,
 * });
 * app.post('/membership/join', async (request, reply) => {
 *   const answer = await authority.handleJoinRequest(request.body);
 *   return answer.ok ? answer.value : reply.code(JOIN_REFUSAL_STATUS[answer.error.reason]).send(answer.error);
 * });
 */
export function createMembershipAuthority(options: MembershipAuthorityOptions): MembershipAuthority {
  const now = options.now ?? Date.now;
  const replayGuard = options.replayGuard ?? new MemoryReplayGuard({ now });
  const authorityDid = options.identity.did;
  const refuse = (reason: JoinRefusalReason, message: string): Result<JoinGranted, JoinRefusal> =>
    err({ reason, message });

  return {
    did: authorityDid,
    network: options.network,
    async handleJoinRequest(body) {
      const token = (body as { joinRequest?: unknown } | null)?.joinRequest;
      if (typeof token !== 'string') return refuse('malformed', 'the body is not { "joinRequest": "<JWT>" }');
      let joiner: string;
      let keyId: string;
      try {
        const header = decodeProtectedHeader(token);
        const claims = decodeJwt(token);
        if (header.typ !== JOIN_REQUEST_TYPE) {
          return refuse(
            'malformed',
            `the join request's "typ" is ${JSON.stringify(header.typ)}, not "${JOIN_REQUEST_TYPE}"`,
          );
        }
        if (typeof claims.iss !== 'string' || claims.iss !== claims.sub) {
          return refuse('malformed', 'the join request must have "iss" = "sub" = the joining node\'s DID');
        }
        if (typeof header.kid !== 'string') return refuse('malformed', 'the join request has no "kid"');
        joiner = claims.iss;
        keyId = header.kid;
      } catch {
        return refuse('malformed', 'the join request is not a JWT');
      }

      // A node that joins may have a new key: never trust a cached document here.
      options.resolver.forget(joiner);
      const document = await options.resolver.resolve(joiner);
      if (!document.ok) {
        return refuse(
          'unknown-sender',
          `cannot fetch the joining node's DID document (the node must be running and reachable from the authority): ${document.error.message}`,
        );
      }
      const key = document.value.authenticationKeys.get(keyId);
      if (key === undefined) {
        return refuse(
          'bad-signature',
          `the join request names key ${keyId}, which ${joiner} does not list under authentication`,
        );
      }

      let claims: Record<string, unknown>;
      try {
        const verified = await jwtVerify(token, key, {
          algorithms: ['EdDSA'],
          typ: JOIN_REQUEST_TYPE,
          audience: authorityDid,
          issuer: joiner,
          subject: joiner,
          requiredClaims: ['jti', 'iat', 'exp'],
          maxTokenAge: MAX_JOIN_REQUEST_AGE_SECONDS,
          currentDate: new Date(now()),
          clockTolerance: 5,
        });
        claims = verified.payload as Record<string, unknown>;
      } catch (cause) {
        if (cause instanceof joseErrors.JWSSignatureVerificationFailed) {
          return refuse('bad-signature', `the join request was not signed by ${joiner}'s key ${keyId}`);
        }
        if (cause instanceof joseErrors.JWTExpired)
          return refuse('expired', 'the join request has expired; send a new one');
        if (cause instanceof joseErrors.JWTClaimValidationFailed && cause.claim === 'aud') {
          return refuse(
            'wrong-audience',
            `the join request is addressed to another authority, not ${authorityDid}`,
          );
        }
        if (cause instanceof joseErrors.JWTClaimValidationFailed && cause.claim === 'iat') {
          return refuse(
            'expired',
            `the join request is older than ${MAX_JOIN_REQUEST_AGE_SECONDS} s or issued in the future; check the clocks`,
          );
        }
        return refuse(
          'malformed',
          `the join request is not valid: ${cause instanceof Error ? cause.message : String(cause)}`,
        );
      }

      const company = checkCompany(claims.bpnl, claims.name);
      if (!company.ok) return refuse('malformed', company.error.message);
      const bpnl = claims.bpnl as string;
      const name = claims.name as string;
      const admitted = admits(options.admission, bpnl, joiner);
      if (!admitted.ok) return refuse('not-admitted', admitted.error);

      const jti = claims.jti;
      if (typeof jti !== 'string') return refuse('malformed', 'the join request\'s "jti" is not a string');
      if (!(await replayGuard.firstUse(joiner, jti, Number(claims.iat), Number(claims.exp)))) {
        return refuse('replayed', `join request ${jti} was used before; send a new one`);
      }

      const nowMs = now();
      const validitySeconds = options.validitySeconds ?? DEFAULT_MEMBERSHIP_VALIDITY_SECONDS;
      const credential = await issueMembershipCredential({
        authority: options.identity,
        member: { did: joiner, bpnl, name },
        network: options.network,
        validitySeconds,
        now: nowMs,
      });
      return ok({
        credential,
        authority: authorityDid,
        network: options.network,
        member: joiner,
        expiresAt: isoTime(Math.floor(nowMs / 1000) + validitySeconds),
      });
    },
  };
}

function admits(rule: AdmissionRule, bpnl: string, did: string): Result<void, string> {
  if (rule.kind === 'open') return ok(undefined);
  const entry = rule.members.find((member) => member.bpnl === bpnl);
  if (entry === undefined) {
    return err(
      `${bpnl} is not on this network's list of admitted companies; ask the network's administrator to add it`,
    );
  }
  if (entry.did !== undefined && entry.did !== did) {
    return err(`${bpnl} is admitted from ${entry.did} only, not from ${did}`);
  }
  return ok(undefined);
}
