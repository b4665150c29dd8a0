/**
 * `keten node` and `keten node join` as a user runs them: an authority node (the OEM) starts, a
 * supplier joins it with one command and starts too; both serve their DID documents and the DSP
 * version document; a node that has not joined, or whose configuration is wrong, says what to do.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  expectCleanFailure,
  keten,
  REPOSITORY,
  type RunningKeten,
  startKeten,
  temporaryFolder,
} from './support.ts';

const DEMO = join(REPOSITORY, 'examples/demo-network.yaml');

interface DidJson {
  id: string;
  verificationMethod: { publicKeyJwk: Record<string, unknown> }[];
}

function config(folder: string, name: string, body: string): string {
  const file = join(folder, `${name}.yaml`);
  writeFileSync(file, body);
  return file;
}

/** A member node's configuration: `company` on `port`, joining the authority at `authority`. */
function memberConfig(company: string, port: number, dataDir: string, authority: string): string {
  return `format: keten.node/v1
company: ${company}
listen: { port: ${port} }
dataDir: ${dataDir}
network: ${DEMO}
authority: { url: ${authority} }
`;
}

describe('keten node', () => {
  const home = temporaryFolder('keten-node-');
  const running: RunningKeten[] = [];
  let oem: RunningKeten;
  let oemConfig: string;

  beforeAll(async () => {
    oemConfig = config(
      home.path,
      'oem',
      `format: keten.node/v1
company: kempen
listen: { port: 0 }
dataDir: ./oem
network: ${DEMO}
authority:
  self: { network: keten-demo, admit: open }
`,
    );
    // Port 0 would make the public URL unknown before listening: give the OEM a fixed free port.
    const port = 20000 + Math.floor(Math.random() * 20000);
    writeFileSync(
      oemConfig,
      (await import('node:fs')).readFileSync(oemConfig, 'utf8').replace('port: 0', `port: ${port}`),
    );
    oem = await startKeten(['node', '--config', oemConfig], {
      home: home.path,
      stream: 'stderr',
      ready: /listens on (http:\/\/\S+)/,
      timeoutMs: 60_000,
    });
    running.push(oem);
  }, 90_000);

  afterAll(async () => {
    for (const node of running) await node.stop();
    home.remove();
  });

  it('serves its DID document and the DSP version document', async () => {
    const did = (await (await fetch(`${oem.url}/.well-known/did.json`)).json()) as DidJson;
    expect(did.id).toMatch(/^did:web:127\.0\.0\.1%3A\d+$/);
    expect(did.verificationMethod[0]?.publicKeyJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(did.verificationMethod[0]?.publicKeyJwk.d).toBeUndefined();
    const versions = await (await fetch(`${oem.url}/.well-known/dspace-version`)).json();
    expect(versions).toEqual({ protocolVersions: [{ version: '2025-1', path: '/dsp' }] });
    expect(oem.stderr()).toContain("of network 'keten-demo'");
  });

  it('lets a supplier join with one command, then start', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const supplier = config(
      home.path,
      'supplier',
      memberConfig('helmond-vacuum', port, './helmond', oem.url),
    );
    const before = await keten(['node', '--config', supplier], { home: home.path });
    expectCleanFailure(before, 4);
    expect(before.stderr).toContain('has not joined a network yet');
    expect(before.stderr).toContain('keten node join --config');

    const joined = await keten(['node', 'join', '--config', supplier], { home: home.path });
    expect(joined.status, joined.stderr).toBe(0);
    expect(joined.stderr).toMatch(/joined network 'keten-demo' as did:web:127\.0\.0\.1%3A\d+/);

    const node = await startKeten(['node', '--config', supplier], {
      home: home.path,
      stream: 'stderr',
      ready: /listens on (http:\/\/\S+)/,
      timeoutMs: 60_000,
    });
    running.push(node);
    const did = (await (await fetch(`${node.url}/.well-known/did.json`)).json()) as DidJson;
    expect(did.id).toBe(`did:web:127.0.0.1%3A${port}`);
  }, 120_000);

  it('joins with `keten node join --authority URL`, whatever authority its configuration names', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const supplier = config(
      home.path,
      'steinhof',
      `format: keten.node/v1
company: steinhof-optics
listen: { port: ${port} }
dataDir: ./steinhof
network: ${DEMO}
authority: { url: http://127.0.0.1:9 }
`,
    );
    // The configuration's authority does not answer: joining there fails and says where it tried.
    const there = await keten(['node', 'join', '--config', supplier], { home: home.path });
    expectCleanFailure(there, there.status ?? 1);
    expect(there.stderr).toContain('joining at http://127.0.0.1:9 failed');
    const joined = await keten(['node', 'join', '--config', supplier, '--authority', oem.url], {
      home: home.path,
    });
    expect(joined.status, joined.stderr).toBe(0);
    expect(joined.stderr).toMatch(/joined network 'keten-demo' as did:web:127\.0\.0\.1%3A\d+/);
    const membership = JSON.parse(
      (await import('node:fs')).readFileSync(join(home.path, 'steinhof', 'membership.json'), 'utf8'),
    ) as { authorityUrl: string; network: string };
    expect(membership).toMatchObject({ authorityUrl: oem.url, network: 'keten-demo' });
  }, 120_000);

  it('reads node.yaml in the current folder when --config is not given, and says so when it is not there', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000);
    const folder = join(home.path, 'optiek');
    mkdirSync(folder);
    const empty = await keten(['node', 'join', '--authority', oem.url], { home: home.path, cwd: folder });
    expectCleanFailure(empty, 2);
    expect(empty.stderr).toContain(`no node configuration: there is no node.yaml in ${folder}`);
    expect(empty.stderr).toContain('--config <file>');
    config(folder, 'node', memberConfig('steinhof-optics', port, './data', oem.url));
    const joined = await keten(['node', 'join'], { home: home.path, cwd: folder });
    expect(joined.status, joined.stderr).toBe(0);
    expect(joined.stderr).toMatch(/joined network 'keten-demo' as did:web:127\.0\.0\.1%3A\d+/);
    expect(existsSync(join(folder, 'data', 'membership.json'))).toBe(true);
  }, 120_000);

  it('says where a configuration is wrong', async () => {
    const bad = config(
      home.path,
      'bad',
      `format: keten.node/v1
company: kempen
listen: { port: 99999 }
dataDir: ./bad
network: ${DEMO}
authority: { url: not-a-url }
partner: []
`,
    );
    const result = await keten(['node', '--config', bad], { home: home.path });
    expectCleanFailure(result, 1);
    expect(result.stderr).toMatch(/bad\.yaml:3:\d+/);
    expect(result.stderr).toMatch(/bad\.yaml:6:\d+/);
    expect(result.stderr).toMatch(/bad\.yaml:7:1.*partner.*partners/);
  });

  it('refuses a node of a company the network model does not have', async () => {
    const stranger = config(
      home.path,
      'stranger',
      `format: keten.node/v1
company: nobody
listen: { port: 1 }
dataDir: ./nobody
network: ${DEMO}
authority: { url: ${oem.url} }
`,
    );
    const result = await keten(['node', 'join', '--config', stranger], { home: home.path });
    expectCleanFailure(result, 1);
    expect(result.stderr).toContain("has no company 'nobody'");
  });
});
