/**
 * @module decisions/stress
 * The stress test of a network: for every company, the time-to-survive (TTS: how long the network
 * meets all end demand with the company down), the loss while it is down for its time-to-recover
 * (TTR), the risk exposure index (REI: that loss against the worst company's, so the worst is 1), a
 * rank, and a flag where TTS < TTR. Simchi-Levi et al. (2015), Interfaces 45(5); the LPs are built in
 * `stress-model.ts` and solved through the `LpSolver` port, one LP per company and measure.
 *
 * @example
 * const result = await stressTest(network, { ttr: 4, solver: createHighsSolver() });
 * if (result.ok) console.log(formatStressSummary(result.value));
 */
import type { Network } from '../model/schema.ts';
import { computeTiers } from '../model/tiers.ts';
import { err, ok, type Result } from '../result.ts';
import type { LpError, LpLimits, LpSolver } from './linear-program.ts';
import {
  buildStressProblem,
  cappedSurvival,
  recoveryChanges,
  type StressDisruption,
  type StressModelOptions,
  type StressProblem,
  survivalChanges,
  survivalForcedToZero,
  undisruptedHolds,
} from './stress-model.ts';

export interface StressOptions extends StressModelOptions {
  /** Time to recover in periods, for every company without a `ttr` of its own. */
  readonly ttr: number;
  readonly solver: LpSolver;
  /** Solves in flight at once (default 1); more only helps a solver that works off this thread. */
  readonly concurrency?: number;
  /**
   * Rungs of the survival ladder: survival LPs with the window capped below the undisrupted network's
   * TTS, which each company's survival LP climbs before the full one (see `cappedSurvival`). The
   * answers are the same with any number; it only changes how long they take. Default: 6 for LPs of
   * 10,000 columns or more, else 0.
   */
  readonly survivalRungs?: number;
  /**
   * Called as company LPs are answered (solved or not), with how many of `total` (2 per company:
   * survival, then recovery) are done; for a progress bar.
   */
  readonly onProgress?: (done: number, total: number) => void;
}

/** LPs of at least this many columns climb a ladder of 6 rungs by default (`survivalRungs`). */
const LADDER_COLUMNS = 10_000;
const DEFAULT_RUNGS = 6;
/**
 * With a ladder, each company's whole survival LP is first tried with this many simplex iterations:
 * on the generated 6,000-company network a company either leaves the TTS where it was (done in 1–13
 * iterations) or takes it far down (thousands, cheaper up the ladder), so a short first try settles
 * the first kind without climbing a rung (docs/stress-test.md, "Performance").
 */
const FIRST_TRY_ITERATIONS = 60;
/** A TTS this much (relative) above the TTR answers the recovery LP without a solve. */
const SURVIVES_MARGIN = 1e-6;

/** End demand lost while a company is down for its TTR. */
export interface StressLostDemand {
  readonly company: string;
  readonly item: string;
  /** Units lost over the window beyond what is lost without the disruption. */
  readonly units: number;
}

/** The stress-test figures of one company. */
export interface CompanyStress {
  readonly company: string;
  readonly name: string;
  /** Tier (0 = has end demand); absent for a company in no chain. */
  readonly tier?: number;
  /** Time to recover in periods: the company's `ttr`, else the option's. */
  readonly ttr: number;
  /** Time to survive in periods; `Infinity` when the network meets demand indefinitely without it. */
  readonly tts: number;
  /**
   * Performance impact: the loss (in `currency`) while the company is down for `ttr` periods, beyond
   * the loss of the undisrupted network over the same window.
   */
  readonly loss: number;
  /** Risk exposure index: `loss` divided by the largest loss of any company (0 when none loses). */
  readonly rei: number;
  /** 1 for the weakest spot: by loss, then shorter TTS, then id. */
  readonly rank: number;
  /** TTS < TTR: the network runs out before the company is back. */
  readonly flagged: boolean;
  /** End demand lost while it is down, largest loss first. */
  readonly lostDemand: readonly StressLostDemand[];
}

