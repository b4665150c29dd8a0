/**
 * @module commands/networks
 * Networks in the store: `import` (every import makes a new version), `networks` (list), `versions`,
 * `show` and `diff` (two stored versions, or two files).
 */
import { stat } from 'node:fs/promises';
import { diffNetworks, formatDiff, formatIssue, type Network, type NetworkVersionInfo } from '@keten/core';
import type { Backend } from '../backend.ts';
import { CliError } from '../errors.ts';
import { baseName, loadNetworkFromPath } from '../files.ts';
import type { Output } from '../output.ts';
import { formatSummary } from './validate.ts';

/**
 * Loads and validates a network from disk, or fails with every problem listed; `outcome` says what
 * was therefore not done.
 */
export async function loadOrFail(path: string, maxBytes?: number, outcome = 'nothing imported') {
  const loaded = await loadNetworkFromPath(path, maxBytes === undefined ? {} : { maxBytes });
  if (!loaded.ok) {
    const count = loaded.error.filter((issue) => issue.severity === 'error').length;
    throw new CliError(
      'invalid',
      `${path}: ${count} problem${count === 1 ? '' : 's'} found; ${outcome}`,
      loaded.error.map(formatIssue),
    );
  }
  return loaded.value;
}

export function describeVersion(info: NetworkVersionInfo): string {
  return `${info.network} v${info.version} (${info.createdAt}, from ${info.source} by ${info.author}): ${formatSummary(info.summary)}`;
}

/**
 * Imports a file as a new version. The file is checked before the backend is opened, so its problems
 * come first (also while a server holds the store) and cost no database.
 */
export async function importCommand(
  openBackend: () => Promise<Backend>,
  path: string,
  options: { name?: string; json?: boolean; maxBytes?: number },
  output: Output,
): Promise<void> {
  const loaded = await loadOrFail(path, options.maxBytes);
  for (const warning of loaded.warnings) output.err(formatIssue(warning));
  const backend = await openBackend();
  try {
    const info = await backend.importNetwork({
      name: options.name ?? loaded.network.name,
      network: loaded.network,
      summary: loaded.summary,
      source: path,
    });
    if (options.json) output.json(info);
    else output.out(`imported ${describeVersion(info)} into the ${backend.where}`);
  } finally {
    await backend.close();
  }
}

export async function listCommand(
  backend: Backend,
  options: { json?: boolean },
  output: Output,
): Promise<void> {
  const networks = await backend.listNetworks();
  if (options.json) return output.json(networks);
  if (networks.length === 0) {
    output.err(`no networks in the ${backend.where}; import one with 'keten import FILE'`);
    return;
  }
  for (const entry of networks) {
    output.out(
      `${entry.network}\tv${entry.latestVersion}\t${entry.versions} version${entry.versions === 1 ? '' : 's'}\t${entry.updatedAt}\t${formatSummary(entry.summary)}`,
    );
  }
}

export async function versionsCommand(
  backend: Backend,
  network: string,
  options: { json?: boolean },
  output: Output,
): Promise<void> {
  const versions = await backend.listVersions(network);
  if (options.json) return output.json(versions);
  for (const info of versions) output.out(describeVersion(info));
}

export async function showCommand(
  backend: Backend,
  network: string,
  options: { version?: number; json?: boolean },
  output: Output,
): Promise<void> {
  const stored = await backend.getVersion(network, options.version);
  if (options.json) return output.json(stored.content);
  const { content } = stored;
  output.out(describeVersion(stored));
  output.out(
    `  ${content.period === 'day' ? 'daily' : 'weekly'} periods from ${content.start}, horizon ${content.horizon}, currency ${content.currency ?? 'EUR'}`,
  );
  const byCountry = new Map<string, number>();
  for (const company of content.companies) {
    byCountry.set(company.site.country, (byCountry.get(company.site.country) ?? 0) + 1);
  }
  const countries = [...byCountry.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  output.out(
    `  companies by country: ${countries.map(([country, count]) => `${country} ${count}`).join(', ')}`,
  );
}

/** Whether a file or folder of that name exists. */
export async function isPath(argument: string): Promise<boolean> {
  return stat(argument).then(
    () => true,
    () => false,
  );
}

function parseVersion(text: string): number {
  const version = Number(text.replace(/^v/, ''));
  if (!Number.isInteger(version) || version < 1) {
    throw new CliError('usage', `'${text}' is not a version number (1, 2, ...)`);
  }
  return version;
}

/**
 * `keten diff FILE_A FILE_B` compares two files; `keten diff NETWORK FROM [TO]` two stored versions
 * (TO defaults to the latest).
 */
export async function diffCommand(
  openBackend: () => Promise<Backend>,
  first: string,
  second: string,
  third: string | undefined,
  options: { json?: boolean; maxBytes?: number },
  output: Output,
): Promise<void> {
  let before: Network;
  let after: Network;
  let title: string;
  if (third === undefined && (await isPath(first)) && (await isPath(second))) {
    before = (await loadOrFail(first, options.maxBytes)).network;
    after = (await loadOrFail(second, options.maxBytes)).network;
    title = `${baseName(first)} → ${baseName(second)}`;
  } else {
    const backend = await openBackend();
    try {
      const from = await backend.getVersion(first, parseVersion(second));
      const to = await backend.getVersion(first, third === undefined ? undefined : parseVersion(third));
      before = from.content;
      after = to.content;
      title = `${first} v${from.version} → v${to.version}`;
    } finally {
      await backend.close();
    }
  }
  const diff = diffNetworks(before, after);
  if (options.json) return output.json(diff);
  const lines = formatDiff(diff);
  output.out(
    `${title}: ${lines.length === 0 ? 'no differences' : `${lines.length} change${lines.length === 1 ? '' : 's'}`}`,
  );
  for (const line of lines) output.out(line);
}
