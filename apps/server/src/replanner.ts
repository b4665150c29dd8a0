/**
 * @module replanner
 * Re-planning on the server (issue 3, section 5). `POST …/replan` re-plans a network and publishes the
 * result; after `POST /api/v1/events` accepts planning events, the networks they address are
 * re-planned in the background, and `GET …/plan/changes` answers what the latest re-plan changed.
 *
 * - The last plan of each network is kept in memory (about the size of the plan), so the next re-plan
 *   starts from it and computes again only what the events reach. A restart forgets it: the next
 *   re-plan then plans its base first.
 * - Re-plans run one at a time, in the order they were asked for, in a worker thread
 *   (`jobs/replan-thread.ts`; a 60,000-company re-plan is 12–17 s of CPU), which keeps the plans;
 *   the server's thread only reads the store for it and answers others meanwhile. If the thread
 *   fails, the next re-plan starts a new one without kept plans, as after a restart. Background
 *   re-plans start after the answer to the events was sent; their failures (an event that cannot be
 *   applied, a store that went away, a bug) are logged and answered by `GET …/plan/changes`, never
 *   thrown.
 * - Events without a `network` address every network in the store (a store that holds one network).
 * - Background re-plans publish nothing: `plan/changes` shows what the latest events changed against
 *   the plan before them; `POST …/replan` publishes, and diffs against what was published last.
 */
import {
  addressedNetwork,
  type Clock,
  isPlanningEventType,
  type KetenStore,
  type StoredEvent,
} from '@keten/core';
import {
  type PublishingSource,
  type ReplanOutcome,
  type StoredPlanningFailure,
  storePlanningSource,
} from '@keten/store';
import type { FastifyBaseLogger } from 'fastify';
import { ApiError, type ApiErrorCode, toApiError } from './errors.ts';
import { ReplanThread, type ThreadReplanResult } from './jobs/replan-thread.ts';

/** A re-plan that failed, as `GET …/plan/changes` shows it. */
export interface ReplanFailure {
  readonly at: string;
  readonly code: ApiErrorCode;
  readonly message: string;
  readonly details?: unknown;
}

/** The latest re-plan of a network: what it changed, and when it was made. */
export interface PlanChanges extends Omit<ReplanOutcome, 'kept' | 'published'> {
  readonly at: string;
}

export interface ReplanCall {
  readonly network: string;
  readonly version?: number | undefined;
  readonly dryRun?: boolean | undefined;
  /** Who asked: the source of the `plan.published` event. */
  readonly source: string;
}

/** What a listener of the re-planner hears: a re-plan made (its changes) or failed, per network. */
export type ReplanNews =
  | { readonly network: string; readonly changes: PlanChanges }
  | { readonly network: string; readonly failure: ReplanFailure };

export class Replanner {
  readonly #listeners = new Set<(news: ReplanNews) => void>();
  readonly #thread: ReplanThread;
  readonly #changes = new Map<string, PlanChanges>();
  readonly #failures = new Map<string, ReplanFailure>();
  #queue: Promise<void> = Promise.resolve();
  #closed = false;