export interface StressResult {
  readonly network: string;
  readonly period: Network['period'];
  readonly currency: string;
  readonly disruption: StressDisruption;
  readonly capacity: 'normal' | 'maximum';
  /** The undisrupted network: its TTS (Infinity when it keeps up with demand) and losses per TTR. */
  readonly baseline: { readonly tts: number; readonly losses: readonly { ttr: number; loss: number }[] };
  /** Companies by rank. */
  readonly companies: readonly CompanyStress[];
  /** Size of each LP, and the number of LPs solved. */
  readonly model: { readonly columns: number; readonly rows: number; readonly nonZeros: number };
  /** LPs solved. */
  readonly solves: number;
  /**
   * Company LPs answered without a solve: by the undisrupted network's optimum, which does not use
   * the company (its columns are 0 and it draws on none of its stock), so the company's LP has the
   * same optimum; for a survival LP, because the company's disruption leaves no window at all
   * (`survivalForcedToZero`: with `site`, a company that sells to end customers has TTS 0); for a
   * recovery LP, because the company's TTS is at least its TTR (then nothing is lost over the TTR).
   */
  readonly reused: number;
  readonly warnings: readonly string[];
}

export type StressErrorReason = 'invalid-options' | 'solver-failed';

export interface StressError {
  readonly reason: StressErrorReason;
  readonly message: string;
}

/** Losses are reported to the cent, times to a millionth of a period (solver round-off stays out). */
const roundMoney = (value: number) => Math.round(value * 100) / 100;
const roundPeriods = (value: number) => Math.round(value * 1e6) / 1e6;
const roundUnits = (value: number) => Math.round(value * 1e6) / 1e6;

/**
 * Stress-test every company of a validated network: 2 LPs per company plus the undisrupted network's
 * (one survival LP and one recovery LP per distinct TTR). Failures of the solver and bad options are
 * values; an infeasible recovery or survival LP cannot happen (doing nothing is always feasible) and
 * is reported as `solver-failed`.
 */
