/**
 * @module resolver
 * Resolves did:web identifiers to checked DID documents: the document URL by did:web §3.3 (with
 * keten's http rule, see `did.ts`), fetched with a timeout and a size limit, checked by
 * `parseDidDocument`, and cached for a while so that verifying a request does not cost an HTTP round
 * trip. Concurrent look-ups of one DID share one fetch. `fetch` is injected, so tests run without sockets.
 */
import { err, ok, type Result } from '@keten/core';
import { didDocumentUrl, type HttpRule, parseDidDocument, type ResolvedDidDocument } from './did.ts';

/**
 * Why a DID could not be resolved:
 * - `invalid-did`: it is not a did:web identifier keten can read;
 * - `unreachable`: the document could not be fetched right now (connection refused, DNS, TLS,
 *   timeout, or an answer that says "later": 408, 429, 5xx) — a failure that may pass;
 * - `not-found`: the server answered with another HTTP status than 200 (e.g. 404);
 * - `invalid-document`: the answer is not a DID document of this DID with Ed25519 keys.
 */
export interface ResolutionFailure {
  readonly reason: 'invalid-did' | 'unreachable' | 'not-found' | 'invalid-document';
  readonly did: string;
  readonly message: string;
}

/** The part of the Fetch API identity uses (the global `fetch` fits); injected so tests need no sockets. */
export type FetchFunction = (
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<{
  readonly status: number;
  /** When present, a `content-length` above the resolver's limit is refused before the body is read. */
  readonly headers?: { get(name: string): string | null };
  text(): Promise<string>;
}>;

export interface DidResolverOptions {
  /** Defaults to the global `fetch`. */
  readonly fetch?: FetchFunction;
  /** When documents are fetched over plain http; default `loopback`. */
  readonly http?: HttpRule;
  /** How long one fetch may take; default 5,000 ms. */
  readonly timeoutMs?: number;
  /** How long a resolved document is kept; default 5 minutes. Failures are not kept. */
  readonly cacheTtlMs?: number;
  /** The most documents kept at once (oldest dropped first); default 10,000. */
  readonly cacheSize?: number;
  /** Documents larger than this are refused (by `content-length` before reading, else once read); default 64 KiB. */
  readonly maxDocumentBytes?: number;
  /** Milliseconds since the epoch; default `Date.now`. */
  readonly now?: () => number;
}

export interface DidResolver {
  resolve(did: string): Promise<Result<ResolvedDidDocument, ResolutionFailure>>;
  /** Adds a document without fetching it (a node's own document, or one delivered out of band). */
  prime(did: string, document: unknown): Result<ResolvedDidDocument, ResolutionFailure>;
  /** Drops a cached document, e.g. after a signature failed with it (the key may have rotated). */
  forget(did: string): void;
}

/**
 * A caching did:web resolver.
 *
 * @example
 * const resolver = createDidResolver({ timeoutMs: 2_000 });
 * const resolved = await resolver.resolve('did:web:127.0.0.1%3A8101:nodes:oem');
 * if (resolved.ok) resolved.value.authenticationKeys; // Map of key id -> KeyObject
 */
export function createDidResolver(options: DidResolverOptions = {}): DidResolver {
  const fetchDocument: FetchFunction = options.fetch ?? ((url, init) => fetch(url, init));
  const http = options.http ?? 'loopback';
  const timeoutMs = options.timeoutMs ?? 5_000;
  const cacheTtlMs = options.cacheTtlMs ?? 5 * 60_000;
  const cacheSize = options.cacheSize ?? 10_000;
  const maxBytes = options.maxDocumentBytes ?? 64 * 1024;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { resolved: ResolvedDidDocument; until: number }>();
  const pending = new Map<string, Promise<Result<ResolvedDidDocument, ResolutionFailure>>>();

  const remember = (did: string, resolved: ResolvedDidDocument): void => {
    cache.delete(did);
    cache.set(did, { resolved, until: now() + cacheTtlMs });
    if (cache.size > cacheSize) {
      const oldest = cache.keys().next();
      if (!oldest.done) cache.delete(oldest.value);
    }
  };

  const load = async (did: string): Promise<Result<ResolvedDidDocument, ResolutionFailure>> => {
    const url = didDocumentUrl(did, http);
    if (!url.ok) return err({ reason: 'invalid-did', did, message: url.error.message });
    const answer = await fetchWithTimeout(
      fetchDocument,
      url.value.href,
      { headers: { accept: 'application/did+json, application/json' } },
      timeoutMs,
      maxBytes,
    );
    if (!answer.ok) {
      return err({
        reason: 'unreachable',
        did,
        message: `cannot fetch the DID document of ${did} from ${url.value.href}: ${answer.error}`,
      });
    }
    const status = answer.value.status;
    if (status === 408 || status === 429 || status >= 500) {
      return err({
        reason: 'unreachable',
        did,
        message: `the DID document of ${did} at ${url.value.href} is not available right now (HTTP ${status})`,
      });
    }
    if (status !== 200) {
      return err({
        reason: 'not-found',
        did,
        message: `the DID document of ${did} at ${url.value.href} answered HTTP ${answer.value.status}`,
      });
    }
    const text = answer.value.text;
    if (answer.value.tooLarge === true || Buffer.byteLength(text, 'utf8') > maxBytes) {
      return err({
        reason: 'invalid-document',
        did,
        message: `the DID document of ${did} at ${url.value.href} is larger than ${maxBytes} bytes`,
      });
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return err({
        reason: 'invalid-document',
        did,
        message: `the DID document of ${did} at ${url.value.href} is not JSON`,
      });
    }
    const parsed = parseDidDocument(json, did);
    if (!parsed.ok) {
      return err({
        reason: 'invalid-document',
        did,
        message: `the DID document at ${url.value.href}: ${parsed.error}`,
      });
    }
    remember(did, parsed.value);
    return parsed;
  };

  return {
    resolve(did) {
      const cached = cache.get(did);
      if (cached !== undefined && cached.until > now()) return Promise.resolve(ok(cached.resolved));
      const inFlight = pending.get(did);
      if (inFlight !== undefined) return inFlight;
      const loading = load(did).finally(() => pending.delete(did));
      pending.set(did, loading);
      return loading;
    },
    prime(did, document) {
      const parsed = parseDidDocument(document, did);
      if (!parsed.ok) return err({ reason: 'invalid-document', did, message: parsed.error });
      remember(did, parsed.value);
      return parsed;
    },
    forget(did) {
      cache.delete(did);
    },
  };
}

/**
 * One HTTP exchange with a deadline: the status and body, or why there is none (the fetch's error, or
 * `no answer within … ms`). With `maxBytes`, a body announced larger (`content-length`) is not read and
 * the answer says `tooLarge`. Never throws.
 */
export async function fetchWithTimeout(
  fetchFunction: FetchFunction,
  url: string,
  init: { method?: string; headers: Record<string, string>; body?: string },
  timeoutMs: number,
  maxBytes?: number,
): Promise<Result<{ status: number; text: string; tooLarge?: true }, string>> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetchFunction(url, { ...init, signal: controller.signal });
    const length = Number(response.headers?.get('content-length') ?? Number.NaN);
    if (maxBytes !== undefined && length > maxBytes) {
      controller.abort(); // drop the body unread
      return ok({ status: response.status, text: '', tooLarge: true });
    }
    return ok({ status: response.status, text: await response.text() });
  } catch (cause) {
    if (controller.signal.aborted) return err(`no answer within ${timeoutMs} ms`);
    return err(cause instanceof Error ? cause.message : String(cause));
  } finally {
    clearTimeout(timer);
  }
}
