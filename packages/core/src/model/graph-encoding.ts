/**
 * @module model/graph-encoding
 * `NetworkGraph` in a compact binary form for the web app's map and graph at 60,000 companies: the
 * browser reads the lanes as typed arrays straight out of the answer's bytes instead of parsing
 * 16 MB of JSON. Pure (TextEncoder/TextDecoder only). Layout (`keten.graph/v1`, little-endian),
 * each section right after the previous one, longest elements first so every section is aligned:
 *
 * | bytes                     | what                                                                   |
 * |---------------------------|------------------------------------------------------------------------|
 * | 4                         | magic `KGR1`                                                           |
 * | 4 (Uint32)                | byte length H of the header                                            |
 * | H                         | header, UTF-8 JSON: `format`, `network`, `version`, `period`, `currency`, `items`, `regions`, `modes`, `companies` (count n), `lanes` (count m), `makes` (count k) |
 * | 0–7                       | zeros up to a multiple of 8                                            |
 * | 8n + 8n                   | Float64 latitude, longitude (NaN: no location)                         |
 * | 8m                        | Float64 lane share                                                     |
 * | 4n + 4n                   | Int32 tier (−1: in no chain), Uint32 region index                      |
 * | 4(n+1) + 4k               | Uint32 makes offsets (company i makes values[offsets[i]..offsets[i+1]]), Uint32 item indices |
 * | 4m × 4                    | Uint32 lane supplier, buyer, item, lead time                           |
 * | 4n × 4                    | Uint32 lengths in UTF-16 code units of id, name, country, city (0xFFFFFFFF: no city) |
 * | m                         | Uint8 lane mode                                                        |
 * | 0–3 + 4 + S               | zeros to a multiple of 4, Uint32 byte length S, UTF-8 of id, name, country, city concatenated in that order |
 *
 * Numbers are exact (Float64), strings exact when well-formed UTF-16 (a lone surrogate becomes U+FFFD).
 */
import { err, ok, type Result } from '../result.ts';
import { GRAPH_MODES, type NetworkGraph } from './network-views.ts';

export const GRAPH_ENCODING_FORMAT = 'keten.graph/v1';
/** The media type the server answers the encoding with. */
export const GRAPH_MEDIA_TYPE = 'application/vnd.keten.graph';
const MAGIC = [0x4b, 0x47, 0x52, 0x31]; // KGR1
const NO_CITY = 0xffffffff;

/** The graph decoded: lanes as typed arrays over the answer's bytes, companies as arrays. */
export type DecodedGraph = NetworkGraph & {
  readonly version: number;
  readonly lanes: {
    readonly supplier: Uint32Array;
    readonly buyer: Uint32Array;
    readonly item: Uint32Array;
    readonly share: Float64Array;
    readonly mode: Uint8Array;
    readonly leadTime: Uint32Array;
  };
};

export interface GraphEncodingError {
  readonly code: 'graph-encoding-invalid';
  readonly message: string;
}

interface Header {
  readonly format: string;
  readonly network: string;
  readonly version: number;
  readonly period: 'day' | 'week';
  readonly currency: string;
  readonly items: NetworkGraph['items'];
  readonly regions: readonly string[];
  readonly modes: NetworkGraph['modes'];
  readonly companies: number;
  readonly lanes: number;
  readonly makes: number;
}

