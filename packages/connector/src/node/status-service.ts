/**
 * @module node/status-service
 * Chain-deep status with consent (issue 5, item 6): "what is the status of everything behind order X",
 * answered hop by hop.
 *
 * - Each node offers each direct customer a **status dataset** `urn:keten:<company>:status:<customer>`
 *   under an ODRL usage policy (the customer's BPNL in the access policy; membership, purpose
 *   `cx.dcm.base:1`, an optional expiry and keten's `ForwardDepth`: how many tiers beyond the customer
 *   the answer may travel), and negotiates its suppliers' status datasets. These go through the
 *   exchange service's catalog and DSP negotiations (`registerDatasets`); a finalized agreement is the
 *   consent, no transfer is started.
 * - A question arrives signed at `POST /exchange/status` (`keten.status-request/v1`). The owner judges
 *   it under the agreement it concluded with the asker (use, and passing on `relay` tiers), answers for
 *   itself from its plan (core `tierStatus`), asks its suppliers in parallel with a shorter deadline,
 *   checks each supplier's answer against its own copy of their agreement, and answers the assembled
 *   part. What consent does not cover comes back `withheld` with the failed constraint, what does not
 *   come in time `unavailable`, a loop `repeated`; nothing is dropped silently.
 * - A question (its id and relay) is worked out once per node: the same question arriving through a
 *   second customer waits for the first's work, judged against that customer's own agreement.
 * - Every access is in the owner's hash-chained audit trail: `status.answer` (answered), `status.withhold`
 *   (withheld or refused, with the reason), `status.ask` at the root.
 */
import {
  type AuditInput,
  buildAccessPolicy,
  buildOffer,
  type ExchangeProblem,
  err,
  type KetenStore,
  type Network,
  ok,
  type Policy,
  parsePolicy,
  parseStatusRequest,
  planNetwork,
  type Result,
  requestSelection,
  rootSelection,
  STATUS_REQUEST_FORMAT,
  type StatusDemand,
  type StatusOwner,
  type StatusPart,
  type StatusRequest,
  type StatusSelection,
  statusConsent,
  type TierStatus,
  tierStatus,
} from '@keten/core';
import { readEffectiveNetwork } from '@keten/store';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { didFromBaseUrl } from '../identity/did.ts';
import type { ResolvedNodeConfig } from './config.ts';
import type { CallingNode, Connector } from './connector.ts';
import type { ExchangeService } from './exchange-service.ts';
import { httpSender } from './http-sender.ts';
import {
  createStatusVerifier,
  type StatusVerification,
  type StatusVerifier,
  signStatusPart,
} from './status-signature.ts';

/** The usage purpose of status datasets: demand and capacity management (Catena-X DCM). */
export const STATUS_PURPOSE = 'cx.dcm.base:1';
/** The path of the status endpoint on every node. */
export const STATUS_PATH = '/exchange/status';
/** How long the root waits for the whole tree by default (ms). */
export const DEFAULT_STATUS_TIMEOUT_MS = 10_000;
const MAX_TIMEOUT_MS = 120_000;

/** What a node lets one customer do with its status. */
export interface StatusConsentSpec {
  /** Tiers beyond the customer the answer may travel (keten `ForwardDepth`); 0: the customer only. */
  readonly forwardDepth: number;
  /** When the agreement ends (`DataUsageEndDate`). */
  readonly expiresAt?: Date;
}

export interface StatusServiceOptions {
  readonly connector: Connector;
  readonly exchange: ExchangeService;
  readonly store: KetenStore;
  /** The node's view of the network (`partnerView`). */
  readonly network: Network;
  readonly company: string;
  /** Partner nodes' base URLs by company id. */
  readonly partners: ReadonlyMap<string, string>;
  /** The consent each customer gets (default: ForwardDepth 1, no expiry); undefined: no status dataset for it. */
  readonly consent?: (customer: string) => StatusConsentSpec | undefined;
  readonly now?: () => number;
  readonly log?: (message: string) => void;
}

/** Why the root could not ask: the order is unknown, or the node cannot plan. */
export interface StatusProblem {
  readonly code: 'invalid-input' | 'not-found' | 'unavailable';
  readonly message: string;
  readonly problems?: readonly ExchangeProblem[];
}

/** The assembled answer at the root. */
export interface StatusTree {
  readonly questionId: string;
  readonly order: string;
  readonly askedAt: string;
  readonly tree: StatusPart;
  /** The suppliers' signatures checked at the root; a part that failed is replaced by an unavailable one. */
  readonly verification: StatusVerification;
}

