/**
 * @module routes/stress
 * `POST /api/v1/networks/{name}/stress-test`: the stress test of `keten stress-test` (time-to-survive,
 * the loss while a company is down for its time-to-recover, the risk exposure index, per company, as
 * LPs solved with HiGHS; Simchi-Levi et al. 2015) on a stored network, as a job: answered 202 at once,
 * followed at `GET /api/v1/jobs/{id}`. The job's result is what `keten stress-test --json` prints for
 * the same network and options: companies ranked, each with `tts` (null: survives indefinitely),
 * `ttr`, `loss`, `rei`, `rank`, `flagged` (TTS < TTR) and the end demand it loses: the ranking and the
 * TTS/TTR chart of the web application come from it.
 *
 * The network is the version with the planning events of its network (as `POST …/plan` and
 * `POST …/simulate` take it). The LPs run in a worker thread of their own (and `threads` HiGHS
 * threads), so the server keeps answering.
 */
import { availableParallelism } from 'node:os';
import { readEffectiveNetwork, storePlanningSource } from '@keten/store';
import { z } from 'zod';
import { NetworkParams } from '../api-schemas.ts';
import { requireRole } from '../auth/policy.ts';
import { runInJobThread } from '../jobs/job-thread.ts';
import { failureToApiError } from '../replanner.ts';
import { type Api, currentUser, type RouteContext } from './context.ts';
import { accepted, JOB_STARTED_RESPONSES } from './jobs.ts';

/** TTR when neither the request nor a company gives one: `keten stress-test`'s default. */
export const DEFAULT_TTR = 4;
/** HiGHS threads one stress job may use at most. */
export const MAX_STRESS_THREADS = 4;

export const StressRequest = z
  .strictObject({
    version: z.number().int().min(1).optional().describe('Version of the network (default: the latest).'),
    ttr: z
      .number()
      .min(0)
      .max(10_000)
      .optional()
      .describe(
        `Time to recover in periods for companies without a \`ttr\` of their own (default ${DEFAULT_TTR}).`,
      ),
    threads: z
      .number()
      .int()
      .min(1)
      .max(MAX_STRESS_THREADS)
      .optional()
      .describe(
        `HiGHS worker threads (1 to ${MAX_STRESS_THREADS}, at most the cores; default: up to 4 for 1,000 companies or more, else 1).`,
      ),
    disruption: z
      .enum(['site', 'production'])
      .optional()
      .describe('What stops when a company is down (default `site`; docs/stress-test.md).'),
    capacity: z
      .enum(['normal', 'maximum'])
      .optional()
      .describe('The capacity others work to during a disruption (default `normal`).'),
  })
  .describe('A stress test of every company of the network.');

/** Threads when the request gives none: as `keten stress-test` chooses them. */
function defaultThreads(companies: number): number {
  return companies >= 1000 ? Math.max(1, Math.min(MAX_STRESS_THREADS, availableParallelism())) : 1;
}

export function stressRoutes(app: Api, context: RouteContext): void {
  app.post(
    '/networks/:name/stress-test',
    {
      config: { auth: requireRole('viewer') },
      schema: {
        summary: 'Stress-test a network (a job)',
        description:
          'Starts the stress test of `keten stress-test` on the latest version (or `version`) with the planning events of ' +
          'the network: for every company the time-to-survive (TTS), the loss while it is down for its time-to-recover ' +
          '(TTR: its own `ttr`, else `ttr`), the risk exposure index (REI), ranked, with `flagged` where TTS < TTR. ' +
          'Answers 202 with the job; its result (`GET /api/v1/jobs/{id}`) is the JSON of `keten stress-test --json`. ' +
          'Progress counts company LPs (two per company). 429 `rate-limited` when the job queue is full.',
        tags: ['jobs'],
        params: NetworkParams,
        body: StressRequest.nullable(),
        response: JOB_STARTED_RESPONSES,
      },
    },
    async (request, reply) => {
      const body = request.body ?? {};
      const found = await readEffectiveNetwork(
        storePlanningSource(context.store),
        request.params.name,
        body.version,
      );
      if (!found.ok) throw failureToApiError(found.error);
      const { network, name, version } = found.value;
      const ttr = body.ttr ?? DEFAULT_TTR;
      const threads = Math.min(
        body.threads ?? defaultThreads(network.companies.length),
        availableParallelism(),
      );
      const options = {
        ttr,
        threads,
        ...(body.disruption === undefined ? {} : { disruption: body.disruption }),
        ...(body.capacity === undefined ? {} : { capacity: body.capacity }),
      };
      const job = context.jobs.submit({
        kind: 'stress-test',
        owner: currentUser(request).username,
        network: name,
        version,
        input: options,
        unit: 'company LPs',
        total: 2 * network.companies.length,
        work: ({ signal, progress }) =>
          runInJobThread({ kind: 'stress-test', network, ...options }, { signal, onProgress: progress }),
      });
      return accepted(job, reply);
    },
  );
}
