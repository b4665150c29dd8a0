/**
 * @module model/generate
 * Synthetic production networks of any size up to the seed white paper's 60,000 companies and beyond,
 * valid by construction and byte-identical for the same options (`keten generate`).
 *
 * The shape follows manufacturing: a few OEMs (about one per 1,000 companies, at least one, at least
 * two from 20 companies) sell end products; below them six levels of suppliers make modules,
 * assemblies, components, parts, semi-finished goods and raw materials. A bill of materials line goes
 * one or two levels down, so every chain from an end product to a raw material is 3 to 6 levels deep.
 * Each level is split into one block of companies and items per OEM. Upper tiers stay mostly in their
 * OEM's block and in its country or region; the deeper the level, the more often an item's makers, a
 * bill-of-materials line or a material comes from another OEM's block (mostly one in the same region)
 * or from anywhere. So tier-1 suppliers are largely regional and specific to an OEM, while deeper
 * suppliers and raw materials are global and shared by many OEMs' chains.
 *
 * An item has one to three makers (35/35/30 %). Sourcing rules are drawn as single source, 70/30 or
 * 60/20/20 with chances that depend on the number of makers and come to 50/30/20 % overall; a maker
 * that no rule picked is then added to one of the item's rules (single → 70/30, 70/30 → 60/20/20), so
 * every company supplies someone. `networkShape` counts the realised mix; `bench:generate` prints it.
 *
 * Capacities come from the mean demand that reaches each production step through the bills of
 * materials, sourcing shares and yields: 75 % of steps run at 45–80 % utilisation, 13 % at 80–90 %,
 * 12 % at 90–110 % (tight: in a busy week they need overtime or the second source); some have a
 * `maximumCapacity` above `capacity`, some share a capacity group, some have shutdown weeks (summer
 * and Christmas in Europe and North America, Spring Festival in China and Taiwan).
 */
import { createRandom, type Random } from '../random.ts';
import {
  type ItemKind,
  LEVEL_KINDS,
  LEVEL_PREFIXES,
  PRODUCT_FAMILIES,
  type ProductFamily,
  type RecipeLine,
} from './generate-catalogue.ts';
import { companyName, companyWord, partPrefix, trade } from './generate-names.ts';
import { COUNTRIES, type Country, laneBetween, type Place, type Region, type Town } from './geography.ts';
import {
  type BomLine,
  type CapacityGroup,
  type Company,
  type Demand,
  type Inventory,
  type Item,
  NETWORK_FORMAT,
  type Network,
  type OpenOrder,
  type PerPeriod,
  type Production,
  type Sourcing,
  type SupplierShare,
} from './schema.ts';

/** What `generateNetwork` makes. */
export interface GenerateOptions {
  /** Number of companies, OEMs included (see `GENERATE_LIMITS`). */
  readonly companies: number;
  /** Any safe integer; the same options give the same bytes. */
  readonly seed: number;
  /** Weekly periods to plan (default 52). */
  readonly horizon?: number;
  /** First day of period 0, a Monday as YYYY-MM-DD (default 2027-01-04). */
  readonly start?: string;
  /** Name of the network (default `synthetic-<companies>-seed-<seed>`). */
  readonly name?: string;
}

/** The range of options `generateNetwork` accepts. */
export const GENERATE_LIMITS = {
  minimumCompanies: 10,
  /** About 300 MB of JSON; far beyond this one string no longer fits in V8. */
  maximumCompanies: 200_000,
  maximumHorizon: 3660,
} as const;

const DEFAULT_HORIZON = 52;
const DEFAULT_START = '2027-01-04';
const DAY_MS = 86_400_000;
/** Level of the raw materials; OEMs are level 0. */
const RAW = 6;

/**
 * Every problem with `options`, as sentences a user can act on; empty when they are fine. The CLI
 * calls this first, so that a bad flag is an error message, not an exception.
 */
export function checkGenerateOptions(options: GenerateOptions): string[] {
  const problems: string[] = [];
  const { minimumCompanies, maximumCompanies, maximumHorizon } = GENERATE_LIMITS;
  if (
    !Number.isInteger(options.companies) ||
    options.companies < minimumCompanies ||
    options.companies > maximumCompanies
  ) {
    problems.push(
      `companies must be a whole number from ${minimumCompanies} to ${maximumCompanies}, not ${options.companies}`,
    );
  }
  if (!Number.isSafeInteger(options.seed)) {
    problems.push(`seed must be a whole number (a safe integer), not ${options.seed}`);
  }
  if (options.horizon !== undefined) {
    if (!Number.isInteger(options.horizon) || options.horizon < 1 || options.horizon > maximumHorizon) {
      problems.push(
        `horizon must be a whole number of weeks from 1 to ${maximumHorizon}, not ${options.horizon}`,
      );
    }
  }
  if (options.start !== undefined) {
    const day = parseDay(options.start);
    if (day === undefined) problems.push(`start must be a date as YYYY-MM-DD, not '${options.start}'`);
    else if (new Date(day).getUTCDay() !== 1) {
      problems.push(`start must be a Monday (weekly periods start on Monday), and ${options.start} is not`);
    }
  }
  if (options.name !== undefined && (options.name.length < 1 || options.name.length > 200)) {
    problems.push('name must be 1 to 200 characters long');
  }
  return problems;
}

/** Milliseconds since the epoch of a valid YYYY-MM-DD date, else undefined. */
function parseDay(text: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (match === null) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return undefined;
  }
  return time;
}

/**
 * A synthetic network (see the module header for its shape). Valid against the schema and the
 * cross-record rules of `validateNetwork` by construction.
 *
 * Throws a RangeError listing the problems when `checkGenerateOptions(options)` finds any: options are
 * a caller's input, check them first.
 *
 * @example
 * const network = generateNetwork({ companies: 600, seed: 7 });
 * const text = serializeNetwork(network, 'json'); // the same bytes on every run
 */
