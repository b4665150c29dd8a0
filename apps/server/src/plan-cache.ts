/**
 * @module plan-cache
 * The latest plan of each network version, kept so the Plan and Status pages' questions (a company's
 * plan, the heat map, the chain status, pegging) do not plan the network again per request: a
 * 60,000-company plan takes some 20 s of CPU and 3.5 GB, so it is made once per version and log
 * position and then asked (`PlanAsker`, `plan-answers.ts`).
 *
 * - **Off the server's thread.** A network of `threadFromCompanies` companies or more (default 1,000)
 *   is planned in a worker thread of its own that then holds the plan and answers the questions
 *   (`jobs/plan-thread.ts`): the server goes on answering (health, other networks, the map) while it
 *   plans. Only reading the version from the store (once per version, shared with the network views:
 *   `version-cache.ts`) and handing the network to the thread (a structured clone) are done on the
 *   server's thread. A smaller network is planned on the server's thread, where it takes less time
 *   than starting a thread (some 0.7 s of CPU).
 * - **Answer or say when.** A question waits for a plan being made at most `waitSeconds` (default 10;
 *   a client may ask for 0 to 60 with `Prefer: wait=N`), then is answered 503 `unavailable` with
 *   `Retry-After` and `details.planning` (what is being done, for how long, and how long the last plan
 *   took per company, as a hint): the plan goes on being made, and asking again gets it once made.
 * - **One plan at a time per key.** Everyone asking for the same version while it is being made shares
 *   that one computation.
 * - **Freshness.** Each question checks (cheaply) whether a made plan still stands: the latest version
 *   is the one planned (`listVersions`, no content read), and no planning event for the network was
 *   appended since the plan's log position (the log is read from there on, usually nothing). A new
 *   version or a new planning event makes the next question plan again; other events only move the
 *   position on. After planning events, the version's plan thread re-plans from the plan it holds
 *   (`PlanThread.replan`: only what the events reach; at 20,000 companies a new thread planned the
 *   whole network again beside the re-plan thread's re-plan of the same events).
 * - **Pegging on demand.** Plans are made without pegging (at 60,000 companies pegging takes 30 s and
 *   3.6 GB instead of 4 s and 0.5 GB; docs/planning.md); the first pegging question of a version plans
 *   it once more with pegging in a worker thread that then holds it and answers pegging questions
 *   (`jobs/pegging-thread.ts`), for networks up to `maxPeggingCompanies`.
 * - **Bounded.** At most `maxPlans` versions are kept (least recently used go first, plans being made
 *   last; their threads end); a restart forgets them all.
 */
import {
  addressedNetwork,
  EVENT_READ_LIMIT,
  firstDues,
  isPlanningEventType,
  type KetenStore,
  type Network,
  type PlanOptions,
} from '@keten/core';
import { readEffectiveNetwork } from '@keten/store';
import type { FastifyBaseLogger } from 'fastify';
import { ApiError } from './errors.ts';
import { PeggingThread } from './jobs/pegging-thread.ts';
import { PlanThread } from './jobs/plan-thread.ts';
import {
  localAsker,
  PlanAnswers,
  type PlanAsker,
  type PlanMade,
  type PlanSetup,
  type PlanStep,
} from './plan-answers.ts';
import { failureToApiError } from './replanner.ts';
import type { VersionCache } from './version-cache.ts';

export interface PlanCacheLimits {
  /** Versions whose plans are kept (default 2). */
  readonly maxPlans: number;
  /** Largest network (companies) whose plan with pegging is made and kept (default 6,000: pegging is 8.4 million pegs and 3.6 GB there, some 100 million pegs at 60,000). */
  readonly maxPeggingCompanies: number;
  /** Networks of this many companies or more are planned in a thread of their own (default 1,000; 0: all). */
  readonly threadFromCompanies: number;
  /** How long a question waits for a plan being made before it is answered 503 (default 10 s). */
  readonly waitSeconds: number;
}

export const DEFAULT_PLAN_CACHE_LIMITS: PlanCacheLimits = {
  maxPlans: 2,
  maxPeggingCompanies: 6_000,
  threadFromCompanies: 1_000,
  waitSeconds: 10,
};

/** The longest wait a client may ask for with `Prefer: wait=N`. */
export const MAX_WAIT_SECONDS = 60;

