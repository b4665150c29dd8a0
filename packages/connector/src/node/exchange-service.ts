/**
 * @module node/exchange-service
 * What a company node does with its partners, over the Dataspace Protocol:
 *
 * - As **provider** it offers each direct partner one dataset per aspect it owns in that relationship
 *   (`datasets.ts`: forecasts, orders, stock and notifications to its suppliers; capacity, planned
 *   output, order confirmations, deliveries, stock and notifications to its customers), each under its
 *   own usage policy (membership, the partner's BPNL, the aspect's Catena-X purpose, an end date, how
 *   many tiers the data may travel on). Only the partner it is for sees it in the catalog (the access
 *   policy). A contract request is agreed when the offer matches and the policy allows, else terminated
 *   with the reason; a transfer request under a finalized agreement is started when the agreement's
 *   policy allows the use now.
 * - As **consumer** it connects to each direct partner: reads the partner's catalog, negotiates each
 *   dataset meant for it, and requests a push transfer of each to its own `/exchange/push/<pid>`.
 * - Data flows by **push**: after every plan the node builds what it owes each partner
 *   (`outgoing.ts`) and pushes what changed (through the outbox: at least once, in order), after the
 *   agreement's policy is evaluated for that access. The receiver checks the payload against its
 *   schema, reads it (`incoming.ts`), applies it once (by message id) and re-plans where it moved its
 *   plan. So a forecast change at the OEM reaches tier 3 as re-planned orders, an order comes back
 *   confirmed, and a supplier's lowered capacity reaches its customer's plan.
 *
 * Every decision and the message it sends are committed together (the DSP -ING states of
 * `@keten/core/dataspace`); the outbox delivers them and the delivery confirms them. Every access
 * (catalog, negotiation, transfer, push) is in the node's hash-chained audit trail.
 */
import {
  type AuditInput,
  abandonNegotiation,
  abandonTransfer,
  type BlockedShipping,
  buildAccessPolicy,
  buildOffer,
  canonicalJson,
  confirmNegotiationSent,
  confirmTransferSent,
  createNegotiation,
  createTransfer,
  type DatasetInput,
  type DspJsonObject,
  type DspMessage,
  deriveAgreement,
  dspDataAddress,
  type EventInput,
  type ExchangeChanges,
  evaluatePolicy,
  isPlanningEventType,
  type KetenStore,
  matchDspRoute,
  matchesOffer,
  type NegotiationMessage,
  type NegotiationRecord,
  type Network,
  negotiationAcknowledgement,
  negotiationNotFound,
  negotiationStep,
  ORDER_FORMAT,
  type OutboxInput,
  type OutboxMessage,
  type Policy,
  parsePolicy,
  planNetwork,
  policyToJson,
  type RecordWrite,
  releasePurchaseOrders,
  rootCatalog,
  type TransferMessage,
  type TransferRecord,
  transferAcknowledgement,
  transferNotFound,
  transferStep,
} from '@keten/core';
import { readEffectiveNetwork } from '@keten/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { parseDspMessage } from '../dsp/validate.ts';
import { didDocumentUrl, didFromBaseUrl } from '../identity/did.ts';
import { validateAspectPayload } from '../payloads/validate.ts';
import { registerAdminViews } from './admin-views.ts';
import type { BatchMessage } from './batch.ts';
import type { ConnectGate } from './connect-gate.ts';
import type { CallingNode, Connector } from './connector.ts';
import {
  ASPECT_SPECS,
  aspectOfMessage,
  DATASET_PURPOSES,
  type DatasetKind,
  DCM_PURPOSE,
  datasetId,
  datasetsOffered,
  type ExchangeAspect,
  parseDatasetId,
  relationsOf,
} from './datasets.ts';
import { backoffDelay, isRetryableStatus } from './delivery.ts';
import { httpSender } from './http-sender.ts';
import { applyPushes, type Push } from './inbox.ts';
import {
  type HeldOrder,
  heldBack,
  heldBackWindows,
  type OutgoingPayload,
  openOrderIds,
  outgoingPayloads,
  payloadContent,
  type SentOrder,
  type ToldDisruption,
} from './outgoing.ts';
import { askPartnerState } from './partner-state.ts';
import {
  type AgreementTiming,
  agreementTiming,
  offerEnd,
  offerStep,
  type RenewalVerdict,
  renewalDue,
  usageEndOf,
} from './renewal.ts';
import {
  type PartnerAnswer,
  type ProcessEnd,
  type ProcessWatch,
  type StallSettings,
  stallSettings,
  stallVerdict,
  watchOf,
} from './stall.ts';

export {
  ASPECT_SPECS,
  DATASET_KINDS,
  type DatasetKind,
  DCM_PURPOSE,
  datasetId,
  EXCHANGE_ASPECTS,
  type ExchangeAspect,
  PURIS_PURPOSE,
  parseDatasetId,
} from './datasets.ts';
/** Push transfers: the provider posts each payload to the consumer's endpoint. */
export const PUSH_FORMAT = 'HttpData-PUSH';
const HTTP_ENDPOINT = 'https://w3id.org/idsa/v4.1/HTTP';

export interface ExchangeServiceOptions {
  readonly connector: Connector;
  readonly store: KetenStore;
  /** The node's view of the network (`partnerView`): what it plans on and whom it knows. */
  readonly network: Network;
  /** The company the node speaks for. */
  readonly company: string;
  /** Where partner companies' nodes are (base URLs), by company id. */
  readonly partners: ReadonlyMap<string, string>;
  /** How many tiers beyond its partner the node lets its data travel (default 1). */
  readonly forwardDepth?: number;
  /**
   * How long agreements let partners use the data (default 365 days): the offers' `DataUsageEndDate`
   * is the start of the day the node started plus this many days.
   */
  readonly agreementDays?: number;
  /** The same in milliseconds (instead of `agreementDays`; at least 4 s): short agreements in tests. */
  readonly agreementTermMs?: number;
  /**
   * How long before its agreement ends the node, as consumer, negotiates a dataset again under the
   * provider's current offer (default a tenth of the term, at most 30 days). See `renewal.ts`.
   */
  readonly renewBeforeMs?: number;
  /** How often the node looks at its agreements for renewal (default a quarter of `renewBeforeMs`, 0.25–60 s). */
  readonly renewCheckMs?: number;
  /** The aspects the node offers and asks for (default all, `EXCHANGE_ASPECTS`). */
  readonly aspects?: readonly ExchangeAspect[];
  /**
   * Release the plan's purchase orders due to ship now as orders to the suppliers (default true):
   * each becomes an open order of the node (`order.opened`) and goes out on the orders dataset.
   */
  readonly releaseOrders?: boolean;
  readonly now?: () => number;
  readonly log?: (message: string) => void;
  /** How often the event log is checked for planning events from elsewhere (default 500 ms). */
  readonly eventPollMs?: number;
  /**
   * Paces this node's connects (catalog read and contract request) with other nodes' in the same
   * process (`connect-gate.ts`; the demo's nodes share one); without it each connect starts at once.
   */
  readonly connectGate?: ConnectGate;
  /**
   * When a negotiation or transfer that waits in a state is checked on and ended (`stall.ts`; default
   * a first check after 30 s, four checks, each wait twice the one before, at most 10 minutes).
   */
  readonly stall?: Partial<StallSettings>;
}

/** A partner node as a record names it. */
interface Partner {
  readonly company: string;
  readonly did: string;
  readonly bpnl: string;
  /** Its base URL. */
  readonly url: string;
}

interface NegotiationEntry {
  readonly record: NegotiationRecord;
  readonly partner: Partner;
  readonly dataset: string;
  readonly agreementId?: string;
  /** The deadline of the state it waits in (stall.ts); set on every write (`#commit`). */
  readonly watch?: ProcessWatch;
  /** How the node ended it when it stalled. */
  readonly ended?: ProcessEnd;
}

interface TransferEntry {
  readonly record: TransferRecord;
  readonly partner: Partner;
  readonly dataset: string;
  readonly agreementId: string;
  /** Provider: where to push (checked to be the consumer's own node). */
  readonly pushTo?: string;
  readonly watch?: ProcessWatch;
  readonly ended?: ProcessEnd;
}

type ProcessKind = 'negotiation' | 'transfer';

interface AgreementEntry {
  readonly id: string;
  readonly dataset: string;
  readonly policy: unknown;
  readonly provider: Partner | 'self';
  readonly consumer: Partner | 'self';
  readonly concludedAt: string;
}

/** A DSP answer: status and JSON body. */
interface Answer {
  readonly status: number;
  readonly body?: unknown;
}

type Stored<T> = { readonly value: T; readonly version: number };

/** A dataset another module offers through this service's catalog and negotiations (e.g. status). */
export interface OfferedDataset {
  readonly id: string;
  readonly offer: Policy;
  /** Who may see and negotiate it (Catena-X access policy). */
  readonly access: Policy;
}

/** A dataset this node negotiates from a partner without asking for a transfer: the agreement is the consent. */
export interface WantedDataset {
  /** The partner company that offers it. */
  readonly partner: string;
  readonly dataset: string;
}

/** Datasets another module adds to the service (`registerDatasets`): the status service's. */
export interface DatasetSource {
  offered(): readonly OfferedDataset[];
  wanted(): readonly WantedDataset[];
}

export class ExchangeService {
  readonly #options: ExchangeServiceOptions;
  readonly #store: KetenStore;
  readonly #connector: Connector;
  readonly #now: () => number;
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #self: { readonly bpnl: string; readonly did: string };
  #replanning: Promise<void> | undefined;
  #replanAgain = false;
  /** Re-plans that failed in a row: the next try waits `backoffDelay` of this. */
  #replanFailures = 0;
  #replanRetry: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #lastEvent = 0;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #sources: DatasetSource[] = [];
  readonly #timing: AgreementTiming;
  /** Agreements whose renewal found no offer ending later (a fixed end date): not tried again. */
  readonly #noLaterOffer = new Set<string>();
  #renewalTimer: ReturnType<typeof setTimeout> | undefined;
  #renewing: Promise<void> | undefined;
  /** Datasets a `#connect` is working on (with its retries): the renewal check leaves them alone. */
  readonly #connecting = new Set<string>();
  /** Connects waiting for their negotiation to end (through a gate), by process id. */
  readonly #ended = new Map<string, () => void>();
  readonly #stall: StallSettings;
  #stallTimer: ReturnType<typeof setTimeout> | undefined;
  /** When `#stallTimer` fires (ms since the epoch). */
  #stallAt = 0;
  #checkingStalls: Promise<void> | undefined;
  #stallAgain = false;

