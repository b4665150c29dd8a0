/**
 * Writes docs/schema/network.schema.json from the zod definition of the network format
 * (packages/core/src/model/json-schema.ts). Run with `npm run schema`; `--check` only reports whether
 * the committed file is current (exit 1 when it is stale). A test keeps the file current as well.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { networkJsonSchemaText } from '../packages/core/src/model/json-schema.ts';

const target = fileURLToPath(new URL('../docs/schema/network.schema.json', import.meta.url));
const text = networkJsonSchemaText();

if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(target, 'utf8');
  } catch {
    // no file yet: stale
  }
  if (current !== text) {
    console.error('docs/schema/network.schema.json is stale: run npm run schema');
    process.exit(1);
  }
  console.log('docs/schema/network.schema.json is current');
} else {
  writeFileSync(target, text);
  console.log(`wrote docs/schema/network.schema.json (${text.length} bytes)`);
}
