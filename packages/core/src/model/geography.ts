/**
 * @module model/geography
 * Where the companies of a synthetic network sit: industrial towns in four regions (EU, ASIA, NA, SA),
 * how likely each country is for an OEM, a supplier or a raw-material producer, and how goods travel
 * between two sites (distance, transport mode, lead time, CO2).
 *
 * Town coordinates are the towns' centres rounded to 0.01° (public gazetteer values); a company is
 * placed within a few kilometres of its town. Country weights are rough shares of manufacturing
 * value added (UNIDO/World Bank orders of magnitude), tilted towards the countries that appear most
 * in European supply bases; they shape the picture, they are not statistics.
 */
import type { TransportMode } from './schema.ts';

/** A town with industry around it. */
export interface Town {
  readonly city: string;
  readonly country: string;
  readonly latitude: number;
  readonly longitude: number;
}

/** A country, its region and the towns a company there may sit in. */
export interface Country {
  readonly code: string;
  readonly region: Region;
  /** Relative likelihood for an OEM, a component supplier and a raw-material producer. */
  readonly weight: { readonly oem: number; readonly supplier: number; readonly raw: number };
  /** The legal form that ends a company's name there, e.g. GmbH. */
  readonly legalForms: readonly string[];
  readonly towns: readonly Town[];
}

export type Region = 'EU' | 'ASIA' | 'NA' | 'SA';

type TownRow = readonly [city: string, latitude: number, longitude: number];

function country(
  code: string,
  region: Region,
  weight: Country['weight'],
  legalForms: readonly string[],
  towns: readonly TownRow[],
): Country {
  return {
    code,
    region,
    weight,
    legalForms,
    towns: towns.map(([city, latitude, longitude]) => ({ city, country: code, latitude, longitude })),
  };
}

