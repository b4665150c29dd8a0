/**
 * @module files
 * Reads a network from disk for the core loaders: a YAML or JSON file, or a folder of CSV files.
 * The size limit is checked before a byte is read, so a huge file cannot exhaust memory.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import {
  type Issue,
  type LoadedNetwork,
  type LoadOptions,
  loadNetworkCsv,
  loadNetworkFile,
  type Result,
  type SourceFile,
} from '@keten/core';
import { CliError } from './errors.ts';

/** Default largest network file: 512 MiB (a generated 60,000-company network with its open orders is about 280 MB as JSON). */
export const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

export interface ReadOptions {
  readonly maxBytes?: number;
}

/** The bytes of a file as text, or a CliError that says what went wrong with which file. */
export async function readText(path: string, maxBytes: number): Promise<string> {
  const info = await stat(path).catch((cause: NodeJS.ErrnoException) => {
    throw fileError(path, cause);
  });
  if (info.size > maxBytes) {
    throw new CliError(
      'invalid',
      `${path}: the file is ${formatBytes(info.size)}, over the limit of ${formatBytes(maxBytes)}; raise it with --max-bytes if the file is right`,
    );
  }
  return readFile(path, 'utf8').catch((cause: NodeJS.ErrnoException) => {
    throw fileError(path, cause);
  });
}

function fileError(path: string, cause: NodeJS.ErrnoException): CliError {
  switch (cause.code) {
    case 'ENOENT':
      return new CliError('notFound', `${path}: no such file or folder`);
    case 'EACCES':
    case 'EPERM':
      return new CliError('refused', `${path}: permission denied`);
    case 'EISDIR':
      return new CliError('invalid', `${path}: is a folder, expected a file`);
    default:
      return new CliError('invalid', `${path}: cannot be read (${cause.code ?? cause.message})`);
  }
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

/** Reads FILE (YAML or JSON) or DIR (CSV folder) and runs the core loader on it. */
export async function loadNetworkFromPath(
  path: string,
  options: ReadOptions = {},
): Promise<Result<LoadedNetwork, Issue[]>> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const info = await stat(path).catch((cause: NodeJS.ErrnoException) => {
    throw fileError(path, cause);
  });
  const loadOptions: LoadOptions = { maxBytes };
  if (info.isDirectory()) {
    const names = (await readdir(path)).filter((name) => !name.startsWith('.')).sort();
    const files: SourceFile[] = [];
    let total = 0;
    for (const name of names) {
      const full = join(path, name);
      if (!(await stat(full)).isFile()) continue;
      const text = await readText(full, maxBytes - total);
      total += Buffer.byteLength(text);
      files.push({ name: full, text });
    }
    if (files.length === 0)
      throw new CliError('invalid', `${path}: the folder holds no files; expected CSV files`);
    return loadNetworkCsv(files, loadOptions);
  }
  const text = await readText(path, maxBytes);
  return loadNetworkFile({ name: path, text }, loadOptions);
}

/** A short name for a network read from `path`, when the caller gives none. */
export function baseName(path: string): string {
  return basename(path).replace(/\.(ya?ml|json)$/i, '');
}