export async function stressTest(
  network: Network,
  options: StressOptions,
): Promise<Result<StressResult, StressError>> {
  const invalid = checkOptions(network, options);
  if (invalid !== undefined) return err({ reason: 'invalid-options', message: invalid });
  const problem = buildStressProblem(network, options);
  const ttrs = network.companies.map((company) => company.ttr ?? options.ttr);
  const distinctTtrs = [...new Set(ttrs)].sort((a, b) => a - b);

  const concurrency = options.concurrency ?? 1;
  let solves = 0;
  const solve = (task: StressTask, limits?: LpLimits) => {
    solves++;
    return solveStressTask(problem, task, options.solver, limits);
  };

  // The undisrupted network first: its optima answer for every company they do not use.
  const baselineTasks: StressTask[] = [
    ...distinctTtrs.map((ttr): StressTask => ({ kind: 'recovery', company: undefined, ttr })),
    { kind: 'survival', company: undefined },
  ];
  const baselines = await collect(await runAll(baselineTasks, concurrency, (task) => solve(task)));
  if (!baselines.ok) return baselines;
  const baselineLosses = new Map<number, TaskAnswer>();
  for (const [index, ttr] of distinctTtrs.entries()) baselineLosses.set(ttr, baselines.value[index]!);
  const baselineSurvival = baselines.value[distinctTtrs.length]!;

  // The ladder's rungs, each solved undisrupted (its optimum, like the full LP's, answers for the
  // companies it does not use: their TTS reaches at least that rung's window).
  const rungCount =
    options.survivalRungs ?? (problem.survival.cost.length >= LADDER_COLUMNS ? DEFAULT_RUNGS : 0);
  const windows = Number.isFinite(baselineSurvival.value)
    ? survivalWindows(baselineSurvival.value, rungCount)
    : [];
  const rungAnswers = await collect(
    await runAll(windows, concurrency, (window) => solve({ kind: 'survival', company: undefined, window })),
  );
  if (!rungAnswers.ok) return rungAnswers;
  const rungs = windows.map((window, index) => ({ window, answer: rungAnswers.value[index]! }));

  // Survival LPs first, then recovery LPs (an adapter that keeps a model loaded switches once): a
  // company the network survives for its TTR loses nothing over it, so its recovery LP is not solved.
  let reused = 0;
  let done = 0;
  const total = 2 * ttrs.length;
  const answered = <T>(answer: T): T => {
    done++;
    options.onProgress?.(done, total);
    return answer;
  };
  const surviving = await collect(
    await runAll(ttrs, concurrency, async (_, company) => answered(await surviveWithout(company))),
  );
  async function surviveWithout(company: number): Promise<Result<TaskAnswer, StressError>> {
    const task: StressTask = { kind: 'survival', company };
    if (
      baselineSurvival.columns !== undefined &&
      undisruptedHolds(problem, problem.survival, baselineSurvival.columns, company)
    ) {
      reused++;
      return ok(baselineSurvival);
    }
    if (survivalForcedToZero(problem, company)) {
      reused++;
      return ok({ value: 0, lost: new Float64Array(problem.demands.length) });
    }
    if (rungs.length > 0) {
      const first = await solve(task, { iterations: FIRST_TRY_ITERATIONS });
      if (!first.ok || first.value.gaveUp !== true) return first;
    }
    for (const { window, answer } of rungs) {
      // A rung whose undisrupted optimum does not use the company is reached without a solve.
      const rung = cappedSurvival(problem, window);
      if (answer.columns !== undefined && undisruptedHolds(problem, rung, answer.columns, company)) continue;
      const climbed = await solve({ kind: 'survival', company, window });
      if (!climbed.ok || climbed.value.reachedWindow !== true) return climbed;
    }
    return solve(task);
  }
  if (!surviving.ok) return surviving;
  const survivals = surviving.value;
  const recovering = await collect(
    await runAll(ttrs, concurrency, async (ttr, company) => answered(await recoverWithout(ttr, company))),
  );
  async function recoverWithout(ttr: number, company: number): Promise<Result<TaskAnswer, StressError>> {
    const baseline = baselineLosses.get(ttr)!;
    // TTS ≥ TTR: the survival LP's optimum, scaled down to a window of TTR, meets all demand (see
    // `cappedSurvival`: the windows survived form an interval), so the recovery LP's optimum is 0,
    // as is the undisrupted network's (its TTS is at least the company's). A TTS within round-off
    // of the TTR is solved.
    if (survivals[company]!.value >= ttr * (1 + SURVIVES_MARGIN)) {
      reused++;
      return ok(baseline);
    }
    if (
      baseline.columns !== undefined &&
      undisruptedHolds(problem, problem.recovery, baseline.columns, company)
    ) {
      reused++;
      return ok(baseline);
    }
    return solve({ kind: 'recovery', company, ttr });
  }
  if (!recovering.ok) return recovering;
  const recoveries = recovering.value;
  const baselineTts = baselineSurvival.value;

  const tiers = computeTiers(network);
  const unranked = network.companies.map((company, index) => {
    const ttr = ttrs[index]!;
    const baseline = baselineLosses.get(ttr)!;
    const recovery = recoveries[index]!;
    const lostDemand: StressLostDemand[] = [];
    problem.demands.forEach((demand, position) => {
      const units = roundUnits(recovery.lost[position]! - baseline.lost[position]!);
      if (units > 0) lostDemand.push({ company: demand.company, item: demand.item, units });
    });
    lostDemand.sort(
      (a, b) =>
        b.units * lossOf(problem, b) - a.units * lossOf(problem, a) ||
        a.company.localeCompare(b.company) ||
        a.item.localeCompare(b.item),
    );
    const tts = survivals[index]!.value;
    const tier = tiers.get(company.id);
    return {
      company: company.id,
      name: company.name,
      ...(tier === undefined ? {} : { tier }),
      ttr,
      tts,
      loss: Math.max(0, roundMoney(recovery.value - baseline.value)),
      lostDemand,
    };
  });
  const worst = Math.max(0, ...unranked.map((entry) => entry.loss));
  const ranked = [...unranked].sort(
    (a, b) =>
      b.loss - a.loss || a.tts - b.tts || (a.company < b.company ? -1 : a.company > b.company ? 1 : 0),
  );
  const companies = ranked.map(
    (entry, position): CompanyStress => ({
      ...entry,
      rei: worst > 0 ? entry.loss / worst : 0,
      rank: position + 1,
      flagged: entry.tts < entry.ttr,
    }),
  );
  const size = problem.recovery;
  return ok({
    network: network.name,
    period: network.period,
    currency: network.currency ?? 'EUR',
    disruption: options.disruption ?? 'site',
    capacity: options.capacity ?? 'normal',
    baseline: {
      tts: baselineTts,
      losses: distinctTtrs.map((ttr) => ({ ttr, loss: roundMoney(baselineLosses.get(ttr)!.value) })),
    },
    companies,
    model: { columns: size.cost.length, rows: size.rowLower.length, nonZeros: size.values.length },
    solves,
    reused,
    warnings: problem.warnings,
  });
}

