/**
 * @module node/partner-state
 * Asks a partner node for the state of a negotiation or transfer: a signed DSP
 * `GET <address>/negotiations/:pid` or `GET <address>/transfers/:pid` (DSP 2025-1 HTTPS bindings,
 * `#negotiations-get-provider`, `#negotiations-get-consumer`, `#transfers-get`), answered with the
 * ContractNegotiation or TransferProcess object. What a stalled process's check asks (`stall.ts`).
 */
import { didFromBaseUrl, type HttpRule } from '../identity/did.ts';
import type { NodeIdentity } from '../identity/node-identity.ts';
import { signRequest } from '../identity/request-auth.ts';
import type { PartnerAnswer } from './stall.ts';

export interface PartnerStateQuery {
  readonly identity: NodeIdentity;
  readonly credential: () => string;
  readonly http?: HttpRule;
  /** ms (default 10,000). */
  readonly timeoutMs?: number;
}

/**
 * The state the partner at `base` (its node's base URL, which its DID derives from) reports for the
 * process at `path` (e.g. `/dsp/negotiations/urn%3Auuid%3A…`).
 */
export async function askPartnerState(
  options: PartnerStateQuery,
  base: string,
  path: string,
): Promise<PartnerAnswer> {
  const audience = didFromBaseUrl(base, options.http ?? 'loopback');
  if (!audience.ok) return { kind: 'not-asked', detail: audience.error.message };
  const url = new URL(base);
  const fullPath = `${url.pathname.replace(/\/$/, '')}${path}`;
  const authorization = signRequest({
    identity: options.identity,
    credential: options.credential(),
    audience: audience.value,
    method: 'GET',
    path: fullPath,
  });
  let response: Response;
  try {
    response = await fetch(`${url.origin}${fullPath}`, {
      headers: { authorization },
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { kind: 'unreachable', detail: cause ?? (error as Error).message };
  }
  const text = await response.text().catch(() => '');
  if (response.status === 404) return { kind: 'unknown', detail: `404 to GET ${fullPath}` };
  if (response.status !== 200)
    return { kind: 'unreachable', detail: `${response.status} to GET ${fullPath}` };
  let state: unknown;
  try {
    state = (JSON.parse(text) as { state?: unknown }).state;
  } catch {
    state = undefined;
  }
  return typeof state === 'string'
    ? { kind: 'state', state }
    : { kind: 'unreachable', detail: `GET ${fullPath} answered without a state` };
}
