/**
 * @module planning/plan-diff
 * What changed between two plans of a network (issue 3, section 5: "which orders at which companies
 * changed, and who must be told"). Orders are matched by their stable id, shortages by end demand
 * (company, item, period), bottlenecks by company, capacity and period. The diff is plain sorted data,
 * so it serializes to JSON as it is and two diffs compare with `toEqual` (an incremental re-plan's diff
 * must equal a full re-plan's).
 *
 * Who must be told: for every new, changed or cancelled purchase order its buyer and its supplier, for a
 * production order its maker, and for a shortage of end demand that appeared, grew, shrank or
 * disappeared the company with that demand; each with a reason in words
 * (`sup-00041: 3 purchase orders from oem-002 changed (1 new, 2 changed)`).
 *
 * Quantities that differ by less than a billionth (relative) count as equal, so rounding noise between
 * two ways of computing one plan is not reported as a change.
 *
 * Time is linear in the number of orders, shortages and bottlenecks (one walk over each), plus sorting
 * what changed. Orders are walked side by side and only those out of step go through maps (see
 * `diffOrders`), so two plans of millions of orders that differ in a few cost little more than reading
 * them.
 *
 * @example
 * const diff = diffPlans(planBefore, planNetwork(applied.network));
 * if (!isEmptyPlanDiff(diff)) console.log(formatPlanDiff(diff));
 */
import { type OrderList, OrderTable } from './orders.ts';
import type { Bottleneck, Plan, PlannedOrder, Shortage, ShortageCause } from './plan.ts';

/** An order in both plans whose figures differ. */
export interface OrderChange {
  readonly id: string;
  readonly before: PlannedOrder;
  readonly after: PlannedOrder;
  /** The fields that differ, in the order of `ORDER_FIELDS`. */
  readonly fields: OrderField[];
}

/** The fields of a planned order compared, in this order. */
export const ORDER_FIELDS = [
  'kind',
  'company',
  'item',
  'supplier',
  'quantity',
  'startQuantity',
  'start',
  'due',
] as const;
export type OrderField = (typeof ORDER_FIELDS)[number];

export interface OrderDiff {
  /** In the plan after only, by id. */
  readonly added: PlannedOrder[];
  /** In the plan before only, by id. */
  readonly removed: PlannedOrder[];
  /** In both, with other figures, by id. */
  readonly changed: OrderChange[];
}

/** Orders of one company (the maker of production, the buyer of a purchase) that changed. */
export interface CompanyOrderCounts {
  readonly company: string;
  readonly added: number;
  readonly removed: number;
  readonly changed: number;
}

export type ShortageChangeKind = 'appeared' | 'grew' | 'shrank' | 'disappeared';

/** A shortage of end demand (company, item, demand period) that is new, gone, or of another size. */
export interface ShortageChange {
  readonly company: string;
  readonly item: string;
  readonly period: number;
  readonly change: ShortageChangeKind;
  /** The quantity short in each plan; 0 where there was none. */
  readonly before: number;
  readonly after: number;
  /** The cause in the plan after, or in the plan before when the shortage disappeared. */
  readonly cause: ShortageCause;
}

/** A bottleneck (company, capacity, period) in one plan only. */
export interface BottleneckChange extends Bottleneck {
  readonly change: 'appeared' | 'disappeared';
}

/** Why a company must be told. */
export type NoticeRole = 'maker' | 'buyer' | 'supplier' | 'demand';
const ROLE_ORDER: Record<NoticeRole, number> = { maker: 0, buyer: 1, supplier: 2, demand: 3 };

export interface NoticeReason {
  /**
   * `maker`: its production orders; `buyer`: the purchase orders it places with `counterpart`;
   * `supplier`: the purchase orders `counterpart` places with it; `demand`: shortages of its end demand.
   */
  readonly role: NoticeRole;
  /** The supplier (for a buyer) or the buyer (for a supplier). */
  readonly counterpart?: string;
  /** Orders new in the plan after; for `demand`, shortages that appeared. */
  readonly added: number;
  /** Orders cancelled; for `demand`, shortages that disappeared. */
  readonly removed: number;
  /** Orders with other figures; for `demand`, shortages that grew or shrank. */
  readonly changed: number;
  /** The reason in words, e.g. `3 purchase orders from oem-002 changed (1 new, 2 changed)`. */
  readonly text: string;
}

