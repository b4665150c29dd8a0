/**
 * Crash safety of `keten serve` on an on-disk store, the foundation issue's "done means": the server is
 * killed with SIGKILL in the middle of a large import (6,000 companies, 11 MB of JSON) while events
 * are appended, at a different moment in each round. After a restart, which must take over the dead
 * server's lock, the network holds version 1 alone or versions 1 and 2, each exactly what was sent,
 * never a half-written one; a new import works; every answered event is in the log, the unanswered
 * batch wholly or not at all, and no idempotency key twice.
 */
import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { api, keten, MINIMAL, type RunningKeten, startServe, temporaryFolder } from './support.ts';

const folder = temporaryFolder();
const home = folder.path;
const lockFile = join(home, 'store', 'store.lock');
let server: RunningKeten | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  folder.remove();
});

const COMPANIES = 6000;
/** When to kill, as a share of how long a whole import takes (the later part of it is storing). */
const KILL_AT = [0.5, 0.7, 0.9];
const EVENTS_PER_BATCH = 1000;
/** Each batch sends again this many keys of the batch before: a client retrying after a failure. */
const RETRIED_KEYS = 200;
/** A round starts and restarts the server and moves 11 MB a few times: slow on a busy machine. */
const ROUND_TIMEOUT_MS = 120_000;

let token = '';
let large: Record<string, unknown> = {};
/** What round N sends as version 2: the large network, told apart by its name. */
const largeBody = (round: number) => JSON.stringify({ ...large, name: `crash round ${round}` });
const minimal = parse(MINIMAL) as unknown;

beforeAll(async () => {
  const file = join(home, 'large.json');
  const [user, generated] = await Promise.all([
    keten(['user', 'add', 'admin', '--role', 'admin'], { home }),
    keten(['generate', '--companies', String(COMPANIES), '--seed', '11', '--out', file], { home }),
  ]);
  expect(user.status, user.stderr).toBe(0);
  expect(generated.status, generated.stderr).toBe(0);
  const created = await keten(['token', 'create', '--user', 'admin', '--name', 'crash'], { home });
  expect(created.status, created.stderr).toBe(0);
  token = created.stdout.trim();
  large = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
});

/**
 * POSTs `body` as a network import; `afterSent` runs once the last byte is sent. Resolves with the
 * status, or with undefined when the connection broke (the server was killed).
 */
function postNetwork(
  url: string,
  name: string,
  body: string,
  afterSent: () => void = () => {},
): Promise<number | undefined> {
  return new Promise((resolve) => {
    const outgoing = request(
      `${url}/api/v1/networks?name=${encodeURIComponent(name)}`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode));
        response.on('error', () => resolve(undefined));
      },
    );
    outgoing.on('error', () => resolve(undefined));
    outgoing.end(body, afterSent);
  });
}

/** Imports network-minimal.yaml as the next version of `name`; returns the version number. */
async function importMinimal(url: string, name: string): Promise<number> {
  const answer = await api<{ version: { version: number } }>(url, 'POST', `/api/v1/networks?name=${name}`, {
    token,
    body: MINIMAL,
    type: 'application/yaml',
  });
  expect(answer.status).toBe(201);
  return answer.body.version.version;
}

const events = (keys: readonly string[], payload: unknown) =>
  keys.map((key) => ({ type: 'order.created', key, at: '2027-01-04T08:00:00Z', source: 'crash', payload }));

interface EventBatches {
  /** Keys of the batches the server answered: every one must be in the log. */
  readonly answered: string[];
  /** The batch the server was killed during (or before): its new keys are in the log all or none. */
  unanswered?: { keys: string[]; fresh: string[] };
}

/**
 * Appends batches of events until `done()` or until the server is gone. Each batch has new keys and
 * the first keys of the batch before (`previous` for the first), as a client that retries would send.
 */
async function appendEvents(
  url: string,
  round: number,
  previous: readonly string[],
  done: () => boolean = () => false,
): Promise<EventBatches> {
  const batches: EventBatches = { answered: [] };
  let retried = previous.slice(0, RETRIED_KEYS);
  for (let batch = 0; !done(); batch++) {
    const fresh = Array.from(
      { length: EVENTS_PER_BATCH - RETRIED_KEYS },
      (_, index) => `r${round}-b${batch}-${index}`,
    );
    const keys = [...fresh, ...retried];
    let status: number;
    try {
      status = (
        await api(url, 'POST', '/api/v1/events', { token, body: { events: events(keys, { round }) } })
      ).status;
    } catch {
      batches.unanswered = { keys, fresh };
      return batches;
    }
    expect([200, 201]).toContain(status);
    batches.answered.push(...keys);
    retried = fresh.slice(0, RETRIED_KEYS);
  }
  return batches;
}

/** Every key in the log, read page by page; fails if a key is there twice or sequences go back. */
async function loggedKeys(url: string): Promise<Set<string>> {
  const keys = new Set<string>();
  const twice: string[] = [];
  let after = 0;
  for (;;) {
    const page = await api<{ events: { sequence: number; key: string }[] }>(
      url,
      'GET',
      `/api/v1/events?after=${after}&limit=10000`,
      { token },
    );
    expect(page.status).toBe(200);
    if (page.body.events.length === 0) break;
    for (const event of page.body.events) {
      expect(event.sequence).toBeGreaterThan(after);
      if (keys.has(event.key)) twice.push(event.key);
      keys.add(event.key);
      after = event.sequence;
    }
  }
  expect(twice, 'idempotency keys in the log twice').toEqual([]);
  return keys;
}

