/**
 * @module plan-answers
 * What the plan views and the chain status ask of a kept plan, answered from it: one network
 * version's plan (without pegging), core's `PlanIndex` over it and the `ChainStatus` built from it.
 * `PlanAnswers` does the work where the plan lives: in a plan thread (`jobs/plan-worker.ts`) for a
 * large network, on the server's thread for a small one (`plan-cache.ts` decides). A plan thread keeps
 * the run its plan came from and, when planning events move the network on, re-plans from it
 * (`replanNetwork`: only what the events reach) instead of planning the whole network again. Both are asked the
 * same way, through a `PlanAsker`: every answer is a promise of plain data (structured-cloneable).
 */
import {
  type CapacityHeatMap,
  ChainStatus,
  type ChainStatusPage,
  type ChainStatusQuery,
  type CompanyPlan,
  type CompanyStatus,
  capacityHeatMap,
  companyPlan,
  type HeatMapQuery,
  type Network,
  type Plan,
  PlanIndex,
  type PlanOptions,
  type PlanRun,
  planNetwork,
  planNetworkRun,
  replanNetwork,
} from '@keten/core';

/** The names and units of some items, and the ids the network does not have. */
export interface ItemsAnswer {
  readonly items: { readonly id: string; readonly name: string; readonly unit: string }[];
  readonly unknown: string[];
}

/** The questions a kept plan answers; undefined where the network has no such company. */
export interface PlanQuestions {
  company(company: string): CompanyPlan | undefined;
  /** Undefined when `query.company` is not in the network. */
  heatMap(query: HeatMapQuery): CapacityHeatMap | undefined;
  status(query: ChainStatusQuery): ChainStatusPage;
  statusOfCompany(company: string, limit: number): CompanyStatus | undefined;
  items(ids: readonly string[]): ItemsAnswer;
}

/** The questions' names, as the thread's messages carry them. */
export const PLAN_QUESTIONS = [
  'company',
  'heatMap',
  'status',
  'statusOfCompany',
  'items',
] as const satisfies readonly (keyof PlanQuestions)[];

/** `PlanQuestions`, asked asynchronously (in a thread, or at once on this one). */
export type PlanAsker = {
  readonly [K in keyof PlanQuestions]: (
    ...args: Parameters<PlanQuestions[K]>
  ) => Promise<ReturnType<PlanQuestions[K]>>;
};

/** What a plan is made from. */
export interface PlanSetup {
  /** The effective network: the version with the planning events of its network. */
  readonly network: Network;
  readonly options: PlanOptions;
  /** The period each open order was first planned to arrive (core's `firstDues`). */
  readonly firstDues: ReadonlyMap<string, number>;
}

/** How far making a plan has got: planning, then the chain status. */
export type PlanStep = 'planning' | 'status';

/** Once made: the plan's horizon and size. */
export interface PlanMade {
  readonly horizon: number;
  readonly orders: number;
  /** CPU-bound seconds of planning and indexing (wall time where it ran). */
  readonly seconds: number;
  /** True when it was re-planned from the thread's last plan, not planned whole. */
  readonly replanned?: boolean;
}

export class PlanAnswers implements PlanQuestions {
  readonly index: PlanIndex;
  readonly chainStatus: ChainStatus;
  readonly made: PlanMade;
  /** The run the plan came from, kept to re-plan from (`kept`), else undefined. */
  readonly run: PlanRun | undefined;
  readonly #companies: Set<string>;

  /**
   * Plans `setup.network` and builds the chain status; `onStep` hears each step as it starts. With
   * `kept`, the run is kept (`run`) to re-plan from, and made by re-planning `kept.from` when given
   * (the same plan as planning the network whole, in the time of what changed).
   */
  constructor(
    setup: PlanSetup,
    onStep: (step: PlanStep) => void = () => {},
    kept?: { readonly from?: PlanRun | undefined },
  ) {
    const started = performance.now();
    const { network, options, firstDues } = setup;
    onStep('planning');
    let plan: Plan;
    if (kept === undefined) {
      plan = planNetwork(network, options);
      this.run = undefined;
    } else {
      this.run =
        kept.from === undefined
          ? planNetworkRun(network, options)
          : replanNetwork(kept.from, network, options);
      plan = this.run.plan;
    }
    this.index = new PlanIndex(network, plan);
    onStep('status');
    this.chainStatus = new ChainStatus(network, plan, firstDues);
    this.#companies = new Set(network.companies.map((company) => company.id));
    this.made = {
      horizon: plan.horizon,
      orders: plan.orders.length,
      seconds: Math.round(performance.now() - started) / 1000,
      ...(kept?.from === undefined ? {} : { replanned: true }),
    };
  }

  /**
   * The indexes the first questions would otherwise build (orders by company, load per capacity: 6 s
   * and 4 s of CPU at 60,000 companies), one step a call, for a thread to build between questions.
   */
  warmUp(): (() => void)[] {
    return [() => this.index.ordersOf(''), () => this.index.startedLoad('', '')];
  }

  company(company: string): CompanyPlan | undefined {
    return companyPlan(this.index, company);
  }

  heatMap(query: HeatMapQuery): CapacityHeatMap | undefined {
    if (query.company !== undefined && !this.#companies.has(query.company)) return undefined;
    return capacityHeatMap(this.index, query);
  }

  status(query: ChainStatusQuery): ChainStatusPage {
    return this.chainStatus.rows(query);
  }

  statusOfCompany(company: string, limit: number): CompanyStatus | undefined {
    return this.chainStatus.company(company, { limit, ordersOf: (id) => this.index.ordersOf(id) });
  }

  items(ids: readonly string[]): ItemsAnswer {
    const wanted = new Set(ids);
    const items = (this.index.network.items ?? [])
      .filter((item) => wanted.has(item.id))
      .map((item) => ({ id: item.id, name: item.name, unit: item.unit }));
    const found = new Set(items.map((item) => item.id));
    return { items, unknown: ids.filter((id) => !found.has(id)) };
  }
}

/** A `PlanAsker` for answers on this thread. */
export function localAsker(answers: PlanQuestions): PlanAsker {
  return askerOf((question, args) =>
    Promise.resolve().then(() => (answers[question] as (...values: unknown[]) => unknown)(...args)),
  );
}

/** A `PlanAsker` whose every question goes through `ask`. */
export function askerOf(
  ask: (question: keyof PlanQuestions, args: readonly unknown[]) => Promise<unknown>,
): PlanAsker {
  return Object.fromEntries(
    PLAN_QUESTIONS.map((question) => [question, (...args: unknown[]) => ask(question, args)]),
  ) as unknown as PlanAsker;
}
