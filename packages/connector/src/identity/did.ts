/**
 * @module did
 * did:web identifiers for keten nodes and their DID documents.
 *
 * A node's identifier is derived from its base URL by the did:web method (W3C CCG, "did:web Method
 * Specification", §3.2 Create and §3.3 Read): the host, its port with the colon percent-encoded, and each
 * path segment after a colon. `http://127.0.0.1:8101/nodes/oem` becomes
 * `did:web:127.0.0.1%3A8101:nodes:oem`, and its document is read from
 * `http://127.0.0.1:8101/nodes/oem/did.json` (from `/.well-known/did.json` when there is no path).
 *
 * did:web always means https. keten departs from that in one documented way: document URLs use plain
 * http for loopback hosts (127.0.0.0/8, `localhost`) by default, so the demo and tests run without
 * certificates, and for every host when a closed network configures `http: 'always'` on all its nodes.
 * A DID does not say which scheme its owner serves, so every node of a network must use the same rule.
 */
import type { KeyObject } from 'node:crypto';
import { err, ok, type Result } from '@keten/core';
import { describeValue } from './describe-value.ts';
import { type Ed25519PublicJwk, importPublicJwk, type NodeKeys } from './keys.ts';

/**
 * When DID documents are fetched over plain http instead of https:
 * - `never`: never (strict did:web);
 * - `loopback`: for 127.0.0.0/8 and `localhost` only (the default: demo and tests on one machine);
 * - `always`: for every host (a closed network without TLS; every node must be configured alike).
 */
export type HttpRule = 'never' | 'loopback' | 'always';

/** Why a URL or DID is not a usable did:web identifier. */
export interface DidProblem {
  readonly reason: 'invalid-url' | 'invalid-did' | 'http-not-allowed';
  readonly message: string;
}

/** The JSON-LD contexts of a keten DID document: DID Core, the JsonWebKey2020 suite, DSP 2025-1. */
export const DID_DOCUMENT_CONTEXT = [
  'https://www.w3.org/ns/did/v1',
  'https://w3id.org/security/suites/jws-2020/v1',
  'https://w3id.org/dspace/2025/1/context.jsonld',
] as const;

export interface VerificationMethod {
  readonly id: string;
  readonly type: 'JsonWebKey2020';
  readonly controller: string;
  readonly publicKeyJwk: Ed25519PublicJwk;
}

export interface DidService {
  readonly id: string;
  readonly type: string;
  readonly serviceEndpoint: string;
}

/** A DID document as keten serves it (W3C DID Core 1.0 §5). */
export interface DidDocument {
  readonly '@context': readonly string[];
  readonly id: string;
  readonly verificationMethod: readonly VerificationMethod[];
  readonly authentication: readonly string[];
  readonly assertionMethod: readonly string[];
  readonly service: readonly DidService[];
}

/** A checked DID document with its keys imported, by full key id (`did#fragment`). */
export interface ResolvedDidDocument {
  readonly document: unknown;
  readonly did: string;
  /** Keys the subject may authenticate with (sign requests, join requests). */
  readonly authenticationKeys: ReadonlyMap<string, KeyObject>;
  /** Keys the subject may issue statements with (membership credentials). */
  readonly assertionKeys: ReadonlyMap<string, KeyObject>;
  /** `service` entries whose endpoint is a string, by type. */
  readonly services: readonly DidService[];
}

const DID_WEB_PREFIX = 'did:web:';
/** DID Core 1.0 §3.1 `idchar`, and `pct-encoded`. */
const ID_SEGMENT = /^(?:[A-Za-z0-9._-]|%[0-9A-Fa-f]{2})+$/;
const HOST_NAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;

/**
 * The did:web identifier of a node served at `baseUrl`. Refuses URLs with credentials, a query or a
 * fragment, IPv6 literals (did:web has no syntax for them), and plain http where `http` would make
 * other nodes fetch the document over https.
 *
 * @example
 * didFromBaseUrl('http://127.0.0.1:8101/nodes/oem') // ok('did:web:127.0.0.1%3A8101:nodes:oem')
 */
