/**
 * The pipeline of the demo network: writes the open orders (work in progress and goods in transit on
 * the day the plan starts) of examples/demo-network.yaml as a business that has been running at its
 * mean demand has them, and prints the mean load of every capacity.
 *
 *   node --import tsx scripts/demo-pipeline.ts            rewrite the pipeline in the file
 *   node --import tsx scripts/demo-pipeline.ts --check    exit 1 when the file's pipeline is not current
 *   node --import tsx scripts/demo-pipeline.ts --loads    print the mean load of every capacity and the stock in weeks of need
 *
 * Mean flows: the `mean` of every end demand is exploded through the bills of materials (starts = good
 * output needed / yield) and the sourcing shares; lead times do not change means. Loads add capacity-group
 * loads per unit started.
 * Pipeline: for every sourcing line, purchases arriving in periods 0 … laneLeadTime − 1 of the line's
 * share of the buyer's mean need; for every production record, orders finishing in periods
 * 0 … leadTime − 1 of its mean good output (in whole lots where the record has a lot size). Whole units
 * for `pcs`, rounded up cumulatively (at least one in period 0; k periods hold k × the mean within one
 * unit); three significant digits for bulk units. An open order already in the file for the same line
 * and period counts towards it and is kept; the generated ones (ids such as `PO-KI-0001` and
 * `WO-SEO-0003`: buyer's or maker's prefix, number) are replaced on every run.
 *
 * Only the openOrders section and the comment above it change: the script finds them with the `yaml`
 * package's Document API and splices new text in, so every other byte of the file stays as it is.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMap, isScalar, isSeq, parseDocument, stringify } from 'yaml';
import {
  formatIssue,
  loadNetworkFile,
  type Network,
  type OpenOrder,
  valueAt,
} from '../packages/core/src/index.ts';

const file = fileURLToPath(new URL('../examples/demo-network.yaml', import.meta.url));
const GENERATED_ID = /^(PO|WO)-[A-Z0-9]+-\d{4}$/;
const HEADER = [
  '# Orders under way at period 0: purchases in transit and production in progress. They arrive at `due`.',
  '# The first few are hand-written. The rest is the pipeline of a business that has been running at its',
  "# mean demand: for every sourcing line, what was shipped in the last laneLeadTime weeks (the line's",
  "# share of the buyer's mean need a week); for every production record, what was started in the last",
  '# leadTime weeks (its mean good output a week). Written by `node --import tsx scripts/demo-pipeline.ts`',
  '# from the mean end demand, the bills of materials, yields and shares; run it again after changing them.',
  '# Their ids are PO- (purchase) or WO- (production), the prefix of the buyer or maker, and a number.',
];

/** Mean flows of a network per period, from the `mean` of its end demand. */
interface MeanFlows {
  /** Need per `company/item`: end demand, components of production, what buyers take. */
  readonly need: Map<string, number>;
  /** Starts per production record `company/item` (need / yield). */
  readonly starts: Map<string, number>;
  /** Quantity per sourcing line `buyer/item/supplier`. */
  readonly lines: Map<string, number>;
}

function meanFlows(network: Network): MeanFlows {
  const production = new Map(
    (network.production ?? []).map((record) => [`${record.company}/${record.item}`, record]),
  );
  const sourcing = new Map((network.sourcing ?? []).map((rule) => [`${rule.buyer}/${rule.item}`, rule]));
  const flows: MeanFlows = { need: new Map(), starts: new Map(), lines: new Map() };
  const add = (map: Map<string, number>, key: string, quantity: number) =>
    map.set(key, (map.get(key) ?? 0) + quantity);
  // The flows are linear in demand, so each demand is pushed down every path on its own (depth-first).
  const push = (company: string, item: string, quantity: number, depth: number): void => {
    if (depth > 50) throw new Error(`bills of materials or sourcing loop at ${company}/${item}`);
    const key = `${company}/${item}`;
    add(flows.need, key, quantity);
    const record = production.get(key);
    const rule = sourcing.get(key);
    if (record !== undefined && rule !== undefined) throw new Error(`${key} is both made and bought`);
    if (record !== undefined) {
      const starts = quantity / (record.yield ?? 1);
      add(flows.starts, key, starts);
      for (const line of record.bom ?? []) push(company, line.item, starts * line.quantity, depth + 1);
    } else if (rule !== undefined) {
      for (const line of rule.suppliers) {
        add(flows.lines, `${key}/${line.supplier}`, quantity * line.share);
        push(line.supplier, item, quantity * line.share, depth + 1);
      }
    }
  };
  for (const demand of network.demand ?? []) {
    const mean =
      demand.mean ?? demand.quantities.reduce((sum, value) => sum + value, 0) / demand.quantities.length;
    push(demand.company, demand.item, mean, 0);
  }
  return flows;
}

