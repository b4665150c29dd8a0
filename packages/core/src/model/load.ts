/**
 * @module model/load
 * Loading a network from text: YAML or JSON, and (in `load-csv.ts`) a folder of CSV files. Files come
 * in as text, so this stays pure; apps read the files. A load either gives a valid network with its
 * summary, tiers and warnings, or every problem found, each with file, place and a plain message;
 * it never throws, whatever the input.
 *
 * @example
 * const result = loadNetworkFile({ name: 'network.yaml', text });
 * if (result.ok) console.log(result.value.summary);
 * else for (const issue of result.error) console.log(formatIssue(issue));
 */
import { err, type Result } from '../result.ts';
import { DEFAULT_MAX_BYTES } from './input-limits.ts';
import { type Issue, sortIssues } from './issues.ts';
import {
  finish,
  type LoadedNetwork,
  type LoadOptions,
  type SourceFile,
  sizeIssue,
  unexpected,
} from './load-result.ts';
import { parseJson } from './parse-json.ts';
import { parseYaml } from './parse-yaml.ts';

export { loadNetworkCsv } from './load-csv.ts';
export type { LoadedNetwork, LoadOptions, SourceFile } from './load-result.ts';

/**
 * Load a network from YAML or JSON text. On failure, the list holds every error and every warning,
 * in file order. Large networks should be JSON: positions are worked out only when there are issues.
 */
export function loadNetworkFile(file: SourceFile, options: LoadOptions = {}): Result<LoadedNetwork, Issue[]> {
  try {
    const limit = sizeIssue(file, options.maxBytes ?? DEFAULT_MAX_BYTES);
    if (limit !== undefined) return err([limit]);
    const format = options.format ?? formatOf(file);
    const parsed = format === 'json' ? parseJson(file.name, file.text) : parseYaml(file.name, file.text);
    if (!parsed.ok) return err(sortIssues(parsed.error));
    return finish(file.name, parsed.value);
  } catch (error) {
    return err([unexpected(file.name, error)]);
  }
}

/** JSON or YAML, by extension, else by the first character that is not white space or a comment. */
function formatOf(file: SourceFile): 'yaml' | 'json' {
  const name = file.name.toLowerCase();
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.yaml') || name.endsWith('.yml')) return 'yaml';
  const first = /^\s*(\S)/.exec(file.text.slice(0, 4096))?.[1];
  return first === '{' || first === '[' ? 'json' : 'yaml';
}
