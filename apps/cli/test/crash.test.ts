/**
 * Crash safety of `keten serve` on an on-disk store, the foundation issue's "done means": the server is
 * killed with SIGKILL in the middle of a large import (about 6,000 companies, 11 MB of JSON) while
 * events are appended, at a different moment in each round. After a restart, which must take over the
 * dead server's lock, the network holds version 1 alone or versions 1 and 2, each exactly what was
 * sent, never a half-written one; a new import works; and no idempotency key is in the log twice.
 */

import { existsSync, readFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { api, keten, MINIMAL, type RunningKeten, startServe, temporaryFolder } from './support.ts';

const folder = temporaryFolder();
const home = folder.path;
let server: RunningKeten | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  folder.remove();
});

const COMPANIES = 6000;
/** When to kill, as a share of how long a whole import took (about the second half is storing). */
const KILL_AT = [0.55, 0.75, 0.95];
const EVENTS_PER_BATCH = 1000;
/** Each batch sends again this many keys of the batch before: a client retrying after a failure. */
const RETRIED_KEYS = 200;

let token = '';
let large: Record<string, unknown> = {};
/** How long the server took for one whole large import, from the last byte sent to the answer. */
let importMilliseconds = 0;

const minimal = parse(MINIMAL) as unknown;
const roundContent = (round: number) => ({ ...large, name: `crash round ${round}` });

beforeAll(async () => {
  const network = join(home, 'large.json');
  const [user, generated] = await Promise.all([
    keten(['user', 'add', 'admin', '--role', 'admin'], { home }),
    keten(['generate', '--companies', String(COMPANIES), '--seed', '11', '--out', network], { home }),
  ]);
  expect(user.status, user.stderr).toBe(0);
  expect(generated.status, generated.stderr).toBe(0);
  const created = await keten(['token', 'create', '--user', 'admin', '--name', 'crash'], { home });
  expect(created.status, created.stderr).toBe(0);
  token = created.stdout.trim();
  large = JSON.parse(readFileSync(network, 'utf8')) as Record<string, unknown>;
});

/**
 * POSTs `body` as a network import; `afterSent` is called once the last byte is sent. Resolves with
 * the status, or with undefined when the connection broke (the server was killed).
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

const eventKeys = (round: number, batch: number) =>
  Array.from({ length: EVENTS_PER_BATCH - RETRIED_KEYS }, (_, index) => `r${round}-b${batch}-e${index}`);

interface EventBatches {
  /** Batches the server answered: every key must be in the log. */
  readonly answered: string[][];
  /** The batch the server was killed during (or before): its new keys are all in the log or none. */
  unanswered?: { keys: string[]; fresh: string[] };
}

/** Appends batches of events, each retrying keys of the one before, until `done()` or the server is gone. */
async function appendEvents(
  url: string,
  round: number,
  previous: string[],
  done: () => boolean = () => false,
): Promise<EventBatches> {
  const batches: EventBatches = { answered: [] };
  let retried = previous.slice(0, RETRIED_KEYS);
  for (let batch = 0; !done(); batch++) {
    const fresh = eventKeys(round, batch);
    const keys = [...fresh, ...retried];
    const events = keys.map((key) => ({
      type: 'order.created',
      key,
      at: '2027-01-04T08:00:00Z',
      source: 'crash-test',
      payload: { round, batch },
    }));
    let status: number;
    try {
      status = (await api(url, 'POST', '/api/v1/events', { token, body: { events } })).status;
    } catch {
      batches.unanswered = { keys, fresh };
      return batches;
    }
    expect([200, 201]).toContain(status);
    batches.answered.push(keys);
    retried = fresh.slice(0, RETRIED_KEYS);
  }
  return batches;
}

