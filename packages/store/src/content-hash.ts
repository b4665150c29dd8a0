/**
 * @module content-hash
 * The content hash of a network version: SHA-256 of its canonical JSON text (RFC 8785, see
 * `canonicalJson` in `@keten/core`), hex. The same as the in-memory store's, computed natively.
 */
import { createHash } from 'node:crypto';
import { canonicalJson } from '@keten/core';

/** SHA-256 of already canonical JSON text, hex. */
export function hashCanonicalJson(canonicalContent: string): string {
  return createHash('sha256').update(canonicalContent, 'utf8').digest('hex');
}

/** The content hash of any JSON value: SHA-256 of its canonical JSON text, hex. */
export function contentHash(content: unknown): string {
  return hashCanonicalJson(canonicalJson(content));
}