/** A company that must be told, with every reason (by role, then counterpart). */
export interface Notice {
  readonly company: string;
  readonly reasons: NoticeReason[];
}

/** Everything that differs between two plans; every list sorted, so equal diffs are deep-equal. */
export interface PlanDiff {
  /** The network of the plan after. */
  readonly network: string;
  readonly horizon: number;
  readonly orders: OrderDiff;
  /** Per company, sorted by company. */
  readonly companies: CompanyOrderCounts[];
  /** By company, item, period. */
  readonly shortages: ShortageChange[];
  /** By company, capacity, period. */
  readonly bottlenecks: BottleneckChange[];
  /** Who must be told, by company. */
  readonly notices: Notice[];
}

/** Relative difference below which two quantities count as equal. */
const TOLERANCE = 1e-9;
const SEPARATOR = '\u0000';

/** What changed from `before` to `after`. Pure; neither plan is modified. */
export function diffPlans(before: Plan, after: Plan): PlanDiff {
  const orders = diffOrders(before.orders, after.orders);
  const shortages = diffShortages(before.shortages, after.shortages);
  return {
    network: after.network,
    horizon: after.horizon,
    orders,
    companies: countByCompany(orders),
    shortages,
    bottlenecks: diffBottlenecks(before.bottlenecks, after.bottlenecks),
    notices: notices(orders, shortages),
  };
}

/** True when the plans have the same orders, shortages and bottlenecks. */
export function isEmptyPlanDiff(diff: PlanDiff): boolean {
  return (
    diff.orders.added.length === 0 &&
    diff.orders.removed.length === 0 &&
    diff.orders.changed.length === 0 &&
    diff.shortages.length === 0 &&
    diff.bottlenecks.length === 0
  );
}

export interface FormatPlanDiffOptions {
  /** At most this many lines per list (orders, shortages, bottlenecks, notices); default 10. */
  readonly limit?: number;
}

/**
 * A short text for people: one summary line, then the first changes of each kind and who must be told.
 *
 * @example
 * formatPlanDiff(diff).split('\n')[0]
 * // 'plan minimal-two-tier: orders 1 new, 2 changed, 0 cancelled; shortages 1 appeared, 0 grew, 0 shrank, 0 disappeared; bottlenecks 0 appeared, 0 disappeared'
 */
export function formatPlanDiff(diff: PlanDiff, options: FormatPlanDiffOptions = {}): string {
  if (isEmptyPlanDiff(diff)) return `plan ${diff.network}: no change`;
  const limit = Math.max(1, options.limit ?? 10);
  const shortageCount = (kind: ShortageChangeKind) => diff.shortages.filter((s) => s.change === kind).length;
  const bottleneckCount = (kind: BottleneckChange['change']) =>
    diff.bottlenecks.filter((b) => b.change === kind).length;
  const { added, removed, changed } = diff.orders;
  const lines = [
    `plan ${diff.network}: orders ${added.length} new, ${changed.length} changed, ${removed.length} cancelled; ` +
      `shortages ${shortageCount('appeared')} appeared, ${shortageCount('grew')} grew, ${shortageCount('shrank')} ` +
      `shrank, ${shortageCount('disappeared')} disappeared; bottlenecks ${bottleneckCount('appeared')} appeared, ` +
      `${bottleneckCount('disappeared')} disappeared`,
  ];
  const orderLines = [
    ...added.map((order) => `  + ${order.id}: ${describeOrder(order)}`),
    ...changed.map((change) => `  ~ ${change.id}: ${describeOrderChange(change)}`),
    ...removed.map((order) => `  - ${order.id}: ${describeOrder(order)}`),
  ];
  section(lines, 'orders', orderLines, limit);
  const shortageLines = diff.shortages.map(
    (s) =>
      `  ${SHORTAGE_MARKS[s.change]} ${s.company} ${s.item} period ${s.period}: short ${quantity(s.before)} → ` +
      `${quantity(s.after)} (${s.change}); ${s.cause.text}`,
  );
  section(lines, 'shortages', shortageLines, limit);
  const bottleneckLines = diff.bottlenecks.map(
    (b) =>
      `  ${b.change === 'appeared' ? '+' : '-'} ${b.capacity} period ${b.period}: load ${quantity(b.load)} ` +
      `against ${quantity(b.limit)} (${b.change})`,
  );
  section(lines, 'bottlenecks', bottleneckLines, limit);
  const noticeLines = diff.notices.map(
    (notice) => `  ${notice.company}: ${notice.reasons.map((reason) => reason.text).join('; ')}`,
  );
  section(lines, 'tell', noticeLines, limit);
  return lines.join('\n');
}

