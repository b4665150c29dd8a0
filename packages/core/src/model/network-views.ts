/**
 * @module model/network-views
 * What the web app's network pages show, computed from a network: `networkGraph` is the whole network
 * in a compact, columnar form (companies with tier, region and location; lanes with share and transport
 * mode) small enough to send for 60,000 companies; `companyView` is one company's page (what it makes
 * with capacity and bill of materials, what it buys from whom in which shares, whom it supplies, its
 * inventory and end demand). Pure: the server serves them, the web app imports their types.
 */
import type { Company, Network, PerPeriod, TransportMode } from './schema.ts';
import { computeTiers } from './tiers.ts';

/** Transport modes in the order `NetworkGraph.lanes.mode` indexes them. */
export const GRAPH_MODES: readonly TransportMode[] = ['road', 'rail', 'sea', 'air', 'inland-waterway'];

export interface GraphItem {
  readonly id: string;
  readonly name: string;
  /** pcs, kg, m, … (UN/ECE Rec. 20). */
  readonly unit: string;
}

/**
 * A network as parallel arrays: company `i` is `companies.id[i]`, `companies.name[i]`, …; lane `j`
 * runs from `lanes.supplier[j]` to `lanes.buyer[j]` (company indices) for item `lanes.item[j]` (an
 * index into `items`). Arrays rather than records: a third of the size in JSON at 60,000 companies.
 */
export interface NetworkGraph {
  readonly network: string;
  /** The planning bucket: lead times are in these periods, capacities per period. */
  readonly period: 'day' | 'week';
  readonly currency: string;
  readonly items: readonly GraphItem[];
  /** Region names; `companies.region` indexes this list. */
  readonly regions: readonly string[];
  /** Transport modes; `lanes.mode` indexes this list (always `GRAPH_MODES`). */
  readonly modes: readonly TransportMode[];
  readonly companies: {
    readonly id: readonly string[];
    readonly name: readonly string[];
    /** Shortest supply path to end demand (0 = sells to end customers); null: in no chain. */
    readonly tier: readonly (number | null)[];
    readonly region: readonly number[];
    /** ISO 3166-1 alpha-2. */
    readonly country: readonly string[];
    readonly city: readonly (string | null)[];
    /** Decimal degrees (WGS 84); null where the site has no location. */
    readonly latitude: readonly (number | null)[];
    readonly longitude: readonly (number | null)[];
    /** Items the company produces (indices into `items`). */
    readonly makes: readonly (readonly number[])[];
  };
  /** Arrays, or typed arrays when decoded from the binary form (`decodeNetworkGraph`). */
  readonly lanes: {
    readonly supplier: ArrayLike<number>;
    readonly buyer: ArrayLike<number>;
    readonly item: ArrayLike<number>;
    /** The supplier's share of the buyer's need of the item, 0–1. */
    readonly share: ArrayLike<number>;
    readonly mode: ArrayLike<number>;
    /** Whole periods. */
    readonly leadTime: ArrayLike<number>;
  };
}

