import fc from 'fast-check';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { UserPrincipal } from '../auth/policy.ts';
import { ApiError } from '../errors.ts';
import { TestClock } from '../test-support.ts';
import { type JobContext, JobQueue, type JobSubmission, type JobView } from './job-queue.ts';

const user = (username: string, role: UserPrincipal['role'] = 'planner'): UserPrincipal =>
  ({ kind: 'user', username, role, token: {} }) as UserPrincipal;
const ANN = user('ann');
const BOB = user('bob');
const ADMIN = user('root', 'admin');

/** Work the test finishes by hand. */
function manual() {
  let resolve!: (value: unknown) => void;
  let reject!: (error: unknown) => void;
  let context!: JobContext;
  const promise = new Promise((yes, no) => {
    resolve = yes;
    reject = no;
  });
  // A job cancelled while queued never runs its work, so nobody awaits this promise; the test may still
  // end it with a rejection, which must not count as unhandled.
  promise.catch(() => undefined);
  const work = (given: JobContext) => {
    context = given;
    given.signal.addEventListener('abort', () => reject(new Error('aborted')));
    return promise;
  };
  return { work, resolve, reject, context: () => context };
}

function submission(owner: string, work: JobSubmission['work']): JobSubmission {
  return {
    kind: 'stress-test',
    owner,
    network: 'n',
    version: 1,
    input: {},
    unit: 'company LPs',
    total: 10,
    work,
  };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('JobQueue', () => {
  it('runs one job at a time in order, records progress, result and failures with their codes', async () => {
    const clock = new TestClock();
    const queue = new JobQueue(clock, pino({ enabled: false }), { progressIntervalMs: 0 });
    const told: JobView[] = [];
    queue.subscribe((job) => told.push(job));
    const first = manual();
    const second = manual();
    const third = manual();
    const a = queue.submit(submission('ann', first.work));
    const b = queue.submit(submission('ann', second.work));
    const c = queue.submit(submission('bob', third.work));
    expect(queue.get(a.id, ANN)?.state).toBe('running');
    expect(queue.get(b.id, ANN)).toMatchObject({ state: 'queued', position: 0 });
    expect(queue.get(c.id, BOB)).toMatchObject({ state: 'queued', position: 1 });

    first.context().progress(4, 10);
    expect(queue.get(a.id, ANN)?.progress).toEqual({ done: 4, total: 10, unit: 'company LPs' });
    first.resolve({ answer: 42 });
    await settle();
    expect(queue.get(a.id, ANN)).toMatchObject({ state: 'succeeded', result: { answer: 42 } });
    expect(queue.get(a.id, ANN, false)?.result).toBeUndefined();
    expect(queue.get(b.id, ANN)?.state).toBe('running');

    second.reject(new ApiError('not-found', 'no buyer x'));
    await settle();
    expect(queue.get(b.id, ANN)).toMatchObject({
      state: 'failed',
      error: { code: 'not-found', message: 'no buyer x' },
    });

    third.reject(new TypeError('a bug with internals'));
    await settle();
    const failed = queue.get(c.id, BOB);
    expect(failed?.error?.code).toBe('internal');
    expect(failed?.error?.message).not.toContain('internals');

    expect(told.filter((job) => job.id === a.id).map((job) => job.state)).toEqual([
      'queued',
      'running',
      'running',
      'succeeded',
    ]);
    expect(told.every((job) => job.result === undefined)).toBe(true);
  });

  it('keeps jobs private, cancels queued and running ones, and forgets finished jobs', async () => {
    const clock = new TestClock();
    const queue = new JobQueue(clock, pino({ enabled: false }), { finishedTtlMs: 1000, maxFinished: 2 });
    const running = manual();
    const a = queue.submit(submission('ann', running.work));
    const b = queue.submit(submission('ann', manual().work));
    expect(queue.get(a.id, BOB)).toBeUndefined();
    expect(queue.cancel(a.id, BOB)).toBeUndefined();
    expect(queue.get(a.id, ADMIN)?.owner).toBe('ann');
    expect(queue.list(BOB)).toEqual([]);
    expect(queue.list(ANN).map((job) => job.id)).toEqual([b.id, a.id]);

    expect(queue.cancel(b.id, ANN)?.state).toBe('cancelled');
    queue.cancel(a.id, ADMIN);
    await settle();
    expect(queue.get(a.id, ANN)?.state).toBe('cancelled');

    // At most two finished jobs are kept; the oldest go first.
    const quick = () => submission('bob', async () => 'done');
    const c = queue.submit(quick());
    await settle();
    const d = queue.submit(quick());
    await settle();
    expect(queue.get(b.id, ANN)).toBeUndefined();
    expect(queue.get(c.id, BOB)?.state).toBe('succeeded');
    expect(queue.get(d.id, BOB)?.state).toBe('succeeded');
    clock.advance(1001);
    expect(queue.get(d.id, BOB)).toBeUndefined();
    expect(queue.list(ADMIN)).toEqual([]);
  });

  it('refuses beyond the per-user and queue limits with rate-limited, and everything once closed', async () => {
    const queue = new JobQueue(new TestClock(), pino({ enabled: false }), { maxPerUser: 2, maxQueued: 2 });
    queue.submit(submission('ann', manual().work));
    queue.submit(submission('ann', manual().work));
    expect(() => queue.submit(submission('ann', manual().work))).toThrow(
      expect.objectContaining({ code: 'rate-limited' }),
    );
    queue.submit(submission('bob', manual().work));
    expect(() => queue.submit(submission('eve', manual().work))).toThrow(/waiting/);
    await queue.close();
    expect(queue.list(ADMIN).every((job) => job.state === 'cancelled')).toBe(true);
    expect(() => queue.submit(submission('eve', manual().work))).toThrow(
      expect.objectContaining({ code: 'unavailable' }),
    );
  });

  it('tells listeners of progress at most once per interval', () => {
    const queue = new JobQueue(new TestClock(), pino({ enabled: false }), { progressIntervalMs: 60_000 });
    const told: JobView[] = [];
    queue.subscribe((job) => told.push(job));
    const job = manual();
    queue.submit(submission('ann', job.work));
    for (let done = 1; done <= 100; done++) job.context().progress(done, 100);
    expect(told.map((view) => view.state)).toEqual(['queued', 'running']);
    expect(queue.list(ANN)[0]?.progress.done).toBe(100);
  });

  it('keeps its limits and privacy under any sequence of submits, cancels and endings (property)', async () => {
    const users = [ANN, BOB, user('eve', 'viewer')];
    const operation = fc.oneof(
      fc.record({ kind: fc.constant('submit' as const), user: fc.integer({ min: 0, max: 2 }) }),
      fc.record({
        kind: fc.constant('cancel' as const),
        job: fc.nat(),
        user: fc.integer({ min: 0, max: 3 }),
      }),
      fc.record({ kind: fc.constant('end' as const), job: fc.nat(), fail: fc.boolean() }),
      fc.record({ kind: fc.constant('time' as const), milliseconds: fc.integer({ min: 0, max: 2000 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { maxLength: 40 }), async (operations) => {
        const clock = new TestClock();
        const limits = { concurrency: 2, maxQueued: 3, maxPerUser: 2, finishedTtlMs: 1000, maxFinished: 3 };
        const queue = new JobQueue(clock, pino({ enabled: false }), limits);
        const works: {
          id: string;
          owner: string;
          resolve: (value: unknown) => void;
          reject: (e: unknown) => void;
        }[] = [];
        for (const step of operations) {
          if (step.kind === 'submit') {
            const owner = users[step.user]!.username;
            const work = manual();
            try {
              const view = queue.submit(submission(owner, work.work));
              works.push({ id: view.id, owner, resolve: work.resolve, reject: work.reject });
            } catch (error) {
              expect(error).toMatchObject({ code: 'rate-limited' });
            }
          } else if (step.kind === 'cancel' && works.length > 0) {
            const target = works[step.job % works.length]!;
            const who = step.user === 3 ? ADMIN : users[step.user]!;
            const answer = queue.cancel(target.id, who);
            if (who !== ADMIN && who.username !== target.owner) expect(answer).toBeUndefined();
          } else if (step.kind === 'end' && works.length > 0) {
            const target = works[step.job % works.length]!;
            if (step.fail) target.reject(new ApiError('conflict', 'no'));
            else target.resolve('done');
          } else if (step.kind === 'time') clock.advance(step.milliseconds);
          await settle();
          const all = queue.list(ADMIN);
          expect(all.filter((job) => job.state === 'running').length).toBeLessThanOrEqual(limits.concurrency);
          expect(all.filter((job) => job.state === 'queued').length).toBeLessThanOrEqual(limits.maxQueued);
          const finished = all.filter((job) => !['queued', 'running'].includes(job.state));
          expect(finished.length).toBeLessThanOrEqual(limits.maxFinished);
          for (const person of users) {
            const own = queue.list(person);
            expect(own.every((job) => job.owner === person.username)).toBe(true);
            const active = own.filter((job) => job.state === 'queued' || job.state === 'running');
            expect(active.length).toBeLessThanOrEqual(limits.maxPerUser);
          }
          // A queued job waits only while every slot is taken.
          if (all.some((job) => job.state === 'queued')) {
            expect(all.filter((job) => job.state === 'running').length).toBe(limits.concurrency);
          }
        }
        await queue.close();
      }),
      { numRuns: 100 },
    );
  });
});