export function didFromBaseUrl(baseUrl: string, http: HttpRule = 'loopback'): Result<string, DidProblem> {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return err({
      reason: 'invalid-url',
      message: `"${baseUrl}" is not a URL; write it like https://node.example.com/keten`,
    });
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return err({ reason: 'invalid-url', message: `"${baseUrl}" is not an http(s) URL` });
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    return err({
      reason: 'invalid-url',
      message: `"${baseUrl}" has a user name, password, query or fragment; a node's base URL has none`,
    });
  }
  if (url.hostname.startsWith('[')) {
    return err({
      reason: 'invalid-url',
      message: `"${baseUrl}" uses an IPv6 address, which did:web cannot express; use a host name or an IPv4 address`,
    });
  }
  if (!HOST_NAME.test(url.hostname)) {
    return err({
      reason: 'invalid-url',
      message: `"${url.hostname}" is not a host name did:web can express`,
    });
  }
  if (url.protocol === 'http:' && !httpAllowed(url.hostname, http)) {
    return err({
      reason: 'http-not-allowed',
      message: `"${baseUrl}" is plain http on a host other than loopback: other nodes resolve did:web over https. Serve the node behind TLS: a reverse proxy with a certificate in front of it, and an https publicUrl (docs/node.md, "Two companies on two machines")`,
    });
  }
  const segments = url.pathname.split('/').filter((segment) => segment !== '');
  const path = segments.map((segment) => `:${encodeIdSegment(safeDecode(segment))}`).join('');
  const port = url.port === '' ? '' : `%3A${url.port}`;
  return ok(`${DID_WEB_PREFIX}${url.hostname}${port}${path}`);
}

/**
 * The URL of the DID document of a did:web identifier (did:web §3.3 Read), with keten's http rule.
 *
 * @example
 * didDocumentUrl('did:web:example.com%3A3000:user:alice') // ok(URL https://example.com:3000/user/alice/did.json)
 */
export function didDocumentUrl(did: string, http: HttpRule = 'loopback'): Result<URL, DidProblem> {
  const invalid = (what: string): Result<URL, DidProblem> =>
    err({ reason: 'invalid-did', message: `${describeValue(did)} is not a did:web identifier: ${what}` });
  if (!did.startsWith(DID_WEB_PREFIX)) return invalid('it does not start with "did:web:"');
  const parts = did.slice(DID_WEB_PREFIX.length).split(':');
  for (const part of parts) {
    if (!ID_SEGMENT.test(part))
      return invalid(`${describeValue(part)} is not a valid segment (letters, digits, ".", "-", "_", %XX)`);
  }
  const [authority = '', ...path] = parts;
  const decoded = safeDecode(authority).toLowerCase();
  const colon = decoded.indexOf(':');
  const host = colon < 0 ? decoded : decoded.slice(0, colon);
  const port = colon < 0 ? '' : decoded.slice(colon + 1);
  if (!HOST_NAME.test(host)) return invalid(`${describeValue(host)} is not a host name`);
  if (port !== '' && !(/^[0-9]{1,5}$/.test(port) && Number(port) >= 1 && Number(port) <= 65_535)) {
    return invalid(`${describeValue(port)} is not a port number`);
  }
  const scheme = httpAllowed(host, http) ? 'http' : 'https';
  const where = path.length === 0 ? '/.well-known' : `/${path.join('/')}`;
  try {
    return ok(new URL(`${scheme}://${host}${port === '' ? '' : `:${port}`}${where}/did.json`));
  } catch {
    return invalid('it does not make a URL');
  }
}

/**
 * The path (relative to the host) at which a node with `baseUrl` must serve its DID document:
 * `<base path>/did.json`, or `/.well-known/did.json` when the base URL has no path.
 */
export function didDocumentPath(baseUrl: string): Result<string, DidProblem> {
  const did = didFromBaseUrl(baseUrl, 'always');
  if (!did.ok) return did;
  const url = didDocumentUrl(did.value, 'always');
  return url.ok ? ok(url.value.pathname) : url;
}

/**
 * The DID document of a node: its Ed25519 key as a JsonWebKey2020 verification method (id
 * `did#<RFC 7638 thumbprint>`), usable for authentication (signing requests) and assertions (issuing
 * membership credentials), and a `DataService` entry pointing at the node's Dataspace Protocol endpoint
 * (DSP 2025-1, common/did-service-schema.json).
 */
