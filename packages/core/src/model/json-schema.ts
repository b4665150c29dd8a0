/**
 * @module model/json-schema
 * The published JSON Schema of `keten.network/v1` (`docs/schema/network.schema.json`), generated from
 * the same zod definition that validates files, so the two never disagree on structure. Editors use
 * it to validate and autocomplete network files (YAML through a `# yaml-language-server: $schema=`
 * comment, JSON through `$schema`). The rules between records (references, cycles, shares) are beyond
 * JSON Schema; `keten validate` checks them.
 */
import { z } from 'zod';
import { NETWORK_FORMAT, Network } from './schema.ts';

/** The schema's identifier: a name, not necessarily a reachable address. */
export const NETWORK_SCHEMA_ID = 'https://keten.network/v1/network.schema.json';

/** The JSON Schema (draft 2020-12) of a network file, with `$id`, title and field descriptions. */
export function networkJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(Network, { target: 'draft-2020-12' });
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: NETWORK_SCHEMA_ID,
    title: `keten network (${NETWORK_FORMAT})`,
    description:
      'A production network for keten: companies with sites, items, production with capacity and bills of ' +
      'materials, capacity groups, sourcing with supplier shares and lanes, inventory, open orders and end ' +
      'demand. Field by field: docs/formats.md and examples/network-minimal.yaml. References between records, ' +
      'BOM cycles and share sums are checked by `keten validate`, not by this schema.',
    ...rest,
  };
}

/** The file text of `docs/schema/network.schema.json`: two-space indented, one newline at the end. */
export function networkJsonSchemaText(): string {
  return `${JSON.stringify(networkJsonSchema(), null, 2)}\n`;
}
