/**
 * @module node/admin-views
 * Read-only views of a company node's exchanges for its owners (the web app's Agreements and Audit
 * pages): what the node offers whom under which policy, its negotiations, agreements and transfers
 * with their states and reasons, and the audit trail searched by partner, action and outcome with the
 * hash chain checked. Nothing here changes the store.
 *
 * - `GET /api/v1/connector/agreements` (admin): `{ offers, negotiations, agreements, transfers }`.
 * - `GET /api/v1/connector/outbox/summary` (planner): counts per state, the pending and abandoned
 *   messages and the latest delivered ones, without their bodies (what to look at when a partner is down).
 * - `GET /api/v1/connector/audit/search?partner=&action=&outcome=&before=&limit=&verify=full` (admin):
 *   the newest matching entries first, `before` (a sequence) pages back, `chain` is `intact` or the
 *   first break. The store answers the page and the count from its indexes; the chain is checked from
 *   where this process last checked it (all of it the first time, or with `verify=full`), and each
 *   entry shown against its hash.
 */
import { createHash } from 'node:crypto';
import {
  type AuditBreak,
  type AuditEntry,
  EXCHANGE_READ_LIMIT,
  GENESIS_HASH,
  type KetenStore,
  type OutboxMessage,
  type Policy,
  policyToJson,
  verifyAuditChain,
} from '@keten/core';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Connector } from './connector.ts';
import { parseDatasetId } from './datasets.ts';
import type { ProcessEnd, ProcessWatch } from './stall.ts';

/** The most entries one page of the audit search returns. */
export const AUDIT_PAGE_MAX = 500;
const ADMIN = { config: { auth: { kind: 'user' as const, role: 'admin' as const } } };

interface PartnerRef {
  readonly company: string;
  readonly did: string;
  readonly bpnl: string;
}

interface ProcessEntry {
  readonly record: {
    readonly role: string;
    readonly state: string;
    readonly protocolState: string;
    readonly termination?: {
      readonly by: string;
      readonly code?: string;
      readonly reason?: readonly unknown[];
    };
    readonly format?: string;
  };
  readonly partner: PartnerRef;
  readonly dataset: string;
  readonly agreementId?: string;
  readonly watch?: ProcessWatch;
  readonly ended?: ProcessEnd;
}

interface AgreementEntry {
  readonly id: string;
  readonly dataset: string;
  readonly policy: unknown;
  readonly provider: PartnerRef | 'self';
  readonly consumer: PartnerRef | 'self';
  readonly concludedAt: string;
}

/** One process (negotiation or transfer) as the views list it. */
export interface ProcessView {
  readonly id: string;
  readonly dataset: string;
  /** This node's role in it. */
  readonly role: string;
  readonly partner: PartnerRef;
  /** The state with the -ING states (e.g. `REQUESTING` while the request is not yet delivered). */
  readonly state: string;
  readonly protocolState: string;
  readonly agreementId?: string;
  readonly format?: string;
  /** Why it ended, for a TERMINATED process: who ended it, the code and the reasons in words. */
  readonly termination?: { readonly by: string; readonly code?: string; readonly reason: string };
  /**
   * A process waiting in its state past the deadline (docs/node.md, "Processes that stall"): since
   * when, the checks made and when the next is due, and what the last found.
   */
  readonly stalled?: {
    readonly state: string;
    readonly since: string;
    readonly checks: number;
    readonly nextCheckAt: string;
    readonly last?: string;
  };
  /** This node ended it because it stalled: the code, the reason, and whether the partner was told. */
  readonly ended?: ProcessEnd;
  readonly updatedAt: string;
}

export interface AgreementsView {
  readonly offers: readonly {
    readonly dataset: string;
    readonly kind?: string;
    readonly partner?: string;
    readonly policy: unknown;
    readonly access?: unknown;
  }[];
  readonly negotiations: readonly ProcessView[];
  readonly agreements: readonly (Omit<AgreementEntry, 'provider' | 'consumer'> & {
    readonly provider: PartnerRef | 'self';
    readonly consumer: PartnerRef | 'self';
  })[];
  readonly transfers: readonly ProcessView[];
}