export function generateNetwork(options: GenerateOptions): Network {
  const problems = checkGenerateOptions(options);
  if (problems.length > 0) throw new RangeError(`generateNetwork: ${problems.join('; ')}`);
  const horizon = options.horizon ?? DEFAULT_HORIZON;
  const start = options.start ?? DEFAULT_START;
  const root = createRandom(options.seed);
  // One stream per phase, forked in a fixed order: a change in one phase leaves the others alone.
  const streams = {
    companies: root.fork(),
    items: root.fork(),
    boms: root.fork(),
    sourcing: root.fork(),
    economics: root.fork(),
    capacity: root.fork(),
    lanes: root.fork(),
    stock: root.fork(),
    demand: root.fork(),
  };
  const draft = new Draft(options.companies, horizon, parseDay(start)!);
  draft.createCompanies(streams.companies);
  draft.createItems(streams.items);
  draft.buildBoms(streams.boms);
  draft.createProductions(streams.economics);
  draft.createSourcing(streams.sourcing);
  draft.rollUpCosts(streams.economics);
  draft.drawEndDemand(streams.demand);
  draft.propagateDemand();
  const sourcing = draft.sourcingRecords(streams.lanes);
  return {
    format: NETWORK_FORMAT,
    name: options.name ?? `synthetic-${options.companies}-seed-${options.seed}`,
    description:
      `Synthetic network made by keten generate (companies ${options.companies}, seed ${options.seed}, ` +
      `horizon ${horizon}): ${draft.oemCount} OEMs and six levels of suppliers on four continents. ` +
      'Fictional companies; any resemblance to real firms is chance.',
    period: 'week',
    start,
    horizon,
    currency: 'EUR',
    companies: draft.companyRecords(streams.economics),
    items: draft.itemRecords(),
    ...draft.productionRecords(streams.capacity),
    sourcing,
    inventory: draft.inventoryRecords(streams.stock, sourcing),
    openOrders: draft.openOrderRecords(streams.stock),
    demand: draft.demandRecords(streams.demand),
  };
}

interface DraftCompany {
  readonly id: string;
  readonly level: number;
  readonly country: Country;
  readonly town: Town;
  readonly location: [number, number];
  readonly word: string;
  readonly tradeName: string;
  readonly group: string | undefined;
  readonly prefix: string;
  /** Multiplies the value added of everything it makes (wages, energy). */
  readonly costFactor: number;
  /** Multiplies the CO2 of everything it makes (power mix). */
  readonly co2Factor: number;
  readonly margin: number;
  readonly items: number[];
  readonly productions: number[];
}

interface DraftLine {
  readonly item: number;
  readonly quantity: number;
}

interface DraftItem {
  readonly id: string;
  readonly level: number;
  readonly number: string;
  kind: ItemKind;
  readonly cluster: number;
  readonly makers: number[];
  readonly bom: DraftLine[];
  /** For end products: the family that sets their volumes. */
  family?: ProductFamily;
  covered: boolean;
  weight: number;
  materialCost: number;
  averagePrice: number;
  valueAdded: number;
}

interface DraftProduction {
  readonly company: number;
  readonly item: number;
  readonly leadTime: number;
  readonly yield: number | undefined;
  unitCost: number;
  price: number;
  /** Mean units started per period, from the end demand. */
  starts: number;
}

interface DraftRule {
  readonly buyer: number;
  readonly item: number;
  readonly suppliers: number[];
  /** Mean units of the item the buyer needs per period. */
  need: number;
}

/** The makers of a new item and the OEM block it belongs to. */
interface ItemGroup {
  readonly makers: number[];
  readonly cluster: number;
}

/** Recipe slots: a material line that a parent item still needs filled by an item of kind `code`. */
interface Slot {
  readonly parent: number;
  readonly code: string;
  readonly quantity: readonly [number, number];
}

/** Share of the suppliers in levels 1 to 6, in per cent: a diamond, widest at components and parts. */
const LEVEL_SHARES = [7, 15, 24, 26, 17, 11];
/** Chance that a bill of materials line of a parent at level 0–3 stays in its OEM's cluster. */
const LOCAL_CHANCE = [0.85, 0.7, 0.5, 0.3];
/** Chance that a filling line of a parent at level 0–2 skips a level. */
const SKIP_CHANCE = [0.1, 0.2, 0.2];
/** Whole weeks of production lead time by level: [minimum, maximum]. */
const PRODUCTION_LEAD_TIME: readonly (readonly [number, number])[] = [
  [2, 5],
  [1, 3],
  [1, 3],
  [1, 2],
  [1, 2],
  [1, 1],
  [1, 2],
];
/** Cost level by region (EU = 1) and CO2 of the power mix by country (1 = average). */
const REGION_COST: Readonly<Record<Region, number>> = { EU: 1, NA: 1.05, ASIA: 0.78, SA: 0.85 };
const COUNTRY_CO2: Readonly<Record<string, number>> = {
  CN: 1.3,
  IN: 1.35,
  PL: 1.25,
  CZ: 1.1,
  ZA: 1.3,
  SE: 0.55,
  FR: 0.65,
  BR: 0.75,
  CA: 0.8,
  AT: 0.8,
};
const PAYMENT_TERMS: Readonly<Record<Region, readonly number[]>> = {
  EU: [30, 45, 60, 60, 90],
  NA: [30, 30, 45, 60],
  ASIA: [60, 90, 90, 120],
  SA: [30, 60, 90],
};
/**
 * Zero for fields that will hold fractions. −0 is stored as a double, 0 as a small integer: starting
 * from 0 makes V8 migrate each of some 100,000 objects when its field first takes a fraction.
 */
const FRACTION_ZERO = -0;
const BPN_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

class Draft {
  readonly companies: DraftCompany[] = [];
  readonly items: DraftItem[] = [];
  readonly productions: DraftProduction[] = [];
  readonly rules: DraftRule[] = [];
  /** Item indices by level. */
  readonly levelItems: number[][] = [[], [], [], [], [], [], []];
  /** Company indices by level. */
  readonly levelCompanies: number[][] = [[], [], [], [], [], [], []];
  /** Rule indices by buyer. */
  readonly buyerRules: number[][] = [];
  readonly demandMeans: number[] = [];
  readonly oemCount: number;
  private readonly clusterRanges: ({ from: number; to: number }[] | undefined)[] = [];
  private clustersByRegion: Map<string, number[]> | undefined;

  constructor(
    readonly companyCount: number,
    readonly horizon: number,
    readonly startDay: number,
  ) {
    this.oemCount = companyCount < 20 ? 1 : Math.max(2, Math.round(companyCount / 1000));
  }