/** `graph` (of `version`) in the layout above. O(size). */
export function encodeNetworkGraph(graph: NetworkGraph, version: number): Uint8Array {
  const { companies, lanes } = graph;
  const n = companies.id.length;
  const m = lanes.buyer.length;
  let k = 0;
  for (const made of companies.makes) k += made.length;
  const header: Header = {
    format: GRAPH_ENCODING_FORMAT,
    network: graph.network,
    version,
    period: graph.period,
    currency: graph.currency,
    items: graph.items,
    regions: graph.regions,
    modes: graph.modes,
    companies: n,
    lanes: m,
    makes: k,
  };
  const encoder = new TextEncoder();
  const headerBytes = encoder.encode(JSON.stringify(header));
  const strings = encoder.encode(
    companies.id.join('') + companies.name.join('') + companies.country.join('') + companies.city.join(''),
  );
  const start = align(8 + headerBytes.length, 8);
  const fixed = 16 * n + 8 * m + 8 * n + 4 * (n + 1) + 4 * k + 16 * m + 16 * n + m;
  const stringsAt = align(start + fixed, 4) + 4;
  const bytes = new Uint8Array(stringsAt + strings.length);
  const view = new DataView(bytes.buffer);
  bytes.set(MAGIC, 0);
  view.setUint32(4, headerBytes.length, true);
  bytes.set(headerBytes, 8);
  let at = start;
  const float64 = (value: number) => {
    view.setFloat64(at, value, true);
    at += 8;
  };
  const uint32 = (value: number) => {
    view.setUint32(at, value, true);
    at += 4;
  };
  for (const value of companies.latitude) float64(value ?? Number.NaN);
  for (const value of companies.longitude) float64(value ?? Number.NaN);
  for (let lane = 0; lane < m; lane++) float64(lanes.share[lane]!);
  for (const value of companies.tier) {
    view.setInt32(at, value ?? -1, true);
    at += 4;
  }
  for (const value of companies.region) uint32(value);
  let offset = 0;
  uint32(0);
  for (const made of companies.makes) {
    offset += made.length;
    uint32(offset);
  }
  for (const made of companies.makes) for (const item of made) uint32(item);
  for (const column of [lanes.supplier, lanes.buyer, lanes.item, lanes.leadTime]) {
    for (let lane = 0; lane < m; lane++) uint32(column[lane]!);
  }
  for (const value of companies.id) uint32(value.length);
  for (const value of companies.name) uint32(value.length);
  for (const value of companies.country) uint32(value.length);
  for (const value of companies.city) uint32(value === null ? NO_CITY : value.length);
  for (let lane = 0; lane < m; lane++) bytes[at++] = lanes.mode[lane]!;
  view.setUint32(stringsAt - 4, strings.length, true);
  bytes.set(strings, stringsAt);
  return bytes;
}

/**
 * The graph in `bytes` (as `encodeNetworkGraph` wrote it), or what is wrong with them: the layout,
 * the counts and every index (lane ends, items, regions, modes) are checked. O(size).
 */
