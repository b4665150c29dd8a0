/**
 * @module jobs/job-queue
 * Long-running work of the API (stress tests, sourcing comparisons, simulations) as jobs: a request
 * submits one and is answered 202 with its id at once; `GET /api/v1/jobs/{id}` follows its state,
 * progress and result; `DELETE` cancels it.
 *
 * - **Bounded concurrency.** At most `concurrency` jobs run at once (default 1: each job already spreads
 *   over the cores itself); up to `maxQueued` more wait in order, at most `maxPerUser` of them (running
 *   or waiting) per user. Beyond that, submitting is `rate-limited` (429, Retry-After).
 * - **Bounded memory.** A finished job (succeeded, failed, cancelled) is kept with its result for
 *   `finishedTtlMs` (default 1 hour) and then forgotten; at most `maxFinished` finished jobs are kept
 *   (the oldest go first). Jobs live in memory: a restart forgets them, running ones included.
 * - **Privacy.** A user sees only their own jobs; admins see everyone's. Someone else's job is
 *   `not-found`, not `forbidden`, so ids tell nothing.
 * - The work itself runs off the event loop (worker threads, `job-thread.ts` or `@keten/workers`); the
 *   queue only schedules, records progress and tells listeners (the live stream), progress at most
 *   every `progressIntervalMs` per job.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '@keten/core';
import type { FastifyBaseLogger } from 'fastify';
import type { UserPrincipal } from '../auth/policy.ts';
import { ApiError, type ApiErrorCode, toApiError } from '../errors.ts';

export const JOB_STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export type JobState = (typeof JOB_STATES)[number];
export const JOB_KINDS = ['stress-test', 'sourcing', 'simulate'] as const;
export type JobKind = (typeof JOB_KINDS)[number];

export interface JobProgress {
  readonly done: number;
  readonly total: number;
  /** What is counted: `company LPs`, `split scenarios`, `runs`. */
  readonly unit: string;
}

export interface JobError {
  readonly code: ApiErrorCode;
  readonly message: string;
  readonly details?: unknown;
}

/** A job as the API shows it (`result` only where asked for). */
export interface JobView {
  readonly id: string;
  readonly kind: JobKind;
  readonly owner: string;
  readonly network: string;
  /** The version the job works on. */
  readonly version: number;
  /** The job's parameters, as given (after defaults). */
  readonly input: Readonly<Record<string, unknown>>;
  readonly state: JobState;
  /** Jobs ahead of it while queued. */
  readonly position?: number;
  readonly progress: JobProgress;
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** When a finished job will be forgotten. */
  readonly expiresAt?: string;
  readonly error?: JobError;
  readonly result?: unknown;
}

/** What the work of a job gets: a signal that aborts on cancel, and a way to report progress. */
export interface JobContext {
  readonly signal: AbortSignal;
  progress(done: number, total: number): void;
}

export interface JobSubmission {
  readonly kind: JobKind;
  readonly owner: string;
  readonly network: string;
  readonly version: number;
  readonly input: Readonly<Record<string, unknown>>;
  /** The unit of progress, and the total known before the work starts. */
  readonly unit: string;
  readonly total: number;
  /** The work: resolves with the result (JSON-safe), rejects with an `ApiError` for an expected failure. */
  readonly work: (context: JobContext) => Promise<unknown>;
}

export interface JobLimits {
  /** Jobs running at once (default 1). */
  readonly concurrency: number;
  /** Jobs waiting, over all users (default 16). */
  readonly maxQueued: number;
  /** Jobs running or waiting per user (default 4). */
  readonly maxPerUser: number;
  /** How long a finished job is kept (default 1 hour). */
  readonly finishedTtlMs: number;
  /** Finished jobs kept at most (default 100). */
  readonly maxFinished: number;
  /** Progress is told to listeners at most this often per job (default 250 ms). */
  readonly progressIntervalMs: number;
}

export const DEFAULT_JOB_LIMITS: JobLimits = {
  concurrency: 1,
  maxQueued: 16,
  maxPerUser: 4,
  finishedTtlMs: 60 * 60 * 1000,
  maxFinished: 100,
  progressIntervalMs: 250,
};

/** A change of a job: its state, or its progress. */
export type JobListener = (job: JobView) => void;