  // ── Companies ────────────────────────────────────────────────────────────────────────────────
  createCompanies(random: Random): void {
    const suppliers = this.companyCount - this.oemCount;
    const counts = [
      this.oemCount,
      ...LEVEL_SHARES.map((share) => Math.max(1, Math.floor((suppliers * share) / 100))),
    ];
    counts[4]! += this.companyCount - counts.reduce((sum, count) => sum + count, 0);
    const weights = {
      oem: COUNTRIES.map((country) => country.weight.oem),
      supplier: COUNTRIES.map((country) => country.weight.supplier),
      raw: COUNTRIES.map((country) => country.weight.raw),
    };
    const oemWidth = Math.max(3, String(this.oemCount).length);
    const supplierWidth = Math.max(5, String(suppliers).length);
    let supplierNumber = 0;
    for (let level = 0; level <= RAW; level += 1) {
      let group: { id: string; word: string; tradeName: string; remaining: number } | undefined;
      for (let index = 0; index < counts[level]!; index += 1) {
        const profile = level === 0 ? weights.oem : level === RAW ? weights.raw : weights.supplier;
        // Upper-tier suppliers cluster near their OEM: a company in an OEM's block is often in its
        // country or at least its region.
        const cluster = Math.floor((index * this.oemCount) / counts[level]!);
        const oem = level === 0 ? undefined : this.companies[this.levelCompanies[0]![cluster]!]!;
        let country = COUNTRIES[random.weighted(profile)]!;
        if (oem !== undefined && random.chance(HOME_REGION_CHANCE[level]!)) {
          const region = oem.country.region;
          country = random.chance(0.6)
            ? oem.country
            : COUNTRIES[
                random.weighted(profile.map((weight, at) => (COUNTRIES[at]!.region === region ? weight : 0)))
              ]!;
        }
        const town = random.pick(country.towns);
        if (level > 0) supplierNumber += 1;
        const id =
          level === 0 ? `oem-${pad(index + 1, oemWidth)}` : `sup-${pad(supplierNumber, supplierWidth)}`;
        if (group === undefined && level > 0 && random.chance(0.03)) {
          const word = companyWord(random, country.code);
          group = { id: `grp-${id}`, word, tradeName: trade(random, level), remaining: random.integer(2, 4) };
        }
        const word = group?.word ?? companyWord(random, country.code);
        const tradeName = group?.tradeName ?? trade(random, level);
        const jitter = 0.04;
        const latitude = clamp(town.latitude + random.normal(0, jitter), -89.9, 89.9);
        const longitude = clamp(
          town.longitude + random.normal(0, jitter) / Math.cos((town.latitude * Math.PI) / 180),
          -179.9,
          179.9,
        );
        const company: DraftCompany = {
          id,
          level,
          country,
          town,
          location: [round(latitude, 4), round(longitude, 4)],
          word,
          tradeName,
          group: group?.id,
          prefix: partPrefix(word),
          costFactor: REGION_COST[country.region] * random.between(0.9, 1.1),
          co2Factor: COUNTRY_CO2[country.code] ?? 1,
          margin: level === 0 ? random.between(1.15, 1.45) : random.between(1.06, 1.3),
          items: [],
          productions: [],
        };
        if (group !== undefined) {
          group.remaining -= 1;
          if (group.remaining === 0) group = undefined;
        }
        this.levelCompanies[level]!.push(this.companies.length);
        this.companies.push(company);
        this.buyerRules.push([]);
      }
    }
  }

  // ── Items and who makes them ─────────────────────────────────────────────────────────────────
  createItems(random: Random): void {
    // Levels 1–6: every company makes one to three items, every item has one to three makers.
    // Companies and items of a level are split into one contiguous block per OEM (its cluster); an
    // item's makers mostly come from its own block, some from anywhere, so that upper tiers stay
    // fairly close to one OEM and deeper ones are shared.
    for (let level = 1; level <= RAW; level += 1) {
      const companies = this.levelCompanies[level]!;
      const slots: number[] = [];
      /** The OEM block of each slot position; an item belongs to the block of its first slot. */
      const slotClusters: number[] = [];
      let blockStart = 0;
      companies.forEach((company, position) => {
        const made = level === RAW ? 1 + random.weighted([0.7, 0.3]) : 1 + random.weighted([0.6, 0.3, 0.1]);
        const cluster = Math.floor((position * this.oemCount) / companies.length);
        for (let slot = 0; slot < made; slot += 1) {
          slots.push(company);
          slotClusters.push(cluster);
        }
        const nextCluster = Math.floor(((position + 1) * this.oemCount) / companies.length);
        if (nextCluster !== cluster || position === companies.length - 1) {
          shuffleRange(random, slots, blockStart, slots.length);
          blockStart = slots.length;
        }
      });
      for (let slot = 0; slot < slots.length; slot++) {
        if (!random.chance(MAKER_MIXING[level]!)) continue;
        const other = random.integer(0, slots.length - 1);
        const company = slots[slot]!;
        slots[slot] = slots[other]!;
        slots[other] = company;
      }
      const groups: ItemGroup[] = [];
      for (let next = 0; next < slots.length; ) {
        const size = 1 + random.weighted(MAKERS_PER_ITEM);
        const makers: number[] = [];
        for (const company of slots.slice(next, next + size)) {
          // A company twice in one item would be two production records for one item: drop the
          // second; its other slot keeps it in the network.
          if (!makers.includes(company)) makers.push(company);
        }
        groups.push({ makers, cluster: slotClusters[next]! });
        next += size;
      }
      this.addLevelItems(random, level, groups);
    }
    // Level 0: each OEM makes one to five end products of one family.
    const modulesPerOem = this.levelItems[1]!.length / this.oemCount;
    const familyWeights = [1, 2, 1, 1.5];
    for (const oem of this.levelCompanies[0]!) {
      const family = PRODUCT_FAMILIES[random.weighted(familyWeights)]!;
      const products = clamp(Math.round(modulesPerOem / 30) + random.integer(0, 1), 1, 5);
      const kinds = random.shuffle([...family.kinds]);
      const groups: ItemGroup[] = [];
      const cluster = this.levelCompanies[0]!.indexOf(oem);
      for (let product = 0; product < products; product += 1) groups.push({ makers: [oem], cluster });
      const first = this.items.length;
      this.addLevelItems(random, 0, groups);
      for (let product = 0; product < products; product += 1) {
        const item = this.items[first + product]!;
        item.kind = kinds[product % kinds.length]!;
        item.family = family;
      }
    }
  }