/** What making a plan is doing: reading the version and the log, starting its thread, planning, building the chain status. */
export type PlanPhase = 'reading' | 'starting' | PlanStep;

/** `details.planning` of a 503 answer: a plan being made. */
export interface PlanningProgress {
  readonly network: string;
  readonly version: number;
  readonly phase: PlanPhase;
  /** Companies in the network (null while the version is being read). */
  readonly companies: number | null;
  readonly elapsedSeconds: number;
  /** A hint: this network's size at the speed of the last plan this server made; null before any. */
  readonly expectedSeconds: number | null;
}

/** A plan the views read, and where it stands. */
export interface CachedPlan {
  readonly name: string;
  readonly version: number;
  /** Every planning event of the network up to this log sequence is in the plan. */
  readonly through: number;
  /** When it was planned (ISO 8601), and how long making it took. */
  readonly plannedAt: string;
  readonly seconds: number;
  /** Re-planned by the version's plan thread from its plan before (planning events since), not planned whole. */
  readonly replanned: boolean;
  readonly horizon: number;
  readonly period: Network['period'];
  readonly start: Network['start'];
  readonly answers: PlanAsker;
}

interface Entry {
  readonly name: string;
  readonly version: number;
  /** The plan, or the planning under way. */
  plan: Promise<CachedPlan>;
  settled: boolean;
  phase: PlanPhase;
  /** performance.now() when making it began. */
  readonly began: number;
  companies: number | null;
  network?: Network;
  options?: PlanOptions;
  /** The log has been read up to here and nothing in it changes the plan. */
  checkedThrough: number;
  thread?: PlanThread;
  /** The plan thread of this version's last plan, to re-plan from (planning events came since). */
  reuse?: PlanThread;
  pegged?: PeggingThread;
  /** Dropped for newer plans while being made. */
  dropped: boolean;
}

export class PlanCache {
  readonly limits: PlanCacheLimits;
  readonly #entries = new Map<string, Entry>();
  /** Every plan thread started, so closing ends those still retiring too. */
  readonly #threads = new Set<PlanThread>();
  /** Seconds per company of the last plan made (for `expectedSeconds`). */
  #pace: number | undefined;

  constructor(
    private readonly store: KetenStore,
    private readonly versions: VersionCache,
    private readonly now: () => Date,
    private readonly log: FastifyBaseLogger,
    limits: Partial<PlanCacheLimits> = {},
  ) {
    this.limits = { ...DEFAULT_PLAN_CACHE_LIMITS, ...limits };
  }

