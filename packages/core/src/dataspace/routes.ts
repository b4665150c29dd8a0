/**
 * @module dataspace/routes
 * The HTTPS binding of the Dataspace Protocol 2025-1 as data: every endpoint with its method, path,
 * the message it expects, the party that serves it and the status of a success, each citing the
 * section of the specification it comes from. The node's HTTP server registers these routes; the
 * state machines use `outgoingPath` to address what they send.
 *
 * Paths are relative to a base URL. Provider paths are under the provider's DSP base (the `path` of its
 * `/.well-known/dspace-version` entry); consumer paths are callbacks under the `callbackAddress` the
 * consumer named in its first message ("All callback paths are relative to the callbackAddress base
 * URL", Contract Negotiation HTTPS Binding, "Consumer Callback Path Bindings"). Since a node is both a
 * provider and a consumer, and the provider path `/negotiations/:providerPid/events` looks like the
 * callback `/negotiations/:consumerPid/events`, the two sets must live under different bases.
 *
 * Sources (DSP 2025-1, eclipse-dataspace-protocol-base/DataspaceProtocol, `specifications/`): the
 * Catalog HTTPS Binding (catalog.binding.https.md), the Contract Negotiation HTTPS Binding
 * (contract.negotiation.binding.https.md), the Transfer Process HTTPS Binding
 * (transfer.process.binding.https.md) and Common Functionalities, "Exposure of Versions"
 * (common.protocol.md); sections are cited by their anchors in the published specification.
 */
import type { DspMessage, DspMessageType, DspRole } from './messages.ts';
import { dspMessageType } from './messages.ts';

/** One endpoint of the DSP HTTPS binding. */
export interface DspRoute {
  readonly protocol: 'catalog' | 'negotiation' | 'transfer' | 'common';
  readonly method: 'GET' | 'POST';
  /** Path pattern under the base URL; `:name` is a parameter (a process id or dataset id). */
  readonly path: string;
  /** Who serves it: the provider (under its DSP base), the consumer (under its callback address), or any node (at its root). */
  readonly servedBy: DspRole | 'any';
  /** The message in the request body; absent for a GET without one. */
  readonly expects?: DspMessageType;
  /** The body of a successful answer; absent where the binding says it is not specified. */
  readonly answers?: DspMessageType;
  /** The body of a failed answer (an error message type), if the binding names one. */
  readonly error?: DspMessageType;
  /** The HTTP status of a success. */
  readonly success: 200 | 201;
  /** The section of DSP 2025-1 that defines it. */
  readonly section: string;
}

const CATALOG = 'DSP 2025-1, Catalog HTTPS Binding';
const NEGOTIATION = 'DSP 2025-1, Contract Negotiation HTTPS Binding';
const TRANSFER = 'DSP 2025-1, Transfer Process HTTPS Binding';

/** The message each transfer action path expects. */
const TRANSFER_MESSAGE_OF = {
  start: 'TransferStartMessage',
  completion: 'TransferCompletionMessage',
  termination: 'TransferTerminationMessage',
  suspension: 'TransferSuspensionMessage',
} as const satisfies Record<string, DspMessageType>;

