/**
 * @module routes/jobs
 * Long-running work as jobs (`jobs/job-queue.ts`): `GET /api/v1/jobs` lists your jobs (admins: all),
 * `GET /api/v1/jobs/{id}` answers a job's state, progress and, once it succeeded, its result (or the
 * error with its code when it failed); `DELETE /api/v1/jobs/{id}` cancels it. Jobs are started by
 * `POST …/stress-test`, `POST …/sourcing` and `POST …/simulate?async=1`, each answered 202 with the job.
 */
import { z } from 'zod';
import { AUTHENTICATED_ERRORS, ErrorResponse } from '../api-schemas.ts';
import { requireRole } from '../auth/policy.ts';
import { API_ERROR_CODES } from '../errors.ts';
import { JOB_KINDS, JOB_STATES, type JobView } from '../jobs/job-queue.ts';
import { component } from '../validation.ts';
import { type Api, currentUser, notFound, type RouteContext } from './context.ts';

export const JobSchema = component(
  'Job',
  z
    .object({
      id: z.string().describe('The job id (a UUID).'),
      kind: z.enum(JOB_KINDS),
      owner: z.string().describe('The user who started it.'),
      network: z.string(),
      version: z.number().int().describe('The version of the network it works on.'),
      input: z.record(z.string(), z.unknown()).describe('Its parameters, as given.'),
      state: z.enum(JOB_STATES),
      position: z.number().int().optional().describe('While queued: jobs ahead of it.'),
      progress: z
        .object({
          done: z.number(),
          total: z.number(),
          unit: z.string().describe('What is counted: `company LPs`, `split scenarios`, `runs`.'),
        })
        .describe('How far it is: `done` of `total` `unit`s.'),
      createdAt: z.string(),
      startedAt: z.string().optional(),
      finishedAt: z.string().optional(),
      expiresAt: z.string().optional().describe('When a finished job (and its result) will be forgotten.'),
      error: z
        .object({
          code: z.enum(API_ERROR_CODES as [string, ...string[]]),
          message: z.string(),
          details: z.unknown().optional(),
        })
        .optional()
        .describe('Why it failed (state `failed`), with a stable code as in error responses.'),
      result: z
        .unknown()
        .optional()
        .describe(
          'Once succeeded: what the CLI prints with --json (`keten stress-test`, `keten sourcing`, `keten simulate`).',
        ),
    })
    .describe('A long-running job: its state, progress, and result or error.'),
);

const JobParams = z.strictObject({ id: z.string().min(1).max(100) });

/** The responses of a route that starts a job on a stored network: 202 with the job, or why not. */
export const JOB_STARTED_RESPONSES = {
  202: JobSchema.describe('The job was accepted: follow it at `GET /api/v1/jobs/{id}`'),
  ...AUTHENTICATED_ERRORS,
  404: ErrorResponse,
  409: ErrorResponse,
  429: ErrorResponse,
} as const;

/** The 202 answer to a request that started a job. */
export function accepted(
  job: JobView,
  reply: { code(status: number): unknown; header(name: string, value: string): unknown },
): JobView {
  reply.code(202);
  reply.header('location', `/api/v1/jobs/${job.id}`);
  return job;
}

export function jobRoutes(app: Api, context: RouteContext): void {
  const viewer = { auth: requireRole('viewer') } as const;
  const limits = context.jobs.limits;
  const lifetime = `${Math.round(limits.finishedTtlMs / 60_000)} minutes`;

  app.get(
    '/jobs',
    {
      config: viewer,
      schema: {
        summary: 'Your jobs',
        description: `Your jobs, newest first, without results (admins: everyone's). A finished job is kept ${lifetime}, at most ${limits.maxFinished} finished jobs in all.`,
        tags: ['jobs'],
        response: { 200: z.object({ jobs: z.array(JobSchema) }), ...AUTHENTICATED_ERRORS },
      },
    },
    async (request) => ({ jobs: context.jobs.list(currentUser(request)) }),
  );

  app.get(
    '/jobs/:id',
    {
      config: viewer,
      schema: {
        summary: 'A job: state, progress, result',
        description:
          'The state (`queued`, `running`, `succeeded`, `failed`, `cancelled`), progress (`done` of `total` `unit`s), ' +
          'and once succeeded the result: the JSON the CLI prints for the same input. A failed job has `error` with a ' +
          `stable code. A finished job is forgotten ${lifetime} after it finished (then 404). ` +
          "Someone else's job is 404 unless you are an admin.",
        tags: ['jobs'],
        params: JobParams,
        response: { 200: JobSchema, ...AUTHENTICATED_ERRORS, 404: ErrorResponse },
      },
    },
    async (request) => {
      const job = context.jobs.get(request.params.id, currentUser(request));
      if (job === undefined)
        throw notFound(`no job '${request.params.id}' of yours (finished jobs are kept ${lifetime})`);
      return job;
    },
  );

  app.delete(
    '/jobs/:id',
    {
      config: viewer,
      schema: {
        summary: 'Cancel a job',
        description:
          'A queued job never starts; a running one is stopped (its worker threads end) and becomes `cancelled`. ' +
          'A finished job is left as it was. Answers the job.',
        tags: ['jobs'],
        params: JobParams,
        response: { 200: JobSchema, ...AUTHENTICATED_ERRORS, 404: ErrorResponse },
      },
    },
    async (request) => {
      const job = context.jobs.cancel(request.params.id, currentUser(request));
      if (job === undefined) throw notFound(`no job '${request.params.id}' of yours`);
      return job;
    },
  );
}