  /**
   * `source` is what re-plans read and publish to (default: the store's ports; the server passes
   * its version cache, so a version already parsed is not read again).
   */
  constructor(
    private readonly store: KetenStore,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    source: PublishingSource = storePlanningSource(store),
  ) {
    this.#thread = new ReplanThread(source, (error) =>
      log.warn(
        { err: error },
        'the re-plan thread ended: the plans it kept are gone, the next re-plan plans its base',
      ),
    );
  }

  /** Re-plans a network now (after the re-plans queued before it) and, unless a dry run, publishes. */
  replan(call: ReplanCall): Promise<ThreadReplanResult> {
    return this.#enqueue(async () => {
      const result = await this.#thread.replan({
        network: call.network,
        ...(call.version === undefined ? {} : { version: call.version }),
        ...(call.dryRun === true ? {} : { publish: { source: call.source, at: this.#now() } }),
      });
      if (result.ok) this.#record(result.value);
      return result;
    });
  }

  /**
   * Queues a re-plan of every network the appended events address, when any of them is a planning
   * event; returns at once. Call it once the answer is sent.
   */
  afterEvents(appended: readonly StoredEvent[]): void {
    const planning = appended.filter((event) => isPlanningEventType(event.type));
    if (planning.length === 0 || this.#closed) return;
    const named = new Set<string>();
    let everyNetwork = false;
    for (const event of planning) {
      const network = addressedNetwork(event.payload);
      if (network === undefined) everyNetwork = true;
      else named.add(network);
    }
    void this.#enqueue(async () => {
      const stored = new Set((await this.store.networks.listNetworks()).map((entry) => entry.network));
      const networks = everyNetwork ? [...stored] : [...named].filter((network) => stored.has(network));
      for (const network of networks) {
        if (this.#closed) return;
        await this.#replanInBackground(network);
      }
    }).catch((error: unknown) => {
      this.log.error({ err: error }, 're-planning after events failed');
    });
  }

  /** The latest re-plan of a network and a failure after it; both undefined before the first. */
  changes(network: string): { changes?: PlanChanges; failure?: ReplanFailure } {
    const changes = this.#changes.get(network);
    const failure = this.#failures.get(network);
    return {
      ...(changes === undefined ? {} : { changes }),
      ...(failure === undefined ? {} : { failure }),
    };
  }

  /** Tells `listener` of every re-plan made or failed (the live stream); returns how to stop. */
  subscribe(listener: (news: ReplanNews) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resolves when every re-plan queued so far has run. */
  idle(): Promise<void> {
    return this.#queue;
  }

  /** Queued background re-plans are dropped; resolves when the running one has finished and the thread ended. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    await this.#thread.close();
  }

  async #replanInBackground(network: string): Promise<void> {
    const started = performance.now();
    try {
      const result = await this.#thread.replan({ network, since: 'kept' });
      if (!result.ok) {
        const error = failureToApiError(result.error);
        this.#fail(network, error);
        this.log.warn(
          { network, code: error.code, problems: error.details },
          `re-planning '${network}' after events failed: ${error.message}`,
        );
        return;
      }
      const { diff, stats, through, version } = this.#record(result.value);
      this.log.info(
        {
          network,
          version,
          through,
          recomputed: stats.recomputed,
          nodes: stats.nodes,
          full: stats.full,
          ordersChanged: diff.orders.added.length + diff.orders.removed.length + diff.orders.changed.length,
          companiesToTell: diff.notices.length,
          milliseconds: Math.round(performance.now() - started),
        },
        'network re-planned after events',
      );
    } catch (error) {
      const known = toApiError(error);
      this.#fail(
        network,
        known ?? new ApiError('internal', 'the re-plan failed unexpectedly; the server log has the details'),
      );
      this.log.error({ err: error, network }, `re-planning '${network}' after events failed`);
    }
  }

  #record(outcome: Omit<ReplanOutcome, 'kept'>): PlanChanges {
    const { published: _published, ...changed } = outcome;
    const changes: PlanChanges = { ...changed, at: this.#now() };
    this.#changes.set(outcome.network, changes);
    this.#failures.delete(outcome.network);
    this.#tell({ network: outcome.network, changes });
    return changes;
  }

  #tell(news: ReplanNews): void {
    for (const listener of this.#listeners) {
      try {
        listener(news);
      } catch (error) {
        this.log.error({ err: error }, 'a re-plan listener failed');
      }
    }
  }

  #fail(network: string, error: ApiError): void {
    const failure: ReplanFailure = {
      at: this.#now(),
      code: error.code,
      message: error.message,
      ...(error.details === undefined ? {} : { details: error.details }),
    };
    this.#failures.set(network, failure);
    this.#tell({ network, failure });
  }

  #now(): string {
    return this.clock.now().toISOString();
  }

  /** Runs `work` after everything queued before it; a failure does not stop the queue. */
  #enqueue<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(work);
    this.#queue = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/**
 * The answer for a failure of planning a stored network: a network or version that is not there is
 * `not-found`; events that cannot be applied are a `conflict` with the stored data, each problem in
 * `details`.
 */
export function failureToApiError(failure: StoredPlanningFailure): ApiError {
  if (failure.reason === 'not-found') return new ApiError('not-found', failure.message);
  return new ApiError('conflict', failure.message, {
    details: failure.problems.map((problem, index) => ({
      sequence: problem.sequence,
      key: problem.key,
      type: problem.type,
      path: problem.path,
      code: problem.code,
      message: failure.lines[index] ?? problem.message,
    })),
  });
}
