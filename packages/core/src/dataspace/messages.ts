/**
 * @module dataspace/messages
 * The messages of the Eclipse Dataspace Protocol (DSP) 2025-1 as TypeScript types, and builders for
 * every message a keten node sends. The shapes follow the normative JSON Schemas of the release
 * (`packages/connector/schemas/dsp/`, from eclipse-dataspace-protocol-base/DataspaceProtocol@0b7ac408);
 * the connector checks every built message against them in its tests.
 *
 * Messages are plain JSON in the compacted form of the DSP context
 * (`https://w3id.org/dspace/2025/1/context.jsonld`): `@type` is the bare type name, properties have no
 * prefix, and `@context` is an array holding the DSP context. ODRL policies (offers and agreements)
 * are carried as opaque JSON objects: what their rules mean is the policy module's business.
 *
 * @example
 * const request = contractRequestMessage({
 *   consumerPid: 'urn:uuid:32541fe6-c580-409e-85a8-8a9a32fbe833',
 *   callbackAddress: 'https://tier2.example/dsp',
 *   offer: { id: 'urn:offer:forecast', target: 'urn:dataset:forecast', policy: { permission: [{ action: 'use' }] } },
 * });
 */

/** The JSON-LD context every DSP 2025-1 message names (DSP 2025-1, "Schemas & Contexts"). */
export const DSP_CONTEXT = 'https://w3id.org/dspace/2025/1/context.jsonld';
/** The protocol version keten speaks, as the version endpoint names it. */
export const DSP_VERSION = '2025-1';

/** Any JSON value. */
export type DspJsonValue = string | number | boolean | null | readonly DspJsonValue[] | DspJsonObject;
/** A JSON object. */
export interface DspJsonObject {
  readonly [key: string]: DspJsonValue;
}

/** The two parties of a contract negotiation or transfer process. */
export type DspRole = 'consumer' | 'provider';

/** `@context` of a DSP message: an array that contains `DSP_CONTEXT` (common/context-schema.json). */
export type DspContext = readonly string[];

// ---------------------------------------------------------------------------------------------------
// Policies (negotiation/contract-schema.json)

/**
 * The rules of an ODRL policy as the policy module produces them (`permission`, `prohibition`,
 * `obligation`, `profile`, …): opaque here. At least one permission or prohibition is required by the
 * DSP schema. The builders set `@id`, `@type`, `target` (and for an agreement `assigner`, `assignee`,
 * `timestamp`) themselves; the same keys in the policy are overwritten.
 */
export type OdrlPolicy = DspJsonObject;

/** An ODRL offer inside a negotiation message: `@type` Offer with an `@id` and a `target` dataset. */
export interface MessageOffer extends DspJsonObject {
  readonly '@id': string;
  readonly '@type': 'Offer';
  readonly target: string;
}

/** An offer in a catalog's dataset (`hasPolicy`): like a message offer but without `target`. */
export interface DatasetOffer extends DspJsonObject {
  readonly '@id': string;
  readonly '@type': 'Offer';
}

/** An ODRL agreement: the offer both parties agreed on, with the parties and the time it was made. */
export interface Agreement extends DspJsonObject {
  readonly '@id': string;
  readonly '@type': 'Agreement';
  readonly target: string;
  readonly assigner: string;
  readonly assignee: string;
  /** XSD dateTime, e.g. `2026-11-26T08:00:00Z`. */
  readonly timestamp: string;
}

// ---------------------------------------------------------------------------------------------------
// Catalog protocol (catalog/*.json)

export interface CatalogRequestMessage {
  readonly '@context': DspContext;
  readonly '@type': 'CatalogRequestMessage';
  /** Implementation-specific filter expressions; keten accepts none (an empty or absent list). */
  readonly filter?: readonly DspJsonValue[];
}

export interface DatasetRequestMessage {
  readonly '@context': DspContext;
  readonly '@type': 'DatasetRequestMessage';
  readonly dataset: string;
}

/** A DCAT data service: the endpoint that serves datasets (catalog/dataset-schema.json#DataService). */
export interface DataService {
  readonly '@id': string;
  readonly '@type': 'DataService';
  readonly endpointURL: string;
}

/** A way to obtain a dataset: a transfer format and the data service that serves it. */
export interface Distribution {
  readonly '@type'?: 'Distribution';
  readonly format: string;
  readonly accessService: string | DataService;
  readonly hasPolicy?: readonly DatasetOffer[];
}

