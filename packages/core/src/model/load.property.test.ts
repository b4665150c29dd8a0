import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Result } from '../result.ts';
import type { Issue } from './issues.ts';
import { loadNetworkCsv, loadNetworkFile } from './load.ts';

const minimalText = readFileSync(
  fileURLToPath(new URL('../../../../examples/network-minimal.yaml', import.meta.url)),
  'utf8',
);
const minimal: unknown = parse(minimalText);

/** A load that answered with a value and found no bug in itself. */
function expectAnswered(result: Result<unknown, Issue[]>): void {
  expect(typeof result.ok).toBe('boolean');
  if (!result.ok) {
    expect(result.error.length).toBeGreaterThan(0);
    const internal = result.error.filter((issue) => issue.code === 'internal-error');
    expect(internal, internal.map((issue) => issue.message).join('\n')).toEqual([]);
    for (const issue of result.error) {
      expect(issue.message.length).toBeGreaterThan(0);
      if (issue.line !== undefined) expect(issue.line).toBeGreaterThanOrEqual(1);
    }
  }
}

type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'set'; at: number; value: unknown }
  | { kind: 'duplicate'; at: number };

/** Every (parent, key) place in a document, in a fixed order. */
function places(value: unknown, out: [Record<string | number, unknown>, string | number][] = []) {
  if (value !== null && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      const container = value as Record<string | number, unknown>;
      out.push([container, Array.isArray(value) ? Number(key) : key]);
      places(container[key], out);
    }
  }
  return out;
}

function mutate(document: unknown, mutations: Mutation[]): unknown {
  const copy = structuredClone(document);
  for (const mutation of mutations) {
    const all = places(copy);
    if (all.length === 0) break;
    const [container, key] = all[mutation.at % all.length]!;
    if (mutation.kind === 'delete') {
      if (Array.isArray(container)) container.splice(Number(key), 1);
      else delete container[key];
    } else if (mutation.kind === 'set') container[key] = mutation.value;
    else if (Array.isArray(container)) container.push(structuredClone(container[Number(key)]));
  }
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
);

describe('loading never throws, whatever the input', () => {
  it('arbitrary text, as YAML and as JSON', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        expectAnswered(loadNetworkFile({ name: 'fuzz.yaml', text }));
        expectAnswered(loadNetworkFile({ name: 'fuzz.json', text }));
      }),
      { numRuns: 300 },
    );
  });

  it('the minimal network with random characters cut or inserted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 8 }), fc.string({ maxLength: 6 })), {
          minLength: 1,
          maxLength: 4,
        }),
        (edits) => {
          let text = minimalText;
          for (const [at, cut, insert] of edits) {
            const position = at % (text.length + 1);
            text = text.slice(0, position) + insert + text.slice(position + cut);
          }
          expectAnswered(loadNetworkFile({ name: 'edited.yaml', text }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('the minimal network with fields deleted, replaced by any JSON value, or records duplicated', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 5 }), (mutations) => {
        const document = mutate(minimal, mutations);
        const json = loadNetworkFile({ name: 'mutated.json', text: JSON.stringify(document, null, 1) });
        expectAnswered(json);
        expectAnswered(loadNetworkFile({ name: 'mutated.yaml', text: stringify(document) }));
        if (json.ok) {
          // Whatever loads is a network that loads again to itself.
          const again = loadNetworkFile({ name: 'again.json', text: JSON.stringify(json.value.network) });
          expect(again.ok && again.value.network).toEqual(json.value.network);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('CSV folders of arbitrary text', () => {
    const names = ['network.csv', 'companies.csv', 'items.csv', 'sourcing.csv', 'demand.csv', 'odd.csv'];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...names), fc.string({ maxLength: 200 })), { maxLength: 6 }),
        (files) => {
          expectAnswered(loadNetworkCsv(files.map(([name, text]) => ({ name, text }))));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('CSV rows built from the column names with arbitrary cells', () => {
    const cell = fc.oneof(
      fc.constantFrom('', 'oem', 'frame', '1', '0,5', '-3', '1;2;3', '2027-01-04', '"'),
      fc.string({ maxLength: 8 }),
    );
    fc.assert(
      fc.property(fc.array(fc.array(cell, { maxLength: 8 }), { maxLength: 5 }), (rows) => {
        const body = rows.map((row) => row.join(',')).join('\n');
        const files = [
          {
            name: 'network.csv',
            text: 'format,name,period,start,horizon\nketen.network/v1,x,week,2027-01-04,4\n',
          },
          { name: 'companies.csv', text: `id,name,country,region,latitude,longitude\n${body}` },
          { name: 'items.csv', text: `id,name,unit\n${body}` },
          { name: 'demand.csv', text: `company,item,period,quantity,price\n${body}` },
          { name: 'sourcing.csv', text: `buyer,item,supplier,share,leadTime\n${body}` },
          { name: 'bom.csv', text: `company,item,component,quantity\n${body}` },
        ];
        expectAnswered(loadNetworkCsv(files));
      }),
      { numRuns: 300 },
    );
  });
});
