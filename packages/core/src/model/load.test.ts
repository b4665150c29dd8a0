import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { formatIssue, type Issue, type IssueCode } from './issues.ts';
import { loadNetworkFile } from './load.ts';

const minimalPath = fileURLToPath(new URL('../../../../examples/network-minimal.yaml', import.meta.url));
const minimal = readFileSync(minimalPath, 'utf8');
const sharedMinimal = '/work/shared/examples/network-minimal.yaml';

/** The minimal network with some text replaced; each piece must occur exactly once. */
function variant(...edits: [from: string, to: string][]): string {
  let text = minimal;
  for (const [from, to] of edits) {
    expect(text.split(from).length - 1, `'${from}' occurs once in the minimal network`).toBe(1);
    text = text.replace(from, to);
  }
  return text;
}

function issuesOf(text: string, name = 'network.yaml'): Issue[] {
  const result = loadNetworkFile({ name, text });
  return result.ok ? result.value.warnings : result.error;
}

/** The one issue with `code`, which must sit on `line`. */
function expectIssue(issues: Issue[], code: IssueCode, line: number, fragment?: string): Issue {
  const found = issues.filter((issue) => issue.code === code);
  expect(found.map(formatIssue), `issues with code ${code}`).toHaveLength(1);
  const issue = found[0]!;
  expect(issue.line, formatIssue(issue)).toBe(line);
  if (fragment !== undefined) expect(issue.message).toContain(fragment);
  return issue;
}

describe('loadNetworkFile on the minimal network', () => {
  it('loads it exactly as it is, with its summary and tiers', () => {
    const result = loadNetworkFile({ name: 'network-minimal.yaml', text: minimal });
    if (!result.ok) throw new Error(result.error.map(formatIssue).join('\n'));
    expect(result.value.summary).toEqual({ companies: 4, items: 3, tiers: 3, sourcingLinks: 4 });
    expect(Object.fromEntries(result.value.tiers)).toEqual({ oem: 0, 'frame-a': 1, 'frame-b': 1, steel: 2 });
    expect(result.value.warnings).toEqual([]);
    expect(result.value.network.production?.[0]?.bom).toEqual([{ item: 'frame', quantity: 1 }]);
  });

  it.skipIf(!existsSync(sharedMinimal))('loads the shared original too', () => {
    expect(loadNetworkFile({ name: 'x.yaml', text: readFileSync(sharedMinimal, 'utf8') }).ok).toBe(true);
  });

  it('loads the same network from JSON', () => {
    const text = JSON.stringify(parse(minimal), null, 2);
    const json = loadNetworkFile({ name: 'network.json', text });
    const yaml = loadNetworkFile({ name: 'network.yaml', text: minimal });
    expect(json.ok && yaml.ok && json.value.network).toEqual(yaml.ok && yaml.value.network);
  });

  it('guesses the syntax from the text when the name says nothing', () => {
    expect(loadNetworkFile({ name: 'upload', text: JSON.stringify(parse(minimal)) }).ok).toBe(true);
    expect(loadNetworkFile({ name: 'upload', text: minimal }).ok).toBe(true);
  });
});

