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
import { descriptionAt, type IssueDraft, placeIssues, schemaIssues } from './schema-issues.ts';

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
    // Again with the values in the findings: without them zod's issues cannot tell a wrong value
    // (port: 80.5, port: "80") from a missing one, and every such finding would read "missing".
    const reported = schema.safeParse(parsed.value.data, { reportInput: true });
    const drafts = schemaIssues(schema, [], reported.success ? [] : reported.error.issues, {
      labels: 'path',
    }).map((draft) => withWhatToAdd(schema, draft));
    const issues = placeIssues(drafts, parsed.value.locate).map((issue) => ({ ...issue, file: fileName }));
    return err(sortIssues([...(parsed.value.warnings ?? []), ...issues]));
  } catch (error) {
    return err([unexpected(fileName, error)]);
  }
}

/**
 * A missing field's finding says what to put there, from the schema's description of the field
 * ("missing required field 'dataDir': add it, the node key, membership and (embedded) database live
 * here").
 */
function withWhatToAdd(schema: z.ZodType, draft: IssueDraft): IssueDraft {
  if (draft.code !== 'missing-field') return draft;
  const description = descriptionAt(schema, draft.path);
  const field = draft.message.startsWith('missing required field');
  if (description === undefined) return field ? { ...draft, message: `${draft.message}: add it` } : draft;
  const text = description.replace(/\.$/, '');
  const said = `${text[0]!.toLowerCase()}${text.slice(1)}`;
  return { ...draft, message: field ? `${draft.message}: add it (${said})` : `${draft.message} (${said})` };
}