function lossOf(problem: StressProblem, lost: StressLostDemand): number {
  return problem.demands.find((demand) => demand.company === lost.company && demand.item === lost.item)!
    .lossPerUnit;
}

function checkOptions(network: Network, options: StressOptions): string | undefined {
  const ttr: unknown = options.ttr;
  if (typeof ttr !== 'number' || !Number.isFinite(ttr) || ttr < 0)
    return `ttr must be a number of periods, 0 or more (got ${String(ttr)})`;
  const concurrency: unknown = options.concurrency ?? 1;
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1)
    return `concurrency must be a whole number, 1 or more (got ${String(concurrency)})`;
  const rungs: unknown = options.survivalRungs ?? 0;
  if (typeof rungs !== 'number' || !Number.isInteger(rungs) || rungs < 0 || rungs > 1000)
    return `survivalRungs must be a whole number from 0 to 1,000 (got ${String(rungs)})`;
  if (typeof options.solver?.solve !== 'function') return 'a solver is required (an LpSolver)';
  if (
    options.disruption !== undefined &&
    options.disruption !== 'site' &&
    options.disruption !== 'production'
  )
    return `disruption must be 'site' or 'production' (got ${String(options.disruption)})`;
  if (options.capacity !== undefined && options.capacity !== 'normal' && options.capacity !== 'maximum')
    return `capacity must be 'normal' or 'maximum' (got ${String(options.capacity)})`;
  const bad = network.companies.find(
    (company) => company.ttr !== undefined && (!Number.isFinite(company.ttr) || company.ttr < 0),
  );
  if (bad !== undefined) return `company '${bad.id}' has ttr ${bad.ttr}; it must be 0 or more`;
  return undefined;
}

/**
 * The windows of the survival ladder's rungs below an undisrupted TTS `top`: `rungs` windows evenly
 * spaced from a quarter of `top` up (6 rungs: 1/4, 3/8, …, 7/8 of `top`). Measured on the generated
 * 6,000-company network (docs/stress-test.md): a survival LP started from the undisrupted optimum at
 * a window just above its own TTS costs a tenth of one started at the undisrupted TTS.
 */
export function survivalWindows(top: number, rungs: number): number[] {
  if (!(top > 0) || !Number.isFinite(top)) return [];
  return Array.from({ length: rungs }, (_, index) => top * (0.25 + (0.75 * index) / rungs));
}

/**
 * One LP of the stress test: a measure and the company down (undefined: the undisrupted network). A
 * survival LP with a `window` is a rung of the ladder: the window capped there (`cappedSurvival`).
 */
export type StressTask =
  | { readonly kind: 'recovery'; readonly company: number | undefined; readonly ttr: number }
  | { readonly kind: 'survival'; readonly company: number | undefined; readonly window?: number };

