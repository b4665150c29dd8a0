/**
 * @module node/status-signature
 * Each owner signs its own part of a chain-deep status answer, so the root can tell that no tier in
 * between changed what a supplier further up said (or made up a part of its own).
 *
 * A part's `signature` is a compact JWS (EdDSA, `typ` `keten-status+jwt`, `kid` a key of the owner's
 * DID document under `assertionMethod`) whose payload binds the owner (`iss` its DID, `bpnl`, and its
 * membership credential, which binds the DID to the BPNL), the question (`questionId`) and the part's
 * content: `part_sha256`, the SHA-256 of the RFC 8785 canonical JSON of the part without its
 * signature — its suppliers' parts included as it received them, signatures and all. A part a tier
 * writes about a supplier (unavailable, or withheld by its own copy of the agreement) carries no
 * signature of that supplier: it is the tier's statement, covered by the tier's own signature.
 */
import { createHash } from 'node:crypto';
import { canonicalJson, err, ok, type Result, type StatusPart } from '@keten/core';
import { decodeCompact, signCompact, verifyCompact } from '../identity/compact-jws.ts';
import { createMembershipVerifier } from '../identity/membership.ts';
import type { NodeIdentity } from '../identity/node-identity.ts';
import type { DidResolver } from '../identity/resolver.ts';

export const STATUS_ATTESTATION_TYPE = 'keten-status+jwt';

/** The digest a part's signature covers: SHA-256 (base64url) of its canonical JSON without `signature`. */
export function statusPartDigest(part: StatusPart): string {
  const { signature: _signature, ...content } = part;
  return createHash('sha256').update(canonicalJson(content), 'utf8').digest('base64url');
}

/** `part` signed by `identity` for the question `questionId`. */
export function signStatusPart(
  part: StatusPart,
  input: { identity: NodeIdentity; credential: string; questionId: string; now?: number },
): StatusPart {
  const signature = signCompact(
    {
      iss: input.identity.did,
      bpnl: input.identity.bpnl,
      questionId: input.questionId,
      part_sha256: statusPartDigest(part),
      iat: Math.floor((input.now ?? Date.now()) / 1000),
      membership: input.credential,
    },
    input.identity.keys.privateKey,
    { typ: STATUS_ATTESTATION_TYPE, kid: `${input.identity.did}#${input.identity.keys.keyId}` },
  );
  return { ...part, signature };
}

/** What the root found checking a tree's signatures. */
export interface StatusVerification {
  /** Parts whose owner's signature holds. */
  readonly verified: number;
  /** Parts that failed, each replaced in the tree by an `unavailable` part saying why. */
  readonly failed: readonly { readonly owner: string; readonly reason: string }[];
}

export interface StatusVerifier {
  /**
   * Checks every signed part of `tree` (and that every answered part is signed) for the question;
   * returns the tree with each part that fails replaced by an `unavailable` part with the reason.
   */
  verifyTree(
    tree: StatusPart,
    questionId: string,
  ): Promise<{ tree: StatusPart; verification: StatusVerification }>;
}

export function createStatusVerifier(options: {
  readonly resolver: DidResolver;
  /** This node's own membership credential: its issuer is the authority trusted for the others'. */
  readonly credential: string;
  readonly network: string;
  readonly now?: () => number;
}): StatusVerifier {
  const issuer = decodeCompact(options.credential);
  const authority = issuer.ok && typeof issuer.value.payload.iss === 'string' ? issuer.value.payload.iss : '';
  const memberships = createMembershipVerifier({
    resolver: options.resolver,
    trustedAuthorities: [authority],
    network: options.network,
    ...(options.now === undefined ? {} : { now: options.now }),
  });

  const check = async (part: StatusPart, questionId: string): Promise<Result<void, string>> => {
    const who = `${part.owner.name} (${part.owner.bpnl})`;
    if (part.signature === undefined)
      return part.status === 'answered'
        ? err(`the answer of ${who} carries no signature of its own`)
        : ok(undefined);
    const decoded = decodeCompact(part.signature);
    if (!decoded.ok) return err(`the signature of ${who}'s part is not a JWS: ${decoded.error}`);
    const { header, payload } = decoded.value;
    if (header.typ !== STATUS_ATTESTATION_TYPE)
      return err(
        `the signature of ${who}'s part is a ${String(header.typ)}, not a ${STATUS_ATTESTATION_TYPE}`,
      );
    const did = payload.iss;
    if (typeof did !== 'string' || typeof header.kid !== 'string' || !header.kid.startsWith(`${did}#`))
      return err(`the signature of ${who}'s part names no key of its issuer`);
    if (payload.bpnl !== part.owner.bpnl)
      return err(`the part says it is ${who}'s but is signed by ${String(payload.bpnl)}`);
    if (payload.questionId !== questionId) return err(`${who}'s part was signed for another question`);
    if (payload.part_sha256 !== statusPartDigest(part))
      return err(`${who}'s part is not what ${part.owner.name} signed: it was changed on the way`);
    const member = await memberships.verify(payload.membership, did);
    if (!member.ok) return err(`${who}'s membership does not hold: ${member.error.message}`);
    if (member.value.bpnl !== part.owner.bpnl)
      return err(`the signer ${did} is ${member.value.bpnl} by its membership, not ${part.owner.bpnl}`);
    const resolved = await options.resolver.resolve(did);
    if (!resolved.ok) return err(`cannot check ${who}'s signature: ${resolved.error.message}`);
    const key = resolved.value.assertionKeys.get(header.kid);
    if (key === undefined) return err(`${who} does not list the key ${header.kid} under assertionMethod`);
    if (!verifyCompact(decoded.value, key))
      return err(`${who}'s signature does not verify with ${header.kid}`);
    return ok(undefined);
  };

  return {
    async verifyTree(tree, questionId) {
      let verified = 0;
      const failed: { owner: string; reason: string }[] = [];
      const visit = async (part: StatusPart): Promise<StatusPart> => {
        const checked = await check(part, questionId);
        if (!checked.ok) {
          failed.push({ owner: part.owner.bpnl, reason: checked.error });
          return { status: 'unavailable', owner: part.owner, reason: checked.error };
        }
        if (part.signature !== undefined) verified++;
        if (part.status !== 'answered') return part;
        return { ...part, suppliers: await Promise.all(part.suppliers.map(visit)) };
      };
      const checked = await visit(tree);
      return { tree: checked, verification: { verified, failed } };
    },
  };
}
