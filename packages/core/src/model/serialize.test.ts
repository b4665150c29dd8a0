import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Network } from './schema.ts';
import { serializeNetwork, serializeNetworkChunks } from './serialize.ts';

const minimalPath = fileURLToPath(new URL('../../../../examples/network-minimal.yaml', import.meta.url));
const minimal = Network.parse(parse(readFileSync(minimalPath, 'utf8')));

describe('serializeNetwork', () => {
  it('writes JSON with one record per line that reads back as the same network', () => {
    const text = serializeNetwork(minimal, 'json');
    expect(JSON.parse(text)).toEqual(minimal);
    const lines = text.split('\n');
    expect(lines[0]).toBe('{');
    expect(lines[1]).toBe('  "format": "keten.network/v1",');
    expect(lines).toContain('  "capacityGroups": [],');
    expect(lines.filter((line) => line.startsWith('    {"company":')).length).toBeGreaterThanOrEqual(4);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('writes YAML that reads back as the same network', () => {
    expect(parse(serializeNetwork(minimal, 'yaml'))).toEqual(minimal);
  });

  it('puts fields in schema order whatever order the objects were built in', () => {
    const reversed = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(reversed);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(
        Object.entries(value)
          .reverse()
          .map(([key, field]) => [key, reversed(field)]),
      );
    };
    const shuffled = reversed(minimal) as Network;
    expect(serializeNetwork(shuffled, 'json')).toBe(serializeNetwork(minimal, 'json'));
    expect(serializeNetwork(shuffled, 'yaml')).toBe(serializeNetwork(minimal, 'yaml'));
  });

  it('leaves out undefined fields and gives the same text in chunks', () => {
    const withUndefined = { ...minimal, description: undefined } as unknown as Network;
    expect(serializeNetwork(withUndefined, 'json')).toBe(serializeNetwork(minimal, 'json'));
    expect([...serializeNetworkChunks(minimal, 'json')].join('')).toBe(serializeNetwork(minimal, 'json'));
  });
});
