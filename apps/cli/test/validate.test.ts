/**
 * `keten validate` end to end: the examples pass with a one-line summary; broken variants of
 * examples/network-minimal.yaml, made here by editing its text, each exit 1 naming the right
 * `file:line:column` and problem, with no stack trace; size limits and missing paths are plain errors.
 */
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  edit,
  expectCleanFailure,
  keten,
  lineOf,
  MINIMAL,
  positionOf,
  REPOSITORY,
  SHARED_MINIMAL_PATH,
  temporaryFolder,
} from './support.ts';

const folder = temporaryFolder();
const home = folder.path;
afterAll(() => folder.remove());

const MINIMAL_SUMMARY = '4 companies, 3 items, 3 tiers, 4 sourcing links';

/** Writes `text` as `name` in the test's folder and returns the path. */
function write(name: string, text: string): string {
  const path = join(home, name);
  writeFileSync(path, text);
  return path;
}

describe.concurrent('valid networks', () => {
  it.for<[string, string]>([
    ['examples/network-minimal.yaml', MINIMAL_SUMMARY],
    ['examples/network-minimal-csv', MINIMAL_SUMMARY],
    ['examples/demo-network.yaml', '44 companies, 35 items, 4 tiers, 133 sourcing links'],
  ])('%s exits 0 with a one-line summary', async ([path, summary], { expect }) => {
    const result = await keten(['validate', path], { home });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stdout).toContain(`${path}: valid keten.network/v1 network`);
    expect(result.stdout).toContain(summary);
  });

  it.skipIf(!existsSync(SHARED_MINIMAL_PATH))(
    '../shared/examples/network-minimal.yaml loads exactly as it is',
    async ({ expect }) => {
      const result = await keten(['validate', SHARED_MINIMAL_PATH], { home });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).toBe('');
      expect(result.stdout.trimEnd().split('\n')).toEqual([
        `${SHARED_MINIMAL_PATH}: valid keten.network/v1 network 'minimal-two-tier': ${MINIMAL_SUMMARY}`,
      ]);
    },
  );

  it('prints JSON with --json', async ({ expect }) => {
    const result = await keten(['validate', '--json', 'examples/network-minimal.yaml'], { home });
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      valid: true,
      name: 'minimal-two-tier',
      summary: { companies: 4, items: 3, tiers: 3, sourcingLinks: 4 },
      warnings: [],
    });
  });

  it('accepts zeros inside a per-period capacity list (shutdown weeks)', async ({ expect }) => {
    const path = write(
      'shutdown.yaml',
      edit(MINIMAL, '    capacity: 20\n', '    capacity: [20, 0, 0, 20]\n'),
    );
    const result = await keten(['validate', path], { home });
    expect(result.status, result.stderr).toBe(0);
  });
});

interface Variant {
  readonly name: string;
  readonly text: string;
  /** `line:column` the problem must name, found in the broken text. */
  readonly at: string;
  readonly message: RegExp;
}

const withSecondProduction = edit(
  MINIMAL,
  '  - company: steel\n    item: steel-plate\n',
  '  - company: frame-b\n    item: frame\n    leadTime: 1\n    capacity: 30\n' +
    '  - company: steel\n    item: steel-plate\n',
);
const withSecondSteel = edit(
  MINIMAL,
  '  - id: steel\n    name: Staal IJmond\n',
  '  - id: steel\n    name: Staal IJmond\n    site: { country: NL, region: EU }\n' +
    '  - id: steel\n    name: Second Steel\n',
);
const withCycle = edit(
  MINIMAL,
  '    co2PerUnit: 1.9\n',
  '    co2PerUnit: 1.9\n    bom: [{ item: machine, quantity: 1 }]\n',
);

