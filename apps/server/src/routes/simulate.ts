/**
 * @module routes/simulate
 * `POST /api/v1/networks/{name}/simulate`: Monte Carlo simulation of a scenario on a stored network
 * (the version with the planning events of its network, as `POST …/plan` plans it). The scenario comes
 * in the body: JSON `{ scenario, runs?, seed?, version? }` with the scenario as an object or as YAML/JSON
 * text, or the scenario itself as YAML (`application/yaml`) with runs, seed and version in the query.
 * The answer is the aggregated result, the contract of `keten simulate --json`, or with `?format=html`
 * the HTML report of `keten simulate --report`.
 *
 * The runs go to worker threads (`@keten/workers`), so the server keeps answering meanwhile. At most
 * `MAX_SIMULATION_RUNS` runs per request; one simulation at a time per server, a few more waiting, and
 * beyond that `rate-limited` (429, Retry-After). A client that hangs up stops its simulation.
 */
import {
  type Issue as CoreIssue,
  formatIssue,
  type LoadedScenario,
  loadScenario,
  type Network,
  runsAndSeed,
  simulationReportHtml,
  validateScenario,
} from '@keten/core';
import { readEffectiveNetwork, storePlanningSource } from '@keten/store';
import { SimulationAborted, simulateInWorkers } from '@keten/workers';
import type { z } from 'zod';
import {
  AUTHENTICATED_ERRORS,
  ErrorResponse,
  MAX_SIMULATION_RUNS,
  NetworkParams,
  SimulateQuery,
  SimulateRequest,
  SimulationResultSchema,
} from '../api-schemas.ts';
import { requireRole } from '../auth/policy.ts';
import { ApiError } from '../errors.ts';
import { failureToApiError } from '../replanner.ts';
import { type Api, currentUser, type RouteContext } from './context.ts';
import { accepted, JOB_STARTED_RESPONSES } from './jobs.ts';
import { apiIssue } from './networks.ts';

const YAML_TYPES = ['application/yaml', 'text/yaml'];

/** Simulations run one at a time; this many more may wait for their turn. */
export const MAX_WAITING_SIMULATIONS = 4;

/** One simulation at a time, a few waiting, the rest refused. */
class SimulationQueue {
  #running = false;
  readonly #waiting: (() => void)[] = [];
  readonly #controllers = new Set<AbortController>();