/** One capacity's mean load: starts × load per unit against the mean capacity over the horizon. */
interface MeanLoad {
  readonly capacity: string;
  readonly load: number;
  readonly limit: number;
  readonly maximum?: number;
}

function meanLoads(network: Network, flows: MeanFlows): MeanLoad[] {
  const mean = (value: number | readonly number[] | undefined) => {
    if (value === undefined) return undefined;
    let sum = 0;
    for (let period = 0; period < network.horizon; period++)
      sum += valueAt(value as number | number[], period);
    return sum / network.horizon;
  };
  const loads: MeanLoad[] = [];
  for (const record of network.production ?? []) {
    const key = `${record.company}/${record.item}`;
    const maximum = mean(record.maximumCapacity);
    loads.push({
      capacity: key,
      load: flows.starts.get(key) ?? 0,
      limit: mean(record.capacity)!,
      ...(maximum === undefined ? {} : { maximum }),
    });
  }
  for (const group of network.capacityGroups ?? []) {
    let load = 0;
    for (const line of group.items)
      load += line.load * (flows.starts.get(`${group.company}/${line.item}`) ?? 0);
    const maximum = mean(group.maximumCapacity);
    loads.push({
      capacity: `${group.id} at ${group.company}`,
      load,
      limit: mean(group.capacity)!,
      ...(maximum === undefined ? {} : { maximum }),
    });
  }
  return loads.sort((a, b) => b.load / b.limit - a.load / a.limit);
}

/**
 * The pipeline: the open orders a network running at its mean flows has under way at period 0, less
 * what `kept` (open orders already there) holds for the same line or record and period.
 */
function pipelineOrders(network: Network, flows: MeanFlows, kept: readonly OpenOrder[]): OpenOrder[] {
  const units = new Map(network.items.map((item) => [item.id, item.unit]));
  const keptAt = new Map<string, number>();
  for (const order of kept) {
    const key = `${order.kind}/${order.company}/${order.item}/${order.supplier ?? ''}/${order.due}`;
    keptAt.set(key, (keptAt.get(key) ?? 0) + order.quantity);
  }
  const prefixes = companyPrefixes(network);
  const counters = new Map<string, number>();
  const nextId = (kind: 'PO' | 'WO', company: string) => {
    const count = (counters.get(`${kind}${company}`) ?? 0) + 1;
    counters.set(`${kind}${company}`, count);
    return `${kind}-${prefixes.get(company)}-${String(count).padStart(4, '0')}`;
  };
  const orders: OpenOrder[] = [];
  const last = network.horizon - 1;
  // Per company, purchases first (by sourcing order), then production (by record order).
  for (const company of network.companies) {
    for (const rule of network.sourcing ?? []) {
      if (rule.buyer !== company.id) continue;
      for (const line of rule.suppliers) {
        const rate = flows.lines.get(`${rule.buyer}/${rule.item}/${line.supplier}`) ?? 0;
        const quantities = spread(rate, Math.min(line.leadTime, last + 1), units.get(rule.item) === 'pcs');
        quantities.forEach((wanted, due) => {
          const already = keptAt.get(`purchase/${rule.buyer}/${rule.item}/${line.supplier}/${due}`) ?? 0;
          const quantity = tidy(wanted - already, units.get(rule.item) === 'pcs');
          if (quantity <= 0) return;
          const id = nextId('PO', rule.buyer);
          orders.push({
            kind: 'purchase',
            company: rule.buyer,
            item: rule.item,
            supplier: line.supplier,
            quantity,
            due,
            id,
          });
        });
      }
    }
    for (const record of network.production ?? []) {
      if (record.company !== company.id) continue;
      const key = `${record.company}/${record.item}`;
      const good = (flows.starts.get(key) ?? 0) * (record.yield ?? 1);
      const pieces = units.get(record.item) === 'pcs';
      const lot = record.lotSize;
      const quantities =
        lot === undefined
          ? spread(good, Math.min(record.leadTime, last + 1), pieces)
          : lots(
              flows.starts.get(key) ?? 0,
              record.yield ?? 1,
              lot,
              Math.min(record.leadTime, last + 1),
              pieces,
            );
      quantities.forEach((wanted, due) => {
        const already = keptAt.get(`production/${key}//${due}`) ?? 0;
        const quantity = tidy(wanted - already, pieces);
        if (quantity <= 0) return;
        orders.push({
          kind: 'production',
          company: record.company,
          item: record.item,
          quantity,
          due,
          id: nextId('WO', record.company),
        });
      });
    }
  }
  return orders;
}