/** Each one broken in one place; `text` is built first so positions are found in the broken file. */
const variants: Variant[] = [
  ((text) => ({
    name: 'a YAML syntax error',
    text,
    at: positionOf(text, '12: 3'),
    message: /nested mappings are not allowed/,
  }))(edit(MINIMAL, 'horizon: 12 #', 'horizon: 12: 3 #')),
  ((text) => ({
    name: 'an unknown field, with a did-you-mean',
    text,
    at: positionOf(text, 'leadTme'),
    message: /unknown field 'leadTme' \(did you mean 'leadTime'\?\)/,
  }))(edit(MINIMAL, '    leadTime: 2 #', '    leadTme: 2 #')),
  ((text) => ({
    name: 'a missing required field',
    text,
    at: positionOf(text, 'id: frame-a'),
    message: /missing required field 'name'/,
  }))(edit(MINIMAL, '    name: Frame Works GmbH\n', '')),
  ((text) => ({
    name: 'a wrong type',
    text,
    at: positionOf(text, 'eight'),
    message: /'capacity' must be a number or a list of numbers, not the text 'eight'/,
  }))(edit(MINIMAL, '    capacity: 8\n', '    capacity: eight\n')),
  {
    name: 'a duplicate company id',
    text: withSecondSteel,
    at: positionOf(withSecondSteel, '- id: steel', '- id: '.length, 2),
    message: new RegExp(
      `duplicate company id 'steel': the first is at line ${lineOf(withSecondSteel, '- id: steel')}`,
    ),
  },
  {
    name: 'a duplicate production record',
    text: withSecondProduction,
    at: positionOf(withSecondProduction, 'frame\n    leadTime: 1\n    capacity: 30'),
    message: new RegExp(
      "a second production record for company 'frame-b' and item 'frame'.*" +
        `the first is at line ${lineOf(withSecondProduction, '- company: frame-b')}`,
    ),
  },
  ((text) => ({
    name: 'a capacity list longer than the horizon',
    text,
    at: positionOf(text, '[1, 2, 3'),
    message: /'capacity' has 13 values but the horizon is 12 periods; remove the last 1/,
  }))(
    edit(
      MINIMAL,
      '    capacity: 5000\n',
      `    capacity: [${Array.from({ length: 13 }, (_, i) => i + 1).join(', ')}]\n`,
    ),
  ),
  ((text) => ({
    name: 'an unknown supplier',
    text,
    at: positionOf(text, 'frame-c'),
    message: /unknown supplier 'frame-c'/,
  }))(edit(MINIMAL, 'supplier: frame-b, share: 0.3', 'supplier: frame-c, share: 0.3')),
  {
    name: 'a cycle in the bills of materials, shown',
    text: withCycle,
    at: positionOf(withCycle, 'machine, quantity: 1 }]'),
    message: /bom cycle: machine → frame → steel-plate → machine/,
  },
  ((text) => ({
    name: 'supplier shares that do not sum to 1',
    text,
    at: positionOf(text, '- { supplier: frame-a'),
    message: /the supplier shares of buyer 'oem' for 'frame' sum to 0\.9; they must sum to 1/,
  }))(edit(MINIMAL, 'share: 0.3', 'share: 0.2')),
  ((text) => ({
    name: 'a negative capacity',
    text,
    at: positionOf(text, '-5'),
    message: /'capacity' is -5; a capacity cannot be negative/,
  }))(edit(MINIMAL, '    capacity: 20\n', '    capacity: -5\n')),
  ((text) => ({
    name: 'a single capacity of 0',
    text,
    at: positionOf(text, 'capacity: 0', 'capacity: '.length),
    message: /'capacity' is 0, so nothing can ever start here/,
  }))(edit(MINIMAL, '    capacity: 20\n', '    capacity: 0\n')),
  ((text) => ({
    name: 'a lead time that is not a whole number',
    text,
    at: positionOf(text, '1.5'),
    message: /'leadTime' must be a whole number of periods, 0 or more \(it is 1\.5\)/,
  }))(edit(MINIMAL, '    leadTime: 2 #', '    leadTime: 1.5 #')),
  ((text) => ({
    name: 'a weekly start that is not a Monday',
    text,
    at: positionOf(text, '2027-01-05'),
    message: /2027-01-05 is a Tuesday; use 2027-01-04/,
  }))(edit(MINIMAL, 'start: 2027-01-04', 'start: 2027-01-05')),
  ((text) => ({
    name: 'demand longer than the horizon',
    text,
    at: positionOf(text, '[0, 0, 0, 4'),
    message: /'quantities' has 13 values but the horizon is 12 periods/,
  }))(edit(MINIMAL, '8, 8, 8, 8, 8]', '8, 8, 8, 8, 8, 8]')),
];

