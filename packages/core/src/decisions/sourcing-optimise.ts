/**
 * @module decisions/sourcing-optimise
 * The best split of one sourcing rule, searched instead of picked from a short list. Every split of
 * the rule's approved suppliers in steps of `step` (10 % by default) with one up to `maxSources`
 * sources is a candidate; a split that asks a supplier for more than its maximum capacity is left out
 * (it cannot be delivered; unless every split does); the rest are simulated under the sourcing
 * comparison's standard disruption set (`sourcing.ts`: the same scenarios, probabilities, costs and
 * seed). With many candidates, all are first screened with a fifth of the runs and only the promising
 * (the screening frontier, the cheapest and the current split) are simulated with all runs.
 *
 * The choice: the lowest expected cost (purchases + holding + late deliveries + lost revenue) among
 * the splits whose worst case keeps the minimum fill rate (as `compareSourcing` recommends; when none
 * does, among those with the best worst case, within 2 points), ties to the higher fill rate. The
 * frontier: the splits no other eligible split beats on both expected cost and expected fill rate
 * (the Pareto set, cost against fill); the choice is its cheapest end. Everything is explained in
 * words in `choice.explanation`; documented in `docs/sourcing.md`.
 *
 * @example
 * const result = optimiseSourcing(network, { buyer: 'oem', item: 'frame' });
 * if (result.ok) console.log(formatSourcingOptimisation(result.value));
 */
import { err, ok, type Result } from '../result.ts';
import { textTable } from '../text-table.ts';
import {
  comparisonHeader,
  prepareSourcing,
  SOURCING_DEFAULTS,
  type SourcingComparison,
  type SourcingFailure,
  type SourcingOptions,
  type SourcingSetup,
  type SourcingSplit,
  simulateSplit,
  sourcingNotes,
  splitOverloads,
} from './sourcing.ts';
import type { CandidateSplit } from './sourcing-scenarios.ts';

export const OPTIMISE_DEFAULTS = {
  /** Shares move in steps of 10 %. */
  step: 0.1,
  /** At most three sources at once (a buyer rarely qualifies and manages more for one item). */
  maxSources: 3,
  /** Up to this many candidates, every one is simulated with all runs; beyond it they are screened. */
  fullSearchLimit: 12,
  /** Besides the screening frontier, this many of the cheapest splits go on to the full simulation. */
  keepCheapest: 5,
} as const;

export interface OptimiseOptions extends SourcingOptions {
  /** Share step, from 0.05 to 0.5, one over a whole number (default 0.1). */
  readonly step?: number;
  /** Most sources in a split, at least 1 (default 3, and at most the approved suppliers). */
  readonly maxSources?: number;
}

export interface SourcingOptimisation extends Omit<SourcingComparison, 'splits' | 'recommendation'> {
  readonly step: number;
  readonly maxSources: number;
  readonly search: {
    /** Splits in the grid. */
    readonly candidates: number;
    /** Left out because a supplier would be asked for more than its maximum capacity. */
    readonly overCapacity: number;
    /** Screened with `screeningRuns` runs (0 when every candidate was simulated in full). */
    readonly screened: number;
    readonly screeningRuns: number;
    /** Simulated with all runs: the splits below. */
    readonly simulated: number;
  };
  /** The splits simulated with all runs, cheapest expected cost first. */
  readonly splits: readonly SourcingSplit[];
  /** Labels of the frontier (cost against expected fill rate), cheapest first. */
  readonly frontier: readonly string[];
  readonly choice: {
    readonly split: string;
    /** False when no split keeps the minimum fill rate in its worst case. */
    readonly acceptable: boolean;
    readonly explanation: string;
  };
}

/**
 * Searches the splits of `options.item` at `options.buyer` for the lowest expected cost (see the module
 * comment). Failures as `compareSourcing`'s, and `invalid-options` for a bad step or source count.
 */