export function decodeNetworkGraph(bytes: Uint8Array): Result<DecodedGraph, GraphEncodingError> {
  const fail = (message: string) =>
    err<GraphEncodingError>({
      code: 'graph-encoding-invalid',
      message: `the graph's bytes are not ${GRAPH_ENCODING_FORMAT}: ${message}; fetch the graph again (or as JSON)`,
    });
  if (bytes.length < 8 || MAGIC.some((byte, index) => bytes[index] !== byte)) {
    return fail('they do not start with KGR1');
  }
  // Typed arrays need their offsets aligned: copy when the bytes start at an odd place.
  const own = bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
  const view = new DataView(own.buffer, own.byteOffset, own.byteLength);
  const headerLength = view.getUint32(4, true);
  if (8 + headerLength > own.length) return fail('the header is cut off');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(own.subarray(8, 8 + headerLength)));
  } catch {
    return fail('the header is not UTF-8 JSON');
  }
  const shapeError = headerError(header);
  if (shapeError !== undefined) return fail(shapeError);
  const { companies: n, lanes: m, makes: k } = header;
  const start = align(8 + headerLength, 8);
  const fixed = 16 * n + 8 * m + 8 * n + 4 * (n + 1) + 4 * k + 16 * m + 16 * n + m;
  const stringsAt = align(start + fixed, 4) + 4;
  if (stringsAt > own.length)
    return fail(`${own.length} bytes are too few for ${n} companies and ${m} lanes`);
  const stringsLength = view.getUint32(stringsAt - 4, true);
  if (stringsAt + stringsLength !== own.length) return fail('the strings do not end where the bytes end');
  const base = own.byteOffset;
  let at = base + start;
  const take = <T>(
    make: (buffer: ArrayBufferLike, offset: number, length: number) => T,
    size: number,
    count: number,
  ): T => {
    const array = make(own.buffer, at, count);
    at += size * count;
    return array;
  };
  const f64 = (count: number) => take((b, o, l) => new Float64Array(b, o, l), 8, count);
  const u32 = (count: number) => take((b, o, l) => new Uint32Array(b, o, l), 4, count);
  const latitude = f64(n);
  const longitude = f64(n);
  const share = f64(m);
  const tier = take((b, o, l) => new Int32Array(b, o, l), 4, n);
  const region = u32(n);
  const makesOffsets = u32(n + 1);
  const makesValues = u32(k);
  const supplier = u32(m);
  const buyer = u32(m);
  const item = u32(m);
  const leadTime = u32(m);
  const lengths = [u32(n), u32(n), u32(n), u32(n)] as const;
  const mode = take((b, o, l) => new Uint8Array(b, o, l), 1, m);

  for (let lane = 0; lane < m; lane++) {
    if (supplier[lane]! >= n || buyer[lane]! >= n) return fail(`lane ${lane} names a company past ${n}`);
    if (item[lane]! >= header.items.length)
      return fail(`lane ${lane} names an item past ${header.items.length}`);
    if (mode[lane]! >= header.modes.length)
      return fail(`lane ${lane} names a mode past ${header.modes.length}`);
  }
  if (makesOffsets[0] !== 0 || makesOffsets[n] !== k) return fail('the makes offsets do not span the makes');
  for (const value of makesValues)
    if (value >= header.items.length) return fail('a company makes an item past the list');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(own.subarray(stringsAt));
  } catch {
    return fail('the strings are not UTF-8');
  }
  let cursor = 0;
  const columns: (string | null)[][] = [[], [], [], []];
  for (let column = 0; column < 4; column++) {
    const out = columns[column]!;
    const length = lengths[column]!;
    for (let index = 0; index < n; index++) {
      const size = length[index]!;
      if (size === NO_CITY && column === 3) {
        out.push(null);
        continue;
      }
      if (cursor + size > text.length) return fail('the string lengths run past the strings');
      out.push(text.slice(cursor, cursor + size));
      cursor += size;
    }
  }
  if (cursor !== text.length) return fail('the strings are longer than their lengths');
  const tiers: (number | null)[] = new Array(n);
  const regions: number[] = new Array(n);
  const latitudes: (number | null)[] = new Array(n);
  const longitudes: (number | null)[] = new Array(n);
  const makes: number[][] = new Array(n);
  for (let index = 0; index < n; index++) {
    tiers[index] = tier[index]! < 0 ? null : tier[index]!;
    if (region[index]! >= header.regions.length) return fail(`company ${index} names a region past the list`);
    regions[index] = region[index]!;
    latitudes[index] = Number.isNaN(latitude[index]!) ? null : latitude[index]!;
    longitudes[index] = Number.isNaN(longitude[index]!) ? null : longitude[index]!;
    const from = makesOffsets[index]!;
    const to = makesOffsets[index + 1]!;
    if (to < from || to > k) return fail(`the makes offsets of company ${index} are out of order`);
    makes[index] = Array.from(makesValues.subarray(from, to));
  }
  return ok({
    network: header.network,
    version: header.version,
    period: header.period,
    currency: header.currency,
    items: header.items,
    regions: header.regions,
    modes: header.modes,
    companies: {
      id: columns[0] as string[],
      name: columns[1] as string[],
      tier: tiers,
      region: regions,
      country: columns[2] as string[],
      city: columns[3]!,
      latitude: latitudes,
      longitude: longitudes,
      makes,
    },
    lanes: { supplier, buyer, item, share, mode, leadTime },
  });
}

function headerError(header: Header): string | undefined {
  if (typeof header !== 'object' || header === null) return 'the header is not an object';
  if (header.format !== GRAPH_ENCODING_FORMAT) return `the header's format is ${String(header.format)}`;
  for (const key of ['companies', 'lanes', 'makes', 'version'] as const) {
    const value = header[key];
    if (!Number.isSafeInteger(value) || value < 0) return `the header's ${key} is not a count`;
  }
  if (typeof header.network !== 'string' || typeof header.currency !== 'string')
    return 'the header lacks its names';
  if (header.period !== 'day' && header.period !== 'week')
    return "the header's period is neither day nor week";
  if (!Array.isArray(header.items) || !Array.isArray(header.regions) || !Array.isArray(header.modes)) {
    return 'the header lacks its items, regions or modes';
  }
  if (header.modes.some((mode) => !GRAPH_MODES.includes(mode))) return 'the header names an unknown mode';
  return undefined;
}

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}