  /** Adds the items of one level, each made by one group of companies. */
  private addLevelItems(random: Random, level: number, groups: readonly ItemGroup[]): void {
    const kinds = level === 0 ? PRODUCT_FAMILIES[0]!.kinds : LEVEL_KINDS[level - 1]!;
    const width = Math.max(4, String(groups.length).length);
    for (const { makers, cluster } of groups) {
      const position = this.levelItems[level]!.length;
      const number = pad(position + 1, width);
      const index = this.items.length;
      this.items.push({
        id: `${LEVEL_PREFIXES[level]}-${number}`,
        level,
        number,
        // Levels 5 and 6 get their kind from the recipes above them (see buildBoms).
        kind: random.pick(kinds),
        cluster,
        makers,
        bom: [],
        covered: false,
        weight: FRACTION_ZERO,
        materialCost: FRACTION_ZERO,
        averagePrice: FRACTION_ZERO,
        valueAdded: FRACTION_ZERO,
      });
      this.levelItems[level]!.push(index);
      for (const company of makers) this.companies[company]!.items.push(index);
    }
  }

  /** The OEM clusters whose OEM is in the same region as the OEM of `cluster` (itself included). */
  private regionalClusters(cluster: number): readonly number[] {
    if (this.clustersByRegion === undefined) {
      this.clustersByRegion = new Map();
      this.levelCompanies[0]!.forEach((oem, position) => {
        const region = this.companies[oem]!.country.region;
        this.clustersByRegion!.set(region, [...(this.clustersByRegion!.get(region) ?? []), position]);
      });
    }
    return this.clustersByRegion.get(this.companies[this.levelCompanies[0]![cluster]!]!.country.region)!;
  }

  /**
   * Positions in `levelItems[level]` of the items in OEM cluster `cluster` (items are stored in
   * cluster order); all items of the level if the cluster has none.
   */
  private clusterItems(level: number, cluster: number): { from: number; to: number } {
    let ranges = this.clusterRanges[level];
    if (ranges === undefined) {
      ranges = Array.from({ length: this.oemCount }, () => ({ from: 0, to: 0 }));
      const items = this.levelItems[level]!;
      items.forEach((itemIndex, position) => {
        const range = ranges![this.items[itemIndex]!.cluster]!;
        if (range.to === 0) range.from = position;
        range.to = position + 1;
      });
      this.clusterRanges[level] = ranges;
    }
    const range = ranges[cluster]!;
    return range.from < range.to ? range : { from: 0, to: this.levelItems[level]!.length };
  }

  // ── Bills of materials ───────────────────────────────────────────────────────────────────────
  buildBoms(random: Random): void {
    // Levels 0–3 are assembled from the level below (and sometimes two below): every child is first
    // given a parent in its own OEM cluster, then parents are filled up with further lines.
    for (let level = 0; level <= 3; level += 1) this.buildAssemblyBoms(random, level);
    // Materials: recipes of components and parts call for semi-finished goods and raw materials of
    // given kinds; the items of levels 5 and 6 take their kinds from those calls, so each is wanted.
    const slotsFor = (parents: readonly number[]): Slot[] => {
      const slots: Slot[] = [];
      for (const parent of parents) {
        for (const line of this.items[parent]!.kind.recipe ?? []) {
          slots.push({ parent, code: random.pick(line.codes), quantity: line.quantity });
        }
      }
      return slots;
    };
    const level3 = slotsFor(this.levelItems[3]!);
    const level4 = slotsFor(this.levelItems[4]!);
    this.fillMaterials(random, 5, [...level3, ...level4]);
    const level5 = slotsFor(this.levelItems[5]!);
    this.fillMaterials(random, RAW, [...level4, ...level5]);
    // A part or semi-finished good whose materials were all missing (tiny networks) takes any item
    // of the level below, so that nothing but raw materials lacks a bill of materials.
    for (let level = 4; level < RAW; level += 1) {
      for (const parent of this.levelItems[level]!) {
        const item = this.items[parent]!;
        if (item.bom.length > 0) continue;
        const child = random.pick(this.levelItems[level + 1]!);
        item.bom.push({ item: child, quantity: this.genericQuantity(random, child) });
        this.items[child]!.covered = true;
      }
    }
  }

  private buildAssemblyBoms(random: Random, level: number): void {
    const parents = this.levelItems[level]!;
    const children = this.levelItems[level + 1]!;
    for (const child of children) {
      const range = this.clusterItems(level, this.items[child]!.cluster);
      const parent = parents[random.integer(range.from, range.to - 1)]!;
      this.addLine(random, parent, child);
    }
    for (const parent of parents) {
      const item = this.items[parent]!;
      const target =
        level === 0 ? item.bom.length + random.integer(2, 6) : random.integer(level === 3 ? 1 : 2, 5);
      for (let attempt = 0; item.bom.length < target && attempt < 4 * target; attempt += 1) {
        const skip = level < 3 && random.chance(SKIP_CHANCE[level]!);
        const childLevel = skip ? level + 2 : level + 1;
        const candidates = this.levelItems[childLevel]!;
        // Own OEM's block; else mostly the block of another OEM in the same region (suppliers shared by
        // the OEMs of one region); else anywhere.
        let range = { from: 0, to: candidates.length };
        if (random.chance(LOCAL_CHANCE[level]!)) range = this.clusterItems(childLevel, item.cluster);
        else if (random.chance(0.7))
          range = this.clusterItems(childLevel, random.pick(this.regionalClusters(item.cluster)));
        this.addLine(random, parent, candidates[random.integer(range.from, range.to - 1)]!);
      }
    }
  }

