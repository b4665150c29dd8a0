/**
 * `keten demo`, what `npm start` runs, end to end: it prints the URL and an admin password; logging in
 * over HTTP works and the demo network is listed; a second start finds the network loaded already and
 * stores no new version; the company nodes run in a thread of their own, with their own database, and
 * answer with the same admin login.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { api, type RunningKeten, startKeten, temporaryFolder } from './support.ts';

const folder = temporaryFolder();
const home = folder.path;
const demoHome = join(home, 'demo');
let demo: RunningKeten | undefined;
afterAll(async () => {
  await demo?.stop('SIGKILL');
  folder.remove();
});

const DEMO_NETWORK = 'kempen-instruments-demo';

function startDemo(): Promise<RunningKeten> {
  return startKeten(['demo', '--port', '0', '--home', demoHome], {
    home,
    stream: 'stdout',
    ready: /keten demo is running at (http:\/\/\S+)\n[\s\S]*stop with Ctrl-C/,
  });
}

function printedPassword(running: RunningKeten): string {
  return /log in: {5}user 'admin', password '([^']+)'/.exec(running.stdout())?.[1] ?? '';
}

/** Logs in as admin and returns the versions of the demo network and the names of all networks. */
async function look(url: string, password: string): Promise<{ versions: number[]; networks: string[] }> {
  const session = await api<{ secret: string }>(url, 'POST', '/api/v1/session', {
    body: { username: 'admin', password },
  });
  expect(session.status).toBe(201);
  const token = session.body.secret;
  const networks = await api<{ networks: { network: string }[] }>(url, 'GET', '/api/v1/networks', { token });
  expect(networks.status).toBe(200);
  const versions = await api<{ versions: { version: number }[] }>(
    url,
    'GET',
    `/api/v1/networks/${DEMO_NETWORK}/versions`,
    { token },
  );
  expect(versions.status).toBe(200);
  return {
    versions: versions.body.versions.map((info) => info.version),
    networks: networks.body.networks.map((entry) => entry.network),
  };
}

describe('keten demo', () => {
  let password = '';

  it('loads the demo network, serves it and prints how to log in', async () => {
    demo = await startDemo();
    expect(demo.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    password = printedPassword(demo);
    expect(password.length).toBeGreaterThanOrEqual(16);
    expect(demo.stderr()).toContain(`loaded demo network '${DEMO_NETWORK}' v1: 44 companies`);
    expect(await look(demo.url, password)).toEqual({ versions: [1], networks: [DEMO_NETWORK] });
    const refused = await api(demo.url, 'POST', '/api/v1/session', {
      body: { username: 'admin', password: `${password}x` },
    });
    expect(refused.status).toBe(401);
    const anonymous = await api(demo.url, 'GET', '/api/v1/networks');
    expect(anonymous.status).toBe(401);
  });

  it('stops on SIGTERM with exit 0', async () => {
    expect(await demo!.stop('SIGTERM')).toEqual({ status: 0, signal: null });
  });

  it('a second start finds the demo network loaded already: no new version, the same password', async () => {
    demo = await startDemo();
    expect(demo.stderr()).toContain(`demo network '${DEMO_NETWORK}' v1 is loaded already`);
    expect(printedPassword(demo)).toBe(password);
    expect(await look(demo.url, password)).toEqual({ versions: [1], networks: [DEMO_NETWORK] });
    expect(await demo.stop('SIGTERM')).toEqual({ status: 0, signal: null });
  });

  it('runs the company nodes in a thread with a database of their own, answering; SIGTERM closes them', async () => {
    demo = await startDemo();
    const running = demo;
    let oem: string | undefined;
    for (let waited = 0; oem === undefined && waited < 120_000; waited += 200) {
      oem = /44 company nodes are up .*the OEM kempen \(membership authority\) is at (http:\/\/\S+),/.exec(
        running.stderr(),
      )?.[1];
      if (oem === undefined) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(oem, running.stderr()).toBeDefined();
    // The node's own API, with the demo's admin login, over the nodes' database (not the demo's).
    const session = await api<{ secret: string }>(oem!, 'POST', '/api/v1/session', {
      body: { username: 'admin', password },
    });
    expect(session.status).toBe(201);
    const audit = await api(oem!, 'GET', '/api/v1/connector/audit', { token: session.body.secret });
    expect(audit.status).toBe(200);
    expect(existsSync(join(demoHome, 'nodes-store'))).toBe(true);
    expect(await look(running.url, password)).toEqual({ versions: [1], networks: [DEMO_NETWORK] });
    expect(await running.stop('SIGTERM')).toEqual({ status: 0, signal: null });
    expect(running.stderr()).not.toMatch(/company nodes failed|thread stopped/);
    await expect(fetch(`${oem}/health`)).rejects.toThrow();
  });
});