export function optimiseSourcing(
  network: Parameters<typeof prepareSourcing>[0],
  options: OptimiseOptions,
): Result<SourcingOptimisation, SourcingFailure> {
  const prepared = prepareSourcing(network, options);
  if (!prepared.ok) return prepared;
  const setup = prepared.value;
  const step = options.step ?? OPTIMISE_DEFAULTS.step;
  const parts = Math.round(1 / step);
  if (!(step >= 0.05 && step <= 0.5) || Math.abs(parts * step - 1) > 1e-9)
    return err({
      reason: 'invalid-options',
      message: `the share step must be one over a whole number from 0.05 to 0.5 (0.1 is 10 %), got ${step}`,
    });
  const suppliers = setup.rule.suppliers.map((line) => line.supplier);
  const maxSources = Math.min(options.maxSources ?? OPTIMISE_DEFAULTS.maxSources, suppliers.length);
  if (!Number.isSafeInteger(maxSources) || maxSources < 1)
    return err({
      reason: 'invalid-options',
      message: `the most sources must be a whole number ≥ 1, got ${options.maxSources}`,
    });

  const grid = shareGrid(suppliers, parts, maxSources, setup);
  const deliverable = grid.filter((split) => splitOverloads(setup, split.shares).length === 0);
  const candidates = deliverable.length > 0 ? deliverable : grid;
  const full = candidates.length <= OPTIMISE_DEFAULTS.fullSearchLimit;
  const screeningRuns = full ? 0 : Math.max(5, Math.ceil(setup.runs / 5));
  // Progress counts simulated split × scenario pairs; the total grows once the finalists are known.
  const scenarios = setup.scenarios.length;
  let total = candidates.length * scenarios;
  let done = 0;
  const progress = () => options.onProgress?.(++done, total);

  let finalists = candidates;
  if (!full) {
    const screened = candidates.map((split) => simulateSplit(setup, split, screeningRuns, progress));
    const keep = new Set<string>();
    const pool = eligible(screened);
    for (const label of frontierOf(pool)) keep.add(label);
    for (const split of [...pool].sort(byCost).slice(0, OPTIMISE_DEFAULTS.keepCheapest))
      keep.add(split.label);
    for (const split of [...screened].sort(byCost).slice(0, OPTIMISE_DEFAULTS.keepCheapest))
      keep.add(split.label);
    for (const split of screened) if (split.current) keep.add(split.label);
    finalists = candidates.filter((split) => keep.has(split.label));
    total += finalists.length * scenarios;
  }
  const simulated = finalists.map((split) => simulateSplit(setup, split, setup.runs, progress)).sort(byCost);
  const pool = eligible(simulated);
  const frontier = frontierOf(pool);
  const chosen = pool.find((split) => split.label === frontier[0])!;
  const search = {
    candidates: grid.length,
    overCapacity: grid.length - deliverable.length,
    screened: full ? 0 : candidates.length,
    screeningRuns,
    simulated: simulated.length,
  };
  return ok({
    ...comparisonHeader(setup),
    step,
    maxSources,
    search,
    splits: simulated,
    frontier,
    choice: {
      split: chosen.label,
      acceptable: chosen.acceptable,
      explanation: explain(setup, chosen, simulated, pool, frontier, search, step, maxSources),
    },
    notes: [
      ...sourcingNotes(setup),
      ...(deliverable.length === 0
        ? ['Every split asks some supplier for more than its maximum capacity; none was left out for it.']
        : []),
    ],
  });
}

/**
 * Every split of `suppliers` in `parts` equal parts with 1 to `maxSources` sources (the compositions
 * of `parts` into the suppliers with at most `maxSources` non-zero parts), in a fixed order.
 */
export function shareGrid(
  suppliers: readonly string[],
  parts: number,
  maxSources: number,
  setup?: Pick<SourcingSetup, 'rule'>,
): CandidateSplit[] {
  const result: CandidateSplit[] = [];
  const current = setup?.rule.suppliers ?? [];
  const counts = new Array<number>(suppliers.length).fill(0);
  const visit = (index: number, left: number, used: number): void => {
    if (index === suppliers.length - 1) {
      if (left > 0 && used + 1 > maxSources) return;
      counts[index] = left;
      const shares = suppliers
        .map((supplier, at) => ({ supplier, share: counts[at]! / parts }))
        .filter((entry) => entry.share > 0);
      const isCurrent =
        current.length > 0 &&
        suppliers.every(
          (supplier, at) =>
            Math.abs((current.find((line) => line.supplier === supplier)?.share ?? 0) - counts[at]! / parts) <
            1e-9,
        );
      result.push({
        label: shares.map((entry) => `${entry.supplier} ${percent(entry.share)}`).join(' / '),
        name:
          shares.length === 1
            ? `single source from ${shares[0]!.supplier}`
            : `${shares.map((entry) => percent(entry.share)).join('/')} over ${shares.map((entry) => entry.supplier).join(', ')}`,
        kind: shares.length === 1 ? 'single' : isCurrent ? 'current' : 'main-second',
        shares,
        current: isCurrent,
      });
      return;
    }
    for (let count = left; count >= 0; count--) {
      const nextUsed = used + (count > 0 ? 1 : 0);
      if (nextUsed > maxSources) continue;
      counts[index] = count;
      visit(index + 1, left - count, nextUsed);
    }
  };
  visit(0, parts, 0);
  return result;
}

/** The splits a choice is made among: the acceptable ones, else those with the best worst case. */
function eligible(splits: readonly SourcingSplit[]): SourcingSplit[] {
  const acceptable = splits.filter((split) => split.acceptable);
  if (acceptable.length > 0) return acceptable;
  const best = Math.max(...splits.map((split) => split.worst.endFill ?? 0));
  return splits.filter((split) => (split.worst.endFill ?? 0) >= best - SOURCING_DEFAULTS.robustnessTolerance);
}