  /** Gives the items of `level` (5 or 6) kinds that the slots call for, then fills the slots. */
  private fillMaterials(random: Random, level: number, allSlots: readonly Slot[]): void {
    const levelKinds = LEVEL_KINDS[level - 1]!;
    const codes = new Set(levelKinds.map((kind) => kind.code));
    const slots = allSlots.filter((slot) => codes.has(slot.code));
    const children = this.levelItems[level]!;
    // Kinds: first one of each kind called for (so that each call can be met), then in proportion.
    const called = [...new Set(slots.map((slot) => slot.code))];
    random.shuffle(called);
    const kindOf = (code: string): ItemKind => levelKinds.find((kind) => kind.code === code)!;
    children.forEach((child, position) => {
      const item = this.items[child]!;
      if (position < called.length) item.kind = kindOf(called[position]!);
      else if (slots.length > 0) item.kind = kindOf(random.pick(slots).code);
      else item.kind = random.pick(levelKinds);
    });
    // Match children to slots kind by kind: each child fills a slot; spare slots share a child of their
    // kind, spare children get an extra line in a parent.
    const childrenByCode = new Map<string, number[]>();
    for (const child of children) {
      const code = this.items[child]!.kind.code;
      const list = childrenByCode.get(code);
      if (list === undefined) childrenByCode.set(code, [child]);
      else list.push(child);
    }
    const slotsByCode = new Map<string, Slot[]>();
    for (const slot of slots) {
      const list = slotsByCode.get(slot.code);
      if (list === undefined) slotsByCode.set(slot.code, [slot]);
      else list.push(slot);
    }
    for (const code of levelKinds.map((kind) => kind.code)) {
      const kindChildren = random.shuffle(childrenByCode.get(code) ?? []);
      const kindSlots = random.shuffle(slotsByCode.get(code) ?? []);
      if (kindChildren.length === 0) continue;
      if (kindSlots.length === 0) {
        // Nobody calls for this kind (tiny networks only): any parent one level up takes it.
        for (const child of kindChildren) {
          const parent = random.pick(this.levelItems[level - 1]!);
          this.addLine(random, parent, child);
        }
        continue;
      }
      // Both lists in OEM-cluster order (random within a cluster), matched proportionally: materials
      // mostly go to parents of the same block, and every child and every slot is used at least once.
      kindChildren.sort((a, b) => this.items[a]!.cluster - this.items[b]!.cluster);
      kindSlots.sort((a, b) => this.items[a.parent]!.cluster - this.items[b.parent]!.cluster);
      const rounds = Math.max(kindChildren.length, kindSlots.length);
      for (let position = 0; position < rounds; position += 1) {
        const slot = kindSlots[Math.floor((position * kindSlots.length) / rounds)]!;
        const child = kindChildren[Math.floor((position * kindChildren.length) / rounds)]!;
        this.addLine(random, slot.parent, child, slot.quantity);
      }
    }
  }

  /** Adds `child` to the bill of materials of `parent` unless it is there already. */
  private addLine(random: Random, parent: number, child: number, recipe?: RecipeLine['quantity']): void {
    const item = this.items[parent]!;
    if (item.bom.some((line) => line.item === child)) return;
    const quantity =
      recipe === undefined
        ? this.genericQuantity(random, child)
        : significant(random.between(recipe[0], recipe[1]), 3);
    item.bom.push({ item: child, quantity });
    this.items[child]!.covered = true;
  }

  private genericQuantity(random: Random, child: number): number {
    switch (this.items[child]!.kind.unit) {
      case 'pcs':
        return [1, 2, 3, 4, 6, 8, 12][random.weighted([55, 20, 8, 8, 4, 3, 2])]!;
      case 'kg':
        return significant(random.logBetween(0.05, 5), 3);
      case 'm':
        return significant(random.between(0.2, 5), 3);
      case 'm2':
        return significant(random.between(0.01, 0.5), 3);
    }
  }

  // ── Production steps ─────────────────────────────────────────────────────────────────────────
  createProductions(random: Random): void {
    this.companies.forEach((company, companyIndex) => {
      for (const itemIndex of company.items) {
        const item = this.items[itemIndex]!;
        const [shortest, longest] = PRODUCTION_LEAD_TIME[item.level]!;
        const hasYield = item.level >= 2 && item.level < RAW && random.chance(0.25);
        company.productions.push(this.productions.length);
        this.productions.push({
          company: companyIndex,
          item: itemIndex,
          leadTime: random.integer(shortest, longest),
          yield: hasYield ? round(random.between(0.95, 0.995), 3) : undefined,
          unitCost: FRACTION_ZERO,
          price: FRACTION_ZERO,
          starts: FRACTION_ZERO,
        });
      }
    });
  }

  /** The production record of `company` for `item`. */
  private productionOf(company: number, item: number): DraftProduction {
    for (const production of this.companies[company]!.productions) {
      if (this.productions[production]!.item === item) return this.productions[production]!;
    }
    throw new Error(`generate: ${this.companies[company]!.id} does not make ${this.items[item]!.id}`);
  }

  // ── Sourcing ─────────────────────────────────────────────────────────────────────────────────
  createSourcing(random: Random): void {
    const rulesByItem: number[][] = this.items.map(() => []);
    const picked: boolean[][] = this.items.map((item) => item.makers.map(() => false));
    for (let buyer = 0; buyer < this.companies.length; buyer++) {
      for (const production of this.companies[buyer]!.productions) {
        for (const line of this.items[this.productions[production]!.item]!.bom) {
          if (this.ruleOf(buyer, line.item) !== undefined) continue;
          const makers = this.items[line.item]!.makers;
          const wanted = 1 + random.weighted(SOURCING_MIX[makers.length]!);
          // Makers no rule has picked yet go first, so that every maker supplies someone.
          const flags = picked[line.item]!;
          const order = random.shuffle(makers.map((_, position) => position));
          const positions: number[] = [];
          for (const position of order)
            if (!flags[position] && positions.length < wanted) positions.push(position);
          for (const position of order)
            if (flags[position] && positions.length < wanted) positions.push(position);
          const suppliers: number[] = [];
          for (const position of positions) {
            flags[position] = true;
            suppliers.push(makers[position]!);
          }
          this.buyerRules[buyer]!.push(this.rules.length);
          rulesByItem[line.item]!.push(this.rules.length);
          this.rules.push({ buyer, item: line.item, suppliers, need: FRACTION_ZERO });
        }
      }
    }
    // A maker still unpicked joins one of the item's rules as second or third source.
    for (let itemIndex = 0; itemIndex < this.items.length; itemIndex++) {
      const item = this.items[itemIndex]!;
      if (item.level === 0) continue; // end products go to end customers
      for (let position = 0; position < item.makers.length; position++) {
        if (picked[itemIndex]![position]) continue;
        const open = rulesByItem[itemIndex]!.filter((rule) => this.rules[rule]!.suppliers.length < 3);
        if (open.length === 0) throw new Error(`generate: no rule can take a maker of ${item.id}`);
        this.rules[random.pick(open)]!.suppliers.push(item.makers[position]!);
        picked[itemIndex]![position] = true;
      }
    }
  }

  /** The rule of `buyer` for `item`, if it has one. */
  private ruleOf(buyer: number, item: number): DraftRule | undefined {
    for (const rule of this.buyerRules[buyer]!) if (this.rules[rule]!.item === item) return this.rules[rule];
    return undefined;
  }

