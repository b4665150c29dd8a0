/**
 * @module bench/demo
 * `npm run bench:demo [-- SECONDS [TREE]]`: how responsive `keten demo` (what `npm start` runs) is during its
 * first minutes, while its 44 company nodes start, negotiate and re-plan. Starts the demo as a process
 * of its own on a fresh home folder and a free port (`node --import bench/loop-probe.mjs
 * apps/cli/bin/keten.js demo`), logs in with the password it prints, then for SECONDS (default 180)
 * asks one request at a time, every 250 ms, in turn: `GET /health`, `GET …/summary` and `GET
 * …/status` (the overview page's questions), recording each answer's latency. Printed per 30 s: the
 * latencies (median and longest), the demo's main-thread event-loop delay (p99 and the longest stall,
 * from the probe) and the CPU time the demo's process used (every thread), with the load average; and
 * when the demo said its nodes were up and the network ready. `TREE`: run another checkout's demo
 * (e.g. main's, to compare; its dependencies installed). Figures are printed, never asserted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../apps/cli/src/network-nodes.ts';
import { describeMachine, table } from './machine.ts';

const seconds = Number(process.argv[2] ?? 180);
if (!Number.isFinite(seconds) || seconds < 10) throw new Error('usage: bench/demo.ts [SECONDS ≥ 10] [TREE]');
/** The keten tree whose demo runs (default this one; another checkout's to compare). */
const root = process.argv[3] ?? fileURLToPath(new URL('..', import.meta.url));
const probeScript = fileURLToPath(new URL('./loop-probe.mjs', import.meta.url));
const WINDOW = 30_000;

/** Waits for a line matching `pattern` on the child's output; resolves with the match. */
function waitFor(lines: string[], pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const look = () => {
      for (const line of lines) {
        const match = line.match(pattern);
        if (match !== null) return resolve(match);
      }
      if (Date.now() - started > timeoutMs)
        return reject(new Error(`no line like ${pattern} in ${timeoutMs} ms`));
      setTimeout(look, 50);
    };
    look();
  });
}

interface Sample {
  readonly at: number;
  readonly what: 'health' | 'summary' | 'status';
  readonly ms: number;
  readonly status: number;
}

const quantile = (values: number[], q: number): number => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
};

async function main(): Promise<void> {
  console.log(describeMachine());
  const home = mkdtempSync(join(tmpdir(), 'keten-bench-demo-'));
  const probe = join(home, 'loop.jsonl');
  const port = await freePort();
  const startedAt = Date.now();
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', probeScript, 'apps/cli/bin/keten.js', 'demo', '--port', String(port), '--home', home],
    { cwd: root, env: { ...process.env, KETEN_LOOP_PROBE: probe }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  const events: { at: number; line: string }[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    let rest = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (rest + chunk).split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        lines.push(line);
        if (/nodes are up|network is ready|did not start/.test(line)) events.push({ at: Date.now(), line });
      }
    });
  }
  try {
    const [, password] = await waitFor(lines, /password '([^']+)'/, 120_000);
    const base = `http://127.0.0.1:${port}`;
    const network = 'kempen-instruments-demo';
    const login = await fetch(`${base}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password }),
    });
    const { secret } = (await login.json()) as { secret: string };
    const listed = (await (
      await fetch(`${base}/api/v1/networks`, { headers: { authorization: `Bearer ${secret}` } })
    ).json()) as { networks?: { name: string }[] };
    const name = listed.networks?.[0]?.name ?? network;
    const samples: Sample[] = [];
    const measuredFrom = Date.now();
    const paths = {
      health: '/health',
      summary: `/api/v1/networks/${encodeURIComponent(name)}/summary`,
      status: `/api/v1/networks/${encodeURIComponent(name)}/status`,
    } as const;
    const order = ['health', 'summary', 'status'] as const;
    let turn = 0;
    while (Date.now() - measuredFrom < seconds * 1000) {
      const what = order[turn++ % order.length]!;
      const asked = Date.now();
      let status = 0;
      try {
        const answer = await fetch(base + paths[what], {
          headers: { authorization: `Bearer ${secret}` },
          signal: AbortSignal.timeout(60_000),
        });
        await answer.arrayBuffer();
        status = answer.status;
      } catch {
        status = -1;
      }
      samples.push({ at: asked, what, ms: Date.now() - asked, status });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    const loop = readFileSync(probe, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { at: number; p99: number; max: number; cpu: number });
    const rows: (string | number)[][] = [];
    for (let from = measuredFrom; from < measuredFrom + seconds * 1000; from += WINDOW) {
      const inWindow = (at: number) => at >= from && at < from + WINDOW;
      const of = (what: Sample['what']) => samples.filter((s) => s.what === what && inWindow(s.at));
      const figures = (what: Sample['what']) => {
        const ms = of(what).map((s) => s.ms);
        const other = new Map<number, number>();
        for (const sample of of(what))
          if (sample.status !== 200) other.set(sample.status, (other.get(sample.status) ?? 0) + 1);
        const others = [...other].map(([status, n]) => `${n}× ${status === -1 ? 'no answer' : status}`);
        return `${quantile(ms, 0.5)} / ${Math.max(...ms)}${others.length > 0 ? ` (${others.join(', ')})` : ''}`;
      };
      const probes = loop.filter((line) => inWindow(line.at));
      // The first window's CPU counts from the process's start (its start-up too).
      const before = loop.filter((line) => line.at < from).at(-1);
      const cpu = probes.length === 0 ? Number.NaN : (probes.at(-1)!.cpu - (before?.cpu ?? 0)) / 1000;
      rows.push([
        `${Math.round((from - startedAt) / 1000)}–${Math.round((from + WINDOW - startedAt) / 1000)} s`,
        figures('health'),
        figures('summary'),
        figures('status'),
        `${quantile(
          probes.map((p) => p.p99),
          0.5,
        )} / ${Math.max(...probes.map((p) => p.max))}`,
        cpu.toFixed(1),
      ]);
    }
    console.log(
      `\nketen demo, ${seconds} s of requests from the login on (${Math.round((measuredFrom - startedAt) / 1000)} s after the start); load average at the end ${loadavg()
        .map((x) => x.toFixed(2))
        .join(' ')}`,
    );
    console.log(
      table(
        [
          'since start',
          '/health ms: median / longest',
          'summary ms',
          'status ms',
          'loop ms: p99 (median second) / longest',
          'demo CPU s',
        ],
        rows,
      ),
    );
    for (const event of events) console.log(`${((event.at - startedAt) / 1000).toFixed(1)} s: ${event.line}`);
    const all = samples.map((s) => s.ms);
    console.log(
      `all ${samples.length} answers: median ${quantile(all, 0.5)} ms, p95 ${quantile(all, 0.95)} ms, longest ${Math.max(...all)} ms; demo CPU ${(loop.at(-1)!.cpu / 1000).toFixed(1)} s in ${((Date.now() - startedAt) / 1000).toFixed(0)} s`,
    );
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(undefined);
      }, 20_000);
      child.once('exit', () => {
        clearTimeout(timer);
        resolve(undefined);
      });
    });
    rmSync(home, { recursive: true, force: true });
  }
}

await main();