async function versionContent(url: string, name: string, version: number): Promise<unknown> {
  const stored = await api<{ content: unknown; version: number }>(
    url,
    'GET',
    `/api/v1/networks/${encodeURIComponent(name)}/versions/${version}`,
    { token },
  );
  expect(stored.status).toBe(200);
  expect(stored.body.version).toBe(version);
  return stored.body.content;
}

describe('SIGKILL of keten serve in the middle of an import', () => {
  /** How long the server takes for a whole large import, from the last byte sent to the answer. */
  let importMilliseconds = 0;
  /** Every event key the server has answered for: all must be in the log after every crash. */
  const answeredKeys: string[] = [];
  let lastBatches: EventBatches = { answered: [] };

  it('a whole large import, to time the kills, on a server as fresh and busy as the ones killed', async () => {
    server = await startServe(home);
    let sent = 0;
    let finished = false;
    const background = appendEvents(server.url, 0, [], () => finished);
    // The 201 is also keten's word that what every round sends is valid: it differs only in its name.
    const status = await postNetwork(server.url, 'calibration', largeBody(0), () => {
      sent = performance.now();
    });
    importMilliseconds = performance.now() - sent;
    finished = true;
    expect(status).toBe(201);
    lastBatches = await background;
    answeredKeys.push(...lastBatches.answered);
  });

  it.for(KILL_AT.map((share, index) => ({ share, round: index + 1 })))(
    'round $round: killed $share of the way into an import; after a restart the previous or the new version',
    { timeout: ROUND_TIMEOUT_MS },
    async ({ share, round }) => {
      const killed = server!;
      const name = `crash-${round}`;
      expect(await importMinimal(killed.url, name)).toBe(1);

      // Version 2, large, with events appended alongside; SIGKILL part of the way through.
      const previous = lastBatches.unanswered?.keys ?? lastBatches.answered.slice(-EVENTS_PER_BATCH);
      const appending = appendEvents(killed.url, round, previous);
      const body = largeBody(round);
      const status = await postNetwork(killed.url, name, body, () => {
        setTimeout(() => killed.child.kill('SIGKILL'), share * importMilliseconds);
      });
      expect((await killed.exited).signal).toBe('SIGKILL');
      if (status !== undefined) expect(status).toBe(201);
      lastBatches = await appending;
      const committed = new RegExp(`"network":"${name}","version":2,.*"msg":"network imported"`).test(
        killed.stdout(),
      );
      process.stderr.write(
        `round ${round}: killed ${Math.round(share * importMilliseconds)} ms into a ${Math.round(importMilliseconds)} ms import ` +
          `(${status !== undefined ? 'answered' : committed ? 'committed, not answered' : 'not committed'})\n`,
      );

      // The dead server's lock is left behind; the restart must take it over.
      expect(existsSync(lockFile)).toBe(true);
      server = await startServe(home);
      const { url } = server;

      const versions = await api<{ versions: { version: number; summary: { companies: number } }[] }>(
        url,
        'GET',
        `/api/v1/networks/${name}/versions`,
        { token },
      );
      expect(versions.status).toBe(200);
      const numbers = versions.body.versions.map((info) => info.version);
      if (status !== undefined || committed) expect(numbers).toEqual([1, 2]);
      else expect([[1], [1, 2]]).toContainEqual(numbers);
      expect(await versionContent(url, name, 1)).toEqual(minimal);
      if (numbers.length === 2) {
        expect(versions.body.versions[1]?.summary.companies).toBe(COMPANIES);
        expect(await versionContent(url, name, 2)).toEqual(JSON.parse(body));
      }
      expect(await importMinimal(url, name)).toBe(numbers.length + 1);

      const logged = await loggedKeys(url);
      answeredKeys.push(...lastBatches.answered);
      expect(
        answeredKeys.filter((key) => !logged.has(key)),
        'answered event keys missing',
      ).toEqual([]);
      const unanswered = lastBatches.unanswered;
      if (unanswered === undefined) return;
      const stored = unanswered.fresh.filter((key) => logged.has(key)).length;
      expect([0, unanswered.fresh.length], 'an append is all or nothing').toContain(stored);
      // The client sends the batch it had no answer for again: only what is missing is written.
      const retry = await api<{ appended: { key: string }[]; duplicates: string[] }>(
        url,
        'POST',
        '/api/v1/events',
        {
          token,
          body: { events: events(unanswered.keys, { round, retry: true }) },
        },
      );
      const written = retry.body.appended.map((event) => event.key);
      expect([...written, ...retry.body.duplicates].sort()).toEqual([...unanswered.keys].sort());
      answeredKeys.push(...unanswered.keys);
      expect((await loggedKeys(url)).size).toBe(logged.size + written.length);
    },
  );

  it('the last restarted server stops with exit 0 on SIGTERM and leaves no lock', async () => {
    expect(await server!.stop('SIGTERM')).toEqual({ status: 0, signal: null });
    expect(existsSync(lockFile)).toBe(false);
  });
});
