/**
 * @module model/load-document
 * Loads a small YAML or JSON document (a node's configuration, a case file) against a zod schema,
 * with every problem placed at file:line:col and worded as the network loader words them (unknown
 * fields with "did you mean", missing fields, wrong types, values out of range).
 */
import type { z } from 'zod';
import { err, ok, type Result } from '../result.ts';
import { DEFAULT_MAX_BYTES } from './input-limits.ts';
import { type Issue, sortIssues } from './issues.ts';
import { type LoadOptions, sizeIssue, unexpected } from './load-result.ts';
import { parseJson } from './parse-json.ts';
import { parseYaml } from './parse-yaml.ts';
import { placeIssues, schemaIssues } from './schema-issues.ts';

/**
 * Parses `text` (JSON for `.json` names or text starting with `{`/`[`, else YAML) and checks it
 * against `schema`. On failure: every problem, in file order, with `file` set to `fileName`.
 *
 * @example
 * const config = loadDocument(text, 'node.yaml', NodeConfig);
 * if (!config.ok) for (const issue of config.error) console.error(formatIssue(issue));
 */
export function loadDocument<Schema extends z.ZodType>(
  text: string,
  fileName: string,
  schema: Schema,
  options: LoadOptions = {},
): Result<z.infer<Schema>, Issue[]> {
  try {
    const limit = sizeIssue({ name: fileName, text }, options.maxBytes ?? DEFAULT_MAX_BYTES);
    if (limit !== undefined) return err([limit]);
    const json =
      options.format === 'json' ||
      (options.format === undefined &&
        (fileName.toLowerCase().endsWith('.json') ||
          (!/\.ya?ml$/i.test(fileName) && /^\s*[{[]/.test(text.slice(0, 4096)))));
    const parsed = json ? parseJson(fileName, text) : parseYaml(fileName, text);
    if (!parsed.ok) return err(sortIssues(parsed.error));
    const checked = schema.safeParse(parsed.value.data);
    if (checked.success) return ok(checked.data);
    const drafts = schemaIssues(schema, [], checked.error.issues);
    const issues = placeIssues(drafts, parsed.value.locate).map((issue) => ({ ...issue, file: fileName }));
    return err(sortIssues([...(parsed.value.warnings ?? []), ...issues]));
  } catch (error) {
    return err([unexpected(fileName, error)]);
  }
}
