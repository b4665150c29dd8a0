/**
 * @module exchange/notification
 * Disruptions as Catena-X DemandAndCapacityNotification 3.0.0: a supplier that cannot deliver (a
 * line down, a shortage in its plan) or a customer whose demand jumps tells its partner, with the
 * materials, the sites and the window of the effect.
 *
 * keten's side of it is a `Disruption`: who tells whom, which items, from which period to which
 * (exclusive), the effect and the root cause. `disruptionsFromShortages` derives them from a
 * supplier's plan: each item the supplier cannot deliver in full (its plan's shortages on the item)
 * becomes a `capacity-reduction` for every customer that buys the item from it, from the first short
 * period to the period after the last, with the plan's own explanation as the text.
 *
 * `notificationId` is derived from the content and `sourceDisruptionId` from the sender's BPNL and the
 * disruption's id, so an update of the same disruption (its status resolved, a new end) keeps its
 * source id and the same notification sent twice keeps its notification id.
 *
 * Reading one gives the `Disruption` in the receiver's terms; `supplierDownEvent` turns a supplier's
 * open capacity reduction into the `supplier.down` planning event, which is a choice for the planner
 * (the notification says the capacity falls, not by how much), so it is not made by the reader.
 */
import type { Network } from '../model/schema.ts';
import type { Plan } from '../planning/plan.ts';
import { err, ok, type Result } from '../result.ts';
import type { EventInput } from '../store/ports.ts';
import { DemandAndCapacityNotification, type LeadingRootCause, type NotificationEffect } from './aspects.ts';
import { contentUuid, Directory, nameUuid, siteBpns } from './identifiers.ts';
import { type BuildOptions, partnerProblems, unknownMaterial } from './material-demand.ts';
import { type ExchangeNote, type ExchangeProblem, parseShape, problem } from './problems.ts';
import { periodDate, periodOfDate } from './weeks.ts';

export interface Disruption {
  /** A stable id of the disruption at the sender (e.g. `shortage:steinhof:lens-set-300`). */
  readonly id: string;
  /** Company ids: who tells, who is told. */
  readonly sender: string;
  readonly recipient: string;
  readonly items: readonly string[];
  readonly effect: NotificationEffect;
  readonly cause: LeadingRootCause;
  readonly status: 'open' | 'resolved';
  /** First period of the effect. */
  readonly from: number;
  /** Period after the effect (exclusive); absent: open-ended. */
  readonly to?: number;
  readonly text?: string;
}

/** The customer, supplier and item of each affected item, whichever way round sender and recipient are. */
function roles(directory: Directory, disruption: Disruption, item: string) {
  const senderSupplies = directory.line(disruption.recipient, item, disruption.sender) !== undefined;
  return senderSupplies
    ? { customer: disruption.recipient, supplier: disruption.sender }
    : { customer: disruption.sender, supplier: disruption.recipient };
}

export function buildNotification(
  network: Network,
  disruption: Disruption,
  options: BuildOptions,
): Result<DemandAndCapacityNotification, ExchangeProblem[]> {
  const directory = new Directory(network);
  const problems = partnerProblems(directory, [disruption.sender, disruption.recipient]);
  for (const item of disruption.items) {
    if (!directory.items.has(item))
      problems.push(problem('unknown-item', ['items'], `no item '${item}'`, item));
    else {
      const { customer, supplier } = roles(directory, disruption, item);
      if (directory.line(customer, item, supplier) === undefined)
        problems.push(
          problem(
            'not-a-partner',
            ['items'],
            `'${disruption.sender}' and '${disruption.recipient}' do not trade '${item}' in network '${network.name}'`,
            item,
          ),
        );
    }
  }
  if (problems.length > 0) return err(problems);
  const sender = directory.companies.get(disruption.sender)!;
  const recipient = directory.companies.get(disruption.recipient)!;
  const content = {
    sourceDisruptionId: nameUuid(`disruption|${sender.bpn}|${disruption.id}`),
    leadingRootCause: disruption.cause,
    effect: disruption.effect,
    status: disruption.status,
    ...(disruption.text === undefined ? {} : { text: disruption.text }),
    startDateOfEffect: `${periodDate(network, disruption.from)}T00:00:00Z`,
    ...(disruption.to === undefined
      ? {}
      : { expectedEndDateOfEffect: `${periodDate(network, disruption.to)}T00:00:00Z` }),
    affectedSitesSender: [siteBpns(sender)!],
    affectedSitesRecipient: [siteBpns(recipient)!],
    materialsAffected: disruption.items.map((item) => {
      const { customer, supplier } = roles(directory, disruption, item);
      return {
        materialGlobalAssetId: directory.materialTwinId(customer, item, supplier)!,
        materialNumberCustomer: directory.customerMaterialNumber(customer, item),
        materialNumberSupplier: directory.supplierMaterialNumber(customer, item, supplier),
      };
    }),
  };
  return ok({
    ...content,
    notificationId: contentUuid('notification', content),
    contentChangedAt: options.changedAt,
  });
}