export function didDocument(input: {
  did: string;
  keys: Pick<NodeKeys, 'publicJwk' | 'keyId'>;
  dspEndpoint: string;
  services?: readonly DidService[];
}): DidDocument {
  const keyId = `${input.did}#${input.keys.keyId}`;
  return {
    '@context': [...DID_DOCUMENT_CONTEXT],
    id: input.did,
    verificationMethod: [
      { id: keyId, type: 'JsonWebKey2020', controller: input.did, publicKeyJwk: { ...input.keys.publicJwk } },
    ],
    authentication: [keyId],
    assertionMethod: [keyId],
    service: [
      { id: `${input.did}#dsp`, type: 'DataService', serviceEndpoint: input.dspEndpoint },
      ...(input.services ?? []),
    ],
  };
}

/**
 * Checks a fetched DID document: its `id` is `expectedDid`, and every verification method that
 * `authentication` or `assertionMethod` refers to is an Ed25519 JWK controlled by that DID. Keys may be
 * referenced by full or relative (`#fragment`) id, or embedded (DID Core 1.0 §5.3).
 */
export function parseDidDocument(json: unknown, expectedDid: string): Result<ResolvedDidDocument, string> {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    return err('the document is not a JSON object');
  const document = json as Record<string, unknown>;
  if (document.id !== expectedDid) {
    return err(`the document's "id" is ${describeValue(document.id)}, not ${expectedDid}`);
  }
  const methods = new Map<string, Record<string, unknown>>();
  const declared = document.verificationMethod ?? [];
  if (!Array.isArray(declared)) return err('"verificationMethod" is not an array');
  for (const method of declared) {
    if (typeof method !== 'object' || method === null)
      return err('a "verificationMethod" entry is not an object');
    const id = (method as Record<string, unknown>).id;
    if (typeof id !== 'string') return err('a "verificationMethod" entry has no "id" string');
    methods.set(absoluteId(id, expectedDid), method as Record<string, unknown>);
  }
  const keysOf = (relation: string): Result<Map<string, KeyObject>, string> => {
    const entries = document[relation] ?? [];
    if (!Array.isArray(entries)) return err(`"${relation}" is not an array`);
    const keys = new Map<string, KeyObject>();
    for (const entry of entries) {
      const method =
        typeof entry === 'string'
          ? methods.get(absoluteId(entry, expectedDid))
          : (entry as Record<string, unknown>);
      if (typeof method !== 'object' || method === null) {
        return err(
          `"${relation}" refers to ${JSON.stringify(entry)}, which is not a verification method of the document`,
        );
      }
      if (typeof method.id !== 'string') return err(`a key in "${relation}" has no "id" string`);
      const id = absoluteId(method.id, expectedDid);
      if (method.controller !== expectedDid)
        return err(`key ${id} is controlled by ${describeValue(method.controller)}, not ${expectedDid}`);
      const key = importPublicJwk(method.publicKeyJwk);
      if (!key.ok) return err(`key ${id}: ${key.error}`);
      keys.set(id, key.value);
    }
    return ok(keys);
  };
  const authenticationKeys = keysOf('authentication');
  if (!authenticationKeys.ok) return authenticationKeys;
  const assertionKeys = keysOf('assertionMethod');
  if (!assertionKeys.ok) return assertionKeys;
  const services: DidService[] = [];
  if (Array.isArray(document.service)) {
    for (const entry of document.service) {
      const { id, type, serviceEndpoint } = (entry ?? {}) as Record<string, unknown>;
      if (typeof id === 'string' && typeof type === 'string' && typeof serviceEndpoint === 'string') {
        services.push({ id, type, serviceEndpoint });
      }
    }
  }
  return ok({
    document: json,
    did: expectedDid,
    authenticationKeys: authenticationKeys.value,
    assertionKeys: assertionKeys.value,
    services,
  });
}

/** True when `host` is a loopback name keten may reach over plain http under the rule. */
function httpAllowed(host: string, http: HttpRule): boolean {
  if (http === 'always') return true;
  if (http === 'never') return false;
  return host === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function absoluteId(id: string, did: string): string {
  return id.startsWith('#') ? `${did}${id}` : id;
}

/** Percent-encodes every byte that is not a DID `idchar` (DID Core 1.0 §3.1). */
function encodeIdSegment(segment: string): string {
  return Array.from(new TextEncoder().encode(segment), (byte) => {
    const char = String.fromCharCode(byte);
    return /[A-Za-z0-9._-]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
