import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { exceedsBytes, jsonDepthExcess, yamlDepthGuessExcess } from './input-limits.ts';
import type { Issue } from './issues.ts';
import { loadNetworkFile } from './load.ts';

const minimal = readFileSync(
  fileURLToPath(new URL('../../../../examples/network-minimal.yaml', import.meta.url)),
  'utf8',
);

function failure(name: string, text: string, maxBytes?: number): Issue[] {
  const started = Date.now();
  const result = loadNetworkFile({ name, text }, maxBytes === undefined ? {} : { maxBytes });
  expect(Date.now() - started, 'answers quickly').toBeLessThan(5000);
  expect(result.ok).toBe(false);
  return result.ok ? [] : result.error;
}

describe('guards against hostile or broken input', () => {
  it('refuses a file over the size limit before parsing it', () => {
    const [issue] = failure('network.yaml', minimal, 1024);
    expect(issue).toMatchObject({ code: 'too-large', file: 'network.yaml' });
    expect(issue?.message).toContain('1 KiB');
    expect(loadNetworkFile({ name: 'network.yaml', text: minimal }, { maxBytes: 64 * 1024 }).ok).toBe(true);
  });

  it('counts bytes, not characters, against the limit', () => {
    expect(exceedsBytes('é'.repeat(10), 19)).toBe(true);
    expect(exceedsBytes('é'.repeat(10), 20)).toBe(false);
    expect(exceedsBytes('😀', 3)).toBe(true);
    expect(exceedsBytes('😀', 4)).toBe(false);
  });

  it('refuses 100,000 nested JSON brackets (which crash JSON.parse and yaml) with too-deep', () => {
    const deep = `{"companies": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const [issue] = failure('network.json', deep);
    expect(issue).toMatchObject({ code: 'too-deep', line: 1, column: 78 });
  });

  it('does not count brackets inside JSON strings', () => {
    expect(jsonDepthExcess(`["${'['.repeat(100)}", "\\"${'{'.repeat(100)}"]`)).toBeUndefined();
    expect(jsonDepthExcess('['.repeat(65))).toEqual({ offset: 64, depth: 65 });
  });

  it('refuses deeply nested YAML: flow brackets, compact block lists and indentation', () => {
    expect(failure('a.yaml', `companies: ${'['.repeat(100_000)}${']'.repeat(100_000)}`)[0]?.code).toBe(
      'too-deep',
    );
    expect(failure('b.yaml', `companies:\n${'- '.repeat(100_000)}x\n`)[0]).toMatchObject({
      code: 'too-deep',
      line: 2,
    });
    const indented = Array.from({ length: 2000 }, (_, depth) => `${' '.repeat(depth)}a${depth}:`).join('\n');
    expect(failure('c.yaml', `${indented} 1\n`)[0]?.code).toBe('too-deep');
  });

  it('measures YAML depth exactly after the cheap guess lets it through', () => {
    const text = `companies: ${'['.repeat(70)}${']'.repeat(70)}\n`;
    expect(yamlDepthGuessExcess(text, 256)).toBeUndefined();
    expect(failure('d.yaml', text)[0]).toMatchObject({ code: 'too-deep', line: 1 });
  });

  it('stops a billion-laughs alias bomb quickly', () => {
    let bomb = 'a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n';
    for (let level = 1; level <= 12; level++) {
      bomb += `a${level}: &a${level} [${Array(10)
        .fill(`*a${level - 1}`)
        .join(', ')}]\n`;
    }
    expect(failure('bomb.yaml', bomb)[0]?.code).toBe('alias-bomb');
  });

  it('allows plain anchors used many times, e.g. one site for many companies', () => {
    const text = minimal
      .replace(
        '    site: { country: NL, region: EU, location: [51.44, 5.47] }',
        '    site: &eu { country: NL, region: EU }',
      )
      .replace('    site: { country: NL, region: EU }', '    site: *eu');
    const result = loadNetworkFile({ name: 'anchors.yaml', text });
    expect(result.ok).toBe(true);
  });
});

describe('YAML aliases', () => {
  it('give each place its own copy', () => {
    const text = minimal
      .replace(
        '    site: { country: NL, region: EU, location: [51.44, 5.47] }',
        '    site: &eu { country: NL, region: EU }',
      )
      .replace('    site: { country: NL, region: EU }', '    site: *eu');
    const result = loadNetworkFile({ name: 'anchors.yaml', text });
    if (!result.ok) throw new Error('does not load');
    const [oem, , , steel] = result.value.network.companies;
    expect(steel?.site).toEqual(oem?.site);
    expect(steel?.site).not.toBe(oem?.site);
  });
});