/**
 * The Pareto set of `splits` on expected cost (lower is better) and expected end-customer fill rate
 * (higher is better), cheapest first: a split is on it when no other is at most as costly and at least
 * as filling, and strictly better on one of the two. Ties in both keep the first in cost order.
 */
export function frontierOf(splits: readonly SourcingSplit[]): string[] {
  const sorted = [...splits].sort(byCost);
  const result: string[] = [];
  let bestFill = Number.NEGATIVE_INFINITY;
  for (const split of sorted) {
    const fill = split.expected.endFill ?? 0;
    if (fill > bestFill + 1e-12) {
      result.push(split.label);
      bestFill = fill;
    }
  }
  return result;
}

/** By expected cost; ties to the higher expected fill rate, then by label (a fixed order). */
function byCost(a: SourcingSplit, b: SourcingSplit): number {
  return (
    a.expected.total - b.expected.total ||
    (b.expected.endFill ?? 0) - (a.expected.endFill ?? 0) ||
    (a.label < b.label ? -1 : a.label > b.label ? 1 : 0)
  );
}

/** The choice in a buyer's words: what to buy where, why, what it beats and what more would buy. */
function explain(
  setup: SourcingSetup,
  chosen: SourcingSplit,
  simulated: readonly SourcingSplit[],
  pool: readonly SourcingSplit[],
  frontier: readonly string[],
  search: SourcingOptimisation['search'],
  step: number,
  maxSources: number,
): string {
  const money = (value: number) => `${MONEY.format(value)} ${setup.currency}`;
  const pct = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(1)} %`);
  const labelOf = (id: string) => setup.scenarios.find((scenario) => scenario.id === id)?.label ?? id;
  const span = `${setup.periods} ${setup.network.period === 'week' ? 'weeks' : 'days'}`;
  const order = chosen.shares.map((entry) => `${percent(entry.share)} % from ${entry.supplier}`).join(', ');
  const expected = chosen.expected;
  const shortage = expected.late + expected.lostRevenue;
  const parts = [
    `Buy ${order}${chosen.current ? ' (as now)' : ''}.`,
    `Of ${search.candidates} splits tried (steps of ${percent(step)} %, up to ${maxSources} source${maxSources === 1 ? '' : 's'}` +
      `${search.overCapacity > 0 ? `; ${search.overCapacity} left out because a supplier cannot make that much` : ''}` +
      `${search.screened > 0 ? `; ${search.screened} screened with ${search.screeningRuns} runs, ${search.simulated} simulated with ${setup.runs}` : ''}), ` +
      `this one has the lowest expected cost over ${span}: ${money(expected.total)} ` +
      `(purchases ${expected.purchases === null ? 'not priced' : money(expected.purchases)}, holding ${money(expected.holding)}, shortages ${money(shortage)})` +
      (chosen.acceptable
        ? `, among the splits that still serve at least ${pct(setup.minimumFill)} of end demand on time in their worst disruption (${pct(chosen.worst.endFill)} ${withLabel(labelOf(chosen.worst.scenario))}).`
        : `. No split keeps ${pct(setup.minimumFill)} of end demand on time in its worst disruption; this one comes closest among the cheap ones (${pct(chosen.worst.endFill)} ${withLabel(labelOf(chosen.worst.scenario))}); more stock, a faster or a bigger second source would be needed.`),
  ];
  const current = simulated.find((split) => split.current);
  if (current !== undefined && current !== chosen) {
    const saving = current.expected.total - chosen.expected.total;
    parts.push(
      saving >= 0
        ? `Against today's split (${current.label}) it saves ${money(saving)} in expectation${!current.acceptable && (current.worst.endFill ?? 0) < (chosen.worst.endFill ?? 0) - 1e-3 ? ` and protects better: today's split falls to ${pct(current.worst.endFill)} ${withLabel(labelOf(current.worst.scenario))}` : ''}.`
        : `It costs ${money(-saving)} more than today's split (${current.label}) in expectation, because today's split falls to ${pct(current.worst.endFill)} ${withLabel(labelOf(current.worst.scenario))}.`,
    );
  }
  const cheaper = simulated.filter(
    (split) => !pool.includes(split) && split.expected.total < chosen.expected.total,
  );
  const cheapest = cheaper[0];
  if (cheapest !== undefined)
    parts.push(
      `${capitalize(cheapest.name)} would cost ${money(chosen.expected.total - cheapest.expected.total)} less, but serves only ${pct(cheapest.worst.endFill)} ${withLabel(labelOf(cheapest.worst.scenario))}.`,
    );
  const next = pool.find((split) => split.label === frontier[1]);
  if (next !== undefined)
    parts.push(
      `Paying ${money(next.expected.total - chosen.expected.total)} more for ${next.label} would raise the expected on-time share of end demand from ${pct(expected.endFill)} to ${pct(next.expected.endFill)}.`,
    );
  else
    parts.push(
      'No other split serves more of end demand on time for any price: the choice is the whole frontier.',
    );
  if (chosen.shares.length === 1) {
    const split = simulated.find((entry) => entry.shares.length > 1 && pool.includes(entry));
    if (split !== undefined)
      parts.push(
        `A single source is best here: the cheapest split over several suppliers (${split.label}) costs ${money(split.expected.total - expected.total)} more than the protection it buys.`,
      );
  } else {
    const single = simulated.find((entry) => entry.shares.length === 1);
    if (single !== undefined && single !== cheapest) {
      const gap = single.expected.total - expected.total;
      parts.push(
        gap >= 0
          ? `Splitting pays: the best single source (${single.label}) costs ${money(gap)} more in expectation` +
              `${single.acceptable ? '' : ` and serves only ${pct(single.worst.endFill)} ${withLabel(labelOf(single.worst.scenario))}`}.`
          : `The best single source (${single.label}) would cost ${money(-gap)} less but serves only ${pct(single.worst.endFill)} ${withLabel(labelOf(single.worst.scenario))}.`,
      );
    }
  }
  return parts.join(' ');
}