/** Countries in a fixed order (the order matters for reproducibility: never sort or re-key it). */
export const COUNTRIES: readonly Country[] = [
  // Europe
  country(
    'DE',
    'EU',
    { oem: 10, supplier: 12, raw: 5 },
    ['GmbH', 'GmbH & Co. KG', 'AG'],
    [
      ['Stuttgart', 48.78, 9.18],
      ['Munich', 48.14, 11.58],
      ['Ingolstadt', 48.77, 11.42],
      ['Wolfsburg', 52.42, 10.79],
      ['Dortmund', 51.51, 7.47],
      ['Duisburg', 51.43, 6.76],
      ['Cologne', 50.94, 6.96],
      ['Nuremberg', 49.45, 11.08],
      ['Chemnitz', 50.83, 12.92],
      ['Dresden', 51.05, 13.74],
      ['Jena', 50.93, 11.59],
      ['Hanover', 52.37, 9.73],
      ['Regensburg', 49.01, 12.1],
      ['Aalen', 48.84, 10.09],
      ['Karlsruhe', 49.01, 8.4],
      ['Bielefeld', 52.02, 8.53],
      ['Siegen', 50.87, 8.02],
      ['Heilbronn', 49.14, 9.22],
    ],
  ),
  country(
    'NL',
    'EU',
    { oem: 3, supplier: 3, raw: 1 },
    ['B.V.'],
    [
      ['Eindhoven', 51.44, 5.47],
      ['Helmond', 51.48, 5.66],
      ['Venlo', 51.37, 6.17],
      ['Enschede', 52.22, 6.89],
      ['Hengelo', 52.27, 6.79],
      ['Rotterdam', 51.92, 4.48],
      ['Delft', 52.01, 4.36],
      ['Nijmegen', 51.84, 5.85],
      ['Tilburg', 51.56, 5.09],
      ['Zwolle', 52.52, 6.08],
    ],
  ),
  country(
    'BE',
    'EU',
    { oem: 0.5, supplier: 2, raw: 1 },
    ['NV', 'BV'],
    [
      ['Antwerp', 51.22, 4.4],
      ['Ghent', 51.05, 3.72],
      ['Leuven', 50.88, 4.7],
      ['Liège', 50.63, 5.57],
      ['Genk', 50.97, 5.5],
      ['Kortrijk', 50.83, 3.26],
    ],
  ),
  country(
    'FR',
    'EU',
    { oem: 4, supplier: 5, raw: 2 },
    ['SAS', 'SA'],
    [
      ['Lyon', 45.76, 4.84],
      ['Grenoble', 45.19, 5.72],
      ['Toulouse', 43.6, 1.44],
      ['Lille', 50.63, 3.06],
      ['Mulhouse', 47.75, 7.34],
      ['Strasbourg', 48.57, 7.75],
      ['Le Mans', 48.0, 0.2],
      ['Saint-Étienne', 45.44, 4.39],
    ],
  ),
  country(
    'IT',
    'EU',
    { oem: 3, supplier: 6, raw: 2 },
    ['S.p.A.', 'S.r.l.'],
    [
      ['Milan', 45.46, 9.19],
      ['Turin', 45.07, 7.69],
      ['Bergamo', 45.7, 9.67],
      ['Brescia', 45.54, 10.22],
      ['Bologna', 44.49, 11.34],
      ['Modena', 44.65, 10.93],
      ['Vicenza', 45.55, 11.55],
      ['Treviso', 45.67, 12.24],
    ],
  ),
  country(
    'ES',
    'EU',
    { oem: 1, supplier: 3, raw: 2 },
    ['S.A.', 'S.L.'],
    [
      ['Barcelona', 41.39, 2.17],
      ['Valencia', 39.47, -0.38],
      ['Zaragoza', 41.65, -0.89],
      ['Bilbao', 43.26, -2.93],
      ['Vigo', 42.24, -8.72],
      ['Valladolid', 41.65, -4.72],
    ],
  ),
  country(
    'PT',
    'EU',
    { oem: 0, supplier: 0.8, raw: 0.3 },
    ['Lda.', 'S.A.'],
    [
      ['Porto', 41.15, -8.61],
      ['Aveiro', 40.64, -8.65],
      ['Braga', 41.55, -8.42],
    ],
  ),
  country(
    'CZ',
    'EU',
    { oem: 1, supplier: 3, raw: 1 },
    ['s.r.o.', 'a.s.'],
    [
      ['Prague', 50.08, 14.44],
      ['Brno', 49.2, 16.61],
      ['Mladá Boleslav', 50.41, 14.9],
      ['Plzeň', 49.75, 13.38],
      ['Ostrava', 49.82, 18.26],
      ['Liberec', 50.77, 15.06],
      ['Zlín', 49.23, 17.67],
    ],
  ),
  country(
    'SK',
    'EU',
    { oem: 0, supplier: 1, raw: 1 },
    ['s.r.o.', 'a.s.'],
    [
      ['Bratislava', 48.15, 17.11],
      ['Žilina', 49.22, 18.74],
      ['Trnava', 48.38, 17.59],
      ['Košice', 48.72, 21.26],
    ],
  ),
  country(
    'PL',
    'EU',
    { oem: 0.5, supplier: 4, raw: 2 },
    ['Sp. z o.o.', 'S.A.'],
    [
      ['Wrocław', 51.11, 17.04],
      ['Katowice', 50.26, 19.02],
      ['Poznań', 52.41, 16.93],
      ['Łódź', 51.76, 19.46],
      ['Rzeszów', 50.04, 22.0],
      ['Gliwice', 50.29, 18.67],
      ['Bielsko-Biała', 49.82, 19.04],
    ],
  ),
  country(
    'HU',
    'EU',
    { oem: 0, supplier: 1.5, raw: 0.5 },
    ['Kft.', 'Zrt.'],
    [
      ['Győr', 47.69, 17.65],
      ['Kecskemét', 46.91, 19.69],
      ['Budapest', 47.5, 19.04],
    ],
  ),
  country(
    'AT',
    'EU',
    { oem: 0.5, supplier: 1.5, raw: 2 },
    ['GmbH', 'AG'],
    [
      ['Linz', 48.31, 14.29],
      ['Graz', 47.07, 15.44],
      ['Steyr', 48.04, 14.42],
    ],
  ),
  country(
    'RO',
    'EU',
    { oem: 0, supplier: 1, raw: 0.5 },
    ['S.R.L.', 'S.A.'],
    [
      ['Timișoara', 45.76, 21.23],
      ['Pitești', 44.86, 24.87],
      ['Cluj-Napoca', 46.77, 23.59],
    ],
  ),
  country(
    'SE',
    'EU',
    { oem: 2, supplier: 1.5, raw: 2 },
    ['AB'],
    [
      ['Gothenburg', 57.71, 11.97],
      ['Västerås', 59.61, 16.55],
      ['Södertälje', 59.2, 17.63],
      ['Jönköping', 57.78, 14.16],
      ['Luleå', 65.58, 22.15],
    ],
  ),
  // Asia
  country(
    'CN',
    'ASIA',
    { oem: 8, supplier: 24, raw: 20 },
    ['Co., Ltd.'],
    [
      ['Shanghai', 31.23, 121.47],
      ['Suzhou', 31.3, 120.58],
      ['Wuxi', 31.49, 120.31],
      ['Ningbo', 29.87, 121.54],
      ['Hangzhou', 30.27, 120.16],
      ['Shenzhen', 22.54, 114.06],
      ['Dongguan', 23.02, 113.75],
      ['Guangzhou', 23.13, 113.26],
      ['Foshan', 23.02, 113.12],
      ['Tianjin', 39.34, 117.36],
      ['Qingdao', 36.07, 120.38],
      ['Chongqing', 29.56, 106.55],
      ['Chengdu', 30.57, 104.07],
      ['Wuhan', 30.59, 114.31],
      ['Changchun', 43.82, 125.32],
      ['Shenyang', 41.8, 123.43],
      ['Xiamen', 24.48, 118.09],
      ['Hefei', 31.82, 117.23],
      ['Tangshan', 39.63, 118.18],
    ],
  ),
  country(
    'TW',
    'ASIA',
    { oem: 1, supplier: 4, raw: 1 },
    ['Co., Ltd.', 'Corp.'],
    [
      ['Hsinchu', 24.8, 120.97],
      ['Taichung', 24.15, 120.67],
      ['Tainan', 22.99, 120.21],
      ['Kaohsiung', 22.63, 120.3],
      ['Taoyuan', 24.99, 121.3],
    ],
  ),
  country(
    'JP',
    'ASIA',
    { oem: 6, supplier: 6, raw: 3 },
    ['K.K.', 'Co., Ltd.'],
    [
      ['Nagoya', 35.18, 136.91],
      ['Toyota', 35.08, 137.16],
      ['Osaka', 34.69, 135.5],
      ['Hamamatsu', 34.71, 137.73],
      ['Kawasaki', 35.53, 139.7],
      ['Kyoto', 35.01, 135.77],
      ['Hiroshima', 34.39, 132.46],
      ['Kitakyushu', 33.88, 130.88],
    ],
  ),
  country(
    'KR',
    'ASIA',
    { oem: 3, supplier: 4, raw: 3 },
    ['Co., Ltd.', 'Corp.'],
    [
      ['Ulsan', 35.54, 129.31],
      ['Seoul', 37.57, 126.98],
      ['Suwon', 37.26, 127.03],
      ['Changwon', 35.23, 128.68],
      ['Pohang', 36.02, 129.34],
      ['Gumi', 36.12, 128.34],
    ],
  ),
  country(
    'IN',
    'ASIA',
    { oem: 2, supplier: 5, raw: 5 },
    ['Pvt. Ltd.', 'Ltd.'],
    [
      ['Pune', 18.52, 73.86],
      ['Chennai', 13.08, 80.27],
      ['Bengaluru', 12.97, 77.59],
      ['Gurugram', 28.46, 77.03],
      ['Ahmedabad', 23.02, 72.57],
      ['Jamshedpur', 22.8, 86.18],
    ],
  ),
  country(
    'VN',
    'ASIA',
    { oem: 0, supplier: 2, raw: 1 },
    ['Co., Ltd.', 'JSC'],
    [
      ['Hanoi', 21.03, 105.85],
      ['Ho Chi Minh City', 10.82, 106.63],
      ['Haiphong', 20.84, 106.69],
    ],
  ),
  country(
    'TH',
    'ASIA',
    { oem: 0, supplier: 2, raw: 0.5 },
    ['Co., Ltd.', 'PCL'],
    [
      ['Bangkok', 13.76, 100.5],
      ['Rayong', 12.68, 101.28],
      ['Chonburi', 13.36, 100.98],
    ],
  ),
  country(
    'MY',
    'ASIA',
    { oem: 0, supplier: 1.5, raw: 1 },
    ['Sdn. Bhd.'],
    [
      ['Penang', 5.41, 100.33],
      ['Kulim', 5.37, 100.56],
      ['Johor Bahru', 1.49, 103.74],
    ],
  ),
  // North America
  country(
    'US',
    'NA',
    { oem: 9, supplier: 11, raw: 7 },
    ['Inc.', 'LLC', 'Corp.'],
    [
      ['Detroit', 42.33, -83.05],
      ['Toledo', 41.65, -83.54],
      ['Columbus', 39.96, -83.0],
      ['Cleveland', 41.5, -81.69],
      ['Chicago', 41.88, -87.63],
      ['Milwaukee', 43.04, -87.91],
      ['Indianapolis', 39.77, -86.16],
      ['Pittsburgh', 40.44, -80.0],
      ['Greenville', 34.85, -82.4],
      ['Charlotte', 35.23, -80.84],
      ['Nashville', 36.16, -86.78],
      ['Huntsville', 34.73, -86.59],
      ['Houston', 29.76, -95.37],
      ['Austin', 30.27, -97.74],
      ['Dallas', 32.78, -96.8],
      ['Phoenix', 33.45, -112.07],
      ['San Jose', 37.34, -121.89],
      ['Portland', 45.52, -122.68],
      ['Rochester', 43.16, -77.61],
      ['Minneapolis', 44.98, -93.27],
    ],
  ),
  country(
    'MX',
    'NA',
    { oem: 1, supplier: 4, raw: 2 },
    ['S.A. de C.V.'],
    [
      ['Monterrey', 25.69, -100.32],
      ['Saltillo', 25.42, -101.0],
      ['Querétaro', 20.59, -100.39],
      ['Guadalajara', 20.67, -103.35],
      ['Puebla', 19.04, -98.21],
      ['Ciudad Juárez', 31.69, -106.42],
      ['Aguascalientes', 21.88, -102.29],
      ['San Luis Potosí', 22.16, -100.98],
    ],
  ),
  country(
    'CA',
    'NA',
    { oem: 1, supplier: 1.5, raw: 3 },
    ['Inc.', 'Ltd.'],
    [
      ['Windsor', 42.31, -83.04],
      ['Oshawa', 43.9, -78.86],
      ['Toronto', 43.65, -79.38],
      ['Kitchener', 43.45, -80.49],
      ['Hamilton', 43.26, -79.87],
      ['Montreal', 45.5, -73.57],
    ],
  ),
  // South America
  country(
    'BR',
    'SA',
    { oem: 1, supplier: 2.5, raw: 5 },
    ['Ltda.', 'S.A.'],
    [
      ['São Paulo', -23.55, -46.63],
      ['Campinas', -22.91, -47.06],
      ['São José dos Campos', -23.18, -45.88],
      ['Belo Horizonte', -19.92, -43.94],
      ['Curitiba', -25.43, -49.27],
      ['Joinville', -26.3, -48.85],
      ['Caxias do Sul', -29.17, -51.18],
    ],
  ),
  country(
    'AR',
    'SA',
    { oem: 0, supplier: 0.5, raw: 1 },
    ['S.A.', 'S.R.L.'],
    [
      ['Córdoba', -31.42, -64.18],
      ['Rosario', -32.95, -60.65],
    ],
  ),
];

