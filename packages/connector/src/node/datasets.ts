/**
 * @module node/datasets
 * The datasets a company node offers its partners: one per (owner, partner, use case), each with its
 * own access policy and usage offer, negotiated and transferred on its own. The owner is the company
 * whose data it is and who pushes it; the partner is the one company that may see and use it.
 *
 * | dataset | owner → partner | aspects (payloads) | purpose |
 * | --- | --- | --- | --- |
 * | `demand-and-capacity` | customer → supplier | forecasts (WeekBasedMaterialDemand), notifications (DemandAndCapacityNotification) | `cx.dcm.base:1` |
 * | `demand-and-capacity` | supplier → customer | capacity (WeekBasedCapacityGroup), notifications | `cx.dcm.base:1` |
 * | `short-term-supply` | customer → supplier | orders and order changes (`keten.order/v1`), stock (ItemStock INBOUND) | `cx.puris.base:1` |
 * | `short-term-supply` | supplier → customer | order confirmations (`keten.order/v1`), stock (ItemStock OUTBOUND), deliveries (DeliveryInformation), planned output (PlannedProductionOutput) | `cx.puris.base:1` |
 *
 * One agreement per Catena-X use case rather than per aspect: the usage purpose is what a partner
 * consents to, and Catena-X names one per use case (demand and capacity management, DCM; short-term
 * supply, PURIS), so an agreement covers the aspects of one purpose and each push is still checked
 * against it with its aspect's purpose. Four agreements per pair of partners instead of ten: every
 * negotiation is four signed messages and a transfer two more, which a network of thousands of links
 * pays at every start. The Catena-X ODRL profile has no purpose for purchase orders; keten puts them
 * under PURIS, the use case closest to them.
 */
import { type AspectModel, type Network, ORDER_FORMAT } from '@keten/core';

/** The usage purpose of demand and capacity management (Catena-X DCM). */
export const DCM_PURPOSE = 'cx.dcm.base:1';
/** The usage purpose of short-term supply: stock, deliveries, planned output (Catena-X PURIS). */
export const PURIS_PURPOSE = 'cx.puris.base:1';

export const EXCHANGE_ASPECTS = [
  'material-demand',
  'capacity',
  'notifications',
  'orders',
  'order-confirmations',
  'stock',
  'deliveries',
  'planned-output',
] as const;
export type ExchangeAspect = (typeof EXCHANGE_ASPECTS)[number];

