/**
 * @module model/generate-names
 * Fictional but plausible company names for synthetic networks: a made-up word that sounds like the
 * company's country, a trade that fits its place in the chain, and the country's legal form
 * ("Steinhof Precision GmbH", "Suzhou Huasheng Components Co., Ltd."). Any resemblance to a real firm
 * is chance.
 */
import type { Random } from '../random.ts';

type Syllables = readonly [prefixes: readonly string[], suffixes: readonly string[]];

const GERMAN: Syllables = [
  ['Berg', 'Stein', 'Hoch', 'Wald', 'Feld', 'Brand', 'Lind', 'Eich', 'Kessel', 'Ammer', 'Mark', 'Roth'],
  ['tal', 'hof', 'mann', 'berg', 'haus', 'bach', 'dorf', 'werk', 'feld', 'hagen', 'au', 'stedt'],
];
const DUTCH: Syllables = [
  ['Veld', 'Brug', 'Dijk', 'Kemp', 'Hoog', 'Linde', 'Water', 'Moer', 'Zand', 'Heide', 'Beek', 'Voorn'],
  ['hoven', 'dijk', 'kamp', 'wijk', 'stad', 'broek', 'man', 'veld', 'haven', 'donk', 'rode', 'sel'],
];
const NORDIC: Syllables = [
  ['Norr', 'Sjö', 'Fjäll', 'Ek', 'Lund', 'Strand', 'Vik', 'Ask', 'Alv', 'Ros', 'Berg', 'Dal'],
  ['ström', 'qvist', 'by', 'berg', 'lind', 'mark', 'vik', 'dal', 'holm', 'näs', 'sten', 'gren'],
];
const ROMANCE: Syllables = [
  ['Val', 'Mont', 'Ros', 'Cor', 'Lum', 'Bel', 'Mar', 'Ter', 'Sol', 'Cas', 'Fer', 'Ven'],
  ['ardi', 'ella', 'ino', 'ana', 'enza', 'oro', 'ada', 'ier', 'anti', 'esco', 'eira', 'ès'],
];
const SLAVIC: Syllables = [
  ['Vel', 'Hra', 'Brod', 'Kral', 'Nov', 'Stri', 'Zla', 'Dub', 'Luk', 'Pras', 'Mir', 'Bor'],
  ['ovec', 'ava', 'ex', 'ik', 'ova', 'an', 'or', 'ena', 'ostroj', 'ín', 'ak', 'met'],
];
const HUNGARIAN: Syllables = [
  ['Duna', 'Tisza', 'Bala', 'Kert', 'Vas', 'Arany', 'Mecsek', 'Rába', 'Zala', 'Hegy'],
  ['gép', 'mű', 'tech', 'fém', 'ker', 'vill', 'szer', 'ipar'],
];
const ENGLISH: Syllables = [
  ['Great Lakes', 'Summit', 'Redwood', 'Keystone', 'Granite', 'Liberty', 'Pioneer', 'Cascade', 'Northstar'],
  ['', '', '', ' Ridge', ' Valley', ' Bay', ' River', ' Point', ' Creek', ' Harbor'],
];
const CHINESE: Syllables = [
  ['Hua', 'Zhong', 'Xin', 'Jin', 'Hong', 'Tian', 'Long', 'Heng', 'Sheng', 'Rui', 'Feng', 'Kai', 'Bao', 'Hai'],
  ['sheng', 'da', 'xing', 'tai', 'yuan', 'feng', 'li', 'cheng', 'hui', 'hong', 'rui', 'wei', 'kang', 'tong'],
];
const TAIWANESE: Syllables = [
  ['Chung', 'Hsin', 'Tai', 'Yung', 'Fu', 'Kuo', 'Chia', 'Wei', 'Sheng', 'Ho', 'Chen', 'Jui'],
  ['-Hua', '-Feng', '-Li', '-Ta', '-Yuan', '-Tai', '-Hsing', '-Cheng', '-Kang', '-Mei'],
];
const JAPANESE: Syllables = [
  ['Taka', 'Yama', 'Kawa', 'Naka', 'Mori', 'Hoshi', 'Kiyo', 'Fuji', 'Asa', 'Ishi', 'Tomo', 'Matsu'],
  ['da', 'moto', 'gawa', 'shima', 'kura', 'mura', 'zawa', 'hara', 'oka', 'sawa', 'yama', 'no'],
];
const KOREAN: Syllables = [
  ['Han', 'Dae', 'Sung', 'Hyun', 'Jin', 'Kum', 'Sam', 'Dong', 'Il', 'Yeon', 'Woo', 'Seo'],
  ['il', 'jin', 'woo', 'sung', 'yang', 'kwang', 'hwa', 'do', 'min', 'won'],
];
const INDIAN: Syllables = [
  ['Shri', 'Ravi', 'Anand', 'Kavi', 'Deva', 'Sur', 'Mahi', 'Vish', 'Prag', 'Jai', 'Lak', 'Om'],
  ['tech', 'dhan', 'kar', 'ya', 'esh', 'ika', 'deep', 'yog', 'mitra', 'vati', 'shakti', 'jyoti'],
];
const SOUTH_EAST_ASIAN: Syllables = [
  ['Viet', 'Tan', 'Minh', 'Siam', 'Thai', 'Sri', 'Seri', 'Maju', 'Mega', 'Phu', 'Thanh', 'Chai'],
  [' Phat', ' Thinh', ' Loc', 'watana', 'porn', 'chai', ' Jaya', ' Prima', ' Indah', ' Hung', ' Dat'],
];

