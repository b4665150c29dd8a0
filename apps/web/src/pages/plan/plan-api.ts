/**
 * @module pages/plan/plan-api
 * The answers the Plan and Chain status pages read (mirroring apps/server's plan-views and
 * chain-status routes), and the period labels they share.
 */
import type { ChainOrder, CompanyState, CompanyStatusRow } from '@keten/core';
import type { PegOrder } from './pegging-tree.ts';

/** Which plan an answer was read from. */
export interface PlanSource {
  readonly version: number;
  readonly through: number;
  readonly plannedAt: string;
  readonly seconds: number;
  /** Re-planned from the plan of the same version before it (absent from older servers). */
  readonly replanned?: boolean;
  readonly cached: boolean;
}

export interface ShortageLine {
  readonly company: string;
  readonly item: string;
  readonly period: number;
  readonly quantity: number;
  readonly cause: {
    readonly code: string;
    readonly company: string;
    readonly item: string;
    readonly period: number;
    readonly text: string;
  };
}

export interface BottleneckLine {
  readonly company: string;
  readonly capacity: string;
  readonly period: number;
  readonly load: number;
  readonly limit: number;
  readonly maximum?: number;
}

/** GET …/plan/companies/:company. */
export interface CompanyPlanAnswer {
  readonly network: string;
  readonly horizon: number;
  readonly company: { readonly id: string; readonly name: string; readonly tier: number | null };
  readonly items: readonly {
    readonly item: string;
    readonly unit: string;
    readonly ordersIn: readonly number[];
    readonly endDemand: readonly number[];
    readonly ordersOut: readonly number[];
    readonly production: readonly number[];
    readonly receipts: readonly number[];
    readonly stock: readonly number[];
    readonly shortages: readonly number[];
  }[];
  readonly shortages: readonly ShortageLine[];
  readonly causes: readonly ShortageLine[];
  readonly bottlenecks: readonly BottleneckLine[];
  readonly orders: number;
  readonly plan: PlanSource;
}

export interface HeatRow {
  readonly capacity: string;
  readonly kind: 'production' | 'group';
  readonly company: string;
  readonly item?: string;
  readonly unit: string;
  readonly load: readonly number[];
  readonly required: readonly number[];
  readonly limit: readonly number[];
  readonly maximum: readonly number[] | null;
  readonly peak: number | null;
}

/** GET …/plan/heat-map. */
export interface HeatMapAnswer {
  readonly network: string;
  readonly horizon: number;
  readonly total: number;
  readonly rows: readonly HeatRow[];
  readonly plan: PlanSource;
}

/** GET …/plan/pegging. */
export interface PeggingAnswer {
  readonly demand?: {
    readonly company: string;
    readonly item: string;
    readonly period: number;
    readonly quantity: number;
    readonly short: number;
  };
  readonly orders?: readonly PegOrder[];
  readonly total?: number;
  readonly order?: PegOrder;
  readonly servesDemand?: readonly {
    readonly company: string;
    readonly item: string;
    readonly period: number;
    readonly quantity: number;
  }[];
  readonly plan: PlanSource;
}

/** The status page's rows and orders are core's chain status as the server answers it. */
export type { CompanyState };
export type StatusRow = CompanyStatusRow;
export type StatusOrderLine = ChainOrder;

/** GET …/status. */
export interface StatusAnswer {
  readonly network: string;
  readonly horizon: number;
  readonly period: 'day' | 'week';
  readonly start: string;
  readonly total: number;
  readonly counts: Readonly<Record<CompanyState, number>>;
  readonly rows: readonly StatusRow[];
  /** The latest re-plan since the node started; null: none yet (then …/plan/changes has nothing). */
  readonly replanned: { readonly at: string; readonly through: number; readonly failed: boolean } | null;
  readonly plan: PlanSource;
}

/** GET …/status/companies/:company. */
export interface CompanyStatusAnswer {
  readonly network: string;
  readonly horizon: number;
  readonly row: StatusRow;
  readonly orders: readonly StatusOrderLine[];
  readonly totalOrders: number;
  readonly shortages: readonly ShortageLine[];
  readonly causes: readonly ShortageLine[];
  readonly bottlenecks: readonly (BottleneckLine & { readonly unit: string })[];
  readonly plan: PlanSource;
}

export const STATE_LABELS: Readonly<Record<CompanyState, string>> = {
  short: 'end demand short',
  causes: 'causes shortages',
  bottleneck: 'over capacity',
  late: 'orders late',
  ok: 'on plan',
};

/** `week 3`, `day 12`. */
export function periodName(period: number, unit: 'day' | 'week'): string {
  return `${unit} ${period}`;
}

/** The first day of a period as `18 Jan 2027`, from the network's start. */
export function periodDate(period: number, unit: 'day' | 'week', start: string): string {
  const first = new Date(`${start}T00:00:00Z`);
  first.setUTCDate(first.getUTCDate() + period * (unit === 'week' ? 7 : 1));
  return first.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}
