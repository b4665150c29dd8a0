/**
 * @module decisions/stress-model
 * The linear programs of the stress test, built from a network: time-to-recover (the loss while a
 * company is down for its time-to-recover) and time-to-survive (how long the network meets all end
 * demand without it), after Simchi-Levi, Schmidt, Wei, Zhang, Combs, Ge, Gusikhin, Sanders & Zhang
 * (2015), "From superstorms to factory fires: managing unpredictable supply chain disruptions",
 * Interfaces 45(5), 375–390, appendix (the TTR and TTS models); also Simchi-Levi, Schmidt & Wei
 * (2014), "From superstorms to factory fires", Harvard Business Review 92(1/2).
 *
 * Both programs share one matrix. Variables, all ≥ 0, over a window of `t` periods:
 *   t      the window (fixed at the TTR in the recovery LP, maximized in the survival LP)
 *   u_p    units started by production record p (company c makes item i)
 *   y_a    units shipped over sourcing lane a (supplier s → buyer b, item i)
 *   l_d    units of end demand d lost
 * Rows:
 *   capacity      u_p − cap_p·t ≤ 0                        per production record (cap: units/period)
 *   group         Σ_i load_i·u_(c,i) − cap_g·t ≤ 0          per capacity group (flexible capacity)
 *   balance (c,i) Σ_a∈out y_a + Σ_p∈c q_(p,i)·u_p + d·t − l_d − Σ_a∈in y_a − yield_p·u_(c,i) ≤ s_(c,i)
 *                 what leaves or is used ≤ what is on hand (stock and open orders) + what comes in
 *   lost          l_d − d·t ≤ 0                             (no more is lost than is demanded)
 * Recovery LP (TTR, paper's P^(n)): minimize Σ_d f_d·l_d with t = TTR.
 * Survival LP (TTS, paper's t^(n)): maximize t with every l_d = 0, t ≤ 1,000 horizons (reaching the
 * cap means the network survives indefinitely).
 * A company that is down makes nothing (u_p = 0, the paper's disruption); with `disruption: 'site'`
 * (the default) it also ships, receives and sells nothing, and its stock is out of reach.
 *
 * As in the paper, lead times are left out (the window is long against them) and suppliers may move
 * volume freely between the approved sources of an item (sourcing shares do not bind). Rates are
 * per-period averages over the horizon, so t may be fractional. See docs/stress-test.md.
 */
import { type Network, valueAt } from '../model/schema.ts';
import type { LpBound, LpChanges, LpModel } from './linear-program.ts';

/** What stops when a company is down. */
export type StressDisruption =
  /** The whole site: no production, no shipments in or out, no sales, its stock out of reach. */
  | 'site'
  /** Production only, as in Simchi-Levi et al. (2015): its stock still ships and sells. */
  | 'production';

export interface StressModelOptions {
  /** What stops when a company is down (default `site`). */
  readonly disruption?: StressDisruption;
  /**
   * The capacity a company works to during a disruption: `normal` (`capacity`, the default) or
   * `maximum` (`maximumCapacity` where given: overtime and extra shifts).
   */
  readonly capacity?: 'normal' | 'maximum';
  /** The window of the recovery LP as built (default 1 period); each solve may set its own. */
  readonly ttr?: number;
}

/** One end demand of the model, with the rate and loss per unit it was built with. */
export interface StressDemand {
  readonly company: string;
  readonly item: string;
  /** Units per period (`mean`, else the average of `quantities`). */
  readonly rate: number;
  /** Loss per unit not met (`lossPerUnit`, else `price`, else 1). */
  readonly lossPerUnit: number;
  /** The column of the units lost. */
  readonly column: number;
}

/** The two LPs of a network's stress test and what to change in them when a company is down. */
export interface StressProblem {
  /** Company ids in network order; a company's position is its node index. */
  readonly companies: readonly string[];
  readonly demands: readonly StressDemand[];
  /**
   * Minimize the loss with the window fixed: at `ttr` as built (the undisrupted network over that
   * window); `recoveryChanges` sets another window and takes a company down.
   */
  readonly recovery: LpModel;
  /** Maximize the window with nothing lost, up to `survivalLimit`; as built, the undisrupted network. */
  readonly survival: LpModel;
  /**
   * The longest window the survival LP considers: 1,000 horizons. A TTS there means the network
   * meets demand indefinitely (the cap keeps every LP bounded, so each has an optimal basis).
   */
  readonly survivalLimit: number;
  /** The column of the window t. */
  readonly windowColumn: number;
  /** Per company (node index): the columns fixed at 0 and the rows whose upper bound drops to 0. */
  readonly down: readonly { readonly columns: Int32Array; readonly rows: Int32Array }[];
  /** Things the caller should know about the figures (missing prices, say). */
  readonly warnings: readonly string[];
}