/** `rate` a period over `periods` periods: whole units rounded up cumulatively, or three significant digits. */
function spread(rate: number, periods: number, pieces: boolean): number[] {
  const quantities: number[] = [];
  for (let period = 0; period < periods; period++) {
    quantities.push(
      pieces ? Math.ceil((period + 1) * rate - 1e-9) - Math.ceil(period * rate - 1e-9) : tidy(rate, false),
    );
  }
  return quantities;
}

/** Production in whole lots: a lot finishes in a period when the starts so far call for one. */
function lots(
  starts: number,
  yieldRate: number,
  lot: { minimum?: number | undefined; multiple?: number | undefined },
  periods: number,
  pieces: boolean,
): number[] {
  const size = Math.max(lot.minimum ?? 0, lot.multiple ?? 0);
  const quantities: number[] = [];
  let started = 0;
  for (let period = 0; period < periods; period++) {
    let now = 0;
    while (started + now + size / 2 <= (period + 1) * starts) now += size;
    started += now;
    quantities.push(tidy(now * yieldRate, pieces));
  }
  return quantities;
}

function tidy(quantity: number, pieces: boolean): number {
  if (quantity <= 0) return 0;
  if (pieces) return Math.round(quantity);
  return Number(quantity.toPrecision(3));
}

/**
 * A short upper-case prefix per company for order ids: the first segment of its part numbers (`KI` of
 * `KI-TEM300`), else the initials of its id, else its id; the first company to claim a prefix keeps it.
 */
function companyPrefixes(network: Network): Map<string, string> {
  const partNumbers = new Map<string, string>();
  for (const record of network.production ?? []) {
    if (record.partNumber !== undefined && !partNumbers.has(record.company))
      partNumbers.set(record.company, record.partNumber);
  }
  for (const rule of network.sourcing ?? []) {
    if (rule.buyerPartNumber !== undefined && !partNumbers.has(rule.buyer))
      partNumbers.set(rule.buyer, rule.buyerPartNumber);
  }
  const prefixes = new Map<string, string>();
  const taken = new Set<string>();
  for (const company of network.companies) {
    const candidates = [
      partNumbers.get(company.id)?.split('-')[0]?.toUpperCase(),
      company.id
        .split('-')
        .map((word) => word[0])
        .join('')
        .toUpperCase(),
      company.id.replace(/[^a-z0-9]/gi, '').toUpperCase(),
    ];
    const prefix = candidates.find(
      (candidate) => candidate !== undefined && /^[A-Z0-9]+$/.test(candidate) && !taken.has(candidate),
    );
    if (prefix === undefined) throw new Error(`no order id prefix for ${company.id}`);
    prefixes.set(company.id, prefix);
    taken.add(prefix);
  }
  return prefixes;
}