  constructor(options: ExchangeServiceOptions) {
    this.#options = options;
    this.#store = options.store;
    this.#connector = options.connector;
    this.#now = options.now ?? Date.now;
    this.#self = { bpnl: options.connector.identity.bpnl, did: options.connector.did };
    // The end of use in this node's offers: the start of the current day (of a quarter of a short term)
    // plus the term, so the offer a partner read in the catalog is the one it is agreed on all day, and a
    // renewal tomorrow ends a day later (renewal.ts).
    this.#timing = agreementTiming(options);
    this.#stall = stallSettings(options.stall);
    options.connector.addRoutes((scope) => this.#routes(scope));
    options.connector.addBatchRoute({
      takes: (path) => pushPid(path) !== undefined,
      handle: (caller, messages) => this.#receivedRun(caller, messages),
    });
    options.connector.addDeliveryListener((message, answer) => this.#delivered(message, answer));
    registerAdminViews(options.connector, options.store, () => this.#offerings());
  }

  /** Adds datasets to the catalog and negotiations (before `start`). */
  registerDatasets(source: DatasetSource): void {
    this.#sources.push(source);
  }

  /** The network name the node's plan and events use. */
  get networkName(): string {
    return this.#options.network.name;
  }

  /**
   * Brings the node up: stores its network view (a new version only when it changed), confirms what a
   * crash left half-done, connects to its customers and plans once.
   */
  async start(): Promise<void> {
    const { contentHash } = await import('@keten/store');
    const view = this.#options.network;
    const latest = await this.#store.networks.getVersion(view.name);
    if (latest === undefined || latest.contentHash !== contentHash(view)) {
      await this.#store.networks.importVersion({
        network: view.name,
        content: view,
        summary: { companies: view.companies.length, items: view.items.length, tiers: 0, sourcingLinks: 0 },
        source: 'node',
        author: 'system',
      });
    }
    await this.#reconcile();
    // Deadlines kept in the store before a restart go on from where they were.
    this.#runStallChecks();
    for (const wanted of this.#consumed()) this.#connect(wanted.partner, wanted.dataset, 0);
    this.#lastEvent = (await this.#store.events.read({ after: 0, limit: 10000 })).at(-1)?.sequence ?? 0;
    this.#watchEvents();
    this.#scheduleRenewalCheck(this.#timing.checkEvery);
    this.scheduleReplan();
  }

  /**
   * Re-plans when planning events reach the log another way than a partner's push (the API's
   * `POST /api/v1/events`, `keten events append`): the log is read every `eventPollMs`.
   */
  #watchEvents(): void {
    if (this.#closed) return;
    const timer = setTimeout(async () => {
      this.#timers.delete(timer);
      try {
        let changed = false;
        for (;;) {
          const events = await this.#store.events.read({ after: this.#lastEvent, limit: 1000 });
          if (events.length === 0) break;
          this.#lastEvent = events.at(-1)!.sequence;
          if (
            events.some(
              (event) =>
                isPlanningEventType(event.type) &&
                !event.source.startsWith('bpn:') &&
                !event.source.startsWith('node:'),
            )
          )
            changed = true;
        }
        if (changed) this.scheduleReplan();
      } catch (error) {
        this.#options.log?.(
          `${this.#options.company}: reading the event log failed: ${(error as Error).message}`,
        );
      }
      this.#watchEvents();
    }, this.#options.eventPollMs ?? 500);
    timer.unref?.();
    this.#timers.add(timer);
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    for (const done of [...this.#ended.values()]) done();
    if (this.#renewalTimer !== undefined) clearTimeout(this.#renewalTimer);
    if (this.#stallTimer !== undefined) clearTimeout(this.#stallTimer);
    await this.#replanning;
    await this.#renewing;
    await this.#checkingStalls;
  }

  // --- datasets -------------------------------------------------------------------------------

  /** The datasets this node takes from partners: pushed to it, or (registered sources) consented to. */
  #consumed(): { partner: string; dataset: string; pushed: boolean }[] {
    const consumed: { partner: string; dataset: string; pushed: boolean }[] = [];
    for (const [partner, roles] of relationsOf(this.#options.network, this.#options.company)) {
      // What the partner owns in the relationship: its roles are the opposite of this node's.
      const theirs = new Set([...roles].map((role) => (role === 'customer' ? 'supplier' : 'customer')));
      for (const kind of datasetsOffered(theirs, this.#options.aspects))
        consumed.push({ partner, dataset: datasetId(partner, kind, this.#options.company), pushed: true });
    }
    for (const wanted of this.#sources.flatMap((source) => source.wanted()))
      consumed.push({ partner: wanted.partner, dataset: wanted.dataset, pushed: false });
    return consumed;
  }

  /** The dataset `owner` offers `supplier` its forecasts (and notifications) on. */
  datasetId(owner: string, supplier: string): string {
    return datasetId(owner, 'demand-and-capacity', supplier);
  }

  #bpnlOf(company: string): string | undefined {
    return this.#options.network.companies.find((entry) => entry.id === company)?.bpn;
  }

  /** The offer and access policy of the dataset `kind` for `partner`, or undefined (no BPNL). */
  #policiesFor(
    partner: string,
    kind: DatasetKind,
    at: number = this.#now(),
  ): { offer: Policy; access: Policy; dataset: string } | undefined {
    const bpnl = this.#bpnlOf(partner);
    if (bpnl === undefined) return undefined;
    const dataset = datasetId(this.#options.company, kind, partner);
    const spec = {
      id: `${dataset}:offer`,
      target: dataset,
      partners: [bpnl],
      purposes: [DATASET_PURPOSES[kind]],
      forwardDepth: this.#options.forwardDepth ?? 1,
      expiresAt: offerEnd(at, this.#timing.term),
      // keten's membership credentials carry no framework agreement: the constraint is left out.
      frameworkAgreement: null,
    };
    const offer = buildOffer(spec);
    const access = buildAccessPolicy(spec);
    if (!offer.ok || !access.ok) return undefined;
    return { offer: offer.value, access: access.value, dataset };
  }

  /** Every dataset the node offers: one per partner and aspect it owns there, and the registered ones. */
  #offerings(): { offer: Policy; access: Policy; dataset: string }[] {
    const offered: { offer: Policy; access: Policy; dataset: string }[] = [];
    for (const [partner, roles] of relationsOf(this.#options.network, this.#options.company))
      for (const kind of datasetsOffered(roles, this.#options.aspects)) {
        const policies = this.#policiesFor(partner, kind);
        if (policies !== undefined) offered.push(policies);
      }
    for (const source of this.#sources)
      for (const dataset of source.offered())
        offered.push({ offer: dataset.offer, access: dataset.access, dataset: dataset.id });
    return offered;
  }

  #requester(sender: CallingNode) {
    return { bpnl: sender.bpnl, did: sender.did, membership: { status: 'valid' as const } };
  }

  // --- routes ---------------------------------------------------------------------------------

  #routes(scope: FastifyInstance): void {
    const node = { config: { auth: { kind: 'node' as const } } };
    const answer = (reply: FastifyReply, result: Answer) =>
      reply
        .code(result.status)
        .type('application/json')
        .send(result.body === undefined ? '' : JSON.stringify(result.body));
    const dsp = async (role: 'provider' | 'consumer', request: FastifyRequest, reply: FastifyReply) => {
      const base = role === 'provider' ? '/dsp' : '/dsp/callback';
      const path = (request.params as { '*': string })['*'];
      const sender = callerOf(request);
      return answer(reply, await this.#dsp(role, `/${path}`, sender, request.body, base));
    };
    scope.post('/dsp/callback/*', node, (request, reply) => dsp('consumer', request, reply));
    scope.post('/dsp/*', node, (request, reply) => dsp('provider', request, reply));
    scope.get('/dsp/negotiations/:pid', node, async (request, reply) => {
      const sender = callerOf(request);
      const entry = await this.#get<NegotiationEntry>('negotiation', (request.params as { pid: string }).pid);
      if (entry === undefined || entry.value.partner.did !== sender.did)
        return answer(reply, {
          status: 404,
          body: negotiationNotFound({ providerPid: (request.params as { pid: string }).pid }).body,
        });
      return answer(reply, { status: 200, body: negotiationAcknowledgement(entry.value.record) });
    });
    // The consumer's side of the state query, under its callback address (`#negotiations-get-consumer`).
    scope.get('/dsp/callback/negotiations/:pid', node, async (request, reply) => {
      const sender = callerOf(request);
      const pid = (request.params as { pid: string }).pid;
      const entry = await this.#get<NegotiationEntry>('negotiation', pid);
      const ack =
        entry === undefined || entry.value.partner.did !== sender.did
          ? undefined
          : negotiationAcknowledgement(entry.value.record);
      return ack === undefined
        ? answer(reply, { status: 404, body: negotiationNotFound({ consumerPid: pid }).body })
        : answer(reply, { status: 200, body: ack });
    });
    scope.get('/dsp/transfers/:pid', node, async (request, reply) => {
      const sender = callerOf(request);
      const entry = await this.#get<TransferEntry>('transfer', (request.params as { pid: string }).pid);
      if (entry === undefined || entry.value.partner.did !== sender.did)
        return answer(reply, {
          status: 404,
          body: transferNotFound({ providerPid: (request.params as { pid: string }).pid }).body,
        });
      return answer(reply, { status: 200, body: transferAcknowledgement(entry.value.record) });
    });
    scope.get(
      '/api/v1/connector/forecasts',
      { config: { auth: { kind: 'user' as const, role: 'planner' as const } } },
      async () => {
        const received = await this.#store.exchange.listRecords('received-demand', { limit: 10000 });
        return {
          received: received.map((record) => ({
            materialDemandId: record.id,
            quantities: record.value as number[],
            total: (record.value as number[]).reduce((sum, value) => sum + value, 0),
            updatedAt: record.updatedAt,
          })),
        };
      },
    );
    scope.get(
      '/api/v1/connector/received',
      { config: { auth: { kind: 'user' as const, role: 'planner' as const } } },
      async (request, reply) => {
        const kind = (request.query as { kind?: unknown }).kind;
        if (typeof kind !== 'string' || !RECEIVED_KINDS.includes(kind))
          return reply.code(400).send({
            code: 'invalid-query',
            message: `kind must be one of ${RECEIVED_KINDS.join(', ')}`,
          });
        const records = await this.#store.exchange.listRecords(kind, { limit: 10000 });
        return { kind, records: records.map(({ id, value, updatedAt }) => ({ id, value, updatedAt })) };
      },
    );
    scope.post('/exchange/push/:pid', node, async (request, reply) => {
      const sender = callerOf(request);
      return answer(
        reply,
        await this.#received(sender, (request.params as { pid: string }).pid, request.body),
      );
    });
  }

  async #dsp(
    role: 'provider' | 'consumer',
    path: string,
    sender: CallingNode,
    body: unknown,
    base: string,
  ): Promise<Answer> {
    const matched = matchDspRoute(role, 'POST', path);
    if (matched === undefined) {
      return {
        status: 404,
        body: { code: 'not-found', message: `no Dataspace Protocol endpoint POST ${base}${path}` },
      };
    }
    const expects = matched.route.expects;
    const parsed = parseDspMessage(body, expects);
    if (!parsed.ok) {
      return {
        status: 400,
        body: {
          code: 'invalid-message',
          message: `not a valid ${expects ?? 'DSP message'}: ${parsed.error.map((problem) => `${problem.pointer || '/'} ${problem.message}`).join('; ')}`,
        },
      };
    }
    const message = parsed.value;
    if (matched.route.protocol === 'catalog') return this.#catalog(sender);
    const pid = matched.params.providerPid ?? matched.params.consumerPid;
    if (matched.route.protocol === 'negotiation') {
      return this.#negotiationReceived(role, sender, message as NegotiationMessage, pid);
    }
    if (matched.route.protocol === 'transfer') {
      return this.#transferReceived(role, sender, message as TransferMessage, pid);
    }
    return { status: 404, body: { code: 'not-found', message: `no endpoint POST ${base}${path}` } };
  }

  // --- catalog --------------------------------------------------------------------------------

  async #catalog(sender: CallingNode): Promise<Answer> {
    const at = new Date(this.#now());
    const datasets: DatasetInput[] = [];
    for (const policies of this.#offerings()) {
      const decision = evaluatePolicy(policies.access, {
        action: 'access',
        requester: this.#requester(sender),
        at,
        tierDepth: 0,
      });
      if (!decision.allowed) continue;
      datasets.push({
        id: policies.dataset,
        offers: [{ id: policies.offer.id, policy: offerRules(policies.offer) }],
        distributions: [{ format: PUSH_FORMAT, accessService: `${this.#connector.url}/dsp` }],
      });
    }
    await this.#connector.commit({
      audit: [
        {
          actor: sender.did,
          action: 'catalog.read',
          resource: 'catalog',
          outcome: 'granted',
          reason: `${datasets.length} dataset(s) offered to ${sender.bpnl}`,
        },
      ],
    });
    return {
      status: 200,
      body: rootCatalog({
        id: `urn:keten:${this.#options.company}:catalog`,
        participantId: this.#self.did,
        datasets,
        service: {
          '@id': `${this.#connector.url}/dsp`,
          '@type': 'DataService',
          endpointURL: `${this.#connector.url}/dsp`,
        },
      }),
    };
  }

  /**
   * What a received DSP message of a negotiation or transfer is about: the sending partner (a 403 for a
   * member that is none), this node's process id (from the path, or for a first message the one a
   * redelivery of it made before, or a new one), and the counter-party's id.
   */
  async #openProcess(
    kind: 'negotiation' | 'transfer',
    role: 'provider' | 'consumer',
    sender: CallingNode,
    message: { consumerPid?: string; providerPid?: string },
    pid: string | undefined,
  ): Promise<
    { partner: Partner; ownPid: string; initial: boolean; counterPid: string | undefined } | Answer
  > {
    const partner = this.#partnerOf(sender);
    if (partner === undefined) {
      return {
        status: 403,
        body: {
          code: 'not-a-partner',
          message: `${sender.bpnl} is not a partner of ${this.#options.company}`,
        },
      };
    }
    const counterPid = role === 'provider' ? message.consumerPid : message.providerPid;
    if (pid !== undefined) return { partner, ownPid: pid, initial: false, counterPid };
    // A first message (the provider's /negotiations/request or /transfers/request; keten's consumers
    // send no first offers). A redelivered first message finds the process it made.
    const known = await this.#get<{ pid: string }>(`${kind}-by-counter`, `${sender.did} ${counterPid}`);
    return {
      partner,
      ownPid: known?.value.pid ?? `urn:uuid:${crypto.randomUUID()}`,
      initial: true,
      counterPid,
    };
  }

  // --- negotiations ---------------------------------------------------------------------------

  async #negotiationReceived(
    role: 'provider' | 'consumer',
    sender: CallingNode,
    message: NegotiationMessage,
    pid: string | undefined,
  ): Promise<Answer> {
    const opened = await this.#openProcess('negotiation', role, sender, message, pid);
    if ('status' in opened) return opened;
    const { partner, ownPid, initial, counterPid } = opened;
    return this.#locked(`negotiation:${ownPid}`, async () => {
      const stored = await this.#get<NegotiationEntry>('negotiation', ownPid);
      if (stored !== undefined && stored.value.partner.did !== sender.did) {
        return { status: 404, body: negotiationNotFound({ providerPid: ownPid }).body };
      }
      if (stored === undefined && !initial)
        return { status: 404, body: negotiationNotFound({ providerPid: ownPid }).body };
      const dataset =
        (message as { offer?: { target?: string } }).offer?.target ?? stored?.value.dataset ?? '';
      let entry: NegotiationEntry = stored?.value ?? {
        record: createNegotiation({ role, pid: ownPid, ownAddress: `${this.#connector.url}/dsp` }),
        partner,
        dataset,
      };
      const step = negotiationStep(entry.record, { received: message });
      if (!step.ok) return { status: step.error.status, body: step.error.body };
      entry = { ...entry, record: step.value.record };
      const changes = this.#newChanges();
      changes.audit.push({
        actor: sender.did,
        action: `negotiation.${(message as { '@type': string })['@type']}`,
        resource: entry.dataset,
        outcome: 'received',
      });
      if (!step.value.duplicate) entry = this.#decideNegotiation(entry, sender, changes);
      changes.records.push(this.#write('negotiation', ownPid, entry, stored));
      if (initial && counterPid !== undefined) {
        changes.records.push({
          kind: 'negotiation-by-counter',
          id: `${sender.did} ${counterPid}`,
          value: { pid: ownPid },
        });
      }
      await this.#commit(changes);
      const acknowledgement = negotiationAcknowledgement(entry.record);
      return initial ? { status: 201, body: acknowledgement } : { status: 200 };
    });
  }

  /** The decision that follows a negotiation's new state, if any; its message goes in `changes`. */
  #decideNegotiation(entry: NegotiationEntry, sender: CallingNode, changes: Changes): NegotiationEntry {
    const { record } = entry;
    if (record.pending !== undefined) return entry;
    let decision: Parameters<typeof negotiationStep>[1] | undefined;
    let next = entry;
    if (record.role === 'provider' && record.protocolState === 'REQUESTED') {
      const verdict = this.#judgeRequest(entry, sender);
      changes.audit.push({
        actor: sender.did,
        action: 'negotiation.decide',
        resource: entry.dataset,
        outcome: verdict.ok ? 'granted' : 'denied',
        ...(verdict.ok ? {} : { reason: verdict.reason }),
      });
      if (verdict.ok) {
        const agreementId = `urn:uuid:${crypto.randomUUID()}`;
        const agreed = deriveAgreement(verdict.offer, {
          id: agreementId,
          assigner: this.#self.did,
          assignee: sender.did,
          target: entry.dataset,
          concludedAt: new Date(this.#now()),
        });
        if (!agreed.ok) {
          decision = {
            decide: {
              kind: 'terminate',
              code: 'agreement-failed',
              reason: agreed.error.map((problem) => problem.message),
            },
          };
        } else {
          const policy = policyToJson(agreed.value) as DspJsonObject;
          decision = {
            decide: {
              kind: 'agree',
              agreement: {
                id: agreementId,
                target: entry.dataset,
                assigner: this.#self.did,
                assignee: sender.did,
                timestamp: new Date(this.#now()).toISOString(),
                policy,
              },
            },
          };
          next = { ...entry, agreementId };
          changes.records.push({
            kind: 'agreement',
            id: agreementId,
            value: {
              id: agreementId,
              dataset: entry.dataset,
              policy,
              provider: 'self',
              consumer: entry.partner,
              concludedAt: new Date(this.#now()).toISOString(),
            } satisfies AgreementEntry,
          });
        }
      } else {
        decision = { decide: { kind: 'terminate', code: 'policy-denied', reason: [verdict.reason] } };
      }
    } else if (record.role === 'provider' && record.protocolState === 'VERIFIED') {
      decision = { decide: { kind: 'finalize' } };
    } else if (record.role === 'consumer' && record.protocolState === 'AGREED') {
      const agreement = record.agreement;
      if (agreement !== undefined) {
        next = { ...entry, agreementId: agreement['@id'] };
        changes.records.push({
          kind: 'agreement',
          id: agreement['@id'],
          value: {
            id: agreement['@id'],
            dataset: entry.dataset,
            policy: agreement,
            provider: entry.partner,
            consumer: 'self',
            concludedAt: new Date(this.#now()).toISOString(),
          } satisfies AgreementEntry,
        });
      }
      decision = { decide: { kind: 'verify' } };
    } else if (
      record.role === 'consumer' &&
      record.protocolState === 'FINALIZED' &&
      entry.agreementId !== undefined &&
      !this.#sources.some((source) => source.wanted().some((wanted) => wanted.dataset === entry.dataset))
    ) {
      this.#requestTransfer(entry, changes);
    }
    if (decision === undefined) return next;
    const step = negotiationStep(next.record, decision);
    if (!step.ok || step.value.send === undefined) return next;
    changes.outbox.push(this.#outgoing('negotiation', next, step.value.send));
    return { ...next, record: step.value.record };
  }

  /** Whether a contract request may be agreed: the dataset exists, the offer matches, the policy allows. */
  #judgeRequest(
    entry: NegotiationEntry,
    sender: CallingNode,
  ): { ok: true; offer: Policy } | { ok: false; reason: string } {
    const policies = this.#offerings().find((candidate) => candidate.dataset === entry.dataset);
    if (policies === undefined)
      return { ok: false, reason: `no dataset ${entry.dataset} is offered to ${sender.bpnl}` };
    const access = evaluatePolicy(policies.access, {
      action: 'access',
      requester: this.#requester(sender),
      at: new Date(this.#now()),
      tierDepth: 0,
    });
    if (!access.allowed) return { ok: false, reason: access.reasons.join('; ') };
    const requested = parsePolicy(entry.record.offer);
    if (!requested.ok)
      return {
        ok: false,
        reason: `the requested offer is not a valid policy: ${requested.error.map((p) => `${p.path}: ${p.message}`).join('; ')}`,
      };
    const match = matchesOffer(requested.value, policies.offer);
    if (match.matches) return { ok: true, offer: policies.offer };
    // Read from the catalog just before the offers' end moved on a step: that offer is agreed too.
    const own = parseDatasetId(entry.dataset);
    const earlier =
      own === undefined
        ? undefined
        : this.#policiesFor(own.partner, own.kind, this.#now() - offerStep(this.#timing.term));
    if (earlier !== undefined && matchesOffer(requested.value, earlier.offer).matches)
      return { ok: true, offer: earlier.offer };
    return { ok: false, reason: `the request does not match the offer: ${match.differences.join(' ')}` };
  }

  // --- transfers ------------------------------------------------------------------------------

  /** Consumer: asks the provider to start pushing under the finalized agreement. */
  #requestTransfer(negotiation: NegotiationEntry, changes: Changes): void {
    const pid = `urn:uuid:${crypto.randomUUID()}`;
    const record = createTransfer({
      role: 'consumer',
      pid,
      ownAddress: `${this.#connector.url}/dsp/callback`,
      counterPartyAddress: `${negotiation.partner.url}/dsp`,
    });
    const entry: TransferEntry = {
      record,
      partner: negotiation.partner,
      dataset: negotiation.dataset,
      agreementId: negotiation.agreementId!,
    };
    const step = transferStep(record, {
      decide: {
        kind: 'request',
        agreementId: entry.agreementId,
        format: PUSH_FORMAT,
        dataAddress: dspDataAddress({
          endpointType: HTTP_ENDPOINT,
          endpoint: `${this.#connector.url}/exchange/push/${encodeURIComponent(pid)}`,
        }),
      },
    });
    if (!step.ok || step.value.send === undefined) return;
    const next = { ...entry, record: step.value.record };
    changes.outbox.push(this.#outgoing('transfer', next, step.value.send));
    changes.records.push({ kind: 'transfer', id: pid, value: next, expectedVersion: 0 });
  }

  async #transferReceived(
    role: 'provider' | 'consumer',
    sender: CallingNode,
    message: TransferMessage,
    pid: string | undefined,
  ): Promise<Answer> {
    const opened = await this.#openProcess('transfer', role, sender, message, pid);
    if ('status' in opened) return opened;
    const { partner, ownPid, initial, counterPid } = opened;
    return this.#locked(`transfer:${ownPid}`, async () => {
      const stored = await this.#get<TransferEntry>('transfer', ownPid);
      if (
        (stored !== undefined && stored.value.partner.did !== sender.did) ||
        (stored === undefined && !initial)
      ) {
        return { status: 404, body: transferNotFound({ providerPid: ownPid }).body };
      }
      const request = message as { agreementId?: string; dataAddress?: { endpoint?: string } };
      let entry: TransferEntry = stored?.value ?? {
        record: createTransfer({ role, pid: ownPid, ownAddress: `${this.#connector.url}/dsp` }),
        partner,
        dataset: '',
        agreementId: request.agreementId ?? '',
        ...(request.dataAddress?.endpoint === undefined ? {} : { pushTo: request.dataAddress.endpoint }),
      };
      const step = transferStep(entry.record, { received: message });
      if (!step.ok) return { status: step.error.status, body: step.error.body };
      entry = { ...entry, record: step.value.record };
      const changes = this.#newChanges();
      changes.audit.push({
        actor: sender.did,
        action: `transfer.${(message as { '@type': string })['@type']}`,
        resource: entry.agreementId,
        outcome: 'received',
      });
      if (!step.value.duplicate && role === 'provider' && entry.record.protocolState === 'REQUESTED') {
        entry = await this.#decideTransfer(entry, sender, changes);
      }
      changes.records.push(this.#write('transfer', ownPid, entry, stored));
      if (initial && counterPid !== undefined) {
        changes.records.push({
          kind: 'transfer-by-counter',
          id: `${sender.did} ${counterPid}`,
          value: { pid: ownPid },
        });
      }
      await this.#commit(changes);
      // The provider ended a transfer to this node (it refused to push under the agreement, or a newer
      // one took over): see at once whether the dataset must be negotiated again.
      if (role === 'consumer' && entry.record.protocolState === 'TERMINATED' && !step.value.duplicate)
        this.#scheduleRenewalCheck(0);
      return initial ? { status: 201, body: transferAcknowledgement(entry.record) } : { status: 200 };
    });
  }

  /** Provider: starts a requested push transfer when its agreement allows it, else terminates it. */
  async #decideTransfer(entry: TransferEntry, sender: CallingNode, changes: Changes): Promise<TransferEntry> {
    const agreement = await this.#get<AgreementEntry>('agreement', entry.agreementId);
    let reason: string | undefined;
    if (
      agreement === undefined ||
      agreement.value.consumer === 'self' ||
      agreement.value.consumer.did !== sender.did
    ) {
      reason = `there is no agreement ${entry.agreementId} with ${sender.bpnl}`;
    } else if (!this.#isOwnEndpoint(entry.pushTo, agreement.value.consumer)) {
      reason = `the push address ${entry.pushTo ?? '(none)'} is not on the consumer's own node ${agreement.value.consumer.url}`;
    } else {
      const verdict = this.#judgeUse(agreement.value, sender);
      if (!verdict.allowed) reason = verdict.reason;
    }
    changes.audit.push({
      actor: sender.did,
      action: 'transfer.decide',
      resource: entry.agreementId,
      outcome: reason === undefined ? 'granted' : 'denied',
      ...(reason === undefined ? {} : { reason }),
    });
    const dataset = agreement?.value.dataset ?? '';
    const decision =
      reason === undefined
        ? ({ decide: { kind: 'start' } } as const)
        : ({ decide: { kind: 'terminate', code: 'policy-denied', reason: [reason] } } as const);
    const step = transferStep(entry.record, decision);
    if (!step.ok || step.value.send === undefined) return entry;
    const next = { ...entry, dataset, record: step.value.record };
    changes.outbox.push(this.#outgoing('transfer', next, step.value.send));
    if (reason === undefined) {
      // A renewed agreement's transfer takes over: the partner's earlier transfers of the dataset end.
      for (const stored of await this.#store.exchange.listRecords('transfer', { limit: 10000 })) {
        const other = stored.value as TransferEntry;
        if (
          stored.id === entry.record.providerPid ||
          other.record.role !== 'provider' ||
          other.dataset !== dataset ||
          other.partner.did !== sender.did ||
          other.record.protocolState !== 'STARTED'
        )
          continue;
        this.#terminateTransfer(
          { value: other, version: stored.version },
          'superseded',
          `superseded by the transfer under agreement ${entry.agreementId}`,
          changes,
        );
      }
    }
    return next;
  }

  /** Provider: ends a started transfer (its message and new state in `changes`, audited). */
  #terminateTransfer(stored: Stored<TransferEntry>, code: string, reason: string, changes: Changes): boolean {
    const step = transferStep(stored.value.record, { decide: { kind: 'terminate', code, reason: [reason] } });
    if (!step.ok || step.value.send === undefined) return false;
    const next = { ...stored.value, record: step.value.record };
    changes.outbox.push(this.#outgoing('transfer', next, step.value.send));
    changes.records.push(this.#write('transfer', stored.value.record.providerPid!, next, stored));
    changes.audit.push({
      actor: stored.value.partner.did,
      action: 'transfer.terminate',
      resource: stored.value.dataset,
      outcome: 'sent',
      reason: `${code}: ${reason}`,
    });
    return true;
  }

  #judgeUse(
    agreement: AgreementEntry,
    sender: { bpnl: string; did: string },
  ): { allowed: true } | { allowed: false; reason: string } {
    const policy = parsePolicy(agreement.policy);
    if (!policy.ok) return { allowed: false, reason: 'the agreement policy cannot be read' };
    const decision = evaluatePolicy(policy.value, {
      action: 'use',
      requester: { bpnl: sender.bpnl, did: sender.did, membership: { status: 'valid' } },
      purpose: purposeOf(agreement.dataset),
      at: new Date(this.#now()),
      tierDepth: 0,
    });
    return decision.allowed ? { allowed: true } : { allowed: false, reason: decision.reasons.join('; ') };
  }

  #isOwnEndpoint(endpoint: string | undefined, partner: Partner): boolean {
    if (endpoint === undefined) return false;
    return endpoint === partner.url || endpoint.startsWith(`${partner.url}/`);
  }

  // --- data plane -----------------------------------------------------------------------------

  /** Consumer: a pushed payload arrives on one of its transfers. */
  async #received(sender: CallingNode, pid: string, body: unknown): Promise<Answer> {
    const push = await this.#pushOf(sender, pid, body);
    return 'status' in push ? push : (await this.#applyPushes(sender, [push]))[0]!;
  }

  /**
   * Consumer: a run of pushes from one signed batch (node/batch.ts), applied in one transaction
   * (node/inbox.ts); an answer per message, up to the first to be retried.
   */
  async #receivedRun(sender: CallingNode, messages: readonly BatchMessage[]): Promise<Answer[]> {
    const checked: (Push | Answer)[] = [];
    for (const message of messages) {
      const push = await this.#pushOf(sender, pushPid(message.path)!, message.body);
      checked.push(push);
      if ('status' in push && isRetryableStatus(push.status)) break;
    }
    const pushes = checked.filter((entry): entry is Push => !('status' in entry));
    const applied = pushes.length === 0 ? [] : await this.#applyPushes(sender, pushes);
    let next = 0;
    return checked.map((entry) => ('status' in entry ? entry : applied[next++]!));
  }

  async #applyPushes(sender: CallingNode, pushes: readonly Push[]): Promise<Answer[]> {
    const { answers, replan } = await applyPushes(sender, pushes, {
      company: this.#options.company,
      view: this.#options.network,
      effective: () => this.#effectiveNetwork(),
      now: this.#now,
      store: this.#store.exchange,
      commit: (changes) => this.#connector.commit(changes),
      locked: (keys, work) => this.#lockedAll(keys, work),
    });
    if (replan) this.scheduleReplan();
    return answers;
  }

  /** The push a message is, or the answer that refuses it (no started transfer from the sender, …). */
  async #pushOf(sender: CallingNode, pid: string, body: unknown): Promise<Push | Answer> {
    const stored = await this.#get<TransferEntry>('transfer', pid);
    if (
      stored === undefined ||
      stored.value.partner.did !== sender.did ||
      stored.value.record.role !== 'consumer'
    ) {
      return { status: 404, body: { code: 'not-found', message: 'no transfer with this id from you' } };
    }
    const state = stored.value.record.protocolState;
    if (state === 'TERMINATED' || state === 'COMPLETED') {
      // Ended for good (e.g. superseded by the transfer of a renewed agreement, which carries the data
      // from now on): refused, not 409, or the sender would retry it forever and hold back every later
      // message to this node behind it.
      return {
        status: 410,
        body: { code: 'transfer-ended', message: `the transfer is ${state}; push on the current one` },
      };
    }
    if (state !== 'STARTED') {
      return {
        status: 409,
        body: { code: 'not-started', message: `the transfer is ${state}, not STARTED` },
      };
    }
    const transfer = stored.value;
    const kind = parseDatasetId(transfer.dataset)?.kind;
    if (kind === undefined)
      return {
        status: 409,
        body: { code: 'not-a-push-dataset', message: `nothing is pushed on ${transfer.dataset}` },
      };
    const envelope = body as { messageId?: unknown; aspect?: unknown; payload?: unknown } | undefined;
    const aspect = aspectOfMessage(envelope?.aspect, envelope?.payload);
    // The aspect must be one the dataset carries, from the side of the relationship that sends it.
    const roles = relationsOf(this.#options.network, this.#options.company).get(transfer.partner.company);
    const owner = aspect === undefined ? undefined : ASPECT_SPECS[aspect].owner;
    const fits =
      aspect !== undefined &&
      ASPECT_SPECS[aspect].dataset === kind &&
      (owner === 'either' || roles?.has(owner === 'customer' ? 'supplier' : 'customer') === true);
    if (typeof envelope?.messageId !== 'string' || !fits) {
      const carried = Object.values(ASPECT_SPECS)
        .filter((spec) => spec.dataset === kind)
        .map((spec) => spec.model);
      return {
        status: 400,
        body: {
          code: 'invalid-message',
          message: `expected { messageId, aspect, payload } with an aspect ${transfer.dataset} carries from ${transfer.partner.company} (${[...new Set(carried)].join(', ')}), not ${JSON.stringify(envelope?.aspect)}`,
        },
      };
    }
    return {
      aspect,
      payload: envelope.payload,
      messageId: envelope.messageId,
      partner: transfer.partner.company,
      dataset: transfer.dataset,
      model: String(ASPECT_SPECS[aspect].model),
    };
  }

  /** Plans again (coalesced) and pushes what changed to the partners. */
  scheduleReplan(): void {
    if (this.#closed) return;
    if (this.#replanning !== undefined) {
      this.#replanAgain = true;
      return;
    }
    if (this.#replanRetry !== undefined) {
      clearTimeout(this.#replanRetry);
      this.#timers.delete(this.#replanRetry);
      this.#replanRetry = undefined;
    }
    this.#replanning = (async () => {
      do {
        this.#replanAgain = false;
        try {
          await this.#replanAndPush();
          this.#replanFailures = 0;
        } catch (error) {
          // A plan, or a commit of its orders or pushes (up to PUSHES_PER_COMMIT in one transaction),
          // failed: what was not committed is rebuilt by the next plan (a push is marked pushed only in
          // the commit that puts it in the outbox), so plan again soon, with backoff, whatever else
          // happens; the events the plan is made of are in the log already.
          const delay = backoffDelay(this.#replanFailures, { initialMs: 500, maxMs: 60_000 });
          this.#replanFailures += 1;
          this.#options.log?.(
            `${this.#options.company}: re-plan failed: ${(error as Error).message}; planning again in ${(delay / 1000).toFixed(1)} s`,
          );
          this.#retryReplan(delay);
          return;
        }
      } while (this.#replanAgain && !this.#closed);
    })().finally(() => {
      this.#replanning = undefined;
    });
  }

  #retryReplan(delayMs: number): void {
    if (this.#closed) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      if (this.#replanRetry === timer) this.#replanRetry = undefined;
      this.scheduleReplan();
    }, delayMs);
    timer.unref?.();
    this.#timers.add(timer);
    this.#replanRetry = timer;
  }

  /** Whether a re-plan is running now (one waiting on its retry timer is not). */
  get replanning(): boolean {
    return this.#replanning !== undefined;
  }

  /** Resolves when no re-plan is running (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.#replanning !== undefined) await this.#replanning;
  }

  async #readEffective() {
    return readEffectiveNetwork(
      {
        getVersion: (name, version) => this.#store.networks.getVersion(name, version),
        readEvents: (query) => this.#store.events.read(query),
      },
      this.networkName,
    );
  }

  /** The node's network with its recorded events applied (its view when that cannot be read). */
  async #effectiveNetwork(): Promise<Network> {
    const effective = await this.#readEffective();
    return effective.ok ? effective.value.network : this.#options.network;
  }

  /** The orders this node sent, by id, with what their suppliers answered. */
  async #sentOrders(): Promise<Map<string, SentOrder>> {
    const records = await this.#store.exchange.listRecords('sent-order', { limit: 100000 });
    return new Map(records.map((record) => [record.id, record.value as SentOrder]));
  }

  /**
   * What this node plans around besides its events' windows: its own lanes that its suppliers'
   * answers close (`heldBackWindows`). The status service plans with them too, so both plan alike.
   */
  async heldBackWindows(network: Network): Promise<BlockedShipping[]> {
    return heldBackWindows(network, this.#options.company, await this.#sentOrders(), openOrderIds(network));
  }

  async #replanAndPush(): Promise<void> {
    let effective = await this.#readEffective();
    if (!effective.ok) {
      this.#options.log?.(`cannot read the network to plan: ${JSON.stringify(effective.error)}`);
      return;
    }
    const sentOrders = await this.#sentOrders();
    // What suppliers' answers say they will not ship is planned elsewhere (heldBackWindows).
    const planWith = (network: Network, blocked: readonly BlockedShipping[]) =>
      planNetwork(network, {
        blocked: [
          ...blocked,
          ...heldBackWindows(network, this.#options.company, sentOrders, openOrderIds(network)),
        ],
      });
    let plan = planWith(effective.value.network, effective.value.blocked);
    if (this.#options.releaseOrders !== false && this.#wants('orders')) {
      // Purchases that must ship now become orders (open orders of this node), then the node plans again.
      const released = releasePurchaseOrders(effective.value.network, plan, this.#options.company, {
        at: new Date(this.#now()).toISOString(),
        source: `node:${this.#options.company}`,
      });
      const openIds = openOrderIds(effective.value.network);
      const events = released.events.filter((_event, index) => {
        const order = released.orders[index]!;
        // Not to a supplier without a node, nor where the supplier's answers say it ships no more.
        return (
          this.#options.partners.has(order.supplier) && heldBack(order, sentOrders, openIds) === undefined
        );
      });
      if (events.length > 0) {
        await this.#connector.commit({
          events,
          audit: [
            {
              actor: this.#self.did,
              action: 'order.release',
              resource: this.networkName,
              outcome: 'applied',
              reason: `${events.length} planned purchase(s) released as orders`,
            },
          ],
        });
        effective = await this.#readEffective();
        if (!effective.ok) return;
        plan = planWith(effective.value.network, effective.value.blocked);
      }
    }
    const transfers = new Map<string, TransferEntry>();
    for (const record of await this.#store.exchange.listRecords('transfer', { limit: 10000 })) {
      const entry = record.value as TransferEntry;
      if (entry.record.role === 'provider' && entry.record.protocolState === 'STARTED')
        transfers.set(entry.dataset, entry);
    }
    const company = this.#options.company;
    const values = async <T>(kind: string) =>
      (await this.#store.exchange.listRecords(kind, { limit: 100000 })).map((record) => record.value as T);
    const { payloads, problems } = outgoingPayloads({
      network: effective.value.network,
      base: this.#options.network,
      plan,
      blocked: effective.value.blocked,
      company,
      changedAt: new Date(this.#now()).toISOString(),
      heldOrders: await values<HeldOrder>('held-order'),
      sentOrders,
      told: (await values<ToldDisruption>('told-disruption')).filter(
        (told) => told.disruption.status === 'open',
      ),
      sends: (partner, aspect) =>
        this.#wants(aspect) && transfers.has(datasetId(company, ASPECT_SPECS[aspect].dataset, partner)),
    });
    for (const problem of problems) this.#options.log?.(`${company}: cannot build ${problem}`);
    let replan = false;
    // The plan's pushes go in one commit (a transaction and a statement per table for many messages,
    // instead of one each), at most PUSHES_PER_COMMIT at a time; the outbox sends them in order.
    let pushes: PushChanges = { records: [], events: [], outbox: [], audit: [] };
    let count = 0;
    const flush = async () => {
      if (count === 0) return;
      const { events, ...rest } = pushes;
      await this.#connector.commit(events.length === 0 ? rest : { ...rest, events });
      pushes = { records: [], events: [], outbox: [], audit: [] };
      count = 0;
    };
    for (const outgoing of payloads) {
      const transfer = transfers.get(
        datasetId(company, ASPECT_SPECS[outgoing.aspect].dataset, outgoing.partner),
      );
      if (transfer === undefined) continue;
      if (!(await this.#push(transfer, outgoing, pushes))) continue;
      replan ||= (outgoing.events?.length ?? 0) > 0;
      count += 1;
      if (count >= PUSHES_PER_COMMIT) await flush();
    }
    await flush();
    // An answer that took an order's demand back changed the plan.
    if (replan) this.#replanAgain = true;
  }

  /** Whether the node deals in `aspect` at all (its `aspects` option). */
  #wants(aspect: ExchangeAspect): boolean {
    return this.#options.aspects === undefined || this.#options.aspects.includes(aspect);
  }

  /**
   * Provider: pushes one payload on a started transfer when its content changed since the last push of
   * the same key and the agreement's policy allows the use now: adds the message, its records, events
   * and audit entry to `pushes` (committed by the caller). True when it was added. A denial is
   * committed here, at once.
   */
  async #push(transfer: TransferEntry, outgoing: OutgoingPayload, pushes: PushChanges): Promise<boolean> {
    const pid = transfer.record.providerPid!;
    const model = ASPECT_SPECS[outgoing.aspect].model;
    const key = `${pid}|${outgoing.key}`;
    const hash = canonicalJson(payloadContent(outgoing.payload));
    const last = await this.#get<string>('pushed', key);
    if (last?.value === hash) return false;
    const agreement = await this.#get<AgreementEntry>('agreement', transfer.agreementId);
    const verdict =
      agreement === undefined
        ? { allowed: false as const, reason: 'the agreement is gone' }
        : this.#judgeUse(agreement.value, transfer.partner);
    if (!verdict.allowed) {
      // Audited once per content: the next plan tries again, without a new entry for the same refusal.
      if ((await this.#get<string>('push-denied', key))?.value === hash) return false;
      await this.#locked(`transfer:${pid}`, async () => {
        const changes = this.#newChanges();
        changes.records.push({ kind: 'push-denied', id: key, value: hash });
        changes.audit.push({
          actor: transfer.partner.did,
          action: 'data.push',
          resource: transfer.dataset,
          outcome: 'denied',
          reason: verdict.reason,
        });
        // Nothing more goes out under this agreement: the transfer ends with the reason, and the
        // consumer negotiates again under the current offer (renewal.ts).
        const stored = await this.#get<TransferEntry>('transfer', pid);
        if (stored !== undefined && stored.value.record.protocolState === 'STARTED')
          this.#terminateTransfer(stored, 'policy-denied', verdict.reason, changes);
        await this.#commit(changes);
      });
      return false;
    }
    if (model !== ORDER_FORMAT) {
      // Checked before it leaves: the schemas are the contract with the rest of the data space.
      const valid = validateAspectPayload(model, outgoing.payload);
      if (!valid.ok) {
        this.#options.log?.(
          `${this.#options.company}: not sending ${outgoing.summary}: ${valid.error.map((problem) => `${problem.path || '/'} ${problem.message}`).join('; ')}`,
        );
        return false;
      }
    }
    const messageId = `urn:uuid:${crypto.randomUUID()}`;
    const to = transfer.pushTo!;
    pushes.records.push({ kind: 'pushed', id: key, value: hash }, ...(outgoing.records ?? []));
    pushes.events.push(...(outgoing.events ?? []));
    pushes.outbox.push({
      id: messageId,
      to: transfer.partner.url,
      path: to.slice(transfer.partner.url.length),
      body: { messageId, aspect: model, agreementId: transfer.agreementId, payload: outgoing.payload },
      kind: `aspect:${model}`,
      correlation: `push:${pid}`,
    });
    pushes.audit.push({
      actor: transfer.partner.did,
      action: 'data.push',
      resource: transfer.dataset,
      outcome: 'granted',
      ...(outgoing.aspect === 'material-demand' ? {} : { reason: outgoing.summary }),
    });
    return true;
  }

  // --- connecting to customers (consumer side) -------------------------------------------------

  /**
   * Reads the partner's catalog and negotiates `dataset` (meant for this node); retried while it is
   * down. A `renewal` negotiates again beside a finalized agreement (renewal.ts): under the provider's
   * current offer, and for an agreement that is ending only when that offer ends later.
   */
  #connect(customer: string, dataset: string, attempt: number, renewal?: Renewal): void {
    if (this.#closed) return;
    this.#connecting.add(dataset);
    const run = async () => {
      if (this.#closed) return; // closed while it waited at the gate
      const url = this.#options.partners.get(customer);
      const bpnl = this.#bpnlOf(customer);
      if (url === undefined || bpnl === undefined) return;
      const existing = (await this.#store.exchange.listRecords('negotiation', { limit: 10000 })).some(
        (record) => {
          const entry = record.value as NegotiationEntry;
          const state = entry.record.protocolState;
          return (
            entry.dataset === dataset &&
            state !== 'TERMINATED' &&
            (renewal === undefined || state !== 'FINALIZED')
          );
        },
      );
      if (existing) return;
      const catalog = await this.#request(url, '/dsp/catalog/request', {
        '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
        '@type': 'CatalogRequestMessage',
      });
      if (!catalog.ok) throw new Error(catalog.error);
      const offered = ((catalog.answer as { dataset?: unknown[] }).dataset ?? []) as {
        '@id': string;
        hasPolicy?: { '@id': string }[];
      }[];
      const match = offered.find((entry) => entry['@id'] === dataset);
      const offer = match?.hasPolicy?.[0];
      if (offer === undefined) return; // Nothing is offered to this node (yet).
      const partner = this.#partnerFromUrl(customer, url, bpnl);
      if (partner === undefined) return;
      const audit: AuditInput[] = [];
      if (renewal !== undefined) {
        const end = usageEndOf(offer);
        if (
          renewal.why !== 'refused' &&
          renewal.end !== undefined &&
          end !== undefined &&
          end <= renewal.end
        ) {
          // The provider offers no later end (a fixed date): renewing would change nothing. Said once.
          this.#noLaterOffer.add(renewal.agreementId);
          await this.#connector.commit({
            audit: [
              {
                actor: this.#self.did,
                action: 'agreement.renew',
                resource: dataset,
                outcome: 'skipped',
                reason: `${renewal.reason}; ${customer}'s current offer ends at ${new Date(end).toISOString()}, no later`,
              },
            ],
          });
          return;
        }
        audit.push({
          actor: this.#self.did,
          action: 'agreement.renew',
          resource: dataset,
          outcome: 'sent',
          reason: `${renewal.reason}: negotiating again under ${customer}'s current offer${end === undefined ? '' : `, which ends at ${new Date(end).toISOString()}`}`,
        });
      }
      const pid = `urn:uuid:${crypto.randomUUID()}`;
      const record = createNegotiation({
        role: 'consumer',
        pid,
        ownAddress: `${this.#connector.url}/dsp/callback`,
        counterPartyAddress: `${url}/dsp`,
      });
      const { '@id': offerId, ...policy } = offer as { '@id': string } & DspJsonObject;
      const step = negotiationStep(record, {
        decide: { kind: 'request', offer: { id: offerId, target: dataset, policy: policy as DspJsonObject } },
      });
      if (!step.ok || step.value.send === undefined)
        throw new Error(step.ok ? 'nothing to send' : step.error.message);
      const entry: NegotiationEntry = { record: step.value.record, partner, dataset };
      const changes = this.#newChanges();
      changes.outbox.push(this.#outgoing('negotiation', entry, step.value.send));
      changes.records.push({ kind: 'negotiation', id: pid, value: entry, expectedVersion: 0 });
      changes.audit.push(...audit, {
        actor: this.#self.did,
        action: 'negotiation.request',
        resource: dataset,
        outcome: 'sent',
      });
      // Through a gate the connect holds its place until the negotiation ends (at most a minute),
      // so the gate bounds the negotiations under way, not only how many start.
      const ended = this.#options.connectGate === undefined ? undefined : this.#negotiationEnded(pid, 60_000);
      await this.#commit(changes);
      await ended;
    };
    const gate = this.#options.connectGate;
    (gate === undefined ? run() : gate.run(`${this.#options.company} ${dataset}`, run)).then(
      () => this.#connecting.delete(dataset),
      (error: unknown) => {
        const delay = backoffDelay(attempt, { initialMs: 500, maxMs: 15_000 });
        // Partners start at their own pace: say so only when it keeps failing.
        if (attempt >= 4) {
          this.#options.log?.(
            `${this.#options.company}: connecting to ${customer} failed (${(error as Error).message}); trying again in ${Math.round(delay / 1000)} s`,
          );
        }
        const timer = setTimeout(() => {
          this.#timers.delete(timer);
          this.#connect(customer, dataset, attempt + 1, renewal);
        }, delay);
        timer.unref?.();
        this.#timers.add(timer);
      },
    );
  }

  // --- renewal (consumer side) -----------------------------------------------------------------

  /** Looks at the agreements after `delay` ms, and every `checkEvery` from then on. */
  #scheduleRenewalCheck(delay: number): void {
    if (this.#closed) return;
    if (this.#renewalTimer !== undefined) clearTimeout(this.#renewalTimer);
    this.#renewalTimer = setTimeout(() => {
      this.#renewalTimer = undefined;
      if (this.#renewing !== undefined) {
        this.#scheduleRenewalCheck(100);
        return;
      }
      this.#renewing = this.#checkRenewals()
        .catch((error: unknown) =>
          this.#options.log?.(
            `${this.#options.company}: checking the agreements for renewal failed: ${(error as Error).message}`,
          ),
        )
        .finally(() => {
          this.#renewing = undefined;
          if (this.#renewalTimer === undefined) this.#scheduleRenewalCheck(this.#timing.checkEvery);
        });
    }, delay);
    this.#renewalTimer.unref?.();
  }

