/**
 * @module bench/generate-worker
 * One measurement of `bench:generate`, in its own process: generate a network of N companies,
 * serialize it to JSON as one string (as `keten generate` does) and optionally write it to a file, or
 * with `--stream FILE` write it to FILE chunk by chunk (`serializeNetworkChunks`), which needs far
 * less memory. Prints the figures as one line of JSON; with `--shape`, also the shape of the network
 * (computed after the peak is taken).
 *
 * Usage: node --import tsx bench/generate-worker.ts COMPANIES SEED [--out FILE | --stream FILE] [--shape]
 */
import { closeSync, openSync, writeFileSync, writeSync } from 'node:fs';
import { generateNetwork, networkShape, serializeNetwork, serializeNetworkChunks } from '@keten/core';
import { peakMemoryMiB } from './machine.ts';

const [companiesText, seedText, ...flags] = process.argv.slice(2);
const companies = Number(companiesText);
const seed = Number(seedText);
const flagValue = (flag: string) => (flags.includes(flag) ? flags[flags.indexOf(flag) + 1] : undefined);
const out = flagValue('--out');
const stream = flagValue('--stream');

const started = performance.now();
const network = generateNetwork({ companies, seed });
const generated = performance.now();
let bytes = 0;
if (stream === undefined) {
  const text = serializeNetwork(network, 'json');
  bytes = Buffer.byteLength(text);
  if (out !== undefined) writeFileSync(out, text);
} else {
  const file = openSync(stream, 'w');
  for (const chunk of serializeNetworkChunks(network, 'json')) bytes += writeSync(file, chunk);
  closeSync(file);
}
const serialized = performance.now();
const peak = peakMemoryMiB();

const figures = {
  companies,
  items: network.items.length,
  production: network.production?.length ?? 0,
  sourcingRules: network.sourcing?.length ?? 0,
  supplierLinks: (network.sourcing ?? []).reduce((sum, rule) => sum + rule.suppliers.length, 0),
  generateMs: generated - started,
  /** Serializing, and writing when a file was asked for. */
  serializeMs: serialized - generated,
  bytes,
  peakMiB: peak,
  shape: flags.includes('--shape') ? networkShape(network) : undefined,
};
console.log(JSON.stringify(figures));
