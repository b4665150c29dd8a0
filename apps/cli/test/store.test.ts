/**
 * The local embedded store, end to end. Networks: every import a new version, `networks`, `versions`,
 * `show --json` giving back what was imported, `diff` of two versions and of two files, an invalid
 * file imports nothing, an unknown network exits 3. Events: appending is idempotent by key, a file
 * with bad lines is refused whole with every bad line named, `events list --json` reads the log.
 *
 * Each part is a chain of steps on its own store (the events store is a copy of the networks store
 * after its first import, to save PGlite's initialisation); the two chains run side by side.
 */
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { edit, expectCleanFailure, keten, MINIMAL, MINIMAL_PATH, temporaryFolder } from './support.ts';

const folder = temporaryFolder();
const networksHome = join(folder.path, 'networks');
const eventsHome = join(folder.path, 'events');
afterAll(() => folder.remove());

const NAME = 'minimal-two-tier';

beforeAll(async () => {
  // The first import makes the store; the events chain gets a copy of it.
  const first = await keten(['import', MINIMAL_PATH], { home: networksHome });
  expect(first.status, first.stderr).toBe(0);
  expect(first.stdout).toContain(`imported ${NAME} v1 (`);
  expect(first.stdout).toContain(`into the local store ${join(networksHome, 'store')}`);
  cpSync(join(networksHome, 'store'), join(eventsHome, 'store'), { recursive: true });
});

const SECOND = edit(MINIMAL, '    capacity: 20\n', '    capacity: 25\n');
const CHANGE = '~ production frame-b/frame: capacity 20 → 25';

interface VersionInfo {
  network: string;
  version: number;
  source: string;
  summary: { companies: number };
}

interface StoredEvent {
  sequence: number;
  type: string;
  key: string;
  at: string;
  source: string;
  payload: unknown;
}