interface Job {
  readonly id: string;
  readonly submission: JobSubmission;
  readonly controller: AbortController;
  state: JobState;
  done: number;
  total: number;
  readonly createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /** Clock time in ms when it is forgotten. */
  expires?: number;
  error?: JobError;
  result?: unknown;
  /** performance.now() of the last progress told to listeners. */
  toldAt: number;
}

const FINISHED: ReadonlySet<JobState> = new Set(['succeeded', 'failed', 'cancelled']);

export class JobQueue {
  readonly limits: JobLimits;
  readonly #jobs = new Map<string, Job>();
  readonly #waiting: Job[] = [];
  readonly #running = new Set<Job>();
  readonly #listeners = new Set<JobListener>();
  readonly #settled = new Set<Promise<void>>();
  #closed = false;

  constructor(
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    limits: Partial<JobLimits> = {},
  ) {
    this.limits = { ...DEFAULT_JOB_LIMITS, ...limits };
  }

  /** Queues a job (it starts at once when a slot is free), or throws `rate-limited` when full. */
  submit(submission: JobSubmission): JobView {
    if (this.#closed) throw new ApiError('unavailable', 'the server is shutting down');
    this.#sweep();
    const own = [...this.#running, ...this.#waiting].filter(
      (job) => job.submission.owner === submission.owner,
    );
    if (own.length >= this.limits.maxPerUser) {
      throw new ApiError(
        'rate-limited',
        `you have ${own.length} jobs running or waiting, the most this server allows per user; wait for one to finish or cancel one (DELETE /api/v1/jobs/{id})`,
        { headers: { 'retry-after': '30' } },
      );
    }
    if (this.#running.size >= this.limits.concurrency && this.#waiting.length >= this.limits.maxQueued) {
      throw new ApiError(
        'rate-limited',
        `${this.#waiting.length} jobs are waiting on this server, the most it queues; try again later`,
        { headers: { 'retry-after': '30' } },
      );
    }
    const job: Job = {
      id: randomUUID(),
      submission,
      controller: new AbortController(),
      state: 'queued',
      done: 0,
      total: submission.total,
      createdAt: this.#now(),
      toldAt: 0,
    };
    this.#jobs.set(job.id, job);
    this.#waiting.push(job);
    this.#tell(job);
    this.#startNext();
    return this.#view(job, false);
  }

  /** The job, when `user` may see it (its owner, or an admin); with its result when `withResult`. */
  get(id: string, user: UserPrincipal, withResult = true): JobView | undefined {
    this.#sweep();
    const job = this.#jobs.get(id);
    if (job === undefined || !maySee(user, job)) return undefined;
    return this.#view(job, withResult);
  }

  /** The jobs `user` may see, newest first, without results. */
  list(user: UserPrincipal): JobView[] {
    this.#sweep();
    return [...this.#jobs.values()]
      .filter((job) => maySee(user, job))
      .reverse()
      .map((job) => this.#view(job, false));
  }

  /**
   * Cancels a queued or running job `user` may see: a queued one never starts, a running one is
   * stopped (its worker threads end). A finished job is left as it was. Undefined when not found.
   */
  cancel(id: string, user: UserPrincipal): JobView | undefined {
    this.#sweep();
    const job = this.#jobs.get(id);
    if (job === undefined || !maySee(user, job)) return undefined;
    if (job.state === 'queued') {
      this.#waiting.splice(this.#waiting.indexOf(job), 1);
      this.#finish(job, 'cancelled');
    } else if (job.state === 'running') {
      // The work rejects on abort; #run records it as cancelled.
      job.controller.abort();
    }
    return this.#view(job, false);
  }

  /** Tells `listener` of every change; returns the function that stops it. */
  subscribe(listener: JobListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Whether `user` may see the job in `view` (for the live stream). */
  static visibleTo(user: UserPrincipal, job: Pick<JobView, 'owner'>): boolean {
    return user.role === 'admin' || user.username === job.owner;
  }

  /** Cancels everything; resolves when the running jobs have stopped. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#waiting.splice(0)) this.#finish(job, 'cancelled');
    for (const job of this.#running) job.controller.abort();
    await Promise.all(this.#settled);
  }

  #startNext(): void {
    while (this.#running.size < this.limits.concurrency && this.#waiting.length > 0 && !this.#closed) {
      const job = this.#waiting.shift()!;
      this.#running.add(job);
      job.state = 'running';
      job.startedAt = this.#now();
      this.#tell(job);
      const settled = this.#run(job).finally(() => {
        this.#settled.delete(settled);
        this.#running.delete(job);
        this.#startNext();
      });
      this.#settled.add(settled);
    }
  }

  async #run(job: Job): Promise<void> {
    const started = performance.now();
    const context: JobContext = {
      signal: job.controller.signal,
      progress: (done, total) => {
        if (job.state !== 'running') return;
        job.done = done;
        job.total = total;
        const now = performance.now();
        if (now - job.toldAt >= this.limits.progressIntervalMs) this.#tell(job, now);
      },
    };
    try {
      const result = await job.submission.work(context);
      if (job.controller.signal.aborted) return this.#finish(job, 'cancelled');
      job.result = result;
      job.done = job.total;
      this.#finish(job, 'succeeded');
    } catch (error) {
      if (job.controller.signal.aborted) return this.#finish(job, 'cancelled');
      const known = toApiError(error);
      if (known === undefined) {
        this.log.error({ err: error, job: job.id, kind: job.submission.kind }, 'a job failed unexpectedly');
      }
      const failure =
        known ?? new ApiError('internal', 'the job failed unexpectedly; the server log has the details');
      job.error = {
        code: failure.code,
        message: failure.message,
        ...(failure.details === undefined ? {} : { details: failure.details }),
      };
      this.#finish(job, 'failed');
    } finally {
      this.log.info(
        {
          job: job.id,
          kind: job.submission.kind,
          network: job.submission.network,
          owner: job.submission.owner,
          state: job.state,
          milliseconds: Math.round(performance.now() - started),
        },
        'job ended',
      );
    }
  }

  #finish(job: Job, state: 'succeeded' | 'failed' | 'cancelled'): void {
    job.state = state;
    job.finishedAt = this.#now();
    job.expires = this.clock.now().getTime() + this.limits.finishedTtlMs;
    this.#tell(job);
    this.#sweep();
  }

  /** Forgets finished jobs past their time, and the oldest beyond `maxFinished`. */
  #sweep(): void {
    const now = this.clock.now().getTime();
    const finished: Job[] = [];
    for (const job of this.#jobs.values()) {
      if (!FINISHED.has(job.state)) continue;
      if (job.expires !== undefined && job.expires <= now) this.#jobs.delete(job.id);
      else finished.push(job);
    }
    // Map order is submission order; forget those that finished first.
    finished.sort((a, b) => (a.expires ?? 0) - (b.expires ?? 0));
    for (const job of finished.slice(0, Math.max(0, finished.length - this.limits.maxFinished))) {
      this.#jobs.delete(job.id);
    }
  }

  #tell(job: Job, now = performance.now()): void {
    job.toldAt = now;
    if (this.#listeners.size === 0) return;
    const view = this.#view(job, false);
    for (const listener of this.#listeners) {
      try {
        listener(view);
      } catch (error) {
        this.log.error({ err: error }, 'a job listener failed');
      }
    }
  }

  #view(job: Job, withResult: boolean): JobView {
    const { kind, owner, network, version, input, unit } = job.submission;
    const position = job.state === 'queued' ? this.#waiting.indexOf(job) : -1;
    return {
      id: job.id,
      kind,
      owner,
      network,
      version,
      input,
      state: job.state,
      ...(position >= 0 ? { position } : {}),
      progress: { done: job.done, total: job.total, unit },
      createdAt: job.createdAt,
      ...(job.startedAt === undefined ? {} : { startedAt: job.startedAt }),
      ...(job.finishedAt === undefined ? {} : { finishedAt: job.finishedAt }),
      ...(job.expires === undefined ? {} : { expiresAt: new Date(job.expires).toISOString() }),
      ...(job.error === undefined ? {} : { error: job.error }),
      ...(withResult && job.state === 'succeeded' ? { result: job.result } : {}),
    };
  }

  #now(): string {
    return this.clock.now().toISOString();
  }
}

/** A user sees their own jobs; an admin sees everyone's. */
function maySee(user: UserPrincipal, job: Job): boolean {
  return JobQueue.visibleTo(user, job.submission);
}