const LANGUAGE: Readonly<Record<string, Syllables>> = {
  DE: GERMAN,
  AT: GERMAN,
  NL: DUTCH,
  BE: DUTCH,
  SE: NORDIC,
  FR: ROMANCE,
  IT: ROMANCE,
  ES: ROMANCE,
  PT: ROMANCE,
  RO: ROMANCE,
  BR: ROMANCE,
  AR: ROMANCE,
  MX: ROMANCE,
  CZ: SLAVIC,
  SK: SLAVIC,
  PL: SLAVIC,
  HU: HUNGARIAN,
  US: ENGLISH,
  CA: ENGLISH,
  CN: CHINESE,
  TW: TAIWANESE,
  JP: JAPANESE,
  KR: KOREAN,
  IN: INDIAN,
  VN: SOUTH_EAST_ASIAN,
  TH: SOUTH_EAST_ASIAN,
  MY: SOUTH_EAST_ASIAN,
};

/** Trades by level in the chain: 0 is the OEM, 6 the raw-material producer. */
const TRADES: readonly (readonly string[])[] = [
  ['Industries', 'Machines', 'Motors', 'Equipment', 'Systems', 'Technologies'],
  ['Systems', 'Modules', 'Automation', 'Mechatronics', 'Technologies', 'Integration'],
  ['Assemblies', 'Engineering', 'Drive Technology', 'Electronics', 'Fluid Power', 'Thermal'],
  ['Components', 'Precision', 'Motors', 'Sensors', 'Electronics', 'Hydraulics', 'Bearings'],
  ['Metalworks', 'Machining', 'Stamping', 'Plastics', 'Casting', 'Forging', 'Springs', 'Fasteners'],
  ['Profiles', 'Wire', 'Metals', 'Compounds', 'Coatings', 'Laminates', 'Tubes'],
  ['Steel', 'Aluminium', 'Copper', 'Chemicals', 'Polymers', 'Glass', 'Alloys', 'Materials'],
];

/** A made-up word that sounds as if it came from `country`. */
export function companyWord(random: Random, country: string): string {
  const [prefixes, suffixes] = LANGUAGE[country] ?? GERMAN;
  return random.pick(prefixes) + random.pick(suffixes);
}

/** A trade that fits a company at `level` (0 OEM … 6 raw material). */
export function trade(random: Random, level: number): string {
  return random.pick(TRADES[Math.min(Math.max(level, 0), TRADES.length - 1)]!);
}

/**
 * A full company name, e.g. "Steinhof Precision GmbH". Chinese firms carry their city first, as
 * they usually do ("Suzhou Huasheng Components Co., Ltd.").
 */
export function companyName(
  word: string,
  tradeName: string,
  legalForm: string,
  country: string,
  city: string,
) {
  const base = country === 'CN' ? `${city} ${word} ${tradeName}` : `${word} ${tradeName}`;
  return `${base} ${legalForm}`;
}

/** Three capitals for part numbers, from a company word: "Steinhof" → "STH". */
export function partPrefix(word: string): string {
  const letters = word
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toUpperCase();
  const consonants = letters.slice(1).replace(/[AEIOUY]/g, '');
  return `${letters.slice(0, 1)}${consonants}${letters.slice(1)}XXX`.slice(0, 3);
}
