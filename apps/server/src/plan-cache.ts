/**
 * @module plan-cache
 * The latest plan of each network version, kept so the Plan page's questions (a company's plan, the
 * heat map, pegging) do not plan the network again per request: a 60,000-company plan takes seconds
 * and half a gigabyte, so it is made once per version and log position and then read through core's
 * `PlanIndex`.
 *
 * - **Freshness.** Each request checks (cheaply) whether the plan still stands: the latest version is
 *   the one planned (`listVersions`, no content read), and no planning event for the network was
 *   appended since the plan's log position (the log is read from there on, usually nothing). A new
 *   version or a new planning event makes the next request plan again; other events only move the
 *   position on.
 * - **One plan at a time per key.** Requests that arrive while a plan is being made wait for it.
 * - **Pegging on demand.** Plans are made without pegging (at 60,000 companies pegging takes 30 s and
 *   3.6 GB instead of 4 s and 0.5 GB; docs/planning.md); the first pegging question of a version plans
 *   it once more with pegging in a worker thread that then holds it and answers pegging questions
 *   (`jobs/pegging-thread.ts`), for networks up to `maxPeggingCompanies`.
 * - **Bounded.** At most `maxPlans` versions are kept (least recently used go first); a restart
 *   forgets them all. Planning runs on the server's one thread, as `POST …/plan` does.
 */
import {
  addressedNetwork,
  EVENT_READ_LIMIT,
  isPlanningEventType,
  type KetenStore,
  type Network,
  PlanIndex,
  type PlanOptions,
  planNetwork,
} from '@keten/core';
import { readEffectiveNetwork, storePlanningSource } from '@keten/store';
import type { FastifyBaseLogger } from 'fastify';
import { ApiError } from './errors.ts';
import { PeggingThread } from './jobs/pegging-thread.ts';
import { failureToApiError } from './replanner.ts';

export interface PlanCacheLimits {
  /** Versions whose plans are kept (default 2). */
  readonly maxPlans: number;
  /** Largest network (companies) whose plan with pegging is made and kept (default 6,000: pegging is 8.4 million pegs there, some 100 million at 60,000). */
  readonly maxPeggingCompanies: number;
}

export const DEFAULT_PLAN_CACHE_LIMITS: PlanCacheLimits = { maxPlans: 2, maxPeggingCompanies: 6_000 };

/** A plan the views read, and where it stands. */
export interface CachedPlan {
  readonly name: string;
  readonly version: number;
  /** Every planning event of the network up to this log sequence is in the plan. */
  readonly through: number;
  /** When it was planned (ISO 8601), and how long planning took. */
  readonly plannedAt: string;
  readonly seconds: number;
  readonly index: PlanIndex;
}

interface Entry {
  /** The plan, or the planning under way. */
  plan: Promise<CachedPlan>;
  network?: Network;
  options?: PlanOptions;
  /** The log has been read up to here and nothing in it changes the plan. */
  checkedThrough: number;
  pegged?: PeggingThread;
}

