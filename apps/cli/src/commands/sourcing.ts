/**
 * @module commands/sourcing
 * `keten sourcing NETWORK --buyer B --item I [--runs N] [--seed S] [--periods N] [--min-fill F]
 * [--json] [--out FILE]`: simulates the sourcing splits the item's approved suppliers allow under the
 * standard disruption set (core's `compareSourcing`, `docs/sourcing.md`) and recommends one. A table
 * by default; `--json` prints the comparison alone on stdout. Progress and timing go to stderr.
 */
import type { Writable } from 'node:stream';
import { compareSourcing, formatIssue, formatSourcingReport, type SourcingFailure } from '@keten/core';
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
  const started = performance.now();
  const progress = progressLine(stderr, started);
  let result: ReturnType<typeof compareSourcing>;
  try {
    result = compareSourcing(loaded.network, {
      buyer: options.buyer,
      item: options.item,
      ...(options.runs === undefined ? {} : { runs: options.runs }),
      ...(options.seed === undefined ? {} : { seed: options.seed }),
      ...(options.periods === undefined ? {} : { periods: options.periods }),
      ...(options.minFill === undefined ? {} : { minimumFill: options.minFill }),
      onProgress: progress.update,
    });
  } finally {
    progress.stop();
  }
  if (!result.ok) throw new CliError(FAILURE_CODES[result.error.reason], `${path}: ${result.error.message}`);
  const value = result.value;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  output.err(
    `compared ${value.splits.length} splits of ${value.item} at ${value.buyer} in ${seconds} s: ` +
      `${value.scenarios.length} scenarios × ${value.runs} runs of ${value.periods} periods each, seed ${value.seed}`,
  );
  const text = options.json ? `${JSON.stringify(value, null, 2)}\n` : formatSourcingReport(value);
  if (options.out === undefined) return await writeChunks([text], stdout);
  await writeFileAtomically(options.out, [text]);
  output.err(`wrote ${options.json ? 'the comparison' : 'the report'} to ${options.out}`);
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
    },
  };
}
