/**
 * @module internal/lock-file
 * An exclusive lock on an embedded store's directory. PGlite is one process's database: two processes
 * writing one data directory corrupt it, so the second must be refused with a message that says who
 * holds the store. A lock left behind by a process that died (SIGKILL, power loss, a container
 * restart) must not lock the store forever, so a lock whose process is gone is taken over.
 *
 * The lock file is created with O_EXCL and holds the owner's pid, host, boot id and process start
 * time. The owner is alive when a process with that pid runs on this host and, where Linux tells
 * (`/proc`), since the same start time in the same boot; so neither a reboot nor a pid reused by
 * another process keeps a stale lock. Taking over a stale lock happens under a second, short-lived
 * O_EXCL guard file, so two processes that both find the lock stale cannot both take it.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { StoreError } from '../errors.ts';
import type { StoreLogger } from '../logger.ts';

/** What the lock file says about its owner. */
interface LockOwner {
  readonly pid: number;
  readonly host: string;
  readonly bootId?: string;
  readonly startTime?: string;
  /** Tells this process's own locks apart from a dead predecessor's with the same pid. */
  readonly nonce: string;
  readonly since: string;
}

/** A held lock; `release()` removes the file if it is still this lock's. */
export interface HeldLock {
  readonly path: string;
  release(): void;
}

export const LOCK_FILE_NAME = 'store.lock';

/** Locks held by this process, by path: a lock file naming this pid but not listed here is stale. */
const heldHere = new Map<string, string>();

/** A guard file older than this belongs to a process that died while taking a lock over. */
const STALE_GUARD_MS = 10_000;
/** A lock file without content younger than this is being written right now. */
const FRESH_EMPTY_LOCK_MS = 5_000;

/**
 * Takes the lock on `directory` (which must exist), or rejects with `StoreError` code `locked`
 * naming the process that holds it.
 */
export async function acquireLock(directory: string, logger: StoreLogger): Promise<HeldLock> {
  const path = join(directory, LOCK_FILE_NAME);
  const me = currentOwner();
  for (let attempt = 0; attempt < 50; attempt++) {
    if (tryCreate(path, me)) {
      heldHere.set(path, me.nonce);
      return { path, release: () => release(path, me.nonce) };
    }
    const state = inspect(path);
    if (state.kind === 'gone') continue;
    if (state.kind === 'busy') {
      await sleep(100);
      continue;
    }
    if (state.kind === 'alive') throw lockedError(directory, path, state.owner);
    if (takeOver(path, state.raw, me, logger, state.owner)) {
      heldHere.set(path, me.nonce);
      return { path, release: () => release(path, me.nonce) };
    }
    await sleep(20);
  }
  throw new StoreError(
    'locked',
    `could not take the lock ${path}: it keeps changing; is another keten starting?`,
    {
      details: { path },
    },
  );
}

function lockedError(directory: string, path: string, owner: LockOwner | undefined): StoreError {
  const who =
    owner === undefined
      ? 'another process'
      : owner.host === hostname()
        ? `process ${owner.pid}`
        : `process ${owner.pid} on host ${owner.host}`;
  const self =
    owner?.pid === process.pid && owner.host === hostname() ? ' (this process: it is open already)' : '';
  return new StoreError(
    'locked',
    `the store at ${directory} is in use by ${who}${self} (a running keten server?); stop it or use --server URL. ` +
      `If no such process runs, delete ${path}.`,
    { details: { directory, path, ...(owner ? { pid: owner.pid, host: owner.host } : {}) } },
  );
}

