/**
 * @module planning/events
 * The planning events a store holds, and how they change the network a plan is computed from
 * (issue 3, section 5: incremental re-planning). `applyPlanningEvents` folds a list of events into a
 * network and says what it touched, so the planner knows where to start again.
 *
 * | type               | payload                                              | effect                                                      |
 * | ------------------ | ---------------------------------------------------- | ----------------------------------------------------------- |
 * | `capacity.changed` | `company`, `item` or `group`, `from`, `to?`, `capacity` | sets the capacity of a production record or capacity group in `[from, to)` |
 * | `supplier.down`    | `company`, `from`, `to?`, `items?`                   | the company makes and ships nothing (of those items) in `[from, to)` |
 * | `supplier.restored` | `company`, `key`                                    | the `supplier.down` recorded before it with that key no longer counts |
 * | `demand.changed`   | `company`, `item`, `period`, `quantity`              | sets the end demand of one period                           |
 * | `demand.added`     | `company`, `item`, `period`, `quantity`              | adds to it (a negative quantity takes demand away)          |
 * | `order.opened`     | `id`, `kind?`, `company`, `item`, `supplier?`, `quantity`, `due` | adds an open order (scheduled receipt)            |
 * | `order.changed`    | `id`, `quantity?`, `due?`                            | replaces the quantity and/or due period of an open order    |
 * | `order.closed`     | `id`                                                 | removes an open order (received or cancelled)               |
 *
 * Every payload may also name its `network` (the network's name in the store). An event that names
 * another network is skipped (ignored and counted, with the network it named); an event without
 * `network` applies to whatever network it is applied to, which suits a store that holds one network.
 *
 * Periods are the network's (0 .. horizon − 1); `to` is exclusive and, when absent, means to the end
 * of the horizon. Any other event type is not a planning event: it is ignored and counted.
 *
 * ## Rules worth knowing
 * - **All or nothing.** Events apply in the order given; later events see earlier ones (an order
 *   opened in one event can be changed in the next). If any event is bad, the result is the list of
 *   every problem, each naming the event (index, sequence, key), the field and what to do, and no
 *   network at all. The input network is never modified; unchanged records are shared with it.
 * - **Capacity** is written as a per-period list only where it varies (a list shorter than the
 *   horizon repeats its last value; a constant positive capacity is one number). Raising a capacity
 *   above the record's `maximumCapacity` raises the maximum with it in those periods, since overtime
 *   can never give less than the regular plan.
 * - **A supplier that is down** gets capacity and maximum capacity 0 in the window for its production
 *   records (of the listed items, or all) and, when no items are listed, for all its capacity groups.
 *   That it also ships nothing, not even from stock, cannot be said in `keten.network/v1` without a
 *   new field, so it is returned beside the network as `blocked` windows, which the planner honours.
 *   Its open orders stand as they are: change or close them with their own events. A later
 *   `supplier.restored` naming the `supplier.down` by its key lifts it (a disruption notice resolved
 *   or replaced by a partner): the down is then not applied at all, as if it had never been recorded.
 * - **Demand** for a company and item without a demand record creates one, with 0 in the other
 *   periods; the company must make or buy the item, as the validator demands.
 * - **Open orders** are addressed by `id`; an open order in the network without one cannot be changed
 *   by events. A purchase needs a supplier of the buyer's sourcing rule; production, a production
 *   record. `kind` may be left out: an order with a supplier is a purchase, one without is production.
 * - The result passes `validateNetwork` whenever the input did.
 * - A few events cost a few scans of the sections they touch (milliseconds on a 60,000-company
 *   network with over a million open orders); many events build maps once (see `Finder`).
 *
 * For a stored version, `effectiveNetwork` (`effective-network.ts`) chooses the events of the log that
 * count for it and applies them with this.
 *
 * @example
 * const result = applyPlanningEvents(network, events, { network: 'minimal-two-tier' });
 * if (!result.ok) for (const problem of result.error) console.log(formatPlanningEventProblem(problem));
 * else replanNetwork(previous, result.value.network, { blocked: result.value.blocked });
 */
import { z } from 'zod';
import {
  type CapacityGroup,
  type Demand,
  Id,
  type Network,
  OpenOrder,
  Periods,
  type PerPeriod,
  type Production,
  valueAt,
} from '../model/schema.ts';
import { schemaIssues } from '../model/schema-issues.ts';
import { closestMatch } from '../model/suggest.ts';
import { err, ok, type Result } from '../result.ts';
import { STORE_LIMITS } from '../store/input.ts';

const Quantity = z.number().finite().min(0);
const WindowFrom = Periods.describe('First period of the window (inclusive).');
const WindowTo = Periods.optional().describe('Period after the window (exclusive); absent: to the end.');
const OrderId = z.string().min(1).max(100).describe('The open order number.');
/** The network an event is for, as every planning payload may name it. */
export const PayloadNetwork = z
  .string()
  .min(1)
  .max(STORE_LIMITS.networkName)
  .optional()
  .describe('The network the event is for (its name in the store); absent: any network.');

export const CapacityChangedPayload = z.strictObject({
  company: Id,
  item: Id.optional().describe("The item of the company's production record; give this or `group`."),
  group: Id.optional().describe('A capacity group of the company; give this or `item`.'),
  from: WindowFrom,
  to: WindowTo,
  capacity: Quantity.describe('The capacity in every period of the window.'),
  network: PayloadNetwork,
});
export type CapacityChangedPayload = z.infer<typeof CapacityChangedPayload>;

export const SupplierDownPayload = z.strictObject({
  company: Id,
  from: WindowFrom,
  to: WindowTo,
  items: z
    .array(Id)
    .min(1, "list at least one item, or leave 'items' out for all")
    .optional()
    .describe('The items it cannot make or ship; absent: all.'),
  network: PayloadNetwork,
});
export type SupplierDownPayload = z.infer<typeof SupplierDownPayload>;

export const SupplierRestoredPayload = z.strictObject({
  company: Id.describe('The company of the supplier.down lifted.'),
  key: z.string().min(1).max(512).describe('The key of the supplier.down event it lifts.'),
  network: PayloadNetwork,
});
export type SupplierRestoredPayload = z.infer<typeof SupplierRestoredPayload>;

