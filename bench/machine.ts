/**
 * @module bench/machine
 * Shared helpers of the benchmark scripts: a description of the machine, running one measurement in a
 * fresh Node process (so sizes do not pollute each other's heap and peak memory), and a plain table.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The sizes measured unless others are given on the command line. */
export const DEFAULT_SIZES = [600, 6_000, 60_000];
/** Seed of every benchmark network. */
export const SEED = 7;

/** Sizes from the command line (`npm run bench:generate -- 600 6000`; options `--…` aside), else the defaults. */
export function sizesFromArguments(): number[] {
  const sizes = process.argv
    .slice(2)
    .filter((argument) => !argument.startsWith('--'))
    .map(Number);
  return sizes.length > 0 && sizes.every((size) => Number.isInteger(size) && size > 0)
    ? sizes
    : DEFAULT_SIZES;
}

/** One line about the machine, for the top of a report. */
export function describeMachine(): string {
  const processors = cpus();
  const model = processors[0]?.model.trim() ?? 'unknown CPU';
  const memory = (totalmem() / 2 ** 30).toFixed(1);
  const load = loadavg()
    .map((value) => value.toFixed(2))
    .join(' ');
  return `${model}, ${processors.length} cores, ${memory} GiB RAM, Node ${process.version} (load average ${load})`;
}

/**
 * The kernel's transparent huge page mode (`always`, `madvise` or `never`), or undefined where it does
 * not say (not Linux).
 */
export function transparentHugePages(): string | undefined {
  try {
    return /\[(\w+)\]/.exec(readFileSync('/sys/kernel/mm/transparent_hugepage/enabled', 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

/**
 * What a worker's environment adds to make glibc advise the kernel to back its large allocations (the
 * planner's arenas) with transparent huge pages, where the kernel's mode is `madvise`: one page fault
 * per 2 MiB instead of per 4 KiB (docs/planning.md, "Huge pages").
 */
export const HUGE_PAGES_ENV = { GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' } as const;

/**
 * Runs `bench/<worker>` with `args` in a fresh `node --import tsx` process and returns the JSON object
 * it prints on its last line of output; `env`: added to this process's environment.
 */
export function runWorker<T>(worker: string, args: readonly string[], env: Record<string, string> = {}): T {
  const script = fileURLToPath(new URL(worker, import.meta.url));
  // A large heap limit, so that a measurement above the targets still finishes and shows its peak.
  const child = spawnSync(
    process.execPath,
    ['--max-old-space-size=16384', '--import', 'tsx', script, ...args],
    {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
      env: { ...process.env, ...env },
    },
  );
  if (child.status !== 0) {
    throw new Error(`${worker} ${args.join(' ')} failed (exit ${child.status}):\n${child.stderr}`);
  }
  const lines = child.stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]!) as T;
}

/** Peak resident memory of this process so far, in MiB (`process.resourceUsage().maxRSS` is in KiB). */
export function peakMemoryMiB(): number {
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** A table with a header row, columns padded to their widest cell; figures right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cells = [header, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = header.map((_, column) => Math.max(...cells.map((row) => row[column]!.length)));
  const line = (row: readonly string[], source: readonly (string | number)[]) =>
    row
      .map((cell, column) =>
        /^-?[\d.,]+$/.test(String(source[column]))
          ? cell.padStart(widths[column]!)
          : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(cells[0]!, header), rule, ...cells.slice(1).map((row, index) => line(row, rows[index]!))].join(
    '\n',
  );
}

/** Seconds with one decimal from milliseconds. */
export function seconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(milliseconds < 10_000 ? 2 : 1);
}

/** Megabytes (10^6 bytes) with one decimal. */
export function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}
