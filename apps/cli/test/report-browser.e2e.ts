/**
 * The simulation report in a real browser (the "the HTML report opens in a browser and shows
 * the plots"): `keten simulate … --report --stress` on the demo, opened from disk in headless Chromium
 * (Debian's, driven by playwright-core) with every request outside the file refused. Each chart must
 * be drawn with its data: lines with length, bars with width. Needs /usr/bin/chromium (`apt-get install
 * chromium`; .ci/run installs it). Run with `npm run test:e2e`; not part of `npm test`. Skipped without
 * Chromium, except in CI, where it fails.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keten, temporaryFolder } from './support.ts';

/** What the test reads of a drawn chart (the DOM's types are not in the Node test build). */
interface DrawnSvg {
  getAttribute(name: string): string | null;
  getBoundingClientRect(): { width: number; height: number };
  querySelectorAll(selector: string): Iterable<{
    getTotalLength(): number;
    getBBox(): { width: number };
  }>;
}

const CHROMIUM = process.env.KETEN_CHROMIUM ?? '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
const folder = temporaryFolder();
let browser: Browser | undefined;

beforeAll(async () => {
  if (!available) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});
afterAll(async () => {
  await browser?.close();
  folder.remove();
});

describe.skipIf(!available && !process.env.CI)('the simulation report in Chromium', () => {
  it('opens without a single fetch and shows every plot with its data', async () => {
    expect(available, `${CHROMIUM} is needed for this test (apt-get install chromium)`).toBe(true);
    const report = join(folder.path, 'demo.html');
    const made = await keten(
      [
        'simulate',
        'examples/demo-network.yaml',
        '--scenario',
        'examples/demo-scenario.yaml',
        '--runs',
        '10',
        '--report',
        report,
        '--stress',
      ],
      { home: folder.path },
    );
    expect(made.status, made.stderr).toBe(0);

    const page = await browser!.newPage({ viewport: { width: 1200, height: 900 } });
    const url = pathToFileURL(report).href;
    const elsewhere: string[] = [];
    await page.route('**/*', (route) => {
      if (route.request().url() === url) return route.continue();
      elsewhere.push(route.request().url());
      return route.abort();
    });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.goto(url);

    expect(await page.title()).toBe('Simulation: demo-brakes-failure-lockdown on kempen-instruments-demo');
    const charts = await page.$$eval('svg.chart', (svgs) =>
      (svgs as unknown as DrawnSvg[]).map((svg) => {
        const box = svg.getBoundingClientRect();
        const lines = [...svg.querySelectorAll('path.line')].map((path) => path.getTotalLength());
        const bars = [...svg.querySelectorAll('rect.bar')].map((rect) => rect.getBBox().width);
        return { title: svg.getAttribute('aria-label'), width: box.width, height: box.height, lines, bars };
      }),
    );
    expect(charts.map((chart) => chart.title)).toEqual([
      'Tier 0 (sells to end customers)',
      'Tier 1',
      'Tier 2',
      'Tier 3',
      'Bullwhip ratio',
      'Inventory on hand',
      'Fill rate',
      'Backorders',
      'Cash low point (EUR)',
      'TTS and TTR (weeks), site down',
    ]);
    for (const chart of charts) {
      expect(chart.width, chart.title!).toBeGreaterThan(300);
      expect(chart.height, chart.title!).toBeGreaterThan(100);
      if (chart.lines.length > 0) {
        for (const length of chart.lines) expect(length, chart.title!).toBeGreaterThan(100);
      } else {
        expect(chart.bars.length, chart.title!).toBeGreaterThan(0);
        expect(Math.max(...chart.bars), chart.title!).toBeGreaterThan(5);
      }
    }
    // Orders against demand: two lines and end-customer demand per tier; the TTS chart one bar per company.
    expect(charts[0]!.lines).toHaveLength(3);
    expect(charts[9]!.bars.length).toBeGreaterThanOrEqual(20);
    expect(await page.locator('table tbody tr').count()).toBe(44);
    expect(elsewhere).toEqual([]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