/** Mean Earth radius in km (IUGG). */
const EARTH_RADIUS_KM = 6371.0088;

/** Great-circle distance in km between two [latitude, longitude] points (haversine formula). */
export function greatCircleKm(from: readonly [number, number], to: readonly [number, number]): number {
  const radians = Math.PI / 180;
  const deltaLatitude = (to[0] - from[0]) * radians;
  const deltaLongitude = (to[1] - from[1]) * radians;
  const a =
    Math.sin(deltaLatitude / 2) ** 2 +
    Math.cos(from[0] * radians) * Math.cos(to[0] * radians) * Math.sin(deltaLongitude / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Countries whose sites are not connected by road to the mainland of their region. */
const ISLANDS = new Set(['JP', 'TW', 'KR']);

/** A lane between two sites, as the generator writes it on a supplier share. */
export interface Lane {
  readonly mode: TransportMode;
  /** Route length in km (great-circle distance times a detour factor for the mode). */
  readonly distanceKm: number;
  /** Whole weeks door to door. */
  readonly leadTimeWeeks: number;
  /** kg CO2e per tonne-km for the mode. */
  readonly co2PerTonneKm: number;
}

/**
 * Indicative well-to-wheel emission intensities in kg CO2e per tonne-km, in the range of the default
 * values of the GLEC Framework v3 (Smart Freight Centre, 2023) for average loads: they order the modes
 * correctly and give the right magnitude; they are not a carbon accounting.
 */
export const CO2_PER_TONNE_KM: Readonly<Record<TransportMode, number>> = {
  road: 0.09,
  rail: 0.025,
  sea: 0.012,
  air: 0.8,
  'inland-waterway': 0.03,
};

/** Route length over great-circle distance: roads and rails wind, ships go round continents. */
const DETOUR: Readonly<Record<TransportMode, number>> = {
  road: 1.25,
  rail: 1.3,
  sea: 1.6,
  air: 1.05,
  'inland-waterway': 1.4,
};

/** The part of a company's site a lane depends on. */
export interface Place {
  readonly country: string;
  readonly region: string;
  readonly location: readonly [number, number];
}

/**
 * The lane from a supplier to a buyer. Within a region goods go by road, on longer hauls sometimes by
 * rail, and bulk between the Rhine-delta countries by inland waterway; between regions, to and from
 * the island countries, and between distant Asian countries, by sea; `urgent` (high-value, light parts) flies.
 * Lead times: road 1 week up to 1,500 km and 2 beyond; rail 1 week per 1,500 km plus 1; sea 1 week
 * per 4,000 km of route plus 2 weeks of port handling (Shanghai–Rotterdam comes out at 6 weeks, the
 * usual door-to-door figure); air 1 week.
 */
export function laneBetween(
  supplier: Place,
  buyer: Place,
  options: { readonly urgent: boolean; readonly bulk: boolean; readonly railPreferred: boolean },
): Lane {
  const greatCircle = greatCircleKm(supplier.location, buyer.location);
  const crossBorder = supplier.country !== buyer.country;
  const overWater =
    supplier.region !== buyer.region ||
    (crossBorder && (ISLANDS.has(supplier.country) || ISLANDS.has(buyer.country))) ||
    (crossBorder && supplier.region === 'ASIA' && greatCircle > 2000);
  let mode: TransportMode;
  if (options.urgent && (overWater || greatCircle > 2500)) mode = 'air';
  else if (overWater) mode = 'sea';
  else if (
    options.bulk &&
    greatCircle < 700 &&
    RHINE_DELTA.has(supplier.country) &&
    RHINE_DELTA.has(buyer.country)
  ) {
    mode = 'inland-waterway';
  } else if (greatCircle > 2500 || (options.railPreferred && greatCircle > 600)) mode = 'rail';
  else mode = 'road';
  const distanceKm = Math.max(5, Math.round(greatCircle * DETOUR[mode]));
  let leadTimeWeeks: number;
  switch (mode) {
    case 'road':
      leadTimeWeeks = distanceKm <= 1500 ? 1 : 2;
      break;
    case 'rail':
      leadTimeWeeks = 1 + Math.ceil(distanceKm / 1500);
      break;
    case 'inland-waterway':
      leadTimeWeeks = distanceKm <= 400 ? 1 : 2;
      break;
    case 'sea':
      leadTimeWeeks = 2 + Math.ceil(distanceKm / 4000);
      break;
    case 'air':
      leadTimeWeeks = 1;
      break;
  }
  return { mode, distanceKm, leadTimeWeeks, co2PerTonneKm: CO2_PER_TONNE_KM[mode] };
}

/** Countries on the Rhine, Meuse and Scheldt waterways. */
const RHINE_DELTA = new Set(['NL', 'BE', 'DE', 'FR']);