/** A dataset of a catalog, with the offers under which it may be obtained. */
export interface Dataset {
  readonly '@id': string;
  readonly '@type'?: 'Dataset';
  readonly hasPolicy: readonly DatasetOffer[];
  readonly distribution: readonly Distribution[];
}

/** A dataset sent on its own, as the answer to a DatasetRequestMessage. */
export interface RootDataset extends Dataset {
  readonly '@context': DspContext;
}

/** A catalog (possibly nested). Catalogs themselves carry no `hasPolicy`. */
export interface Catalog {
  readonly '@id': string;
  readonly '@type': 'Catalog';
  readonly dataset?: readonly Dataset[];
  readonly catalog?: readonly Catalog[];
  readonly service?: readonly DataService[];
  readonly distribution?: readonly Distribution[];
}

/** The answer to a CatalogRequestMessage: a catalog with the provider's participant id. */
export interface RootCatalog extends Catalog {
  readonly '@context': DspContext;
  readonly participantId: string;
}

export interface CatalogError {
  readonly '@context': DspContext;
  readonly '@type': 'CatalogError';
  readonly code?: string;
  readonly reason?: readonly DspJsonValue[];
}

// ---------------------------------------------------------------------------------------------------
// Contract negotiation protocol (negotiation/*.json)

/** The states of a contract negotiation as DSP names them (negotiation/contract-negotiation-schema.json). */
export const NEGOTIATION_STATES = [
  'REQUESTED',
  'OFFERED',
  'ACCEPTED',
  'AGREED',
  'VERIFIED',
  'FINALIZED',
  'TERMINATED',
] as const;
export type NegotiationState = (typeof NEGOTIATION_STATES)[number];

/** Sent by the consumer: an initial request (with `callbackAddress`) or a counter-offer (with `providerPid`). */
export type ContractRequestMessage = {
  readonly '@context': DspContext;
  readonly '@type': 'ContractRequestMessage';
  readonly consumerPid: string;
  readonly offer: MessageOffer;
} & (
  | { readonly callbackAddress: string; readonly providerPid?: never }
  | { readonly providerPid: string; readonly callbackAddress?: never }
);

/** Sent by the provider: an initial offer (with `callbackAddress`) or a counter-offer (with `consumerPid`). */
export type ContractOfferMessage = {
  readonly '@context': DspContext;
  readonly '@type': 'ContractOfferMessage';
  readonly providerPid: string;
  readonly offer: MessageOffer;
} & (
  | { readonly callbackAddress: string; readonly consumerPid?: never }
  | { readonly consumerPid: string; readonly callbackAddress?: never }
);

export interface ContractAgreementMessage {
  readonly '@context': DspContext;
  readonly '@type': 'ContractAgreementMessage';
  readonly providerPid: string;
  readonly consumerPid: string;
  readonly agreement: Agreement;
}

export interface ContractAgreementVerificationMessage {
  readonly '@context': DspContext;
  readonly '@type': 'ContractAgreementVerificationMessage';
  readonly providerPid: string;
  readonly consumerPid: string;
}

export interface ContractNegotiationEventMessage {
  readonly '@context': DspContext;
  readonly '@type': 'ContractNegotiationEventMessage';
  readonly providerPid: string;
  readonly consumerPid: string;
  /** ACCEPTED is sent by the consumer, FINALIZED by the provider. */
  readonly eventType: 'ACCEPTED' | 'FINALIZED';
}

export interface ContractNegotiationTerminationMessage {
  readonly '@context': DspContext;
  readonly '@type': 'ContractNegotiationTerminationMessage';
  readonly providerPid: string;
  readonly consumerPid: string;
  readonly code?: string;
  readonly reason?: readonly DspJsonValue[];
}

/** The ACK of a negotiation message, and the answer to `GET /negotiations/:pid`. */
export interface ContractNegotiation {
  readonly '@context': DspContext;
  readonly '@type': 'ContractNegotiation';
  readonly providerPid: string;
  readonly consumerPid: string;
  readonly state: NegotiationState;
}

export interface ContractNegotiationError {
  readonly '@context': DspContext;
  readonly '@type': 'ContractNegotiationError';
  readonly providerPid: string;
  readonly consumerPid: string;
  readonly code?: string;
  readonly reason?: readonly DspJsonValue[];
}

