/**
 * @module planning/effective-network
 * The network a stored version is planned on: the version's content with the planning events of that
 * network the log recorded since the version was imported (issue 3: "Scheduled receipts are the
 * network's openOrders and the open orders in the store"). And the `plan.published` events, which say
 * which plan of a network was last published: the base a re-plan's diff is taken against.
 *
 * Pure: the caller reads the version and the log (`@keten/store`'s `readEffectiveNetwork` does, page by
 * page) and passes them in.
 *
 * ## Which events count
 * - Planning events (see `planning/events.ts`) addressed to this network by their `network` field, or
 *   to no network at all (which suits a store that holds one network);
 * - recorded (`recordedAt`) at or after the version's `createdAt`: importing a version supersedes the
 *   events before it, so a new version is the way to start again from a clean slate (also after an
 *   event that cannot be applied, since the log never forgets one);
 * - with a sequence up to `through`, when one is given (the plan as it was published).
 *
 * They are applied in sequence order, all or nothing: one bad event and there is no network, only the
 * problems, each naming the event's sequence, key and field.
 *
 * @example
 * const stored = await store.networks.getVersion('minimal-two-tier');
 * const result = effectiveNetwork(stored, await readEventLog((query) => store.events.read(query)));
 * if (result.ok) planNetwork(result.value.network, { blocked: result.value.blocked });
 */
import { z } from 'zod';
import type { Network } from '../model/schema.ts';
import { err, ok, type Result } from '../result.ts';
import { STORE_LIMITS } from '../store/input.ts';
import type { EventInput, StoredEvent } from '../store/ports.ts';
import {
  addressedNetwork,
  applyPlanningEvents,
  type BlockedWindow,
  isPlanningEventType,
  type PlanningEventProblem,
  parsePayload,
  type Touched,
} from './events.ts';
import type { Plan } from './plan.ts';

/** A stored version to plan: `StoredNetwork` fits. */
export interface VersionToPlan {
  /** The network's name in the store (events address it by this name). */
  readonly network: string;
  readonly version: number;
  /** When the version was imported (ISO 8601). */
  readonly createdAt: string;
  readonly content: Network;
}

export interface EffectiveNetworkOptions {
  /** Only events with a sequence up to this one (the log as a plan was published). Default: all given. */
  readonly through?: number;
}

export interface EffectiveNetwork {
  /** The network's name in the store. */
  readonly name: string;
  readonly version: number;
  /** The version's content with the events applied. */
  readonly network: Network;
  /** Windows in which suppliers ship nothing (`supplier.down`): pass them to the planner as `blocked`. */
  readonly blocked: BlockedWindow[];
  /**
   * The position in the log this network stands at: every planning event of the network with a
   * sequence up to this one is in it (0: none was read).
   */
  readonly throughSequence: number;
  /** Planning events applied. */
  readonly applied: number;
  /** Events skipped: of other types, or planning events addressed to another network. */
  readonly ignored: number;
  /** Planning events of this network recorded before the version was imported: it supersedes them. */
  readonly superseded: number;
  /** What the applied events changed. */
  readonly touched: Touched;
}

/**
 * The network `version` is planned on, with the events of `events` (the log, in sequence order, as
 * `EventStore.read` gives it) that count for it; see the module's notes for which do. A problem's
 * `index` is the event's position in `events`.
 */