const WINDOW = 0;
/** The survival LP's window is capped at this many horizons (`StressProblem.survivalLimit`). */
const SURVIVAL_HORIZONS = 1000;

/**
 * Build the stress-test LPs of a validated network. Pure and deterministic: the same network gives
 * the same arrays.
 *
 * @example
 * const problem = buildStressProblem(network);
 * await solver.solve(problem.recovery, recoveryChanges(problem, problem.companies.indexOf('steel'), 4));
 */
export function buildStressProblem(network: Network, options: StressModelOptions = {}): StressProblem {
  return new StressModelBuilder(network, options).build();
}

/**
 * The changes for the recovery LP: the window fixed at `ttr` periods and, unless `company` is
 * undefined (the undisrupted network), that company down.
 */
export function recoveryChanges(problem: StressProblem, company: number | undefined, ttr: number): LpChanges {
  const window: LpBound = { index: problem.windowColumn, lower: ttr, upper: ttr };
  if (company === undefined) return { columns: [window] };
  const { columns, rows } = downBounds(problem, company);
  return { columns: [window, ...columns], rows };
}

/** The changes for the survival LP: `company` down (none for the undisrupted network). */
export function survivalChanges(problem: StressProblem, company: number | undefined): LpChanges {
  return company === undefined ? {} : downBounds(problem, company);
}

function downBounds(problem: StressProblem, company: number): { columns: LpBound[]; rows: LpBound[] } {
  const down = problem.down[company];
  if (down === undefined) throw new RangeError(`no company at node index ${company}`);
  const columns = Array.from(down.columns, (index) => ({ index, lower: 0, upper: 0 }));
  const rows = Array.from(down.rows, (index) => ({
    index,
    lower: problem.survival.rowLower[index]!,
    upper: 0,
  }));
  return { columns, rows };
}

/**
 * The survival LP with the window capped at `window` periods instead of `survivalLimit`: a rung of the
 * ladder that `stressTest` climbs on large networks. With a company down, the windows the network
 * survives form an interval [0, TTS] (halving a feasible window halves every flow and keeps every row
 * feasible, since stock is never negative), so this LP's optimum is min(TTS, `window`): below
 * `window` it is the TTS itself, at `window` it only says TTS ≥ `window`. The same model object is
 * returned for the same problem and window (a solver keeps it loaded by identity); it shares the
 * survival LP's matrix and row bounds.
 */
export function cappedSurvival(problem: StressProblem, window: number): LpModel {
  let models = capped.get(problem);
  if (models === undefined) {
    models = new Map();
    capped.set(problem, models);
  }
  let model = models.get(window);
  if (model === undefined) {
    const columnUpper = Float64Array.from(problem.survival.columnUpper);
    columnUpper[problem.windowColumn] = window;
    model = { ...problem.survival, columnUpper };
    models.set(window, model);
  }
  return model;
}

const capped = new WeakMap<StressProblem, Map<number, LpModel>>();

/**
 * Whether the undisrupted optimum `columns` of `model` (`recovery` or `survival`) stays feasible with
 * `company` down: it uses none of the company's columns and draws on none of its stock (the rows
 * whose stock the company's disruption takes away have activity ≤ 0). Then the company's LP has the
 * same optimum, since taking a company down only removes options, and need not be solved.
 */
export function undisruptedHolds(
  problem: StressProblem,
  model: LpModel,
  columns: Float64Array,
  company: number,
): boolean {
  const down = problem.down[company];
  if (down === undefined) throw new RangeError(`no company at node index ${company}`);
  for (const column of down.columns) if (Math.abs(columns[column]!) > HOLDS_TOLERANCE) return false;
  for (const row of down.rows) {
    let activity = 0;
    for (let at = model.rowStarts[row]!; at < model.rowStarts[row + 1]!; at++)
      activity += model.values[at]! * columns[model.columnIndices[at]!]!;
    if (activity > HOLDS_TOLERANCE) return false;
  }
  return true;
}

/**
 * Whether taking `company` down leaves the survival LP no window at all (its TTS is 0, exactly, with
 * no solve): one of the rows whose bound drops to 0 needs window · rate ≤ 0 with every other term
 * fixed at 0. With `disruption: 'site'` this is a company that sells to end customers: it sells
 * nothing while down and no unit may be lost in the survival LP, so the network cannot survive any
 * window (as a warm-started LP, that is thousands of simplex iterations to find 0).
 */