/** The messages that move a contract negotiation (the ones its state machine consumes). */
export type NegotiationMessage =
  | ContractRequestMessage
  | ContractOfferMessage
  | ContractAgreementMessage
  | ContractAgreementVerificationMessage
  | ContractNegotiationEventMessage
  | ContractNegotiationTerminationMessage;

// ---------------------------------------------------------------------------------------------------
// Transfer process protocol (transfer/*.json)

/** The states of a transfer process as DSP names them (transfer/transfer-process-schema.json). */
export const TRANSFER_STATES = ['REQUESTED', 'STARTED', 'SUSPENDED', 'COMPLETED', 'TERMINATED'] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];

export interface EndpointProperty {
  readonly '@type': 'EndpointProperty';
  readonly name: string;
  readonly value: string;
}

/** Where data is pushed to (in a request) or pulled from (in a start message). */
export interface DataAddress {
  readonly '@type': 'DataAddress';
  readonly endpointType: string;
  readonly endpoint?: string;
  readonly endpointProperties?: readonly EndpointProperty[];
}

export interface TransferRequestMessage {
  readonly '@context': DspContext;
  readonly '@type': 'TransferRequestMessage';
  readonly consumerPid: string;
  readonly agreementId: string;
  /** The transfer format, e.g. `HttpData-PUSH`; one of the dataset's distribution formats. */
  readonly format: string;
  readonly callbackAddress: string;
  /** The consumer's endpoint for a push transfer. */
  readonly dataAddress?: DataAddress;
}

export interface TransferStartMessage {
  readonly '@context': DspContext;
  readonly '@type': 'TransferStartMessage';
  readonly providerPid: string;
  readonly consumerPid: string;
  /** The provider's endpoint for a pull transfer. */
  readonly dataAddress?: DataAddress;
}

export interface TransferCompletionMessage {
  readonly '@context': DspContext;
  readonly '@type': 'TransferCompletionMessage';
  readonly providerPid: string;
  readonly consumerPid: string;
}

export interface TransferSuspensionMessage {
  readonly '@context': DspContext;
  readonly '@type': 'TransferSuspensionMessage';
  readonly providerPid: string;
  readonly consumerPid: string;
  readonly code?: string;
  readonly reason?: readonly DspJsonValue[];
}

export interface TransferTerminationMessage {
  readonly '@context': DspContext;
  readonly '@type': 'TransferTerminationMessage';
  readonly providerPid: string;
  readonly consumerPid: string;
  readonly code?: string;
  readonly reason?: readonly DspJsonValue[];
}

/** The ACK of a transfer message, and the answer to `GET /transfers/:pid`. */
export interface TransferProcess {
  readonly '@context': DspContext;
  readonly '@type': 'TransferProcess';
  readonly providerPid: string;
  readonly consumerPid: string;
  readonly state: TransferState;
}

export interface TransferError {
  readonly '@context': DspContext;
  readonly '@type': 'TransferError';
  readonly providerPid: string;
  readonly consumerPid: string;
  readonly code?: string;
  readonly reason?: readonly DspJsonValue[];
}

/** The messages that move a transfer process (the ones its state machine consumes). */
export type TransferMessage =
  | TransferRequestMessage
  | TransferStartMessage
  | TransferCompletionMessage
  | TransferSuspensionMessage
  | TransferTerminationMessage;

// ---------------------------------------------------------------------------------------------------
// Common (common/*.json)

export interface ProtocolVersionAuth {
  readonly protocol: string;
  readonly version: string;
  readonly profile?: readonly string[];
}

export interface ProtocolVersion {
  readonly version: string;
  /** Path appended to the connector's root to reach this version's endpoints. */
  readonly path: string;
  readonly binding: 'HTTPS';
  readonly identifierType?: string;
  readonly serviceId?: string;
  readonly auth?: ProtocolVersionAuth;
}

/** The body of `GET /.well-known/dspace-version` (common/protocol-version-schema.json). */
export interface VersionResponse {
  readonly protocolVersions: readonly ProtocolVersion[];
}

/** A DID document `service` entry that points at a DSP endpoint (common/did-service-schema.json). */
export interface DidService {
  readonly '@context'?: DspContext;
  readonly id: string;
  readonly type: 'DataService' | 'CatalogService';
  /** Must end in `/catalog`. */
  readonly serviceEndpoint: string;
}