/** Every key in the log, read page by page; fails if a key is there twice or sequences go back. */
async function loggedKeys(url: string): Promise<Set<string>> {
  const keys = new Set<string>();
  let after = 0;
  for (;;) {
    const page = await api<{ events: { sequence: number; key: string }[] }>(
      url,
      'GET',
      `/api/v1/events?after=${after}&limit=10000`,
      { token },
    );
    expect(page.status).toBe(200);
    if (page.body.events.length === 0) return keys;
    for (const event of page.body.events) {
      expect(event.sequence).toBeGreaterThan(after);
      expect(keys.has(event.key), `key ${event.key} twice in the log`).toBe(false);
      keys.add(event.key);
      after = event.sequence;
    }
  }
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
  let lastBatches: EventBatches = { answered: [] };
  const allAnswered: string[] = [];

  it.for(KILL_AT.map((share, index) => ({ share, round: index + 1 })))(
    'round $round: killed $share of the way through; restarted, the previous or the new version',
    async ({ share, round }) => {
      server ??= await startServe(home);
      const { url } = server;
      const name = `crash-${round}`;
      const body = JSON.stringify(roundContent(round));
      if (importMilliseconds === 0) {
        // A whole large import first, on a server as fresh and as busy as the ones killed below, to
        // time the kills. Its 201 is also keten's word that the content sent in every round is valid
        // (they differ only in `name`).
        let sent = 0;
        let finished = false;
        const background = appendEvents(url, 0, [], () => finished);
        const status = await postNetwork(url, 'calibration', body, () => {
          sent = performance.now();
        });
        importMilliseconds = performance.now() - sent;
        finished = true;
        expect(status).toBe(201);
        for (const batch of (await background).answered) allAnswered.push(...batch);
      }
      const first = await api<{ version: { version: number } }>(
        url,
        'POST',
        `/api/v1/networks?name=${name}`,
        {
          token,
          body: MINIMAL,
          type: 'application/yaml',
        },
      );
      expect(first.status).toBe(201);
      expect(first.body.version.version).toBe(1);

      const previousKeys = lastBatches.unanswered?.keys ?? lastBatches.answered.at(-1) ?? [];
      const events = appendEvents(url, round, previousKeys);
      let answeredBeforeKill = false;
      const killed = server;
      const imported = postNetwork(url, name, body, () => {
        setTimeout(() => killed.child.kill('SIGKILL'), share * importMilliseconds);
      }).then((status) => {
        if (status !== undefined) answeredBeforeKill = true;
        return status;
      });
      const { signal } = await killed.exited;
      expect(signal).toBe('SIGKILL');
      await imported;
      lastBatches = await events;
      const committed = new RegExp(`"network":"${name}","version":2,.*"msg":"network imported"`).test(
        killed.stdout(),
      );
      process.stderr.write(
        `round ${round}: killed ${Math.round(share * importMilliseconds)} ms after the ${Math.round(importMilliseconds)} ms ` +
          `import was sent (${answeredBeforeKill ? 'answered' : committed ? 'committed, not answered' : 'not committed'}); ` +
          `${lastBatches.answered.length} event batches answered\n`,
      );
      // The dead server's lock is left behind; the restart must take it over.
      expect(existsSync(join(home, 'store', 'store.lock'))).toBe(true);

      server = await startServe(home);
      const restarted = server.url;
      const versions = await api<{ versions: { version: number; summary: { companies: number } }[] }>(
        restarted,
        'GET',
        `/api/v1/networks/${name}/versions`,
        { token },
      );
      expect(versions.status).toBe(200);
      const numbers = versions.body.versions.map((info) => info.version);
      if (committed || answeredBeforeKill) expect(numbers).toEqual([1, 2]);
      else expect([[1], [1, 2]]).toContainEqual(numbers);
      expect(await versionContent(restarted, name, 1)).toEqual(minimal);
      if (numbers.length === 2) {
        expect(versions.body.versions[1]?.summary.companies).toBe(COMPANIES);
        expect(await versionContent(restarted, name, 2)).toEqual(JSON.parse(body));
      }
      const next = await api<{ version: { version: number } }>(
        restarted,
        'POST',
        `/api/v1/networks?name=${name}`,
        {
          token,
          body: MINIMAL,
          type: 'application/yaml',
        },
      );
      expect(next.status).toBe(201);
      expect(next.body.version.version).toBe(numbers.length + 1);

      const logged = await loggedKeys(restarted);
      for (const batch of lastBatches.answered) allAnswered.push(...batch);
      for (const key of allAnswered) expect(logged.has(key), `answered key ${key} is missing`).toBe(true);
      const unanswered = lastBatches.unanswered;
      if (unanswered !== undefined) {
        const stored = unanswered.fresh.filter((key) => logged.has(key)).length;
        expect([0, unanswered.fresh.length], 'an append is all or nothing').toContain(stored);
        // The client retries the batch it got no answer for: only what is missing is written.
        const retry = await api<{ appended: { key: string }[]; duplicates: string[] }>(
          restarted,
          'POST',
          '/api/v1/events',
          {
            token,
            body: {
              events: unanswered.keys.map((key) => ({
                type: 'order.created',
                key,
                at: '2027-01-04T08:00:00Z',
                source: 'crash-test',
                payload: { round, retry: true },
              })),
            },
          },
        );
        const written = retry.body.appended.map((event) => event.key);
        expect([...written, ...retry.body.duplicates].sort()).toEqual([...unanswered.keys].sort());
        allAnswered.push(...unanswered.keys);
        expect((await loggedKeys(restarted)).size).toBe(logged.size + retry.body.appended.length);
      }
    },
  );

  it('the last restarted server stops with exit 0 on SIGTERM', async () => {
    expect(await server!.stop('SIGTERM')).toEqual({ status: 0, signal: null });
    expect(existsSync(join(home, 'store', 'store.lock'))).toBe(false);
  });
});
