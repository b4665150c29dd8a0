/**
 * @module model/load-result
 * What every loader (YAML, JSON, CSV) does after parsing: validate, put file names and places on the
 * issues, sort them, and wrap the outcome. Also the size limit and the last-resort internal error.
 */
import { err, ok, type Result } from '../result.ts';
import type { NetworkSummary } from '../store/ports.ts';
import { exceedsBytes, formatBytes } from './input-limits.ts';
import { type Issue, sortIssues } from './issues.ts';
import type { ParsedDocument } from './locate.ts';
import type { Network } from './schema.ts';
import { summarize } from './tiers.ts';
import { validateDocument } from './validate.ts';

/** A file as text, with the name to show in messages (a path, or a name such as `upload.json`). */
export interface SourceFile {
  readonly name: string;
  readonly text: string;
}

export interface LoadOptions {
  /** Refuse files larger than this many bytes (UTF-8). Default 512 MiB. */
  readonly maxBytes?: number;
  /** The syntax; by default from the extension (.yaml, .yml, .json), else guessed from the text. */
  readonly format?: 'yaml' | 'json';
}

/** A network that passed validation. */
export interface LoadedNetwork {
  readonly network: Network;
  readonly summary: NetworkSummary;
  /** Tier of each company in some chain (0 = has end demand); companies in no chain are absent. */
  readonly tiers: ReadonlyMap<string, number>;
  /** Problems that do not stop loading, e.g. a company in no chain. */
  readonly warnings: Issue[];
}

/** Validate parsed data and wrap the outcome; shared by the YAML, JSON and CSV loaders. */
export function finish(file: string, parsed: ParsedDocument): Result<LoadedNetwork, Issue[]> {
  const validation = validateDocument(parsed.data, parsed.locate);
  const issues = sortIssues(
    [...(parsed.warnings ?? []), ...validation.issues].map((issue) =>
      issue.file === '' ? { ...issue, file } : issue,
    ),
  );
  if (validation.network === undefined) return err(issues);
  return ok({
    network: validation.network,
    summary: summarize(validation.network, validation.tiers),
    tiers: validation.tiers,
    warnings: issues,
  });
}

/** `too-large` when the text is over the limit. */
export function sizeIssue(file: SourceFile, maxBytes: number): Issue | undefined {
  if (!exceedsBytes(file.text, maxBytes)) return undefined;
  return {
    file: file.name,
    path: [],
    code: 'too-large',
    message: `the file is larger than the limit of ${formatBytes(maxBytes)}; raise the limit if the file is genuine`,
    severity: 'error',
  };
}

/**
 * A bug, not bad input: reported as an issue so the caller still gets a value, with words that say so.
 * Validation is written not to throw; this is the last line of defence.
 */
export function unexpected(file: string, error: unknown): Issue {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return {
    file,
    path: [],
    code: 'internal-error',
    message: `keten could not read this file because of an internal error (${detail}); please report it`,
    severity: 'error',
  };
}