export const DemandChangedPayload = z.strictObject({
  company: Id,
  item: Id,
  period: Periods,
  quantity: Quantity.describe('The end demand of the period.'),
  network: PayloadNetwork,
});
export type DemandChangedPayload = z.infer<typeof DemandChangedPayload>;

export const DemandAddedPayload = z.strictObject({
  company: Id,
  item: Id,
  period: Periods,
  quantity: z.number().finite().describe('Added to the end demand of the period; negative takes away.'),
  network: PayloadNetwork,
});
export type DemandAddedPayload = z.infer<typeof DemandAddedPayload>;

export const OrderOpenedPayload = OpenOrder.extend({
  id: OrderId,
  kind: OpenOrder.shape.kind
    .optional()
    .describe('purchase or production; absent: purchase when a supplier is given, else production.'),
  network: PayloadNetwork,
});
export type OrderOpenedPayload = z.infer<typeof OrderOpenedPayload>;

export const OrderChangedPayload = z.strictObject({
  id: OrderId,
  quantity: OpenOrder.shape.quantity.optional(),
  due: OpenOrder.shape.due.optional(),
  network: PayloadNetwork,
});
export type OrderChangedPayload = z.infer<typeof OrderChangedPayload>;

export const OrderClosedPayload = z.strictObject({ id: OrderId, network: PayloadNetwork });
export type OrderClosedPayload = z.infer<typeof OrderClosedPayload>;

/** The payload schema of every planning event type. */
export const PLANNING_EVENT_PAYLOADS = {
  'capacity.changed': CapacityChangedPayload,
  'supplier.down': SupplierDownPayload,
  'supplier.restored': SupplierRestoredPayload,
  'demand.changed': DemandChangedPayload,
  'demand.added': DemandAddedPayload,
  'order.opened': OrderOpenedPayload,
  'order.changed': OrderChangedPayload,
  'order.closed': OrderClosedPayload,
} as const;

export type PlanningEventType = keyof typeof PLANNING_EVENT_PAYLOADS;

/** True for the event types that change the network a plan is computed from. */
export function isPlanningEventType(type: string): type is PlanningEventType {
  return Object.hasOwn(PLANNING_EVENT_PAYLOADS, type);
}

/** An event to apply: a stored event fits; `sequence` and `key` only name it in problems. */
export interface PlanningEventInput {
  readonly type: string;
  readonly payload: unknown;
  readonly sequence?: number;
  readonly key?: string;
}

/**
 * The problems of planning events whose payload does not fit their type (wrong or unknown fields,
 * values out of range): the checks that need no network. For the edges that accept events, so the log
 * does not keep an event no plan can apply. Events of other types pass; whether the companies, items
 * and orders exist is checked when the events are applied to a network.
 */
export function checkPlanningPayloads(events: readonly PlanningEventInput[]): PlanningEventProblem[] {
  const problems: PlanningEventProblem[] = [];
  events.forEach((event, index) => {
    if (!isPlanningEventType(event.type)) return;
    const context = {
      index,
      type: event.type,
      ...(event.sequence === undefined ? {} : { sequence: event.sequence }),
      ...(event.key === undefined ? {} : { key: event.key }),
    };
    const schema: z.ZodType = PLANNING_EVENT_PAYLOADS[event.type];
    const result = parsePayload(schema, event.payload, context);
    if (!result.ok) problems.push(...result.error);
  });
  return problems;
}

/** A window in which `supplier` ships nothing (of `item`, or of anything when `item` is absent). */
export interface BlockedWindow {
  readonly supplier: string;
  readonly item?: string;
  /** First blocked period. */
  readonly from: number;
  /** Period after the window (exclusive); the horizon when the window runs to the end. */
  readonly to: number;
}

export type TouchedChange = 'capacity' | 'demand' | 'receipts';

/** A company and item whose capacity, end demand or scheduled receipts changed. */
export interface TouchedNode {
  readonly company: string;
  readonly item: string;
  /** What changed, sorted. */
  readonly changes: TouchedChange[];
  /** The earliest period in which a value changed. */
  readonly from: number;
}

/** A capacity group whose capacity changed. */
export interface TouchedGroup {
  readonly id: string;
  readonly company: string;
  readonly from: number;
}

/** What the events changed, where the incremental planner starts. Sorted, so it compares with toEqual. */
export interface Touched {
  /** By company, then item. */
  readonly nodes: TouchedNode[];
  /** By id. */
  readonly groups: TouchedGroup[];
  /**
   * Companies with a `supplier.down` event, sorted. Their buyers are not listed as nodes: what they
   * can no longer receive follows from `blocked` and the sourcing rules.
   */
  readonly suppliers: string[];
}

export interface AppliedPlanningEvents {
  /** The network with the events applied. */
  readonly network: Network;
  /** Windows in which suppliers ship nothing, merged per supplier and item, sorted. */
  readonly blocked: BlockedWindow[];
  /** Planning events applied (also those that changed nothing, e.g. setting a value it had). */
  readonly applied: number;
  /** Events skipped: of other types (not planning events), or addressed to another network. */
  readonly ignored: number;
  /** Why they were skipped: how many were of another type, how many for another network. */
  readonly ignoredBecause: { readonly type: number; readonly network: number };
  /** The distinct types of the events of other types, sorted (a misspelt planning type shows up here). */
  readonly ignoredTypes: string[];
  /** The distinct networks the events for another network named, sorted. */
  readonly ignoredNetworks: string[];
  readonly touched: Touched;
}

/**
 * Every kind of problem an event can have, with what it means. The keys form the closed
 * `PlanningEventProblemCode` union.
 */