describe('broken variants of the minimal network: the right code on the right line', () => {
  it('a syntax error', () => {
    const issues = issuesOf(variant(['  - id: frame-a\n', '  - id: frame-a\n  bad: [\n']));
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]?.code).toBe('syntax');
    expect(issues[0]?.line).toBe(19);
  });

  it('an unknown field, with a suggestion', () => {
    const issue = expectIssue(issuesOf(variant(['capacity: 10 #', 'capacty: 10 #'])), 'unknown-field', 38);
    expect(issue.message).toBe("unknown field 'capacty' (did you mean 'capacity'?)");
    expect(issue.column).toBe(5);
  });

  it('a missing required field', () => {
    expectIssue(issuesOf(variant(['    name: Frame Works GmbH\n', ''])), 'missing-field', 18, "'name'");
  });

  it('a wrong type', () => {
    expectIssue(
      issuesOf(variant(['capacity: 8\n', 'capacity: eight\n'])),
      'wrong-type',
      49,
      'a number or a list',
    );
  });

  it('a duplicate company id, naming the first', () => {
    expectIssue(issuesOf(variant(['  - id: frame-b\n', '  - id: frame-a\n'])), 'duplicate-id', 21, 'line 18');
  });

  it('a duplicate item id', () => {
    const text = variant([
      '  - { id: steel-plate,',
      '  - { id: frame, name: Again, unit: pcs }\n  - { id: steel-plate,',
    ]);
    expectIssue(issuesOf(text), 'duplicate-id', 31, 'line 30');
  });

  it('a duplicate capacity group id', () => {
    const group = '{ id: press, company: frame-a, capacity: 8, items: [{ item: frame, load: 1 }] }';
    const text = variant(['capacityGroups: []\n', `capacityGroups:\n  - ${group}\n  - ${group}\n`]);
    expectIssue(issuesOf(text), 'duplicate-id', 67, 'line 66');
  });

  it('two production records for the same company and item', () => {
    const text = variant([
      '  - company: frame-b\n    item: frame\n',
      '  - company: frame-a\n    item: frame\n',
    ]);
    const issues = issuesOf(text);
    const duplicate = issues.find((issue) => issue.code === 'duplicate-record');
    expect(duplicate?.line).toBe(54);
    expect(duplicate?.message).toContain('line 46');
  });

  it('two sourcing rules for the same buyer and item', () => {
    const text = variant([
      '  - buyer: frame-b\n    item: steel-plate\n',
      '  - buyer: frame-a\n    item: steel-plate\n',
    ]);
    expect(issuesOf(text).find((issue) => issue.code === 'duplicate-record')?.line).toBe(80);
  });

  it('the same supplier twice in one rule', () => {
    const text = variant(['{ supplier: frame-b, share: 0.3,', '{ supplier: frame-a, share: 0.3,']);
    expect(issuesOf(text).find((issue) => issue.code === 'duplicate-record')?.line).toBe(75);
  });

  it('two inventory records for the same company and item', () => {
    const text = variant([
      '  - { company: steel, item: steel-plate, onHand: 2000 }',
      '  - { company: oem, item: frame, onHand: 1 }',
    ]);
    expectIssue(issuesOf(text), 'duplicate-record', 86, 'line 84');
  });

  it('two demand records for the same company and item', () => {
    const text = variant([
      '    price: 400000',
      '    price: 400000\n  - { company: oem, item: machine, quantities: [1] }\n',
    ]);
    expectIssue(issuesOf(text), 'duplicate-record', 100, 'line 96');
  });

  it('a capacity list longer than the horizon', () => {
    const text = variant(['capacity: 20\n', `capacity: [${Array(13).fill(20).join(', ')}]\n`]);
    expectIssue(issuesOf(text), 'list-too-long', 56, 'horizon is 12');
  });

  it('a maximum capacity list longer than the horizon', () => {
    const text = variant(['maximumCapacity: 12 #', `maximumCapacity: [${Array(14).fill(12).join(', ')}] #`]);
    expectIssue(issuesOf(text), 'list-too-long', 40, 'remove the last 2');
  });

  it('a capacity group list longer than the horizon', () => {
    const group = `{ id: press, company: frame-a, capacity: [${Array(13).fill(8).join(',')}], items: [{ item: frame, load: 1 }] }`;
    expectIssue(
      issuesOf(variant(['capacityGroups: []\n', `capacityGroups:\n  - ${group}\n`])),
      'list-too-long',
      66,
    );
  });

  it('demand longer than the horizon', () => {
    expectIssue(
      issuesOf(variant(['8, 8, 8, 8, 8]', '8, 8, 8, 8, 8, 8]'])),
      'list-too-long',
      98,
      "'quantities'",
    );
  });

  it('an unknown company, with a suggestion', () => {
    expectIssue(
      issuesOf(variant(['  - company: frame-b\n', '  - company: frame-c\n'])),
      'unknown-reference',
      53,
      "unknown company 'frame-c' (did you mean",
    );
  });

  it('an unknown item', () => {
    expectIssue(
      issuesOf(
        variant([
          'bom: [{ item: steel-plate, quantity: 120 }]\n  - company: steel',
          'bom: [{ item: steel-plat, quantity: 120 }]\n  - company: steel',
        ]),
      ),
      'unknown-reference',
      57,
      "unknown item 'steel-plat'",
    );
  });

  it('an unknown supplier', () => {
    expectIssue(
      issuesOf(
        variant(['{ supplier: steel, share: 1, leadTime: 5', '{ supplier: steal, share: 1, leadTime: 5']),
      ),
      'unknown-reference',
      81,
      "did you mean 'steel'",
    );
  });

  it('a bom cycle, printed as a cycle', () => {
    const text = variant([
      '    co2PerUnit: 1.9\n',
      '    co2PerUnit: 1.9\n    bom: [{ item: machine, quantity: 1 }]\n',
    ]);
    const issue = expectIssue(issuesOf(text), 'bom-cycle', 63);
    expect(issue.message).toContain('bom cycle: machine → frame → steel-plate → machine');
  });

  it('supplier shares that do not sum to 1, saying the sum', () => {
    expectIssue(issuesOf(variant(['share: 0.3,', 'share: 0.2,'])), 'shares-sum', 74, 'sum to 0.9');
  });

  it('shares within 1e-6 of 1 are fine', () => {
    expect(
      issuesOf(variant(['share: 0.7,', 'share: 0.7000005,'])).filter((issue) => issue.code === 'shares-sum'),
    ).toEqual([]);
  });

  it('a negative capacity', () => {
    expectIssue(issuesOf(variant(['capacity: 8\n', 'capacity: -8\n'])), 'negative-capacity', 49);
  });

  it('a negative value in a capacity list', () => {
    expectIssue(issuesOf(variant(['capacity: 8\n', 'capacity: [8, -1, 8]\n'])), 'negative-capacity', 49);
  });

  it('a single capacity of 0, while zeros inside a list are shutdown weeks', () => {
    expectIssue(issuesOf(variant(['capacity: 8\n', 'capacity: 0\n'])), 'zero-capacity', 49);
    expect(
      loadNetworkFile({ name: 'x.yaml', text: variant(['capacity: 8\n', 'capacity: [8, 0, 0, 8]\n']) }).ok,
    ).toBe(true);
  });

  it('a lead time that is not a whole number, or negative', () => {
    expectIssue(issuesOf(variant(['leadTime: 2 #', 'leadTime: 1.5 #'])), 'lead-time', 37);
    expectIssue(
      issuesOf(
        variant([
          '{ supplier: frame-b, share: 0.3, leadTime: 6',
          '{ supplier: frame-b, share: 0.3, leadTime: -6',
        ]),
      ),
      'lead-time',
      75,
    );
  });

  it('a company that consumes an item it neither makes nor buys', () => {
    const text = variant([
      '  - buyer: frame-b\n    item: steel-plate\n    suppliers: [{ supplier: steel, share: 1, leadTime: 5, mode: sea }]\n',
      '',
    ]);
    expectIssue(issuesOf(text), 'consumes-unsourced-item', 57, "'frame-b' uses 'steel-plate'");
  });

  it('a supplier that neither makes nor buys the item', () => {
    const text = variant([
      '  - company: frame-b\n    item: frame\n',
      '  - company: frame-b\n    item: machine\n',
    ]);
    expect(issuesOf(text).find((issue) => issue.code === 'supplier-cannot-supply')?.line).toBe(75);
  });

  it('a supplier that is the buyer itself', () => {
    expectIssue(
      issuesOf(variant(['{ supplier: frame-a, share: 0.7', '{ supplier: oem, share: 0.7'])),
      'supplier-is-buyer',
      74,
    );
  });

  it('a purchase order without a supplier', () => {
    expectIssue(
      issuesOf(
        variant(['item: steel-plate, supplier: steel, quantity: 480', 'item: steel-plate, quantity: 480']),
      ),
      'open-order',
      91,
      'needs a',
    );
  });

  it('a purchase order from a company that is not a supplier for the item', () => {
    expectIssue(
      issuesOf(
        variant([
          'kind: purchase, company: frame-a, item: steel-plate, supplier: steel',
          'kind: purchase, company: frame-a, item: steel-plate, supplier: frame-b',
        ]),
      ),
      'open-order',
      91,
      'not a supplier',
    );
  });

  it('a production order with a supplier, or for an item the company does not make', () => {
    expectIssue(
      issuesOf(variant(['item: machine, quantity: 2', 'item: machine, supplier: steel, quantity: 2'])),
      'open-order',
      92,
      'no supplier',
    );
    expectIssue(
      issuesOf(
        variant([
          'kind: production, company: oem, item: machine',
          'kind: production, company: oem, item: frame',
        ]),
      ),
      'open-order',
      92,
      'does not make',
    );
  });

  it('an open order due beyond the horizon', () => {
    expectIssue(
      issuesOf(variant(['quantity: 2, due: 1', 'quantity: 2, due: 12'])),
      'outside-horizon',
      92,
      'periods 0 to 11',
    );
  });

  it('demand for an item the company neither makes nor buys', () => {
    expectIssue(
      issuesOf(
        variant([
          '  - company: oem\n    item: machine\n    quantities',
          '  - company: oem\n    item: steel-plate\n    quantities',
        ]),
      ),
      'demand-unsourced-item',
      97,
    );
  });

  it('a weekly start that is not a Monday, naming the Monday before', () => {
    expectIssue(
      issuesOf(variant(['start: 2027-01-04', 'start: 2027-01-07'])),
      'not-monday',
      6,
      'use 2027-01-04',
    );
  });

  it('a daily network may start on any day', () => {
    expect(
      loadNetworkFile({
        name: 'x.yaml',
        text: variant(['start: 2027-01-04', 'start: 2027-01-07'], ['period: week', 'period: day']),
      }).ok,
    ).toBe(true);
  });

  it('a date that does not exist', () => {
    expectIssue(
      issuesOf(variant(['start: 2027-01-04', 'start: 2027-02-30'])),
      'invalid-date',
      6,
      'not a day in the calendar',
    );
  });

  it('a maximum capacity below the capacity in some period', () => {
    expectIssue(
      issuesOf(variant(['maximumCapacity: 12 #', 'maximumCapacity: [12, 12, 9] #'])),
      'maximum-below-capacity',
      40,
      'period 2',
    );
  });

  it('a capacity group with an item the company does not make', () => {
    const group = '{ id: press, company: frame-a, capacity: 8, items: [{ item: machine, load: 1 }] }';
    expectIssue(
      issuesOf(variant(['capacityGroups: []\n', `capacityGroups:\n  - ${group}\n`])),
      'group-item-not-made',
      66,
    );
  });

  it('warns about a company in no chain and an item nobody makes or buys, and still loads', () => {
    const text = variant(
      [
        '  - id: steel\n',
        '  - id: lonely\n    name: Lonely B.V.\n    site: { country: BE, region: EU }\n  - id: steel\n',
      ],
      ['  - { id: steel-plate,', '  - { id: paint, name: Paint, unit: l }\n  - { id: steel-plate,'],
    );
    const result = loadNetworkFile({ name: 'x.yaml', text });
    expect(result.ok).toBe(true);
    const warnings = result.ok ? result.value.warnings : [];
    expect(warnings.map((issue) => [issue.code, issue.line, issue.severity])).toEqual([
      ['not-in-chain', 24, 'warning'],
      ['unused-item', 34, 'warning'],
    ]);
    expect(formatIssue(warnings[0]!)).toMatch(/^x\.yaml:24:9: warning: company 'lonely'/);
  });
});

