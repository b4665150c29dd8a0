/**
 * @module routes/sourcing
 * `POST /api/v1/networks/{name}/sourcing`: the sourcing comparison of `keten sourcing` (the splits the
 * item's approved suppliers allow, simulated under the standard disruption set, with a recommendation;
 * docs/sourcing.md) or, with `optimise`, the split search of `keten sourcing --optimise`, on a stored
 * network, as a job: answered 202 at once, followed at `GET /api/v1/jobs/{id}`. The result is what the
 * CLI prints with `--json` for the same network and options.
 *
 * The question is checked before the job is queued (an unknown buyer or item is a 404 at once, an item
 * with one supplier a 400); the simulations run in a worker thread of their own.
 */
import { candidateSplits, prepareSourcing, type SourcingFailure, type SourcingOptions } from '@keten/core';
import { readEffectiveNetwork, storePlanningSource } from '@keten/store';
import { z } from 'zod';
import { NetworkParams } from '../api-schemas.ts';
import { requireRole } from '../auth/policy.ts';
import { ApiError, type ApiErrorCode } from '../errors.ts';
import { runInJobThread } from '../jobs/job-thread.ts';
import { failureToApiError } from '../replanner.ts';
import { type Api, currentUser, type RouteContext } from './context.ts';
import { accepted, JOB_STARTED_RESPONSES } from './jobs.ts';

/** Most Monte Carlo runs per split and scenario one request may ask for. */
export const MAX_SOURCING_RUNS = 1000;

const Id = z.string().min(1).max(200);

export const SourcingRequest = z
  .strictObject({
    buyer: Id.describe('The buying company.'),
    item: Id.describe('The item it buys from two or more approved suppliers.'),
    version: z.number().int().min(1).optional().describe('Version of the network (default: the latest).'),
    runs: z
      .number()
      .int()
      .min(1)
      .max(MAX_SOURCING_RUNS)
      .optional()
      .describe(`Monte Carlo runs per split and scenario (default 50, at most ${MAX_SOURCING_RUNS}).`),
    seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).optional().describe('Seed (default 1).'),
    periods: z
      .number()
      .int()
      .min(20)
      .max(1040)
      .optional()
      .describe("Periods simulated (default the larger of 52 and the network's horizon)."),
    minimumFill: z
      .number()
      .min(0)
      .max(1)
      .optional()
      .describe('Worst-case end-customer fill rate a split must keep to be recommended (default 0.8).'),
    optimise: z
      .boolean()
      .optional()
      .describe('Search every split in steps (`keten sourcing --optimise`) instead of the standard ones.'),
    step: z
      .number()
      .min(0.05)
      .max(0.5)
      .optional()
      .describe('With optimise: the share step, one over a whole number (default 0.1).'),
    maxSources: z
      .number()
      .int()
      .min(1)
      .max(10)
      .optional()
      .describe('With optimise: most sources in a split (default 3).'),
  })
  .describe('Which sourcing split of an item at a buyer to compare, and how.');

const FAILURE_CODES: Readonly<Record<SourcingFailure['reason'], ApiErrorCode>> = {
  'unknown-buyer': 'not-found',
  'unknown-item': 'not-found',
  'not-sourced': 'not-found',
  'single-supplier': 'invalid-request',
  'invalid-options': 'invalid-request',
};

export function sourcingRoutes(app: Api, context: RouteContext): void {
  app.post(
    '/networks/:name/sourcing',
    {
      config: { auth: requireRole('viewer') },
      schema: {
        summary: 'Compare sourcing splits of an item (a job)',
        description:
          "Starts `keten sourcing` on the latest version (or `version`) with the planning events of the network: the item's " +
          'splits (single source from each supplier, 70/30 and its reverse, 60/20/20) under the standard disruption set, ' +
          'expected cost, fill rate and worst case, and a recommendation; with `optimise`, the split search of ' +
          '`keten sourcing --optimise`. Answers 202 with the job; its result (`GET /api/v1/jobs/{id}`) is the JSON the CLI ' +
          'prints with `--json`. An unknown buyer or item is a 404, an item with one approved supplier a 400, at once. ' +
          'Progress counts split scenarios. 429 `rate-limited` when the job queue is full.',
        tags: ['jobs'],
        params: NetworkParams,
        body: SourcingRequest,
        response: JOB_STARTED_RESPONSES,
      },
    },
    async (request, reply) => {
      const { version: asked, optimise, step, maxSources, ...rest } = request.body;
      if (!optimise && (step !== undefined || maxSources !== undefined)) {
        const message = 'step and maxSources belong to optimise; add "optimise": true';
        throw new ApiError('invalid-request', message, { details: [{ path: '/optimise', message }] });
      }
      const found = await readEffectiveNetwork(
        storePlanningSource(context.store),
        request.params.name,
        asked,
      );
      if (!found.ok) throw failureToApiError(found.error);
      const { network, name, version } = found.value;
      const question: SourcingOptions = {
        buyer: rest.buyer,
        item: rest.item,
        ...(rest.runs === undefined ? {} : { runs: rest.runs }),
        ...(rest.seed === undefined ? {} : { seed: rest.seed }),
        ...(rest.periods === undefined ? {} : { periods: rest.periods }),
        ...(rest.minimumFill === undefined ? {} : { minimumFill: rest.minimumFill }),
      };
      // Cheap next to the simulations: a wrong buyer or item is told now, not by a failed job.
      const setup = prepareSourcing(network, question);
      if (!setup.ok) throw new ApiError(FAILURE_CODES[setup.error.reason], setup.error.message);
      const search = {
        ...(step === undefined ? {} : { step }),
        ...(maxSources === undefined ? {} : { maxSources }),
      };
      const job = context.jobs.submit({
        kind: 'sourcing',
        owner: currentUser(request).username,
        network: name,
        version,
        input: { ...question, optimise: optimise === true, ...search },
        unit: 'split scenarios',
        // The search's total is known once it has built its grid; the comparison's now.
        total: optimise ? 0 : candidateSplits(setup.value.rule).length * setup.value.scenarios.length,
        work: ({ signal, progress }) =>
          runInJobThread(
            { kind: 'sourcing', network, ...question, optimise: optimise === true, ...search },
            { signal, onProgress: progress },
          ),
      });
      return accepted(job, reply);
    },
  );
}