/** Every endpoint of the DSP 2025-1 HTTPS binding. */
export const DSP_ROUTES: readonly DspRoute[] = [
  {
    protocol: 'common',
    method: 'GET',
    path: '/.well-known/dspace-version',
    servedBy: 'any',
    answers: 'VersionResponse',
    success: 200,
    section:
      'DSP 2025-1, Common Functionalities, "Exposure of Versions" (#exposure-of-dataspace-protocol-versions): ' +
      'unversioned and unauthenticated, at the root (RFC 8615)',
  },
  {
    protocol: 'catalog',
    method: 'POST',
    path: '/catalog/request',
    servedBy: 'provider',
    expects: 'CatalogRequestMessage',
    answers: 'Catalog',
    error: 'CatalogError',
    success: 200,
    section: `${CATALOG}, "The catalog/request Endpoint" (#catalog-request-post)`,
  },
  {
    protocol: 'catalog',
    method: 'GET',
    path: '/catalog/datasets/:id',
    servedBy: 'provider',
    expects: 'DatasetRequestMessage',
    answers: 'Dataset',
    error: 'CatalogError',
    success: 200,
    section: `${CATALOG}, "The catalog/datasets/:id Endpoint" (#catalog-datasets-get)`,
  },
  {
    protocol: 'negotiation',
    method: 'GET',
    path: '/negotiations/:providerPid',
    servedBy: 'provider',
    answers: 'ContractNegotiation',
    error: 'ContractNegotiationError',
    success: 200,
    section: `${NEGOTIATION}, Provider Path Bindings, "Contract Negotiation Endpoint" (#negotiations-get-provider)`,
  },
  {
    protocol: 'negotiation',
    method: 'POST',
    path: '/negotiations/request',
    servedBy: 'provider',
    expects: 'ContractRequestMessage',
    answers: 'ContractNegotiation',
    error: 'ContractNegotiationError',
    success: 201,
    section: `${NEGOTIATION}, "Contract Request Endpoint (init)" (#negotiations-request-post)`,
  },
  {
    protocol: 'negotiation',
    method: 'POST',
    path: '/negotiations/:providerPid/request',
    servedBy: 'provider',
    expects: 'ContractRequestMessage',
    error: 'ContractNegotiationError',
    success: 200,
    section: `${NEGOTIATION}, "Contract Request Endpoint" (#negotiations-providerpid-request-post)`,
  },
  {
    protocol: 'negotiation',
    method: 'POST',
    path: '/negotiations/:providerPid/events',
    servedBy: 'provider',
    expects: 'ContractNegotiationEventMessage',
    error: 'ContractNegotiationError',
    success: 200,
    section: `${NEGOTIATION}, Provider Path Bindings, "Contract Negotiation Event Endpoint" (#negotiations-providerpid-events-post)`,
  },
  {
    protocol: 'negotiation',
    method: 'POST',
    path: '/negotiations/:providerPid/agreement/verification',
    servedBy: 'provider',
    expects: 'ContractAgreementVerificationMessage',
    error: 'ContractNegotiationError',
    success: 200,
    section: `${NEGOTIATION}, "Contract Agreement Verification Endpoint" (#negotiations-providerpid-agreement-verification-post)`,
  },
  {
    protocol: 'negotiation',
    method: 'POST',
    path: '/negotiations/:providerPid/termination',
    servedBy: 'provider',
    expects: 'ContractNegotiationTerminationMessage',
    error: 'ContractNegotiationError',
    success: 200,
    section: `${NEGOTIATION}, Provider Path Bindings, "Contract Negotiation Termination Endpoint" (#negotiations-providerpid-termination-post)`,
  },
  {
    protocol: 'negotiation',
    method: 'GET',
    path: '/negotiations/:consumerPid',
    servedBy: 'consumer',
    answers: 'ContractNegotiation',
    error: 'ContractNegotiationError',
    success: 200,
    section: `${NEGOTIATION}, Consumer Path Bindings, "Contract Negotiation Endpoint" (#negotiations-get-consumer)`,
  },
  {
    protocol: 'negotiation',
    method: 'POST',
    path: '/negotiations/offers',
    servedBy: 'consumer',
    expects: 'ContractOfferMessage',
    answers: 'ContractNegotiation',
    error: 'ContractNegotiationError',
    success: 201,
    // The binding's example posts it to the consumer's base, not under a callback: the provider knows
    // no callback address yet.
    section: `${NEGOTIATION}, "Contract Offer Endpoint (init)" (#negotiations-offers-post)`,
  },
  {
    protocol: 'negotiation',
    method: 'POST',
    path: '/negotiations/:consumerPid/offers',
    servedBy: 'consumer',
    expects: 'ContractOfferMessage',
    error: 'ContractNegotiationError',
    success: 200,
    section: `${NEGOTIATION}, "Contract Offer Endpoint" (#negotiations-consumerpid-offers-post)`,
  },
  {
    protocol: 'negotiation',
    method: 'POST',
    path: '/negotiations/:consumerPid/agreement',
    servedBy: 'consumer',
    expects: 'ContractAgreementMessage',
    error: 'ContractNegotiationError',
    success: 200,
    section: `${NEGOTIATION}, "Contract Agreement Endpoint" (#negotiations-consumerpid-agreement-post)`,
  },
  {
    protocol: 'negotiation',
    method: 'POST',
    path: '/negotiations/:consumerPid/events',
    servedBy: 'consumer',
    expects: 'ContractNegotiationEventMessage',
    error: 'ContractNegotiationError',
    success: 200,
    section: `${NEGOTIATION}, Consumer Path Bindings, "Contract Negotiation Event Endpoint" (#negotiations-consumerpid-events-post)`,
  },
  {
    protocol: 'negotiation',
    method: 'POST',
    path: '/negotiations/:consumerPid/termination',
    servedBy: 'consumer',
    expects: 'ContractNegotiationTerminationMessage',
    error: 'ContractNegotiationError',
    success: 200,
    section: `${NEGOTIATION}, Consumer Path Bindings, "Contract Negotiation Termination Endpoint" (#negotiations-consumerpid-termination-post)`,
  },
  {
    protocol: 'transfer',
    method: 'GET',
    path: '/transfers/:providerPid',
    servedBy: 'provider',
    answers: 'TransferProcess',
    error: 'TransferError',
    success: 200,
    section: `${TRANSFER}, "Transfer Process Endpoint" (#transfers-get)`,
  },
  {
    protocol: 'transfer',
    method: 'POST',
    path: '/transfers/request',
    servedBy: 'provider',
    expects: 'TransferRequestMessage',
    answers: 'TransferProcess',
    error: 'TransferError',
    success: 201,
    section: `${TRANSFER}, "Transfer Request Endpoint" (#transfers-request-post)`,
  },
  ...(['start', 'completion', 'termination', 'suspension'] as const).flatMap((action): DspRoute[] => {
    const expects = TRANSFER_MESSAGE_OF[action];
    const name = action.charAt(0).toUpperCase() + action.slice(1);
    return [
      {
        protocol: 'transfer',
        method: 'POST',
        path: `/transfers/:providerPid/${action}`,
        servedBy: 'provider',
        expects,
        error: 'TransferError',
        success: 200,
        section: `${TRANSFER}, "Provider Path Bindings", "Transfer ${name} Endpoint" (#transfers-providerpid-${action}-post)`,
      },
      {
        protocol: 'transfer',
        method: 'POST',
        path: `/transfers/:consumerPid/${action}`,
        servedBy: 'consumer',
        expects,
        error: 'TransferError',
        success: 200,
        section: `${TRANSFER}, "Consumer Callback Path Bindings", "Transfer ${name} Endpoint" (#transfers-consumerpid-${action}-post)`,
      },
    ];
  }),
];

