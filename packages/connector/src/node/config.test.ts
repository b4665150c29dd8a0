/**
 * The node configuration loader (`keten.node/v1`): every problem names the field (at file:line:col),
 * says what is wrong with the value that is there, and what to do. Fuzzed with fast-check: a valid
 * file with one field changed to any value, removed, or joined by an unknown one, and arbitrary text,
 * never throws and never reports a field that is there as missing.
 */
import { formatIssue, type Issue } from '@keten/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNodeConfig, stallSettingsOf } from './config.ts';

const VALID = {
  format: 'keten.node/v1',
  company: 'kempen',
  name: 'Kempen Instruments',
  bpn: 'BPNL0000AB8FGKOG',
  listen: { host: '0.0.0.0', port: 8101 },
  publicUrl: 'https://oem.example.com',
  dataDir: './data',
  network: './kempen.yaml',
  authority: { self: { network: 'kempen-suppliers', admit: ['BPNL00009X2XNXY1'] } },
  partners: [
    {
      company: 'helmond-vacuum',
      url: 'https://keten.helmond-vacuum.nl',
      status: { share: true, forwardDepth: 2, expiresAt: '2027-12-31T23:59:59Z' },
    },
  ],
  agreements: { days: 365, renewBeforeDays: 30 },
  processes: { deadline: 30, deadlines: { AGREED: 120 }, checks: 4, maxWait: 600 },
};

/** Block YAML with JSON scalars (valid YAML), keys quoted, so any key or value round-trips. */
function stringify(value: unknown, indent = ''): string {
  const scalar = (inner: unknown) =>
    inner === null ||
    typeof inner !== 'object' ||
    (Array.isArray(inner) ? inner.length === 0 : Object.keys(inner).length === 0);
  if (scalar(value)) return `${indent}${JSON.stringify(value)}\n`;
  if (Array.isArray(value))
    return value
      .map((element) =>
        scalar(element)
          ? `${indent}- ${JSON.stringify(element)}\n`
          : `${indent}-\n${stringify(element, `${indent}  `)}`,
      )
      .join('');
  return Object.entries(value as Record<string, unknown>)
    .map(([key, inner]) =>
      scalar(inner)
        ? `${indent}${JSON.stringify(key)}: ${JSON.stringify(inner)}\n`
        : `${indent}${JSON.stringify(key)}:\n${stringify(inner, `${indent}  `)}`,
    )
    .join('');
}

function problems(text: string): Issue[] {
  const parsed = parseNodeConfig(text, '/tmp/keten-config/node.yaml');
  if (parsed.ok) throw new Error(`accepted: ${text}`);
  return parsed.error;
}

const MINIMAL = `format: keten.node/v1
company: kempen
listen: { port: 8101 }
dataDir: ./data
network: ./net.yaml
authority: { url: http://127.0.0.1:8100 }
`;