/** Every DSP 2025-1 message and object that has a schema of its own. */
export type DspMessage =
  | CatalogRequestMessage
  | DatasetRequestMessage
  | RootCatalog
  | RootDataset
  | CatalogError
  | NegotiationMessage
  | ContractNegotiation
  | ContractNegotiationError
  | TransferMessage
  | TransferProcess
  | TransferError
  | VersionResponse
  | DidService;

/** The names `parseDspMessage` dispatches on: the `@type`s, and the two objects that have none. */
export const DSP_MESSAGE_TYPES = [
  'CatalogRequestMessage',
  'DatasetRequestMessage',
  'Catalog',
  'Dataset',
  'CatalogError',
  'ContractRequestMessage',
  'ContractOfferMessage',
  'ContractAgreementMessage',
  'ContractAgreementVerificationMessage',
  'ContractNegotiationEventMessage',
  'ContractNegotiationTerminationMessage',
  'ContractNegotiation',
  'ContractNegotiationError',
  'TransferRequestMessage',
  'TransferStartMessage',
  'TransferCompletionMessage',
  'TransferSuspensionMessage',
  'TransferTerminationMessage',
  'TransferProcess',
  'TransferError',
  'VersionResponse',
  'DidService',
] as const;
export type DspMessageType = (typeof DSP_MESSAGE_TYPES)[number];

/** The type name of a message: its `@type`, or `VersionResponse` / `DidService` for those two. */
export function dspMessageType(message: DspMessage): DspMessageType {
  if ('protocolVersions' in message) return 'VersionResponse';
  if ('serviceEndpoint' in message) return 'DidService';
  return (message as { readonly '@type': DspMessageType })['@type'];
}

// ---------------------------------------------------------------------------------------------------
// Builders

const context: DspContext = [DSP_CONTEXT];

/** An offer in a negotiation message: the policy's rules under the offer's id and target dataset. */
export interface OfferInput {
  /** The offer's id (an IRI; `urn:uuid:…` is fine). */
  readonly id: string;
  /** The dataset the offer is for. */
  readonly target: string;
  readonly policy: OdrlPolicy;
}

/**
 * The offer a consumer requests, taken from a dataset of the provider's catalog: one of its offers
 * (the first, or the one with `offerId`) with the dataset as target. Undefined if there is no such
 * offer.
 */
export function offerFromDataset(dataset: Dataset, offerId?: string): OfferInput | undefined {
  const chosen =
    offerId === undefined
      ? dataset.hasPolicy[0]
      : dataset.hasPolicy.find((offer) => offer['@id'] === offerId);
  if (chosen === undefined) return undefined;
  const { '@id': id, '@type': _type, ...policy } = chosen;
  return { id, target: dataset['@id'], policy };
}

/** An agreement: the agreed policy, its parties (dataspace identifiers) and when it was made. */
export interface AgreementInput {
  readonly id: string;
  readonly target: string;
  /** The provider's identifier (e.g. its DID or BPN). */
  readonly assigner: string;
  /** The consumer's identifier. */
  readonly assignee: string;
  /** XSD dateTime of the agreement, from the caller's clock. */
  readonly timestamp: string;
  readonly policy: OdrlPolicy;
}

/** Why a process ends or pauses: an optional code and human-readable reasons. */
export interface ReasonInput {
  readonly code?: string;
  readonly reason?: readonly string[];
}

export function messageOffer(offer: OfferInput): MessageOffer {
  return { ...offer.policy, '@id': offer.id, '@type': 'Offer', target: offer.target };
}

export function datasetOffer(id: string, policy: OdrlPolicy): DatasetOffer {
  const { target: _target, ...rules } = policy;
  return { ...rules, '@id': id, '@type': 'Offer' };
}

export function messageAgreement(input: AgreementInput): Agreement {
  return {
    ...input.policy,
    '@id': input.id,
    '@type': 'Agreement',
    target: input.target,
    assigner: input.assigner,
    assignee: input.assignee,
    timestamp: input.timestamp,
  };
}

/** `code` and `reason` only when given (the schema wants at least one reason when `reason` is present). */
function reasonFields(input: ReasonInput | undefined): { code?: string; reason?: readonly string[] } {
  const fields: { code?: string; reason?: readonly string[] } = {};
  if (input?.code !== undefined) fields.code = input.code;
  if (input?.reason !== undefined && input.reason.length > 0) fields.reason = input.reason;
  return fields;
}