  /** Negotiates again each dataset whose agreement ends soon, ended, or that the provider stopped pushing. */
  async #checkRenewals(): Promise<void> {
    const consumed = this.#consumed().filter((entry) => !this.#connecting.has(entry.dataset));
    if (consumed.length === 0) return;
    const [negotiations, transfers] = await Promise.all([
      this.#store.exchange.listRecords('negotiation', { limit: 10000 }),
      this.#store.exchange.listRecords('transfer', { limit: 10000 }),
    ]);
    const now = this.#now();
    for (const { partner, dataset, pushed } of consumed) {
      const mine = negotiations
        .filter((stored) => {
          const entry = stored.value as NegotiationEntry;
          return entry.dataset === dataset && entry.record.role === 'consumer';
        })
        .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      const current = mine
        .map((stored) => stored.value as NegotiationEntry)
        .find((entry) => entry.record.protocolState === 'FINALIZED' && entry.agreementId !== undefined);
      if (current === undefined) continue;
      const agreementId = current.agreementId!;
      const agreement = await this.#get<AgreementEntry>('agreement', agreementId);
      const end = agreement === undefined ? undefined : usageEndOf(agreement.value.policy);
      const verdict = renewalDue(
        {
          negotiating: mine.some((stored) => {
            const state = (stored.value as NegotiationEntry).record.protocolState;
            return state !== 'FINALIZED' && state !== 'TERMINATED';
          }),
          agreement: { id: agreementId, ...(end === undefined ? {} : { end }) },
          pushed,
          transferRunning: transfers.some((stored) => {
            const entry = stored.value as TransferEntry;
            return (
              entry.agreementId === agreementId &&
              entry.record.role === 'consumer' &&
              entry.record.protocolState !== 'TERMINATED' &&
              entry.record.protocolState !== 'COMPLETED'
            );
          }),
        },
        now,
        this.#timing,
      );
      if (!verdict.renew || (verdict.why !== 'refused' && this.#noLaterOffer.has(agreementId))) continue;
      this.#connect(partner, dataset, 0, { ...verdict, agreementId, ...(end === undefined ? {} : { end }) });
    }
  }

  /** A signed request-response to a partner (the catalog), outside the outbox. */
  async #request(
    url: string,
    path: string,
    body: unknown,
  ): Promise<{ ok: true; answer: unknown } | { ok: false; error: string }> {
    const send = httpSender({
      identity: this.#connector.identity,
      credential: () => this.#connector.credential(),
    });
    const result = await send({
      id: `urn:uuid:${crypto.randomUUID()}`,
      to: url,
      path,
      body,
      kind: 'dspace:request',
      sequence: 0,
      createdAt: '',
      attempts: 0,
      nextAttemptAt: '',
    } satisfies OutboxMessage);
    return result.kind === 'delivered'
      ? { ok: true, answer: result.answer }
      : { ok: false, error: result.error };
  }