  // ── Weights, costs and prices, from raw materials up ─────────────────────────────────────────
  rollUpCosts(random: Random): void {
    for (let level = RAW; level >= 0; level -= 1) {
      for (const itemIndex of this.levelItems[level]!) {
        const item = this.items[itemIndex]!;
        let weight = 0;
        let materialCost = 0;
        for (const line of item.bom) {
          const child = this.items[line.item]!;
          weight += line.quantity * child.weight;
          materialCost += line.quantity * child.averagePrice;
        }
        item.weight = item.kind.unit === 'kg' ? 1 : (item.kind.weightKg ?? weight);
        item.materialCost = materialCost;
        item.valueAdded = random.logBetween(item.kind.valueAdded[0], item.kind.valueAdded[1]);
        let priceSum = 0;
        for (const maker of item.makers) {
          const company = this.companies[maker]!;
          const production = this.productionOf(maker, itemIndex);
          production.unitCost = item.valueAdded * company.costFactor;
          production.price = (materialCost + production.unitCost) * company.margin;
          priceSum += production.price;
        }
        item.averagePrice = priceSum / item.makers.length;
      }
    }
  }

  // ── Demand: end demand of the OEMs, then down the chains ─────────────────────────────────────
  drawEndDemand(random: Random): void {
    for (const itemIndex of this.levelItems[0]!) {
      const range = this.items[itemIndex]!.family!.weeklyDemand;
      this.demandMeans.push(significant(random.logBetween(range[0], range[1]), 3));
    }
  }

  propagateDemand(): void {
    const products = this.levelItems[0]!;
    for (let position = 0; position < products.length; position++) {
      const production = this.productionOf(this.items[products[position]!]!.makers[0]!, products[position]!);
      production.starts = this.demandMeans[position]! / (production.yield ?? 1);
    }
    // Levels go strictly down, so a step's starts are complete before its level is processed.
    for (let level = 0; level < RAW; level += 1) {
      for (const itemIndex of this.levelItems[level]!) {
        const item = this.items[itemIndex]!;
        for (const maker of item.makers) {
          const production = this.productionOf(maker, itemIndex);
          for (const line of item.bom) {
            const need = production.starts * line.quantity;
            const rule = this.ruleOf(maker, line.item)!;
            rule.need += need;
            const shares = SHARES[rule.suppliers.length]!;
            for (let position = 0; position < rule.suppliers.length; position++) {
              const upstream = this.productionOf(rule.suppliers[position]!, line.item);
              upstream.starts += (need * shares[position]!) / (upstream.yield ?? 1);
            }
          }
        }
      }
    }
  }

  // ── Records ──────────────────────────────────────────────────────────────────────────────────
  companyRecords(random: Random): Company[] {
    const taken = new Set<string>();
    return this.companies.map((company) => {
      let revenue = 0;
      for (const production of company.productions) {
        revenue += this.productions[production]!.starts * this.productions[production]!.price;
      }
      const weeksOfCash = random.chance(0.05) ? random.between(0.1, 0.6) : random.between(2, 10);
      const terms = company.level === 0 ? [60, 90, 90, 120] : PAYMENT_TERMS[company.country.region];
      let bpn: string;
      do {
        bpn = 'BPNL';
        for (let position = 0; position < 12; position += 1) bpn += BPN_ALPHABET[random.uint32() % 36];
      } while (taken.has(bpn));
      taken.add(bpn);
      const legalForm = random.pick(company.country.legalForms);
      const creditLine = random.chance(0.4) ? Math.round((revenue * random.between(2, 6)) / 1000) * 1000 : -1;
      const record: Company = {
        id: company.id,
        name: companyName(
          company.word,
          company.tradeName,
          legalForm,
          company.country.code,
          company.town.city,
        ),
        bpn,
        ...(company.group === undefined ? {} : { group: company.group }),
        site: {
          country: company.country.code,
          region: company.country.region,
          location: company.location,
          city: company.town.city,
        },
        cash: Math.round((revenue * weeksOfCash) / 1000) * 1000,
        paymentTermDays: random.pick(terms),
        ...(creditLine < 0 ? {} : { creditLine }),
      };
      return record;
    });
  }

  itemRecords(): Item[] {
    return this.items.map((item) => ({
      id: item.id,
      name: `${item.kind.noun} ${item.kind.code}-${item.number}`,
      unit: item.kind.unit,
      hsCode: item.kind.hsCode,
      weightKg: significant(item.weight, 4),
    }));
  }

  productionRecords(random: Random): { production: Production[]; capacityGroups: CapacityGroup[] } {
    const production: Production[] = [];
    const capacityGroups: CapacityGroup[] = [];
    for (const company of this.companies) {
      // Some companies with several items run them on one shared line: a capacity group.
      const shared = company.productions.length >= 2 && company.level > 0 && random.chance(0.25);
      if (shared) {
        const utilisation = this.utilisation(random);
        let load = 0;
        const items = company.productions.map((index) => {
          const step = this.productions[index]!;
          const perUnit = round(random.between(0.5, 2), 2);
          load += perUnit * step.starts;
          return { item: this.items[step.item]!.id, load: perUnit };
        });
        const capacity = significant(load / utilisation, 3);
        const group: CapacityGroup = { id: `${company.id}-line`, company: company.id, capacity, items };
        if (random.chance(0.4)) group.maximumCapacity = significant(capacity * random.between(1.1, 1.3), 3);
        capacityGroups.push(group);
      }
      const first = production.length;
      for (const index of company.productions) {
        production.push(this.productionRecord(random, company, this.productions[index]!, shared));
      }
      if (shared) {
        const group = capacityGroups[capacityGroups.length - 1]!;
        fitLotsToGroup(
          production.slice(first),
          group,
          company.productions.map((index) => this.productions[index]!.starts),
        );
      }
    }
    return { production, capacityGroups };
  }

  /** Planned utilisation of a step: mostly slack, some busy, some tight. */
  private utilisation(random: Random): number {
    const band = random.weighted([75, 13, 12]);
    if (band === 0) return random.between(0.45, 0.8);
    if (band === 1) return random.between(0.8, 0.9);
    return random.between(0.9, 1.1);
  }