  /**
   * The plan of the version (default: the latest) with the planning events of its network, from the
   * cache when it still stands. `not-found` for a network or version that is not there, `conflict`
   * for an event in the log that cannot be applied, `unavailable` (with `Retry-After` and
   * `details.planning`) when the plan is still being made after `waitSeconds` (default: the limit's).
   */
  async plan(
    name: string,
    version?: number,
    waitSeconds = this.limits.waitSeconds,
  ): Promise<CachedPlan & { readonly cached: boolean }> {
    const versions = await this.store.networks.listVersions(name);
    const latest = versions.reduce((highest, info) => Math.max(highest, info.version), 0);
    if (latest === 0) throw new ApiError('not-found', `no network named '${name}'`);
    const wanted = version ?? latest;
    if (!versions.some((info) => info.version === wanted)) {
      throw new ApiError('not-found', `'${name}' has no version ${wanted} (the latest is ${latest})`);
    }
    const key = `${name}\u0000${wanted}`;
    let entry = this.#entries.get(key);
    if (entry?.settled === true) {
      const current = await entry.plan;
      if (entry.thread?.failed !== true && (await this.#stillStands(name, entry))) {
        this.#touch(key, entry);
        return { ...current, cached: true };
      }
      // Its thread re-plans the version with the events since, unless someone else did it meanwhile.
      const handedOn = this.#entries.get(key) === entry ? this.#forget(key, entry, true) : undefined;
      entry = this.#entries.get(key);
      if (entry === undefined && handedOn !== undefined) entry = this.#start(key, name, wanted, handedOn);
      else handedOn?.retire();
    }
    entry ??= this.#start(key, name, wanted, undefined);
    const cached = entry.settled;
    return { ...(await this.#within(entry, waitSeconds)), cached };
  }

  /** A new entry for the version, its plan being made (re-planned by `reuse` when given). */
  #start(key: string, name: string, version: number, reuse: PlanThread | undefined): Entry {
    const made: Entry = {
      name,
      version,
      plan: Promise.resolve(undefined as never),
      settled: false,
      phase: 'reading',
      began: performance.now(),
      companies: null,
      checkedThrough: 0,
      dropped: false,
      ...(reuse === undefined ? {} : { reuse }),
    };
    made.plan = this.#make(made).then(
      (plan) => {
        made.settled = true;
        return plan;
      },
      (error: unknown) => {
        if (this.#entries.get(key) === made) this.#forget(key, made);
        throw error;
      },
    );
    made.plan.catch(() => undefined);
    this.#entries.set(key, made);
    this.#evict();
    return made;
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
        `pegging is kept for networks up to ${this.limits.maxPeggingCompanies} companies (planning with pegging ` +
          `takes some 3.6 GB at 6,000 and would take tens of GB at 60,000); '${plan.name}' has ` +
          `${network.companies.length}: use \`keten plan --csv\` (pegging.csv) or POST …/plan with pegging`,
        {
          details: {
            pegging: { maxCompanies: this.limits.maxPeggingCompanies, companies: network.companies.length },
          },
        },
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

  /** Drops every plan and ends the plan and pegging threads. */
  async close(): Promise<void> {
    const entries = [...this.#entries.values()];
    this.#entries.clear();
    await Promise.all([
      ...[...this.#threads].map((thread) => thread.close()),
      ...entries.map((entry) => entry.pegged?.close()),
    ]);
  }

  /** The entry's plan once made, or 503 after `waitSeconds` with where making it stands. */
  async #within(entry: Entry, waitSeconds: number): Promise<CachedPlan> {
    if (entry.settled) return entry.plan;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<undefined>((resolve) => {
      timer = setTimeout(resolve, waitSeconds * 1000, undefined);
    });
    try {
      const plan = await Promise.race([entry.plan, late]);
      if (plan !== undefined) return plan;
    } finally {
      clearTimeout(timer);
    }
    const progress = this.#progress(entry);
    const remaining =
      progress.expectedSeconds === null ? 3 : progress.expectedSeconds - progress.elapsedSeconds;
    // Soon, so that an asker is back (or waiting here) when the plan is made, before the thread goes
    // on to build its indexes (plan-worker.ts).
    const retry = Math.min(5, Math.max(1, Math.ceil(remaining)));
    throw new ApiError(
      'unavailable',
      `the plan of '${entry.name}' v${entry.version} is being made (${progress.phase}, ` +
        `${progress.elapsedSeconds} s so far${
          progress.expectedSeconds === null ? '' : ` of some ${progress.expectedSeconds} s`
        }); ask again in ${retry} s`,
      {
        headers: { 'retry-after': String(retry) },
        details: {
          planning: progress,
          // The web app's progress bar (`{ done, total, unit }`): time so far of the time expected.
          progress: {
            done: Math.floor(progress.elapsedSeconds),
            ...(progress.expectedSeconds === null
              ? {}
              : {
                  total: Math.max(Math.ceil(progress.expectedSeconds), Math.floor(progress.elapsedSeconds)),
                }),
            unit: 'seconds',
          },
        },
      },
    );
  }

  #progress(entry: Entry): PlanningProgress {
    const elapsed = (performance.now() - entry.began) / 1000;
    return {
      network: entry.name,
      version: entry.version,
      phase: entry.phase,
      companies: entry.companies,
      elapsedSeconds: Math.round(elapsed * 10) / 10,
      expectedSeconds:
        this.#pace === undefined || entry.companies === null
          ? null
          : Math.round(this.#pace * entry.companies * 10) / 10,
    };
  }

  async #make(entry: Entry): Promise<CachedPlan> {
    const { name, version } = entry;
    const effective = await readEffectiveNetwork(this.versions.planningSource(), name, version);
    if (!effective.ok) throw failureToApiError(effective.error);
    const { network, blocked, throughSequence } = effective.value;
    const options: PlanOptions = { blocked, pegging: false };
    entry.companies = network.companies.length;
    entry.network = network;
    entry.options = options;
    entry.checkedThrough = throughSequence;
    const setup: PlanSetup = {
      network,
      options,
      firstDues: firstDues(
        (await this.versions.get(name, version)).stored.content.openOrders ?? [],
        await this.#opened(name, throughSequence),
      ),
    };
    if (entry.dropped) throw dropped(entry);
    const onStep = (step: PlanStep) => {
      entry.phase = step;
    };
    let made: PlanMade;
    let answers: PlanAsker;
    const threaded = network.companies.length >= this.limits.threadFromCompanies;
    // The version's last plan thread, if it can re-plan this one; else it ends.
    const reuse = threaded && entry.reuse?.failed === false ? entry.reuse : undefined;
    if (reuse === undefined) entry.reuse?.retire();
    delete entry.reuse;
    if (reuse !== undefined) {
      // The version's thread re-plans the plan it holds with the events since.
      entry.thread = reuse;
      try {
        made = await reuse.replan(setup, onStep);
      } catch (error) {
        throw entry.dropped ? dropped(entry) : error;
      }
      answers = reuse.answers;
    } else if (threaded) {
      entry.phase = 'starting';
      const thread = new PlanThread(setup, onStep);
      entry.thread = thread;
      this.#threads.add(thread);
      void thread.ended.then(() => this.#threads.delete(thread));
      try {
        made = await thread.made;
      } catch (error) {
        throw entry.dropped ? dropped(entry) : error;
      }
      answers = thread.answers;
    } else {
      const local = new PlanAnswers(setup, onStep);
      made = local.made;
      answers = localAsker(local);
    }
    const seconds = (performance.now() - entry.began) / 1000;
    this.#pace = seconds / Math.max(1, network.companies.length);
    this.log.info(
      {
        network: name,
        version,
        through: throughSequence,
        orders: made.orders,
        seconds,
        threaded,
        replanned: made.replanned === true,
      },
      'network planned for the plan views',
    );
    return {
      name,
      version,
      through: throughSequence,
      plannedAt: this.now().toISOString(),
      seconds: Math.round(seconds * 1000) / 1000,
      replanned: made.replanned === true,
      horizon: made.horizon,
      period: network.period,
      start: network.start,
      answers,
    };
  }

  /** The `order.opened` payloads for `name` up to the log position `through`. */
  async #opened(name: string, through: number): Promise<{ id?: unknown; due?: unknown }[]> {
    const opened: { id?: unknown; due?: unknown }[] = [];
    let after = 0;
    for (;;) {
      const page = await this.store.events.read({
        type: 'order.opened',
        after,
        limit: EVENT_READ_LIMIT.maximum,
      });
      for (const event of page) {
        if (event.sequence > through) return opened;
        const addressed = addressedNetwork(event.payload);
        if (addressed === undefined || addressed === name)
          opened.push(event.payload as { id?: unknown; due?: unknown });
      }
      const last = page.at(-1);
      if (last === undefined || page.length < EVENT_READ_LIMIT.maximum) return opened;
      after = last.sequence;
    }
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

  /** Drops the least recently used plans beyond `maxPlans`: made ones first, then ones being made. */
  #evict(): void {
    for (const settled of [true, false]) {
      for (const [key, entry] of this.#entries) {
        if (this.#entries.size <= this.limits.maxPlans) return;
        if (entry.settled === settled) this.#forget(key, entry);
      }
    }
  }

  /**
   * Drops the entry and ends its threads; with `handOn`, a made plan's thread is returned instead of
   * ended, to re-plan the version (`reuse`), when it is still alive.
   */
  #forget(key: string, entry: Entry, handOn = false): PlanThread | undefined {
    if (this.#entries.get(key) === entry) this.#entries.delete(key);
    entry.dropped = true;
    void entry.pegged?.close();
    const { thread } = entry;
    // A plan thread handed on for a re-plan was never this entry's to end any more.
    if (entry.reuse !== undefined) entry.reuse.retire();
    if (handOn && entry.settled && thread !== undefined && !thread.failed) return thread;
    // A made plan may still be answering a request that was handed it: its thread ends after that.
    if (entry.settled) thread?.retire();
    else void thread?.close();
    return undefined;
  }
}

/** A plan dropped for newer ones while it was being made. */
function dropped(entry: Entry): ApiError {
  return new ApiError(
    'unavailable',
    `the plan of '${entry.name}' v${entry.version} was dropped for newer plans while being made; ask again`,
    { headers: { 'retry-after': '1' } },
  );
}