export function effectiveNetwork(
  version: VersionToPlan,
  events: readonly StoredEvent[],
  options: EffectiveNetworkOptions = {},
): Result<EffectiveNetwork, PlanningEventProblem[]> {
  const through = options.through ?? lastSequence(events);
  const since = Date.parse(version.createdAt);
  const chosen: StoredEvent[] = [];
  /** The position in `events` of each chosen event, so problems name the event as it was given. */
  const positions: number[] = [];
  let superseded = 0;
  let ignored = 0;
  events.forEach((event, position) => {
    if (event.sequence > through) return;
    if (!isPlanningEventType(event.type)) {
      ignored++;
      return;
    }
    if (Date.parse(event.recordedAt) < since) {
      const addressed = addressedNetwork(event.payload);
      if (addressed === undefined || addressed === version.network) superseded++;
      else ignored++;
      return;
    }
    chosen.push(event);
    positions.push(position);
  });
  const applied = applyPlanningEvents(version.content, chosen, { network: version.network });
  if (!applied.ok) {
    return err(applied.error.map((problem) => ({ ...problem, index: positions[problem.index] ?? -1 })));
  }
  return ok({
    name: version.network,
    version: version.version,
    network: applied.value.network,
    blocked: applied.value.blocked,
    throughSequence: through,
    applied: applied.value.applied,
    ignored: ignored + applied.value.ignored,
    superseded,
    touched: applied.value.touched,
  });
}

/** The type of the event that records a published plan. */
export const PLAN_PUBLISHED = 'plan.published';

/** The payload of `plan.published`: which plan of which network was published, and its size. */
export const PlanPublishedPayload = z.object({
  network: z.string().min(1).max(STORE_LIMITS.networkName).describe('The network, by its name in the store.'),
  version: z.number().int().min(1).describe('The version planned.'),
  through: z
    .number()
    .int()
    .min(0)
    .describe('The log position planned: every planning event up to this sequence is in the plan.'),
  orders: z.number().int().min(0).describe('Planned orders in the plan.'),
  shortages: z.number().int().min(0).describe('Shortages in the plan.'),
});
export type PlanPublishedPayload = z.infer<typeof PlanPublishedPayload>;

/** A `plan.published` event found in the log. */
export interface PublishedPlan {
  readonly sequence: number;
  readonly key: string;
  readonly payload: PlanPublishedPayload;
}

/**
 * The last `plan.published` event of `network` in `events` (the log, in sequence order), if any. Such
 * an event with a payload keten did not write is a problem, named like a planning event's.
 */
export function lastPublishedPlan(
  events: readonly StoredEvent[],
  network: string,
): Result<PublishedPlan | undefined, PlanningEventProblem[]> {
  let last: { event: StoredEvent; index: number } | undefined;
  events.forEach((event, index) => {
    if (event.type !== PLAN_PUBLISHED || addressedNetwork(event.payload) !== network) return;
    if (last === undefined || event.sequence > last.event.sequence) last = { event, index };
  });
  if (last === undefined) return ok(undefined);
  const { event, index } = last;
  const parsed = parsePayload(PlanPublishedPayload, event.payload, {
    index,
    type: event.type,
    sequence: event.sequence,
    key: event.key,
  });
  if (!parsed.ok) return parsed;
  return ok({ sequence: event.sequence, key: event.key, payload: parsed.value });
}

/** What a published plan is: a version of a network, planned with the log up to `through`. */
export interface PublishedPlanInput {
  readonly network: string;
  readonly version: number;
  readonly through: number;
  readonly plan: Plan;
  /** When it was published (ISO 8601 with a zone). */
  readonly at: string;
  /** Who published it: a user name, `cli`, `server`. */
  readonly source: string;
}

/**
 * The `plan.published` event that records a published plan. Its key is
 * `plan.published/NETWORK/VERSION/THROUGH`, so the same plan is recorded once however often it is
 * published.
 */
export function planPublishedEvent(input: PublishedPlanInput): EventInput {
  const payload: PlanPublishedPayload = {
    network: input.network,
    version: input.version,
    through: input.through,
    orders: input.plan.orders.length,
    shortages: input.plan.shortages.length,
  };
  return {
    type: PLAN_PUBLISHED,
    key: `${PLAN_PUBLISHED}/${input.network}/${input.version}/${input.through}`,
    at: input.at,
    source: input.source,
    payload,
  };
}

/** The highest sequence in `events`; 0 when there are none. */
function lastSequence(events: readonly StoredEvent[]): number {
  let last = 0;
  for (const event of events) last = Math.max(last, event.sequence);
  return last;
}