export class PlanCache {
  readonly limits: PlanCacheLimits;
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly store: KetenStore,
    private readonly now: () => Date,
    private readonly log: FastifyBaseLogger,
    limits: Partial<PlanCacheLimits> = {},
  ) {
    this.limits = { ...DEFAULT_PLAN_CACHE_LIMITS, ...limits };
  }

  /**
   * The plan of the version (default: the latest) with the planning events of its network, from the
   * cache when it still stands. `not-found` for a network or version that is not there, `conflict`
   * for an event in the log that cannot be applied.
   */
  async plan(name: string, version?: number): Promise<CachedPlan & { readonly cached: boolean }> {
    const versions = await this.store.networks.listVersions(name);
    const latest = versions.reduce((highest, info) => Math.max(highest, info.version), 0);
    if (latest === 0) throw new ApiError('not-found', `no network named '${name}'`);
    const wanted = version ?? latest;
    if (!versions.some((info) => info.version === wanted)) {
      throw new ApiError('not-found', `'${name}' has no version ${wanted} (the latest is ${latest})`);
    }
    const key = `${name}\u0000${wanted}`;
    const entry = this.#entries.get(key);
    if (entry !== undefined) {
      const current = await entry.plan.catch(() => undefined);
      if (current !== undefined && (await this.#stillStands(name, entry))) {
        this.#touch(key, entry);
        return { ...current, cached: true };
      }
      if (this.#entries.get(key) === entry) this.#forget(key, entry);
      // Someone else may have started planning it meanwhile.
      const replaced = this.#entries.get(key);
      if (replaced !== undefined) return { ...(await replaced.plan), cached: true };
    }
    const fresh: Entry = { plan: Promise.resolve(undefined as never), checkedThrough: 0 };
    fresh.plan = this.#make(name, wanted, fresh);
    this.#entries.set(key, fresh);
    this.#evict();
    try {
      return { ...(await fresh.plan), cached: false };
    } catch (error) {
      if (this.#entries.get(key) === fresh) this.#entries.delete(key);
      throw error;
    }
  }

  /**
   * The plan of `plan`'s version with pegging, in a thread of its own (made on first use, kept with
   * the plan, ended when the plan is dropped).
   */
  async pegged(plan: CachedPlan): Promise<PeggingThread> {
    const entry = this.#entries.get(`${plan.name}\u0000${plan.version}`);
    if (entry?.network === undefined || entry.options === undefined) {
      throw new ApiError('unavailable', 'the plan was replaced meanwhile; ask again', {
        headers: { 'retry-after': '1' },
      });
    }
    const { network, options } = entry;
    if (network.companies.length > this.limits.maxPeggingCompanies) {
      throw new ApiError(
        'invalid-request',
        `pegging is kept for networks up to ${this.limits.maxPeggingCompanies} companies; '${plan.name}' has ` +
          `${network.companies.length}: use \`keten plan --csv\` (pegging.csv) or POST …/plan with pegging`,
      );
    }
    if (entry.pegged === undefined) {
      const started = performance.now();
      const thread = new PeggingThread({ network, options });
      entry.pegged = thread;
      thread.ready.then(
        () =>
          this.log.info(
            {
              network: plan.name,
              version: plan.version,
              milliseconds: Math.round(performance.now() - started),
            },
            'network planned with pegging for the plan views',
          ),
        (error: unknown) =>
          this.log.error({ err: error, network: plan.name }, 'planning with pegging failed'),
      );
    }
    await entry.pegged.ready;
    return entry.pegged;
  }

  /** Drops every plan and ends the pegging threads. */
  async close(): Promise<void> {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all(entries.map((entry) => entry.pegged?.close()));
  }

  async #make(name: string, version: number, entry: Entry): Promise<CachedPlan> {
    const effective = await readEffectiveNetwork(storePlanningSource(this.store), name, version);
    if (!effective.ok) throw failureToApiError(effective.error);
    const { network, blocked, throughSequence } = effective.value;
    const options: PlanOptions = { blocked, pegging: false };
    const started = performance.now();
    const plan = planNetwork(network, options);
    const seconds = (performance.now() - started) / 1000;
    entry.network = network;
    entry.options = options;
    entry.checkedThrough = throughSequence;
    this.log.info(
      { network: name, version, through: throughSequence, orders: plan.orders.length, seconds },
      'network planned for the plan views',
    );
    return {
      name,
      version,
      through: throughSequence,
      plannedAt: this.now().toISOString(),
      seconds: Math.round(seconds * 1000) / 1000,
      index: new PlanIndex(network, plan),
    };
  }

  /** True when no planning event for `name` was appended since the entry's log position. */
  async #stillStands(name: string, entry: Entry): Promise<boolean> {
    const page = EVENT_READ_LIMIT.maximum;
    for (;;) {
      const events = await this.store.events.read({ after: entry.checkedThrough, limit: page });
      for (const event of events) {
        if (!isPlanningEventType(event.type)) continue;
        const addressed = addressedNetwork(event.payload);
        if (addressed === undefined || addressed === name) return false;
      }
      const last = events.at(-1);
      if (last !== undefined) entry.checkedThrough = last.sequence;
      if (events.length < page) return true;
    }
  }

  #touch(key: string, entry: Entry): void {
    this.#entries.delete(key);
    this.#entries.set(key, entry);
  }

  #evict(): void {
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.limits.maxPlans) return;
      this.#forget(key, entry);
    }
  }

  #forget(key: string, entry: Entry): void {
    this.#entries.delete(key);
    void entry.pegged?.close();
  }
}