export function catalogRequestMessage(filter?: readonly DspJsonValue[]): CatalogRequestMessage {
  return filter === undefined
    ? { '@context': context, '@type': 'CatalogRequestMessage' }
    : { '@context': context, '@type': 'CatalogRequestMessage', filter };
}

export function datasetRequestMessage(dataset: string): DatasetRequestMessage {
  return { '@context': context, '@type': 'DatasetRequestMessage', dataset };
}

/** A dataset of a catalog: its offers (without target, as the catalog schema wants) and distributions. */
export interface DatasetInput {
  readonly id: string;
  readonly offers: readonly { readonly id: string; readonly policy: OdrlPolicy }[];
  readonly distributions: readonly { readonly format: string; readonly accessService: string }[];
  /** Further DCAT / Dublin Core properties (`title`, `description`, …). */
  readonly properties?: DspJsonObject;
}

export function catalogDataset(input: DatasetInput): Dataset {
  return {
    ...input.properties,
    '@id': input.id,
    '@type': 'Dataset',
    hasPolicy: input.offers.map((offer) => datasetOffer(offer.id, offer.policy)),
    distribution: input.distributions.map((distribution) => ({
      '@type': 'Distribution',
      format: distribution.format,
      accessService: distribution.accessService,
    })),
  };
}

/** The answer to a DatasetRequestMessage. */
export function rootDataset(input: DatasetInput): RootDataset {
  return { '@context': context, ...catalogDataset(input) };
}

export interface CatalogInput {
  readonly id: string;
  /** The provider's participant id (its DID in keten). */
  readonly participantId: string;
  readonly service: DataService;
  readonly datasets: readonly DatasetInput[];
}

/**
 * The answer to a CatalogRequestMessage. The schema wants at least one dataset when `dataset` is
 * present, so an empty catalog has none.
 */
export function rootCatalog(input: CatalogInput): RootCatalog {
  const base: RootCatalog = {
    '@context': context,
    '@id': input.id,
    '@type': 'Catalog',
    participantId: input.participantId,
    service: [input.service],
  };
  return input.datasets.length === 0 ? base : { ...base, dataset: input.datasets.map(catalogDataset) };
}

export function catalogError(input?: ReasonInput): CatalogError {
  return { '@context': context, '@type': 'CatalogError', ...reasonFields(input) };
}

/**
 * The consumer's contract request. Without `providerPid` it starts a negotiation and must name the
 * consumer's `callbackAddress`; with `providerPid` it is a counter-offer in a running negotiation and
 * must not (the schema allows exactly one of the two).
 */
export function contractRequestMessage(
  input:
    | { consumerPid: string; offer: OfferInput; callbackAddress: string }
    | { consumerPid: string; offer: OfferInput; providerPid: string },
): ContractRequestMessage {
  const base = {
    '@context': context,
    '@type': 'ContractRequestMessage' as const,
    consumerPid: input.consumerPid,
    offer: messageOffer(input.offer),
  };
  return 'providerPid' in input
    ? { ...base, providerPid: input.providerPid }
    : { ...base, callbackAddress: input.callbackAddress };
}

/**
 * The provider's contract offer. Without `consumerPid` it starts a negotiation and names the
 * provider's `callbackAddress`; with `consumerPid` it answers a request in a running negotiation.
 */
export function contractOfferMessage(
  input:
    | { providerPid: string; offer: OfferInput; callbackAddress: string }
    | { providerPid: string; offer: OfferInput; consumerPid: string },
): ContractOfferMessage {
  const base = {
    '@context': context,
    '@type': 'ContractOfferMessage' as const,
    providerPid: input.providerPid,
    offer: messageOffer(input.offer),
  };
  return 'consumerPid' in input
    ? { ...base, consumerPid: input.consumerPid }
    : { ...base, callbackAddress: input.callbackAddress };
}

/** The two process ids of a negotiation or transfer. */
export interface ProcessIds {
  readonly consumerPid: string;
  readonly providerPid: string;
}

/** The fields every message of a running negotiation or transfer starts with. */
function processMessage<T extends string>(type: T, ids: ProcessIds) {
  return { '@context': context, '@type': type, providerPid: ids.providerPid, consumerPid: ids.consumerPid };
}

export function contractAgreementMessage(
  ids: ProcessIds,
  agreementInput: AgreementInput,
): ContractAgreementMessage {
  return { ...processMessage('ContractAgreementMessage', ids), agreement: messageAgreement(agreementInput) };
}

