/**
 * The store adapter's failures: a locked directory, stale locks, bad options, an unreachable or newer
 * database. Each is a `StoreError` with its code and a message a person can act on.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, openStore, StoreError, type StoreLogger } from '../src/index.ts';
import { LOCK_FILE_NAME } from '../src/internal/lock-file.ts';
import { openPgliteDriver } from '../src/internal/pglite-driver.ts';
import { silentLogger } from '../src/logger.ts';

const directories: string[] = [];
let template: string | undefined;

/**
 * A store directory with an initialized, migrated database in it: a copy of one made once, because
 * PGlite's initdb takes seconds and copying takes milliseconds.
 */
async function temporaryDirectory(): Promise<string> {
  if (template === undefined) {
    template = mkdtempSync(join(tmpdir(), 'keten-store-template-'));
    directories.push(template);
    await (await openStore({ dataDir: template })).close();
  }
  const directory = mkdtempSync(join(tmpdir(), 'keten-store-errors-'));
  directories.push(directory);
  cpSync(template, directory, { recursive: true });
  return directory;
}
afterAll(() => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true });
});

async function storeError(promise: Promise<unknown>): Promise<StoreError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof StoreError) return error;
    throw error;
  }
  throw new Error('expected a StoreError');
}

function recordingLogger(): StoreLogger & { warnings: string[] } {
  const warnings: string[] = [];
  return { info() {}, warn: (_facts, message) => warnings.push(message), error() {}, warnings };
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid!;
}

describe('the embedded store directory lock', () => {
  it('refuses a second open of one directory, naming the holder, and frees it on close', async () => {
    const directory = await temporaryDirectory();
    const store = await openStore({ dataDir: directory });
    const error = await storeError(openStore({ dataDir: directory }));
    expect(error.code).toBe('locked');
    expect(error.message).toContain(`the store at ${directory} is in use by process ${process.pid}`);
    expect(error.message).toContain('--server URL');
    await store.close();
    const again = await openStore({ dataDir: directory });
    await again.close();
  });

  it('refuses a directory another live process holds, and takes it over once that process is killed', async () => {
    const directory = await temporaryDirectory();
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '-e',
        `import('@keten/store').then(async ({ openStore }) => { const s = await openStore({ dataDir: ${JSON.stringify(directory)} }); await s.networks.listNetworks(); console.log('ready'); setInterval(() => {}, 1000); })`,
      ],
      { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.on('exit', (code) => reject(new Error(`the child exited with ${code}`)));
    });
    const error = await storeError(openStore({ dataDir: directory }));
    expect(error.code).toBe('locked');
    expect(error.details.pid).toBe(child.pid);
    expect(error.message).toContain(`in use by process ${child.pid} (a running keten server?)`);

    child.kill('SIGKILL');
    await new Promise((resolve) => child.on('exit', resolve));
    const logger = recordingLogger();
    const store = await openStore({ dataDir: directory, logger });
    expect(await store.networks.listNetworks()).toEqual([]);
    expect(logger.warnings).toContain('took over the lock of a keten process that is no longer running');
    await store.close();
  });

  it('takes over a lock left by a dead process, an empty lock, or its own pid from an earlier life', async () => {
    const directory = await temporaryDirectory();
    const lockPath = join(directory, LOCK_FILE_NAME);
    const owner = (pid: number) => JSON.stringify({ pid, host: hostname(), nonce: 'old', since: '' });
    for (const content of [owner(await deadPid()), owner(process.pid), '']) {
      writeFileSync(lockPath, content);
      if (content === '') utimesSync(lockPath, new Date(0), new Date(0)); // an empty lock from long ago
      const store = await openStore({ dataDir: directory });
      expect(JSON.parse(readFileSync(lockPath, 'utf8')).nonce).not.toBe('old');
      await store.close();
    }
  });
});

describe('store failures', () => {
  it('reports an unreachable PostgreSQL as unavailable, without the password', async () => {
    const error = await storeError(openStore({ databaseUrl: 'postgres://keten:secret@127.0.0.1:1/nowhere' }));
    expect(error.code).toBe('unavailable');
    expect(error.message).toContain('cannot reach the database at postgres://keten:***@127.0.0.1:1/nowhere');
    expect(error.message).not.toContain('secret');
  });

  it('refuses a schema name that is not a plain SQL identifier', async () => {
    for (const schema of ['Upper', 'with-dash', '1digit', 'pg_catalog', 'x'.repeat(64), 'a"; DROP']) {
      expect((await storeError(openStore({ schema }))).code).toBe('invalid-input');
    }
  });

  it('refuses a schema written by a newer keten', async () => {
    const directory = await temporaryDirectory();
    const driver = await openPgliteDriver(directory, silentLogger);
    await driver.exec(
      `INSERT INTO "keten".schema_migrations (version, name) VALUES (999, 'from the future')`,
    );
    await driver.close();
    const error = await storeError(openStore({ dataDir: directory }));
    expect(error.code).toBe('migration-failed');
    expect(error.message).toContain('is at version 999, newer than this keten knows');
    // The failed open released the directory.
    await (await openPgliteDriver(directory, silentLogger)).close();
  });

  it('reports bad events and closed stores with their codes', async () => {
    const database = await openDatabase({ dataDir: await temporaryDirectory() });
    const store = await database.store('codes');
    const event = { type: 't', key: 'k', at: 'yesterday', source: 's', payload: null };
    expect((await storeError(store.events.append([event]))).code).toBe('invalid-input');
    await store.close();
    expect((await storeError(store.events.read())).code).toBe('closed');
    await database.close();
    expect((await storeError(database.store('codes'))).code).toBe('closed');
  });
});
