/**
 * @module test/support
 * Helpers for the CLI's end-to-end tests: run the real `keten` bin as a child process (a temporary
 * KETEN_HOME, no DATABASE_URL, so every test works on its own embedded store), start `keten serve` or
 * `keten demo` and wait for the URL they print, and find positions in network text for the
 * `file:line:column` a problem must name.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

export const REPOSITORY = resolve(import.meta.dirname, '../../..');
export const BIN = join(REPOSITORY, 'apps/cli/bin/keten.js');
export const MINIMAL_PATH = join(REPOSITORY, 'examples/network-minimal.yaml');
export const MINIMAL = readFileSync(MINIMAL_PATH, 'utf8');
/** The copy of the minimal network shared between projects, which keten must accept exactly as it is. */
export const SHARED_MINIMAL_PATH = join(REPOSITORY, '../shared/examples/network-minimal.yaml');

/** Settings a developer's shell may hold that would point the child somewhere else. */
const FOREIGN_SETTINGS = [
  'DATABASE_URL',
  'KETEN_SERVER',
  'KETEN_TOKEN',
  'KETEN_DEBUG',
  'PORT',
  'HOST',
  'NATS_URL',
  'KETEN_QUEUE',
  'KETEN_QUEUE_ACK_WAIT',
  'KETEN_LOG_LEVEL',
];

export function childEnvironment(home: string): NodeJS.ProcessEnv {
  const environment: NodeJS.ProcessEnv = { ...process.env, KETEN_HOME: home };
  for (const name of FOREIGN_SETTINGS) delete environment[name];
  return environment;
}

/** A fresh folder under the system's temporary folder; `remove()` deletes it. */
export function temporaryFolder(prefix = 'keten-cli-'): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface RunResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout as bytes, for byte-for-byte comparisons. */
  readonly bytes: Buffer;
}

export interface RunOptions {
  /** KETEN_HOME of the child. */
  readonly home: string;
  /** Written to the child's stdin, which is then closed. */
  readonly input?: string;
  /** The child's working folder (default the repository's root). */
  readonly cwd?: string;
}

/** Runs `keten ARGS` from the repository root and collects its exit status and output. */
export function keten(args: readonly string[], options: RunOptions): Promise<RunResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? REPOSITORY,
    env: childEnvironment(options.home),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  child.stdin.end(options.input ?? '');
  return new Promise((resolvePromise, reject) => {
    child.on('error', reject);
    child.on('close', (status) => {
      const bytes = Buffer.concat(stdout);
      resolvePromise({
        status,
        stdout: bytes.toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        bytes,
      });
    });
  });
}

/** A failure told as a message: no stack trace, no `Error:` from a thrown exception, no "internal error". */
export function expectCleanFailure(result: RunResult, status: number): void {
  expect(result.status, result.stderr).toBe(status);
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stderr).not.toContain('Error:');
  expect(result.stderr).not.toContain('internal error');
}

/** A long-running `keten serve` or `keten demo`. */
export interface RunningKeten {
  readonly url: string;
  readonly child: ChildProcess;
  /** Everything printed so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit status (or the signal) once the process has ended and its output is read. */
  readonly exited: Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` and waits for the process to end. */
  stop(signal?: NodeJS.Signals): Promise<{ status: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts `keten ARGS` and waits until `ready` matches what it printed on `stream`; the first group of
 * `ready` is the URL. Fails with the output if the process ends first or takes longer than `timeoutMs`.
 */
export function startKeten(
  args: readonly string[],
  options: { home: string; stream: 'stdout' | 'stderr'; ready: RegExp; timeoutMs?: number },
): Promise<RunningKeten> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPOSITORY,
    env: childEnvironment(options.home),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  // 'close', not 'exit': by then everything the process printed has been read.
  const exited = new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolvePromise) =>
    child.on('close', (status, signal) => resolvePromise({ status, signal })),
  );
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`keten ${args.join(' ')} did not start in time:\n${stdout}\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    const check = (): void => {
      const match = options.ready.exec(options.stream === 'stdout' ? stdout : stderr);
      if (match === null) return;
      clearTimeout(timer);
      resolvePromise({
        url: match[1] ?? '',
        child,
        stdout: () => stdout,
        stderr: () => stderr,
        exited,
        stop: (signal = 'SIGTERM') => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          return exited;
        },
      });
    };
    child.stdout.on('data', (chunk: string) => {
      stdout += chunk;
      check();
    });
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      check();
    });
    void exited.then(({ status, signal }) => {
      clearTimeout(timer);
      reject(
        new Error(
          `keten ${args.join(' ')} ended (${status ?? signal}) before it was ready:\n${stdout}\n${stderr}`,
        ),
      );
    });
  });
}

/** `keten serve --port 0` on the store of `home`, once it listens. */
export function startServe(home: string, extra: readonly string[] = []): Promise<RunningKeten> {
  return startKeten(['serve', '--port', '0', ...extra], {
    home,
    stream: 'stderr',
    ready: /keten serves (http:\/\/[^\s]+) from/,
  });
}

/** `text` with `from` replaced by `to`; `from` must occur exactly once, so a changed example fails loudly. */
export function edit(text: string, from: string, to: string): string {
  const first = text.indexOf(from);
  if (first === -1 || text.indexOf(from, first + 1) !== -1) {
    throw new Error(`expected exactly one ${JSON.stringify(from)} in the example`);
  }
  return text.slice(0, first) + to + text.slice(first + from.length);
}

/**
 * `line:column` (1-based) of the `occurrence`-th `needle` in `text`, moved `shift` characters
 * right: where a problem about that text must point.
 */
export function positionOf(text: string, needle: string, shift = 0, occurrence = 1): string {
  let offset = -1;
  for (let found = 0; found < occurrence; found++) {
    offset = text.indexOf(needle, offset + 1);
    if (offset === -1) throw new Error(`${JSON.stringify(needle)} occurs fewer than ${occurrence} times`);
  }
  offset += shift;
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${line}:${column}`;
}

/** The line number of the `occurrence`-th `needle` in `text`. */
export function lineOf(text: string, needle: string, occurrence = 1): number {
  return Number(positionOf(text, needle, 0, occurrence).split(':')[0]);
}

/** A JSON request to a running server; resolves with the status and the parsed body. */
export async function api<Body = Record<string, unknown>>(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; type?: string } = {},
): Promise<{ status: number; body: Body }> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.body !== undefined) {
    headers['content-type'] = options.type ?? 'application/json';
    body = typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  }
  const response = await fetch(`${url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
  const text = await response.text();
  return { status: response.status, body: (text === '' ? undefined : JSON.parse(text)) as Body };
}

/** Waits until `condition` holds (checked every 50 ms), or fails naming `what` after `timeoutMs`. */
export async function waitUntil(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs = 60_000,
): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
