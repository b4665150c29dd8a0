/**
 * `keten replan` end to end, and the Done-means of issue 3: "Changing one capacity in the store and
 * re-planning gives a diff that names the affected companies and is equal to a full re-plan's result."
 *
 * The story: the minimal network is imported into a fresh store and planned; frame-a tells the store
 * that it can start only 2 frames a period from period 3 on (a `capacity.changed` event appended with
 * `keten events append`); `keten replan` re-plans incrementally and prints what changed. The test
 * computes the same diff itself, from a full plan of the changed network, and the two must be equal.
 * A second `keten replan` then finds nothing changed, since the first one published its plan.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  applyPlanningEvents,
  diffPlans,
  loadNetworkFile,
  type Network,
  type PlanDiff,
  planNetwork,
} from '@keten/core';
import { afterAll, describe, expect, it } from 'vitest';
import type { ReplanAnswer } from '../src/backend.ts';
import {
  expectCleanFailure,
  keten,
  MINIMAL_PATH,
  type RunningKeten,
  startServe,
  temporaryFolder,
} from './support.ts';

const folder = temporaryFolder();
const home = folder.path;
const db = join(home, 'db');
let server: RunningKeten | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  folder.remove();
});

const NAME = 'minimal-two-tier';
/** frame-a can start only 2 frames a period from period 3 on. */
const CAPACITY_CHANGE = {
  type: 'capacity.changed',
  key: 'frame-a/frame/capacity/2027-w03',
  at: '2027-01-18T07:30:00Z',
  source: 'frame-a',
  payload: { company: 'frame-a', item: 'frame', from: 3, capacity: 2 },
};

/** What `keten replan --json` prints (the server's answer to `POST …/replan`, too). */
type ReplanJson = ReplanAnswer;

function minimal(): Network {
  const loaded = loadNetworkFile({ name: 'network-minimal.yaml', text: readFileSync(MINIMAL_PATH, 'utf8') });
  if (!loaded.ok) throw new Error('the minimal network does not load');
  return loaded.value.network;
}

/** The changed network, computed here from the file and the event, not read from keten. */
function changedNetwork(): Network {
  const applied = applyPlanningEvents(minimal(), [CAPACITY_CHANGE]);
  if (!applied.ok) throw new Error('the capacity change does not apply');
  return applied.value.network;
}

/** Writes events as JSON Lines and appends them to the store with `keten events append`. */
async function appendEvents(name: string, events: unknown[]) {
  const path = join(home, name);
  writeFileSync(path, `${events.map((event) => JSON.stringify(event)).join('\n')}\n`);
  return keten(['events', 'append', path, '--db', db], { home });
}

describe('Done means: one capacity changed in the store, re-planned', () => {
  it.sequential('imports the minimal network and plans it', async () => {
    const imported = await keten(['import', MINIMAL_PATH, '--db', db], { home });
    expect(imported.status, imported.stderr).toBe(0);
    const planned = await keten(['plan', NAME, '--db', db, '--json', '--no-pegging'], { home });
    expect(planned.status, planned.stderr).toBe(0);
    expect(JSON.parse(planned.stdout)).toEqual(
      JSON.parse(JSON.stringify(planNetwork(minimal(), { pegging: false }))),
    );
  });

  it.sequential('frame-a reports a lower capacity: the event goes into the store', async () => {
    const appended = await appendEvents('capacity.jsonl', [CAPACITY_CHANGE]);
    expect(appended.status, appended.stderr).toBe(0);
    expect(appended.stdout).toBe('appended 1 event, 0 already in the log\n');
    // keten plan now plans with it.
    const planned = await keten(['plan', NAME, '--db', db, '--json', '--no-pegging'], { home });
    expect(JSON.parse(planned.stdout)).toEqual(
      JSON.parse(JSON.stringify(planNetwork(changedNetwork(), { pegging: false }))),
    );
    expect(planned.stderr).toContain(`planned ${NAME} v1 with 1 planning event through sequence 1`);
  });

  it.sequential('keten replan: the diff names frame-a and oem and equals the diff to a full plan', async () => {
    const result = await keten(['replan', NAME, '--db', db, '--json'], { home });
    expect(result.status, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout) as ReplanJson;

    // What a full re-plan gives, computed here: the plan before, and a full plan of the changed network.
    const before = planNetwork(minimal(), { pegging: false });
    const after = planNetwork(changedNetwork(), { pegging: false });
    const expected = JSON.parse(JSON.stringify(diffPlans(before, after))) as PlanDiff;
    expect(answer.diff).toEqual(expected);

    // The affected companies are named: frame-a (its production, what oem buys from it) and oem (its
    // purchases and the end demand that is now short).
    const told = answer.diff.notices.map((notice) => notice.company);
    expect(told).toEqual(expect.arrayContaining(['frame-a', 'oem']));
    expect(answer.diff.companies.map((company) => company.company)).toEqual(
      expect.arrayContaining(['frame-a', 'oem']),
    );
    expect(answer.diff.shortages.every((shortage) => shortage.company === 'oem')).toBe(true);
    expect(answer.diff.shortages.length).toBeGreaterThan(0);

    // Re-planned incrementally, against the version without events, and published.
    expect(answer.stats.full).toBe(false);
    expect(answer.stats.recomputed).toBeLessThan(answer.stats.nodes);
    expect(answer).toMatchObject({
      network: NAME,
      version: 1,
      through: 1,
      base: { version: 1, through: 0, from: 'version' },
      published: { key: `plan.published/${NAME}/1/1`, sequence: 2 },
    });
    expect(result.stderr).toMatch(
      new RegExp(`^re-planned ${answer.stats.recomputed} of ${answer.stats.nodes} nodes in [0-9.]+ s$`, 'm'),
    );
    expect(result.stderr).toContain(`published as plan.published/${NAME}/1/1 (sequence 2)`);
  });

  it.sequential('a second keten replan reports nothing changed, and publishes nothing', async () => {
    const result = await keten(['replan', NAME, '--db', db], { home });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(`plan ${NAME}: no change\n`);
    expect(result.stderr).toContain('against the plan published through sequence 1 (v1)');
    expect(result.stderr).toContain('nothing changed: nothing published');
    const published = await keten(['events', 'list', '--db', db, '--type', 'plan.published', '--json'], {
      home,
    });
    expect(JSON.parse(published.stdout)).toHaveLength(1);
  });
});