function reasonText(reason: readonly unknown[] | undefined): string {
  if (reason === undefined) return '';
  return reason.map((part) => (typeof part === 'string' ? part : JSON.stringify(part))).join('; ');
}

function processView(id: string, entry: ProcessEntry, updatedAt: string): ProcessView {
  const { record } = entry;
  return {
    id,
    dataset: entry.dataset,
    role: record.role,
    partner: { company: entry.partner.company, did: entry.partner.did, bpnl: entry.partner.bpnl },
    state: record.state,
    protocolState: record.protocolState,
    ...(entry.agreementId === undefined ? {} : { agreementId: entry.agreementId }),
    ...(record.format === undefined ? {} : { format: record.format }),
    ...(record.termination === undefined
      ? {}
      : {
          termination: {
            by: record.termination.by,
            ...(record.termination.code === undefined ? {} : { code: record.termination.code }),
            reason: reasonText(record.termination.reason),
          },
        }),
    ...(entry.watch === undefined || entry.watch.checks === 0
      ? {}
      : {
          stalled: {
            state: entry.watch.state,
            since: entry.watch.since,
            checks: entry.watch.checks,
            nextCheckAt: entry.watch.dueAt,
            ...(entry.watch.last === undefined ? {} : { last: entry.watch.last }),
          },
        }),
    ...(entry.ended === undefined ? {} : { ended: entry.ended }),
    updatedAt,
  };
}

/** Everything the node's store holds about its agreements, and what it offers now. */
export async function agreementsView(
  store: KetenStore,
  offers: () => readonly { readonly dataset: string; readonly offer: Policy; readonly access?: Policy }[],
): Promise<AgreementsView> {
  const limit = EXCHANGE_READ_LIMIT.max;
  const [negotiations, agreements, transfers] = await Promise.all([
    store.exchange.listRecords('negotiation', { limit }),
    store.exchange.listRecords('agreement', { limit }),
    store.exchange.listRecords('transfer', { limit }),
  ]);
  return {
    offers: offers().map(({ dataset, offer, access }) => {
      // keten's datasets, and other modules' `urn:keten:<owner>:<kind>:<partner>` (the status dataset).
      const parsed =
        parseDatasetId(dataset) ?? /^urn:keten:[^:]+:(?<kind>[^:]+):(?<partner>[^:]+)$/.exec(dataset)?.groups;
      return {
        dataset,
        ...(parsed === undefined ? {} : { kind: parsed.kind, partner: parsed.partner }),
        policy: policyToJson(offer),
        // Who may see it in the catalog and negotiate it: the partner's BPNL is there, not in the offer.
        ...(access === undefined ? {} : { access: policyToJson(access) }),
      };
    }),
    negotiations: negotiations.map((stored) =>
      processView(stored.id, stored.value as ProcessEntry, stored.updatedAt),
    ),
    agreements: agreements.map((stored) => {
      const entry = stored.value as AgreementEntry;
      const party = (value: PartnerRef | 'self') =>
        value === 'self' ? 'self' : { company: value.company, did: value.did, bpnl: value.bpnl };
      return {
        id: entry.id,
        dataset: entry.dataset,
        policy: entry.policy,
        provider: party(entry.provider),
        consumer: party(entry.consumer),
        concludedAt: entry.concludedAt,
      };
    }),
    transfers: transfers.map((stored) =>
      processView(stored.id, stored.value as ProcessEntry, stored.updatedAt),
    ),
  };
}

export interface AuditSearch {
  /** Text the actor or resource contains (a DID, a BPNL, a company id). */
  readonly partner?: string;
  /** The action, or its start (`negotiation` matches `negotiation.request`). */
  readonly action?: string;
  readonly outcome?: string;
  /** Only entries with a sequence below this (paging back). */
  readonly before?: number;
  readonly limit: number;
  /** Check the whole chain again from its first entry (default: from where the last check ended). */
  readonly verify?: 'full';
}