describe.concurrent('broken variants of network-minimal.yaml', () => {
  it.for(variants.map((variant, index) => ({ ...variant, index })))(
    '$name: exit 1 at the right line and column',
    async ({ name, text, at, message, index }, { expect }) => {
      const path = write(`broken-${index}.yaml`, text);
      const result = await keten(['validate', path], { home });
      expectCleanFailure(result, 1);
      const problem = result.stderr.split('\n').find((line) => message.test(line));
      expect(problem, `${name}:\n${result.stderr}`).toBeDefined();
      expect(problem?.startsWith(`${path}:${at}: `), `${problem} should be at ${at}`).toBe(true);
      expect(result.stderr).toMatch(new RegExp(`keten: ${path}: \\d+ problems? found`));
      expect(result.stdout).toBe('');
    },
  );

  const several = edit(
    edit(
      edit(
        edit(MINIMAL, 'start: 2027-01-04', 'start: 2027-01-06'),
        '    capacity: 20\n',
        '    capacity: -1\n',
      ),
      'share: 0.3',
      'share: 0.4',
    ),
    '    yield: 0.98',
    '    yeld: 0.98',
  );
  const expected = [
    { at: positionOf(several, '2027-01-06'), code: 'not-monday' },
    { at: positionOf(several, 'yeld'), code: 'unknown-field' },
    { at: positionOf(several, '-1'), code: 'negative-capacity' },
    { at: positionOf(several, '- { supplier: frame-a'), code: 'shares-sum' },
  ];

  it('a file with several problems lists every one of them', async ({ expect }) => {
    const path = write('several.yaml', several);
    const result = await keten(['validate', path], { home });
    expectCleanFailure(result, 1);
    for (const { at } of expected) expect(result.stderr).toContain(`${path}:${at}: `);
    expect(result.stderr).toContain("did you mean 'yield'?");
    expect(result.stderr).toContain(`keten: ${path}: 4 problems found`);
  });

  it('--json lists every problem with its code and position', async ({ expect }) => {
    const path = write('several-json.yaml', several);
    const result = await keten(['validate', '--json', path], { home });
    expect(result.status).toBe(1);
    const report = JSON.parse(result.stdout) as {
      valid: boolean;
      errors: number;
      issues: { line: number; column: number; code: string; severity: string; text: string }[];
    };
    expect(report.valid).toBe(false);
    expect(report.errors).toBe(4);
    const found = report.issues
      .filter((issue) => issue.severity === 'error')
      .map((issue) => ({ at: `${issue.line}:${issue.column}`, code: issue.code }));
    expect(found).toEqual(expect.arrayContaining(expected));
    for (const issue of report.issues) expect(issue.text.startsWith(`${path}:`)).toBe(true);
  });

  it('a CSV folder names the file, row and column', async ({ expect }) => {
    const csv = join(home, 'broken-csv');
    cpSync(join(REPOSITORY, 'examples/network-minimal-csv'), csv, { recursive: true });
    const production = join(csv, 'production.csv');
    const text = readFileSync(production, 'utf8');
    writeFileSync(production, edit(text, '\nframe-b,frame,1,20,', '\nframe-b,frame,1,-3,'));
    const result = await keten(['validate', csv], { home });
    expectCleanFailure(result, 1);
    expect(result.stderr).toContain(
      `${production}:row ${lineOf(text, 'frame-b,frame')}, column 'capacity': 'capacity' is -3`,
    );
  });
});

describe.concurrent('files that cannot be read as a network', () => {
  it('a file over --max-bytes gets a clear error', async () => {
    const result = await keten(['validate', '--max-bytes', '1000', 'examples/network-minimal.yaml'], {
      home,
    });
    expectCleanFailure(result, 1);
    expect(result.stderr).toMatch(/network-minimal\.yaml: the file is 4\.\d KiB, over the limit of 1000 B/);
    expect(result.stderr).toContain('--max-bytes');
  });

  it('a missing path exits 3', async () => {
    const result = await keten(['validate', join(home, 'no-such-network.yaml')], { home });
    expectCleanFailure(result, 3);
    expect(result.stderr).toContain('no-such-network.yaml: no such file or folder');
  });
});

it('needs no store: validating creates nothing in KETEN_HOME', () => {
  expect(existsSync(join(home, 'store'))).toBe(false);
});
