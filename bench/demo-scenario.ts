/**
 * @module bench/demo-scenario
 * The scenario `bench:simulate` runs on the demo network: examples/demo-scenario.yaml when it is there,
 * else the same scenario built here (Kempen's demand drawn around the network's means, braking to 80 %
 * from week 13 and back from week 39, Kempen paying late, its main vacuum-chamber maker down for 6
 * weeks, a slow sea lane, Asia at half capacity for 8 weeks; order-up-to with exponential smoothing).
 * Overtime is on: Steinhof's 30 kV lens line is loaded to about 106 % of its normal capacity and would
 * otherwise build a backlog for ever. Always 104 weeks.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatIssue, loadScenario, type Network, type Scenario, validateScenario } from '@keten/core';

const FILE = fileURLToPath(new URL('../examples/demo-scenario.yaml', import.meta.url));
const PERIODS = 104;

/** The built-in copy, for a checkout without examples/demo-scenario.yaml. */
const BUILT_IN = {
  format: 'keten.scenario/v1',
  name: 'demo-brakes-failure-lockdown (bench copy)',
  periods: PERIODS,
  demand: [
    ['sem-120', 4.94, 1.46],
    ['tem-300', 1.17, 0.55],
  ].map(([item, mean, stdDev]) => ({
    company: 'kempen',
    item,
    pattern: { type: 'normal', mean, stdDev },
    // the OEM brakes to 80 % of the base demand (mean and spread) and recovers
    changes: [
      { from: 13, factor: 0.8 },
      { from: 39, factor: 1 },
    ],
  })),
  policy: {
    default: {
      type: 'order-up-to',
      forecast: { type: 'exponential-smoothing', alpha: 0.1 },
      safetyFactor: 1.65,
    },
    overtime: true,
  },
  events: [
    { type: 'payment-delay', company: 'kempen', from: 13, to: 39, extraDays: 45 },
    { type: 'supplier-failure', company: 'helmond-vacuum', from: 20, duration: 6 },
    { type: 'lane-delay', supplier: 'kunshan-hengtai', buyer: 'kempen', from: 45, to: 55, extraLeadTime: 4 },
    { type: 'region-capacity', region: 'ASIA', from: 52, to: 60, factor: 0.5 },
  ],
};

/** The demo scenario over 104 weeks, validated against `network`, and where it came from. */
export function demoScenario(network: Network): { scenario: Scenario; source: string } {
  if (existsSync(FILE)) {
    const loaded = loadScenario(readFileSync(FILE, 'utf8'), 'examples/demo-scenario.yaml', network);
    if (!loaded.ok) throw new Error(loaded.error.map(formatIssue).join('\n'));
    return {
      scenario: { ...loaded.value.scenario, periods: PERIODS },
      source: 'examples/demo-scenario.yaml',
    };
  }
  const { scenario, issues } = validateScenario(BUILT_IN, network);
  if (scenario === undefined) throw new Error(issues.map(formatIssue).join('\n'));
  return { scenario, source: 'bench/demo-scenario.ts' };
}
