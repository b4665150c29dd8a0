/**
 * @module bench/generate
 * `npm run bench:generate [-- SIZES...]`: time and peak memory of generating a synthetic network and
 * serializing it to JSON, at 600, 6,000 and 60,000 companies, each size in a fresh process: once to one
 * string in memory (what `serializeNetwork` returns), once streamed to a file in chunks
 * (`serializeNetworkChunks`). Prints a table, then the shape of the largest network. Figures, not
 * assertions: compare them by eye.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NetworkShape } from '@keten/core';
import {
  describeMachine,
  megabytes,
  runWorker,
  SEED,
  seconds,
  sizesFromArguments,
  table,
} from './machine.ts';

interface GenerateFigures {
  companies: number;
  items: number;
  production: number;
  sourcingRules: number;
  supplierLinks: number;
  generateMs: number;
  serializeMs: number;
  bytes: number;
  peakMiB: number;
  shape?: NetworkShape;
}

const sizes = sizesFromArguments();
console.log(`keten bench:generate — seed ${SEED}`);
console.log(`machine: ${describeMachine()}\n`);

const results: GenerateFigures[] = [];
const streamed: GenerateFigures[] = [];
const directory = mkdtempSync(join(tmpdir(), 'keten-bench-'));
try {
  for (const [index, companies] of sizes.entries()) {
    const args = [String(companies), String(SEED)];
    results.push(
      runWorker<GenerateFigures>(
        'generate-worker.ts',
        index === sizes.length - 1 ? [...args, '--shape'] : args,
      ),
    );
    const file = join(directory, `network-${companies}.json`);
    streamed.push(runWorker<GenerateFigures>('generate-worker.ts', [...args, '--stream', file]));
    rmSync(file);
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}

console.log(
  table(
    [
      'companies',
      'items',
      'production',
      'sourcing rules',
      'supplier links',
      'generate s',
      'to JSON s',
      'total s',
      'JSON MB',
      'peak MiB',
      'streamed: total s',
      'peak MiB',
    ],
    results.map((result, index) => [
      result.companies,
      result.items,
      result.production,
      result.sourcingRules,
      result.supplierLinks,
      seconds(result.generateMs),
      seconds(result.serializeMs),
      seconds(result.generateMs + result.serializeMs),
      megabytes(result.bytes),
      result.peakMiB,
      seconds(streamed[index]!.generateMs + streamed[index]!.serializeMs),
      streamed[index]!.peakMiB,
    ]),
  ),
);

const largest = results[results.length - 1]!;
const shape = largest.shape!;
const rules = Object.values(shape.sourcingMix).reduce((sum, count) => sum + count, 0);
const percent = (count: number, total: number) => `${((100 * count) / total).toFixed(1)} %`;
const inSeveral = shape.companiesByChainCount.slice(2).reduce((sum, count) => sum + count, 0);
const inAll = shape.companiesByChainCount[shape.endDemandCompanies] ?? 0;
console.log(`\nshape of the ${largest.companies}-company network`);
console.log(
  `  companies per tier: ${shape.companiesPerTier.map((count, tier) => `${tier}: ${count}`).join(', ')}`,
);
console.log(
  `  sourcing rules: ${rules} — single ${percent(shape.sourcingMix.single, rules)}, ` +
    `70/30 ${percent(shape.sourcingMix.seventyThirty, rules)}, 60/20/20 ${percent(shape.sourcingMix.sixtyTwentyTwenty, rules)}`,
);
console.log(
  `  OEMs: ${shape.endDemandCompanies}; companies in the chains of 2 or more OEMs: ${inSeveral} ` +
    `(${percent(inSeveral, largest.companies)}), in all of them: ${inAll}`,
);
console.log(`  bill-of-materials depth: ${shape.bomDepth.shortest} to ${shape.bomDepth.longest} levels`);
console.log(
  `  regions: ${shape.regions.map(([region, count]) => `${region} ${percent(count, largest.companies)}`).join(', ')}`,
);
console.log(
  `  countries (${shape.countries.length}): ${shape.countries.map(([country, count]) => `${country} ${count}`).join(', ')}`,
);