export interface AuditSearchResult {
  readonly entries: readonly AuditEntry[];
  /** Entries of the whole trail that match. */
  readonly matched: number;
  /** Entries in the whole trail. */
  readonly total: number;
  /** Give as `before` for the next (older) page; absent on the last page. */
  readonly nextBefore?: number;
  readonly chain: 'intact' | { readonly sequence: number; readonly reason: string; readonly message: string };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** How far each store's chain was checked in this process: entries up to `sequence`, ending in `hash`. */
const checkedThrough = new WeakMap<object, { readonly sequence: number; readonly hash: string }>();

/**
 * Checks the chain from where this process last checked it through its last entry (the whole trail the
 * first time, or with `full`), and the entries about to be shown against their own hashes. The mark
 * moves only over an intact run, so a break is found again on every search until it is dealt with.
 */
async function checkChain(
  store: KetenStore,
  shown: readonly AuditEntry[],
  full: boolean,
): Promise<AuditBreak | undefined> {
  const exchange = store.exchange;
  let mark = (full ? undefined : checkedThrough.get(exchange)) ?? { sequence: 0, hash: GENESIS_HASH };
  if (mark.sequence > 0) {
    // The entry the last check ended on must be as it was, or the check starts over.
    const [entry] = await exchange.readAudit({ after: mark.sequence - 1, limit: 1 });
    if (entry?.sequence !== mark.sequence || entry.hash !== mark.hash)
      mark = { sequence: 0, hash: GENESIS_HASH };
  }
  for (;;) {
    const page = await exchange.readAudit({ after: mark.sequence, limit: EXCHANGE_READ_LIMIT.max });
    if (page.length === 0) break;
    const broken = verifyAuditChain(page, mark.hash, sha256);
    if (broken !== undefined) return broken;
    const last = page.at(-1)!;
    mark = { sequence: last.sequence, hash: last.hash };
    checkedThrough.set(exchange, mark);
    if (page.length < EXCHANGE_READ_LIMIT.max) break;
  }
  // Each entry shown against its own hash (a chain of one, from the hash it names).
  for (const entry of [...shown].reverse()) {
    const changed = verifyAuditChain([entry], entry.previousHash, sha256);
    if (changed !== undefined) return changed;
  }
  return undefined;
}

/**
 * One page of the trail's matching entries, newest first, from the store's search (its indexes, one
 * page and a count: not the whole trail), and the chain checked as far as it grew since the last search.
 */
export async function searchAudit(store: KetenStore, search: AuditSearch): Promise<AuditSearchResult> {
  const page = await store.exchange.searchAudit({
    limit: search.limit,
    ...(search.partner === undefined ? {} : { text: search.partner }),
    ...(search.action === undefined ? {} : { actionPrefix: search.action }),
    ...(search.outcome === undefined ? {} : { outcome: search.outcome }),
    ...(search.before === undefined ? {} : { before: search.before }),
  });
  const broken = await checkChain(store, page.entries, search.verify === 'full');
  const last = page.entries.at(-1);
  return {
    entries: page.entries,
    matched: page.matched,
    total: page.total,
    ...(page.more && last !== undefined ? { nextBefore: last.sequence } : {}),
    chain:
      broken === undefined
        ? 'intact'
        : { sequence: broken.sequence, reason: broken.reason, message: broken.message },
  };
}

/** An outbox message without its body. */
export type OutboxLine = Omit<OutboxMessage, 'body'>;

export interface OutboxSummary {
  readonly pending: readonly OutboxLine[];
  readonly abandoned: readonly OutboxLine[];
  /** The latest delivered, newest first. */
  readonly delivered: readonly OutboxLine[];
  /** Counts per state; `capped` when a state has more than the store's read limit. */
  readonly counts: { readonly pending: number; readonly abandoned: number; readonly delivered: number };
  readonly capped: boolean;
}

/** The outbox in one look: what waits, what was given up and why, what went out last. */
export async function outboxSummary(store: KetenStore, latest = 20): Promise<OutboxSummary> {
  const limit = EXCHANGE_READ_LIMIT.max;
  const [pending, abandoned, delivered] = await Promise.all(
    (['pending', 'abandoned', 'delivered'] as const).map((state) =>
      store.exchange.listMessages({ state, limit }),
    ),
  );
  const line = ({ body: _body, ...rest }: OutboxMessage): OutboxLine => rest;
  return {
    pending: pending!.slice(0, 200).map(line),
    abandoned: abandoned!.slice(-200).reverse().map(line),
    delivered: delivered!.slice(-latest).reverse().map(line),
    counts: { pending: pending!.length, abandoned: abandoned!.length, delivered: delivered!.length },
    capped: [pending!, abandoned!, delivered!].some((list) => list.length >= limit),
  };
}

type Query = Record<string, string | undefined>;

/** The search from a query string, or which field is wrong. */
export function readAuditSearch(
  query: Query,
): { ok: true; value: AuditSearch } | { ok: false; error: string } {
  const text = (field: string): string | undefined => {
    const value = query[field];
    return value === undefined || value === '' ? undefined : value;
  };
  for (const field of ['partner', 'action', 'outcome'])
    if ((text(field)?.length ?? 0) > 200) return { ok: false, error: `${field}: at most 200 characters` };
  const number = (field: string, min: number, max: number, fallback?: number) => {
    const value = text(field);
    if (value === undefined) return { ok: true as const, value: fallback };
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max)
      return { ok: false as const, error: `${field}: a whole number from ${min} to ${max}, not ${value}` };
    return { ok: true as const, value: parsed };
  };
  const before = number('before', 1, Number.MAX_SAFE_INTEGER);
  if (!before.ok) return before;
  const verify = text('verify');
  if (verify !== undefined && verify !== 'full')
    return { ok: false, error: `verify: only full, not ${verify}` };
  const limit = number('limit', 1, AUDIT_PAGE_MAX, 100);
  if (!limit.ok) return limit;
  const partner = text('partner');
  const action = text('action');
  const outcome = text('outcome');
  return {
    ok: true,
    value: {
      limit: limit.value!,
      ...(before.value === undefined ? {} : { before: before.value }),
      ...(partner === undefined ? {} : { partner }),
      ...(action === undefined ? {} : { action }),
      ...(outcome === undefined ? {} : { outcome }),
      ...(verify === undefined ? {} : { verify }),
    },
  };
}

/**
 * Mounts the views on the node's routes, and checks the audit trail's chain once in the background
 * (the check a first search would make: on a long trail, seconds of CPU the admin need not wait for).
 */
export function registerAdminViews(
  connector: Pick<Connector, 'addRoutes'>,
  store: KetenStore,
  offers: () => readonly { readonly dataset: string; readonly offer: Policy; readonly access?: Policy }[],
): void {
  // A store closed meanwhile ends the check; the next search checks the chain itself.
  setImmediate(() => checkChain(store, [], false).catch(() => undefined));
  connector.addRoutes((scope: FastifyInstance) => {
    scope.get('/api/v1/connector/agreements', ADMIN, async () => agreementsView(store, offers));
    scope.get(
      '/api/v1/connector/outbox/summary',
      { config: { auth: { kind: 'user' as const, role: 'planner' as const } } },
      async () => outboxSummary(store),
    );
    scope.get(
      '/api/v1/connector/audit/search',
      ADMIN,
      async (request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply) => {
        const search = readAuditSearch(request.query);
        if (!search.ok)
          return reply.code(400).send({ error: { code: 'invalid-input', message: search.error } });
        return searchAudit(store, search.value);
      },
    );
  });
}