describe('keten replan', () => {
  it.sequential('prints the diff for people; --dry-run records nothing', async () => {
    const appended = await appendEvents('demand.jsonl', [
      {
        type: 'demand.added',
        key: 'oem/machine/2027-w10/more',
        at: '2027-01-20T09:00:00Z',
        source: 'oem',
        payload: { company: 'oem', item: 'machine', period: 9, quantity: 3, network: NAME },
      },
    ]);
    expect(appended.status, appended.stderr).toBe(0);
    const result = await keten(['replan', NAME, '--db', db, '--dry-run'], { home });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(
      new RegExp(`^plan ${NAME}: orders \\d+ new, \\d+ changed, \\d+ cancelled;`),
    );
    expect(result.stdout).toMatch(/^tell:$/m);
    expect(result.stdout).toMatch(/^ {2}oem: /m);
    expect(result.stderr).toContain('against the plan published through sequence 1 (v1)');
    expect(result.stderr).toContain('dry run: nothing published');
  });

  it.sequential('refuses a malformed planning event at the edge, naming the line and field', async () => {
    const result = await appendEvents('typo.jsonl', [
      {
        ...CAPACITY_CHANGE,
        key: 'typo',
        payload: { company: 'frame-a', item: 'frame', from: 3, capacty: 2 },
      },
    ]);
    expectCleanFailure(result, 1);
    expect(result.stderr).toContain(
      "typo.jsonl:1: field 'payload.capacty': unknown field 'capacty' (did you mean 'capacity'?)",
    );
    expect(result.stderr).toContain('nothing appended');
  });

  it.sequential('exits 1 naming the event when one in the log cannot be applied', async () => {
    const appended = await appendEvents('unknown-company.jsonl', [
      {
        ...CAPACITY_CHANGE,
        key: 'frame-c',
        payload: { company: 'frame-c', item: 'frame', from: 3, capacity: 1 },
      },
    ]);
    expect(appended.status, appended.stderr).toBe(0);
    for (const command of [
      ['replan', NAME],
      ['plan', NAME],
    ]) {
      const result = await keten([...command, '--db', db], { home });
      expectCleanFailure(result, 1);
      expect(result.stderr).toContain(
        "event at sequence 4 (key 'frame-c', capacity.changed): payload.company: unknown company 'frame-c' (did you mean 'frame-a'?)",
      );
      expect(result.stderr).toContain(`keten: an event in the log cannot be applied to network '${NAME}' v1`);
    }
  });

  it.sequential('exits 3 for a network that is not there, 2 for a file', async () => {
    const unknown = await keten(['replan', 'nope', '--db', db], { home });
    expectCleanFailure(unknown, 3);
    expect(unknown.stderr).toBe(`keten: no network named 'nope' in the local store ${db}\n`);
    const file = await keten(['replan', 'examples/network-minimal.yaml', '--db', db], { home });
    expectCleanFailure(file, 2);
    expect(file.stderr).toContain('replan works on a stored network');
  });
});

describe('keten replan --server', () => {
  const serverHome = join(home, 'server');
  let token = '';

  it.sequential('re-plans over HTTP with the same answer', async () => {
    const imported = await keten(['import', MINIMAL_PATH], { home: serverHome });
    expect(imported.status, imported.stderr).toBe(0);
    await keten(['user', 'add', 'planner', '--role', 'planner'], { home: serverHome });
    const created = await keten(['token', 'create', '--user', 'planner', '--name', 'e2e'], {
      home: serverHome,
    });
    token = created.stdout.trim();
    server = await startServe(serverHome);
    const remote = ['--server', server.url, '--token', token];

    const path = join(home, 'remote.jsonl');
    writeFileSync(path, `${JSON.stringify(CAPACITY_CHANGE)}\n`);
    const appended = await keten(['events', 'append', path, ...remote], { home });
    expect(appended.status, appended.stderr).toBe(0);

    const result = await keten(['replan', NAME, '--json', ...remote], { home });
    expect(result.status, result.stderr).toBe(0);
    const answer = JSON.parse(result.stdout) as ReplanJson;
    const expected = diffPlans(
      planNetwork(minimal(), { pegging: false }),
      planNetwork(changedNetwork(), { pegging: false }),
    );
    expect(answer.diff).toEqual(JSON.parse(JSON.stringify(expected)));
    expect(answer.published?.key).toBe(`plan.published/${NAME}/1/1`);

    const again = await keten(['replan', NAME, ...remote], { home });
    expect(again.status, again.stderr).toBe(0);
    expect(again.stdout).toBe(`plan ${NAME}: no change\n`);

    // keten plan over the server plans with the events too.
    const planned = await keten(['plan', NAME, '--json', '--no-pegging', ...remote], { home });
    expect(planned.status, planned.stderr).toBe(0);
    expect(JSON.parse(planned.stdout)).toEqual(
      JSON.parse(JSON.stringify(planNetwork(changedNetwork(), { pegging: false }))),
    );
  });
});
