/**
 * @module planning
 * Planning a stored network: the network a version is planned on (core's `effectiveNetwork` over the
 * event log, read page by page), and re-plans with their diff and their publication as `plan.published`
 * events. It works over the ports of any `KetenStore` (PGlite, PostgreSQL, in memory) or anything with
 * the same few calls (a keten server's API), so the CLI and the server plan a stored network the same
 * way.
 *
 * Reading the log costs one query per 10,000 events; only planning and `plan.published` events are
 * kept in memory.
 *
 * @example
 * const source = storePlanningSource(store);
 * const effective = await readEffectiveNetwork(source, 'minimal-two-tier');
 * if (effective.ok) planNetwork(effective.value.network, { blocked: effective.value.blocked });
 */
import {
  type AppendOutcome,
  diffPlans,
  type EffectiveNetwork,
  EVENT_READ_LIMIT,
  type EventInput,
  type EventQuery,
  effectiveNetwork,
  err,
  formatLoggedEventProblem,
  isEmptyPlanDiff,
  isPlanningEventType,
  type KetenStore,
  lastPublishedPlan,
  ok,
  PLAN_PUBLISHED,
  type PlanDiff,
  type PlanningEventProblem,
  type PlanOptions,
  type PlanRun,
  planNetworkRun,
  planPublishedEvent,
  type ReplanStats,
  type Result,
  replanNetwork,
  type StoredEvent,
  type StoredNetwork,
} from '@keten/core';

/** What planning a stored network reads. */
export interface PlanningSource {
  /** The version, or the latest when `version` is absent; undefined when there is none. */
  getVersion(network: string, version?: number): Promise<StoredNetwork | undefined>;
  /** Events in sequence order, as `EventStore.read`. */
  readEvents(query: EventQuery): Promise<StoredEvent[]>;
}

/** What publishing a re-plan writes to as well. */
export interface PublishingSource extends PlanningSource {
  appendEvents(events: readonly EventInput[]): Promise<AppendOutcome>;
}

/** A store's ports as a planning source. */
export function storePlanningSource(store: Pick<KetenStore, 'networks' | 'events'>): PublishingSource {
  return {
    getVersion: (network, version) => store.networks.getVersion(network, version),
    readEvents: (query) => store.events.read(query),
    appendEvents: (events) => store.events.append(events),
  };
}

/** Why a stored network cannot be planned. */
export type StoredPlanningFailure =
  | { readonly reason: 'not-found'; readonly message: string }
  | {
      readonly reason: 'bad-events';
      readonly message: string;
      /** Every problem, each naming the event (sequence, key), the field and what is wrong. */
      readonly problems: PlanningEventProblem[];
      /** The problems in words, one a line (`formatLoggedEventProblem`). */
      readonly lines: string[];
    };

/** The planning events of the log (and `plan.published`), and how far the log was read. */
export interface PlanningLog {
  /** Planning and `plan.published` events, in sequence order; other events are passed over. */
  readonly events: StoredEvent[];
  /** The last sequence read (of any event); 0 for an empty log. */
  readonly through: number;
}

/** Reads the whole log, page by page (10,000 events a page), in sequence order. */
export async function readPlanningLog(source: Pick<PlanningSource, 'readEvents'>): Promise<PlanningLog> {
  const page = EVENT_READ_LIMIT.maximum;
  const events: StoredEvent[] = [];
  let through = 0;
  for (;;) {
    const read = await source.readEvents({ after: through, limit: page });
    for (const event of read) {
      if (isPlanningEventType(event.type) || event.type === PLAN_PUBLISHED) events.push(event);
    }
    const last = read[read.length - 1];
    if (last === undefined) break;
    through = last.sequence;
    if (read.length < page) break;
  }
  return { events, through };
}

/**
 * The network a stored version (the latest, or `version`) is planned on: the version with every
 * planning event of that network recorded since it was imported (core's `effectiveNetwork`).
 */
export async function readEffectiveNetwork(
  source: PlanningSource,
  network: string,
  version?: number,
): Promise<Result<EffectiveNetwork, StoredPlanningFailure>> {
  const stored = await source.getVersion(network, version);
  if (stored === undefined) return err(await notFound(source, network, version));
  const log = await readPlanningLog(source);
  return applyLog(stored, log, log.through);
}

/** A plan kept from one re-plan for the next: the version and log position it stands for. */
export interface KeptPlan {
  readonly network: string;
  readonly version: number;
  readonly through: number;
  readonly run: PlanRun;
}

export interface ReplanRequest {
  readonly network: string;
  /** The version to plan (default: the latest). */
  readonly version?: number;
  /**
   * What the diff is taken against: `published` (default), the last published plan of the network
   * (its version with the log up to the `through` of its `plan.published` event) or, when none was
   * published, the version without events; `kept`, the plan in `kept` (else as `published`).
   */
  readonly since?: 'published' | 'kept';
  /**
   * A plan kept from an earlier re-plan. Re-planning starts from it when it is the base, so the base
   * is not planned again; with `since: 'kept'` it is the base.
   */
  readonly kept?: KeptPlan;
  /** Record the new plan as published (a `plan.published` event), unless nothing changed. */
  readonly publish?: { readonly source: string; readonly at: string };
}

/** Where the plan a diff is taken against came from. */
export interface ReplanBase {
  readonly version: number;
  readonly through: number;
  /** `published`: the last published plan; `version`: the version without events; `kept`: a kept plan. */
  readonly from: 'published' | 'version' | 'kept';
}

