/**
 * @module bench/generate-worker
 * One measurement of `bench:generate`, in its own process: generate a network of N companies,
 * serialize it to JSON (as `keten generate` does), optionally write it to a file, and print the figures
 * as one line of JSON. With `--shape`, also the shape of the network (after the peak is taken).
 *
 * Usage: node --import tsx bench/generate-worker.ts COMPANIES SEED [--out FILE] [--shape]
 */
import { writeFileSync } from 'node:fs';
import { generateNetwork, networkShape, serializeNetwork } from '@keten/core';
import { peakMemoryMiB } from './machine.ts';

const [companiesText, seedText, ...flags] = process.argv.slice(2);
const companies = Number(companiesText);
const seed = Number(seedText);
const outIndex = flags.indexOf('--out');
const out = outIndex >= 0 ? flags[outIndex + 1] : undefined;

const started = performance.now();
const network = generateNetwork({ companies, seed });
const generated = performance.now();
const text = serializeNetwork(network, 'json');
const serialized = performance.now();
if (out !== undefined) writeFileSync(out, text);
const written = performance.now();
const peak = peakMemoryMiB();

const figures = {
  companies,
  items: network.items.length,
  production: network.production?.length ?? 0,
  sourcingRules: network.sourcing?.length ?? 0,
  supplierLinks: (network.sourcing ?? []).reduce((sum, rule) => sum + rule.suppliers.length, 0),
  generateMs: generated - started,
  serializeMs: serialized - generated,
  writeMs: written - serialized,
  bytes: Buffer.byteLength(text),
  peakMiB: peak,
  shape: flags.includes('--shape') ? networkShape(network) : undefined,
};
console.log(JSON.stringify(figures));