/** The datasets: one per Catena-X use case, in each direction of a relationship. */
export const DATASET_KINDS = ['demand-and-capacity', 'short-term-supply'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

/** The usage purpose of each dataset. */
export const DATASET_PURPOSES: Readonly<Record<DatasetKind, string>> = {
  'demand-and-capacity': DCM_PURPOSE,
  'short-term-supply': PURIS_PURPOSE,
};

export interface AspectSpec {
  /** The dataset that carries it. */
  readonly dataset: DatasetKind;
  /** The payload's model, as the push envelope's `aspect` names it. */
  readonly model: AspectModel | typeof ORDER_FORMAT;
  /** Who owns (and pushes) the dataset in the relationship: its customer, its supplier, or either. */
  readonly owner: 'customer' | 'supplier' | 'either';
  readonly purpose: string;
}

const DCM = 'demand-and-capacity' as const;
const PURIS = 'short-term-supply' as const;

export const ASPECT_SPECS: Readonly<Record<ExchangeAspect, AspectSpec>> = {
  'material-demand': {
    dataset: DCM,
    model: 'WeekBasedMaterialDemand',
    owner: 'customer',
    purpose: DCM_PURPOSE,
  },
  capacity: { dataset: DCM, model: 'WeekBasedCapacityGroup', owner: 'supplier', purpose: DCM_PURPOSE },
  notifications: {
    dataset: DCM,
    model: 'DemandAndCapacityNotification',
    owner: 'either',
    purpose: DCM_PURPOSE,
  },
  orders: { dataset: PURIS, model: ORDER_FORMAT, owner: 'customer', purpose: PURIS_PURPOSE },
  'order-confirmations': { dataset: PURIS, model: ORDER_FORMAT, owner: 'supplier', purpose: PURIS_PURPOSE },
  stock: { dataset: PURIS, model: 'ItemStock', owner: 'either', purpose: PURIS_PURPOSE },
  deliveries: { dataset: PURIS, model: 'DeliveryInformation', owner: 'supplier', purpose: PURIS_PURPOSE },
  'planned-output': {
    dataset: PURIS,
    model: 'PlannedProductionOutput',
    owner: 'supplier',
    purpose: PURIS_PURPOSE,
  },
};

/** `urn:keten:<owner>:<dataset>:<partner>`, e.g. `urn:keten:kempen:demand-and-capacity:steinhof-optics`. */
export function datasetId(owner: string, kind: DatasetKind, partner: string): string {
  return `urn:keten:${owner}:${kind}:${partner}`;
}

/** The owner, kind and partner of a dataset id; undefined for an id that is none of these datasets. */
export function parseDatasetId(
  id: string,
): { owner: string; kind: DatasetKind; partner: string } | undefined {
  const parts = id.split(':');
  if (parts.length !== 5 || parts[0] !== 'urn' || parts[1] !== 'keten') return undefined;
  const [, , owner, kind, partner] = parts as [string, string, string, string, string];
  if (owner === '' || partner === '' || !(DATASET_KINDS as readonly string[]).includes(kind))
    return undefined;
  return { owner, kind: kind as DatasetKind, partner };
}

/**
 * The aspect of a pushed payload: by its model, and for `keten.order/v1` by its type (a confirmation
 * comes from the supplier, the rest from the customer). Undefined for a model keten does not push.
 */
export function aspectOfMessage(model: unknown, payload: unknown): ExchangeAspect | undefined {
  if (model === ORDER_FORMAT)
    return (payload as { type?: unknown } | null)?.type === 'order-confirmation'
      ? 'order-confirmations'
      : 'orders';
  return EXCHANGE_ASPECTS.find((aspect) => ASPECT_SPECS[aspect].model === model);
}

/** What `company` is to each partner in `network`: its customer (it buys), its supplier (it sells), or both. */
export function relationsOf(network: Network, company: string): Map<string, Set<'customer' | 'supplier'>> {
  const relations = new Map<string, Set<'customer' | 'supplier'>>();
  const add = (partner: string, role: 'customer' | 'supplier') => {
    if (partner === company) return;
    let roles = relations.get(partner);
    if (roles === undefined) {
      roles = new Set();
      relations.set(partner, roles);
    }
    roles.add(role);
  };
  for (const rule of network.sourcing ?? []) {
    for (const line of rule.suppliers) {
      if (rule.buyer === company) add(line.supplier, 'customer');
      else if (line.supplier === company) add(rule.buyer, 'supplier');
    }
  }
  return relations;
}

/** The aspects an owner sends a partner it is `roles` to. */
export function aspectsOffered(
  roles: ReadonlySet<'customer' | 'supplier'>,
  only?: readonly ExchangeAspect[],
): ExchangeAspect[] {
  return EXCHANGE_ASPECTS.filter((aspect) => {
    if (only !== undefined && !only.includes(aspect)) return false;
    const { owner } = ASPECT_SPECS[aspect];
    return owner === 'either' || roles.has(owner);
  });
}

/** The datasets an owner offers a partner it is `roles` to: those carrying an aspect it sends. */
export function datasetsOffered(
  roles: ReadonlySet<'customer' | 'supplier'>,
  only?: readonly ExchangeAspect[],
): DatasetKind[] {
  const aspects = aspectsOffered(roles, only);
  return DATASET_KINDS.filter((kind) => aspects.some((aspect) => ASPECT_SPECS[aspect].dataset === kind));
}