/** What the plan of `supplier` cannot deliver, as one open capacity reduction per customer and item. */
export function disruptionsFromShortages(
  network: Network,
  plan: Pick<Plan, 'shortages'>,
  supplier: string,
): Disruption[] {
  const windows = new Map<string, { from: number; to: number; quantity: number; text: string }>();
  for (const shortage of plan.shortages) {
    if (shortage.company !== supplier || shortage.quantity <= 0) continue;
    const window = windows.get(shortage.item);
    if (window === undefined)
      windows.set(shortage.item, {
        from: shortage.period,
        to: shortage.period + 1,
        quantity: shortage.quantity,
        text: shortage.cause.text,
      });
    else {
      window.from = Math.min(window.from, shortage.period);
      window.to = Math.max(window.to, shortage.period + 1);
      window.quantity += shortage.quantity;
    }
  }
  const disruptions: Disruption[] = [];
  for (const rule of network.sourcing ?? []) {
    const window = windows.get(rule.item);
    if (window === undefined || !rule.suppliers.some((line) => line.supplier === supplier)) continue;
    disruptions.push({
      id: `shortage:${supplier}:${rule.item}`,
      sender: supplier,
      recipient: rule.buyer,
      items: [rule.item],
      effect: 'capacity-reduction',
      cause: 'other',
      status: 'open',
      from: window.from,
      to: window.to,
      text: `${window.quantity} short of '${rule.item}' in periods ${window.from}-${window.to - 1}: ${window.text}`,
    });
  }
  return disruptions;
}

/** A notification in the receiver's terms. */
export interface ReceivedNotification {
  readonly notificationId: string;
  readonly sourceDisruptionId: string;
  /** When the sender last changed the notification's content. */
  readonly contentChangedAt: string;
  readonly disruption: Disruption;
  readonly notes: ExchangeNote[];
}

/**
 * Reads a DemandAndCapacityNotification at `receiver` from `sender` (company ids: the model carries
 * no BPNL; the transport knows who sent it). Each affected material must be one the two trade.
 */
export function readNotification(
  network: Network,
  receiver: string,
  sender: string,
  input: unknown,
): Result<ReceivedNotification, ExchangeProblem[]> {
  const parsed = parseShape(DemandAndCapacityNotification, 'DemandAndCapacityNotification', input);
  if (!parsed.ok) return parsed;
  const payload = parsed.value;
  const directory = new Directory(network);
  if (!directory.companies.has(sender) || !directory.companies.has(receiver))
    return err([
      problem(
        'unknown-company',
        [],
        `'${sender}' or '${receiver}' is no company of network '${network.name}'`,
      ),
    ]);
  const problems: ExchangeProblem[] = [];
  const items: string[] = [];
  (payload.materialsAffected ?? []).forEach((material, index) => {
    const numbers = { customer: material.materialNumberCustomer, supplier: material.materialNumberSupplier };
    const item = directory.itemOf(receiver, sender, numbers) ?? directory.itemOf(sender, receiver, numbers);
    if (item === undefined) {
      const found = unknownMaterial(
        material.materialNumberCustomer,
        material.materialNumberSupplier,
        receiver,
        sender,
      );
      problems.push({ ...found, path: ['materialsAffected', index, ...found.path] });
    } else if (!items.includes(item)) items.push(item);
  });
  const from = periodOfDate(network, payload.startDateOfEffect.slice(0, 10));
  const to =
    payload.expectedEndDateOfEffect === undefined
      ? undefined
      : periodOfDate(network, payload.expectedEndDateOfEffect.slice(0, 10));
  if (from === undefined)
    problems.push(
      problem('bad-date', ['startDateOfEffect'], `'${payload.startDateOfEffect}' has no calendar date`),
    );
  if (problems.length > 0) return err(problems);
  const notes: ExchangeNote[] = [];
  if (from! < 0)
    notes.push({
      code: 'before-start',
      path: ['startDateOfEffect'],
      message: 'the effect began before your period 0',
    });
  const disruption: Disruption = {
    id: payload.sourceDisruptionId,
    sender,
    recipient: receiver,
    items,
    effect: payload.effect,
    cause: payload.leadingRootCause,
    status: payload.status,
    from: Math.max(0, from!),
    // An end on the first day of a period ends the effect before that period; a later day, after it.
    ...(to === undefined
      ? {}
      : { to: Math.max(1, endPeriod(network, payload.expectedEndDateOfEffect!, to)) }),
    ...(payload.text === undefined ? {} : { text: payload.text }),
  };
  return ok({
    notificationId: payload.notificationId,
    sourceDisruptionId: payload.sourceDisruptionId,
    contentChangedAt: payload.contentChangedAt,
    disruption,
    notes,
  });
}

function endPeriod(network: Network, end: string, period: number): number {
  return periodDate(network, period) === end.slice(0, 10) && end.slice(11, 19) === '00:00:00'
    ? period
    : period + 1;
}

/**
 * The `supplier.down` event for an open capacity reduction of a supplier: its items cannot be made or
 * shipped in the window. Undefined for other effects, resolved notifications and empty windows.
 */
export function supplierDownEvent(
  network: Network,
  received: ReceivedNotification,
  options: { readonly receivedAt: string; readonly source?: string },
): EventInput | undefined {
  const { disruption } = received;
  if (disruption.effect !== 'capacity-reduction' || disruption.status !== 'open') return undefined;
  if (disruption.from >= network.horizon || (disruption.to !== undefined && disruption.to <= disruption.from))
    return undefined;
  return {
    type: 'supplier.down',
    key: `exchange:notification:${received.notificationId}:${received.contentChangedAt}`,
    at: options.receivedAt,
    source: options.source ?? `company:${disruption.sender}`,
    payload: {
      company: disruption.sender,
      from: disruption.from,
      ...(disruption.to === undefined ? {} : { to: Math.min(network.horizon, disruption.to) }),
      ...(disruption.items.length > 0 ? { items: [...disruption.items] } : {}),
      network: network.name,
    },
  };
}
