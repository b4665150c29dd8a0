/**
 * @module commands/plan
 * `keten plan NETWORK`: plans a network across all tiers (core's `planNetwork`) and reports the plan:
 * a summary for people by default, the whole plan as JSON with `--json` (streamed, stdout carries the
 * JSON alone), or CSV files for a spreadsheet with `--csv DIR`. NETWORK is a file or CSV folder, or a
 * stored network (with --db or --server, or when no file of that name exists), planned with the
 * planning events of that network in the store's log (open orders, capacity changes, suppliers down,
 * demand: see `effectiveNetwork` in core).
 */
import { lstat, mkdir, open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import {
  type BlockedWindow,
  csvChunks,
  formatIssue,
  formatPlanSummary,
  type Network,
  type Plan,
  type PlanOptions,
  planCsvFiles,
  planJsonChunks,
  planNetwork,
  summarizePlan,
} from '@keten/core';
import type { Backend } from '../backend.ts';
import { CliError } from '../errors.ts';
import type { Output } from '../output.ts';
import { withPagesTouchedAhead } from '../touch-ahead.ts';
import { checkWritable, writeChunks, writeFileAtomically } from '../write.ts';
import { isPath, loadOrFail } from './networks.ts';

export interface PlanCommandOptions {
  readonly horizon?: number;
  readonly buildAhead?: number;
  readonly frozen?: number;
  /** false with --no-pegging. */
  readonly pegging?: boolean;
  readonly json?: boolean;
  readonly csv?: string;
  readonly out?: string;
  /** A version of a stored network. */
  readonly version?: number;
  readonly maxBytes?: number;
  readonly db?: string;
  readonly server?: string;
}

/** A network to plan, what to call it in messages, and the suppliers its events say are down. */
export interface Source {
  readonly network: Network;
  readonly label: string;
  readonly blocked?: readonly BlockedWindow[];
}

export async function planCommand(
  argument: string,
  options: PlanCommandOptions,
  output: Output,
  openBackend: () => Promise<Backend>,
  stdout: Writable = process.stdout,
): Promise<void> {
  const source = await resolveNetwork(argument, options, output, openBackend);
  const { network } = source;
  if (options.horizon !== undefined && options.horizon > network.horizon) {
    throw new CliError(
      'usage',
      `--horizon ${options.horizon} is longer than the horizon of ${source.label}, ${network.horizon} periods; --horizon may shorten it, not extend it`,
    );
  }
  if (options.out !== undefined) await checkWritable(options.out);
  // The summary needs no pegging: leave it out unless the plan itself is written.
  const writesPlan = options.json === true || options.csv !== undefined;
  const planOptions: PlanOptions = {
    ...(options.horizon === undefined ? {} : { horizon: options.horizon }),
    ...(options.buildAhead === undefined ? {} : { buildAheadWindow: options.buildAhead }),
    ...(options.frozen === undefined ? {} : { frozenPeriods: options.frozen }),
    pegging: writesPlan && options.pegging !== false,
    ...(source.blocked === undefined ? {} : { blocked: source.blocked }),
  };
  const started = performance.now();
  const plan = await withPagesTouchedAhead(() => planNetwork(network, planOptions));
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  output.err(
    `planned ${source.label} over ${plan.horizon} periods in ${seconds} s: ${count(plan.orders.length, 'order')}, ${count(plan.shortages.length, 'short demand period')}, ${count(plan.bottlenecks.length, 'capacity period')} over the limit`,
  );

  if (options.csv !== undefined) return writeCsv(options.csv, plan, output);
  const chunks = options.json ? planJsonChunks(plan) : [formatPlanSummary(summarizePlan(network, plan))];
  if (options.out === undefined) return writeChunks(chunks, stdout);
  await writeFileAtomically(options.out, chunks);
  output.err(`wrote ${options.json ? 'the plan' : 'the summary'} to ${options.out}`);
}

/** The options that say where a network comes from. */
export type SourceOptions = Pick<PlanCommandOptions, 'version' | 'maxBytes' | 'db' | 'server'>;

/**
 * A file or CSV folder, unless --db or --server is given; else a stored network of that name (the
 * latest version, or --version) in the store the options name, as `keten show` finds it. `outcome`
 * says what is not done when the file has problems.
 */
export async function resolveNetwork(
  argument: string,
  options: SourceOptions,
  output: Output,
  openBackend: () => Promise<Backend>,
  outcome = 'nothing planned',
): Promise<Source> {
  const storeNamed = options.db !== undefined || options.server !== undefined;
  if (!storeNamed && (await isPath(argument))) {
    if (options.version !== undefined) {
      throw new CliError('usage', `--version is for a stored network; ${argument} is a file`);
    }
    const loaded = await loadOrFail(argument, options.maxBytes, outcome);
    for (const warning of loaded.warnings) output.err(formatIssue(warning));
    return { network: loaded.network, label: argument };
  }
  if (!storeNamed && options.version === undefined && looksLikePath(argument)) {
    throw new CliError('notFound', `${argument}: no such file or folder`);
  }
  const backend = await openBackend();
  try {
    const effective = await backend.effectiveNetwork(argument, options.version);
    if (effective.superseded > 0) {
      output.err(
        `${count(effective.superseded, 'planning event')} recorded before ${effective.name} v${effective.version} ` +
          'was imported left out: the version supersedes them',
      );
    }
    const events =
      effective.applied === 0
        ? ''
        : ` with ${count(effective.applied, 'planning event')} through sequence ${effective.throughSequence}`;
    return {
      network: effective.network,
      label: `${effective.name} v${effective.version}${events}`,
      blocked: effective.blocked,
    };
  } finally {
    await backend.close();
  }
}

function count(value: number, word: string): string {
  return `${value} ${word}${value === 1 ? '' : 's'}`;
}

/** A name with a folder or a file extension is meant as a file; a stored network is not looked up. */
function looksLikePath(argument: string): boolean {
  return /[\\/]/.test(argument) || /\.(ya?ml|json|csv)$/i.test(argument);
}

/**
 * Writes the CSV files into `folder` (made if missing). A file of the same name is replaced only when
 * it is a plan file keten wrote (its first line is the same header): nothing else is overwritten, and
 * nothing is written outside the folder.
 */
async function writeCsv(folder: string, plan: Plan, output: Output): Promise<void> {
  await mkdir(folder, { recursive: true }).catch((cause: NodeJS.ErrnoException) => {
    throw new CliError(
      cause.code === 'EACCES' || cause.code === 'EPERM' ? 'refused' : 'usage',
      `--csv ${folder}: cannot make the folder (${cause.code === 'EEXIST' || cause.code === 'ENOTDIR' ? 'a file is in the way' : (cause.code ?? cause.message)})`,
    );
  });
  if (!(await stat(folder)).isDirectory()) {
    throw new CliError('usage', `--csv ${folder}: is a file, not a folder`);
  }
  const files = planCsvFiles(plan);
  for (const file of files) await checkReplaceable(join(folder, file.name), file.header.join(','));
  for (const file of files) {
    const path = join(folder, file.name);
    await writeFileAtomically(path, csvChunks(file));
    output.err(`wrote ${path}`);
  }
}

async function checkReplaceable(path: string, header: string): Promise<void> {
  const info = await lstat(path).catch(() => undefined);
  if (info === undefined) return;
  const refuse = (why: string) =>
    new CliError(
      'refused',
      `${path} ${why}; it is not a plan file keten wrote, so it is left alone: choose another folder or remove it`,
    );
  if (!info.isFile()) throw refuse('is not a plain file');
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(header.length + 2);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (buffer.subarray(0, bytesRead).toString('utf8') !== `${header}\r\n`) throw refuse('exists');
  } finally {
    await handle.close();
  }
}
