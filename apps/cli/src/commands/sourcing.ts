/**
 * @module commands/sourcing
 * `keten sourcing NETWORK --buyer B --item I [--runs N] [--seed S] [--periods N] [--min-fill F]
 * [--json] [--out FILE]`: simulates the sourcing splits the item's approved suppliers allow under the
 * standard disruption set (core's `compareSourcing`, `docs/sourcing.md`) and recommends one. A table
 * by default; `--json` prints the comparison alone on stdout. Progress and timing go to stderr.
 *
 * With `--optimise [--step PERCENT] [--max-sources N]` it searches every split in steps instead (core's
 * `optimiseSourcing`): the cheapest in expectation that keeps the fill rate, the frontier of cost
 * against fill rate, and the choice in words.
 */
import type { Writable } from 'node:stream';
import {
  compareSourcing,
  formatIssue,
  formatSourcingOptimisation,
  formatSourcingReport,
  optimiseSourcing,
  type Result,
  type SourcingFailure,
} from '@keten/core';
import { InvalidArgumentError } from 'commander';
import { CliError, type CliErrorCode } from '../errors.ts';
import type { Output } from '../output.ts';
import { checkWritable, writeChunks, writeFileAtomically } from '../write.ts';
import { loadOrFail } from './networks.ts';

export interface SourcingCommandOptions {
  readonly buyer: string;
  readonly item: string;
  readonly runs?: number;
  readonly seed?: number;
  readonly periods?: number;
  readonly minFill?: number;
  readonly json?: boolean;
  readonly out?: string;
  readonly maxBytes?: number;
  /** Search the splits in steps instead of comparing the standard ones. */
  readonly optimise?: boolean;
  /** With --optimise: the share step as a share (0.1). */
  readonly step?: number;
  readonly maxSources?: number;
}

/** --step: a percentage that divides 100 (10, 10%, 25) into whole steps. */
export function parseStep(text: string): number {
  const trimmed = text.trim().replace(/%$/, '');
  const value = Number(trimmed);
  if (
    trimmed === '' ||
    !Number.isFinite(value) ||
    value < 5 ||
    value > 50 ||
    Math.abs(100 / value - Math.round(100 / value)) > 1e-9
  )
    throw new InvalidArgumentError(
      '--step must be a percentage from 5 to 50 that divides 100 (5, 10, 20, 25, 50)',
    );
  return value / 100;
}

/** --min-fill: a share from 0 to 1 (0.8), or a percentage (80%). */
export function parseFill(text: string): number {
  const trimmed = text.trim();
  const value = trimmed.endsWith('%') ? Number(trimmed.slice(0, -1)) / 100 : Number(trimmed);
  if (trimmed === '' || trimmed === '%' || !Number.isFinite(value) || value < 0 || value > 1)
    throw new InvalidArgumentError('--min-fill must be a share from 0 to 1 (0.8) or a percentage (80%)');
  return value;
}

/** Exit status per failure: a buyer, item or pair that is not there is "not found". */
const FAILURE_CODES: Record<SourcingFailure['reason'], CliErrorCode> = {
  'unknown-buyer': 'notFound',
  'unknown-item': 'notFound',
  'not-sourced': 'notFound',
  'single-supplier': 'invalid',
  'invalid-options': 'usage',
};

export async function sourcingCommand(
  path: string,
  options: SourcingCommandOptions,
  output: Output,
  stdout: Writable = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
): Promise<void> {
  const loaded = await loadOrFail(path, options.maxBytes, 'nothing compared');
  for (const warning of loaded.warnings) output.err(formatIssue(warning));
  if (options.out !== undefined) await checkWritable(options.out);
  if (!options.optimise && (options.step !== undefined || options.maxSources !== undefined))
    throw new CliError('usage', '--step and --max-sources belong to --optimise; add --optimise');
  const question = {
    buyer: options.buyer,
    item: options.item,
    ...(options.runs === undefined ? {} : { runs: options.runs }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.periods === undefined ? {} : { periods: options.periods }),
    ...(options.minFill === undefined ? {} : { minimumFill: options.minFill }),
  };
  const started = performance.now();
  const progress = progressLine(stderr, started);
  let text: string;
  let what: string;
  try {
    if (options.optimise) {
      const value = succeeded(
        path,
        optimiseSourcing(loaded.network, {
          ...question,
          ...(options.step === undefined ? {} : { step: options.step }),
          ...(options.maxSources === undefined ? {} : { maxSources: options.maxSources }),
          onProgress: progress.update,
        }),
      );
      progress.stop();
      output.err(
        `searched ${value.search.candidates} splits of ${value.item} at ${value.buyer} in ${secondsSince(started)} s: ` +
          `${value.search.simulated} simulated with ${value.runs} runs` +
          `${value.search.screened > 0 ? ` after screening ${value.search.screened} with ${value.search.screeningRuns}` : ''}, ` +
          `${value.scenarios.length} scenarios of ${value.periods} periods each, seed ${value.seed}`,
      );
      text = options.json ? `${JSON.stringify(value, null, 2)}\n` : formatSourcingOptimisation(value);
      what = options.json ? 'the search' : 'the report';
    } else {
      const value = succeeded(
        path,
        compareSourcing(loaded.network, { ...question, onProgress: progress.update }),
      );
      progress.stop();
      output.err(
        `compared ${value.splits.length} splits of ${value.item} at ${value.buyer} in ${secondsSince(started)} s: ` +
          `${value.scenarios.length} scenarios × ${value.runs} runs of ${value.periods} periods each, seed ${value.seed}`,
      );
      text = options.json ? `${JSON.stringify(value, null, 2)}\n` : formatSourcingReport(value);
      what = options.json ? 'the comparison' : 'the report';
    }
  } finally {
    progress.stop();
  }
  if (options.out === undefined) return await writeChunks([text], stdout);
  await writeFileAtomically(options.out, [text]);
  output.err(`wrote ${what} to ${options.out}`);
}

/** The value of a comparison or search, or the CliError its failure maps to. */
function succeeded<T>(path: string, result: Result<T, SourcingFailure>): T {
  if (!result.ok) throw new CliError(FAILURE_CODES[result.error.reason], `${path}: ${result.error.message}`);
  return result.value;
}

function secondsSince(started: number): string {
  return ((performance.now() - started) / 1000).toFixed(1);
}

/**
 * Progress on stderr: on a terminal one line redrawn in place; elsewhere (CI logs, pipes) a line every
 * 5 seconds once the work has taken that long.
 */
function progressLine(stream: NodeJS.WriteStream, started: number) {
  const terminal = stream.isTTY === true;
  let last = started;
  let drawn = false;
  return {
    update(done: number, total: number): void {
      const now = performance.now();
      if (!terminal && now - last < 5000) return;
      if (terminal && now - last < 100 && done < total) return;
      last = now;
      const text = `simulating splits × scenarios: ${done}/${total} (${((now - started) / 1000).toFixed(0)} s)`;
      if (terminal) {
        stream.write(`\r${text}`);
        drawn = true;
      } else stream.write(`${text}\n`);
    },
    stop(): void {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
