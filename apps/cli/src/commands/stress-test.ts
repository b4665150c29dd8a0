/**
 * @module commands/stress-test
 * `keten stress-test NETWORK [--ttr N] [--json]`: for every company of a network file or CSV folder,
 * the time-to-survive, the loss while it is down for its time-to-recover and the risk exposure index
 * (core's `stressTest`, Simchi-Levi et al. 2015), solved with HiGHS (`@keten/solver`). A company's own
 * `ttr` overrides --ttr. A ranked table by default; `--json` prints the result alone on stdout.
 */
import { availableParallelism } from 'node:os';
import type { Writable } from 'node:stream';
import { formatIssue, formatStressSummary, stressJson, stressTest } from '@keten/core';
import { createHighsSolver, createHighsThreadSolver } from '@keten/solver';
import { InvalidArgumentError } from 'commander';
import { CliError } from '../errors.ts';
import type { Output } from '../output.ts';
import { progressBar } from '../progress.ts';
import { checkWritable, writeChunks, writeFileAtomically } from '../write.ts';
import { loadOrFail } from './networks.ts';

/** Time to recover, in periods, for companies without a `ttr` of their own when --ttr is not given. */
export const DEFAULT_TTR = 4;

/** --ttr: a number of periods, 0 or more (fractions allowed: 1.5 weeks). */
export function parseTtr(text: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value < 0)
    throw new InvalidArgumentError('--ttr must be a number of periods, 0 or more');
  return value;
}

/**
 * Worker threads when --threads is not given: up to 4 (one per core) for a network of 1,000 companies
 * or more, else 1: starting a HiGHS thread and loading the models there costs more than a small
 * network's LPs, while a large network's LPs split evenly over the threads (docs/stress-test.md).
 */
export function defaultStressThreads(companies: number): number {
  return companies >= 1000 ? Math.max(1, Math.min(4, availableParallelism())) : 1;
}

export interface StressTestCommandOptions {
  readonly ttr?: number;
  /** Worker threads solving LPs (default `defaultStressThreads`). */
  readonly threads?: number;
  readonly disruption?: 'site' | 'production';
  readonly capacity?: 'normal' | 'maximum';
  readonly limit?: number;
  readonly json?: boolean;
  readonly out?: string;
  readonly maxBytes?: number;
}

export async function stressTestCommand(
  path: string,
  options: StressTestCommandOptions,
  output: Output,
  stdout: Writable = process.stdout,
): Promise<void> {
  const loaded = await loadOrFail(path, options.maxBytes, 'nothing stress-tested');
  for (const warning of loaded.warnings) output.err(formatIssue(warning));
  if (options.out !== undefined) await checkWritable(options.out);
  const ttr = options.ttr ?? DEFAULT_TTR;
  const threads = options.threads ?? defaultStressThreads(loaded.network.companies.length);
  const solver = threads > 1 ? createHighsThreadSolver({ threads }) : createHighsSolver();
  const close = async () => ('close' in solver ? await solver.close() : solver.dispose());
  const started = performance.now();
  const progress = progressBar('stress-testing', 2 * loaded.network.companies.length, 'company LPs');
  try {
    const result = await stressTest(loaded.network, {
      ttr,
      solver,
      concurrency: threads,
      onProgress: (done) => progress.update(done),
      ...(options.disruption === undefined ? {} : { disruption: options.disruption }),
      ...(options.capacity === undefined ? {} : { capacity: options.capacity }),
    });
    if (!result.ok) {
      throw new CliError(
        result.error.reason === 'invalid-options' ? 'usage' : 'internal',
        `${path}: ${result.error.message}`,
      );
    }
    progress.stop();
    const value = result.value;
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    const own = loaded.network.companies.filter((company) => company.ttr !== undefined).length;
    output.err(
      `stress-tested ${path} in ${seconds} s: ${value.companies.length} companies, TTR ${ttr} periods` +
        `${options.ttr === undefined ? ' (the default)' : ''}` +
        `${own === 0 ? '' : ` unless a company gives its own (${own} do)`}; ` +
        `${value.solves} LPs of ${value.model.columns} columns and ${value.model.rows} rows solved` +
        ` on ${threads} thread${threads === 1 ? '' : 's'}, ` +
        `${value.reused} answered without a solve`,
    );
    const text = options.json
      ? `${JSON.stringify(stressJson(value), null, 2)}\n`
      : formatStressSummary(value, options.limit === undefined ? {} : { limit: options.limit });
    if (options.out === undefined) return await writeChunks([text], stdout);
    await writeFileAtomically(options.out, [text]);
    output.err(`wrote ${options.json ? 'the result' : 'the summary'} to ${options.out}`);
  } finally {
    progress.stop();
    await close();
  }
}
