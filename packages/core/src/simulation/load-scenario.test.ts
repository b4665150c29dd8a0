import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { formatIssue, type Issue, type IssueCode } from '../model/issues.ts';
import { loadNetworkFile } from '../model/load.ts';
import { loadScenario } from './load-scenario.ts';

const networkText = readFileSync('/work/shared/examples/network-minimal.yaml', 'utf8');
const scenarioText = readFileSync('/work/shared/examples/scenario-oem-brakes.yaml', 'utf8');
const loadedNetwork = loadNetworkFile({ name: 'network-minimal.yaml', text: networkText });
if (!loadedNetwork.ok) throw new Error('the minimal network must load');
const network = loadedNetwork.value.network;

/** The example scenario with some text replaced; each piece must occur exactly once. */
function variant(...edits: [from: string, to: string][]): string {
  let text = scenarioText;
  for (const [from, to] of edits) {
    expect(text.split(from).length - 1, `'${from}' occurs once in the example`).toBe(1);
    text = text.replace(from, to);
  }
  return text;
}

function issuesOf(text: string, name = 'scenario.yaml'): Issue[] {
  const result = loadScenario(text, name, network);
  return result.ok ? result.value.warnings : result.error;
}

function expectIssue(issues: Issue[], code: IssueCode, line: number, fragment: string): void {
  const found = issues.filter((issue) => issue.code === code);
  expect(found.map(formatIssue), `issues with code ${code}`).toHaveLength(1);
  expect(found[0]!.line).toBe(line);
  expect(found[0]!.message).toContain(fragment);
}

