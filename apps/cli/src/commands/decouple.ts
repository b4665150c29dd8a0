/**
 * @module commands/decouple
 * `keten decouple NETWORK|STAGES.csv [--service-level 0.95] [--holding-rate R] [--time-step D]
 * [--json] [--out FILE]`: where to hold safety stock, with the Guaranteed Service Model (core's
 * `solveGsm`, docs/decoupling.md). A network file or CSV folder becomes one stage per company-item; a
 * CSV file whose header starts with `stage_id` is read as a Willems (2008) stage table. A table by
 * default; `--json` prints the answer alone on stdout. Timing goes to stderr.
 */
import { readFile, stat } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import {
  describeGsmMethod,
  formatGsmReport,
  formatIssue,
  type GsmIssue,
  type GsmProblem,
  gsmProblemOfNetwork,
  isStageTable,
  parseStageTable,
  type StageTableIssue,
  solveGsm,
} from '@keten/core';
import { InvalidArgumentError } from 'commander';
import { CliError } from '../errors.ts';
import type { Output } from '../output.ts';
import { checkWritable, writeChunks, writeFileAtomically } from '../write.ts';
import { loadOrFail } from './networks.ts';

export interface DecoupleCommandOptions {
  readonly serviceLevel?: number;
  readonly holdingRate?: number;
  readonly timeStep?: number;
  readonly json?: boolean;
  readonly out?: string;
  readonly maxBytes?: number;
}

/** --service-level: a probability strictly between 0 and 1 (0.95), or a percentage (95%). */
export function parseServiceLevel(text: string): number {
  const trimmed = text.trim();
  const value = trimmed.endsWith('%') ? Number(trimmed.slice(0, -1)) / 100 : Number(trimmed);
  if (trimmed === '' || trimmed === '%' || !Number.isFinite(value) || value <= 0 || value >= 1)
    throw new InvalidArgumentError('--service-level must be between 0 and 1 (0.95) or a percentage (95%)');
  return value;
}

/** A number above 0 (--time-step) or at least 0 (--holding-rate). */
export function positiveNumber(flag: string, allowZero = false) {
  return (text: string): number => {
    const value = Number(text.trim());
    if (text.trim() === '' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
      throw new InvalidArgumentError(`${flag} must be a number ${allowZero ? '≥ 0' : 'above 0'}`);
    return value;
  };
}

const STAGE_TABLE_LIMIT = 64 * 1024 * 1024;

/** The GSM problem of a path: a Willems stage table (a .csv file starting `stage_id`) or a network. */
async function problemOf(path: string, options: DecoupleCommandOptions, output: Output): Promise<GsmProblem> {
  if (path.toLowerCase().endsWith('.csv')) {
    let text: string;
    try {
      const info = await stat(path);
      const limit = options.maxBytes ?? STAGE_TABLE_LIMIT;
      if (info.size > limit)
        throw new CliError(
          'invalid',
          `${path}: ${info.size} bytes is above the limit of ${limit} (--max-bytes)`,
        );
      text = await readFile(path, 'utf8');
    } catch (error) {
      if (error instanceof CliError) throw error;
      throw new CliError('notFound', `${path}: cannot read the file (${(error as Error).message})`);
    }
    if (isStageTable(text)) {
      const parsed = parseStageTable(text, {
        ...(options.holdingRate === undefined ? {} : { holdingRate: options.holdingRate }),
        ...(options.serviceLevel === undefined ? {} : { serviceLevel: options.serviceLevel }),
      });
      if (!parsed.ok) throw problemsError(path, parsed.error, 'the stage table');
      return parsed.value;
    }
  }
  const loaded = await loadOrFail(path, options.maxBytes, 'nothing placed');
  for (const warning of loaded.warnings) output.err(formatIssue(warning));
  const network =
    options.holdingRate === undefined
      ? loaded.network
      : { ...loaded.network, holdingRate: options.holdingRate };
  const problem = gsmProblemOfNetwork(
    network,
    options.serviceLevel === undefined ? {} : { serviceLevel: options.serviceLevel },
  );
  if (!problem.ok) throw problemsError(path, problem.error, 'the network');
  return problem.value;
}

function problemsError(
  path: string,
  issues: readonly (GsmIssue | StageTableIssue)[],
  what: string,
): CliError {
  const count = issues.length;
  return new CliError(
    'invalid',
    `${path}: ${count} problem${count === 1 ? '' : 's'} in ${what}; nothing placed`,
    issues.map((issue) =>
      'line' in issue && issue.line !== undefined
        ? `${path}:${issue.line}: ${issue.message}`
        : `${path}: ${issue.message}`,
    ),
  );
}

export async function decoupleCommand(
  path: string,
  options: DecoupleCommandOptions,
  output: Output,
  stdout: Writable = process.stdout,
): Promise<void> {
  const problem = await problemOf(path, options, output);
  if (options.out !== undefined) await checkWritable(options.out);
  const started = performance.now();
  const answer = solveGsm(problem, options.timeStep === undefined ? {} : { timeStep: options.timeStep });
  if (!answer.ok) throw problemsError(path, answer.error, 'the stages');
  const solution = answer.value;
  const seconds = ((performance.now() - started) / 1000).toFixed(2);
  output.err(
    `placed safety stock over ${solution.stages.length} stages in ${seconds} s: ${describeGsmMethod(solution)}`,
  );
  const text = options.json ? `${JSON.stringify(solution, null, 2)}\n` : formatGsmReport(solution, path);
  if (options.out === undefined) return await writeChunks([text], stdout);
  await writeFileAtomically(options.out, [text]);
  output.err(`wrote ${options.json ? 'the answer' : 'the report'} to ${options.out}`);
}
