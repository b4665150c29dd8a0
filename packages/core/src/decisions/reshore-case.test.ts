import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatIssue } from '../model/issues.ts';
import { loadReshoreCase, validateReshoreCase } from './reshore-case.ts';

const EXAMPLE_PATH = fileURLToPath(new URL('../../../../examples/reshore-brakes.yaml', import.meta.url));
const EXAMPLE = readFileSync(EXAMPLE_PATH, 'utf8');

/** The problems of a case text, one line each, as `keten reshore` prints them. */
function problems(text: string, file = 'case.yaml'): string[] {
  const loaded = loadReshoreCase(text, file);
  if (loaded.ok) return [];
  return loaded.error.map(formatIssue);
}

describe('loadReshoreCase', () => {
  it('loads the bundled example with its three locations', () => {
    const loaded = loadReshoreCase(EXAMPLE, 'reshore-brakes.yaml');
    if (!loaded.ok) throw new Error(loaded.error.map(formatIssue).join('\n'));
    const value = loaded.value.reshoreCase;
    expect(value.locations.map((location) => location.id)).toEqual(['wuhu', 'wroclaw', 'weert']);
    expect(value.locations[0]?.disruptions?.map((entry) => entry.type)).toEqual([
      'supplier-down',
      'lane-delay',
      'region-capacity',
    ]);
    expect(loaded.value.warnings).toEqual([]);
  });

  it('reads the same case from JSON', () => {
    const json = JSON.stringify(parse(EXAMPLE));
    const loaded = loadReshoreCase(json, 'case.json');
    const yaml = loadReshoreCase(EXAMPLE, 'case.yaml');
    expect(loaded.ok && yaml.ok && loaded.value.reshoreCase).toEqual(yaml.ok && yaml.value.reshoreCase);
  });

  it('names file, line and column of a misspelt field, with a suggestion', () => {
    const text = EXAMPLE.replace('  weightKg: 3.6', '  weightkg: 3.6');
    const line = text.split('\n').findIndex((entry) => entry.includes('weightkg')) + 1;
    const found = problems(text);
    expect(found).toContain(`case.yaml:${line}:3: unknown field 'weightkg' (did you mean 'weightKg'?)`);
    // A missing field is reported where its mapping starts.
    const item = text.split('\n').indexOf('item:') + 2;
    expect(found).toContain(`case.yaml:${item}:3: missing required field 'weightKg'`);
  });

  it('asks for an exchange rate for a price in a currency the case does not know', () => {
    const text = EXAMPLE.replace('  PLN: 0.232   # EUR per PLN\n', '');
    const line = text.split('\n').findIndex((entry) => entry.includes('currency: PLN')) + 1;
    const [problem] = problems(text);
    expect(problem).toMatch(
      new RegExp(`^case\\.yaml:${line}:\\d+: the price is in PLN but the case is in EUR`),
    );
    expect(problem).toContain('add PLN: <EUR per PLN> under exchangeRates');
  });

  it('finds duplicate ids, a production without CO2, and disruptions missing or misplacing their fields', () => {
    const text = EXAMPLE.replace('  - id: weert', '  - id: wuhu')
      .replace('production: { co2PerKg: 2.0 }', 'production: {}')
      .replace(
        '{ type: lane-delay, perYear: 0.1, weeks: 4, extraWeeks: 1 }',
        '{ type: lane-delay, perYear: 0.1, weeks: 4, factor: 0.5 }',
      );
    const found = problems(text).join('\n');
    expect(found).toContain("the location id 'wuhu' is already used by locations[0]");
    expect(found).toContain("give the production CO2 as 'co2PerUnit'");
    expect(found).toContain("a lane-delay disruption needs 'extraWeeks'");
    expect(found).toContain("'factor' belongs to region-capacity disruptions, not to lane-delay; remove it");
  });

  it('explains values out of range and unknown modes', () => {
    const text = EXAMPLE.replace('serviceLevel: 0.98', 'serviceLevel: 1').replace(
      '{ mode: sea, km: 19500 }',
      '{ mode: ship, km: 19500 }',
    );
    const found = problems(text).join('\n');
    expect(found).toContain("'serviceLevel' must be below 1 (it is 1)");
    expect(found).toMatch(
      /:\d+:17: 'mode' must be one of road, rail, sea, air, inland-waterway, not the text 'ship'/,
    );
  });

  it('needs a rate for EUR when the case is in another currency and uses default freight costs', () => {
    const text = EXAMPLE.replace('currency: EUR\n', 'currency: USD\n').replace(
      'amount: 36.5, currency: EUR',
      'amount: 36.5, currency: USD',
    );
    expect(problems(text).join('\n')).toContain(
      'the default freight costs are in EUR and the case is in USD',
    );
    const withRate = text.replace('  CNY: 0.128', '  EUR: 1.08\n  CNY: 0.138');
    expect(problems(withRate)).toEqual([]);
  });

  it('refuses what is not a case at all', () => {
    expect(problems('- just\n- a list\n')).toEqual([
      'case.yaml:1:1: a reshoring case must hold a group of fields at the top (format, name, currency, carbonPrice, item, locations), not a list',
    ]);
    expect(validateReshoreCase(null).issues[0]?.code).toBe('wrong-type');
  });

  it('never throws and always answers a case or problems, whatever the text (fuzzed)', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), (text) => {
        const loaded = loadReshoreCase(text, 'fuzz.yaml');
        if (!loaded.ok) expect(loaded.error.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it('never throws on the example with any one field replaced by any value (fuzzed)', () => {
    const data = parse(EXAMPLE) as Record<string, unknown>;
    const paths: (string | number)[][] = [];
    const walk = (value: unknown, path: (string | number)[]): void => {
      paths.push(path);
      if (Array.isArray(value)) for (const [index, entry] of value.entries()) walk(entry, [...path, index]);
      else if (value !== null && typeof value === 'object')
        for (const [key, entry] of Object.entries(value)) walk(entry, [...path, key]);
    };
    walk(data, []);
    fc.assert(
      fc.property(
        fc.constantFrom(...paths.filter((path) => path.length > 0)),
        fc.jsonValue(),
        (path, replacement) => {
          const copy = structuredClone(data);
          let target: Record<string | number, unknown> = copy;
          for (const key of path.slice(0, -1)) target = target[key] as Record<string | number, unknown>;
          target[path.at(-1)!] = replacement;
          const result = validateReshoreCase(copy);
          if (result.reshoreCase === undefined)
            expect(result.issues.some((issue) => issue.severity === 'error')).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