interface AgreementRecord {
  readonly id: string;
  readonly dataset: string;
  readonly policy: unknown;
  readonly provider: { readonly did: string; readonly bpnl: string } | 'self';
  readonly consumer: { readonly did: string; readonly bpnl: string } | 'self';
}

interface NegotiationRecordEntry {
  readonly record: { readonly role: string; readonly protocolState: string };
  readonly partner: { readonly did: string; readonly company: string };
  readonly dataset: string;
  readonly agreementId?: string;
}

/** A node's own work on one question: its status and its suppliers' parts. */
interface Work {
  readonly at: string;
  readonly status: TierStatus;
  readonly suppliers: StatusPart[];
}

export class StatusService {
  readonly #options: StatusServiceOptions;
  readonly #now: () => number;
  readonly #self: StatusOwner & { readonly did: string };
  /** Questions being (or recently) worked out: `questionId|relay` → the work. */
  readonly #work = new Map<string, { readonly work: Promise<Work>; readonly until: number }>();
  #verifier: StatusVerifier | undefined;
  #kept: { key: string; network: Network; plan: ReturnType<typeof planNetwork> } | undefined;

  constructor(options: StatusServiceOptions) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
    const self = options.network.companies.find((entry) => entry.id === options.company);
    this.#self = {
      name: self?.name ?? options.company,
      bpnl: options.connector.identity.bpnl,
      did: options.connector.did,
    };
    options.exchange.registerDatasets({
      offered: () =>
        this.#customers().flatMap((customer) => {
          const policies = this.#policiesFor(customer);
          return policies === undefined ? [] : [{ id: policies.dataset, ...policies }];
        }),
      wanted: () =>
        this.#suppliers().map((supplier) => ({
          partner: supplier,
          dataset: statusDatasetId(supplier, options.company),
        })),
    });
    options.connector.addRoutes((scope) => this.#routes(scope));
  }

  // --- partners and policies ------------------------------------------------------------------

  #suppliers(): string[] {
    const { network, company } = this.#options;
    return [
      ...new Set(
        (network.sourcing ?? [])
          .filter((rule) => rule.buyer === company)
          .flatMap((rule) => rule.suppliers.map((line) => line.supplier)),
      ),
    ].filter((supplier) => supplier !== company);
  }

  /** The direct customers: in a partner view, every other company that is not a supplier. */
  #customers(): string[] {
    const suppliers = new Set(this.#suppliers());
    return this.#options.network.companies
      .map((entry) => entry.id)
      .filter((id) => id !== this.#options.company && !suppliers.has(id));
  }

  #company(id: string) {
    return this.#options.network.companies.find((entry) => entry.id === id);
  }

  #policiesFor(customer: string): { offer: Policy; access: Policy; dataset: string } | undefined {
    const bpnl = this.#company(customer)?.bpn;
    const consent =
      this.#options.consent === undefined ? { forwardDepth: 1 } : this.#options.consent(customer);
    if (bpnl === undefined || consent === undefined) return undefined;
    const dataset = statusDatasetId(this.#options.company, customer);
    const spec = {
      id: `${dataset}:offer`,
      target: dataset,
      partners: [bpnl],
      purposes: [STATUS_PURPOSE],
      forwardDepth: consent.forwardDepth,
      ...(consent.expiresAt === undefined ? {} : { expiresAt: consent.expiresAt }),
      // keten's membership credentials carry no framework agreement (as for the forecasts).
      frameworkAgreement: null,
    };
    const offer = buildOffer(spec);
    const access = buildAccessPolicy(spec);
    if (!offer.ok || !access.ok) {
      this.#options.log?.(
        `${this.#options.company}: no status dataset for ${customer}: ${[...(offer.ok ? [] : offer.error), ...(access.ok ? [] : access.error)].map((problem) => problem.message).join('; ')}`,
      );
      return undefined;
    }
    return { offer: offer.value, access: access.value, dataset };
  }

  /**
   * The finalized agreement on `dataset` with the partner `did` (this node's side of it), or why there
   * is none.
   */
  async #agreement(
    dataset: string,
    did: string,
  ): Promise<{ policy: Policy; id: string } | { missing: string }> {
    const negotiations = await this.#options.store.exchange.listRecords('negotiation', { limit: 10000 });
    // The latest finalized one: a renewed agreement replaces the one before it (renewal.ts).
    const finalized = negotiations
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
      .map((record) => record.value as NegotiationRecordEntry)
      .find(
        (entry) =>
          entry.dataset === dataset &&
          entry.partner.did === did &&
          entry.record.protocolState === 'FINALIZED' &&
          entry.agreementId !== undefined,
      );
    if (finalized === undefined)
      return { missing: `there is no finalized agreement on ${dataset}: the owner has not (yet) consented` };
    const stored = await this.#options.store.exchange.getRecord('agreement', finalized.agreementId!);
    const policy = stored === undefined ? undefined : parsePolicy((stored.value as AgreementRecord).policy);
    if (policy === undefined || !policy.ok)
      return { missing: `the agreement ${finalized.agreementId} on ${dataset} cannot be read` };
    return { policy: policy.value, id: finalized.agreementId! };
  }

  // --- routes ---------------------------------------------------------------------------------

  #routes(scope: FastifyInstance): void {
    scope.post(STATUS_PATH, { config: { auth: { kind: 'node' as const } } }, async (request, reply) => {
      const sender = callerOf(request);
      const answer = await this.answer(sender, request.body);
      return reply.code(answer.status).send(answer.body);
    });
    scope.post(
      '/api/v1/connector/status',
      { config: { auth: { kind: 'user' as const, role: 'planner' as const } } },
      async (
        request: FastifyRequest<{ Body: { order?: unknown; timeoutMs?: unknown } | undefined }>,
        reply: FastifyReply,
      ) => {
        const body = request.body;
        if (typeof body?.order !== 'string' || body.order.length === 0 || body.order.length > 300) {
          return reply.code(400).send({
            code: 'invalid-input',
            message:
              'order: give the order to ask about as text (ITEM, ITEM@PERIOD or an order id of the plan)',
          });
        }
        const timeout = body.timeoutMs;
        if (
          timeout !== undefined &&
          (typeof timeout !== 'number' ||
            !Number.isInteger(timeout) ||
            timeout < 100 ||
            timeout > MAX_TIMEOUT_MS)
        ) {
          return reply.code(400).send({
            code: 'invalid-input',
            message: `timeoutMs: a whole number of milliseconds from 100 to ${MAX_TIMEOUT_MS}`,
          });
        }
        const principal = (request as { principal?: { username?: string } }).principal;
        const asked = await this.ask(body.order, {
          ...(timeout === undefined ? {} : { timeoutMs: timeout }),
          actor: `user:${principal?.username ?? 'unknown'}`,
        });
        if (!asked.ok) {
          const status =
            asked.error.code === 'not-found' ? 404 : asked.error.code === 'invalid-input' ? 400 : 503;
          return reply.code(status).send(asked.error);
        }
        return asked.value;
      },
    );
  }

  // --- the root -------------------------------------------------------------------------------

  /** Asks the chain about `order` (this node is the root) and assembles the answer. */
  async ask(
    order: string,
    options: { readonly timeoutMs?: number; readonly actor?: string } = {},
  ): Promise<Result<StatusTree, StatusProblem>> {
    const planned = await this.#plan();
    if (!planned.ok) return planned;
    const { network, plan } = planned.value;
    const selection = rootSelection(network, plan, this.#options.company, order);
    if (!selection.ok) {
      return err({
        code: 'not-found',
        message: selection.error.map((problem) => problem.message).join('; '),
        problems: selection.error,
      });
    }
    const questionId = crypto.randomUUID();
    const askedAt = new Date(this.#now()).toISOString();
    const deadline = this.#now() + Math.min(options.timeoutMs ?? DEFAULT_STATUS_TIMEOUT_MS, MAX_TIMEOUT_MS);
    const work = await this.#workOut(
      { questionId, order, path: [this.#self.bpnl], deadline },
      network,
      plan,
      selection.value,
    );
    this.#verifier ??= createStatusVerifier({
      resolver: this.#options.connector.resolver,
      credential: this.#options.connector.credential(),
      network: this.#options.connector.network,
      now: this.#now,
    });
    const verifier = this.#verifier;
    const checked = await Promise.all(work.suppliers.map((part) => verifier.verifyTree(part, questionId)));
    const suppliers = checked.map((entry) => entry.tree);
    const verification: StatusVerification = {
      verified: checked.reduce((sum, entry) => sum + entry.verification.verified, 0),
      failed: checked.flatMap((entry) => entry.verification.failed),
    };
    await this.#options.connector.commit({
      audit: [
        {
          actor: options.actor ?? this.#self.did,
          action: 'status.ask',
          resource: order,
          outcome: 'answered',
          details: {
            questionId,
            ...countParts(suppliers),
            verified: verification.verified,
            ...(verification.failed.length === 0 ? {} : { failedSignatures: verification.failed }),
          },
        },
      ],
    });
    return ok({
      questionId,
      order,
      askedAt,
      tree: { status: 'answered', owner: this.#owner(), at: work.at, ...work.status, suppliers },
      verification,
    });
  }

  // --- a supplier answering -------------------------------------------------------------------

  /** Answers a status question from the calling node: a `StatusPart` (HTTP 200), or 400/403. */
  async answer(sender: CallingNode, body: unknown): Promise<{ status: number; body: unknown }> {
    const parsed = parseStatusRequest(body);
    if (!parsed.ok) {
      return {
        status: 400,
        body: {
          code: 'invalid-message',
          message: `not a valid ${STATUS_REQUEST_FORMAT}: ${parsed.error
            .map((problem) => `${problem.path.join('.') || '/'}: ${problem.message}`)
            .join('; ')}`,
        },
      };
    }
    const request = parsed.value;
    const customer = this.#options.network.companies.find(
      (entry) => entry.bpn === sender.bpnl && entry.id !== this.#options.company,
    );
    const dataset = customer === undefined ? undefined : statusDatasetId(this.#options.company, customer.id);
    const refuse = async (reason: string, resource: string) => {
      await this.#audit({
        actor: sender.did,
        action: 'status.withhold',
        resource,
        outcome: 'refused',
        reason,
        details: {
          questionId: request.questionId,
          order: request.order,
          relay: request.relay,
          path: request.path,
        },
      });
      return { status: 403, body: { code: 'refused', message: reason } };
    };
    if (customer === undefined || !this.#customers().includes(customer.id))
      return refuse(
        `${sender.bpnl} is not a customer of ${this.#self.name}: it offers it no status`,
        'status',
      );
    if (request.customer !== sender.bpnl || request.supplier !== this.#self.bpnl)
      return refuse(
        `the question is from ${request.customer} to ${request.supplier}, but ${sender.bpnl} sent it to ${this.#self.bpnl}`,
        dataset!,
      );
    // The path says who the answer goes to: the asker and, beyond it, every tier down to the root.
    const details = {
      questionId: request.questionId,
      order: request.order,
      relay: request.relay,
      path: request.path,
    };
    if (request.path.includes(this.#self.bpnl)) {
      await this.#audit({
        actor: sender.did,
        action: 'status.withhold',
        resource: dataset!,
        outcome: 'repeated',
        reason: 'the question came back to this node through a loop',
        details,
      });
      return {
        status: 200,
        body: this.#sign(
          {
            status: 'repeated',
            owner: this.#owner(),
            reason: `the question came back to ${this.#self.name} through ${request.path.join(' → ')}: answered where it first arrived`,
          },
          request.questionId,
        ),
      };
    }
    const agreement = await this.#agreement(dataset!, sender.did);
    const consent =
      'missing' in agreement
        ? { allowed: false as const, refused: true, reason: agreement.missing }
        : statusConsent(agreement.policy, {
            requester: { bpnl: sender.bpnl, did: sender.did, membership: { status: 'valid' } },
            relay: request.relay,
            purpose: STATUS_PURPOSE,
            at: new Date(this.#now()),
          });
    if (!consent.allowed) {
      await this.#audit({
        actor: sender.did,
        action: 'status.withhold',
        resource: dataset!,
        outcome: consent.refused ? 'refused' : 'withheld',
        reason: consent.reason,
        details: { ...details, ...('id' in agreement ? { agreement: agreement.id } : {}) },
      });
      return { status: 200, body: this.#sign(this.#withheld(consent.reason), request.questionId) };
    }
    const planned = await this.#plan();
    if (!planned.ok) {
      return {
        status: 200,
        body: {
          status: 'unavailable',
          owner: this.#owner(),
          reason: planned.error.message,
        } satisfies StatusPart,
      };
    }
    const { network, plan } = planned.value;
    const work = await this.#workOut(
      {
        questionId: request.questionId,
        order: request.order,
        path: [...request.path, this.#self.bpnl],
        // The asker's deadline, but never further off than the longest a root may wait.
        deadline: Math.min(Date.parse(request.deadline), this.#now() + MAX_TIMEOUT_MS),
      },
      network,
      plan,
      requestSelection(network, this.#options.company, customer.id, request.demands, plan.horizon),
    );
    await this.#audit({
      actor: sender.did,
      action: 'status.answer',
      resource: dataset!,
      outcome: 'answered',
      details: {
        ...details,
        ...('id' in agreement ? { agreement: agreement.id } : {}),
        orders: work.status.orders.length,
        shortages: work.status.shortages.length,
        ...countParts(work.suppliers),
      },
    });
    const part: StatusPart = {
      status: 'answered',
      owner: this.#owner(),
      at: work.at,
      ...work.status,
      suppliers: work.suppliers,
    };
    return { status: 200, body: this.#sign(part, request.questionId) };
  }

  /** This node's own status on a question and its suppliers' parts: once per question and relay. */
  async #workOut(
    question: { questionId: string; order: string; path: string[]; deadline: number },
    network: Network,
    plan: ReturnType<typeof planNetwork>,
    selection: StatusSelection,
  ): Promise<Work> {
    const now = this.#now();
    for (const [key, entry] of this.#work) if (entry.until < now) this.#work.delete(key);
    const key = `${question.questionId}|${question.path.length}`;
    const running = this.#work.get(key);
    if (running !== undefined) return running.work;
    const work = (async (): Promise<Work> => {
      const own = tierStatus(network, plan, this.#options.company, selection);
      const suppliers = await Promise.all(
        own.questions.map((asked) => this.#askSupplier(asked.supplier, asked.demands, question)),
      );
      return { at: new Date(this.#now()).toISOString(), status: own.status, suppliers };
    })();
    this.#work.set(key, { work, until: Math.max(question.deadline, now) + 60_000 });
    return work;
  }

  /** Asks one supplier, with a deadline before this node's own; the answer is checked against our copy of its consent. */
  async #askSupplier(
    supplier: string,
    demands: StatusDemand[],
    question: { questionId: string; order: string; path: string[]; deadline: number },
  ): Promise<StatusPart> {
    const entry = this.#company(supplier);
    const owner: StatusOwner = { name: entry?.name ?? supplier, bpnl: entry?.bpn ?? '' };
    const url = this.#options.partners.get(supplier);
    if (entry?.bpn === undefined || url === undefined)
      return {
        status: 'unavailable',
        owner,
        reason: `${this.#self.name} has no node address or BPNL for its supplier ${owner.name}`,
      };
    const remaining = question.deadline - this.#now();
    if (remaining < 50)
      return {
        status: 'unavailable',
        owner,
        reason: 'the deadline passed before the supplier could be asked',
      };
    const request: StatusRequest = {
      format: STATUS_REQUEST_FORMAT,
      questionId: question.questionId,
      order: question.order,
      customer: this.#self.bpnl,
      supplier: entry.bpn,
      path: question.path,
      relay: question.path.length - 1,
      // The supplier's deadline leaves this node a quarter of its time to assemble and answer.
      deadline: new Date(this.#now() + Math.floor(remaining * 0.75)).toISOString(),
      demands,
    };
    const send = httpSender({
      identity: this.#options.connector.identity,
      credential: () => this.#options.connector.credential(),
      timeoutMs: Math.max(50, Math.floor(remaining * 0.85)),
    });
    const result = await send({
      id: `urn:uuid:${crypto.randomUUID()}`,
      to: url,
      path: STATUS_PATH,
      body: request,
      kind: 'keten:status-request',
      sequence: 0,
      createdAt: '',
      attempts: 0,
      nextAttemptAt: '',
    });
    if (result.kind !== 'delivered') {
      if (result.error.startsWith('403 '))
        return {
          status: 'withheld',
          withheld: true,
          owner,
          reason: `${owner.name} refused: ${result.error}`,
        };
      return {
        status: 'unavailable',
        owner,
        reason: `no answer from ${owner.name} within ${Math.floor(remaining * 0.85)} ms: ${result.error}`,
      };
    }
    const part = result.answer;
    if (!isStatusPart(part) || part.owner.bpnl !== entry.bpn)
      return {
        status: 'unavailable',
        owner,
        reason: `${owner.name} answered something that is not its status part`,
      };
    if (part.status !== 'answered') return part;
    // Defence in depth: this node's own copy of the agreement must allow passing the answer on too.
    const agreement = await this.#agreement(statusDatasetId(supplier, this.#options.company), didOfUrl(url));
    const consent =
      'missing' in agreement
        ? { allowed: false as const, reason: agreement.missing }
        : statusConsent(agreement.policy, {
            requester: { bpnl: this.#self.bpnl, did: this.#self.did, membership: { status: 'valid' } },
            relay: request.relay,
            purpose: STATUS_PURPOSE,
            at: new Date(this.#now()),
          });
    if (!consent.allowed) return { status: 'withheld', withheld: true, owner, reason: consent.reason };
    return part;
  }

  // --- helpers --------------------------------------------------------------------------------

  async #plan(): Promise<Result<{ network: Network; plan: ReturnType<typeof planNetwork> }, StatusProblem>> {
    const effective = await readEffectiveNetwork(
      {
        getVersion: (name, version) => this.#options.store.networks.getVersion(name, version),
        readEvents: (query) => this.#options.store.events.read(query),
      },
      this.#options.network.name,
    );
    if (!effective.ok)
      return err({
        code: 'unavailable',
        message: `the node cannot read its network to plan: ${JSON.stringify(effective.error)}`,
      });
    // The node plans as its exchange service does: what suppliers' answers say they will not ship is
    // planned elsewhere (heldBackWindows).
    const network = effective.value.network;
    const held = await this.#options.exchange.heldBackWindows(network);
    // A plan is kept for the log position (and the answers) it stands for: questions in a row plan once.
    const key = `${effective.value.version}|${effective.value.throughSequence}|${JSON.stringify(held)}`;
    if (this.#kept?.key !== key) {
      this.#kept = {
        key,
        network,
        plan: planNetwork(network, { blocked: [...effective.value.blocked, ...held] }),
      };
    }
    return ok({ network: this.#kept.network, plan: this.#kept.plan });
  }

  #sign(part: StatusPart, questionId: string): StatusPart {
    return signStatusPart(part, {
      identity: this.#options.connector.identity,
      credential: this.#options.connector.credential(),
      questionId,
      now: this.#now(),
    });
  }

  #owner(): StatusOwner {
    return { name: this.#self.name, bpnl: this.#self.bpnl };
  }

  #withheld(reason: string): StatusPart {
    return { status: 'withheld', withheld: true, owner: this.#owner(), reason };
  }

  async #audit(entry: AuditInput): Promise<void> {
    await this.#options.connector.commit({ audit: [entry] });
  }
}

/**
 * The consent the node configuration gives a customer (`partners[].status`): none when `share` is
 * false, else its ForwardDepth (default 1) and expiry.
 */
export function statusConsentOf(
  partners: ResolvedNodeConfig['partners'],
  customer: string,
): StatusConsentSpec | undefined {
  const status = partners.find((partner) => partner.company === customer)?.status;
  if (status === undefined) return { forwardDepth: 1 };
  if (!status.share) return undefined;
  return {
    forwardDepth: status.forwardDepth,
    ...(status.expiresAt === undefined ? {} : { expiresAt: new Date(status.expiresAt) }),
  };
}

/** The status dataset `owner` offers `customer`. */
export function statusDatasetId(owner: string, customer: string): string {
  return `urn:keten:${owner}:status:${customer}`;
}

/** Counts the parts of a tree by status (for the audit entry's details). */
function countParts(parts: readonly StatusPart[]): Record<string, number> {
  const counts: Record<string, number> = { answered: 0, withheld: 0, unavailable: 0, repeated: 0 };
  const visit = (part: StatusPart) => {
    counts[part.status] = (counts[part.status] ?? 0) + 1;
    if (part.status === 'answered') for (const child of part.suppliers) visit(child);
  };
  for (const part of parts) visit(part);
  return counts;
}

function isStatusPart(value: unknown): value is StatusPart {
  if (typeof value !== 'object' || value === null) return false;
  const part = value as { status?: unknown; owner?: { name?: unknown; bpnl?: unknown } };
  return (
    (part.status === 'answered' ||
      part.status === 'withheld' ||
      part.status === 'unavailable' ||
      part.status === 'repeated') &&
    typeof part.owner?.name === 'string' &&
    typeof part.owner.bpnl === 'string'
  );
}

function didOfUrl(url: string): string {
  const did = didFromBaseUrl(url);
  return did.ok ? did.value : '';
}

function callerOf(request: FastifyRequest): CallingNode {
  const principal = (request as { principal?: { kind: string; node?: unknown } }).principal;
  if (principal?.kind !== 'node') throw new Error('a node route ran without node authentication');
  return principal.node as CallingNode;
}
