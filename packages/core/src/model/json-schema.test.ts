import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { networkJsonSchema, networkJsonSchemaText } from './json-schema.ts';

const published = fileURLToPath(new URL('../../../../docs/schema/network.schema.json', import.meta.url));
const minimal = fileURLToPath(new URL('../../../../examples/network-minimal.yaml', import.meta.url));

function validator() {
  // `format: date` is checked by the schema's own pattern as well; ajv only needs to know the name.
  const ajv = new Ajv2020({ allErrors: true, strict: true, formats: { date: /^\d{4}-\d{2}-\d{2}$/ } });
  return ajv.compile(JSON.parse(readFileSync(published, 'utf8')));
}

describe('the published JSON Schema', () => {
  it('is the generated one (run `npm run schema` after changing schema.ts)', () => {
    expect(readFileSync(published, 'utf8')).toBe(networkJsonSchemaText());
  });

  it('has an id, a title and field descriptions, for editors', () => {
    const schema = networkJsonSchema();
    expect(schema.$id).toMatch(/^https:\/\//);
    expect(schema.title).toContain('keten.network/v1');
    expect(JSON.stringify(schema)).toContain('Whole periods from start to completion.');
  });

  it('accepts the minimal network', () => {
    const validate = validator();
    expect(validate(parse(readFileSync(minimal, 'utf8'))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects an unknown field and a negative capacity', () => {
    const validate = validator();
    const data = parse(readFileSync(minimal, 'utf8'));
    data.production[0].capacty = 1;
    data.production[1].capacity = -1;
    expect(validate(data)).toBe(false);
    expect(validate.errors?.map((error) => error.instancePath)).toEqual(
      expect.arrayContaining(['/production/0', '/production/1/capacity']),
    );
  });
});
