/**
 * @module bench/validate-worker
 * One measurement of `bench:validate`, in its own process: read a network file and load it with
 * `loadNetworkFile` (parse, validate every record and the rules between them, compute tiers), as
 * `keten validate` does. Prints the figures as one line of JSON.
 *
 * Usage: node --import tsx bench/validate-worker.ts FILE
 */
import { readFileSync } from 'node:fs';
import { loadNetworkFile } from '@keten/core';
import { peakMemoryMiB } from './machine.ts';

const file = process.argv[2]!;
const started = performance.now();
const text = readFileSync(file, 'utf8');
const read = performance.now();
const result = loadNetworkFile({ name: file, text });
const loaded = performance.now();

console.log(
  JSON.stringify({
    readMs: read - started,
    loadMs: loaded - read,
    ok: result.ok,
    issues: result.ok ? result.value.warnings.length : result.error.length,
    tiers: result.ok ? result.value.summary.tiers : 0,
    peakMiB: peakMemoryMiB(),
  }),
);