function withLabel(label: string): string {
  return label === 'no disruption' ? 'without disruption' : `with ${label}`;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function percent(share: number): string {
  return String(Math.round(share * 1000) / 10);
}

const MONEY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/**
 * The search as text for a terminal: the splits simulated in full, cheapest first, the frontier
 * marked ●, the choice ◀, then the explanation and the frontier as cost against fill rate.
 *
 * @example console.log(formatSourcingOptimisation(result));
 */
export function formatSourcingOptimisation(result: SourcingOptimisation): string {
  const unit = result.period === 'week' ? 'weeks' : 'days';
  const money = (value: number | null) => (value === null ? 'n/a' : MONEY.format(value));
  const fill = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(1)} %`);
  const labelOf = (id: string) => result.scenarios.find((scenario) => scenario.id === id)?.label ?? id;
  const frontier = new Set(result.frontier);
  const lines = [
    `Best split of ${result.item} at ${result.buyer} in '${result.network}': ${result.search.candidates} splits in steps of ` +
      `${percent(result.step)} % with up to ${result.maxSources} sources, ${result.search.simulated} simulated with ` +
      `${result.runs} runs × ${result.scenarios.length} scenarios over ${result.periods} ${unit} (seed ${result.seed}); money in ${result.currency}.`,
    '',
  ];
  const rows = result.splits.map((split) => [
    `${split.label}${split.current ? ' (current)' : ''}`,
    `${frontier.has(split.label) ? '●' : ''}${split.label === result.choice.split ? ' ◀' : ''}`,
    money(split.expected.total),
    money(split.expected.purchases),
    money(split.expected.holding),
    money(split.expected.late + split.expected.lostRevenue),
    fill(split.expected.endFill),
    `${fill(split.worst.endFill)}${split.acceptable ? '  ' : ' ✗'}`,
    labelOf(split.worst.scenario),
  ]);
  lines.push(
    ...textTable(
      ['split', '', 'expected cost', 'purchases', 'holding', 'shortage', 'fill', 'worst fill', 'worst case'],
      rows,
      new Set([2, 3, 4, 5, 6, 7]),
    ),
  );
  lines.push(
    `●: on the frontier (no other eligible split is cheaper and fills more); ◀: the choice; ✗: the worst case fills less than ${fill(result.minimumFill)}. ` +
      'Shortage: late deliveries and lost revenue.',
    '',
    `Choice: ${result.choice.explanation}`,
    '',
    'Frontier, expected cost against expected fill rate:',
  );
  const byLabel = new Map(result.splits.map((split) => [split.label, split]));
  lines.push(
    ...textTable(
      ['split', 'expected cost', 'fill', 'extra cost', 'extra fill'],
      result.frontier.map((label, index) => {
        const split = byLabel.get(label)!;
        const first = byLabel.get(result.frontier[0]!)!;
        return [
          label,
          money(split.expected.total),
          fill(split.expected.endFill),
          index === 0 ? '' : `+${money(split.expected.total - first.expected.total)}`,
          index === 0
            ? ''
            : `+${(((split.expected.endFill ?? 0) - (first.expected.endFill ?? 0)) * 100).toFixed(2)} points`,
        ];
      }),
      new Set([1, 2, 3, 4]),
    ),
  );
  for (const note of result.notes) lines.push('', `Note: ${note}`);
  return `${lines.join('\n')}\n`;
}