export function survivalForcedToZero(problem: StressProblem, company: number): boolean {
  const down = problem.down[company];
  if (down === undefined) throw new RangeError(`no company at node index ${company}`);
  const model = problem.survival;
  const fixed = new Set(down.columns);
  for (const row of down.rows) {
    let window = 0;
    let free = false;
    for (let at = model.rowStarts[row]!; at < model.rowStarts[row + 1]!; at++) {
      const column = model.columnIndices[at]!;
      if (column === problem.windowColumn) window = model.values[at]!;
      else if (!fixed.has(column) && !(model.columnLower[column] === 0 && model.columnUpper[column] === 0))
        free = true;
    }
    if (window > 0 && !free) return true;
  }
  return false;
}

/** Values this close to 0 count as 0 (HiGHS' primal feasibility tolerance is 1e-7). */
const HOLDS_TOLERANCE = 1e-7;

/** The average of a per-period quantity over the horizon (a shorter list repeats its last value). */
function averageRate(value: number | readonly number[], horizon: number): number {
  if (typeof value === 'number') return value;
  let sum = 0;
  for (let period = 0; period < horizon; period++) sum += valueAt(value as number[], period);
  return sum / horizon;
}

/** Row-wise sparse matrix under construction: entries of a row are summed per column. */
class RowsBuilder {
  readonly entries: Map<number, number>[] = [];
  readonly upper: number[] = [];
  readonly names: string[] = [];

  add(name: string, upper: number): number {
    this.entries.push(new Map());
    this.upper.push(upper);
    this.names.push(name);
    return this.entries.length - 1;
  }

  set(row: number, column: number, value: number): void {
    const entries = this.entries[row]!;
    entries.set(column, (entries.get(column) ?? 0) + value);
  }
}

class StressModelBuilder {
  private readonly columnNames: string[] = ['window'];
  private readonly rows = new RowsBuilder();
  /** Balance row per `company item` stock point. */
  private readonly balance = new Map<string, number>();
  private readonly downColumns = new Map<string, number[]>();
  private readonly downRows = new Map<string, number[]>();
  private readonly warnings: string[] = [];
  private readonly demands: StressDemand[] = [];
  private readonly siteDown: boolean;
  private readonly maximum: boolean;
  private readonly ttr: number;

  constructor(
    private readonly network: Network,
    options: StressModelOptions,
  ) {
    this.siteDown = (options.disruption ?? 'site') === 'site';
    this.maximum = options.capacity === 'maximum';
    this.ttr = options.ttr ?? 1;
    for (const company of network.companies) {
      this.downColumns.set(company.id, []);
      this.downRows.set(company.id, []);
    }
  }

  build(): StressProblem {
    const network = this.network;
    const horizon = network.horizon;
    // Stock on hand and open orders (goods in transit arrive at the buyer, work in progress at the
    // maker) set the balance rows' upper bounds.
    for (const record of network.inventory ?? []) this.balanceRow(record.company, record.item, record.onHand);
    for (const order of network.openOrders ?? []) this.balanceRow(order.company, order.item, order.quantity);

    const started = new Map<string, { column: number; yield: number }>();
    for (const production of network.production ?? []) {
      const column = this.column(`start ${production.company} ${production.item}`, production.company);
      const good = production.yield ?? 1;
      started.set(pair(production.company, production.item), { column, yield: good });
      const capacity = averageRate(
        (this.maximum ? production.maximumCapacity : undefined) ?? production.capacity,
        horizon,
      );
      const row = this.rows.add(`capacity ${production.company} ${production.item}`, 0);
      this.rows.set(row, column, 1);
      this.rows.set(row, WINDOW, -capacity);
      const made = this.balanceRow(production.company, production.item, 0);
      this.rows.set(made, column, -good);
      for (const line of production.bom ?? [])
        this.rows.set(this.balanceRow(production.company, line.item, 0), column, line.quantity);
    }

    for (const group of network.capacityGroups ?? []) {
      const capacity = averageRate(
        (this.maximum ? group.maximumCapacity : undefined) ?? group.capacity,
        horizon,
      );
      const row = this.rows.add(`group ${group.company} ${group.id}`, 0);
      this.rows.set(row, WINDOW, -capacity);
      for (const member of group.items) {
        const production = started.get(pair(group.company, member.item));
        if (production !== undefined) this.rows.set(row, production.column, member.load);
      }
    }

    for (const rule of network.sourcing ?? []) {
      const into = this.balanceRow(rule.buyer, rule.item, 0);
      for (const line of rule.suppliers) {
        const column = this.column(`ship ${line.supplier} ${rule.buyer} ${rule.item}`);
        if (this.siteDown) {
          this.downColumns.get(line.supplier)?.push(column);
          this.downColumns.get(rule.buyer)?.push(column);
        }
        this.rows.set(into, column, -1);
        this.rows.set(this.balanceRow(line.supplier, rule.item, 0), column, 1);
      }
    }

    let unpriced = 0;
    for (const demand of network.demand ?? []) {
      const rate =
        demand.mean ??
        (demand.quantities.length === 0
          ? 0
          : demand.quantities.reduce((sum, quantity) => sum + quantity, 0) / demand.quantities.length);
      const lossPerUnit = demand.lossPerUnit ?? demand.price ?? 1;
      if (demand.lossPerUnit === undefined && demand.price === undefined) unpriced++;
      const column = this.column(`lost ${demand.company} ${demand.item}`);
      const balance = this.balanceRow(demand.company, demand.item, 0);
      this.rows.set(balance, WINDOW, rate);
      this.rows.set(balance, column, -1);
      const row = this.rows.add(`lost ${demand.company} ${demand.item}`, 0);
      this.rows.set(row, column, 1);
      this.rows.set(row, WINDOW, -rate);
      this.demands.push({ company: demand.company, item: demand.item, rate, lossPerUnit, column });
    }
    if (unpriced > 0)
      this.warnings.push(
        `${unpriced} end demand${unpriced === 1 ? ' has' : 's have'} neither lossPerUnit nor price: ` +
          'a unit lost counts as a loss of 1',
      );
    return this.assemble();
  }