/** The file's text with the generated part of openOrders (and the comment above the section) replaced. */
function rewritePipeline(text: string, network: Network): string {
  const document = parseDocument(text);
  const root = document.contents;
  if (!isMap(root)) throw new Error('the file is not a mapping');
  const pair = root.items.find((item) => isScalar(item.key) && item.key.value === 'openOrders');
  if (pair === undefined || !isScalar(pair.key) || !isSeq(pair.value)) throw new Error('no openOrders list');
  const sequence = pair.value;
  const generated = (node: unknown) => {
    const id = isMap(node) ? node.get('id') : undefined;
    return typeof id === 'string' && GENERATED_ID.test(id);
  };
  const firstGenerated = sequence.items.findIndex(generated);
  const keptNodes = firstGenerated < 0 ? sequence.items : sequence.items.slice(0, firstGenerated);
  if (sequence.items.slice(keptNodes.length).some((node) => !generated(node))) {
    throw new Error('hand-written open orders must come before the generated ones');
  }
  const kept = (network.openOrders ?? []).slice(0, keptNodes.length);
  const flows = meanFlows(network);
  const orders = pipelineOrders(network, flows, kept);

  const lines: string[] = [];
  let company = '';
  for (const order of orders) {
    if (order.company !== company) {
      company = order.company;
      lines.push(`  # ${company}`);
    }
    const flow = stringify(order, {
      collectionStyle: 'flow',
      flowCollectionPadding: true,
      lineWidth: 0,
    }).trim();
    lines.push(`  - ${flow}`);
  }

  // The hand-written orders stay as they are, to the end of the last one; the rest is rewritten.
  const lastKept = keptNodes.at(-1) as { range?: [number, number, number] } | undefined;
  const keyStart = pair.key.range![0];
  const bodyFrom = lastKept?.range ? lineEnd(text, lastKept.range[1]) : lineEnd(text, keyStart);
  const lastNode = sequence.items.at(-1) as { range?: [number, number, number] } | undefined;
  const bodyTo = lastNode?.range ? lineEnd(text, lastNode.range[1]) : bodyFrom;
  const headerFrom = commentStart(text, keyStart);
  const head = `${HEADER.join('\n')}\n${text.slice(keyStart, bodyFrom)}`;
  const body = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
  return text.slice(0, headerFrom) + head + body + text.slice(bodyTo);
}

/** The offset just past the end of the line `offset` is on (or past the newline ending just before it). */
function lineEnd(text: string, offset: number): number {
  if (offset > 0 && text[offset - 1] === '\n') return offset;
  const newline = text.indexOf('\n', offset);
  return newline < 0 ? text.length : newline + 1;
}

/** The start of the run of whole-line comments right above the line that starts at `offset`. */
function commentStart(text: string, offset: number): number {
  let start = offset;
  while (start > 0) {
    const previous = text.lastIndexOf('\n', start - 2) + 1;
    if (!text.slice(previous, start).startsWith('#')) break;
    start = previous;
  }
  return start;
}

function format(value: number): string {
  return value.toLocaleString('en-GB', { maximumFractionDigits: 2 });
}

function main(): void {
  const text = readFileSync(file, 'utf8');
  const loaded = loadNetworkFile({ name: 'examples/demo-network.yaml', text });
  if (!loaded.ok) {
    for (const issue of loaded.error) console.error(formatIssue(issue));
    process.exit(1);
  }
  const network = loaded.value.network;
  if (process.argv.includes('--loads')) {
    const flows = meanFlows(network);
    console.log('mean load a week against capacity (with yields and capacity-group loads):');
    for (const load of meanLoads(network, flows)) {
      const maximum =
        load.maximum === undefined
          ? ''
          : `, ${Math.round((100 * load.load) / load.maximum)} % of maximum ${format(load.maximum)}`;
      console.log(
        `  ${Math.round((100 * load.load) / load.limit)
          .toString()
          .padStart(4)} %  ${load.capacity}: ${format(load.load)} of ${format(load.limit)}${maximum}`,
      );
    }
    console.log('\nstock at period 0 in weeks of mean need:');
    for (const stock of network.inventory ?? []) {
      const need = flows.need.get(`${stock.company}/${stock.item}`) ?? 0;
      const weeks = (quantity: number) => (need > 0 ? format(quantity / need) : '-');
      const safety =
        stock.safetyStock === undefined
          ? ''
          : `, safety stock ${format(stock.safetyStock)} (${weeks(stock.safetyStock)})`;
      console.log(
        `  ${stock.company}/${stock.item}: ${format(stock.onHand)} (${weeks(stock.onHand)})${safety}, need ${format(need)} a week`,
      );
    }
    return;
  }
  const next = rewritePipeline(text, network);
  if (process.argv.includes('--check')) {
    if (next !== text) {
      console.error(
        'the pipeline of examples/demo-network.yaml is not current: run node --import tsx scripts/demo-pipeline.ts',
      );
      process.exit(1);
    }
    console.log('the pipeline of examples/demo-network.yaml is current');
    return;
  }
  writeFileSync(file, next);
  const count = (next.match(/^ {2}- \{ kind: /gm) ?? []).length;
  console.log(`wrote the pipeline of examples/demo-network.yaml: ${count} open orders generated`);
}

main();