const SHORTAGE_MARKS: Record<ShortageChangeKind, string> = {
  appeared: '+',
  grew: '↑',
  shrank: '↓',
  disappeared: '-',
};

function section(lines: string[], title: string, entries: readonly string[], limit: number): void {
  if (entries.length === 0) return;
  lines.push(`${title}:`);
  lines.push(...entries.slice(0, limit));
  if (entries.length > limit) lines.push(`  … and ${entries.length - limit} more`);
}

function describeOrder(order: PlannedOrder): string {
  const what =
    order.kind === 'purchase'
      ? `purchase of ${quantity(order.quantity)} ${order.item} by ${order.company} from ${order.supplier ?? '?'}`
      : `production of ${quantity(order.quantity)} ${order.item} at ${order.company}`;
  const started = order.startQuantity === undefined ? '' : ` (${quantity(order.startQuantity)} started)`;
  return `${what}${started}, start ${order.start}, due ${order.due}`;
}

function describeOrderChange(change: OrderChange): string {
  return change.fields
    .map((field) => `${field} ${String(change.before[field] ?? '-')} → ${String(change.after[field] ?? '-')}`)
    .join(', ');
}

/** At most three decimals, for people. */
function quantity(value: number): string {
  return String(Number(value.toFixed(3)));
}

function sameQuantity(a: number, b: number): boolean {
  return Math.abs(a - b) <= TOLERANCE * Math.max(1, Math.abs(a), Math.abs(b));
}

/**
 * The fields in which two orders with one id differ. An absent `startQuantity` equals `quantity`;
 * it is named only when one of the two orders has one (else `quantity` says it all).
 */
function changedFields(before: PlannedOrder, after: PlannedOrder): OrderField[] {
  const fields: OrderField[] = [];
  if (before.kind !== after.kind) fields.push('kind');
  if (before.company !== after.company) fields.push('company');
  if (before.item !== after.item) fields.push('item');
  if (before.supplier !== after.supplier) fields.push('supplier');
  if (!sameQuantity(before.quantity, after.quantity)) fields.push('quantity');
  const started = before.startQuantity !== undefined || after.startQuantity !== undefined;
  if (
    started &&
    !sameQuantity(before.startQuantity ?? before.quantity, after.startQuantity ?? after.quantity)
  ) {
    fields.push('startQuantity');
  }
  if (before.start !== after.start) fields.push('start');
  if (before.due !== after.due) fields.push('due');
  return fields;
}

/** How far on `diffOrders` and `diffBottlenecks` look for an entry again after entries added or removed. */
const REALIGN = 32;

/** The most steps `diffOrders` goes on without looking ahead after it found nothing there. */
const REALIGN_SKIP = 1024;

/** No realignment found (`realign`). */
const NOT_REALIGNED = { added: 0, removed: 0 } as const;

