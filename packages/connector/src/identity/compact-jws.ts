/**
 * @module compact-jws
 * JWS Compact Serialization with EdDSA over Ed25519 (RFC 7515 §7.1, RFC 8037 §3.1), signed and checked
 * with `node:crypto` directly. This is the hot path of every protocol request, and `jose` goes through
 * WebCrypto and its promise chain: on the project's 2-core machine (bench/exchange-signing.ts, a 1.9 KB
 * token, per CPU second) `jose` signed 2,700 and verified 2,500 tokens, this module 10,100 and 5,800 —
 * and a node must carry over 2,000 signed messages per second besides its HTTP and storage work.
 * The tokens are ordinary JWS: the tests check that `jose` verifies them and
 * that this module verifies `jose`'s, and reproduce the RFC 8037 Appendix A.4 signature byte for byte.
 *
 * Parsing is strict: three base64url parts without padding, a header that is a JSON object with `alg`
 * `EdDSA`, no `crit` (RFC 7515 §4.1.11: unknown critical extensions must be refused), a payload that is
 * a JSON object, and a 64-byte signature.
 */
import { type KeyObject, sign, verify } from 'node:crypto';
import { err, ok, type Result } from '@keten/core';

export interface JwsHeader {
  readonly alg: 'EdDSA';
  readonly typ?: string;
  readonly kid?: string;
  readonly [name: string]: unknown;
}

/** A compact JWS split and decoded, not yet verified. */
export interface DecodedJws {
  readonly header: JwsHeader;
  readonly payload: Record<string, unknown>;
  /** `base64url(header) . base64url(payload)`: the bytes the signature covers. */
  readonly signingInput: string;
  readonly signature: Buffer;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
/** A sanity bound, far above any keten token (a request token with its credential is about 1.5 KB). */
export const MAX_TOKEN_LENGTH = 16 * 1024;

/** Signs `payload` as a compact JWS with the Ed25519 `privateKey`; `header` adds `typ`, `kid`. */
export function signCompact(
  payload: Record<string, unknown>,
  privateKey: KeyObject,
  header: { typ?: string; kid?: string } = {},
): string {
  const encodedHeader = Buffer.from(JSON.stringify({ alg: 'EdDSA', ...header }), 'utf8').toString(
    'base64url',
  );
  const encodedPayload = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
  return signParts(encodedHeader, encodedPayload, privateKey);
}

/** The compact JWS of an already encoded header and payload (RFC 7515 §5.1 steps 5 to 8). */
export function signParts(encodedHeader: string, encodedPayload: string, privateKey: KeyObject): string {
  const signingInput = `${encodedHeader}.${encodedPayload}`;
  // RFC 8037 §3.1: the signature is Ed25519 over the ASCII signing input; node takes no digest for Ed25519.
  const signature = sign(null, Buffer.from(signingInput, 'ascii'), privateKey).toString('base64url');
  return `${signingInput}.${signature}`;
}

/** Splits and decodes a compact JWS, or says why it is not one keten accepts. Never throws. */
export function decodeCompact(token: string): Result<DecodedJws, string> {
  if (token.length > MAX_TOKEN_LENGTH) return err(`the token is longer than ${MAX_TOKEN_LENGTH} characters`);
  const parts = token.split('.');
  if (parts.length !== 3) return err(`a compact JWS has 3 parts separated by ".", this has ${parts.length}`);
  const [encodedHeader = '', encodedPayload = '', encodedSignature = ''] = parts;
  if (
    !BASE64URL.test(encodedHeader) ||
    !BASE64URL.test(encodedPayload) ||
    !BASE64URL.test(encodedSignature)
  ) {
    return err('a part of the token is empty or not base64url');
  }
  const header = parseObject(encodedHeader);
  if (header === undefined) return err('the token header is not a JSON object');
  if (header.alg !== 'EdDSA')
    return err(`the token algorithm is ${JSON.stringify(header.alg)}, keten accepts only "EdDSA"`);
  if ('crit' in header) return err('the token header has "crit" extensions, which keten does not understand');
  if (header.typ !== undefined && typeof header.typ !== 'string')
    return err('the token header "typ" is not a string');
  if (header.kid !== undefined && typeof header.kid !== 'string')
    return err('the token header "kid" is not a string');
  const payload = parseObject(encodedPayload);
  if (payload === undefined) return err('the token payload is not a JSON object');
  const signature = Buffer.from(encodedSignature, 'base64url');
  if (signature.length !== 64) return err('the signature is not 64 bytes (Ed25519)');
  // Node's decoder ignores the unused low bits of the last character; refuse such variants, so that one
  // signature has exactly one spelling.
  if (signature.toString('base64url') !== encodedSignature)
    return err('the signature is not canonical base64url');
  return ok({
    header: header as JwsHeader,
    payload,
    signingInput: `${encodedHeader}.${encodedPayload}`,
    signature,
  });
}

/** True when `decoded`'s signature was made by the private half of `publicKey`. */
export function verifyCompact(decoded: DecodedJws, publicKey: KeyObject): boolean {
  try {
    return verify(null, Buffer.from(decoded.signingInput, 'ascii'), publicKey, decoded.signature);
  } catch {
    return false;
  }
}

function parseObject(encoded: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}