/** A route matched against a request, with its path parameters (URL-decoded). */
export interface MatchedRoute {
  readonly route: DspRoute;
  readonly params: Readonly<Record<string, string>>;
}

function segments(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

/**
 * The route a request is for: `method` and `path` relative to the base of `servedBy` (the provider's
 * DSP base, the consumer's callback base, or the root for `any`). Literal segments win over
 * parameters, so `/negotiations/request` is never read as a providerPid.
 */
export function matchDspRoute(
  servedBy: DspRole | 'any',
  method: string,
  path: string,
): MatchedRoute | undefined {
  const actual = segments(path);
  let best: { matched: MatchedRoute; literals: number } | undefined;
  for (const route of DSP_ROUTES) {
    if (route.servedBy !== servedBy || route.method !== method) continue;
    const pattern = segments(route.path);
    if (pattern.length !== actual.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    let matches = true;
    for (let index = 0; index < pattern.length && matches; index++) {
      const expected = pattern[index]!;
      const segment = actual[index]!;
      if (expected.startsWith(':')) {
        try {
          params[expected.slice(1)] = decodeURIComponent(segment);
        } catch {
          matches = false;
        }
      } else if (expected === segment) literals++;
      else matches = false;
    }
    if (matches && (best === undefined || literals > best.literals))
      best = { matched: { route, params }, literals };
  }
  return best?.matched;
}

/** Fills the `:name` parameters of a path pattern, URL-encoding each value (process ids are URIs). */
export function fillPath(pattern: string, params: Readonly<Record<string, string>>): string {
  return pattern.replace(/:([A-Za-z]+)/g, (_match, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`fillPath: no value for :${name} in ${pattern}`);
    return encodeURIComponent(value);
  });
}

/**
 * The method and path of the route that receives `message` when `sender` sends it: the counter-party's
 * route expecting that message type whose parameters the message names (an initial
 * ContractRequestMessage, without providerPid, goes to `/negotiations/request`; a later one to
 * `/negotiations/:providerPid/request`). Undefined for messages that are answers, not requests.
 */
export function outgoingPath(
  message: DspMessage,
  sender: DspRole,
): { readonly method: 'GET' | 'POST'; readonly path: string } | undefined {
  const type = dspMessageType(message);
  const receiver = sender === 'consumer' ? 'provider' : 'consumer';
  const fields = message as unknown as Readonly<Record<string, unknown>>;
  let best: { route: DspRoute; params: Record<string, string> } | undefined;
  for (const route of DSP_ROUTES) {
    if (route.servedBy !== receiver || route.expects !== type || route.method !== 'POST') continue;
    const names = [...route.path.matchAll(/:([A-Za-z]+)/g)].map((match) => match[1]!);
    const params: Record<string, string> = {};
    for (const name of names) {
      const value = fields[name];
      if (typeof value === 'string') params[name] = value;
    }
    if (Object.keys(params).length < names.length) continue;
    if (best === undefined || names.length > Object.keys(best.params).length) best = { route, params };
  }
  return best === undefined
    ? undefined
    : { method: best.route.method, path: fillPath(best.route.path, best.params) };
}

/**
 * `base` and `path` joined with exactly one `/` between them: the binding asks implementations to
 * accept a callback address with or without a trailing `/` (Contract Negotiation HTTPS Binding,
 * #negotiations-request-post).
 */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