  /** Runs `work` when its turn comes, or throws `rate-limited` when too many wait. */
  async run<T>(work: (signal: AbortSignal) => Promise<T>, cancel: AbortController): Promise<T> {
    if (this.#running) {
      if (this.#waiting.length >= MAX_WAITING_SIMULATIONS) {
        throw new ApiError(
          'rate-limited',
          `${MAX_WAITING_SIMULATIONS + 1} simulations are running or waiting on this server; try again later`,
          { headers: { 'retry-after': '10' } },
        );
      }
      await new Promise<void>((resolve) => this.#waiting.push(resolve));
    }
    this.#running = true;
    this.#controllers.add(cancel);
    try {
      return await work(cancel.signal);
    } finally {
      this.#controllers.delete(cancel);
      const next = this.#waiting.shift();
      if (next === undefined) this.#running = false;
      else next();
    }
  }

  /** Stops the running simulation and every waiting one (the server is closing). */
  close(): void {
    for (const controller of this.#controllers) controller.abort();
    for (const next of this.#waiting.splice(0)) next();
  }
}

/** The scenario of the request checked against `network`, or `invalid-scenario` with every problem. */
function scenarioOf(scenario: string | Record<string, unknown>, network: Network): LoadedScenario {
  if (typeof scenario === 'string') {
    const loaded = loadScenario(scenario, 'scenario', network, { maxBytes: MAX_SCENARIO_TEXT });
    if (loaded.ok) return loaded.value;
    throw invalidScenario(loaded.error);
  }
  const { scenario: valid, issues } = validateScenario(scenario, network);
  if (valid !== undefined) return { scenario: valid, warnings: issues };
  throw invalidScenario(issues);
}

/** Scenario text: the request body limit bounds it anyway; this keeps the loader's own check in step. */
const MAX_SCENARIO_TEXT = 16 * 1024 * 1024;

function invalidScenario(problems: readonly CoreIssue[]): ApiError {
  const issues = problems.map(apiIssue);
  const errors = issues.filter((issue) => issue.severity === 'error');
  const first = problems.find((issue) => issue.severity === 'error');
  return new ApiError(
    'invalid-scenario',
    `the scenario has ${errors.length} ${errors.length === 1 ? 'problem' : 'problems'}; nothing was simulated` +
      (first === undefined ? '' : `; the first: ${formatIssue({ ...first, file: 'scenario' })}`),
    { issues },
  );
}

export function simulateRoutes(app: Api, context: RouteContext): void {
  const queue = new SimulationQueue();
  app.addHook('onClose', async () => queue.close());
  // A YAML body is the scenario itself, as text (JSON bodies use Fastify's parser).
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.post(
    '/networks/:name/simulate',
    {
      config: { auth: requireRole('viewer') },
      schema: {
        summary: 'Simulate a scenario on a network (Monte Carlo)',
        description:
          'Plays a `keten.scenario/v1` scenario (docs/simulation.md) forward on the latest version of the network ' +
          '(or `version`), with the planning events of the network, `runs` times, and answers fill rate, backorders, ' +
          'inventory, bullwhip ratio, lost revenue, cash low point, bankruptcies and time to recover per company, per tier ' +
          'and for the network (mean, 5th and 95th percentile), and the mean series per tier over periods. ' +
          'The body is JSON `{ scenario, runs?, seed?, version? }`, the scenario an object or YAML/JSON text; or the scenario ' +
          'as YAML (`application/yaml`) with `runs`, `seed` and `version` in the query. The same scenario, network, runs ' +
          `and seed give the same answer. At most ${MAX_SIMULATION_RUNS} runs per request; the server simulates one request ` +
          `at a time in worker threads, ${MAX_WAITING_SIMULATIONS} more may wait, and beyond that the answer is 429 \`rate-limited\`. ` +
          'A scenario that does not fit the format or the network is a 422 `invalid-scenario` with every problem in `issues` ' +
          '(line and column for text, `path` for an object). With `?format=html` the answer is the self-contained HTML ' +
          'report of `keten simulate --report` (`text/html`) instead. With `?async=1` the simulation is a job: 202 with ' +
          'the job at once, its progress in runs and its result (this JSON) at `GET /api/v1/jobs/{id}`; cancel it with DELETE.',
        tags: ['simulation'],
        params: NetworkParams,
        querystring: SimulateQuery,
        body: {
          content: {
            'application/json': { schema: SimulateRequest },
            'application/yaml': { schema: SimulateYamlBody },
            'text/yaml': { schema: SimulateYamlBody },
          },
        },
        response: {
          200: SimulationResultSchema.describe('The simulation, summarized over runs'),
          202: JOB_STARTED_RESPONSES[202],
          ...AUTHENTICATED_ERRORS,
          404: ErrorResponse,
          422: ErrorResponse,
          429: ErrorResponse,
          503: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const body = request.body as unknown as SimulateBody;
      const input =
        typeof body === 'string' ? { scenario: body, ...request.query } : { ...request.query, ...body };
      if (typeof input.scenario === 'string' && input.scenario.trim() === '') {
        throw new ApiError('invalid-request', 'the scenario is empty: send a keten.scenario/v1 scenario');
      }
      const found = await readEffectiveNetwork(
        storePlanningSource(context.store),
        request.params.name,
        input.version,
      );
      if (!found.ok) throw failureToApiError(found.error);
      const { network } = found.value;
      const { scenario } = scenarioOf(input.scenario, network);
      const { runs, seed } = runsAndSeed(scenario, input);
      if (runs > MAX_SIMULATION_RUNS) {
        const message = `the scenario asks for ${runs} runs; this server simulates at most ${MAX_SIMULATION_RUNS} per request (give runs)`;
        throw new ApiError('invalid-request', message, { details: [{ path: '/runs', message }] });
      }
      if (request.query.async === '1' || request.query.async === 'true') {
        if (request.query.format === 'html') {
          const message = 'a simulation job answers JSON; leave out format=html or async';
          throw new ApiError('invalid-request', message, { details: [{ path: '/format', message }] });
        }
        const job = context.jobs.submit({
          kind: 'simulate',
          owner: currentUser(request).username,
          network: found.value.name,
          version: found.value.version,
          input: { scenario: scenario.name, runs, seed },
          unit: 'runs',
          total: runs,
          work: ({ signal, progress }) =>
            simulateInWorkers(network, scenario, { runs, seed, signal, onProgress: progress }),
        });
        return accepted(job, reply);
      }
      const cancel = new AbortController();
      // The client hung up before the answer: stop its simulation (after the answer this does nothing).
      reply.raw.on('close', () => cancel.abort());
      const started = performance.now();
      try {
        const result = await queue.run(
          (signal) =>
            simulateInWorkers(network, scenario, {
              runs,
              seed,
              signal,
            }),
          cancel,
        );
        request.log.info(
          {
            network: found.value.name,
            version: found.value.version,
            scenario: scenario.name,
            runs,
            milliseconds: Math.round(performance.now() - started),
          },
          'network simulated',
        );
        if (request.query.format !== 'html') return result;
        // HTML is sent as it is (the JSON schema documents the default answer).
        const html = simulationReportHtml(result, { network, scenario });
        return reply.type('text/html; charset=utf-8').send(html as never);
      } catch (error) {
        if (error instanceof SimulationAborted) {
          throw new ApiError(
            'unavailable',
            'the simulation was stopped (the client left or the server is closing)',
          );
        }
        throw error;
      }
    },
  );
}

/** A YAML body: the scenario as text. */
const SimulateYamlBody = SimulateRequest.shape.scenario.options[0];

type SimulateBody = string | z.infer<typeof SimulateRequest>;