/** The `plan.published` event a re-plan wrote. */
export interface PublishedEvent {
  readonly key: string;
  /** Absent when the log held the key already (the same plan published at the same time). */
  readonly sequence?: number;
}

export interface ReplanOutcome {
  readonly network: string;
  readonly version: number;
  readonly diff: PlanDiff;
  /** How the re-plan went, and how long it took (the re-plan alone, not the base). */
  readonly stats: ReplanStats & { readonly seconds: number };
  /** The log position of the new plan: every planning event up to this sequence is in it. */
  readonly through: number;
  readonly base: ReplanBase;
  /** The `plan.published` event written; absent when not asked, or when nothing changed. */
  readonly published?: PublishedEvent;
  /** The new plan, to keep for the next re-plan. */
  readonly kept: KeptPlan;
}

/** The diff needs no pegging; leaving it out halves a large plan's time. */
const PLAN_OPTIONS: PlanOptions = { pegging: false };

/**
 * Re-plans a stored network after events: the plan of the version with all its events, re-planned
 * incrementally from the base (see `ReplanRequest.since`), the diff between the two, and, when asked
 * and something changed, a `plan.published` event (idempotency key
 * `plan.published/NETWORK/VERSION/THROUGH`).
 */
export async function replanStoredNetwork(
  source: PublishingSource,
  request: ReplanRequest,
): Promise<Result<ReplanOutcome, StoredPlanningFailure>> {
  const stored = await source.getVersion(request.network, request.version);
  if (stored === undefined) return err(await notFound(source, request.network, request.version));
  const log = await readPlanningLog(source);
  const next = applyLog(stored, log, log.through);
  if (!next.ok) return next;

  const start = await basePlan(source, request, stored, log);
  if (!start.ok) return start;
  const { previous, base } = start.value;

  const started = performance.now();
  const run = replanNetwork(previous, next.value.network, { ...PLAN_OPTIONS, blocked: next.value.blocked });
  const seconds = (performance.now() - started) / 1000;
  const diff = diffPlans(previous.plan, run.plan);

  let published: PublishedEvent | undefined;
  if (request.publish !== undefined && !isEmptyPlanDiff(diff)) {
    const event = planPublishedEvent({
      network: request.network,
      version: stored.version,
      through: log.through,
      plan: run.plan,
      ...request.publish,
    });
    const written = (await source.appendEvents([event])).appended[0];
    published = { key: event.key, ...(written === undefined ? {} : { sequence: written.sequence }) };
  }
  return ok({
    network: request.network,
    version: stored.version,
    diff,
    stats: { ...run.stats, seconds },
    through: log.through,
    base,
    ...(published === undefined ? {} : { published }),
    kept: { network: request.network, version: stored.version, through: log.through, run },
  });
}

/** The plan a re-plan starts from and diffs against. */
async function basePlan(
  source: PlanningSource,
  request: ReplanRequest,
  stored: StoredNetwork,
  log: PlanningLog,
): Promise<Result<{ previous: PlanRun; base: ReplanBase }, StoredPlanningFailure>> {
  const kept = request.kept?.network === request.network ? request.kept : undefined;
  if (request.since === 'kept' && kept !== undefined) {
    return ok({ previous: kept.run, base: { version: kept.version, through: kept.through, from: 'kept' } });
  }
  const published = lastPublishedPlan(log.events, request.network);
  if (!published.ok) return err(badEvents(stored, published.error));
  let version = stored;
  let through = 0;
  if (published.value !== undefined) {
    const { payload } = published.value;
    through = payload.through;
    if (payload.version !== stored.version) {
      const found = await source.getVersion(request.network, payload.version);
      if (found === undefined) {
        return err({
          reason: 'not-found',
          message: `the last published plan of '${request.network}' (event ${published.value.key}) is of version ${payload.version}, which the store does not hold`,
        });
      }
      version = found;
    }
  }
  const base: ReplanBase = {
    version: version.version,
    through,
    from: published.value === undefined ? 'version' : 'published',
  };
  if (kept !== undefined && kept.version === base.version && kept.through === base.through) {
    return ok({ previous: kept.run, base });
  }
  const effective = applyLog(version, log, through);
  if (!effective.ok) return effective;
  const previous = planNetworkRun(effective.value.network, {
    ...PLAN_OPTIONS,
    blocked: effective.value.blocked,
  });
  return ok({ previous, base });
}

function applyLog(
  stored: StoredNetwork,
  log: PlanningLog,
  through: number,
): Result<EffectiveNetwork, StoredPlanningFailure> {
  const result = effectiveNetwork(stored, log.events, { through });
  return result.ok ? result : err(badEvents(stored, result.error));
}

function badEvents(stored: StoredNetwork, problems: PlanningEventProblem[]): StoredPlanningFailure {
  const events = new Set(problems.map((problem) => problem.sequence ?? problem.index)).size;
  return {
    reason: 'bad-events',
    message:
      `${events === 1 ? 'an event' : `${events} events`} in the log cannot be applied to network ` +
      `'${stored.network}' v${stored.version}, so it cannot be planned; the log keeps every event: ` +
      'import the network again (a new version) to plan without the events recorded before it',
    problems,
    lines: problems.map(formatLoggedEventProblem),
  };
}

/** What is not there: the network, or only the version asked for. */
async function notFound(
  source: PlanningSource,
  network: string,
  version: number | undefined,
): Promise<StoredPlanningFailure> {
  const exists = version !== undefined && (await source.getVersion(network)) !== undefined;
  return {
    reason: 'not-found',
    message: exists ? `network '${network}' has no version ${version}` : `no network named '${network}'`,
  };
}
