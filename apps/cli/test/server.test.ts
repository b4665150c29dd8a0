/**
 * Accounts and `keten serve`, end to end: users and tokens made on the local store; a server on that
 * store, which the CLI then works against with `--server URL --token T`; a wrong token refused; the
 * store locked for local commands while the server runs; SIGTERM stops it cleanly.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  edit,
  expectCleanFailure,
  keten,
  MINIMAL,
  MINIMAL_PATH,
  type RunningKeten,
  startServe,
  temporaryFolder,
} from './support.ts';

const folder = temporaryFolder();
const home = folder.path;
let server: RunningKeten | undefined;
afterAll(async () => {
  await server?.stop('SIGKILL');
  folder.remove();
});

const NAME = 'minimal-two-tier';
let token = '';

describe('accounts on the local store', () => {
  it('user add prints a generated password once; user list shows the user, not the password', async () => {
    const result = await keten(['user', 'add', 'admin', '--role', 'admin'], { home });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toContain("created admin 'admin'");
    const password = /^password: (\S+) {3}\(shown once; keep it\)$/m.exec(result.stdout)?.[1] ?? '';
    expect(password.length).toBeGreaterThanOrEqual(16);
    const list = await keten(['user', 'list'], { home });
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout.trimEnd().split('\n')).toEqual([
      expect.stringMatching(/^admin\tadmin\tenabled\t\d{4}-/),
    ]);
    expect(list.stdout).not.toContain(password);
  });

  it('a second user with the same name exits 4', async () => {
    const result = await keten(['user', 'add', 'admin', '--role', 'viewer'], { home });
    expectCleanFailure(result, 4);
    expect(result.stderr).toContain("a user named 'admin' exists already");
  });

  it('token create prints a ktn_ token', async () => {
    const created = await keten(['token', 'create', '--user', 'admin', '--name', 'e2e'], { home });
    expect(created.status, created.stderr).toBe(0);
    token = created.stdout.trim();
    expect(token).toMatch(/^ktn_[A-Za-z0-9_-]{20,}$/);
    expect(created.stderr).toContain('shown once');
  });
});

describe('keten serve', () => {
  it('starts on a free port and prints its URL', async () => {
    expect(token).not.toBe('');
    server = await startServe(home);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
  });

  it('imports over HTTP with --server and --token: version 1, then 2', async () => {
    const url = server!.url;
    const remote = ['--server', url, '--token', token];
    const first = await keten(['import', MINIMAL_PATH, ...remote], { home });
    expect(first.status, first.stderr).toBe(0);
    expect(first.stdout).toContain(`imported ${NAME} v1 (`);
    expect(first.stdout).toContain('by admin');
    expect(first.stdout).toContain(`into the server ${url}`);
    const secondPath = join(home, 'second.yaml');
    writeFileSync(secondPath, edit(MINIMAL, '    leadTime: 2 #', '    leadTime: 3 #'));
    const second = await keten(['import', secondPath, ...remote], { home });
    expect(second.status, second.stderr).toBe(0);
    expect(second.stdout).toContain(`imported ${NAME} v2 (`);
  });

  describe.concurrent('while it runs', () => {
    it('lists networks and diffs versions over HTTP', async () => {
      const remote = ['--server', server!.url, '--token', token];
      const [networks, diff] = await Promise.all([
        keten(['networks', ...remote], { home }),
        keten(['diff', NAME, '1', '2', ...remote], { home }),
      ]);
      expect(networks.status, networks.stderr).toBe(0);
      expect(networks.stdout).toMatch(new RegExp(`^${NAME}\tv2\t2 versions\t`));
      expect(diff.status, diff.stderr).toBe(0);
      expect(diff.stdout.trimEnd().split('\n')).toEqual([
        `${NAME} v1 → v2: 1 change`,
        '~ production oem/machine: leadTime 2 → 3',
      ]);
    });

    it('refuses a wrong token with exit 4 and a clear message', async () => {
      const url = server!.url;
      const result = await keten(['networks', '--server', url, '--token', `${token.slice(0, -4)}AAAA`], {
        home,
      });
      expectCleanFailure(result, 4);
      expect(result.stderr).toContain(`keten: ${url}: the token is unknown or revoked (unauthenticated)`);
    });

    it('lists the problems of an invalid file before it would need the store', async () => {
      const broken = join(home, 'broken.yaml');
      writeFileSync(broken, edit(MINIMAL, 'share: 0.3', 'share: 0.5'));
      const result = await keten(['import', broken], { home });
      expectCleanFailure(result, 1);
      expect(result.stderr).toContain("the supplier shares of buyer 'oem' for 'frame' sum to 1.2");
      expect(result.stderr).toContain('nothing imported');
    });

    it('keeps local commands off its store: exit 4 naming the lock', async () => {
      const result = await keten(['networks'], { home });
      expectCleanFailure(result, 4);
      expect(result.stderr).toContain(
        `the store at ${join(home, 'store')} is in use by process ${server!.child.pid} (a running keten server?)`,
      );
      expect(result.stderr).toContain(join(home, 'store', 'store.lock'));
    });
  });

  it('stops with exit 0 on SIGTERM, and frees the store', async () => {
    const { status, signal } = await server!.stop('SIGTERM');
    expect({ status, signal }).toEqual({ status: 0, signal: null });
    expect(server!.stderr()).toContain('SIGTERM: shutting down');
    const versions = await keten(['versions', NAME, '--json'], { home });
    expect(versions.status, versions.stderr).toBe(0);
    expect((JSON.parse(versions.stdout) as { author: string }[]).map((info) => info.author)).toEqual([
      'admin',
      'admin',
    ]);
  });
});
