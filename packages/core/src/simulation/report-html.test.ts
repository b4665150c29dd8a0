import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { StressResult } from '../decisions/stress.ts';
import { loadNetworkFile } from '../model/load.ts';
import { loadScenario } from './load-scenario.ts';
import { formatSimulationSummary } from './report.ts';
import { simulationReportHtml } from './report-html.ts';
import { simulate } from './simulate.ts';

const loadedNetwork = loadNetworkFile({
  name: 'network-minimal.yaml',
  text: readFileSync('/work/shared/examples/network-minimal.yaml', 'utf8'),
});
if (!loadedNetwork.ok) throw new Error('the minimal network must load');
const network = loadedNetwork.value.network;
const loadedScenario = loadScenario(
  readFileSync('/work/shared/examples/scenario-oem-brakes.yaml', 'utf8'),
  'scenario-oem-brakes.yaml',
  network,
);
if (!loadedScenario.ok) throw new Error('the example scenario must load');
const scenario = loadedScenario.value.scenario;
const result = simulate(network, scenario, { runs: 20, seed: 7 });

const stress: StressResult = {
  network: network.name,
  period: 'week',
  currency: 'EUR',
  disruption: 'site',
  capacity: 'normal',
  baseline: { tts: Number.POSITIVE_INFINITY, losses: [{ ttr: 4, loss: 0 }] },
  companies: [
    {
      company: 'frame-a',
      name: 'A',
      tier: 1,
      ttr: 4,
      tts: 1.5,
      loss: 1000,
      rei: 1,
      rank: 1,
      flagged: true,
      lostDemand: [],
    },
    {
      company: 'steel',
      name: 'S',
      tier: 2,
      ttr: 4,
      tts: Number.POSITIVE_INFINITY,
      loss: 0,
      rei: 0,
      rank: 2,
      flagged: false,
      lostDemand: [],
    },
  ],
  model: { columns: 1, rows: 1, nonZeros: 1 },
  solves: 3,
  reused: 0,
  warnings: [],
};

describe('simulationReportHtml', () => {
  const html = simulationReportHtml(result, { network, scenario, stress });

  it('is one self-contained page: nothing is fetched', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/<script[^>]*\bsrc\s*=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/@import|url\(/i);
    expect(html).not.toMatch(/https?:\/\//i);
  });

  it('has the charts: orders against demand per tier, bullwhip, inventory, fill rate, backorders, cash, TTS/TTR', () => {
    const titles = [...html.matchAll(/<svg class="chart"[^>]*aria-label="([^"]*)"/g)].map(
      (match) => match[1],
    );
    expect(titles).toEqual([
      'Tier 0 (sells to end customers)',
      'Tier 1',
      'Tier 2',
      'Bullwhip ratio',
      'Inventory on hand',
      'Fill rate',
      'Backorders',
      'Cash low point (EUR)',
      'TTS and TTR (weeks), site down',
    ]);
    // Each tier's chart has its two lines over every period.
    const lines = [...html.matchAll(/<path class="line" data-series="orders placed" d="M([^"]*)"/g)];
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line[1]!.split('L')).toHaveLength(result.periods);
    // The scenario's events are shaded, with their description on hover.
    expect(html).toContain('<title>frame-a fails, periods 30–37</title>');
    // frame-a runs out before it recovers: its bar is red; steel never runs out.
    expect(html).toMatch(/fill="#d62728"[^>]*><title>frame-a: TTS 1\.5, TTR 4/);
    expect(html).toContain('>∞</text>');
  });

  it('embeds the result as JSON and is the same for the same result', () => {
    const embedded = /<script type="application\/json" id="simulation-result">(.*)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(embedded!)).toEqual(JSON.parse(JSON.stringify(result)));
    expect(simulationReportHtml(result, { network, scenario, stress })).toBe(html);
  });

  it('escapes names', () => {
    const page = simulationReportHtml({ ...result, scenario: '<b>"x" & y</b>' });
    expect(page).toContain('&lt;b&gt;&quot;x&quot; &amp; y&lt;/b&gt;');
    expect(page).not.toContain('<b>"x"');
  });
});

describe('formatSimulationSummary', () => {
  it('tells the network, the tiers, the weakest companies, bankruptcies and cash', () => {
    const text = formatSimulationSummary(result, { network });
    expect(text).toContain(
      "Simulation of 'oem-brakes-and-frame-a-fails' on 'minimal-two-tier': 20 runs of 52 periods (seed 7).",
    );
    for (const heading of [
      'Network (end customers):',
      '  fill rate       ',
      'By tier (0 sells to end customers):',
      'Weakest companies (lowest fill rate to their customers first',
      'Bankruptcies: none, in any run.',
      'Cash low points:',
    ]) {
      expect(text).toContain(heading);
    }
    expect(text).toMatch(/^ {2}tier {2}companies +fill rate +bullwhip/m);
  });
});
