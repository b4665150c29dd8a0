/**
 * @module model/generate-catalogue
 * The kinds of items a synthetic network is made of, level by level down the bill of materials:
 * end products (0), modules (1), assemblies (2), components (3), parts (4), semi-finished goods (5)
 * and raw materials (6). Each kind has a unit, a Harmonized System heading, a range for the cost and
 * CO2 that its own production step adds, and whether it is light and valuable enough to fly.
 *
 * CO2 of raw materials (kg CO2e per kg, cradle to gate) follows the orders of magnitude of public
 * lifecycle inventories (worldsteel 2023: ~1.9 for steel; International Aluminium Institute 2022:
 * ~8–16 for primary aluminium depending on the power mix; ICA 2022: ~4 for copper cathode;
 * PlasticsEurope eco-profiles: ~1.6–2 for polypropylene, ~6.5 for polyamide 6). Values added by
 * later steps are rough energy-use figures. Good enough to rank items, not to report emissions.
 */

export type Unit = 'pcs' | 'kg' | 'm' | 'm2';

/**
 * One material line of a kind's bill of materials: one of the item kinds named by `codes` (a
 * semi-finished good or a raw material), `quantity` of it per unit.
 */
export interface RecipeLine {
  readonly codes: readonly string[];
  readonly quantity: readonly [number, number];
}

export interface ItemKind {
  /** The item's name without its number, e.g. "Gearbox". */
  readonly noun: string;
  /** Two or three capitals for item names and part numbers, e.g. "GB". */
  readonly code: string;
  readonly unit: Unit;
  readonly hsCode: string;
  /** Cost in EUR that this production step adds per unit: [minimum, maximum]. */
  readonly valueAdded: readonly [number, number];
  /** kg CO2e that this production step adds per unit: [minimum, maximum]. */
  readonly co2: readonly [number, number];
  /** kg per unit of a raw material; other items weigh what their bill of materials weighs. */
  readonly weightKg?: number;
  /** Light and valuable: may go by air when it crosses an ocean. */
  readonly air?: boolean;
  /**
   * The materials it is made of. Parts (level 4) and semi-finished goods (level 5) are made of these
   * only; a component (level 3) adds them to the parts it is assembled from.
   */
  readonly recipe?: readonly RecipeLine[];
}

/** End products, grouped in families that decide an OEM's volumes. */
export interface ProductFamily {
  readonly trade: string;
  /** Mean end demand per week: [minimum, maximum], drawn log-uniformly. */
  readonly weeklyDemand: readonly [number, number];
  readonly kinds: readonly ItemKind[];
}

const kind = (
  noun: string,
  code: string,
  unit: Unit,
  hsCode: string,
  valueAdded: readonly [number, number],
  co2: readonly [number, number],
  extra: { weightKg?: number; air?: boolean; recipe?: readonly RecipeLine[] } = {},
): ItemKind => ({ noun, code, unit, hsCode, valueAdded, co2, ...extra });

const line = (codes: string, minimum: number, maximum: number): RecipeLine => ({
  codes: codes.split('|'),
  quantity: [minimum, maximum],
});

export const PRODUCT_FAMILIES: readonly ProductFamily[] = [
  {
    trade: 'Vehicles',
    weeklyDemand: [150, 2500],
    kinds: [
      kind('Electric van', 'EV', 'pcs', '870431', [1500, 4000], [800, 2500]),
      kind('Electric car', 'EC', 'pcs', '870380', [1200, 3500], [700, 2000]),
      kind('City bus', 'CB', 'pcs', '870210', [8000, 20000], [3000, 8000]),
    ],
  },
  {
    trade: 'Machines',
    weeklyDemand: [5, 150],
    kinds: [
      kind('Machining centre', 'MC', 'pcs', '845710', [6000, 25000], [1500, 5000]),
      kind('Packaging machine', 'PM', 'pcs', '842240', [4000, 15000], [800, 3000]),
      kind('Industrial robot', 'IR', 'pcs', '847950', [2500, 9000], [400, 1500]),
      kind('Agricultural tractor', 'AT', 'pcs', '870192', [3000, 9000], [1500, 4000]),
      kind('Forklift truck', 'FT', 'pcs', '842710', [1500, 5000], [600, 2000]),
    ],
  },
  {
    trade: 'Systems',
    weeklyDemand: [0.5, 12],
    kinds: [
      kind('Wafer inspection system', 'WI', 'pcs', '903141', [40000, 150000], [5000, 20000]),
      kind('Electron microscope', 'EM', 'pcs', '901210', [30000, 90000], [3000, 12000]),
      kind('MRI scanner', 'MR', 'pcs', '901813', [50000, 160000], [8000, 25000]),
    ],
  },
  {
    trade: 'Appliances',
    weeklyDemand: [300, 6000],
    kinds: [
      kind('Heat pump', 'HP', 'pcs', '841861', [150, 500], [60, 250]),
      kind('E-bike', 'EB', 'pcs', '871160', [60, 200], [20, 90]),
      kind('Home battery', 'HB', 'pcs', '850760', [120, 400], [50, 200]),
    ],
  },
];

