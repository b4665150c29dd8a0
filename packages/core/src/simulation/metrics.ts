/**
 * @module simulation/metrics
 * What one simulation run measures, as plain arrays, and how runs become means and 5/95 percentiles.
 * A run's result is a `Float64Array` of metric × entity (companies, then tiers, then the network) and
 * one of series (per tier and the network, per period), so runs computed in different workers travel
 * by structured clone and are aggregated in run-index order: the summary depends on the runs, never
 * on how they were split.
 */

/** The metrics of every company, tier and the network (definitions in `docs/simulation.md`). */
export const METRICS = [
  'fillRate',
  'backorders',
  'inventory',
  'bullwhip',
  'lostRevenue',
  'cashLowPoint',
  'bankruptcies',
  'timeToRecover',
  'cost',
] as const;
export type MetricName = (typeof METRICS)[number];

/** The per-period series of every tier and of the network. */
export const SERIES = ['demand', 'orders', 'inventory', 'backorders'] as const;
export type SeriesName = (typeof SERIES)[number];

/** One run's measurements. */
export interface RunResult {
  /** The run index (0-based); with the seed, it fixes the run's random numbers. */
  readonly run: number;
  /** `values[metric * entities + entity]`, entities = companies, then tiers, then the network; NaN = undefined. */
  readonly values: Float64Array;
  /** `series[(kind * (tiers + 1) + row) * periods + period]`, rows = tiers, then the network. */
  readonly series: Float64Array;
}

/** Sizes of a run's arrays. */
export interface RunLayout {
  readonly companyIds: readonly string[];
  readonly companyTier: Int32Array;
  readonly tiers: number;
  readonly periods: number;
}

/** Mean and 5th/95th percentiles over runs; null when no run defines the metric. */
export interface MetricSummary {
  readonly mean: number | null;
  readonly p5: number | null;
  readonly p95: number | null;
}

export type MetricSummaries = Record<MetricName, MetricSummary>;

/** The summary of a set of runs, as JSON-friendly data. */
export interface SimulationSummary {
  /** Run indexes aggregated, ascending. */
  readonly runs: number[];
  readonly network: MetricSummaries;
  readonly tiers: { readonly tier: number; readonly companies: number; readonly metrics: MetricSummaries }[];
  readonly companies: {
    readonly id: string;
    readonly tier: number | null;
    readonly metrics: MetricSummaries;
  }[];
  /** Mean over runs per period; `tier` null is the network (end demand, all orders, all stock, end backlog). */
  readonly series: ({ readonly tier: number | null } & Record<SeriesName, number[]>)[];
}

/** The number of entities of a layout: companies + tiers + the network. */
export function entityCount(layout: RunLayout): number {
  return layout.companyIds.length + layout.tiers + 1;
}

/**
 * Percentile by linear interpolation between closest ranks (Hyndman & Fan 1996, definition 7, the
 * default of R and NumPy) of an ascending list.
 */
export function percentile(sorted: ArrayLike<number>, fraction: number): number {
  const position = (sorted.length - 1) * fraction;
  const low = Math.floor(position);
  const high = Math.min(sorted.length - 1, low + 1);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

function summarize(values: Float64Array, count: number): MetricSummary {
  if (count === 0) return { mean: null, p5: null, p95: null };
  const sorted = values.subarray(0, count).sort();
  let sum = 0;
  for (let i = 0; i < count; i++) sum += sorted[i]!;
  return { mean: sum / count, p5: percentile(sorted, 0.05), p95: percentile(sorted, 0.95) };
}

/**
 * Aggregates runs into means and percentiles. Runs are taken in run-index order (duplicates are an
 * error of the caller and throw), so any split of the runs over workers gives the same summary.
 */
export function aggregateRuns(layout: RunLayout, results: readonly RunResult[]): SimulationSummary {
  const runs = [...results].sort((a, b) => a.run - b.run);
  for (let i = 1; i < runs.length; i++) {
    if (runs[i]!.run === runs[i - 1]!.run) throw new RangeError(`run ${runs[i]!.run} is given twice`);
  }
  const entities = entityCount(layout);
  const companies = layout.companyIds.length;
  // The runs' values a block of entities at a time, transposed so that each (metric, entity) reads
  // its values in run-index order from one contiguous row (and the block stays small).
  const count = runs.length;
  const block = Math.max(1, Math.min(entities, Math.floor(2 ** 20 / Math.max(1, count * METRICS.length))));
  const byColumn = new Float64Array(block * METRICS.length * count);
  const scratch = new Float64Array(count);
  const summaries: MetricSummaries[] = [];
  for (let first = 0; first < entities; first += block) {
    const last = Math.min(entities, first + block);
    for (let r = 0; r < count; r++) {
      const values = runs[r]!.values;
      for (let m = 0; m < METRICS.length; m++) {
        for (let entity = first; entity < last; entity++) {
          byColumn[((entity - first) * METRICS.length + m) * count + r] = values[m * entities + entity]!;
        }
      }
    }
    for (let entity = first; entity < last; entity++) {
      const summary = {} as Record<MetricName, MetricSummary>;
      METRICS.forEach((metric, m) => {
        const offset = ((entity - first) * METRICS.length + m) * count;
        let defined = 0;
        for (let r = 0; r < count; r++) {
          const value = byColumn[offset + r]!;
          if (!Number.isNaN(value)) scratch[defined++] = value;
        }
        summary[metric] = summarize(scratch, defined);
      });
      summaries.push(summary);
    }
  }
  const summaryOf = (entity: number): MetricSummaries => summaries[entity]!;
  const tierSizes = new Array<number>(layout.tiers).fill(0);
  for (const tier of layout.companyTier) if (tier >= 0) tierSizes[tier]!++;
  const rows = layout.tiers + 1;
  // Sums over runs in run-index order, every series at once.
  const totals = new Float64Array(SERIES.length * rows * layout.periods);
  for (const run of runs) {
    const series = run.series;
    for (let i = 0; i < totals.length; i++) totals[i]! += series[i]!;
  }
  const series = Array.from({ length: rows }, (_, row) => {
    const entry: Record<string, unknown> = { tier: row < layout.tiers ? row : null };
    SERIES.forEach((kind, k) => {
      const offset = (k * rows + row) * layout.periods;
      entry[kind] = Array.from(totals.subarray(offset, offset + layout.periods), (value) =>
        count > 0 ? value / count : 0,
      );
    });
    return entry as { readonly tier: number | null } & Record<SeriesName, number[]>;
  });
  return {
    runs: runs.map((run) => run.run),
    network: summaryOf(entities - 1),
    tiers: tierSizes.map((size, tier) => ({ tier, companies: size, metrics: summaryOf(companies + tier) })),
    companies: layout.companyIds.map((id, c) => ({
      id,
      tier: layout.companyTier[c]! >= 0 ? layout.companyTier[c]! : null,
      metrics: summaryOf(c),
    })),
    series,
  };
}