export const PLANNING_EVENT_PROBLEM_CODES = {
  'unknown-field':
    'A payload field the event type does not define, usually a typo; a close match is suggested.',
  'missing-field': 'A required payload field is absent.',
  'wrong-type': 'A payload value of the wrong kind, e.g. text where a number belongs.',
  'invalid-value': 'A payload value outside what is allowed (range, pattern, list of options).',
  'unknown-company': 'A company the network does not define.',
  'unknown-item': 'An item the network does not define.',
  'unknown-group': 'A capacity group the network does not define, or one of another company.',
  'unknown-order': 'An open order id that is not open (never opened, or closed already).',
  'duplicate-order': 'order.opened with the id of an order that is open already.',
  'no-production': 'A capacity or production order for a company and item without a production record.',
  'not-sourced': "Demand or a purchase the network's sourcing does not allow.",
  'not-supplied': 'supplier.down for an item the company neither makes nor supplies.',
  'outside-horizon': "A period beyond the network's horizon.",
  'empty-window': "A window whose 'to' is not after its 'from'.",
  'negative-demand': 'demand.added that would take the end demand below 0.',
} as const satisfies Record<string, string>;

export type PlanningEventProblemCode = keyof typeof PLANNING_EVENT_PROBLEM_CODES;

/** One problem with one event. */
export interface PlanningEventProblem {
  /** Position of the event in the list given (0-based). */
  readonly index: number;
  readonly sequence?: number;
  readonly key?: string;
  readonly type: string;
  /** The field in the event, e.g. `['payload', 'to']`. */
  readonly path: (string | number)[];
  readonly code: PlanningEventProblemCode;
  /** What is wrong and what to do, in plain words. */
  readonly message: string;
}

/** `event 3 (sequence 41, key 'cap-7', capacity.changed): payload.to: ...` */
export function formatPlanningEventProblem(problem: PlanningEventProblem): string {
  return describeProblem(problem, false);
}

/**
 * For events read from the log: named by their sequence, not by their place in a list.
 * `event at sequence 41 (key 'cap-7', capacity.changed): payload.to: ...`
 */
export function formatLoggedEventProblem(problem: PlanningEventProblem): string {
  return describeProblem(problem, problem.sequence !== undefined);
}

function describeProblem(problem: PlanningEventProblem, bySequence: boolean): string {
  const names = [
    ...(problem.sequence === undefined || bySequence ? [] : [`sequence ${problem.sequence}`]),
    ...(problem.key === undefined ? [] : [`key '${problem.key}'`]),
    problem.type,
  ];
  const field = problem.path.map((segment) => (typeof segment === 'number' ? `[${segment}]` : segment));
  const place = field.join('.').replaceAll('.[', '[');
  const event = bySequence ? `event at sequence ${problem.sequence}` : `event ${problem.index}`;
  return `${event} (${names.join(', ')}): ${place === '' ? '' : `${place}: `}${problem.message}`;
}

export interface ApplyPlanningEventsOptions {
  /** Blocked windows from events applied earlier, carried into the result. */
  readonly blocked?: readonly BlockedWindow[];
  /**
   * The name of the network the events are applied to (its name in the store, which may differ from
   * the document's `name`); events whose payload names another `network` are skipped. Default:
   * `network.name`.
   */
  readonly network?: string;
}

