/**
 * Writes the published JSON Schemas in docs/schema/ from their zod definitions: network.schema.json
 * (packages/core/src/model/json-schema.ts) and order.schema.json, keten's order payload
 * (packages/core/src/exchange/order.ts). Run with `npm run schema`; `--check` only reports whether the
 * committed files are current (exit 1 when one is stale). Tests keep the files current as well.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { orderJsonSchemaText } from '../packages/core/src/exchange/order.ts';
import { networkJsonSchemaText } from '../packages/core/src/model/json-schema.ts';

const schemas = [
  { file: 'network.schema.json', text: networkJsonSchemaText() },
  { file: 'order.schema.json', text: orderJsonSchemaText() },
];

let stale = false;
for (const { file, text } of schemas) {
  const target = fileURLToPath(new URL(`../docs/schema/${file}`, import.meta.url));
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(target, 'utf8');
    } catch {
      // no file yet: stale
    }
    if (current !== text) {
      console.error(`docs/schema/${file} is stale: run npm run schema`);
      stale = true;
    } else console.log(`docs/schema/${file} is current`);
  } else {
    writeFileSync(target, text);
    console.log(`wrote docs/schema/${file} (${text.length} bytes)`);
  }
}
if (stale) process.exit(1);
