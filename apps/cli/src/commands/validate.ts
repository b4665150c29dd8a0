/**
 * @module commands/validate
 * `keten validate FILE|DIR`: exit 0 with a one-line summary, or exit 1 listing every problem as
 * `file:line:column: message` (a CSV row for CSV).
 */
import { formatIssue, type Issue, type NetworkSummary } from '@keten/core';
import { CliError } from '../errors.ts';
import { loadNetworkFromPath } from '../files.ts';
import type { Output } from '../output.ts';

export interface ValidateOptions {
  readonly json?: boolean;
  readonly maxBytes?: number;
}

export function formatSummary(summary: NetworkSummary): string {
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  return [
    plural(summary.companies, 'company').replace('companys', 'companies'),
    plural(summary.items, 'item'),
    plural(summary.tiers, 'tier'),
    plural(summary.sourcingLinks, 'sourcing link'),
  ].join(', ');
}

function issueJson(issue: Issue) {
  return { ...issue, text: formatIssue(issue) };
}

export async function validateCommand(path: string, options: ValidateOptions, output: Output): Promise<void> {
  const loaded = await loadNetworkFromPath(
    path,
    options.maxBytes === undefined ? {} : { maxBytes: options.maxBytes },
  );
  if (!loaded.ok) {
    const errors = loaded.error.filter((issue) => issue.severity === 'error');
    if (options.json) {
      output.json({ valid: false, errors: errors.length, issues: loaded.error.map(issueJson) });
      throw new CliError('invalid', '');
    }
    const count = errors.length;
    throw new CliError(
      'invalid',
      `${path}: ${count} problem${count === 1 ? '' : 's'} found`,
      loaded.error.map(formatIssue),
    );
  }
  const { network, summary, warnings } = loaded.value;
  if (options.json) {
    output.json({ valid: true, name: network.name, summary, warnings: warnings.map(issueJson) });
    return;
  }
  for (const warning of warnings) output.err(formatIssue(warning));
  output.out(`${path}: valid ${network.format} network '${network.name}': ${formatSummary(summary)}`);
}