function tryCreate(path: string, owner: LockOwner): boolean {
  let descriptor: number;
  try {
    descriptor = openSync(path, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new StoreError('unavailable', `cannot create the lock file ${path}: ${(error as Error).message}`, {
      cause: error,
      details: { path },
    });
  }
  try {
    writeSync(descriptor, `${JSON.stringify(owner)}\n`);
  } finally {
    closeSync(descriptor);
  }
  return true;
}

type LockState =
  | { kind: 'gone' }
  | { kind: 'busy' }
  | { kind: 'alive'; owner: LockOwner | undefined }
  | { kind: 'stale'; raw: string; owner: LockOwner | undefined };

function inspect(path: string): LockState {
  let raw: string;
  let modified: number;
  try {
    raw = readFileSync(path, 'utf8');
    modified = statSync(path).mtimeMs;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'gone' };
    throw new StoreError('unavailable', `cannot read the lock file ${path}: ${(error as Error).message}`, {
      cause: error,
      details: { path },
    });
  }
  const owner = parseOwner(raw);
  if (owner === undefined) {
    // Created but not written yet, or written by a process that died in between.
    return Date.now() - modified < FRESH_EMPTY_LOCK_MS ? { kind: 'busy' } : { kind: 'stale', raw, owner };
  }
  return isAlive(owner, path) ? { kind: 'alive', owner } : { kind: 'stale', raw, owner };
}

function isAlive(owner: LockOwner, path: string): boolean {
  // A lock from another host cannot be checked; it counts as held.
  if (owner.host !== hostname()) return true;
  if (owner.bootId !== undefined && bootId() !== undefined && owner.bootId !== bootId()) return false;
  if (owner.pid === process.pid) return heldHere.get(path) === owner.nonce;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // The pid runs; it is the owner unless it started at another time (a reused pid).
  const started = startTime(owner.pid);
  return owner.startTime === undefined || started === undefined || started === owner.startTime;
}

function takeOver(
  path: string,
  staleRaw: string,
  me: LockOwner,
  logger: StoreLogger,
  stale: LockOwner | undefined,
): boolean {
  const guard = `${path}.takeover`;
  let descriptor: number;
  try {
    descriptor = openSync(guard, 'wx', 0o644);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    try {
      if (Date.now() - statSync(guard).mtimeMs > STALE_GUARD_MS) unlinkSync(guard);
    } catch {
      // Gone in the meantime: the other process finished its takeover.
    }
    return false;
  }
  closeSync(descriptor);
  try {
    // Under the guard nobody else takes over; the lock can only have been released meanwhile.
    let current: string;
    try {
      current = readFileSync(path, 'utf8');
    } catch {
      return tryCreate(path, me);
    }
    if (current !== staleRaw) return false;
    unlinkSync(path);
    const taken = tryCreate(path, me);
    if (taken) {
      logger.warn(
        { path, stalePid: stale?.pid, staleSince: stale?.since },
        'took over the lock of a keten process that is no longer running',
      );
    }
    return taken;
  } finally {
    try {
      unlinkSync(guard);
    } catch {
      // Already removed as stale by another process; nothing to undo.
    }
  }
}

function release(path: string, nonce: string): void {
  if (heldHere.get(path) !== nonce) return;
  heldHere.delete(path);
  try {
    if (parseOwner(readFileSync(path, 'utf8'))?.nonce === nonce) unlinkSync(path);
  } catch {
    // Already gone; nothing to release.
  }
}

function currentOwner(): LockOwner {
  const boot = bootId();
  const started = startTime(process.pid);
  return {
    pid: process.pid,
    host: hostname(),
    ...(boot === undefined ? {} : { bootId: boot }),
    ...(started === undefined ? {} : { startTime: started }),
    nonce: randomUUID(),
    since: new Date().toISOString(),
  };
}

function parseOwner(raw: string): LockOwner | undefined {
  try {
    const value = JSON.parse(raw) as Partial<LockOwner>;
    if (typeof value.pid !== 'number' || typeof value.host !== 'string' || typeof value.nonce !== 'string') {
      return undefined;
    }
    return value as LockOwner;
  } catch {
    return undefined;
  }
}

let cachedBootId: string | undefined | null = null;

/** Linux's id of the current boot; undefined elsewhere. */
function bootId(): string | undefined {
  if (cachedBootId === null) {
    try {
      cachedBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      cachedBootId = undefined;
    }
  }
  return cachedBootId;
}

/** When a process started, in clock ticks since boot (field 22 of /proc/PID/stat, proc(5)); Linux only. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses; the fields after its last ')' start at 3.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[22 - 3];
  } catch {
    return undefined;
  }
}

function sleep(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