/** The columnar view of `network` (see `NetworkGraph`); O(companies + sourcing lines). */
export function networkGraph(network: Network): NetworkGraph {
  const tiers = computeTiers(network);
  const companyIndex = new Map(network.companies.map((company, index) => [company.id, index]));
  const itemIndex = new Map(network.items.map((item, index) => [item.id, index]));
  const regions: string[] = [];
  const regionIndex = new Map<string, number>();
  const makes: number[][] = network.companies.map(() => []);
  for (const step of network.production ?? []) {
    const company = companyIndex.get(step.company);
    const item = itemIndex.get(step.item);
    if (company !== undefined && item !== undefined && !makes[company]!.includes(item)) {
      makes[company]!.push(item);
    }
  }
  const companies = {
    id: [] as string[],
    name: [] as string[],
    tier: [] as (number | null)[],
    region: [] as number[],
    country: [] as string[],
    city: [] as (string | null)[],
    latitude: [] as (number | null)[],
    longitude: [] as (number | null)[],
    makes,
  };
  for (const company of network.companies) {
    let region = regionIndex.get(company.site.region);
    if (region === undefined) {
      region = regions.length;
      regions.push(company.site.region);
      regionIndex.set(company.site.region, region);
    }
    companies.id.push(company.id);
    companies.name.push(company.name);
    companies.tier.push(tiers.get(company.id) ?? null);
    companies.region.push(region);
    companies.country.push(company.site.country);
    companies.city.push(company.site.city ?? null);
    companies.latitude.push(company.site.location?.[0] ?? null);
    companies.longitude.push(company.site.location?.[1] ?? null);
  }
  const lanes = {
    supplier: [] as number[],
    buyer: [] as number[],
    item: [] as number[],
    share: [] as number[],
    mode: [] as number[],
    leadTime: [] as number[],
  };
  for (const rule of network.sourcing ?? []) {
    const buyer = companyIndex.get(rule.buyer);
    const item = itemIndex.get(rule.item);
    if (buyer === undefined || item === undefined) continue;
    for (const line of rule.suppliers) {
      const supplier = companyIndex.get(line.supplier);
      if (supplier === undefined) continue;
      lanes.supplier.push(supplier);
      lanes.buyer.push(buyer);
      lanes.item.push(item);
      lanes.share.push(line.share);
      lanes.mode.push(GRAPH_MODES.indexOf(line.mode ?? 'road'));
      lanes.leadTime.push(line.leadTime);
    }
  }
  return {
    network: network.name,
    period: network.period,
    currency: network.currency ?? 'EUR',
    items: network.items.map((item) => ({ id: item.id, name: item.name, unit: item.unit })),
    regions,
    modes: GRAPH_MODES,
    companies,
    lanes,
  };
}

/** Another company as a company page names it. */
export interface CompanyReference {
  readonly id: string;
  readonly name: string;
  readonly tier: number | null;
  readonly country: string;
  readonly region: string;
}

export interface CompanyProduction {
  readonly item: GraphItem;
  /** Whole periods from start to completion. */
  readonly leadTime: number;
  /** Units of `item` that may start per period (a list: one value per period, the last repeats). */
  readonly capacity: PerPeriod;
  readonly maximumCapacity?: PerPeriod;
  /** In the network's currency. */
  readonly unitCost?: number;
  /** kg CO2e per unit. */
  readonly co2PerUnit?: number;
  /** Components per unit of `item`. */
  readonly bom: readonly { readonly item: GraphItem; readonly quantity: number }[];
}

export interface CompanySupplyLine {
  readonly company: CompanyReference;
  /** 0–1. */
  readonly share: number;
  readonly leadTime: number;
  readonly mode: TransportMode;
  readonly unitPrice?: number;
  readonly distanceKm?: number;
}

/** One company's page; see `companyView`. */
export interface CompanyView {
  readonly network: string;
  readonly period: 'day' | 'week';
  readonly currency: string;
  readonly company: Company;
  readonly tier: number | null;
  readonly makes: readonly CompanyProduction[];
  /** What it buys, per item, from which suppliers in which shares. */
  readonly buys: readonly { readonly item: GraphItem; readonly suppliers: readonly CompanySupplyLine[] }[];
  /** Whom it supplies, per item, with its share of each customer's need. */
  readonly sells: readonly { readonly item: GraphItem; readonly customers: readonly CompanySupplyLine[] }[];
  readonly capacityGroups: readonly {
    readonly id: string;
    readonly capacity: PerPeriod;
    readonly maximumCapacity?: PerPeriod;
    readonly items: readonly { readonly item: GraphItem; readonly load: number }[];
  }[];
  readonly inventory: readonly {
    readonly item: GraphItem;
    readonly onHand: number;
    readonly safetyStock?: number;
  }[];
  /** End-customer demand it serves: the total over the horizon and the periods it covers. */
  readonly demand: readonly {
    readonly item: GraphItem;
    readonly total: number;
    readonly periods: number;
    readonly price?: number;
  }[];
}