/**
 * Where two lists whose cursors disagree realign: `added`, the places on in the list after at which
 * the entry of the list before is (`addedAt(k)`: the entries passed were added), and `removed`, the
 * places on in the list before at which the entry of the list after is (`removedAt(k)`); each 0 when
 * not within `REALIGN` places.
 */
function realign(
  addedAt: (k: number) => boolean,
  removedAt: (k: number) => boolean,
): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (let k = 1; k <= REALIGN && (added === 0 || removed === 0); k++) {
    if (added === 0 && addedAt(k)) added = k;
    if (removed === 0 && removedAt(k)) removed = k;
  }
  return { added, removed };
}

/** What matches an order across the two plans: its id, or a number standing for it (`OrderTable.keyOf`). */
type OrderKey = string | number;

/**
 * The key of order `k` of `list` (`keyAt`), remembered for the last `2 × REALIGN` places asked: the
 * window `realign` looks ahead at moves one place a step, so each key is made once, not once for each
 * of the REALIGN steps that look at it (see `diffOrders`).
 */
function lookahead(
  list: OrderList,
  keyAt: (list: OrderList, k: number) => OrderKey,
): (k: number) => OrderKey {
  const size = 2 * REALIGN;
  const places = new Int32Array(size).fill(-1);
  const keys = new Array<OrderKey>(size).fill('');
  return (k) => {
    const slot = k % size;
    if (places[slot] !== k) {
      places[slot] = k;
      keys[slot] = keyAt(list, k);
    }
    return keys[slot]!;
  };
}

/**
 * Orders matched by id in one walk over both lists. Plans of one planner list their orders in a stable
 * order, so most ids meet at the same step or a few steps apart: an id not met yet waits in a map of
 * its side until the other side reaches it. The maps hold only orders out of step, so a re-plan that
 * changed a few orders costs no map of millions; two plans in unrelated orders cost two such maps,
 * still linear. Ids are unique within a plan (the planner's contract).
 *
 * Two order tables over the same network's columns (a re-plan and the plan it started from) match
 * orders by a number that stands for the id (`OrderTable.keyOf`), not by the id's text: a re-plan that
 * moved a large share of the orders puts hundreds of thousands in the maps, and a map of strings made
 * anew for every look-up (each hashed, and the `REALIGN` ids ahead made again at every step) took 32 s
 * of a 6,000-company diff (docs/planning.md, "A large diff").
 */