/** The network a payload names, when it names one as text (anything else is left to the schema). */
export function addressedNetwork(payload: unknown): string | undefined {
  if (payload === null || typeof payload !== 'object') return undefined;
  const value = (payload as Record<string, unknown>).network;
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * Applies the planning events to `network`, in order. Pure: `network` is not modified.
 *
 * @example
 * const result = applyPlanningEvents(network, [
 *   { type: 'capacity.changed', payload: { company: 'frame-a', item: 'frame', from: 4, to: 8, capacity: 2 } },
 * ]);
 * // result.value.touched.nodes: [{ company: 'frame-a', item: 'frame', changes: ['capacity'], from: 4 }]
 */
export function applyPlanningEvents(
  network: Network,
  events: readonly PlanningEventInput[],
  options: ApplyPlanningEventsOptions = {},
): Result<AppliedPlanningEvents, PlanningEventProblem[]> {
  const applier = new EventApplier(network);
  const name = options.network ?? network.name;
  let applied = 0;
  const ignoredBecause = { type: 0, network: 0 };
  const ignoredTypes = new Set<string>();
  const ignoredNetworks = new Set<string>();
  const forThis = (event: PlanningEventInput) => {
    const addressed = addressedNetwork(event.payload);
    return addressed === undefined || addressed === name;
  };
  // supplier.down events lifted by a later supplier.restored (by key): where each was lifted last.
  const lifted = new Map<string, number>();
  events.forEach((event, index) => {
    if (event.type !== 'supplier.restored' || !forThis(event)) return;
    const key = (event.payload as { key?: unknown } | null)?.key;
    if (typeof key === 'string') lifted.set(key, index);
  });
  events.forEach((event, index) => {
    if (!isPlanningEventType(event.type)) {
      ignoredBecause.type++;
      ignoredTypes.add(event.type);
      return;
    }
    if (!forThis(event)) {
      ignoredBecause.network++;
      ignoredNetworks.add(addressedNetwork(event.payload)!);
      return;
    }
    if (event.type === 'supplier.down' && event.key !== undefined && (lifted.get(event.key) ?? -1) > index) {
      applied++;
      return;
    }
    if (applier.apply(event.type, event, index)) applied++;
  });
  if (applier.problems.length > 0) return err(applier.problems);
  return ok({
    network: applier.network(),
    blocked: mergeWindows([...(options.blocked ?? []), ...applier.blocked]),
    applied,
    ignored: ignoredBecause.type + ignoredBecause.network,
    ignoredBecause,
    ignoredTypes: [...ignoredTypes].sort(compareText),
    ignoredNetworks: [...ignoredNetworks].sort(compareText),
    touched: applier.touched(),
  });
}

/** Suggestions cost an edit distance per known id; a long list of bad events stops suggesting. */
const MAX_SUGGESTIONS = 200;
const SEPARATOR = '\u0000';
/** Lookups of one kind done by a scan before a map is built for them. */
const SCANS_BEFORE_INDEX = 8;
/** Above this many open orders, an unknown order id gets no "did you mean". */
const MAX_ORDERS_TO_SUGGEST = 50_000;

/** Which event a problem is about. */
export interface EventContext {
  readonly index: number;
  readonly sequence?: number;
  readonly key?: string;
  readonly type: string;
}

/**
 * An event's payload checked against its schema: the parsed payload, or a problem per finding, each
 * naming the field (`['payload', 'to']`) in plain words.
 */
export function parsePayload<T>(
  schema: z.ZodType<T>,
  payload: unknown,
  context: EventContext,
): Result<T, PlanningEventProblem[]> {
  const result = schema.safeParse(payload, { reportInput: true });
  if (result.success) return ok(result.data);
  return err(
    schemaIssues(schema, ['payload'], result.error.issues).map((draft) => ({
      ...context,
      path: draft.path,
      code: SCHEMA_CODES.has(draft.code) ? (draft.code as SchemaProblemCode) : 'invalid-value',
      message: draft.message,
    })),
  );
}

type SchemaProblemCode = 'unknown-field' | 'missing-field' | 'wrong-type' | 'invalid-value';
const SCHEMA_CODES = new Set<string>(['unknown-field', 'missing-field', 'wrong-type', 'invalid-value']);

interface MutableTouchedNode {
  company: string;
  item: string;
  changes: Set<TouchedChange>;
  from: number;
}

/**
 * Applies events one by one to copy-on-write sections of the network: a section is copied (shallowly)
 * the first time an event changes it, and each changed record is replaced by a new object. Every
 * handler checks the whole event before it changes anything, so a refused event leaves no trace.
 */
class EventApplier {
  readonly problems: PlanningEventProblem[] = [];
  readonly blocked: BlockedWindow[] = [];
  private readonly horizon: number;
  private context: EventContext = { index: 0, type: '' };
  private suggestionsLeft = MAX_SUGGESTIONS;
  // Copies of the sections changed so far.
  private production: Production[] | undefined;
  private capacityGroups: CapacityGroup[] | undefined;
  private demand: Demand[] | undefined;
  /** Open orders; a closed one becomes undefined until the end. */
  private openOrders: (OpenOrder | undefined)[] | undefined;
  // Lookups of records by key (see `Finder`); positions are stable, since changed records are
  // replaced in place and closed orders leave an empty place until the end.
  private readonly companies = new Finder(
    () => this.base.companies,
    (company) => company.id,
  );
  private readonly items = new Finder(
    () => this.base.items,
    (item) => item.id,
  );
  private readonly productionOf = new Finder(() => this.production ?? this.base.production ?? [], nodeKey);
  private readonly productionByCompany = new Finder(
    () => this.production ?? this.base.production ?? [],
    (record) => record.company,
  );
  private readonly groups = new Finder(
    () => this.capacityGroups ?? this.base.capacityGroups ?? [],
    (group) => group.id,
  );
  private readonly groupsByCompany = new Finder(
    () => this.capacityGroups ?? this.base.capacityGroups ?? [],
    (group) => group.company,
  );
  private readonly demandOf = new Finder(() => this.demand ?? this.base.demand ?? [], nodeKey);
  private readonly sourcingOf = new Finder(
    () => this.base.sourcing ?? [],
    (rule) => rule.buyer + SEPARATOR + rule.item,
  );
  private readonly sourcingByItem = new Finder(
    () => this.base.sourcing ?? [],
    (rule) => rule.item,
  );
  private readonly orderIds = new Finder(
    () => this.openOrders ?? this.base.openOrders ?? [],
    (order) => order.id ?? '',
  );
  /** Ids of refused order.opened events, to explain a later "unknown order". */
  private readonly refusedOpenings = new Map<string, number>();
  // What changed.
  private readonly touchedNodes = new Map<string, MutableTouchedNode>();
  private readonly touchedGroups = new Map<string, TouchedGroup>();
  private readonly downSuppliers = new Set<string>();

  constructor(private readonly base: Network) {
    this.horizon = base.horizon;
  }

  /** Applies one planning event; false (with problems recorded) when it is refused. */
  apply(type: PlanningEventType, event: PlanningEventInput, index: number): boolean {
    this.context = {
      index,
      type,
      ...(event.sequence === undefined ? {} : { sequence: event.sequence }),
      ...(event.key === undefined ? {} : { key: event.key }),
    };
    const before = this.problems.length;
    switch (type) {
      case 'capacity.changed': {
        const payload = this.parse(CapacityChangedPayload, event.payload);
        if (payload !== undefined) this.capacityChanged(payload);
        break;
      }
      case 'supplier.down': {
        const payload = this.parse(SupplierDownPayload, event.payload);
        if (payload !== undefined) this.supplierDown(payload);
        break;
      }
      case 'supplier.restored': {
        // Lifting is done before (applyPlanningEvents skips the down): only the payload is checked.
        const payload = this.parse(SupplierRestoredPayload, event.payload);
        if (payload !== undefined) this.checkCompany(payload.company, ['payload', 'company']);
        break;
      }
      case 'demand.changed': {
        const payload = this.parse(DemandChangedPayload, event.payload);
        if (payload !== undefined) this.demandChanged(payload, 'set');
        break;
      }
      case 'demand.added': {
        const payload = this.parse(DemandAddedPayload, event.payload);
        if (payload !== undefined) this.demandChanged(payload, 'add');
        break;
      }
      case 'order.opened': {
        const payload = this.parse(OrderOpenedPayload, event.payload);
        if (payload !== undefined) this.orderOpened(payload);
        else this.rememberRefusedOpening(event.payload, index);
        break;
      }
      case 'order.changed': {
        const payload = this.parse(OrderChangedPayload, event.payload);
        if (payload !== undefined) this.orderChanged(payload);
        break;
      }
      case 'order.closed': {
        const payload = this.parse(OrderClosedPayload, event.payload);
        if (payload !== undefined) this.orderClosed(payload);
        break;
      }
    }
    return this.problems.length === before;
  }

  /** The network with every change so far; sections no event changed are the input's own. */
  network(): Network {
    const next: Network = { ...this.base };
    if (this.production !== undefined) next.production = this.production;
    if (this.capacityGroups !== undefined) next.capacityGroups = this.capacityGroups;
    if (this.demand !== undefined) next.demand = this.demand;
    if (this.openOrders !== undefined) {
      next.openOrders = this.openOrders.includes(undefined)
        ? this.openOrders.filter((order): order is OpenOrder => order !== undefined)
        : (this.openOrders as OpenOrder[]);
    }
    return next;
  }

  touched(): Touched {
    const nodes = [...this.touchedNodes.values()]
      .sort((a, b) => compareText(a.company, b.company) || compareText(a.item, b.item))
      .map(({ company, item, changes, from }) => ({
        company,
        item,
        changes: [...changes].sort(compareText),
        from,
      }));
    const groups = [...this.touchedGroups.values()].sort((a, b) => compareText(a.id, b.id));
    return { nodes, groups, suppliers: [...this.downSuppliers].sort(compareText) };
  }

  // --- the event types ---

  private capacityChanged(payload: CapacityChangedPayload): void {
    const before = this.problems.length;
    const companyKnown = this.checkCompany(payload.company, ['payload', 'company']);
    const window = this.checkWindow(payload.from, payload.to);
    let production: number | undefined;
    let group: number | undefined;
    if (payload.item === undefined && payload.group === undefined) {
      this.problem(
        ['payload'],
        'missing-field',
        "give 'item' to change the capacity of a production record (company and item), or 'group' for a capacity group",
      );
    } else if (payload.item !== undefined && payload.group !== undefined) {
      this.problem(
        ['payload', 'group'],
        'invalid-value',
        "give 'item' or 'group', not both; send one capacity.changed event for each",
      );
    } else if (payload.item !== undefined) {
      if (this.checkItem(payload.item, ['payload', 'item']) && companyKnown) {
        production = this.checkProduction(payload.company, payload.item, ['payload', 'item']);
      }
    } else if (payload.group !== undefined && companyKnown) {
      group = this.checkGroup(payload.company, payload.group);
    }
    if (this.problems.length > before || window === undefined) return;
    if (production !== undefined) {
      this.setProductionCapacity(production, window, payload.capacity, 'raise');
    } else if (group !== undefined) {
      this.setGroupCapacity(group, window, payload.capacity, 'raise');
    }
  }

  private supplierDown(payload: SupplierDownPayload): void {
    const before = this.problems.length;
    const companyKnown = this.checkCompany(payload.company, ['payload', 'company']);
    const window = this.checkWindow(payload.from, payload.to);
    const items = payload.items === undefined ? undefined : [...new Set(payload.items)];
    payload.items?.forEach((item, index) => {
      if (!this.checkItem(item, ['payload', 'items', index]) || !companyKnown) return;
      if (this.makes(payload.company, item) === undefined && !this.supplies(payload.company, item)) {
        this.problem(
          ['payload', 'items', index],
          'not-supplied',
          `company '${payload.company}' neither makes nor supplies '${item}' (no production record, and no ` +
            "sourcing rule names it as a supplier of it); leave the item out of 'items'",
        );
      }
    });
    if (this.problems.length > before || window === undefined) return;
    const company = payload.company;
    const stopped =
      items === undefined
        ? this.productionByCompany.all(company)
        : items.flatMap((item) => this.productionOf.first(company + SEPARATOR + item) ?? []);
    for (const index of stopped) this.setProductionCapacity(index, window, 0, 'set');
    if (items === undefined) {
      for (const group of this.groupsByCompany.all(company)) this.setGroupCapacity(group, window, 0, 'set');
    }
    for (const item of items ?? [undefined]) {
      this.blocked.push({
        supplier: company,
        ...(item === undefined ? {} : { item }),
        from: window.from,
        to: window.to,
      });
    }
    this.downSuppliers.add(company);
  }

  private demandChanged(payload: DemandChangedPayload | DemandAddedPayload, mode: 'set' | 'add'): void {
    const before = this.problems.length;
    const companyKnown = this.checkCompany(payload.company, ['payload', 'company']);
    const itemKnown = this.checkItem(payload.item, ['payload', 'item']);
    this.checkPeriod(payload.period, ['payload', 'period']);
    const index = this.demandOf.first(payload.company + SEPARATOR + payload.item);
    const record = index === undefined ? undefined : (this.demand ?? this.base.demand)?.[index];
    const current = record?.quantities[payload.period] ?? 0;
    const quantity = mode === 'set' ? payload.quantity : addDemand(current, payload.quantity);
    if (record === undefined && companyKnown && itemKnown) {
      if (
        this.makes(payload.company, payload.item) === undefined &&
        !this.buys(payload.company, payload.item)
      ) {
        this.problem(
          ['payload', 'item'],
          'not-sourced',
          `company '${payload.company}' neither makes nor buys '${payload.item}', so it can have no end demand ` +
            'for it; add a production record or a sourcing rule to the network first',
        );
      }
    }
    if (quantity < 0) {
      this.problem(
        ['payload', 'quantity'],
        'negative-demand',
        `adding ${payload.quantity} to the demand of ${current} in period ${payload.period} would make it ` +
          `${quantity}; take away at most ${current}, or send demand.changed with the new quantity`,
      );
    }
    if (this.problems.length > before || quantity === current) return;
    const records = this.demandCopy();
    if (record === undefined || index === undefined) {
      const quantities = new Array<number>(payload.period + 1).fill(0);
      quantities[payload.period] = quantity;
      this.demandOf.added(payload.company + SEPARATOR + payload.item, records.length);
      records.push({ company: payload.company, item: payload.item, quantities });
    } else {
      const quantities = record.quantities.slice();
      while (quantities.length <= payload.period) quantities.push(0);
      quantities[payload.period] = quantity;
      records[index] = { ...record, quantities };
    }
    this.touchNode(payload.company, payload.item, 'demand', payload.period);
  }

  private orderOpened(payload: OrderOpenedPayload): void {
    const before = this.problems.length;
    const existing = this.orderIds.first(payload.id);
    if (existing !== undefined) {
      const order = this.orders()[existing];
      this.problem(
        ['payload', 'id'],
        'duplicate-order',
        `open order '${payload.id}' exists already (${order === undefined ? '' : describeOrder(order)}); send ` +
          'order.changed to change it, or order.closed first',
      );
    }
    const companyKnown = this.checkCompany(payload.company, ['payload', 'company']);
    const itemKnown = this.checkItem(payload.item, ['payload', 'item']);
    const supplierKnown =
      payload.supplier === undefined || this.checkCompany(payload.supplier, ['payload', 'supplier']);
    this.checkPeriod(payload.due, ['payload', 'due']);
    const kind = payload.kind ?? (payload.supplier === undefined ? 'production' : 'purchase');
    if (kind === 'production') {
      if (payload.supplier !== undefined) {
        this.problem(
          ['payload', 'supplier'],
          'invalid-value',
          "a production order has no supplier; leave 'supplier' out, or give kind: purchase",
        );
      } else if (companyKnown && itemKnown) {
        this.checkProduction(payload.company, payload.item, ['payload', 'item']);
      }
    } else if (payload.supplier === undefined) {
      this.problem(['payload', 'supplier'], 'missing-field', "a purchase order needs a 'supplier'");
    } else if (companyKnown && itemKnown && supplierKnown) {
      const rule = this.sourcingOf.first(payload.company + SEPARATOR + payload.item);
      const suppliers =
        rule === undefined ? undefined : this.base.sourcing?.[rule]?.suppliers.map((line) => line.supplier);
      if (suppliers === undefined) {
        this.problem(
          ['payload', 'item'],
          'not-sourced',
          `company '${payload.company}' has no sourcing rule for '${payload.item}', so it cannot have a ` +
            'purchase order for it',
        );
      } else if (!suppliers.includes(payload.supplier)) {
        this.problem(
          ['payload', 'supplier'],
          'not-sourced',
          `'${payload.supplier}' is not a supplier of '${payload.company}' for '${payload.item}'` +
            `${this.suggest(payload.supplier, suppliers)}; its suppliers are ${suppliers.join(', ')}`,
        );
      }
    }
    if (this.problems.length > before) {
      this.refusedOpenings.set(payload.id, this.context.index);
      return;
    }
    const order: OpenOrder = {
      kind,
      company: payload.company,
      item: payload.item,
      ...(payload.supplier === undefined ? {} : { supplier: payload.supplier }),
      quantity: payload.quantity,
      due: payload.due,
      id: payload.id,
    };
    const orders = this.orders();
    this.orderIds.added(payload.id, orders.length);
    orders.push(order);
    this.refusedOpenings.delete(payload.id);
    this.touchNode(order.company, order.item, 'receipts', order.due);
  }

  private orderChanged(payload: OrderChangedPayload): void {
    const before = this.problems.length;
    const index = this.findOrder(payload.id);
    if (payload.quantity === undefined && payload.due === undefined) {
      this.problem(
        ['payload'],
        'missing-field',
        "give the new 'quantity', the new 'due' period, or both (to remove the order, send order.closed)",
      );
    }
    if (payload.due !== undefined) this.checkPeriod(payload.due, ['payload', 'due']);
    if (this.problems.length > before || index === undefined) return;
    const orders = this.orders();
    const order = orders[index];
    if (order === undefined) return;
    const quantity = payload.quantity ?? order.quantity;
    const due = payload.due ?? order.due;
    if (quantity === order.quantity && due === order.due) return;
    orders[index] = { ...order, quantity, due };
    this.touchNode(order.company, order.item, 'receipts', Math.min(order.due, due));
  }

  private orderClosed(payload: OrderClosedPayload): void {
    const index = this.findOrder(payload.id);
    if (index === undefined) return;
    const orders = this.orders();
    const order = orders[index];
    if (order === undefined) return;
    orders[index] = undefined;
    this.orderIds.removed(payload.id, index);
    this.touchNode(order.company, order.item, 'receipts', order.due);
  }

  // --- changes ---

  private setProductionCapacity(index: number, window: Window, value: number, maximum: MaximumRule): void {
    const records = this.production ?? this.base.production ?? [];
    const record = records[index];
    if (record === undefined) return;
    const change = withCapacity(record, window, value, maximum, this.horizon);
    if (change === undefined) return;
    this.production ??= records.slice();
    this.production[index] = change.record;
    this.touchNode(record.company, record.item, 'capacity', change.from);
  }

  private setGroupCapacity(index: number, window: Window, value: number, maximum: MaximumRule): void {
    const records = this.capacityGroups ?? this.base.capacityGroups ?? [];
    const record = records[index];
    if (record === undefined) return;
    const change = withCapacity(record, window, value, maximum, this.horizon);
    if (change === undefined) return;
    this.capacityGroups ??= records.slice();
    this.capacityGroups[index] = change.record;
    const earlier = this.touchedGroups.get(record.id);
    this.touchedGroups.set(record.id, {
      id: record.id,
      company: record.company,
      from: Math.min(change.from, earlier?.from ?? change.from),
    });
  }

  private touchNode(company: string, item: string, change: TouchedChange, from: number): void {
    const key = company + SEPARATOR + item;
    const node = this.touchedNodes.get(key);
    if (node === undefined) {
      this.touchedNodes.set(key, { company, item, changes: new Set([change]), from });
      return;
    }
    node.changes.add(change);
    node.from = Math.min(node.from, from);
  }

  private demandCopy(): Demand[] {
    this.demand ??= (this.base.demand ?? []).slice();
    return this.demand;
  }

  private orders(): (OpenOrder | undefined)[] {
    this.openOrders ??= (this.base.openOrders ?? []).slice();
    return this.openOrders;
  }

  // --- checks; each reports its problem and says whether the value is good ---

  private parse<T>(schema: z.ZodType<T>, payload: unknown): T | undefined {
    const result = parsePayload(schema, payload, this.context);
    if (result.ok) return result.value;
    this.problems.push(...result.error);
    return undefined;
  }

  private checkCompany(id: string, path: (string | number)[]): boolean {
    if (this.companies.first(id) !== undefined) return true;
    const known = this.base.companies.map((company) => company.id);
    this.problem(path, 'unknown-company', `unknown company '${id}'${this.suggest(id, known)}`);
    return false;
  }

  private checkItem(id: string, path: (string | number)[]): boolean {
    if (this.items.first(id) !== undefined) return true;
    const known = this.base.items.map((item) => item.id);
    this.problem(path, 'unknown-item', `unknown item '${id}'${this.suggest(id, known)}`);
    return false;
  }

  /** The index of the company's production record for the item, or a problem. */
  private checkProduction(company: string, item: string, path: (string | number)[]): number | undefined {
    const index = this.makes(company, item);
    if (index !== undefined) return index;
    const records = this.production ?? this.base.production ?? [];
    const made = this.productionByCompany.all(company).map((at) => records[at]?.item ?? '');
    this.problem(
      path,
      'no-production',
      `company '${company}' has no production record for '${item}'${this.suggest(item, made)}; ` +
        (made.length === 0 ? 'it makes nothing' : `it makes ${made.join(', ')}`),
    );
    return undefined;
  }

  private checkGroup(company: string, id: string): number | undefined {
    const index = this.groups.first(id);
    const groups = this.capacityGroups ?? this.base.capacityGroups ?? [];
    const own = this.groupsByCompany.all(company).map((at) => groups[at]?.id ?? '');
    if (index === undefined) {
      const hint = this.suggest(id, own.length > 0 ? own : groups.map((group) => group.id));
      const list =
        own.length > 0 ? `; its capacity groups are ${own.join(', ')}` : ` (company '${company}' has none)`;
      this.problem(['payload', 'group'], 'unknown-group', `unknown capacity group '${id}'${hint}${list}`);
      return undefined;
    }
    const owner = groups[index]?.company;
    if (owner !== company) {
      this.problem(
        ['payload', 'group'],
        'unknown-group',
        `capacity group '${id}' belongs to company '${owner}', not '${company}'` +
          (own.length > 0 ? `; the groups of '${company}' are ${own.join(', ')}` : ''),
      );
      return undefined;
    }
    return index;
  }

  private checkPeriod(period: number, path: (string | number)[]): boolean {
    if (period < this.horizon) return true;
    this.problem(
      path,
      'outside-horizon',
      `period ${period} is beyond the horizon (periods 0 to ${this.horizon - 1})`,
    );
    return false;
  }

  /** `[from, to)` within the horizon and not empty; `to` defaults to the horizon. */
  private checkWindow(from: number, to: number | undefined): Window | undefined {
    const fromGood = this.checkPeriod(from, ['payload', 'from']);
    if (to !== undefined && to > this.horizon) {
      this.problem(
        ['payload', 'to'],
        'outside-horizon',
        `'to' is period ${to}, beyond the horizon of ${this.horizon} periods; leave 'to' out to mean to ` +
          `the end, or give at most ${this.horizon}`,
      );
      return undefined;
    }
    if (!fromGood) return undefined;
    if (to !== undefined && to <= from) {
      this.problem(
        ['payload', 'to'],
        'empty-window',
        `'to' (${to}) must be after 'from' (${from}): the window is from 'from' up to but not including 'to'`,
      );
      return undefined;
    }
    return { from, to: to ?? this.horizon };
  }

  /** The index of the open order with this id, or a problem. */
  private findOrder(id: string): number | undefined {
    const index = this.orderIds.first(id);
    if (index !== undefined) return index;
    const refused = this.refusedOpenings.get(id);
    const orders = this.openOrders ?? this.base.openOrders ?? [];
    // An edit distance per open order: suggest only where that stays cheap.
    const hint =
      orders.length <= MAX_ORDERS_TO_SUGGEST
        ? this.suggest(
            id,
            orders.flatMap((order) => order?.id ?? []),
          )
        : '';
    const reason =
      refused === undefined
        ? `no open order has id '${id}'${hint}`
        : `open order '${id}' is not open: event ${refused}, which would have opened it, was refused`;
    this.problem(['payload', 'id'], 'unknown-order', reason);
    return undefined;
  }

  private rememberRefusedOpening(payload: unknown, index: number): void {
    if (payload === null || typeof payload !== 'object') return;
    const id = (payload as Record<string, unknown>).id;
    if (typeof id === 'string') this.refusedOpenings.set(id, index);
  }

  private suggest(word: string, candidates: Iterable<string>): string {
    if (this.suggestionsLeft <= 0) return '';
    this.suggestionsLeft--;
    const match = closestMatch(word, candidates);
    return match === undefined ? '' : ` (did you mean '${match}'?)`;
  }

  private problem(path: (string | number)[], code: PlanningEventProblemCode, message: string): void {
    this.problems.push({ ...this.context, path, code, message });
  }

  // --- indexes ---

  private makes(company: string, item: string): number | undefined {
    return this.productionOf.first(company + SEPARATOR + item);
  }

  private buys(company: string, item: string): boolean {
    return this.sourcingOf.first(company + SEPARATOR + item) !== undefined;
  }

  /** True when some sourcing rule buys the item from the company. */
  private supplies(company: string, item: string): boolean {
    const rules = this.base.sourcing ?? [];
    return this.sourcingByItem
      .all(item)
      .some((at) => rules[at]?.suppliers.some((line) => line.supplier === company) ?? false);
  }
}

interface Window {
  readonly from: number;
  readonly to: number;
}

/** `raise`: the maximum is lifted to the new capacity where it is below; `set`: it takes the new value. */
type MaximumRule = 'raise' | 'set';

/**
 * The record with `value` as its capacity in the window, and its maximum capacity kept at least the
 * capacity; undefined when no value changes. Only the fields whose values change are rewritten.
 */
function withCapacity<R extends { capacity: PerPeriod; maximumCapacity?: PerPeriod | undefined }>(
  record: R,
  window: Window,
  value: number,
  maximum: MaximumRule,
  horizon: number,
): { record: R; from: number } | undefined {
  let from = horizon;
  const capacity = expand(record.capacity, horizon);
  let capacityChanged = false;
  for (let period = window.from; period < window.to; period++) {
    if (capacity[period] === value) continue;
    capacity[period] = value;
    capacityChanged = true;
    from = Math.min(from, period);
  }
  let maximumValues: number[] | undefined;
  if (record.maximumCapacity !== undefined) {
    maximumValues = expand(record.maximumCapacity, horizon);
    let maximumChanged = false;
    for (let period = window.from; period < window.to; period++) {
      const old = maximumValues[period] ?? 0;
      const next = maximum === 'set' ? value : Math.max(old, value);
      if (next === old) continue;
      maximumValues[period] = next;
      maximumChanged = true;
      from = Math.min(from, period);
    }
    if (!maximumChanged) maximumValues = undefined;
  }
  if (!capacityChanged && maximumValues === undefined) return undefined;
  const next: R = { ...record };
  if (capacityChanged) next.capacity = compact(capacity);
  if (maximumValues !== undefined) next.maximumCapacity = compact(maximumValues);
  return { record: next, from };
}

/** One value per period of the horizon. */
function expand(value: PerPeriod, horizon: number): number[] {
  const values = new Array<number>(horizon);
  for (let period = 0; period < horizon; period++) values[period] = valueAt(value, period);
  return values;
}

/**
 * The shortest per-period value with these values: trailing repeats dropped (a list repeats its last
 * value), and one positive number when all are equal (a single 0 is not a valid capacity; `[0]` is).
 */
function compact(values: readonly number[]): PerPeriod {
  let end = values.length;
  while (end > 1 && values[end - 1] === values[end - 2]) end--;
  const first = values[0] ?? 0;
  if (end === 1 && first > 0) return first;
  return values.slice(0, end);
}

/** The entry of `key`, created first when there is none. */
function entryOf<K, V>(map: Map<K, V>, key: K, create: () => V): V {
  let value = map.get(key);
  if (value === undefined) {
    value = create();
    map.set(key, value);
  }
  return value;
}

/**
 * `current + added`, where a sum within rounding error of 0 is 0: partners send their demand as
 * decimals, and moving a demand of 0.1 + 0.2 back by 0.3 leaves -5.6e-17, which is no demand, not a
 * negative one (a node refused the forecast exchange's own event as `negative-demand` so).
 */
function addDemand(current: number, added: number): number {
  const sum = current + added;
  return Math.abs(sum) <= DEMAND_ROUNDING * Math.max(Math.abs(current), Math.abs(added)) ? 0 : sum;
}

/**
 * Relative error of sums that count as 0. A demand a node built from thousands of exchanged decimals
 * carries their rounding: the demo's forecast exchange took 0.0015007451999941718 back by
 * 0.0015007452000000753 (3.9e-12 of it), and 1e-12 refused that on every re-plan of the node. 1e-9 is
 * the plan diff's tolerance; a real correction is far larger.
 */
const DEMAND_ROUNDING = 1e-9;

const nodeKey = (record: { company: string; item: string }): string =>
  record.company + SEPARATOR + record.item;

/**
 * Finds records by a key: by a scan for the first `SCANS_BEFORE_INDEX` lookups, then through a map
 * built once. A batch of a few events on a network of a million records (open orders) then costs a
 * few scans, not a map of a million keys: the incremental re-plan, events included, has one second.
 * Empty places (closed orders) are skipped.
 */
class Finder<R> {
  private index: Map<string, number[]> | undefined;
  private lookups = 0;

  constructor(
    private readonly records: () => readonly (R | undefined)[],
    private readonly keyOf: (record: R) => string,
  ) {}

  /** Positions of the records with this key, in order. */
  all(key: string): number[] {
    const records = this.records();
    const index = this.indexed(records);
    if (index !== undefined) return index.get(key) ?? [];
    const found: number[] = [];
    for (let at = 0; at < records.length; at++) {
      const record = records[at];
      if (record !== undefined && this.keyOf(record) === key) found.push(at);
    }
    return found;
  }

  /** Position of the first record with this key. */
  first(key: string): number | undefined {
    const records = this.records();
    const index = this.indexed(records);
    if (index !== undefined) return index.get(key)?.[0];
    for (let at = 0; at < records.length; at++) {
      const record = records[at];
      if (record !== undefined && this.keyOf(record) === key) return at;
    }
    return undefined;
  }

  /** Keeps a built map in step with a record put at `at`. */
  added(key: string, at: number): void {
    if (this.index !== undefined) entryOf(this.index, key, () => []).push(at);
  }

  /** Keeps a built map in step with the record at `at` taken away. */
  removed(key: string, at: number): void {
    const places = this.index?.get(key);
    const place = places?.indexOf(at) ?? -1;
    if (places !== undefined && place >= 0) places.splice(place, 1);
  }

  private indexed(records: readonly (R | undefined)[]): Map<string, number[]> | undefined {
    if (this.index === undefined && ++this.lookups > SCANS_BEFORE_INDEX) {
      const index = new Map<string, number[]>();
      records.forEach((record, at) => {
        if (record !== undefined) entryOf(index, this.keyOf(record), () => []).push(at);
      });
      this.index = index;
    }
    return this.index;
  }
}

/** Windows merged where they overlap or touch, per supplier and item; sorted by supplier, item, from. */
function mergeWindows(windows: readonly BlockedWindow[]): BlockedWindow[] {
  const sorted = [...windows].sort(
    (a, b) =>
      compareText(a.supplier, b.supplier) ||
      compareText(a.item ?? '', b.item ?? '') ||
      a.from - b.from ||
      a.to - b.to,
  );
  const merged: BlockedWindow[] = [];
  for (const window of sorted) {
    const last = merged[merged.length - 1];
    if (
      last !== undefined &&
      last.supplier === window.supplier &&
      last.item === window.item &&
      window.from <= last.to
    ) {
      merged[merged.length - 1] = { ...last, to: Math.max(last.to, window.to) };
    } else merged.push(window);
  }
  return merged;
}

function describeOrder(order: OpenOrder): string {
  const supplier = order.supplier === undefined ? '' : ` from ${order.supplier}`;
  return `${order.kind} of ${order.quantity} ${order.item} for ${order.company}${supplier}, due ${order.due}`;
}

/** Plain code-unit order, the same on every machine (localeCompare is not). */
function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