// The two suites run concurrently; the steps inside each run in order (`it.sequential`).
describe.concurrent('the local store', () => {
  describe('networks', () => {
    const home = networksHome;
    const secondPath = join(folder.path, 'second.yaml');

    it.sequential('imports an edited file as version 2', async () => {
      writeFileSync(secondPath, SECOND);
      const second = await keten(['import', secondPath, '--json'], { home });
      expect(second.status, second.stderr).toBe(0);
      expect(JSON.parse(second.stdout)).toMatchObject({ network: NAME, version: 2, source: secondPath });
    });

    it.sequential('imports nothing from an invalid file', async () => {
      const broken = join(folder.path, 'broken.yaml');
      writeFileSync(broken, edit(MINIMAL, '    capacity: 20\n', '    capacity: -20\n'));
      const result = await keten(['import', broken], { home });
      expectCleanFailure(result, 1);
      expect(result.stderr).toContain(`${broken}:`);
      expect(result.stderr).toContain("'capacity' is -20");
      expect(result.stderr).toContain('nothing imported');
    });

    it.sequential('lists the network and its versions (still two)', async () => {
      const networks = await keten(['networks'], { home });
      expect(networks.status, networks.stderr).toBe(0);
      expect(networks.stdout.trimEnd().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^${NAME}\tv2\t2 versions\t.*\t4 companies, 3 items, 3 tiers`)),
      ]);
      const versions = await keten(['versions', NAME, '--json'], { home });
      expect(versions.status, versions.stderr).toBe(0);
      const list = JSON.parse(versions.stdout) as VersionInfo[];
      expect(list.map((info) => [info.version, info.source, info.summary.companies])).toEqual([
        [1, MINIMAL_PATH, 4],
        [2, secondPath, 4],
      ]);
    });

    it.sequential('shows a version as the content that was imported', async () => {
      const first = await keten(['show', NAME, '--version', '1', '--json'], { home });
      expect(first.status, first.stderr).toBe(0);
      expect(JSON.parse(first.stdout)).toEqual(parse(MINIMAL));
    });

    it.sequential('diffs two stored versions', async () => {
      const result = await keten(['diff', NAME, '1', '2'], { home });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout.trimEnd().split('\n')).toEqual([`${NAME} v1 → v2: 1 change`, CHANGE]);
    });

    it.sequential('diffs two files without opening a store', async () => {
      const elsewhere = join(folder.path, 'elsewhere');
      const result = await keten(['diff', MINIMAL_PATH, secondPath], { home: elsewhere });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout.trimEnd().split('\n')).toEqual(['network-minimal → second: 1 change', CHANGE]);
      expect(existsSync(join(elsewhere, 'store'))).toBe(false);
    });

    it.sequential('exits 3 for an unknown network', async () => {
      const unknown = await keten(['show', 'no-such-network'], { home });
      expectCleanFailure(unknown, 3);
      expect(unknown.stderr).toContain(`no network named 'no-such-network' in the local store`);
    });
  });

  describe('events', () => {
    const home = eventsHome;
    const event = (key: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({
        type: 'order.created',
        key,
        at: '2027-01-04T09:00:00+01:00',
        source: 'erp',
        payload: { key },
        ...extra,
      });
    const goodFile = join(folder.path, 'events.jsonl');
    const badFile = join(folder.path, 'bad.jsonl');

    it.sequential('appends events once: the same keys a second time append nothing', async () => {
      writeFileSync(goodFile, `${event('order-1')}\n\n${event('order-2', { type: 'order.shipped' })}\n`);
      const first = await keten(['events', 'append', goodFile], { home });
      expect(first.status, first.stderr).toBe(0);
      expect(first.stdout.trim()).toBe('appended 2 events, 0 already in the log');
      const again = await keten(['events', 'append', goodFile, '--json'], { home });
      expect(again.status, again.stderr).toBe(0);
      expect(JSON.parse(again.stdout)).toEqual({ appended: [], duplicates: ['order-1', 'order-2'] });
    });

    it.sequential('refuses a file with bad lines, names every one, and appends nothing', async () => {
      writeFileSync(
        badFile,
        [
          event('order-3'),
          '{"type": "order.created", "key": ',
          event('order-4', { type: 'Order Created' }),
          event('order-5', { at: 'yesterday' }),
          event('order-6', { payload: undefined }),
        ].join('\n'),
      );
      const result = await keten(['events', 'append', badFile], { home });
      expectCleanFailure(result, 1);
      expect(result.stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(new RegExp(`^${badFile}:2: not valid JSON`)),
        `${badFile}:3: field 'type': must be dotted lower-case words, e.g. order.created`,
        expect.stringMatching(new RegExp(`^${badFile}:4: field 'at': must be an ISO 8601 date-time`)),
        `${badFile}:5: field 'payload': payload is required (use null for none)`,
        `keten: ${badFile}: 4 problems; nothing appended`,
      ]);
    });

    it.sequential('lists the log as JSON: the two events, in order, times in UTC', async () => {
      const result = await keten(['events', 'list', '--json'], { home });
      expect(result.status, result.stderr).toBe(0);
      const events = JSON.parse(result.stdout) as StoredEvent[];
      expect(
        events.map(({ key, type, source, at, payload }) => ({ key, type, source, at, payload })),
      ).toEqual([
        {
          key: 'order-1',
          type: 'order.created',
          source: 'erp',
          at: '2027-01-04T08:00:00.000Z',
          payload: { key: 'order-1' },
        },
        {
          key: 'order-2',
          type: 'order.shipped',
          source: 'erp',
          at: '2027-01-04T08:00:00.000Z',
          payload: { key: 'order-2' },
        },
      ]);
      expect(events[1]!.sequence).toBeGreaterThan(events[0]!.sequence);
    });

    it.sequential('appends from stdin, again only what is new', async () => {
      const result = await keten(['events', 'append', '-'], {
        home,
        input: `${event('order-1')}\n${event('order-7')}\n`,
      });
      expect(result.status, result.stderr).toBe(0);
      expect(result.stdout.trim()).toBe('appended 1 event, 1 already in the log');
    });
  });
});