  private productionRecord(
    random: Random,
    company: DraftCompany,
    step: DraftProduction,
    shared: boolean,
  ): Production {
    const item = this.items[step.item]!;
    const pieces = item.kind.unit === 'pcs';
    const utilisation = shared ? random.between(0.4, 0.6) : this.utilisation(random);
    const capacity = this.quantity(step.starts / utilisation, pieces, true);
    const record: Production = {
      company: company.id,
      item: item.id,
      leadTime: step.leadTime,
      capacity: this.withShutdowns(random, company, capacity),
    };
    const tight = utilisation > 0.9;
    if (random.chance(tight ? 0.6 : 0.3)) {
      const maximum = this.quantity(capacity * random.between(1.1, 1.35), pieces, true);
      record.maximumCapacity = maximum > capacity ? maximum : capacity + (pieces ? 1 : capacity * 0.1);
    }
    record.unitCost = money(step.unitCost);
    record.co2PerUnit = significant(
      random.between(item.kind.co2[0], item.kind.co2[1]) * company.co2Factor,
      3,
    );
    record.partNumber = `${company.prefix}-${item.kind.code}-${random.integer(10000, 99999)}`;
    if (random.chance(0.2)) {
      const wanted = Math.min(capacity, this.quantity(step.starts * random.between(0.5, 1.5), pieces, true));
      const multiples = [1, 2, 5, 10, 20, 50, 100].filter((multiple) => multiple <= wanted);
      if (pieces && multiples.length > 0) {
        // A lot that a full period of capacity can start: a multiple, at most the capacity.
        const multiple = random.pick(multiples);
        const minimum = Math.max(multiple, Math.floor(wanted / multiple) * multiple);
        record.lotSize = { minimum, multiple };
      } else {
        record.lotSize = { minimum: wanted };
      }
    }
    if (step.yield !== undefined) record.yield = step.yield;
    // Holding cost: 25 % of the value a year, spread over 52 weeks.
    record.holdingCost = significant(Math.max((step.price * 0.25) / 52, 0.0001), 3);
    if (item.bom.length > 0) {
      record.bom = item.bom.map(
        (line): BomLine => ({ item: this.items[line.item]!.id, quantity: line.quantity }),
      );
    }
    return record;
  }

  /**
   * A capacity as one number, or as a list with shutdown weeks: 5 % of sites close for two weeks in
   * summer and over Christmas (Europe, North America) or for Spring Festival (China, Taiwan). The list
   * stops after the last shutdown; its last value then repeats.
   */
  private withShutdowns(random: Random, company: DraftCompany, capacity: number): PerPeriod {
    if (!random.chance(0.05)) return capacity;
    const region = company.country.region;
    const lunar = company.country.code === 'CN' || company.country.code === 'TW';
    if (!lunar && region !== 'EU' && region !== 'NA') return capacity;
    const list: number[] = [];
    let last = -1;
    for (let period = 0; period < this.horizon; period += 1) {
      const monday = new Date(this.startDay + period * 7 * DAY_MS);
      const dayOfYear = monthDay(monday);
      const closed = lunar
        ? dayOfYear >= 127 && dayOfYear <= 209 // Monday between 27 January and 9 February
        : (dayOfYear >= 728 && dayOfYear <= 809) || dayOfYear >= 1222; // late July, Christmas
      list.push(closed ? 0 : capacity);
      if (closed) last = period;
    }
    if (last < 0 || !list.some((value) => value > 0)) return capacity;
    return list.slice(0, Math.min(last + 2, this.horizon));
  }

  /** A quantity in whole pieces (at least 1 if `positive`) or to 3 significant digits. */
  private quantity(value: number, pieces: boolean, positive: boolean): number {
    if (pieces) return positive ? Math.max(1, Math.ceil(value - 1e-9)) : Math.round(value);
    const rounded = significant(value, 3);
    return positive && !(rounded > 0) ? 0.001 : rounded;
  }

  sourcingRecords(random: Random): Sourcing[] {
    const places: Place[] = this.companies.map((company) => ({
      country: company.country.code,
      region: company.country.region,
      location: company.location,
    }));
    return this.rules.map((rule) => {
      const buyer = this.companies[rule.buyer]!;
      const item = this.items[rule.item]!;
      const shares = SHARES[rule.suppliers.length]!;
      const suppliers = rule.suppliers.map((supplierIndex, position): SupplierShare => {
        const supplier = this.companies[supplierIndex]!;
        const lane = laneBetween(places[supplierIndex]!, places[rule.buyer]!, {
          urgent: item.kind.air === true && random.chance(0.25),
          bulk: item.kind.unit !== 'pcs' && random.chance(0.5),
          railPreferred: random.chance(0.3),
        });
        return {
          supplier: supplier.id,
          share: shares[position]!,
          leadTime: lane.leadTimeWeeks,
          unitPrice: money(this.productionOf(supplierIndex, rule.item).price),
          mode: lane.mode,
          co2PerUnit: significant((item.weight / 1000) * lane.distanceKm * lane.co2PerTonneKm, 3),
          distanceKm: lane.distanceKm,
        };
      });
      return {
        buyer: buyer.id,
        item: item.id,
        buyerPartNumber: `${buyer.prefix}-${item.number}${item.level}`,
        suppliers,
      };
    });
  }

  /**
   * Stock on the day the plan starts. A network that has been running at its mean demand also has
   * work in progress (each step's output of the last `leadTime` periods) and goods in transit (each
   * sourcing line's share of the last `leadTime` periods): without them nothing could arrive before
   * the chain's cumulative lead time, which reaches 40 weeks and more from raw material to end
   * product. They are counted here as stock on hand at the maker and the buyer: one record per
   * shipment in transit would be over a million open orders at 60,000 companies.
   */
  inventoryRecords(random: Random, sourcing: readonly Sourcing[]): Inventory[] {
    const inventory: Inventory[] = [];
    for (const company of this.companies) {
      for (const index of company.productions) {
        const step = this.productions[index]!;
        const pieces = this.items[step.item]!.kind.unit === 'pcs';
        const inProgress = step.starts * (step.yield ?? 1) * step.leadTime;
        const record: Inventory = {
          company: company.id,
          item: this.items[step.item]!.id,
          onHand: this.quantity(step.starts * random.between(0, 3) + inProgress, pieces, false),
        };
        if (random.chance(0.5)) {
          record.safetyStock = this.quantity(step.starts * random.between(0.5, 2), pieces, false);
        }
        inventory.push(record);
      }
    }
    this.rules.forEach((rule, index) => {
      const item = this.items[rule.item]!;
      let inTransit = 0;
      for (const line of sourcing[index]!.suppliers) inTransit += rule.need * line.share * line.leadTime;
      const extra = random.chance(0.25) ? rule.need * random.between(0.5, 3) : 0;
      const onHand = this.quantity(inTransit + extra, item.kind.unit === 'pcs', false);
      if (onHand > 0) inventory.push({ company: this.companies[rule.buyer]!.id, item: item.id, onHand });
    });
    return inventory;
  }