  // --- delivery confirmations ------------------------------------------------------------------

  async #delivered(message: OutboxMessage, answer: unknown): Promise<void> {
    const [kind, pid, sequenceText] = (message.correlation ?? '').split('|');
    if ((kind !== 'negotiation' && kind !== 'transfer') || pid === undefined) return;
    const sequence = Number(sequenceText);
    await this.#locked(`${kind}:${pid}`, async () => {
      if (kind === 'negotiation') {
        const stored = await this.#get<NegotiationEntry>('negotiation', pid);
        if (stored === undefined) return;
        const ack = isProcess(answer, 'ContractNegotiation') ? answer : undefined;
        const confirmed = confirmNegotiationSent(stored.value.record, sequence, ack as never);
        if (!confirmed.ok || confirmed.value === stored.value.record) return;
        const changes = this.#newChanges();
        let entry: NegotiationEntry = { ...stored.value, record: confirmed.value };
        if (entry.record.counterPartyAddress === undefined) return;
        entry = this.#decideNegotiation(
          entry,
          { did: entry.partner.did, bpnl: entry.partner.bpnl } as CallingNode,
          changes,
        );
        changes.records.push(this.#write('negotiation', pid, entry, stored));
        await this.#commit(changes);
      } else {
        const stored = await this.#get<TransferEntry>('transfer', pid);
        if (stored === undefined) return;
        const ack = isProcess(answer, 'TransferProcess') ? answer : undefined;
        const confirmed = confirmTransferSent(stored.value.record, sequence, ack as never);
        if (!confirmed.ok || confirmed.value === stored.value.record) return;
        const changes = this.#newChanges();
        changes.records.push(
          this.#write('transfer', pid, { ...stored.value, record: confirmed.value }, stored),
        );
        await this.#commit(changes);
        // A started push transfer: send the current forecast at once.
        if (confirmed.value.role === 'provider' && confirmed.value.protocolState === 'STARTED')
          this.scheduleReplan();
      }
    });
  }

  /** After a restart: messages the outbox delivered whose confirmation a crash cut off. */
  async #reconcile(): Promise<void> {
    const delivered = await this.#store.exchange.listMessages({ state: 'delivered', limit: 10000 });
    for (const kind of ['negotiation', 'transfer'] as const) {
      for (const stored of await this.#store.exchange.listRecords(kind, { limit: 10000 })) {
        const record = (stored.value as NegotiationEntry | TransferEntry).record;
        if (record.pending === undefined) continue;
        const ownPid = record.role === 'consumer' ? record.consumerPid : record.providerPid;
        const message = delivered.find(
          (entry) => entry.correlation === `${kind}|${ownPid}|${record.pending!.sequence}`,
        );
        // The first message's answer (the counter-party's pid) is not kept: the counter-party's next
        // message tells it, so only later messages are confirmed here.
        if (
          message !== undefined &&
          (record.role === 'consumer' ? record.providerPid : record.consumerPid) !== undefined
        ) {
          await this.#delivered(message, undefined);
        }
      }
    }
  }

  // --- processes that stall (stall.ts) ------------------------------------------------------------

  /** A process write with the watch of its state (unchanged while the state is, new when it moved). */
  #watched(write: RecordWrite, now: number): RecordWrite {
    if (write.kind !== 'negotiation' && write.kind !== 'transfer') return write;
    const entry = write.value as NegotiationEntry | TransferEntry;
    const watch = watchOf(write.kind, entry.record.state, entry.watch, now, this.#stall);
    if (watch === entry.watch) return write;
    const { watch: _old, ...rest } = entry;
    return { ...write, value: watch === undefined ? rest : { ...rest, watch } };
  }

  /** Looks at the waiting processes at `at` (ms since the epoch), unless a look comes sooner. */
  #scheduleStallCheck(at: number): void {
    if (this.#closed) return;
    if (this.#stallTimer !== undefined) {
      if (this.#stallAt <= at) return;
      clearTimeout(this.#stallTimer);
    }
    this.#stallAt = at;
    this.#stallTimer = setTimeout(
      () => {
        this.#stallTimer = undefined;
        this.#runStallChecks();
      },
      Math.max(0, at - this.#now()),
    );
    this.#stallTimer.unref?.();
  }

  #runStallChecks(): void {
    if (this.#closed) return;
    if (this.#checkingStalls !== undefined) {
      this.#stallAgain = true;
      return;
    }
    this.#checkingStalls = (async () => {
      do {
        this.#stallAgain = false;
        try {
          await this.#checkStalls();
        } catch (error) {
          this.#options.log?.(
            `${this.#options.company}: checking the waiting negotiations and transfers failed: ${(error as Error).message}`,
          );
          this.#scheduleStallCheck(this.#now() + this.#stall.deadlineMs);
        }
      } while (this.#stallAgain && !this.#closed);
    })().finally(() => {
      this.#checkingStalls = undefined;
    });
  }

  /** Checks every process whose deadline passed, and sets the timer to the next deadline. */
  async #checkStalls(): Promise<void> {
    let next: number | undefined;
    for (const kind of ['negotiation', 'transfer'] as const) {
      for (const stored of await this.#store.exchange.listRecords(kind, { limit: 10000 })) {
        if (this.#closed) return;
        const entry = stored.value as NegotiationEntry | TransferEntry;
        // A record written before deadlines were kept: its state's deadline runs from its last write.
        const watch =
          entry.watch ??
          watchOf(kind, entry.record.state, undefined, Date.parse(stored.updatedAt), this.#stall);
        if (watch === undefined || watch.state !== entry.record.state) continue;
        let due: number | undefined = Date.parse(watch.dueAt);
        if (due <= this.#now()) due = await this.#checkProcess(kind, stored.id, watch);
        if (due !== undefined && (next === undefined || due < next)) next = due;
      }
    }
    if (next !== undefined) this.#scheduleStallCheck(next);
  }

  /**
   * One check of a process past its deadline: asks the partner for the state, confirms the pending
   * message when the partner already reached its state, sends it again when the outbox gave it up,
   * and waits for the next check, or ends the process. The next check's time, if any.
   */
  async #checkProcess(kind: ProcessKind, pid: string, watch: ProcessWatch): Promise<number | undefined> {
    const before = await this.#get<NegotiationEntry | TransferEntry>(kind, pid);
    if (before === undefined) return undefined;
    const answer = await this.#askState(kind, before.value);
    const pending = before.value.record.pending;
    if (pending !== undefined && answer.kind === 'state' && answer.state === pending.target) {
      // The message arrived and the answer was lost: the partner's state proves it.
      await this.#delivered(
        { correlation: `${kind}|${pid}|${pending.sequence}` } as OutboxMessage,
        undefined,
      );
      const after = await this.#get<NegotiationEntry | TransferEntry>(kind, pid);
      if (after !== undefined && after.version !== before.version) return undefined;
    }
    return this.#locked(`${kind}:${pid}`, async () => {
      const stored = await this.#get<NegotiationEntry | TransferEntry>(kind, pid);
      // Moved meanwhile: its new state has its own deadline, set by that commit.
      if (stored === undefined || stored.version !== before.version) return undefined;
      const entry = stored.value;
      const { record, partner } = entry;
      const resource = entry.dataset || (entry as TransferEntry).agreementId || pid;
      const now = this.#now();
      const verdict = stallVerdict(kind, watch, partner.company, answer, now, this.#stall);
      const changes = this.#newChanges();
      if (verdict.kind === 'wait') {
        changes.records.push(this.#write(kind, pid, { ...entry, watch: verdict.watch }, stored));
        if (
          record.pending !== undefined &&
          (
            await this.#store.exchange.listMessages({
              state: 'pending',
              correlation: `${kind}|${pid}|${record.pending.sequence}`,
              limit: 1,
            })
          ).length === 0
        )
          // The outbox gave the message up (the partner refused it): it goes once more, the same
          // message, which the partner takes as a redelivery if it had it.
          changes.outbox.push(this.#outgoing(kind, entry, record.pending));
        const text = `${kind} ${pid} (${resource}) waits in ${record.state} since ${watch.since}: ${verdict.watch.last}`;
        changes.audit.push({
          actor: this.#self.did,
          action: `${kind}.stalled`,
          resource,
          outcome: 'retried',
          reason: text,
        });
        this.#options.log?.(`${this.#options.company}: ${text}`);
        await this.#commit(changes);
        return Date.parse(verdict.watch.dueAt);
      }
      const why = { code: verdict.code, reason: [verdict.reason] };
      const abandoned =
        kind === 'negotiation'
          ? abandonNegotiation(record as NegotiationRecord, why)
          : abandonTransfer(record as TransferRecord, why);
      const notify = verdict.tell ? abandoned.notify : undefined;
      const { watch: _watch, ...rest } = entry;
      const ended: ProcessEnd = {
        code: verdict.code,
        reason: verdict.reason,
        at: new Date(now).toISOString(),
        told: notify !== undefined,
      };
      const next = { ...rest, record: abandoned.record, ended } as NegotiationEntry | TransferEntry;
      changes.records.push(this.#write(kind, pid, next, stored));
      if (notify !== undefined) {
        // Not pending: nothing waits for the answer (the partner may never give one). Its correlation
        // names no sequence, so its delivery confirms nothing.
        const out = this.#outgoing(kind, next, { ...notify, sequence: Number.NaN });
        changes.outbox.push({ ...out, correlation: `${kind}|${pid}|end` });
      }
      const told =
        notify !== undefined
          ? `; ${partner.company} is told (${(notify.message as { '@type': string })['@type']})`
          : `; no termination sent (${verdict.tell ? `DSP gives the ${record.role} none from ${record.protocolState}` : 'it ended there'})`;
      changes.audit.push({
        actor: this.#self.did,
        action: `${kind}.terminate`,
        resource,
        outcome: notify !== undefined ? 'sent' : 'ended',
        reason: `${verdict.code}: ${verdict.reason}${told}`,
      });
      this.#options.log?.(
        `${this.#options.company}: ended ${kind} ${pid} with ${partner.company} (${resource}) in ${record.state}: ${verdict.code}: ${verdict.reason}${told}`,
      );
      await this.#commit(changes);
      // Its message still waiting in the outbox goes no more.
      if (record.pending !== undefined)
        for (const message of await this.#store.exchange.listMessages({
          state: 'pending',
          correlation: `${kind}|${pid}|${record.pending.sequence}`,
        }))
          await this.#store.exchange.markAbandoned(
            message.sequence,
            `the ${kind} was ended: ${verdict.code}`,
            new Date(now).toISOString(),
          );
      this.#afterStalledEnd(kind, entry);
      return undefined;
    });
  }

  /** What the partner says of the process (its state), or why it was not asked. */
  async #askState(kind: ProcessKind, entry: NegotiationEntry | TransferEntry): Promise<PartnerAnswer> {
    const { record, partner } = entry;
    const counter = record.role === 'consumer' ? 'providerPid' : 'consumerPid';
    const counterPid = record[counter];
    if (counterPid === undefined) return { kind: 'not-asked', detail: `its ${counter} is not known yet` };
    if (kind === 'transfer' && record.role === 'provider')
      return { kind: 'not-asked', detail: 'DSP has no transfer state query at the consumer' };
    const address = (record.counterPartyAddress ?? `${partner.url}/dsp`).replace(/\/+$/, '');
    if (!address.startsWith(partner.url))
      return { kind: 'not-asked', detail: `its address ${address} is not on its node ${partner.url}` };
    const path = `${address.slice(partner.url.length)}/${kind === 'negotiation' ? 'negotiations' : 'transfers'}/${encodeURIComponent(counterPid)}`;
    return askPartnerState(
      {
        identity: this.#connector.identity,
        credential: () => this.#connector.credential(),
        timeoutMs: 5000,
      },
      partner.url,
      path,
    );
  }

  /** After a stalled process ended: the consumer negotiates the dataset again (renewal for a transfer). */
  #afterStalledEnd(kind: ProcessKind, entry: NegotiationEntry | TransferEntry): void {
    if (entry.record.role !== 'consumer') return;
    if (kind === 'transfer') {
      this.#scheduleRenewalCheck(0);
      return;
    }
    const wanted = this.#consumed().find(
      (candidate) => candidate.dataset === entry.dataset && candidate.partner === entry.partner.company,
    );
    if (wanted !== undefined && !this.#connecting.has(wanted.dataset))
      this.#connect(wanted.partner, wanted.dataset, 1);
    else this.#scheduleRenewalCheck(0);
  }

  // --- helpers --------------------------------------------------------------------------------

  #outgoing(
    kind: 'negotiation' | 'transfer',
    entry: { record: NegotiationRecord | TransferRecord; partner: Partner },
    send: { sequence: number; address: string; path: string; message: unknown },
  ): OutboxInput {
    const ownPid = entry.record.role === 'consumer' ? entry.record.consumerPid : entry.record.providerPid;
    const base = entry.partner.url;
    const address = send.address.replace(/\/+$/, '');
    const prefix = address.startsWith(base) ? address.slice(base.length) : '';
    return {
      id: `urn:uuid:${crypto.randomUUID()}`,
      to: base,
      path: `${prefix}${send.path}`,
      body: send.message,
      kind: `dspace:${(send.message as DspMessage & { '@type': string })['@type']}`,
      correlation: `${kind}|${ownPid}|${send.sequence}`,
    };
  }

  #partnerOf(sender: CallingNode): Partner | undefined {
    const company = this.#options.network.companies.find(
      (entry) => entry.bpn === sender.bpnl && entry.id !== this.#options.company,
    );
    if (company === undefined) return undefined;
    const url = baseUrlOfDid(sender.did);
    if (url === undefined) return undefined;
    return { company: company.id, did: sender.did, bpnl: sender.bpnl, url };
  }

  #partnerFromUrl(company: string, url: string, bpnl: string): Partner | undefined {
    const did = didFromBaseUrl(url);
    return did.ok ? { company, did: did.value, bpnl, url } : undefined;
  }

  async #get<T>(kind: string, id: string): Promise<Stored<T> | undefined> {
    const record = await this.#store.exchange.getRecord(kind, id);
    return record === undefined ? undefined : { value: record.value as T, version: record.version };
  }

  #write<T>(kind: string, id: string, value: T, stored: Stored<T> | undefined): RecordWrite {
    return { kind, id, value, expectedVersion: stored?.version ?? 0 };
  }

  #newChanges(): Changes {
    return { records: [], outbox: [], audit: [] };
  }

  async #commit(changes: Changes): Promise<void> {
    // Every write of a process carries its deadline (a new one when its state moved), in the same commit.
    const now = this.#now();
    const records = changes.records.map((write) => this.#watched(write, now));
    const outcome = await this.#connector.commit({ ...changes, records } as ExchangeChanges);
    if (outcome.status === 'conflict') throw new Error(`the ${outcome.kind} ${outcome.id} changed meanwhile`);
    for (const write of records) {
      const due = (write.value as { watch?: ProcessWatch }).watch?.dueAt;
      if (due !== undefined && (write.kind === 'negotiation' || write.kind === 'transfer'))
        this.#scheduleStallCheck(Date.parse(due));
    }
    if (this.#ended.size === 0) return;
    for (const write of records) {
      if (write.kind !== 'negotiation') continue;
      const state = (write.value as NegotiationEntry).record.protocolState;
      if (state === 'FINALIZED' || state === 'TERMINATED') this.#ended.get(write.id)?.();
    }
  }

  /**
   * Resolves when the negotiation `pid` is committed FINALIZED or TERMINATED, after `timeoutMs`, or
   * when the service closes. Register before the negotiation's first message is committed.
   */
  #negotiationEnded(pid: string, timeoutMs: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#ended.delete(pid);
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      timer.unref?.();
      this.#ended.set(pid, done);
    });
  }

  /** Runs `work` holding the locks of all `keys` (taken in the order given: sort them). */
  async #lockedAll<T>(keys: readonly string[], work: () => Promise<T>): Promise<T> {
    const [first, ...rest] = keys;
    return first === undefined ? work() : this.#locked(first, () => this.#lockedAll(rest, work));
  }

  /** Runs `work` alone among the works with the same key (one process's steps never interleave). */
  async #locked<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.#locks.get(key) ?? Promise.resolve();
    const run = before.then(work, work);
    const tail = run.catch(() => undefined);
    this.#locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    }
  }
}

