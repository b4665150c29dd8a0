/**
 * @module plan-changes-pages
 * The latest re-plan's diff in pages, for the web app and any client that does not want all of it at
 * once (`GET …/plan/changes` answers the whole diff: 54 MB gzipped at 20,000 companies). A diff is
 * indexed once per re-plan, by company (`indexPlanChanges`, one pass over its orders, shortages,
 * bottlenecks and notices, kept beside the diff while it is the latest): the summary answers the
 * totals and a page of companies, most changes first; a company's page answers a page of its orders
 * (new, then changed, then cancelled, each by id) with its shortages, bottlenecks and reasons.
 */
import type {
  BottleneckChange,
  NoticeReason,
  OrderChange,
  PlanDiff,
  PlannedOrder,
  ShortageChange,
} from '@keten/core';

/** One company's share of a diff. */
export interface CompanyChangeCounts {
  readonly company: string;
  /** Its orders new, cancelled and changed (production it makes, purchases it places). */
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
  /** Shortages of its end demand that moved. */
  readonly shortages: number;
  /** Its capacity-periods newly over or back under the limit. */
  readonly bottlenecks: number;
}

/** An order of the diff, as a company's page lists it. */
export type ChangedOrderEntry =
  | { readonly change: 'new'; readonly id: string; readonly order: PlannedOrder }
  | { readonly change: 'cancelled'; readonly id: string; readonly order: PlannedOrder }
  | {
      readonly change: 'changed';
      readonly id: string;
      readonly order: PlannedOrder;
      readonly before: PlannedOrder;
      readonly fields: OrderChange['fields'];
    };

interface CompanyEntry {
  readonly added: PlannedOrder[];
  readonly removed: PlannedOrder[];
  readonly changed: OrderChange[];
  readonly shortages: ShortageChange[];
  readonly bottlenecks: BottleneckChange[];
  readonly reasons: NoticeReason[];
}

export interface PlanChangesIndex {
  /** Every company the diff touches, most changes (orders and shortages) first, then by id. */
  readonly companies: readonly CompanyChangeCounts[];
  readonly totals: {
    readonly orders: {
      readonly added: number;
      readonly removed: number;
      readonly changed: number;
      /** Companies whose orders changed. */
      readonly companies: number;
    };
    readonly shortages: Readonly<Record<ShortageChange['change'], number>>;
    readonly bottlenecks: { readonly appeared: number; readonly disappeared: number };
  };
  readonly byCompany: ReadonlyMap<string, CompanyEntry>;
}

/** Indexes a diff by company. Pure; one pass over the diff and a sort of its companies. */
export function indexPlanChanges(diff: PlanDiff): PlanChangesIndex {
  const byCompany = new Map<string, CompanyEntry>();
  const at = (company: string): CompanyEntry => {
    let entry = byCompany.get(company);
    if (entry === undefined) {
      entry = { added: [], removed: [], changed: [], shortages: [], bottlenecks: [], reasons: [] };
      byCompany.set(company, entry);
    }
    return entry;
  };
  for (const order of diff.orders.added) at(order.company).added.push(order);
  for (const order of diff.orders.removed) at(order.company).removed.push(order);
  for (const change of diff.orders.changed) at(change.after.company).changed.push(change);
  for (const shortage of diff.shortages) at(shortage.company).shortages.push(shortage);
  for (const bottleneck of diff.bottlenecks) at(bottleneck.company).bottlenecks.push(bottleneck);
  for (const notice of diff.notices) at(notice.company).reasons.push(...notice.reasons);
  const shortages = { appeared: 0, grew: 0, shrank: 0, disappeared: 0 };
  for (const shortage of diff.shortages) shortages[shortage.change] += 1;
  const appeared = diff.bottlenecks.filter((entry) => entry.change === 'appeared').length;
  const companies = [...byCompany].map(
    ([company, entry]): CompanyChangeCounts => ({
      company,
      added: entry.added.length,
      removed: entry.removed.length,
      changed: entry.changed.length,
      shortages: entry.shortages.length,
      bottlenecks: entry.bottlenecks.length,
    }),
  );
  const weight = (entry: CompanyChangeCounts) =>
    entry.added + entry.removed + entry.changed + entry.shortages;
  companies.sort(
    (a, b) => weight(b) - weight(a) || (a.company < b.company ? -1 : a.company > b.company ? 1 : 0),
  );
  return {
    companies,
    totals: {
      orders: {
        added: diff.orders.added.length,
        removed: diff.orders.removed.length,
        changed: diff.orders.changed.length,
        companies: companies.filter((entry) => entry.added + entry.removed + entry.changed > 0).length,
      },
      shortages,
      bottlenecks: { appeared, disappeared: diff.bottlenecks.length - appeared },
    },
    byCompany,
  };
}

/** A page of a list: where it starts, how many at most, how many in all, and the entries. */
export interface Page<T> {
  readonly offset: number;
  readonly limit: number;
  readonly total: number;
  readonly items: T[];
}

/** Entries offset … offset + limit of `all`. */
export function pageOf<T>(all: readonly T[], offset: number, limit: number): Page<T> {
  return { offset, limit, total: all.length, items: all.slice(offset, offset + limit) };
}

/** One company's share of the diff, its orders paged (new, changed, cancelled; each by id). */
export function companyChanges(
  index: PlanChangesIndex,
  company: string,
  offset: number,
  limit: number,
): {
  readonly counts: CompanyChangeCounts;
  readonly orders: Page<ChangedOrderEntry>;
  readonly shortages: ShortageChange[];
  readonly bottlenecks: BottleneckChange[];
  readonly reasons: NoticeReason[];
} {
  const entry = index.byCompany.get(company);
  const counts = index.companies.find((candidate) => candidate.company === company) ?? {
    company,
    added: 0,
    removed: 0,
    changed: 0,
    shortages: 0,
    bottlenecks: 0,
  };
  if (entry === undefined)
    return { counts, orders: pageOf([], offset, limit), shortages: [], bottlenecks: [], reasons: [] };
  // The page is taken from the three lists in turn, so no page copies the company's whole list. Core's
  // lists are by id, so each company's share of them is too.
  const lists: { length: number; at: (i: number) => ChangedOrderEntry }[] = [
    {
      length: entry.added.length,
      at: (i) => ({ change: 'new', id: entry.added[i]!.id, order: entry.added[i]! }),
    },
    {
      length: entry.changed.length,
      at: (i) => {
        const change = entry.changed[i]!;
        return {
          change: 'changed',
          id: change.id,
          order: change.after,
          before: change.before,
          fields: change.fields,
        };
      },
    },
    {
      length: entry.removed.length,
      at: (i) => ({ change: 'cancelled', id: entry.removed[i]!.id, order: entry.removed[i]! }),
    },
  ];
  const items: ChangedOrderEntry[] = [];
  let start = offset;
  for (const list of lists) {
    for (let i = start; i < list.length && items.length < limit; i += 1) items.push(list.at(i));
    start = Math.max(0, start - list.length);
  }
  const total = entry.added.length + entry.changed.length + entry.removed.length;
  return {
    counts,
    orders: { offset, limit, total, items },
    shortages: entry.shortages,
    bottlenecks: entry.bottlenecks,
    reasons: entry.reasons,
  };
}
