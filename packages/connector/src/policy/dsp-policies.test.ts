import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  evaluatePolicy,
  matchesOffer,
  type Policy,
  type PolicyRequest,
  parsePolicy,
  policyToJson,
} from '@keten/core';
import { describe, expect, it } from 'vitest';

// The policies inside the DSP 2025-1 example messages (catalog offers, contract requests and offers,
// agreements): keten must read them and judge them, saying why when it cannot.
const EXAMPLES = fileURLToPath(
  new URL('../../../../../shared/vectors/dataspace-protocol/artifacts/src/main/resources/', import.meta.url),
);

function policiesIn(value: unknown, path: string, found: { path: string; json: unknown }[]): void {
  if (Array.isArray(value)) {
    value.forEach((entry, index) => {
      policiesIn(entry, `${path}[${index}]`, found);
    });
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  const record = value as Record<string, unknown>;
  if (record['@type'] === 'Offer' || record['@type'] === 'Agreement') {
    found.push({ path, json: value });
    return;
  }
  for (const [key, entry] of Object.entries(record)) policiesIn(entry, `${path}.${key}`, found);
}

const found: { path: string; json: unknown }[] = [];
for (const area of ['catalog', 'negotiation', 'transfer']) {
  for (const file of readdirSync(`${EXAMPLES}${area}/example`)
    .filter((name) => name.endsWith('.json'))
    .sort()) {
    policiesIn(
      JSON.parse(readFileSync(`${EXAMPLES}${area}/example/${file}`, 'utf8')),
      `${area}/${file}`,
      found,
    );
  }
}

function read(json: unknown): Policy {
  const parsed = parsePolicy(json);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
  return parsed.value;
}

const consumer = (at: string): PolicyRequest => ({
  action: 'use',
  requester: {
    bpnl: 'BPNL0000000000AB',
    did: 'http://example.com/Consumer',
    membership: { status: 'valid' },
  },
  at: new Date(at),
  tierDepth: 0,
});

describe('the policies of the DSP 2025-1 example messages', () => {
  it('are found (catalog offers, contract requests and offers, agreements)', () => {
    expect(found.map((policy) => policy.path)).toHaveLength(8);
  });

  it('all parse, and read back as the same rules', () => {
    for (const { path, json } of found) {
      const policy = read(json);
      expect(matchesOffer(read(policyToJson(policy)), policy), path).toEqual({ matches: true });
    }
  });

  it('are judged: dateTime by the clock, the operands keten does not know (spatial, partner) denied by name', () => {
    for (const { path, json } of found) {
      const policy = read(json);
      const operands = JSON.stringify(json);
      const before = evaluatePolicy(policy, consumer('2023-06-01T00:00:00Z'));
      const after = evaluatePolicy(policy, consumer('2024-01-01T00:00:00Z'));
      if (!operands.includes('"spatial"') && !operands.includes('"partner"')) {
        // Only dateTime lteq 2023-12-31T06:00Z, or no constraint at all.
        expect(before.allowed, path).toBe(true);
        expect(after.allowed, path).toBe(!operands.includes('dateTime'));
        continue;
      }
      if (operands.includes('dateTime')) {
        // The full agreement: one permission on the date, one on `partner`; the first grants until the date.
        expect(before, path).toMatchObject({ allowed: true, grantedBy: 'permission[0]' });
        expect(after.allowed, path).toBe(false);
        if (!after.allowed)
          expect(after.reasons.join(' ')).toContain('keten does not know the left operand "partner"');
        continue;
      }
      expect(before.allowed, path).toBe(false);
      if (!before.allowed)
        expect(before.reasons[0]).toContain('keten does not know the left operand "spatial"');
    }
  });
});