function diffOrders(before: OrderList, after: OrderList): OrderDiff {
  // Orders out of step, by key: their places in their plan (built as objects only when reported).
  const waitingBefore = new Map<OrderKey, number>();
  const waitingAfter = new Map<OrderKey, number>();
  const changed: OrderChange[] = [];
  // Two planned tables compare column by column: the orders of a re-plan that are as before are
  // never built as objects, and a run of them is skipped in one call.
  const tables = before instanceof OrderTable && after instanceof OrderTable ? [before, after] : undefined;
  /** Order `i` before and `j` after, the same id: noted when their figures differ. */
  const compare = (i: number, j: number) => {
    if (tables !== undefined && tables[0]!.sameAs(i, tables[1]!, j)) return;
    const old = before.at(i)!;
    const order = after.at(j)!;
    const fields = changedFields(old, order);
    if (fields.length > 0) changed.push({ id: order.id, before: old, after: order, fields });
  };
  const numbered = tables !== undefined && tables[0]!.sameColumns(tables[1]!);
  const keyAt = numbered
    ? (list: OrderList, k: number): OrderKey => (list as OrderTable).keyOf(k)
    : (list: OrderList, k: number): OrderKey =>
        list instanceof OrderTable ? list.idOf(k) : (list.at(k)?.id ?? '');
  const keysBefore = lookahead(before, keyAt);
  const keysAfter = lookahead(after, keyAt);
  // A cursor in each plan: an order added or removed puts the rest one place off, and the cursors
  // realign (below) so that the orders after it still compare pair by pair, not through the maps.
  // Where they do not realign within REALIGN places (many orders added or removed, the rest far out
  // of step), looking again at every step costs 2 × REALIGN keys a step and finds nothing: after a
  // miss the next `skip` steps go through the maps without looking, `skip` doubling up to
  // `REALIGN_SKIP` with each miss and back to none at a hit.
  let skip = 0;
  let skipping = 0;
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    if (tables !== undefined) {
      const same = tables[0]!.sameRun(tables[1]!, i, j, Math.min(before.length - i, after.length - j));
      i += same;
      j += same;
      if (i >= before.length && j >= after.length) break;
    }
    const hasOld = i < before.length;
    const hasOrder = j < after.length;
    const oldKey = hasOld ? keysBefore(i) : undefined;
    const orderKey = hasOrder ? keysAfter(j) : undefined;
    if (hasOld && hasOrder && oldKey === orderKey) {
      compare(i, j);
      i++;
      j++;
      continue;
    }
    // The nearer of `old` a few orders on in the plan after (orders added there) and `order` a few
    // on in the plan before (orders removed): only that side moves on.
    let added = 0;
    let removed = 0;
    if (hasOld && hasOrder && skipping === 0) {
      ({ added, removed } = realign(
        (k) => j + k < after.length && keysAfter(j + k) === oldKey,
        (k) => i + k < before.length && keysBefore(i + k) === orderKey,
      ));
      if (added === 0 && removed === 0) {
        skip = Math.min(REALIGN_SKIP, Math.max(1, skip * 2));
        skipping = skip;
      } else skip = 0;
    } else if (skipping > 0) skipping--;
    const onlyAfter = added > 0 && (removed === 0 || added <= removed);
    const onlyBefore = !onlyAfter && removed > 0;
    if (hasOld && !onlyAfter) {
      const match = waitingAfter.get(oldKey!);
      if (match === undefined) waitingBefore.set(oldKey!, i);
      else {
        waitingAfter.delete(oldKey!);
        compare(i, match);
      }
      i++;
    }
    if (hasOrder && !onlyBefore) {
      const match = waitingBefore.get(orderKey!);
      if (match === undefined) waitingAfter.set(orderKey!, j);
      else {
        waitingBefore.delete(orderKey!);
        compare(match, j);
      }
      j++;
    }
  }
  const byId = (a: { id: string }, b: { id: string }) => compareText(a.id, b.id);
  return {
    added: Array.from(waitingAfter.values(), (k) => after.at(k)!).sort(byId),
    removed: Array.from(waitingBefore.values(), (k) => before.at(k)!).sort(byId),
    changed: changed.sort(byId),
  };
}

function countByCompany(orders: OrderDiff): CompanyOrderCounts[] {
  const counts = new Map<string, { added: number; removed: number; changed: number }>();
  const count = (company: string) => {
    let entry = counts.get(company);
    if (entry === undefined) {
      entry = { added: 0, removed: 0, changed: 0 };
      counts.set(company, entry);
    }
    return entry;
  };
  for (const order of orders.added) count(order.company).added++;
  for (const order of orders.removed) count(order.company).removed++;
  for (const change of orders.changed) count(change.after.company).changed++;
  return [...counts.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([company, entry]) => ({ company, ...entry }));
}

/** Shortages summed per end demand, so a plan that splits one into parts still compares. */
function shortagesByDemand(
  shortages: readonly Shortage[],
): Map<string, { shortage: Shortage; quantity: number }> {
  const byDemand = new Map<string, { shortage: Shortage; quantity: number }>();
  for (const shortage of shortages) {
    const key = shortage.company + SEPARATOR + shortage.item + SEPARATOR + shortage.period;
    const entry = byDemand.get(key);
    if (entry === undefined) byDemand.set(key, { shortage, quantity: shortage.quantity });
    else entry.quantity += shortage.quantity;
  }
  return byDemand;
}