describe('the node configuration: what each problem says', () => {
  it('reads the whole example, with paths made absolute', () => {
    const parsed = parseNodeConfig(stringify(VALID), '/tmp/keten-config/node.yaml');
    if (!parsed.ok) throw new Error(parsed.error.map(formatIssue).join('\n'));
    expect(parsed.value.dataDir).toBe('/tmp/keten-config/data');
    expect(parsed.value.processes?.checks).toBe(4);
    const minimal = parseNodeConfig(MINIMAL, '/tmp/keten-config/node.yaml');
    expect(minimal.ok && minimal.value.publicUrl).toBe('http://127.0.0.1:8101');
  });

  const cases: { name: string; text: string; line: number; message: RegExp; code: string }[] = [
    {
      name: 'a port with a fraction (a failed whole-number check is not a missing field)',
      text: MINIMAL.replace('port: 8101', 'port: 8101.5'),
      line: 3,
      code: 'invalid-value',
      message: /^'listen\.port' must be a whole number \(it is 8101\.5\)$/,
    },
    {
      name: 'a port given as text',
      text: MINIMAL.replace('port: 8101', 'port: "8101"'),
      line: 3,
      code: 'wrong-type',
      message: /^'listen\.port' must be a number, not the text '8101'$/,
    },
    {
      name: 'a port out of range',
      text: MINIMAL.replace('port: 8101', 'port: 70000'),
      line: 3,
      code: 'invalid-value',
      message: /^'listen\.port' must be at most 65535 \(it is 70000\)$/,
    },
    {
      name: 'checks with a fraction',
      text: `${MINIMAL}processes: { checks: 2.5 }\n`,
      line: 7,
      code: 'invalid-value',
      message: /^'processes\.checks' must be a whole number \(it is 2\.5\)$/,
    },
    {
      name: 'agreement days with a fraction',
      text: `${MINIMAL}agreements: { days: 30.5 }\n`,
      line: 7,
      code: 'invalid-value',
      message: /^'agreements\.days' must be a whole number \(it is 30\.5\)$/,
    },
    {
      name: "a customer's forward depth with a fraction",
      text: `${MINIMAL}partners:\n  - { company: b, url: http://127.0.0.1:9000, status: { forwardDepth: 1.5 } }\n`,
      line: 8,
      code: 'invalid-value',
      message: /^'partners\[0\]\.status\.forwardDepth' must be a whole number \(it is 1\.5\)$/,
    },
    {
      name: 'a deadline of 0 seconds',
      text: `${MINIMAL}processes: { deadline: 0 }\n`,
      line: 7,
      code: 'invalid-value',
      message: /^'processes\.deadline' must be above 0 \(it is 0\)$/,
    },
    {
      name: 'a missing field, with what to put there',
      text: MINIMAL.replace('dataDir: ./data\n', ''),
      line: 1,
      code: 'missing-field',
      message:
        /^missing required field 'dataDir': add it \(the node key, membership and \(embedded\) database live here\)$/,
    },
    {
      name: 'a missing port',
      text: MINIMAL.replace('listen: { port: 8101 }', 'listen: { host: 0.0.0.0 }'),
      line: 3,
      code: 'missing-field',
      message: /^missing required field 'listen\.port': add it \(the TCP port to listen on, 0 to 65535\)$/,
    },
    {
      name: 'a misspelt field',
      text: MINIMAL.replace('dataDir', 'datadir'),
      line: 4,
      code: 'unknown-field',
      message: /^unknown field 'datadir' \(did you mean 'dataDir'\?\)$/,
    },
    {
      name: 'a URL without its scheme',
      text: MINIMAL.replace('http://127.0.0.1:8100', '127.0.0.1:8100'),
      line: 6,
      code: 'invalid-value',
      message: /'authority\.url' must be an http\(s\) URL such as http:\/\/127\.0\.0\.1:8101/,
    },
    {
      name: 'a BPNL of the wrong shape',
      text: `${MINIMAL}bpn: BPNS000000000001\n`,
      line: 7,
      code: 'invalid-value',
      message: /'bpn' must be a Catena-X legal-entity number: BPNL followed by 12 digits or capitals/,
    },
    {
      name: 'another format',
      text: MINIMAL.replace('keten.node/v1', 'keten.node/v2'),
      line: 1,
      code: 'invalid-value',
      message: /^'format' must be 'keten\.node\/v1', not the text 'keten\.node\/v2'$/,
    },
    {
      name: 'an unknown state in processes.deadlines',
      text: `${MINIMAL}processes: { deadlines: { WAITING: 5 } }\n`,
      line: 7,
      code: 'unknown-field',
      message: /^unknown field 'WAITING'; the fields here are REQUESTING, REQUESTED, /,
    },
  ];
  for (const entry of cases) {
    it(entry.name, () => {
      const found = problems(entry.text);
      // One finding; a misspelt required field is also missing, so two there.
      expect(found.map(formatIssue)).toHaveLength(entry.code === 'unknown-field' && entry.line === 4 ? 2 : 1);
      const issue = found.find((candidate) => candidate.code === entry.code);
      expect(issue).toMatchObject({
        file: '/tmp/keten-config/node.yaml',
        line: entry.line,
        code: entry.code,
      });
      expect(issue!.message).toMatch(entry.message);
    });
  }
});

