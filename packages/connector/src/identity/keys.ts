/**
 * @module keys
 * A node's Ed25519 key pair (RFC 8032), kept as a JWK (RFC 8037) in `node-key.json` in the node's data
 * directory, so a restarted node keeps its identity. The key id is the key's JWK thumbprint (RFC 7638):
 * it names exactly this key, so a rotated key gets a new id and old signatures cannot be confused with
 * new ones.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { join } from 'node:path';
import { err, ok, type Result } from '@keten/core';
import { calculateJwkThumbprint } from 'jose';
import { describeValue } from './describe-value.ts';
import { type PrivateFileProblem, readPrivateFile, writePrivateFile } from './private-file.ts';

/** The file a node's key pair is kept in, inside its data directory. */
export const KEY_FILE_NAME = 'node-key.json';

/** The public half of an Ed25519 key as a JWK (RFC 8037 §2): `kty` OKP, `crv` Ed25519, `x` the key. */
export interface Ed25519PublicJwk {
  readonly kty: 'OKP';
  readonly crv: 'Ed25519';
  readonly x: string;
}

/** A node's key pair, ready to sign with. */
export interface NodeKeys {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
  readonly publicJwk: Ed25519PublicJwk;
  /** The RFC 7638 thumbprint of `publicJwk` (base64url SHA-256): the fragment of the key's DID URL. */
  readonly keyId: string;
}

/** A fresh Ed25519 key pair. */
export async function generateNodeKeys(): Promise<NodeKeys> {
  const { privateKey } = generateKeyPairSync('ed25519');
  return keysFromPrivate(privateKey);
}

/** The private JWK of `keys`, as written to the key file: `{ kty, crv, x, d }`. */
export function privateJwkOf(keys: NodeKeys): { kty: 'OKP'; crv: 'Ed25519'; x: string; d: string } {
  const jwk = keys.privateKey.export({ format: 'jwk' });
  return { kty: 'OKP', crv: 'Ed25519', x: keys.publicJwk.x, d: String(jwk.d) };
}

/** Writes `keys` to `file` (mode 0600, atomically), replacing what was there. */
export async function saveNodeKeys(file: string, keys: NodeKeys): Promise<Result<void, PrivateFileProblem>> {
  const written = await writePrivateFile(file, `${JSON.stringify(privateJwkOf(keys), null, 2)}\n`);
  return written.ok ? ok(undefined) : written;
}

/** Reads and checks a key file written by `saveNodeKeys`. */
export async function loadNodeKeys(file: string): Promise<Result<NodeKeys, PrivateFileProblem>> {
  const text = await readPrivateFile(file);
  if (!text.ok) return text;
  return await parsePrivateJwk(text.value, file);
}

/**
 * The node's keys from `<dataDir>/node-key.json`, generated and saved on first use. Two processes
 * starting at once on one data directory end up with the same key (the first file written wins).
 *
 * @example
 * const keys = await loadOrCreateNodeKeys('/var/lib/keten/oem');
 * if (!keys.ok) throw new CliError(keys.error.message);
 */
export async function loadOrCreateNodeKeys(dataDir: string): Promise<Result<NodeKeys, PrivateFileProblem>> {
  const file = join(dataDir, KEY_FILE_NAME);
  const existing = await loadNodeKeys(file);
  if (existing.ok || existing.error.reason !== 'missing') return existing;
  const keys = await generateNodeKeys();
  const written = await writePrivateFile(file, `${JSON.stringify(privateJwkOf(keys), null, 2)}\n`, {
    replace: false,
  });
  if (!written.ok) return written;
  return written.value ? ok(keys) : loadNodeKeys(file);
}

/** Imports an Ed25519 public JWK, or explains why it is not one. */
export function importPublicJwk(jwk: unknown): Result<KeyObject, string> {
  if (typeof jwk !== 'object' || jwk === null) return err('publicKeyJwk is not an object');
  const { kty, crv, x, d } = jwk as Record<string, unknown>;
  if (kty !== 'OKP' || crv !== 'Ed25519')
    return err(`the key is ${describeValue(kty)}/${describeValue(crv)}, not OKP/Ed25519`);
  if (d !== undefined) return err('the public key contains a private part ("d"): never publish it');
  if (!isKeyBytes(x)) return err('"x" is not 32 bytes of base64url');
  try {
    return ok(createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' }));
  } catch (cause) {
    return err(`"x" is not an Ed25519 public key: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

async function parsePrivateJwk(text: string, file: string): Promise<Result<NodeKeys, PrivateFileProblem>> {
  const invalid = (what: string): Result<NodeKeys, PrivateFileProblem> =>
    err({
      reason: 'invalid',
      file,
      message: `${file} is not a keten node key: ${what}. Restore it from a backup; deleting it gives the node a new identity, and it must join its network again`,
    });
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    return invalid('it is not JSON');
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    return invalid('it is not a JSON object');
  const { kty, crv, x, d } = jwk as Record<string, unknown>;
  if (kty !== 'OKP' || crv !== 'Ed25519')
    return invalid(`"kty"/"crv" are ${describeValue(kty)}/${describeValue(crv)}, not OKP/Ed25519`);
  if (!isKeyBytes(d)) return invalid('"d" is not 32 bytes of base64url');
  if (!isKeyBytes(x)) return invalid('"x" is not 32 bytes of base64url');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: { kty, crv, x, d }, format: 'jwk' });
  } catch (cause) {
    return invalid(`the key does not import (${cause instanceof Error ? cause.message : String(cause)})`);
  }
  // The public key is derived from "d" (RFC 8032 §5.1.5); a file whose "x" differs is damaged.
  const keys = await keysFromPrivate(privateKey);
  if (keys.publicJwk.x !== x) return invalid('"x" is not the public key of "d" (the file is damaged)');
  return ok(keys);
}

/** Derives the public key and its RFC 7638 thumbprint from a private key. */
async function keysFromPrivate(privateKey: KeyObject): Promise<NodeKeys> {
  const publicKey = createPublicKey(privateKey);
  const publicJwk: Ed25519PublicJwk = {
    kty: 'OKP',
    crv: 'Ed25519',
    x: String(publicKey.export({ format: 'jwk' }).x),
  };
  return { privateKey, publicKey, publicJwk, keyId: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

const BASE64URL_32_BYTES = /^[A-Za-z0-9_-]{43}$/;

function isKeyBytes(value: unknown): value is string {
  return typeof value === 'string' && BASE64URL_32_BYTES.test(value);
}
