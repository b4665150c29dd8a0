/**
 * @module commands/reshore
 * `keten reshore CASE.yaml [--carbon-price X] [--runs N] [--seed S] [--json] [--out FILE]`: the
 * reshoring calculator (core's `compareLocations`, `docs/reshoring.md`). Reads a `keten.reshore/v1`
 * case and prints the total landed cost per unit of every location, the break-even carbon prices and
 * the sensitivity table; `--json` prints the comparison alone on stdout, the same JSON as
 * `POST /api/v1/reshore`. The time taken goes to stderr.
 */
import type { Writable } from 'node:stream';
import { compareLocations, formatIssue, formatReshoreReport, loadReshoreCase } from '@keten/core';
import { InvalidArgumentError } from 'commander';
import { CliError } from '../errors.ts';
import { readText } from '../files.ts';
import type { Output } from '../output.ts';
import { checkWritable, writeChunks, writeFileAtomically } from '../write.ts';

/** Largest case file: cases are written by people; 1 MiB is far more than twenty locations need. */
const MAX_CASE_BYTES = 1024 * 1024;

export interface ReshoreCommandOptions {
  readonly carbonPrice?: number;
  readonly runs?: number;
  readonly seed?: number;
  readonly json?: boolean;
  readonly out?: string;
}

/** --carbon-price: an amount per tonne CO2e, 0 or more, in the case currency. */
export function parseCarbonPrice(text: string): number {
  const value = Number(text.trim());
  if (text.trim() === '' || !Number.isFinite(value) || value < 0 || value > 1e6)
    throw new InvalidArgumentError(
      '--carbon-price must be an amount per tonne CO2e from 0 to 1,000,000 (e.g. 85)',
    );
  return value;
}

export async function reshoreCommand(
  path: string,
  options: ReshoreCommandOptions,
  output: Output,
  stdout: Writable = process.stdout,
): Promise<void> {
  const text = await readText(path, MAX_CASE_BYTES);
  const loaded = loadReshoreCase(text, path);
  if (!loaded.ok) {
    const errors = loaded.error.filter((issue) => issue.severity === 'error').length;
    throw new CliError(
      'invalid',
      `${path}: ${errors} problem${errors === 1 ? '' : 's'} found in the reshoring case; nothing compared`,
      loaded.error.map(formatIssue),
    );
  }
  for (const warning of loaded.value.warnings) output.err(formatIssue(warning));
  if (options.out !== undefined) await checkWritable(options.out);
  const started = performance.now();
  const result = compareLocations(loaded.value.reshoreCase, {
    ...(options.carbonPrice === undefined ? {} : { carbonPrice: options.carbonPrice }),
    ...(options.runs === undefined ? {} : { runs: options.runs }),
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  output.err(
    `compared ${result.locations.length} locations in ${seconds} s: disruptions simulated with ${result.runs} runs each, seed ${result.seed}`,
  );
  const body = options.json ? `${JSON.stringify(result, null, 2)}\n` : formatReshoreReport(result);
  if (options.out === undefined) return await writeChunks([body], stdout);
  await writeFileAtomically(options.out, [body]);
  output.err(`wrote ${options.json ? 'the comparison' : 'the report'} to ${options.out}`);
}