  /** A sample of open orders (scheduled receipts) due in the first periods, with order numbers. */
  openOrderRecords(random: Random): OpenOrder[] {
    const orders: OpenOrder[] = [];
    const lastPeriod = this.horizon - 1;
    for (const rule of this.rules) {
      if (!random.chance(0.12)) continue;
      const item = this.items[rule.item]!;
      const main = rule.suppliers[0]!;
      const share = SHARES[rule.suppliers.length]![0]!;
      orders.push({
        kind: 'purchase',
        company: this.companies[rule.buyer]!.id,
        item: item.id,
        supplier: this.companies[main]!.id,
        quantity: this.quantity(rule.need * share * random.between(1, 2), item.kind.unit === 'pcs', true),
        due: Math.min(lastPeriod, random.integer(0, 3)),
        id: `PO-${pad(orders.length + 1, 7)}`,
      });
    }
    for (const step of this.productions) {
      if (step.leadTime < 1 || !random.chance(0.1)) continue;
      const item = this.items[step.item]!;
      orders.push({
        kind: 'production',
        company: this.companies[step.company]!.id,
        item: item.id,
        quantity: this.quantity(step.starts, item.kind.unit === 'pcs', true),
        due: Math.min(lastPeriod, random.integer(0, step.leadTime - 1)),
        id: `WO-${pad(orders.length + 1, 7)}`,
      });
    }
    return orders;
  }

  demandRecords(random: Random): Demand[] {
    return this.levelItems[0]!.map((itemIndex, position) => {
      const item = this.items[itemIndex]!;
      const mean = this.demandMeans[position]!;
      const amplitude = random.between(0.05, 0.25);
      const phase = random.integer(0, 51);
      const trend = random.between(-0.1, 0.2);
      const variation = random.between(0.08, 0.2);
      const quantities: number[] = [];
      for (let period = 0; period < this.horizon; period += 1) {
        // Seasonality over a 52-week year, a yearly trend, and noise: Poisson for small volumes.
        const rate =
          mean *
          (1 + amplitude * Math.sin((2 * Math.PI * (period + phase)) / 52)) *
          (1 + (trend * period) / 52);
        quantities.push(
          rate < 30
            ? poisson(random, Math.max(rate, 0))
            : Math.max(0, Math.round(random.normal(rate, rate * variation))),
        );
      }
      let sum = 0;
      for (const quantity of quantities) sum += quantity;
      const sampleMean = sum / quantities.length;
      let squares = 0;
      for (const quantity of quantities) squares += (quantity - sampleMean) ** 2;
      const production = this.productionOf(item.makers[0]!, itemIndex);
      return {
        company: this.companies[item.makers[0]!]!.id,
        item: item.id,
        quantities,
        price: money(production.price),
        mean: round(sampleMean, 2),
        stdDev: round(Math.sqrt(squares / Math.max(1, quantities.length - 1)), 2),
        serviceLevel: random.pick([0.9, 0.95, 0.95, 0.97, 0.98, 0.99]),
        maxServiceTime: random.integer(0, 2),
      };
    });
  }
}

/** Chance that a company at level 0–6 sits in the region of the OEM whose block it belongs to. */
const HOME_REGION_CHANCE = [0, 0.85, 0.85, 0.8, 0.75, 0.65, 0.5];
/** Chance that a maker slot of an item at level 0–6 is swapped with one anywhere in the level. */
const MAKER_MIXING = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.6];
/** Chance that an item has one, two or three makers. */
const MAKERS_PER_ITEM = [0.35, 0.35, 0.3];
/**
 * Chance of single source, 70/30 and 60/20/20 by the number of makers of the item (1, 2 or 3). With
 * makers drawn 35/35/30 % this gives 50 % single, 30 % 70/30 and 20 % 60/20/20 overall.
 */
const SOURCING_MIX: readonly (readonly number[])[] = [[], [1], [0.314, 0.686], [0.133, 0.2, 0.667]];
/** Shares by number of suppliers: single, 70/30, 60/20/20. Each list sums to exactly 1 in binary. */
const SHARES: readonly (readonly number[])[] = [[], [1], [0.7, 0.3], [0.6, 0.2, 0.2]];

/** A Poisson draw by Knuth's multiplication method (TAOCP vol. 2, 3.4.1), for small rates. */
function poisson(random: Random, rate: number): number {
  const limit = Math.exp(-rate);
  let count = 0;
  let product = random.next();
  while (product > limit) {
    count += 1;
    product *= random.next();
  }
  return count;
}

/** Fisher–Yates on `list[from, to)`. */
function shuffleRange(random: Random, list: number[], from: number, to: number): void {
  for (let index = to - 1; index > from; index -= 1) {
    const other = from + Math.floor(random.next() * (index - from + 1));
    const value = list[index]!;
    list[index] = list[other]!;
    list[other] = value;
  }
}

/** Month × 100 + day of a date, e.g. 727 for 27 July. */
function monthDay(date: Date): number {
  return (date.getUTCMonth() + 1) * 100 + date.getUTCDate();
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function clamp(value: number, minimum: number, maximum: number): number {
  return Math.min(maximum, Math.max(minimum, value));
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

function significant(value: number, digits: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(digits));
}

/** Money: cents below 10,000, whole units above; never 0 for something that costs anything. */
function money(value: number): number {
  if (value >= 10_000) return Math.round(value);
  const cents = Math.round(value * 100) / 100;
  return cents > 0 ? cents : value > 0 ? 0.01 : 0;
}

/**
 * A minimum lot that its capacity group cannot start in one period, next to the mean load of the
 * group's other items, would never be made: keep each item's minimum lot within that room (90 % of it,
 * a multiple of its lot multiple), or drop the minimum where no lot fits.
 */
function fitLotsToGroup(
  records: readonly Production[],
  group: CapacityGroup,
  starts: readonly number[],
): void {
  const capacity =
    typeof group.capacity === 'number'
      ? group.capacity
      : Math.min(...group.capacity.filter((value) => value > 0));
  const loads = records.map(
    (record, index) => (group.items.find((line) => line.item === record.item)?.load ?? 0) * starts[index]!,
  );
  const total = loads.reduce((sum, load) => sum + load, 0);
  records.forEach((record, index) => {
    const lot = record.lotSize;
    const perUnit = group.items.find((line) => line.item === record.item)?.load;
    if (lot?.minimum === undefined || perUnit === undefined) return;
    const multiple = lot.multiple ?? 0;
    const room = (0.9 * (capacity - (total - loads[index]!))) / perUnit;
    const fits = multiple > 0 ? Math.floor(room / multiple) * multiple : significant(room, 3);
    if (lot.minimum <= fits) return;
    if (!(fits > 0)) delete record.lotSize;
    else record.lotSize = { ...lot, minimum: fits };
  });
}