function diffShortages(before: readonly Shortage[], after: readonly Shortage[]): ShortageChange[] {
  const earlier = shortagesByDemand(before);
  const changes: ShortageChange[] = [];
  const change = (shortage: Shortage, kind: ShortageChangeKind, was: number, is: number): ShortageChange => ({
    company: shortage.company,
    item: shortage.item,
    period: shortage.period,
    change: kind,
    before: was,
    after: is,
    cause: shortage.cause,
  });
  for (const [key, { shortage, quantity: now }] of shortagesByDemand(after)) {
    const old = earlier.get(key);
    earlier.delete(key);
    const was = old?.quantity ?? 0;
    if (sameQuantity(was, now)) continue;
    const kind = was <= 0 ? 'appeared' : now <= 0 ? 'disappeared' : now > was ? 'grew' : 'shrank';
    changes.push(
      change(kind === 'disappeared' && old !== undefined ? old.shortage : shortage, kind, was, now),
    );
  }
  for (const { shortage, quantity: was } of earlier.values()) {
    if (!sameQuantity(was, 0)) changes.push(change(shortage, 'disappeared', was, 0));
  }
  return changes.sort(
    (a, b) => compareText(a.company, b.company) || compareText(a.item, b.item) || a.period - b.period,
  );
}

function diffBottlenecks(before: readonly Bottleneck[], after: readonly Bottleneck[]): BottleneckChange[] {
  const keyOf = (b: Bottleneck) => b.company + SEPARATOR + b.capacity + SEPARATOR + b.period;
  // Two plans of one network list their bottlenecks in the same order (records, then groups, by
  // period), and a key names one bottleneck of a plan. A cursor in each list moves on over the
  // bottlenecks both have (a re-plan takes the kept plan's objects over where nothing changed: mostly
  // the same object); where they differ, the nearer of the two a few places on is where they realign
  // (bottlenecks that appeared or disappeared there), and only what is passed over so goes through a
  // map by key (178,000 bottlenecks at 60,000 companies, a re-plan's changes spread over all of them).
  const same = (a: Bottleneck, b: Bottleneck) =>
    a === b || (a.company === b.company && a.capacity === b.capacity && a.period === b.period);
  const earlier = new Map<string, Bottleneck>();
  const later = new Map<string, Bottleneck>();
  let i = 0;
  let j = 0;
  while (i < before.length || j < after.length) {
    const old = before[i];
    const found = after[j];
    if (old !== undefined && found !== undefined && same(old, found)) {
      i++;
      j++;
      continue;
    }
    const { added: appeared, removed: disappeared } =
      old !== undefined && found !== undefined
        ? realign(
            (k) => j + k < after.length && same(old, after[j + k]!),
            (k) => i + k < before.length && same(before[i + k]!, found),
          )
        : NOT_REALIGNED;
    if (appeared > 0 && (disappeared === 0 || appeared <= disappeared)) {
      for (const passed of after.slice(j, j + appeared)) later.set(keyOf(passed), passed);
      j += appeared;
    } else if (disappeared > 0) {
      for (const passed of before.slice(i, i + disappeared)) earlier.set(keyOf(passed), passed);
      i += disappeared;
    } else {
      if (old !== undefined) earlier.set(keyOf(old), old);
      if (found !== undefined) later.set(keyOf(found), found);
      i++;
      j++;
    }
  }
  const changes: BottleneckChange[] = [];
  for (const [key, bottleneck] of later) {
    if (earlier.has(key)) earlier.delete(key);
    else changes.push({ ...bottleneck, change: 'appeared' });
  }
  for (const bottleneck of earlier.values()) changes.push({ ...bottleneck, change: 'disappeared' });
  return changes.sort(
    (a, b) =>
      compareText(a.company, b.company) ||
      compareText(a.capacity, b.capacity) ||
      a.period - b.period ||
      compareText(a.change, b.change),
  );
}

interface ReasonCounts {
  role: NoticeRole;
  counterpart: string | undefined;
  added: number;
  removed: number;
  changed: number;
  /** For `demand`: of `changed`, how many grew (the rest shrank). */
  grew: number;
}