/** Item kinds of levels 1 to 6, indexed by level − 1. */
export const LEVEL_KINDS: readonly (readonly ItemKind[])[] = [
  // 1: modules
  [
    kind('Drive module', 'DM', 'pcs', '850140', [80, 600], [20, 120]),
    kind('Cooling module', 'CM', 'pcs', '841950', [60, 400], [15, 80]),
    kind('Control cabinet', 'CC', 'pcs', '853710', [150, 1200], [30, 150]),
    kind('Battery pack', 'BP', 'pcs', '850760', [200, 1500], [80, 600]),
    kind('Motion stage', 'MS', 'pcs', '847990', [300, 2500], [40, 200]),
    kind('Vacuum chamber', 'VC', 'pcs', '841989', [250, 1800], [60, 300]),
    kind('Hydraulic power unit', 'HU', 'pcs', '841260', [120, 900], [30, 160]),
    kind('Operator cabin', 'OC', 'pcs', '870829', [200, 1500], [80, 400]),
    kind('Power supply unit', 'PS', 'pcs', '850440', [40, 300], [10, 60], { air: true }),
    kind('Frame assembly', 'FA', 'pcs', '730890', [100, 800], [60, 400]),
    kind('Optical module', 'OM', 'pcs', '901390', [400, 3000], [20, 120], { air: true }),
    kind('Gripper unit', 'GU', 'pcs', '847990', [60, 500], [10, 60]),
  ],
  // 2: assemblies
  [
    kind('Gearbox', 'GB', 'pcs', '848340', [30, 250], [15, 90]),
    kind('Pump assembly', 'PA', 'pcs', '841370', [20, 160], [8, 50]),
    kind('Cable harness', 'CH', 'pcs', '854430', [10, 120], [3, 25]),
    kind('PCB assembly', 'PCA', 'pcs', '853890', [15, 200], [4, 30], { air: true }),
    kind('Valve block', 'VB', 'pcs', '848120', [25, 180], [8, 45]),
    kind('Heat exchanger', 'HX', 'pcs', '841950', [20, 150], [10, 60]),
    kind('Linear axis', 'LA', 'pcs', '847990', [40, 300], [10, 60]),
    kind('Spindle unit', 'SU', 'pcs', '846693', [60, 400], [15, 80]),
    kind('Inverter', 'INV', 'pcs', '850440', [25, 220], [6, 40], { air: true }),
    kind('Display unit', 'DU', 'pcs', '852859', [15, 120], [5, 30], { air: true }),
    kind('Brake unit', 'BU', 'pcs', '870830', [15, 120], [6, 40]),
    kind('Fan unit', 'FU', 'pcs', '841459', [8, 60], [3, 20]),
  ],
  // 3: components
  [
    kind('Electric motor', 'EMO', 'pcs', '850152', [10, 90], [4, 30], {
      recipe: [line('CW', 0.3, 3), line('CRS', 0.5, 5)],
    }),
    kind('Bearing unit', 'BRG', 'pcs', '848210', [3, 30], [1, 8]),
    kind('Servo valve', 'SV', 'pcs', '848180', [8, 60], [2, 12]),
    kind('Connector', 'CON', 'pcs', '853669', [0.5, 6], [0.1, 1], {
      air: true,
      recipe: [line('PAC', 0.005, 0.05)],
    }),
    kind('Pressure sensor', 'PRS', 'pcs', '902620', [3, 40], [0.5, 4], { air: true }),
    kind('Printed circuit board', 'PCB', 'pcs', '853400', [2, 30], [0.5, 6], {
      air: true,
      recipe: [line('CCL', 0.01, 0.1)],
    }),
    kind('Microcontroller', 'MCU', 'pcs', '854231', [1, 15], [0.2, 2], { air: true }),
    kind('Capacitor bank', 'CAP', 'pcs', '853222', [2, 25], [0.5, 4]),
    kind('Hydraulic cylinder', 'HC', 'pcs', '841221', [10, 80], [4, 25], {
      recipe: [line('ST', 0.3, 1.5)],
    }),
    kind('Ball screw', 'BS', 'pcs', '848340', [8, 70], [2, 15]),
    kind('Relay', 'REL', 'pcs', '853641', [0.5, 5], [0.1, 1], { air: true }),
    kind('Power module', 'PWM', 'pcs', '854129', [5, 60], [1, 8], { air: true }),
  ],
  // 4: parts
  [
    kind('Machined shaft', 'SHF', 'pcs', '848310', [2, 25], [1, 8], { recipe: [line('SB|SSS', 0.2, 5)] }),
    kind('Bracket', 'BRK', 'pcs', '732690', [0.5, 6], [0.3, 3], { recipe: [line('CRS', 0.1, 1.5)] }),
    kind('Gear wheel', 'GW', 'pcs', '848340', [2, 20], [1, 6], { recipe: [line('SB', 0.2, 4)] }),
    kind('Compression spring', 'SPR', 'pcs', '732020', [0.1, 2], [0.05, 0.5], {
      recipe: [line('SB', 0.01, 0.2)],
    }),
    kind('Fastener set', 'FS', 'pcs', '731815', [0.2, 3], [0.1, 1], { recipe: [line('SB', 0.05, 0.5)] }),
    kind('O-ring seal', 'ORS', 'pcs', '401693', [0.05, 1], [0.02, 0.3], {
      recipe: [line('RC|SR', 0.005, 0.05)],
    }),
    kind('Die-cast housing', 'DCH', 'pcs', '761699', [2, 20], [2, 12], { recipe: [line('PAL', 0.5, 8)] }),
    kind('Stamped cover', 'STC', 'pcs', '732690', [0.3, 4], [0.2, 2], { recipe: [line('CRS', 0.1, 2)] }),
    kind('Injection-moulded cover', 'IMC', 'pcs', '392690', [0.3, 5], [0.2, 2], {
      recipe: [line('PAC|PPG', 0.05, 1)],
    }),
    kind('Turned bush', 'TB', 'pcs', '848330', [0.3, 4], [0.1, 1], { recipe: [line('SB|AE', 0.05, 0.5)] }),
    kind('Copper busbar', 'CBB', 'pcs', '741999', [1, 10], [0.5, 3], { recipe: [line('CW|CUC', 0.2, 2)] }),
    kind('Glass lens', 'GL', 'pcs', '900190', [3, 40], [0.2, 2], {
      air: true,
      recipe: [line('FG', 0.005, 0.05)],
    }),
  ],
  // 5: semi-finished goods
  [
    kind('Steel bar', 'SB', 'kg', '721420', [0.3, 0.9], [0.2, 0.5], { recipe: [line('HRC', 1.03, 1.08)] }),
    kind('Aluminium extrusion', 'AE', 'kg', '760421', [0.8, 2], [0.5, 1.2], {
      recipe: [line('PAL', 1.02, 1.06)],
    }),
    kind('Copper wire', 'CW', 'kg', '740811', [0.8, 2.2], [0.3, 0.8], { recipe: [line('CUC', 1.01, 1.04)] }),
    kind('Cold-rolled steel sheet', 'CRS', 'kg', '720917', [0.2, 0.6], [0.2, 0.4], {
      recipe: [line('HRC', 1.04, 1.1)],
    }),
    kind('PA6 compound', 'PAC', 'kg', '390810', [0.5, 1.5], [0.3, 0.8], { recipe: [line('PA6', 0.7, 0.85)] }),
    kind('Rubber compound', 'RC', 'kg', '400599', [0.5, 1.5], [0.3, 0.9], { recipe: [line('SR', 0.5, 0.7)] }),
    kind('Steel tube', 'ST', 'm', '730630', [0.8, 3], [0.4, 1.5], { recipe: [line('HRC|SSS', 2, 6)] }),
    kind('Insulated cable', 'IC', 'm', '854449', [0.2, 1.2], [0.1, 0.4], {
      recipe: [line('CUC', 0.02, 0.3), line('PPG', 0.02, 0.15)],
    }),
    kind('Copper-clad laminate', 'CCL', 'm2', '740919', [4, 15], [2, 6], {
      recipe: [line('CUC', 0.3, 0.6), line('EPR', 1.5, 2.5)],
    }),
  ],
  // 6: raw materials
  [
    kind('Hot-rolled steel coil', 'HRC', 'kg', '720839', [0.45, 0.75], [1.7, 2.4], { weightKg: 1 }),
    kind('Stainless steel slab', 'SSS', 'kg', '721890', [1.8, 3.2], [3, 7], { weightKg: 1 }),
    kind('Primary aluminium', 'PAL', 'kg', '760110', [1.9, 2.8], [6, 16], { weightKg: 1 }),
    kind('Copper cathode', 'CUC', 'kg', '740311', [7.5, 9.5], [3, 5], { weightKg: 1 }),
    kind('Polypropylene granulate', 'PPG', 'kg', '390210', [1, 1.6], [1.6, 2], { weightKg: 1 }),
    kind('Polyamide 6 granulate', 'PA6', 'kg', '390810', [2, 3.2], [6, 7.5], { weightKg: 1 }),
    kind('Synthetic rubber', 'SR', 'kg', '400219', [1.5, 2.5], [2.5, 3.5], { weightKg: 1 }),
    kind('Epoxy resin', 'EPR', 'kg', '390730', [3, 6], [5, 6.5], { weightKg: 1 }),
    kind('Float glass', 'FG', 'm2', '700510', [4, 9], [8, 12], { weightKg: 10 }),
  ],
];

/** Id prefix of the items of each level, 0 to 6. */
export const LEVEL_PREFIXES = ['prd', 'mod', 'asm', 'cmp', 'prt', 'sem', 'raw'] as const;