/** The objective of a task's LP (loss, or TTS with Infinity when unbounded) and the units lost. */
export interface TaskAnswer {
  readonly value: number;
  /** Units lost per `problem.demands` entry (recovery only; zeros for survival). */
  readonly lost: Float64Array;
  /** The optimal column values, kept for the undisrupted network only (one LP's worth each). */
  readonly columns?: Float64Array;
  /** A rung's LP reached its window: the TTS is at least that (`value` is the window). */
  readonly reachedWindow?: boolean;
  /** The solve reached the iteration limit it was given: no answer (`value` is NaN). */
  readonly gaveUp?: boolean;
}

/**
 * Solve one LP of the stress test: a pure function of the problem and the task (so tasks may run in
 * any order, on any worker). With `limits`, a solve that reaches one answers `gaveUp`.
 */
export async function solveStressTask(
  problem: StressProblem,
  task: StressTask,
  solver: LpSolver,
  limits?: LpLimits,
): Promise<Result<TaskAnswer, StressError>> {
  const who =
    task.company === undefined ? 'the undisrupted network' : `company '${problem.companies[task.company]}'`;
  const lost = new Float64Array(problem.demands.length);
  if (task.kind === 'recovery') {
    const answer = await solver.solve(problem.recovery, recoveryChanges(problem, task.company, task.ttr));
    if (!answer.ok) return err(solverFailed(`the recovery LP of ${who}`, answer.error));
    if (answer.value.status !== 'optimal')
      return err({
        reason: 'solver-failed',
        message: `the recovery LP of ${who} came back ${answer.value.status}; it cannot be (report this as a bug)`,
      });
    const columns = answer.value.columnValues;
    problem.demands.forEach((demand, position) => {
      lost[position] = columns[demand.column] ?? 0;
    });
    return ok({ value: answer.value.objective, lost, ...(task.company === undefined ? { columns } : {}) });
  }
  const window = task.window;
  const model = window === undefined ? problem.survival : cappedSurvival(problem, window);
  const answer = await solver.solve(model, survivalChanges(problem, task.company), limits);
  if (!answer.ok && answer.error.reason === 'limit-reached' && limits !== undefined)
    return ok({ value: Number.NaN, lost, gaveUp: true });
  if (!answer.ok) return err(solverFailed(`the survival LP of ${who}`, answer.error));
  if (answer.value.status === 'infeasible')
    return err({
      reason: 'solver-failed',
      message: `the survival LP of ${who} came back infeasible; it cannot be (report this as a bug)`,
    });
  if (answer.value.status === 'unbounded') return ok({ value: Infinity, lost });
  const columns = task.company === undefined ? { columns: answer.value.columnValues } : {};
  // Below its window a rung's optimum is the TTS; at the window it says only TTS ≥ window (a window
  // lost to round-off there costs the next rung's solve, never a wrong answer).
  if (window !== undefined)
    return ok(
      answer.value.objective >= window * (1 - 1e-9)
        ? { value: window, lost, reachedWindow: true, ...columns }
        : { value: roundPeriods(answer.value.objective), lost, ...columns },
    );
  // The window is capped (`survivalLimit`); at the cap the network survives indefinitely.
  if (answer.value.objective >= problem.survivalLimit * (1 - 1e-9))
    return ok({ value: Infinity, lost, ...columns });
  return ok({ value: roundPeriods(answer.value.objective), lost, ...columns });
}

function solverFailed(what: string, error: LpError): StressError {
  return { reason: 'solver-failed', message: `${what} failed (${error.reason}): ${error.message}` };
}

/** The values of all results, or the first failure. */
async function collect<T>(results: readonly Result<T, StressError>[]): Promise<Result<T[], StressError>> {
  const values: T[] = [];
  for (const result of results) {
    if (!result.ok) return result;
    values.push(result.value);
  }
  return ok(values);
}

/** Run `work` over `items` with at most `concurrency` in flight; answers in the order of `items`. */
async function runAll<T, A>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, index: number) => Promise<A>,
): Promise<A[]> {
  const answers = new Array<A>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      answers[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
  return answers;
}