describe('loadScenario', () => {
  it('loads the example scenario as it is against the minimal network', () => {
    const result = loadScenario(scenarioText, 'scenario-oem-brakes.yaml', network);
    expect(result.ok ? result.value.warnings : result.error.map(formatIssue)).toEqual([]);
    if (!result.ok) return;
    const { scenario } = result.value;
    expect(scenario.periods).toBe(52);
    expect(scenario.demand?.[0]?.pattern).toEqual({ type: 'normal', mean: 8, stdDev: 2 });
    expect(scenario.events).toHaveLength(4);
    expect(scenario.policy?.default).toEqual({
      type: 'order-up-to',
      forecast: { type: 'moving-average', periods: 4 },
      safetyFactor: 1.65,
    });
  });

  it('names an unknown company with a suggestion, on its line', () => {
    const issues = issuesOf(variant(['company: frame-a, from: 30', 'company: frame-x, from: 30']));
    expectIssue(issues, 'unknown-reference', 20, "unknown company 'frame-x' (did you mean 'frame-a'?)");
    expect(formatIssue(issues[0]!)).toMatch(/^scenario\.yaml:20:\d+: /);
  });

  it('names an unknown item and region with suggestions', () => {
    const issues = issuesOf(variant(['item: machine', 'item: machin'], ['region: ASIA', 'region: ASIAA']));
    expect(issues.map((issue) => issue.message)).toEqual([
      expect.stringContaining("unknown item 'machin' (did you mean 'machine'?)"),
      expect.stringContaining("unknown region 'ASIAA' (did you mean 'ASIA'?)"),
    ]);
    expect(issues.map((issue) => issue.line)).toEqual([8, 21]);
  });

  it('suggests the event type and the policy type', () => {
    const issues = issuesOf(
      variant(['type: supplier-failure', 'type: supplier-failur'], ['type: order-up-to', 'type: order-upto']),
    );
    expect(issues.map((issue) => issue.message)).toEqual([
      expect.stringContaining("not 'order-upto' (did you mean 'order-up-to'?)"),
      expect.stringContaining("not 'supplier-failur' (did you mean 'supplier-failure'?)"),
    ]);
  });

  it('checks windows: to after from, not both to and duration, one of them', () => {
    expectIssue(
      issuesOf(variant(['from: 12, to: 20', 'from: 12, to: 12'])),
      'invalid-value',
      21,
      "'to' (12) must be after 'from' (12)",
    );
    expectIssue(
      issuesOf(variant(['from: 30, duration: 8', 'from: 30, to: 38, duration: 8'])),
      'invalid-value',
      20,
      "give either 'to' or 'duration'",
    );
    expectIssue(issuesOf(variant(['from: 30, duration: 8', 'from: 30'])), 'missing-field', 20, "needs 'to'");
  });

  it('warns about an event after the last period', () => {
    const result = loadScenario(
      variant(['from: 30, duration: 8', 'from: 60, duration: 8']),
      's.yaml',
      network,
    );
    expect(result.ok).toBe(true);
    if (result.ok) expectIssue(result.value.warnings, 'outside-horizon', 20, 'has no effect');
  });

  it('refuses a lane the network does not have', () => {
    const issues = issuesOf(variant(['supplier: frame-b, buyer: oem', 'supplier: steel, buyer: oem']));
    expectIssue(issues, 'unknown-reference', 22, "'oem' buys nothing from 'steel'");
  });

  it('refuses demand for an item the company neither makes nor buys', () => {
    const issues = issuesOf(variant(['item: machine', 'item: steel-plate']));
    expectIssue(issues, 'demand-unsourced-item', 8, "'oem' neither makes nor buys 'steel-plate'");
  });

  it('reports unknown fields with a suggestion, and wrong types', () => {
    const issues = issuesOf(
      variant(['safetyFactor: 1.65', 'safetyFactr: 1.65'], ['mean: 8', "mean: 'eight'"]),
    );
    expect(issues.map(formatIssue)).toEqual([
      expect.stringContaining("scenario.yaml:9:36: 'pattern.mean' must be a number, not the text 'eight'"),
      expect.stringContaining("unknown field 'safetyFactr' (did you mean 'safetyFactor'?)"),
    ]);
  });

  it('merges company overrides onto the default and checks them', () => {
    const good = variant([
      'informationSharing: false ',
      'informationSharing: false\n  companies:\n    frame-a: { safetyFactor: 2, allocation: fifo }\n    steel: { type: s-S, s: 2, S: 6 }\n ',
    ]);
    const result = loadScenario(good, 's.yaml', network);
    expect(result.ok ? [] : result.error.map(formatIssue)).toEqual([]);
    if (result.ok) {
      expect(result.value.scenario.policy?.companies?.['frame-a']).toEqual({
        allocation: 'fifo',
        ordering: { type: 'order-up-to', forecast: { type: 'moving-average', periods: 4 }, safetyFactor: 2 },
      });
      expect(result.value.scenario.policy?.companies?.steel?.ordering).toEqual({ type: 's-S', s: 2, S: 6 });
    }
    const bad = variant([
      'informationSharing: false ',
      'informationSharing: false\n  companies:\n    frame-x: { safetyFactor: 2 }\n    steel: { type: s-S, s: 6, S: 2 }\n ',
    ]);
    expect(issuesOf(bad).map(formatIssue)).toEqual([
      expect.stringMatching(/scenario\.yaml:19:5: unknown company 'frame-x' \(did you mean 'frame-a'\?\)/),
      expect.stringContaining("'S' (2) is below 's' (6)"),
    ]);
  });

  it('reads JSON with positions', () => {
    const json = JSON.stringify({ ...parse(scenarioText), periods: 0 }, null, 2);
    const issues = issuesOf(json, 'scenario.json');
    expect(issues).toHaveLength(1);
    expect(formatIssue(issues[0]!)).toMatch(/^scenario\.json:4:\d+: 'periods' must be at least 1/);
  });

  it('says what is wrong with a file that is not a scenario', () => {
    expect(issuesOf('- just\n- a list\n').map((issue) => issue.code)).toEqual(['wrong-type']);
    expect(issuesOf('format: keten.network/v1\nname: x\n')[0]!.message).toContain(
      "must be 'keten.scenario/v1'",
    );
    expect(issuesOf('periods: [\n')[0]!.code).toBe('syntax');
  });
});

describe('loadScenario never throws (fast-check)', () => {
  const example: unknown = parse(scenarioText);

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

  const answered = (text: string, name: string) => {
    const result = loadScenario(text, name, network);
    expect(typeof result.ok).toBe('boolean');
    if (!result.ok) {
      expect(result.error.length).toBeGreaterThan(0);
      expect(result.error.filter((issue) => issue.code === 'internal-error').map(formatIssue)).toEqual([]);
    }
  };

  it('on mutated example documents', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.oneof(fc.constant(undefined), fc.jsonValue(), fc.string())), {
          maxLength: 4,
        }),
        fc.boolean(),
        (mutations, json) => {
          const copy = structuredClone(example);
          for (const [at, value] of mutations) {
            const all = places(copy);
            const [container, key] = all[at % all.length]!;
            if (value === undefined) delete container[key];
            else container[key] = value;
          }
          answered(json ? JSON.stringify(copy) : stringify(copy), json ? 'fuzz.json' : 'fuzz.yaml');
        },
      ),
      { numRuns: 300, seed: 4 },
    );
  });

  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => answered(text, 'fuzz.yaml')),
      { numRuns: 300, seed: 5 },
    );
  });
});
