/**
 * @module model/serialize
 * Writing a network as `keten.network/v1` text, JSON or YAML, in one canonical form: fields in the
 * order of the schema (whatever order the objects were built in), one record per line. The same
 * network always gives the same bytes, and a diff or a grep of two files shows whole records.
 *
 * JSON is the format for large networks (a 60,000-company network parses in under a second); YAML is
 * for files people read and write by hand, and slow to parse beyond a few thousand companies.
 */
import { stringify } from 'yaml';
import { joinInChunks } from '../text-chunks.ts';
import {
  BomLine,
  CapacityGroup,
  CapacityGroupItem,
  Company,
  Demand,
  Inventory,
  Item,
  LotSize,
  Network,
  OpenOrder,
  Production,
  SECTIONS,
  type Section,
  Site,
  Sourcing,
  SupplierShare,
} from './schema.ts';

/** Field order of a record, and of the records nested in its fields. */
interface FieldOrder {
  readonly keys: readonly string[];
  /** Position of each key in `keys`. */
  readonly position: ReadonlyMap<string, number>;
  readonly nested?: Readonly<Record<string, FieldOrder>>;
}

function order(schema: { shape: object }, nested?: Record<string, FieldOrder>): FieldOrder {
  const keys = Object.keys(schema.shape);
  const position = new Map(keys.map((key, index) => [key, index]));
  return nested === undefined ? { keys, position } : { keys, position, nested };
}

const RECORD_ORDER: Readonly<Record<Section, FieldOrder>> = {
  companies: order(Company, { site: order(Site) }),
  items: order(Item),
  production: order(Production, { lotSize: order(LotSize), bom: order(BomLine) }),
  capacityGroups: order(CapacityGroup, { items: order(CapacityGroupItem) }),
  sourcing: order(Sourcing, { suppliers: order(SupplierShare) }),
  inventory: order(Inventory),
  openOrders: order(OpenOrder),
  demand: order(Demand),
};

const SECTION_SET: ReadonlySet<string> = new Set(SECTIONS);
const HEADER_KEYS = Object.keys(Network.shape).filter((key) => !SECTION_SET.has(key));

/** Own enumerable fields of `source` that are not in `fieldOrder`, sorted; normally none. */
function extraKeys(source: Record<string, unknown>, fieldOrder: FieldOrder): string[] {
  let own = 0;
  for (const key in source) if (Object.hasOwn(source, key)) own++;
  let known = 0;
  for (const key of fieldOrder.keys) if (Object.hasOwn(source, key)) known++;
  if (own === known) return [];
  const knownKeys = new Set(fieldOrder.keys);
  return Object.keys(source)
    .filter((key) => !knownKeys.has(key))
    .sort();
}

/**
 * A copy of `value` with the fields of every object in `fieldOrder`; fields the schema does not know
 * (there should be none in a valid network) follow in alphabetical order, undefined ones are left out.
 */
function ordered(value: unknown, fieldOrder: FieldOrder): unknown {
  if (Array.isArray(value)) return value.map((entry) => ordered(entry, fieldOrder));
  if (value === null || typeof value !== 'object') return value;
  const source = value as Record<string, unknown>;
  const result: Record<string, unknown> = {};
  for (const key of [...fieldOrder.keys, ...extraKeys(source, fieldOrder)]) {
    const field = source[key];
    if (field === undefined || !Object.hasOwn(source, key)) continue;
    const nested = fieldOrder.nested?.[key];
    result[key] = nested === undefined ? field : ordered(field, nested);
  }
  return result;
}

/**
 * Whether the fields of `value` (and of the records nested in it) already come in schema order, so
 * that `JSON.stringify` can write it as it is, without a copy. Networks built by keten are.
 */
function inOrder(value: unknown, fieldOrder: FieldOrder): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (Array.isArray(value)) {
    for (const entry of value) if (!inOrder(entry, fieldOrder)) return false;
    return true;
  }
  let position = 0;
  for (const key in value) {
    const index = fieldOrder.position.get(key);
    if (index === undefined || index < position) return false;
    position = index + 1;
    const nested = fieldOrder.nested?.[key];
    if (nested !== undefined && !inOrder((value as Record<string, unknown>)[key], nested)) return false;
  }
  return true;
}

/**
 * The network as text in `format`, canonical and byte-stable: header fields first, then each section
 * present, one record per line, fields in schema order, a final newline.
 *
 * @example
 * serializeNetwork(generateNetwork({ companies: 600, seed: 7 }), 'json');
 */
export function serializeNetwork(network: Network, format: 'json' | 'yaml'): string {
  return Array.from(serializeNetworkChunks(network, format)).join('');
}

/**
 * The same text as `serializeNetwork`, in chunks of about 1 MiB, for writing to a stream: a
 * 60,000-company network is about 100 MB of JSON, and one string of it doubles the memory needed.
 *
 * @example
 * for (const chunk of serializeNetworkChunks(network, 'json')) stream.write(chunk);
 */
export function serializeNetworkChunks(network: Network, format: 'json' | 'yaml'): Generator<string> {
  return joinInChunks(format === 'json' ? jsonPieces(network) : yamlPieces(network));
}

function* jsonPieces(network: Network): Generator<string> {
  const source = network as unknown as Record<string, unknown>;
  let separator = '{\n';
  for (const key of HEADER_KEYS) {
    if (source[key] === undefined) continue;
    yield `${separator}  ${JSON.stringify(key)}: ${JSON.stringify(source[key])}`;
    separator = ',\n';
  }
  for (const section of SECTIONS) {
    const records = source[section] as readonly unknown[] | undefined;
    if (records === undefined) continue;
    if (records.length === 0) {
      yield `${separator}  ${JSON.stringify(section)}: []`;
      separator = ',\n';
      continue;
    }
    yield `${separator}  ${JSON.stringify(section)}: [\n    `;
    const fieldOrder = RECORD_ORDER[section];
    for (let index = 0; index < records.length; index++) {
      const record = records[index];
      const canonical = inOrder(record, fieldOrder) ? record : ordered(record, fieldOrder);
      yield index === 0 ? JSON.stringify(canonical) : `,\n    ${JSON.stringify(canonical)}`;
    }
    yield '\n  ]';
    separator = ',\n';
  }
  yield separator === '{\n' ? '{}\n' : '\n}\n';
}

const YAML_SCALAR = { lineWidth: 0 } as const;
const YAML_FLOW = { collectionStyle: 'flow', lineWidth: 0 } as const;

function* yamlPieces(network: Network): Generator<string> {
  const source = network as unknown as Record<string, unknown>;
  for (const key of HEADER_KEYS) {
    if (source[key] !== undefined) yield `${key}: ${stringify(source[key], YAML_SCALAR).trimEnd()}\n`;
  }
  for (const section of SECTIONS) {
    const records = source[section] as readonly unknown[] | undefined;
    if (records === undefined) continue;
    if (records.length === 0) {
      yield `${section}: []\n`;
      continue;
    }
    yield `\n${section}:\n`;
    for (const record of records) {
      yield `  - ${stringify(ordered(record, RECORD_ORDER[section]), YAML_FLOW).trimEnd()}\n`;
    }
  }
}
