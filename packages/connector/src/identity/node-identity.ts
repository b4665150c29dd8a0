/**
 * @module node-identity
 * Who a node is: its did:web identifier (from its base URL), its Ed25519 keys (from its data directory)
 * and the company it speaks for (Catena-X business partner number of the legal entity, and name).
 */
import { join } from 'node:path';
import { err, ok, type Result } from '@keten/core';
import { type DidProblem, didFromBaseUrl, type HttpRule } from './did.ts';
import { KEY_FILE_NAME, loadOrCreateNodeKeys, type NodeKeys } from './keys.ts';
import type { PrivateFileProblem } from './private-file.ts';

/** Catena-X BPNL: "BPNL" and 12 digits or capitals (as `Company.bpn` in keten's network format). */
export const BPNL_PATTERN = /^BPNL[0-9A-Z]{12}$/;

export interface NodeIdentity {
  readonly did: string;
  readonly keys: NodeKeys;
  /** The company's Catena-X legal-entity number. */
  readonly bpnl: string;
  /** The company's name, as members of the network see it. */
  readonly name: string;
}

/** Why a node's identity could not be set up: a bad base URL, BPNL or name, or an unusable key file. */
export type IdentityProblem =
  | DidProblem
  | PrivateFileProblem
  | { readonly reason: 'invalid-company'; readonly message: string };

/**
 * The identity of the node served at `baseUrl` with data in `dataDir`; the key pair is created on first
 * start and kept in `<dataDir>/node-key.json`.
 *
 * @example
 * const identity = await openNodeIdentity({
 *   baseUrl: 'http://127.0.0.1:8101/nodes/oem', dataDir: '.keten/oem', bpnl: 'BPNLOEM000000001', name: 'OEM',
 * });
 */
export async function openNodeIdentity(input: {
  baseUrl: string;
  dataDir: string;
  bpnl: string;
  name: string;
  http?: HttpRule;
}): Promise<Result<NodeIdentity, IdentityProblem>> {
  const company = checkCompany(input.bpnl, input.name);
  if (!company.ok) return company;
  const did = didFromBaseUrl(input.baseUrl, input.http);
  if (!did.ok) return did;
  const keys = await loadOrCreateNodeKeys(input.dataDir);
  if (!keys.ok) return keys;
  return ok({ did: did.value, keys: keys.value, bpnl: input.bpnl, name: input.name });
}

/** The key file of a data directory, for messages and backups. */
export function keyFileOf(dataDir: string): string {
  return join(dataDir, KEY_FILE_NAME);
}

/** Checks a company's BPNL and name as the membership authority will. */
export function checkCompany(
  bpnl: unknown,
  name: unknown,
): Result<void, { reason: 'invalid-company'; message: string }> {
  if (typeof bpnl !== 'string' || !BPNL_PATTERN.test(bpnl)) {
    return err({
      reason: 'invalid-company',
      message: `the BPNL ${JSON.stringify(bpnl)} is not a Catena-X legal-entity number: BPNL followed by 12 digits or capitals`,
    });
  }
  if (typeof name !== 'string' || name.trim() === '' || name.length > 300) {
    return err({ reason: 'invalid-company', message: 'the company name must be 1 to 300 characters' });
  }
  return ok(undefined);
}