describe('a file with many problems', () => {
  it('lists every one, in file order, and one bad record causes no cascade', () => {
    const text = variant(
      ['start: 2027-01-04', 'start: 2027-01-05'],
      [
        '  - id: frame-a\n    name: Frame Works GmbH\n',
        '  - id: frame-a\n    name: Frame Works GmbH\n    colour: red\n',
      ],
      ['capacity: 10 #', 'capacty: 10 #'],
      ['share: 0.3,', 'share: 0.2,'],
      [
        '{ supplier: steel, share: 1, leadTime: 5, mode: sea }',
        '{ supplier: steal, share: 1, leadTime: -5, mode: boat }',
      ],
      ['quantity: 2, due: 1', 'quantity: 2, due: 99'],
    );
    const issues = issuesOf(text);
    expect(issues.map((issue) => [issue.line, issue.code])).toEqual([
      [6, 'not-monday'],
      [20, 'unknown-field'],
      [36, 'missing-field'],
      [39, 'unknown-field'],
      [75, 'shares-sum'],
      [82, 'unknown-reference'],
      [82, 'lead-time'],
      [82, 'invalid-value'],
      [93, 'outside-horizon'],
    ]);
    expect(issues.every((issue) => issue.file === 'network.yaml' && issue.severity === 'error')).toBe(true);
  });
});