  private column(name: string, downWith?: string): number {
    this.columnNames.push(name);
    const index = this.columnNames.length - 1;
    if (downWith !== undefined) this.downColumns.get(downWith)?.push(index);
    return index;
  }

  /** The balance row of a stock point, created on first use; `stock` is added to its upper bound. */
  private balanceRow(company: string, item: string, stock: number): number {
    const key = pair(company, item);
    let row = this.balance.get(key);
    if (row === undefined) {
      row = this.rows.add(`balance ${company} ${item}`, 0);
      this.balance.set(key, row);
      if (this.siteDown) this.downRows.get(company)?.push(row);
    }
    this.rows.upper[row]! += stock;
    return row;
  }

  private assemble(): StressProblem {
    const columnCount = this.columnNames.length;
    const rowCount = this.rows.entries.length;
    let nonZeros = 0;
    for (const entries of this.rows.entries) nonZeros += entries.size;
    const rowStarts = new Int32Array(rowCount + 1);
    const columnIndices = new Int32Array(nonZeros);
    const values = new Float64Array(nonZeros);
    let at = 0;
    this.rows.entries.forEach((entries, row) => {
      for (const [column, value] of [...entries].sort((a, b) => a[0] - b[0])) {
        columnIndices[at] = column;
        values[at] = value;
        at++;
      }
      rowStarts[row + 1] = at;
    });
    const rowLower = new Float64Array(rowCount).fill(-Infinity);
    const rowUpper = Float64Array.from(this.rows.upper);
    const shared = { rowLower, rowUpper, rowStarts, columnIndices, values };
    const names = { columnNames: this.columnNames, rowNames: this.rows.names };

    const recoveryCost = new Float64Array(columnCount);
    for (const demand of this.demands) recoveryCost[demand.column] = demand.lossPerUnit;
    const recoveryLower = new Float64Array(columnCount);
    const recoveryUpper = new Float64Array(columnCount).fill(Infinity);
    recoveryLower[WINDOW] = this.ttr;
    recoveryUpper[WINDOW] = this.ttr;
    const recovery: LpModel = {
      sense: 'minimize',
      cost: recoveryCost,
      columnLower: recoveryLower,
      columnUpper: recoveryUpper,
      ...shared,
      ...names,
    };
    const survivalCost = new Float64Array(columnCount);
    survivalCost[WINDOW] = 1;
    const survivalLimit = SURVIVAL_HORIZONS * this.network.horizon;
    const survivalUpper = new Float64Array(columnCount).fill(Infinity);
    survivalUpper[WINDOW] = survivalLimit;
    for (const demand of this.demands) survivalUpper[demand.column] = 0;
    const survival: LpModel = {
      sense: 'maximize',
      cost: survivalCost,
      columnLower: new Float64Array(columnCount),
      columnUpper: survivalUpper,
      ...shared,
      ...names,
    };

    const companies = this.network.companies.map((company) => company.id);
    return {
      companies,
      demands: this.demands,
      recovery,
      survival,
      survivalLimit,
      windowColumn: WINDOW,
      down: companies.map((id) => ({
        columns: Int32Array.from(new Set(this.downColumns.get(id))),
        rows: Int32Array.from(this.downRows.get(id) ?? []),
      })),
      warnings: this.warnings,
    };
  }
}

function pair(company: string, item: string): string {
  return `${company}\u0000${item}`;
}
