/**
 * @module commands/replan
 * `keten replan NETWORK`: re-plans a stored network after the planning events in the log (issue 3,
 * section 5) and says what changed since the plan last published: orders per company, shortages,
 * bottlenecks and who must be told. The base is the network as of the last `plan.published` event of
 * that network (the version without events when there is none); the new plan has every event. Unless
 * `--dry-run`, or nothing changed, the new plan is recorded as published. Locally the work is
 * `replanStoredNetwork` on the store; with --server it is the server's `POST …/replan`.
 */

import { formatPlanDiff, setPlanningClock } from '@keten/core';
import type { Backend } from '../backend.ts';
import { CliError } from '../errors.ts';
import type { Output } from '../output.ts';
import { withPagesTouchedAhead } from '../touch-ahead.ts';

export interface ReplanCommandOptions {
  readonly version?: number;
  readonly json?: boolean;
  readonly dryRun?: boolean;
}

export async function replanCommand(
  argument: string,
  options: ReplanCommandOptions,
  output: Output,
  openBackend: () => Promise<Backend>,
): Promise<void> {
  if (/[\\/]/.test(argument) || /\.(ya?ml|json|csv)$/i.test(argument)) {
    throw new CliError(
      'usage',
      `replan works on a stored network, and ${argument} looks like a file: import it first ` +
        `('keten import ${argument}') and re-plan it by name`,
    );
  }
  const backend = await openBackend();
  // A dirty-set pass that has run as long as pass 2 over every node gives up for it (core's
  // `setPlanningClock`; with --server the server's re-plan thread sets its own).
  setPlanningClock(() => performance.now());
  try {
    // (With --server the server re-plans, on a thread that touches pages ahead itself.)
    const answer = await withPagesTouchedAhead(() =>
      backend.replan({
        network: argument,
        version: options.version,
        dryRun: options.dryRun,
      }),
    );
    const { stats, base } = answer;
    const seconds = stats.seconds.toFixed(stats.seconds < 1 ? 3 : 1);
    const full = stats.full ? ` (full plan: ${stats.reason ?? 'a first plan'})` : '';
    output.err(`re-planned ${stats.recomputed} of ${stats.nodes} nodes in ${seconds} s${full}`);
    const since =
      base.from === 'version'
        ? `${answer.network} v${base.version} without events (nothing published yet)`
        : `the plan ${base.from === 'published' ? 'published' : 'kept'} through sequence ${base.through} (v${base.version})`;
    output.err(`${answer.network} v${answer.version} through sequence ${answer.through}, against ${since}`);
    if (answer.published !== undefined) {
      const sequence =
        answer.published.sequence === undefined ? '' : ` (sequence ${answer.published.sequence})`;
      output.err(`published as ${answer.published.key}${sequence}`);
    } else {
      output.err(
        options.dryRun === true ? 'dry run: nothing published' : 'nothing changed: nothing published',
      );
    }
    if (options.json === true) return output.json(answer);
    output.out(formatPlanDiff(answer.diff));
  } finally {
    await backend.close();
  }
}