describe('JSON files', () => {
  const json = JSON.stringify(parse(minimal), null, 2);

  it('lists every syntax error with its line and column', () => {
    const text = json
      .replace('"name": "minimal-two-tier",', '"name": "minimal-two-tier",,')
      .replace('"horizon": 12,', '"horizon": 12,\n  // a comment\n');
    const issues = issuesOf(text, 'network.json');
    expect(issues.length).toBeGreaterThanOrEqual(2);
    expect(issues.every((issue) => issue.code === 'syntax')).toBe(true);
    expect(issues[0]).toMatchObject({ line: 3, column: 30 });
    expect(issues.some((issue) => issue.line === 7 && issue.message.includes('comments'))).toBe(true);
  });

  it('says plainly that a trailing comma is not allowed', () => {
    const issues = issuesOf(json.replace('"unit": "kg"\n', '"unit": "kg",\n'), 'network.json');
    expect(issues[0]?.message).toBe('a trailing comma before a closing bracket is not allowed in JSON');
  });

  it('an empty file', () => {
    expect(issuesOf('  \n', 'network.json').map(formatIssue)).toEqual([
      'network.json:1:1: the file is empty',
    ]);
  });

  it('places validation issues at the value, or at the field name for unknown fields', () => {
    const text = json
      .replace('"capacity": 8,', '"capacty": 8,')
      .replace('"country": "CN"', '"country": "China"');
    const issues = issuesOf(text, 'network.json');
    const lines = text.split('\n');
    for (const issue of issues) {
      const line = lines[(issue.line ?? 0) - 1] ?? '';
      const at = line.slice((issue.column ?? 1) - 1);
      if (issue.code === 'unknown-field') expect(at.startsWith('"capacty"')).toBe(true);
      else if (issue.code === 'invalid-value') expect(at.startsWith('"China"')).toBe(true);
    }
    expect(issues.map((issue) => issue.code).sort()).toEqual([
      'invalid-value',
      'missing-field',
      'unknown-field',
    ]);
  });

  it('a top level that is not an object', () => {
    expect(issuesOf('[1, 2]', 'network.json')[0]).toMatchObject({ code: 'wrong-type', line: 1, column: 1 });
  });
});
