/**
 * @module bench/validate
 * `npm run bench:validate [-- SIZES...]`: time and peak memory of `keten validate` on generated JSON
 * networks of 600, 6,000 and 60,000 companies. For each size one fresh process generates the network
 * and writes it to a temporary file (as `keten generate --out` does), a second fresh process reads and
 * loads it (parse, validate, tiers). Then the total for the largest size against the target of the
 * foundation issue: generate + validate 60,000 companies in under 20 s and under 2 GB.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  generateMs: number;
  serializeMs: number;
  bytes: number;
  peakMiB: number;
}

interface ValidateFigures {
  readMs: number;
  loadMs: number;
  ok: boolean;
  issues: number;
  tiers: number;
  peakMiB: number;
}

const TARGET_SECONDS = 20;
/** 2 GB = 2 × 10^9 bytes, in MiB. */
const TARGET_MIB = Math.floor(2e9 / 2 ** 20);

const sizes = sizesFromArguments();
console.log(`keten bench:validate — seed ${SEED}`);
console.log(`machine: ${describeMachine()}\n`);

const directory = mkdtempSync(join(tmpdir(), 'keten-bench-'));
const rows: { generate: GenerateFigures; validate: ValidateFigures }[] = [];
try {
  for (const companies of sizes) {
    const file = join(directory, `network-${companies}.json`);
    const generate = runWorker<GenerateFigures>('generate-worker.ts', [
      String(companies),
      String(SEED),
      '--out',
      file,
    ]);
    const validate = runWorker<ValidateFigures>('validate-worker.ts', [file]);
    if (!validate.ok) throw new Error(`the generated network of ${companies} companies did not load`);
    rows.push({ generate, validate });
    rmSync(file);
  }
} finally {
  rmSync(directory, { recursive: true, force: true });
}

console.log(
  table(
    [
      'companies',
      'JSON MB',
      'generate+write s',
      'peak MiB',
      'read s',
      'load s',
      'validate s',
      'peak MiB',
      'tiers',
      'issues',
    ],
    rows.map(({ generate, validate }) => [
      generate.companies,
      megabytes(generate.bytes),
      seconds(generate.generateMs + generate.serializeMs),
      generate.peakMiB,
      seconds(validate.readMs),
      seconds(validate.loadMs),
      seconds(validate.readMs + validate.loadMs),
      validate.peakMiB,
      validate.tiers,
      validate.issues,
    ]),
  ),
);

const largest = rows[rows.length - 1]!;
const totalMs =
  largest.generate.generateMs +
  largest.generate.serializeMs +
  largest.validate.readMs +
  largest.validate.loadMs;
const peak = Math.max(largest.generate.peakMiB, largest.validate.peakMiB);
const verdict = (met: boolean) => (met ? 'met' : 'NOT met');
console.log(
  `\ngenerate + validate ${largest.generate.companies} companies: ${seconds(totalMs)} s ` +
    `(target < ${TARGET_SECONDS} s: ${verdict(totalMs < TARGET_SECONDS * 1000)}), ` +
    `peak ${peak} MiB in either process (target < 2 GB = ${TARGET_MIB} MiB: ${verdict(peak < TARGET_MIB)})`,
);
