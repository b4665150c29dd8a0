/**
 * @module pages/plan/plan-changes
 * The diff after a re-plan (`GET …/plan/changes`), grouped for people: per company, which of its
 * orders are new, cancelled or changed (and in which fields, before → after), the reasons it must be
 * told, and the shortages of its end demand that appeared, grew, shrank or disappeared. Companies with
 * the most changes come first. The shapes mirror core's `PlanDiff` (structurally, so the app bundles
 * none of core).
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

export interface PlanDiffShape {
  readonly network: string;
  readonly horizon: number;
  readonly orders: {
    readonly added: readonly DiffOrder[];
    readonly removed: readonly DiffOrder[];
    readonly changed: readonly {
      readonly id: string;
      readonly before: DiffOrder;
      readonly after: DiffOrder;
      readonly fields: readonly string[];
    }[];
  };
  readonly shortages: readonly {
    readonly company: string;
    readonly item: string;
    readonly period: number;
    readonly change: 'appeared' | 'grew' | 'shrank' | 'disappeared';
    readonly before: number;
    readonly after: number;
    readonly cause: { readonly text: string };
  }[];
  readonly bottlenecks: readonly {
    readonly company: string;
    readonly capacity: string;
    readonly period: number;
    readonly load: number;
    readonly limit: number;
    readonly change: 'appeared' | 'disappeared';
  }[];
  readonly notices: readonly {
    readonly company: string;
    readonly reasons: readonly {
      readonly role: string;
      readonly counterpart?: string;
      readonly text: string;
    }[];
  }[];
}

/** GET …/plan/changes. */
export interface PlanChangesAnswer {
  readonly network: string;
  readonly version: number;
  readonly through: number;
  readonly at: string;
  readonly diff: PlanDiffShape;
  readonly stats: { readonly nodes: number; readonly recomputed: number; readonly seconds: number };
  readonly failure?: { readonly code: string; readonly message: string };
}

export interface ChangedOrder {
  readonly id: string;
  readonly change: 'new' | 'cancelled' | 'changed';
  readonly order: DiffOrder;
  /** For `changed`: each differing field, before → after. */
  readonly fields: readonly { readonly field: string; readonly before: string; readonly after: string }[];
}

export interface CompanyChanges {
  readonly company: string;
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  /** Its orders that changed (production it makes, purchases it places), new first. */
  readonly orders: readonly ChangedOrder[];
  /** Why it must be told, in words. */
  readonly reasons: readonly string[];
  readonly shortages: PlanDiffShape['shortages'];
}

const CHANGE_ORDER = { new: 0, changed: 1, cancelled: 2 } as const;

function fieldText(order: DiffOrder, field: string): string {
  const value = (order as unknown as Record<string, unknown>)[field];
  return value === undefined ? '—' : String(value);
}

/** The diff per company, most changes first (then by company id). */
export function groupChanges(diff: PlanDiffShape): CompanyChanges[] {
  const companies = new Map<
    string,
    { orders: ChangedOrder[]; reasons: string[]; shortages: PlanDiffShape['shortages'][number][] }
  >();
  const at = (company: string) => {
    let entry = companies.get(company);
    if (entry === undefined) {
      entry = { orders: [], reasons: [], shortages: [] };
      companies.set(company, entry);
    }
    return entry;
  };
  for (const order of diff.orders.added)
    at(order.company).orders.push({ id: order.id, change: 'new', order, fields: [] });
  for (const order of diff.orders.removed)
    at(order.company).orders.push({ id: order.id, change: 'cancelled', order, fields: [] });
  for (const change of diff.orders.changed) {
    at(change.after.company).orders.push({
      id: change.id,
      change: 'changed',
      order: change.after,
      fields: change.fields.map((field) => ({
        field,
        before: fieldText(change.before, field),
        after: fieldText(change.after, field),
      })),
    });
  }
  for (const notice of diff.notices)
    at(notice.company).reasons.push(...notice.reasons.map((reason) => reason.text));
  for (const shortage of diff.shortages) at(shortage.company).shortages.push(shortage);
  const grouped: CompanyChanges[] = [...companies].map(([company, entry]) => {
    const orders = entry.orders.sort(
      (a, b) => CHANGE_ORDER[a.change] - CHANGE_ORDER[b.change] || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
    );
    return {
      company,
      added: orders.filter((order) => order.change === 'new').length,
      removed: orders.filter((order) => order.change === 'cancelled').length,
      changed: orders.filter((order) => order.change === 'changed').length,
      orders,
      reasons: entry.reasons,
      shortages: entry.shortages,
    };
  });
  const weight = (entry: CompanyChanges) => entry.orders.length + entry.shortages.length;
  return grouped.sort(
    (a, b) => weight(b) - weight(a) || (a.company < b.company ? -1 : a.company > b.company ? 1 : 0),
  );
}

/** One line for the whole diff: `12 orders at 4 companies changed; 2 shortages appeared`. */
export function summarizeChanges(diff: PlanDiffShape): string {
  const orders = diff.orders.added.length + diff.orders.removed.length + diff.orders.changed.length;
  const companies = new Set([
    ...diff.orders.added.map((order) => order.company),
    ...diff.orders.removed.map((order) => order.company),
    ...diff.orders.changed.map((change) => change.after.company),
  ]).size;
  if (orders === 0 && diff.shortages.length === 0 && diff.bottlenecks.length === 0) return 'nothing changed';
  const parts = [
    `${orders} ${orders === 1 ? 'order' : 'orders'} at ${companies} ${companies === 1 ? 'company' : 'companies'} changed ` +
      `(${diff.orders.added.length} new, ${diff.orders.changed.length} changed, ${diff.orders.removed.length} cancelled)`,
  ];
  const counts = new Map<string, number>();
  for (const shortage of diff.shortages) counts.set(shortage.change, (counts.get(shortage.change) ?? 0) + 1);
  for (const [change, count] of counts)
    parts.push(`${count} ${count === 1 ? 'shortage' : 'shortages'} ${change}`);
  const bottlenecks = diff.bottlenecks.filter((entry) => entry.change === 'appeared').length;
  if (bottlenecks > 0)
    parts.push(`${bottlenecks} capacity-${bottlenecks === 1 ? 'period' : 'periods'} newly over the limit`);
  return parts.join('; ');
}