/** Every company that must be told, with its reasons. */
function notices(orders: OrderDiff, shortages: readonly ShortageChange[]): Notice[] {
  const byCompany = new Map<string, Map<string, ReasonCounts>>();
  const reason = (company: string, role: NoticeRole, counterpart: string | undefined): ReasonCounts => {
    let reasons = byCompany.get(company);
    if (reasons === undefined) {
      reasons = new Map();
      byCompany.set(company, reasons);
    }
    const key = role + SEPARATOR + (counterpart ?? '');
    let entry = reasons.get(key);
    if (entry === undefined) {
      entry = { role, counterpart, added: 0, removed: 0, changed: 0, grew: 0 };
      reasons.set(key, entry);
    }
    return entry;
  };
  const tell = (order: PlannedOrder, field: 'added' | 'removed' | 'changed') => {
    if (order.kind === 'production' || order.supplier === undefined) {
      reason(order.company, 'maker', undefined)[field]++;
      return;
    }
    reason(order.company, 'buyer', order.supplier)[field]++;
    reason(order.supplier, 'supplier', order.company)[field]++;
  };
  for (const order of orders.added) tell(order, 'added');
  for (const order of orders.removed) tell(order, 'removed');
  // The planner's ids name the company, item, supplier and start, so a changed order keeps its parties.
  for (const change of orders.changed) tell(change.after, 'changed');
  for (const shortage of shortages) {
    const entry = reason(shortage.company, 'demand', undefined);
    if (shortage.change === 'appeared') entry.added++;
    else if (shortage.change === 'disappeared') entry.removed++;
    else {
      entry.changed++;
      if (shortage.change === 'grew') entry.grew++;
    }
  }
  return [...byCompany.entries()]
    .sort(([a], [b]) => compareText(a, b))
    .map(([company, reasons]) => ({
      company,
      reasons: [...reasons.values()]
        .sort(
          (a, b) =>
            ROLE_ORDER[a.role] - ROLE_ORDER[b.role] || compareText(a.counterpart ?? '', b.counterpart ?? ''),
        )
        .map(noticeReason),
    }));
}

function noticeReason(counts: ReasonCounts): NoticeReason {
  const { role, counterpart, added, removed, changed, grew } = counts;
  const parts =
    role === 'demand'
      ? [
          ...(added > 0 ? [`${added} appeared`] : []),
          ...(grew > 0 ? [`${grew} grew`] : []),
          ...(changed - grew > 0 ? [`${changed - grew} shrank`] : []),
          ...(removed > 0 ? [`${removed} disappeared`] : []),
        ]
      : orderParts(added, changed, removed);
  return {
    role,
    ...(counterpart === undefined ? {} : { counterpart }),
    added,
    removed,
    changed,
    text: reasonText(counts, parts),
  };
}

function orderParts(added: number, changed: number, removed: number): string[] {
  return [
    ...(added > 0 ? [`${added} new`] : []),
    ...(changed > 0 ? [`${changed} changed`] : []),
    ...(removed > 0 ? [`${removed} cancelled`] : []),
  ];
}

/** `3 purchase orders from oem-002 changed (1 new, 2 changed)`; no parentheses when all just changed. */
function reasonText(counts: ReasonCounts, parts: readonly string[]): string {
  const total = counts.added + counts.removed + counts.changed;
  const plural = total === 1 ? '' : 's';
  const detail =
    parts.length === 1 && counts.added === 0 && counts.removed === 0 ? '' : ` (${parts.join(', ')})`;
  switch (counts.role) {
    case 'maker':
      return `${total} production order${plural} changed${detail}`;
    case 'buyer':
      return `${total} purchase order${plural} to ${counts.counterpart ?? '?'} changed${detail}`;
    case 'supplier':
      return `${total} purchase order${plural} from ${counts.counterpart ?? '?'} changed${detail}`;
    case 'demand':
      return `${total} shortage${plural} of end demand changed (${parts.join(', ')})`;
  }
}

/** Plain code-unit order, the same on every machine (localeCompare is not). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
