import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Network, valueAt } from './schema.ts';

const minimal = fileURLToPath(new URL('../../../../examples/network-minimal.yaml', import.meta.url));

describe('Network schema', () => {
  it('accepts the minimal example exactly as it is', () => {
    const result = Network.safeParse(parse(readFileSync(minimal, 'utf8')));
    expect(result.success).toBe(true);
  });

  it('rejects unknown fields', () => {
    const data = parse(readFileSync(minimal, 'utf8'));
    data.companies[0].nmae = 'typo';
    const result = Network.safeParse(data);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.code).toBe('unrecognized_keys');
  });
});

describe('valueAt', () => {
  it('repeats the last value of a shorter list', () => {
    expect(valueAt([1, 2, 3], 0)).toBe(1);
    expect(valueAt([1, 2, 3], 7)).toBe(3);
    expect(valueAt(5, 7)).toBe(5);
  });
});