export function contractAgreementVerificationMessage(ids: ProcessIds): ContractAgreementVerificationMessage {
  return processMessage('ContractAgreementVerificationMessage', ids);
}

export function contractNegotiationEventMessage(
  ids: ProcessIds,
  eventType: 'ACCEPTED' | 'FINALIZED',
): ContractNegotiationEventMessage {
  return { ...processMessage('ContractNegotiationEventMessage', ids), eventType };
}

export function contractNegotiationTerminationMessage(
  ids: ProcessIds,
  why?: ReasonInput,
): ContractNegotiationTerminationMessage {
  return { ...processMessage('ContractNegotiationTerminationMessage', ids), ...reasonFields(why) };
}

export function contractNegotiation(ids: ProcessIds, state: NegotiationState): ContractNegotiation {
  return { ...processMessage('ContractNegotiation', ids), state };
}

export function contractNegotiationError(ids: ProcessIds, why?: ReasonInput): ContractNegotiationError {
  return { ...processMessage('ContractNegotiationError', ids), ...reasonFields(why) };
}

export function transferRequestMessage(input: {
  consumerPid: string;
  agreementId: string;
  format: string;
  callbackAddress: string;
  dataAddress?: DataAddress;
}): TransferRequestMessage {
  const message: TransferRequestMessage = {
    '@context': context,
    '@type': 'TransferRequestMessage',
    consumerPid: input.consumerPid,
    agreementId: input.agreementId,
    format: input.format,
    callbackAddress: input.callbackAddress,
  };
  return input.dataAddress === undefined ? message : { ...message, dataAddress: input.dataAddress };
}

export function transferStartMessage(ids: ProcessIds, dataAddress?: DataAddress): TransferStartMessage {
  const message: TransferStartMessage = processMessage('TransferStartMessage', ids);
  return dataAddress === undefined ? message : { ...message, dataAddress };
}

export function transferCompletionMessage(ids: ProcessIds): TransferCompletionMessage {
  return processMessage('TransferCompletionMessage', ids);
}

export function transferSuspensionMessage(ids: ProcessIds, why?: ReasonInput): TransferSuspensionMessage {
  return { ...processMessage('TransferSuspensionMessage', ids), ...reasonFields(why) };
}

export function transferTerminationMessage(ids: ProcessIds, why?: ReasonInput): TransferTerminationMessage {
  return { ...processMessage('TransferTerminationMessage', ids), ...reasonFields(why) };
}

export function transferProcess(ids: ProcessIds, state: TransferState): TransferProcess {
  return { ...processMessage('TransferProcess', ids), state };
}

export function transferError(ids: ProcessIds, why?: ReasonInput): TransferError {
  return { ...processMessage('TransferError', ids), ...reasonFields(why) };
}

/** A data address with optional endpoint properties (e.g. `authorization`, `authType`). */
export function dspDataAddress(input: {
  endpointType: string;
  endpoint?: string;
  properties?: Readonly<Record<string, string>>;
}): DataAddress {
  const address: { -readonly [K in keyof DataAddress]: DataAddress[K] } = {
    '@type': 'DataAddress',
    endpointType: input.endpointType,
  };
  if (input.endpoint !== undefined) address.endpoint = input.endpoint;
  const entries = Object.entries(input.properties ?? {});
  if (entries.length > 0)
    address.endpointProperties = entries.map(([name, value]) => ({
      '@type': 'EndpointProperty',
      name,
      value,
    }));
  return address;
}

/**
 * The body of `GET /.well-known/dspace-version`: keten's one version, 2025-1 over HTTPS, at `path`
 * (the DSP base path relative to the node's root, e.g. `/dsp`).
 */
export function versionResponse(input: {
  path: string;
  serviceId?: string;
  identifierType?: string;
  auth?: ProtocolVersionAuth;
}): VersionResponse {
  const version: { -readonly [K in keyof ProtocolVersion]: ProtocolVersion[K] } = {
    version: DSP_VERSION,
    path: input.path,
    binding: 'HTTPS',
  };
  if (input.serviceId !== undefined) version.serviceId = input.serviceId;
  if (input.identifierType !== undefined) version.identifierType = input.identifierType;
  if (input.auth !== undefined) version.auth = input.auth;
  return { protocolVersions: [version] };
}
