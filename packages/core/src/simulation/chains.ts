/**
 * @module simulation/chains
 * Textbook supply chains as keten networks and scenarios: a serial chain (the setting of Chen,
 * Drezner, Ryan & Simchi-Levi 2000) and Sterman's beer game (1989). The validation tests run them
 * against the literature; benchmarks can run the same models in other tools.
 */
import type { Network } from '../model/schema.ts';
import { SCENARIO_FORMAT, type Scenario } from './scenario.ts';

/** Options of `serialChainNetwork`. */
export interface SerialChainOptions {
  /** Lane lead time of each stage from its supplier, retailer first; one entry per stage. */
  readonly leadTimes: readonly number[];
  /** Production lead time of the source that makes the item (default 1). */
  readonly sourceLeadTime?: number;
  /** Capacity of the source (default 1e12: unlimited). */
  readonly sourceCapacity?: number;
  readonly horizon?: number;
  /** Stock of every stage at the start (default 0). */
  readonly onHand?: number;
}

/**
 * A serial chain: `stage-0` (the retailer, with end demand) buys from `stage-1`, which buys from
 * `stage-2`, and so on; the last stage buys from `source`, which makes the item. One item, `unit`.
 * Tier k of the network is stage k; the source is tier `leadTimes.length`.
 */
export function serialChainNetwork(options: SerialChainOptions): Network {
  const stages = options.leadTimes.length;
  const id = (k: number) => (k === stages ? 'source' : `stage-${k}`);
  return {
    format: 'keten.network/v1',
    name: `serial-chain-${stages}`,
    period: 'week',
    start: '2027-01-04',
    horizon: options.horizon ?? 52,
    companies: Array.from({ length: stages + 1 }, (_, k) => ({
      id: id(k),
      name: k === stages ? 'Source' : `Stage ${k}`,
      site: { country: 'NL', region: 'EU' },
    })),
    items: [{ id: 'unit', name: 'Unit', unit: 'pcs' }],
    production: [
      {
        company: 'source',
        item: 'unit',
        leadTime: options.sourceLeadTime ?? 1,
        capacity: options.sourceCapacity ?? 1e12,
      },
    ],
    sourcing: options.leadTimes.map((leadTime, k) => ({
      buyer: id(k),
      item: 'unit',
      suppliers: [{ supplier: id(k + 1), share: 1, leadTime }],
    })),
    inventory: Array.from({ length: stages }, (_, k) => ({
      company: id(k),
      item: 'unit',
      onHand: options.onHand ?? 0,
    })),
    demand: [{ company: 'stage-0', item: 'unit', quantities: [0] }],
  };
}

/** The four roles of the beer game, downstream first. */
export const BEER_GAME_ROLES = ['retailer', 'wholesaler', 'distributor', 'factory'] as const;

/**
 * The beer game as Sterman (1989) ran it: four stages, a 2-week shipping delay on every lane and a
 * 2-week production delay at the factory, inventory 12 cases everywhere, 4 cases in each week of every
 * pipeline. The orders in the mail (2 weeks, also 4 a week) are the scenario's information delay.
 */
export function beerGameNetwork(): Network {
  const roles = BEER_GAME_ROLES;
  return {
    format: 'keten.network/v1',
    name: 'beer-game',
    description: 'The MIT beer distribution game (Sterman 1989).',
    period: 'week',
    start: '2027-01-04',
    horizon: 36,
    companies: roles.map((role) => ({ id: role, name: role, site: { country: 'US', region: 'NA' } })),
    items: [{ id: 'beer', name: 'Case of beer', unit: 'pcs' }],
    production: [{ company: 'factory', item: 'beer', leadTime: 2, capacity: 1e9 }],
    sourcing: roles.slice(0, 3).map((role, k) => ({
      buyer: role,
      item: 'beer',
      suppliers: [{ supplier: roles[k + 1]!, share: 1, leadTime: 2 }],
    })),
    inventory: roles.map((role) => ({ company: role, item: 'beer', onHand: 12 })),
    openOrders: roles.flatMap((role, k) =>
      [0, 1].map((due) =>
        k < 3
          ? {
              kind: 'purchase' as const,
              company: role,
              item: 'beer',
              supplier: roles[k + 1]!,
              quantity: 4,
              due,
            }
          : { kind: 'production' as const, company: role, item: 'beer', quantity: 4, due },
      ),
    ),
    demand: [{ company: 'retailer', item: 'beer', quantities: [4, 4, 4, 4, 8], price: 0 }],
  };
}

/**
 * The beer game's scenario: customer demand 4 cases a week, 8 from week 5 (period 4) on; 36 weeks;
 * 2 weeks of mail; holding 0.5 and backlog 1.0 per case and week; every role orders by Sterman's
 * anchoring-and-adjustment rule with his mean estimates (theta 0.36, alphaS 0.26, beta 0.34,
 * S' = 17: desired stock 17 with no desired supply line, as his S' folds both in).
 */
export function beerGameScenario(): Scenario {
  return {
    format: SCENARIO_FORMAT,
    name: 'beer-game-sterman-1989',
    periods: 36,
    initialState: 'network',
    demand: [
      {
        company: 'retailer',
        item: 'beer',
        pattern: { type: 'constant', value: 4 },
        changes: [{ from: 4, factor: 2 }],
      },
    ],
    policy: {
      default: {
        type: 'anchoring-adjustment',
        theta: 0.36,
        alphaS: 0.26,
        beta: 0.34,
        desiredStock: 17,
        desiredSupplyLine: 0,
      },
      informationDelay: 2,
    },
    costs: { holding: 0.5, backlog: 1 },
  };
}
