/**
 * @module pages/plan/plan-changes
 * The diff after a re-plan, as the node answers it in pages: `GET …/plan/changes/summary` (the totals
 * and a page of the companies it touches, most changes first) and `GET …/plan/changes/companies/{id}`
 * (a page of one company's orders that are new, changed or cancelled, with its shortages and the
 * reasons it must be told). The whole diff (`GET …/plan/changes`) is never asked for: at 20,000
 * companies it is tens of megabytes. The shapes mirror the server's schemas (structurally, so the app
 * bundles none of core).
 */

export interface DiffOrder {
  readonly id: string;
  readonly kind: 'production' | 'purchase';
  readonly company: string;
  readonly item: string;
  readonly supplier?: string;
  readonly quantity: number;
  readonly startQuantity?: number;
  readonly start: number;
  readonly due: number;
}

export interface Page<T> {
  readonly offset: number;
  readonly limit: number;
  readonly total: number;
  readonly items: readonly T[];
}

export interface CompanyCounts {
  readonly company: string;
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  readonly shortages: number;
  readonly bottlenecks: number;
}

export interface ChangeTotals {
  readonly orders: {
    readonly added: number;
    readonly removed: number;
    readonly changed: number;
    readonly companies: number;
  };
  readonly companies: number;
  readonly shortages: Readonly<Record<'appeared' | 'grew' | 'shrank' | 'disappeared', number>>;
  readonly bottlenecks: { readonly appeared: number; readonly disappeared: number };
}

/** GET …/plan/changes/summary. */
export interface PlanChangesSummary {
  readonly network: string;
  readonly version: number;
  readonly through: number;
  readonly at: string;
  readonly stats: { readonly nodes: number; readonly recomputed: number; readonly seconds: number };
  readonly failure?: { readonly code: string; readonly message: string };
  readonly totals: ChangeTotals;
  readonly companies: Page<CompanyCounts>;
}

export type ChangedOrder =
  | { readonly change: 'new' | 'cancelled'; readonly id: string; readonly order: DiffOrder }
  | {
      readonly change: 'changed';
      readonly id: string;
      readonly order: DiffOrder;
      readonly before: DiffOrder;
      readonly fields: readonly string[];
    };

export interface ShortageChange {
  readonly company: string;
  readonly item: string;
  readonly period: number;
  readonly change: 'appeared' | 'grew' | 'shrank' | 'disappeared';
  readonly before: number;
  readonly after: number;
  readonly cause: { readonly text: string };
}

/** GET …/plan/changes/companies/{company}. */
export interface CompanyChanges {
  readonly counts: CompanyCounts;
  readonly orders: Page<ChangedOrder>;
  readonly shortages: readonly ShortageChange[];
  readonly reasons: readonly {
    readonly role: string;
    readonly counterpart?: string;
    readonly text: string;
  }[];
}

function fieldText(order: DiffOrder, field: string): string {
  const value = (order as unknown as Record<string, unknown>)[field];
  return value === undefined ? '—' : String(value);
}

/** A changed order's differing fields, before → after. */
export function changedFields(
  entry: ChangedOrder,
): { readonly field: string; readonly before: string; readonly after: string }[] {
  if (entry.change !== 'changed') return [];
  return entry.fields.map((field) => ({
    field,
    before: fieldText(entry.before, field),
    after: fieldText(entry.order, field),
  }));
}

/** One line for the whole diff: `12 orders at 4 companies changed; 2 shortages appeared`. */
export function summarizeChanges(totals: ChangeTotals): string {
  const { added, removed, changed, companies } = totals.orders;
  const orders = added + removed + changed;
  const shortages = Object.values(totals.shortages).reduce((sum, count) => sum + count, 0);
  if (orders === 0 && shortages === 0 && totals.bottlenecks.appeared + totals.bottlenecks.disappeared === 0)
    return 'nothing changed';
  const parts = [
    `${orders} ${orders === 1 ? 'order' : 'orders'} at ${companies} ${companies === 1 ? 'company' : 'companies'} changed ` +
      `(${added} new, ${changed} changed, ${removed} cancelled)`,
  ];
  for (const change of ['appeared', 'grew', 'shrank', 'disappeared'] as const) {
    const count = totals.shortages[change];
    if (count > 0) parts.push(`${count} ${count === 1 ? 'shortage' : 'shortages'} ${change}`);
  }
  const appeared = totals.bottlenecks.appeared;
  if (appeared > 0)
    parts.push(`${appeared} capacity-${appeared === 1 ? 'period' : 'periods'} newly over the limit`);
  return parts.join('; ');
}
