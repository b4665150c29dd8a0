/**
 * @module commands/simulate
 * `keten simulate NETWORK --scenario FILE`: plays a scenario (`keten.scenario/v1`) forward on a
 * network many times over (Monte Carlo) in worker threads (`@keten/workers`), and reports fill rates,
 * backorders, inventory, the bullwhip ratio, lost revenue, cash low points, bankruptcies and time to
 * recover per company, per tier and for the network (mean, 5th and 95th percentile): a summary for
 * people by default, the whole result with `--json` (alone on stdout), and a self-contained HTML page
 * with plots with `--report FILE.html` (with `--stress`, also the stress test's TTS/TTR chart). NETWORK
 * is a file or CSV folder, or a stored network, as for `keten plan`. The result is the same to the
 * byte for any number of threads. With `--nats URL` or NATS_URL the runs go to `keten worker`
 * processes over the NATS JetStream work queue of `@keten/queue` instead, with the same bytes.
 */
import type { Writable } from 'node:stream';
import {
  formatIssue,
  formatSimulationSummary,
  loadScenario,
  runsAndSeed,
  type StressResult,
  simulationReportHtml,
  stressTest,
} from '@keten/core';
import { createHighsSolver } from '@keten/solver';
import { defaultThreads, simulateInWorkers } from '@keten/workers';
import type { Backend } from '../backend.ts';
import { CliError } from '../errors.ts';
import { readText } from '../files.ts';
import type { Output } from '../output.ts';
import { progressBar } from '../progress.ts';
import { checkWritable, writeChunks, writeFileAtomically } from '../write.ts';
import { resolveNetwork } from './plan.ts';
import { DEFAULT_TTR } from './stress-test.ts';
import { natsUrl, queueCliError, queueSettings } from './worker.ts';

/** Largest scenario file: scenarios are written by people; 16 MiB leaves room for long demand series. */
export const MAX_SCENARIO_BYTES = 16 * 1024 * 1024;

export interface SimulateCommandOptions {
  readonly scenario: string;
  readonly runs?: number;
  readonly seed?: number;
  readonly threads?: number;
  readonly json?: boolean;
  readonly report?: string;
  readonly stress?: boolean;
  readonly out?: string;
  readonly version?: number;
  readonly maxBytes?: number;
  readonly db?: string;
  readonly server?: string;
  readonly nats?: string;
  readonly queue?: string;
}

export async function simulateCommand(
  argument: string,
  options: SimulateCommandOptions,
  output: Output,
  openBackend: () => Promise<Backend>,
  stdout: Writable = process.stdout,
): Promise<void> {
  if (options.stress && options.report === undefined) {
    throw new CliError(
      'usage',
      '--stress adds the TTS/TTR chart to the --report page; give --report FILE.html too',
    );
  }
  const source = await resolveNetwork(argument, options, output, openBackend, 'nothing simulated');
  const { network } = source;
  const text = await readText(options.scenario, MAX_SCENARIO_BYTES);
  const loaded = loadScenario(text, options.scenario, network);
  if (!loaded.ok) {
    const errors = loaded.error.filter((issue) => issue.severity === 'error').length;
    throw new CliError(
      'invalid',
      `${options.scenario}: ${errors} problem${errors === 1 ? '' : 's'} found against ${source.label}; nothing simulated`,
      loaded.error.map(formatIssue),
    );
  }
  for (const warning of loaded.value.warnings) output.err(formatIssue(warning));
  const { scenario } = loaded.value;
  if (options.out !== undefined) await checkWritable(options.out);
  if (options.report !== undefined) await checkWritable(options.report);

  const { runs, seed } = runsAndSeed(scenario, options);
  const nats = natsUrl(options);
  const threads = Math.min(options.threads ?? defaultThreads(runs), runs);
  const started = performance.now();
  const progress = progressBar('simulating', runs, 'runs');
  let result: Awaited<ReturnType<typeof simulateInWorkers>>;
  let where = `on ${threads} thread${threads === 1 ? '' : 's'}`;
  try {
    if (nats === undefined) {
      result = await simulateInWorkers(network, scenario, {
        runs,
        seed,
        threads,
        onProgress: (done) => progress.update(done),
      });
    } else {
      result = await simulateOnNats(
        nats,
        queueSettings(options),
        network,
        scenario,
        runs,
        seed,
        output,
        (done) => progress.update(done),
      );
      where = `on keten workers over NATS at ${nats}`;
    }
  } finally {
    progress.stop();
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  output.err(
    `simulated '${scenario.name}' on ${source.label}: ${runs} run${runs === 1 ? '' : 's'} of ${result.periods} periods ` +
      `(seed ${seed}) in ${seconds} s ${where}`,
  );

  if (options.report !== undefined) {
    const stress = options.stress ? await stressOf(network) : undefined;
    const html = simulationReportHtml(result, {
      network,
      scenario,
      ...(stress === undefined ? {} : { stress }),
    });
    await writeFileAtomically(options.report, [html]);
    output.err(`wrote the report to ${options.report}`);
  }
  const chunks = options.json
    ? [`${JSON.stringify(result, null, 2)}\n`]
    : [formatSimulationSummary(result, { network })];
  if (options.out === undefined) return writeChunks(chunks, stdout);
  await writeFileAtomically(options.out, chunks);
  output.err(`wrote ${options.json ? 'the result' : 'the summary'} to ${options.out}`);
}

/** The stress test of `network` with the default TTR (and each company's own), for the report. */
async function stressOf(network: Parameters<typeof stressTest>[0]): Promise<StressResult> {
  const solver = createHighsSolver();
  try {
    const result = await stressTest(network, { ttr: DEFAULT_TTR, solver });
    if (!result.ok) throw new CliError('internal', `the stress test failed: ${result.error.message}`);
    return result.value;
  } finally {
    solver.dispose();
  }
}

/** The runs on `keten worker` processes over the NATS work queue at `url`. */
async function simulateOnNats(
  url: string,
  settings: ReturnType<typeof queueSettings>,
  network: Parameters<typeof simulateInWorkers>[0],
  scenario: Parameters<typeof simulateInWorkers>[1],
  runs: number,
  seed: number,
  output: Output,
  onProgress: (done: number) => void,
): Promise<Awaited<ReturnType<typeof simulateInWorkers>>> {
  const { connectNatsQueue, QueueError, simulateOnQueue } = await import('@keten/queue');
  try {
    const queue = await connectNatsQueue(url, settings);
    try {
      return await simulateOnQueue(queue, network, scenario, {
        runs,
        seed,
        onProgress,
        onNoWorkers: () =>
          output.err(
            `no keten worker is listening on ${url} yet: waiting (start one with \`keten worker --nats ${url}\`)`,
          ),
      });
    } finally {
      await queue.close().catch(() => undefined);
    }
  } catch (error) {
    if (error instanceof QueueError) throw queueCliError(error);
    throw error;
  }
}