/** Every field path of the example, objects and lists included. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (Array.isArray(value))
    return [prefix, ...value.flatMap((element, index) => pathsOf(element, [...prefix, index]))];
  if (value !== null && typeof value === 'object')
    return [
      ...(prefix.length > 0 ? [prefix] : []),
      ...Object.entries(value).flatMap(([key, inner]) => pathsOf(inner, [...prefix, key])),
    ];
  return [prefix];
}

function edited(path: (string | number)[], change: { remove: true } | { set: unknown }): unknown {
  const copy = structuredClone(VALID) as Record<string | number, unknown>;
  let parent = copy;
  for (const segment of path.slice(0, -1)) parent = parent[segment] as Record<string | number, unknown>;
  const last = path.at(-1)!;
  if ('remove' in change) {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else parent[last] = change.set;
  return copy;
}

const PATHS = pathsOf(VALID);
const anyValue = fc.oneof(
  fc.integer({ min: -100_000, max: 100_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.string({ maxLength: 30 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.integer(), { maxKeys: 3 }),
);

/** What every finding must be: placed in the file, coded, worded about a field. */
function expectUsable(issues: readonly Issue[], text: string): void {
  expect(issues.length).toBeGreaterThan(0);
  const lines = text.split('\n').length;
  for (const issue of issues) {
    expect(issue.file).toBe('/tmp/keten-config/node.yaml');
    expect(issue.line).toBeGreaterThanOrEqual(1);
    expect(issue.line).toBeLessThanOrEqual(lines + 1);
    expect(issue.code).toMatch(/^[a-z-]+$/);
    expect(issue.message.length).toBeGreaterThan(10);
    expect(issue.message).not.toMatch(/Invalid input|Expected|undefined|\[object/);
  }
}

describe('the node configuration: processes', () => {
  it('reads processes in seconds, with defaults', () => {
    const parsed = parseNodeConfig(
      `${MINIMAL}processes: { deadline: 10, deadlines: { AGREED: 60 } }\n`,
      'node.yaml',
    );
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    expect(stallSettingsOf(parsed.value.processes)).toEqual({
      deadlineMs: 10_000,
      deadlines: { AGREED: 60_000 },
      attempts: 4,
      maxDelayMs: 600_000,
    });
    const none = parseNodeConfig(MINIMAL, 'node.yaml');
    expect(none.ok && stallSettingsOf(none.value.processes)).toBeUndefined();
  });

  it('refuses an unknown state, or a count that is no whole number, at its place', () => {
    const parsed = parseNodeConfig(
      `${MINIMAL}processes: { deadlines: { WAITING: 5 }, checks: 2.5 }\n`,
      'node.yaml',
    );
    expect(parsed.ok).toBe(false);
    const messages = parsed.ok ? '' : JSON.stringify(parsed.error);
    expect(messages).toContain('WAITING');
    expect(messages).toContain('checks');
  });
});

describe('the node configuration, fuzzed', () => {
  it('a field set to any value: accepted, or refused at that field, never as a missing one', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), anyValue, fc.boolean(), (path, value, json) => {
        const document = edited(path, { set: value });
        const text = json ? JSON.stringify(document, null, 2) : stringify(document);
        const parsed = parseNodeConfig(text, '/tmp/keten-config/node.yaml');
        if (parsed.ok) return;
        expectUsable(parsed.error, text);
        // The changed field is there (null included), so nothing at it or under it is "missing"
        // unless the new value is an object or list that lacks required fields of its own.
        const atField = parsed.error.filter(
          (issue) =>
            JSON.stringify(issue.path) === JSON.stringify(path) &&
            issue.message.startsWith('missing required field'),
        );
        expect(atField).toEqual([]);
        // A finding at the field, under it, or at the group that holds it (a union of groups).
        const within = (inner: readonly (string | number)[], outer: readonly (string | number)[]) =>
          outer.every((segment, index) => inner[index] === segment);
        expect(parsed.error.some((issue) => within(issue.path, path) || within(path, issue.path))).toBe(true);
      }),
      { numRuns: 400 },
    );
  });

  it('a field removed: accepted (optional, with a default), or refused as missing with what to add', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PATHS), (path) => {
        const text = stringify(edited(path, { remove: true }));
        const parsed = parseNodeConfig(text, '/tmp/keten-config/node.yaml');
        if (parsed.ok) return;
        expectUsable(parsed.error, text);
        for (const issue of parsed.error.filter((candidate) => candidate.code === 'missing-field'))
          expect(issue.message).toMatch(/^missing required field '.+': add it|^'.+' needs /);
      }),
      { numRuns: PATHS.length * 3 },
    );
  });

  it('an unknown field anywhere in an object: refused by name', () => {
    const objects = PATHS.filter((path) => {
      let value: unknown = VALID;
      for (const segment of path) value = (value as Record<string | number, unknown>)[segment];
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    });
    fc.assert(
      fc.property(
        fc.constantFrom([] as (string | number)[], ...objects),
        fc.stringMatching(/^[a-z][a-zA-Z]{2,12}$/),
        (path, key) => {
          const document = structuredClone(VALID) as Record<string | number, unknown>;
          let target = document;
          for (const segment of path) target = target[segment] as Record<string | number, unknown>;
          if (key in target || (path.at(-1) === 'deadlines' && /^[A-Z]+$/.test(key))) return;
          target[key] = 1;
          const text = stringify(document);
          const found = problems(text);
          expectUsable(found, text);
          expect(
            found.some((issue) => issue.code === 'unknown-field' && issue.message.includes(`'${key}'`)),
          ).toBe(true);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('any text: never throws, and says where', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          fc.json({ maxDepth: 3 }),
          anyValue.map((value) => stringify(value)),
        ),
        (text) => {
          const parsed = parseNodeConfig(text, '/tmp/keten-config/node.yaml');
          expect(parsed.ok).toBe(false);
          if (!parsed.ok) expectUsable(parsed.error, text);
        },
      ),
      { numRuns: 400 },
    );
  });
});