/**
 * The page of company `id` in `network`, or undefined when there is no such company. Lists are in
 * the network's order; shares as given (0–1). O(size of the network).
 */
export function companyView(network: Network, id: string): CompanyView | undefined {
  const company = network.companies.find((candidate) => candidate.id === id);
  if (company === undefined) return undefined;
  const tiers = computeTiers(network);
  const items = new Map(network.items.map((item) => [item.id, item]));
  const companies = new Map(network.companies.map((entry) => [entry.id, entry]));
  const item = (itemId: string): GraphItem => {
    const found = items.get(itemId);
    return { id: itemId, name: found?.name ?? itemId, unit: found?.unit ?? 'pcs' };
  };
  const reference = (companyId: string): CompanyReference => {
    const found = companies.get(companyId);
    return {
      id: companyId,
      name: found?.name ?? companyId,
      tier: tiers.get(companyId) ?? null,
      country: found?.site.country ?? '',
      region: found?.site.region ?? '',
    };
  };
  const makes: CompanyProduction[] = (network.production ?? [])
    .filter((step) => step.company === id)
    .map((step) => ({
      item: item(step.item),
      leadTime: step.leadTime,
      capacity: step.capacity,
      ...(step.maximumCapacity === undefined ? {} : { maximumCapacity: step.maximumCapacity }),
      ...(step.unitCost === undefined ? {} : { unitCost: step.unitCost }),
      ...(step.co2PerUnit === undefined ? {} : { co2PerUnit: step.co2PerUnit }),
      bom: (step.bom ?? []).map((line) => ({ item: item(line.item), quantity: line.quantity })),
    }));
  const buys: CompanyView['buys'][number][] = [];
  const sells = new Map<string, CompanySupplyLine[]>();
  for (const rule of network.sourcing ?? []) {
    if (rule.buyer === id) {
      buys.push({
        item: item(rule.item),
        suppliers: rule.suppliers.map((line) => ({
          company: reference(line.supplier),
          ...supplyTerms(line),
        })),
      });
    }
    for (const line of rule.suppliers) {
      if (line.supplier !== id) continue;
      const customers = sells.get(rule.item) ?? [];
      sells.set(rule.item, customers);
      customers.push({ company: reference(rule.buyer), ...supplyTerms(line) });
    }
  }
  return {
    network: network.name,
    period: network.period,
    currency: network.currency ?? 'EUR',
    company,
    tier: tiers.get(id) ?? null,
    makes,
    buys,
    sells: [...sells].map(([itemId, customers]) => ({ item: item(itemId), customers })),
    capacityGroups: (network.capacityGroups ?? [])
      .filter((group) => group.company === id)
      .map((group) => ({
        id: group.id,
        capacity: group.capacity,
        ...(group.maximumCapacity === undefined ? {} : { maximumCapacity: group.maximumCapacity }),
        items: group.items.map((line) => ({ item: item(line.item), load: line.load })),
      })),
    inventory: (network.inventory ?? [])
      .filter((stock) => stock.company === id)
      .map((stock) => ({
        item: item(stock.item),
        onHand: stock.onHand,
        ...(stock.safetyStock === undefined ? {} : { safetyStock: stock.safetyStock }),
      })),
    demand: (network.demand ?? [])
      .filter((demand) => demand.company === id)
      .map((demand) => ({
        item: item(demand.item),
        total: demand.quantities.reduce((sum, quantity) => sum + quantity, 0),
        periods: demand.quantities.length,
        ...(demand.price === undefined ? {} : { price: demand.price }),
      })),
  };
}

function supplyTerms(line: NonNullable<Network['sourcing']>[number]['suppliers'][number]) {
  return {
    share: line.share,
    leadTime: line.leadTime,
    mode: line.mode ?? 'road',
    ...(line.unitPrice === undefined ? {} : { unitPrice: line.unitPrice }),
    ...(line.distanceKm === undefined ? {} : { distanceKm: line.distanceKm }),
  };
}