/** A renewal `#connect` makes: why, and the agreement it replaces. */
type Renewal = Extract<RenewalVerdict, { renew: true }> & {
  readonly agreementId: string;
  readonly end?: number;
};

interface Changes {
  records: RecordWrite[];
  outbox: OutboxInput[];
  audit: AuditInput[];
}

/** The pushes of one plan, committed together. */
interface PushChanges extends Changes {
  events: EventInput[];
}

/** Most pushes in one commit (a plan's pushes go in one transaction, this many at a time). */
const PUSHES_PER_COMMIT = 200;

/** An offer's rules for a catalog entry: the policy without its own id, type and target. */
function offerRules(offer: Policy): DspJsonObject {
  const {
    '@id': _id,
    '@type': _type,
    target: _target,
    '@context': _context,
    ...rules
  } = policyToJson(offer) as Record<string, unknown>;
  return rules as DspJsonObject;
}

/** The transfer id of a push path (`/exchange/push/<pid>`, the id URI-encoded), else undefined. */
function pushPid(path: string): string | undefined {
  const match = /^\/exchange\/push\/([^/?#]+)$/.exec(path);
  if (match === null) return undefined;
  try {
    return decodeURIComponent(match[1]!);
  } catch {
    return undefined;
  }
}

/** The calling node, as the server's node authentication (the connector's authenticator) set it. */
function callerOf(request: FastifyRequest): CallingNode {
  const principal = (request as { principal?: { kind: string; node?: unknown } }).principal;
  if (principal?.kind !== 'node') throw new Error('a node route ran without node authentication');
  return principal.node as CallingNode;
}

function isProcess(answer: unknown, type: string): boolean {
  return typeof answer === 'object' && answer !== null && (answer as { '@type'?: unknown })['@type'] === type;
}

/** The base URL of a node from its did:web identifier (its DID document URL without `did.json`). */
export function baseUrlOfDid(did: string): string | undefined {
  const url = didDocumentUrl(did);
  if (!url.ok) return undefined;
  const text = url.value.toString();
  return text.endsWith('/.well-known/did.json')
    ? text.slice(0, -'/.well-known/did.json'.length)
    : text.slice(0, -'/did.json'.length);
}

/** What `GET /api/v1/connector/received` lists: what partners sent, and the orders' answers. */
const RECEIVED_KINDS = [
  'received-demand',
  'received-capacity',
  'received-notification',
  'received-stock',
  'received-deliveries',
  'received-planned-output',
  'held-order',
  'sent-order',
];

/** The usage purpose a dataset's data is pushed for: its aspect's, else demand and capacity management. */
function purposeOf(dataset: string): string {
  const kind = parseDatasetId(dataset)?.kind;
  return kind === undefined ? DCM_PURPOSE : DATASET_PURPOSES[kind];
}
