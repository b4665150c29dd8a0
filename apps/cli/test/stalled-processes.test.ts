/**
 * Negotiations that stall: the demo's OEM (provider only) and one supplier (consumer) as real nodes in
 * this process, each behind a proxy that is its public URL (its DID derives from it), so the test can
 * make a node stop answering, answer late, or come back with an empty store. With short deadlines
 * (a first check after 1 s, each wait twice the one before) the waiting node asks the partner for the
 * process's state, and ends the process when the partner never answers or lost it; a late partner
 * still completes, nothing doubled; the waiting node, a `keten node` process of its own, killed with
 * SIGKILL and started again, goes on with the checks it made.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgreementsView, ResolvedNodeConfig } from '@keten/connector';
import type { AuditEntry, Network } from '@keten/core';
import { type KetenDatabase, openDatabase } from '@keten/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../src/network-nodes.ts';
import { type CompanyNode, startCompanyNode } from '../src/node-runtime.ts';
import { DEMO, demoNetwork } from './nodes-fixture.ts';
import { keten, type RunningKeten, startKeten, waitUntil } from './support.ts';

type Verdict = 'pass' | 'refuse' | { delayMs: number };

/** An HTTP proxy in front of a node: its public URL; `rule` says what happens to each request. */
interface Proxy {
  readonly url: string;
  target: string | undefined;
  rule: (request: IncomingMessage) => Verdict;
  /** Told of every answer passed back (method, path, status). */
  answered: (method: string, path: string, status: number) => void;
  close(): Promise<void>;
}

async function startProxy(): Promise<Proxy> {
  const proxy = {
    target: undefined as string | undefined,
    rule: (() => 'pass') as (request: IncomingMessage) => Verdict,
    answered: (() => undefined) as Proxy['answered'],
  };
  const server: Server = createServer((request, response) => {
    const verdict = proxy.rule(request);
    if (verdict === 'refuse' || proxy.target === undefined) {
      request.socket.destroy();
      return;
    }
    const forward = () => {
      const upstream = httpRequest(
        `${proxy.target}${request.url}`,
        { method: request.method, headers: request.headers },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
          answer.on('end', () =>
            proxy.answered(request.method ?? '', request.url ?? '', answer.statusCode ?? 0),
          );
        },
      );
      upstream.on('error', () => response.destroy());
      request.pipe(upstream);
    };
    if (verdict === 'pass') forward();
    else setTimeout(forward, verdict.delayMs);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return Object.assign(proxy, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

interface ProcessEntry {
  record: {
    role: string;
    state: string;
    protocolState: string;
    providerPid?: string;
    consumerPid?: string;
    termination?: { code?: string };
  };
  dataset: string;
  watch?: { checks: number; state: string };
  ended?: { code: string; reason: string; told: boolean };
}

const network: Network = demoNetwork();
const OEM = network.companies[0]!.id;
const TIER1 = (network.sourcing ?? []).find(
  (rule) => rule.buyer === OEM && rule.suppliers.some((line) => line.supplier !== OEM),
)!.suppliers[0]!.supplier;

let database: KetenDatabase;
let folder: string;
let run = 0;
beforeAll(async () => {
  database = await openDatabase();
  folder = mkdtempSync(join(tmpdir(), 'keten-stall-'));
}, 60_000);
afterAll(async () => {
  await database?.close();
  rmSync(folder, { recursive: true, force: true });
});

/** A pair of nodes behind proxies: the OEM offers, the supplier negotiates what is meant for it. */
async function pair(stall: { deadlineMs: number; attempts: number; maxDelayMs?: number }) {
  run += 1;
  const dir = join(folder, `run-${run}`);
  const proxies = new Map([
    [OEM, await startProxy()],
    [TIER1, await startProxy()],
  ]);
  const logs: string[] = [];
  const configOf = (company: string): ResolvedNodeConfig => ({
    format: 'keten.node/v1',
    company,
    listen: { host: '127.0.0.1', port: 0 },
    publicUrl: proxies.get(company)!.url,
    dataDir: join(dir, company),
    network: '(in memory)',
    authority:
      company === OEM ? { self: { network: 'keten-stall', admit: 'open' } } : { url: proxies.get(OEM)!.url },
    // The OEM only provides here: it negotiates nothing from the supplier, so the supplier's
    // negotiations are the only ones.
    partners: company === OEM ? [] : [{ company: OEM, url: proxies.get(OEM)!.url }],
    file: `(node ${company})`,
  });
  const { issueMembershipCredential, openNodeIdentity, saveMembership } = await import('@keten/connector');
  const identityOf = async (company: string) => {
    const entry = network.companies.find((candidate) => candidate.id === company)!;
    const identity = await openNodeIdentity({
      baseUrl: proxies.get(company)!.url,
      dataDir: join(dir, company),
      bpnl: entry.bpn!,
      name: entry.name,
    });
    if (!identity.ok) throw new Error(identity.error.message);
    return identity.value;
  };
  const authority = await identityOf(OEM);
  const member = await identityOf(TIER1);
  const credential = await issueMembershipCredential({
    authority,
    member,
    network: 'keten-stall',
    validitySeconds: 3600,
  });
  const saved = await saveMembership(join(dir, TIER1), {
    credential,
    authority: authority.did,
    authorityUrl: proxies.get(OEM)!.url,
    network: 'keten-stall',
    member: member.did,
    bpnl: member.bpnl,
    name: member.name,
    expiresAt: new Date(Date.now() + 3600_000).toISOString(),
  });
  if (!saved.ok) throw new Error(saved.error.message);

  const nodes = new Map<string, CompanyNode>();
  /** Starts `company`'s node on the store schema `schema` (a new schema: an empty store). */
  const start = async (company: string, schema: string) => {
    const node = await startCompanyNode({
      config: configOf(company),
      network,
      store: await database.store(schema),
      closeStore: false,
      stall: { maxDelayMs: 8000, ...stall },
      log: (message) => logs.push(message),
    });
    proxies.get(company)!.target = node.server.url;
    nodes.set(company, node);
    return node;
  };
  const stop = async (company: string) => {
    proxies.get(company)!.target = undefined;
    await nodes.get(company)?.close();
    nodes.delete(company);
  };
  const negotiations = async (company: string) =>
    (await nodes.get(company)!.store.exchange.listRecords('negotiation')).map((stored) => ({
      id: stored.id,
      ...(stored.value as ProcessEntry),
    }));
  const audit = async (company: string): Promise<AuditEntry[]> =>
    nodes.get(company)!.store.exchange.readAudit({ limit: 10000 });
  const close = async () => {
    for (const company of [...nodes.keys()]) await stop(company);
    for (const proxy of proxies.values()) await proxy.close();
  };
  return {
    proxies,
    start,
    stop,
    nodes,
    negotiations,
    audit,
    logs,
    close,
    schema: (c: string) => `stall_${run}_${c.replace(/[^a-z0-9]/g, '_')}`,
  };
}

/** The datasets the OEM offers the supplier and the supplier negotiates (one negotiation each). */
const DATASETS = [
  `urn:keten:${OEM}:demand-and-capacity:${TIER1}`,
  `urn:keten:${OEM}:short-term-supply:${TIER1}`,
];

/**
 * Starts the pair so that the OEM's agreements never reach the supplier, and once the OEM answered a
 * first contract request it answers nothing at all any more (down for good, from the supplier's side).
 */
async function startWithOemGone(
  nodes: Awaited<ReturnType<typeof pair>>,
  { supplier = true }: { supplier?: boolean } = {},
): Promise<void> {
  const oem = nodes.proxies.get(OEM)!;
  nodes.proxies.get(TIER1)!.rule = (request) =>
    request.method === 'POST' && request.url?.startsWith('/dsp/callback/') ? 'refuse' : 'pass';
  let gone = false;
  oem.answered = (method, path, status) => {
    if (method === 'POST' && path === '/dsp/negotiations/request' && status === 201) gone = true;
  };
  oem.rule = () => (gone ? 'refuse' : 'pass');
  await nodes.start(OEM, nodes.schema(OEM));
  if (supplier) await nodes.start(TIER1, nodes.schema(TIER1));
}

describe('negotiations that stall', () => {
  it('a partner that never answers: the supplier checks, then ends each negotiation and says why', async () => {
    const nodes = await pair({ deadlineMs: 800, attempts: 3 });
    try {
      await startWithOemGone(nodes);

      await waitUntil(
        'every negotiation of the supplier ended',
        async () => {
          const mine = (await nodes.negotiations(TIER1)).filter((entry) => DATASETS.includes(entry.dataset));
          return mine.length >= 1 && mine.every((entry) => entry.record.state === 'TERMINATED');
        },
        40_000,
      );
      const mine = (await nodes.negotiations(TIER1)).filter((entry) => DATASETS.includes(entry.dataset));
      for (const entry of mine) {
        expect(entry.ended).toMatchObject({ code: 'stalled' });
        expect(entry.ended!.reason).toMatch(/no progress in REQUEST(ED|ING) for .* after 3 check\(s\)/);
        expect(entry.record.termination).toMatchObject({ code: 'stalled' });
        expect(entry.watch).toBeUndefined();
      }
      // The one the OEM answered knows the OEM's id: a termination message goes to the OEM (it waits in
      // the outbox while the OEM is down), and it is a valid DSP message.
      const told = mine.filter((entry) => entry.record.providerPid !== undefined);
      expect(told.length).toBeGreaterThanOrEqual(1);
      for (const entry of told) expect(entry.ended!.told).toBe(true);
      const { parseDspMessage } = await import('@keten/connector');
      const outbox = await nodes.nodes.get(TIER1)!.store.exchange.listMessages({ state: 'pending' });
      const terminations = outbox.filter((message) => message.correlation?.endsWith('|end'));
      expect(terminations.length).toBe(told.length);
      for (const message of terminations) {
        const parsed = parseDspMessage(message.body, 'ContractNegotiationTerminationMessage');
        expect(parsed.ok).toBe(true);
        expect(message.body).toMatchObject({ code: 'stalled' });
      }
      // No request of an ended negotiation is still waiting to go.
      expect(outbox.filter((message) => message.kind === 'dspace:ContractRequestMessage')).toEqual([]);
      // The audit trail and the log say what happened: the checks, then the end with the reason.
      const trail = await nodes.audit(TIER1);
      expect(
        trail.filter((entry) => entry.action === 'negotiation.stalled' && entry.outcome === 'retried').length,
      ).toBeGreaterThanOrEqual(2 * mine.length);
      expect(trail.filter((entry) => entry.action === 'negotiation.terminate').length).toBe(mine.length);
      expect(nodes.logs.some((line) => line.includes('ended negotiation') && line.includes('stalled'))).toBe(
        true,
      );
      // The admin view shows the ended negotiations with the reason.
      const { agreementsView } = await import('@keten/connector');
      const view: AgreementsView = await agreementsView(nodes.nodes.get(TIER1)!.store, () => []);
      expect(view.negotiations.filter((entry) => entry.ended?.code === 'stalled').length).toBe(mine.length);
      // And `keten node processes` prints them for people.
      const { ensureAdmin } = await import('@keten/server');
      const admin = await ensureAdmin(nodes.nodes.get(TIER1)!.store, {
        username: 'admin',
        password: 'stalled-processes-1',
        reset: true,
      });
      expect(admin.ok).toBe(true);
      const session = await fetch(`${nodes.proxies.get(TIER1)!.url}/api/v1/session`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'admin', password: 'stalled-processes-1' }),
      });
      const token = ((await session.json()) as { secret: string }).secret;
      const file = join(folder, `tier1-${run}.yaml`);
      writeFileSync(
        file,
        `format: keten.node/v1\ncompany: ${TIER1}\nlisten: { port: 0 }\npublicUrl: ${nodes.proxies.get(TIER1)!.url}\ndataDir: ${folder}\nnetwork: ${DEMO}\nauthority: { url: ${nodes.proxies.get(OEM)!.url} }\n`,
      );
      const printed = await keten(['node', 'processes', '--config', file, '--token', token], {
        home: join(folder, 'home'),
      });
      expect(printed.status, printed.stderr).toBe(0);
      expect(printed.stdout).toMatch(
        new RegExp(`^${mine.length} negotiation\\(s\\): ${mine.length} TERMINATED`),
      );
      expect(printed.stdout).toMatch(
        /ended .*, stalled: no progress in REQUEST(ED|ING) for .* \(partner told\)/,
      );
    } finally {
      await nodes.close();
    }
  }, 90_000);

  it('a partner restarted with an empty store: the supplier ends the lost negotiations and negotiates again', async () => {
    const nodes = await pair({ deadlineMs: 1000, attempts: 4 });
    try {
      const tier1 = nodes.proxies.get(TIER1)!;
      let blocked = true;
      tier1.rule = (request) =>
        blocked && request.method === 'POST' && request.url?.startsWith('/dsp/callback/') ? 'refuse' : 'pass';
      await nodes.start(OEM, nodes.schema(OEM));
      await nodes.start(TIER1, nodes.schema(TIER1));
      // Both requests reached the OEM (the supplier knows its ids); its agreements do not get through.
      await waitUntil('both requests answered', async () => {
        const mine = (await nodes.negotiations(TIER1)).filter((entry) => DATASETS.includes(entry.dataset));
        return mine.length === 2 && mine.every((entry) => entry.record.state === 'REQUESTED');
      });
      const lost = (await nodes.negotiations(TIER1)).map((entry) => entry.id);
      // The OEM's node comes back on an empty store: it knows none of them, and its outbox is gone.
      await nodes.stop(OEM);
      await nodes.start(OEM, `${nodes.schema(OEM)}_empty`);
      blocked = false;

      await waitUntil(
        'a finalized agreement on each dataset again',
        async () => {
          const both = [...(await nodes.negotiations(TIER1)), ...(await nodes.negotiations(OEM))];
          return DATASETS.every(
            (dataset) =>
              both.filter((entry) => entry.dataset === dataset && entry.record.state === 'FINALIZED')
                .length === 2,
          );
        },
        60_000,
      );
      const mine = await nodes.negotiations(TIER1);
      for (const id of lost) {
        const entry = mine.find((candidate) => candidate.id === id)!;
        expect(entry.record.state).toBe('TERMINATED');
        expect(entry.ended).toMatchObject({ code: 'partner-lost-state', told: true });
        expect(entry.ended!.reason).toContain('404');
      }
      // One agreement per dataset at each side, nothing twice.
      for (const dataset of DATASETS) {
        expect(
          mine.filter((entry) => entry.dataset === dataset && entry.record.state === 'FINALIZED'),
        ).toHaveLength(1);
        const oemSide = await nodes.negotiations(OEM);
        expect(
          oemSide.filter((entry) => entry.dataset === dataset && entry.record.state === 'FINALIZED'),
        ).toHaveLength(1);
      }
    } finally {
      await nodes.close();
    }
  }, 120_000);

  it('a partner that answers late, within the checks: every negotiation completes, nothing twice', async () => {
    const nodes = await pair({ deadlineMs: 700, attempts: 5 });
    try {
      const oem = nodes.proxies.get(OEM)!;
      // Every request to the OEM (contract requests, verifications, state queries) waits 1.2 s.
      oem.rule = (request) => (request.url?.startsWith('/dsp/') ? { delayMs: 1200 } : 'pass');
      await nodes.start(OEM, nodes.schema(OEM));
      await nodes.start(TIER1, nodes.schema(TIER1));
      await waitUntil(
        'both negotiations finalized and both transfers started',
        async () => {
          const mine = (await nodes.negotiations(TIER1)).filter((entry) => DATASETS.includes(entry.dataset));
          const transfers = await nodes.nodes.get(TIER1)!.store.exchange.listRecords('transfer');
          return (
            mine.length === 2 &&
            mine.every((entry) => entry.record.state === 'FINALIZED') &&
            transfers.filter((stored) => (stored.value as ProcessEntry).record.state === 'STARTED').length ===
              2
          );
        },
        60_000,
      );
      const trail = await nodes.audit(TIER1);
      // The deadlines passed (the supplier checked) and nothing ended.
      expect(trail.some((entry) => entry.action === 'negotiation.stalled')).toBe(true);
      expect(trail.filter((entry) => entry.action.endsWith('.terminate'))).toEqual([]);
      for (const company of [TIER1, OEM]) {
        const negotiations = (await nodes.negotiations(company)).filter((entry) =>
          DATASETS.includes(entry.dataset),
        );
        expect(negotiations.map((entry) => entry.record.state)).toEqual(['FINALIZED', 'FINALIZED']);
        expect(negotiations.every((entry) => entry.ended === undefined && entry.watch === undefined)).toBe(
          true,
        );
        const agreements = (await nodes.nodes.get(company)!.store.exchange.listRecords('agreement')).filter(
          (stored) => DATASETS.includes((stored.value as { dataset: string }).dataset),
        );
        expect(agreements).toHaveLength(2);
        const transfers = await nodes.nodes.get(company)!.store.exchange.listRecords('transfer');
        expect(transfers).toHaveLength(2);
      }
    } finally {
      await nodes.close();
    }
  }, 90_000);

  it('the waiting node killed with SIGKILL mid-wait and started again goes on with the checks made before it', async () => {
    // The supplier runs as a `keten node` process of its own (its own embedded database on disk),
    // behind its proxy, with the same short deadlines in its node.yaml; the OEM in this process.
    const nodes = await pair({ deadlineMs: 1500, attempts: 3 });
    const home = join(folder, `home-${run}`);
    const dataDir = join(folder, `run-${run}`, TIER1);
    const password = 'stalled-processes-kill-1';
    let supplier: RunningKeten | undefined;
    try {
      const oem = nodes.proxies.get(OEM)!;
      const tier1 = nodes.proxies.get(TIER1)!;
      await startWithOemGone(nodes, { supplier: false });

      const port = await freePort();
      const file = join(folder, `tier1-process-${run}.yaml`);
      writeFileSync(
        file,
        `format: keten.node/v1
company: ${TIER1}
listen: { host: 127.0.0.1, port: ${port} }
publicUrl: ${tier1.url}
dataDir: ${dataDir}
network: ${DEMO}
authority: { url: ${oem.url} }
partners:
  - { company: ${OEM}, url: ${oem.url} }
processes: { deadline: 1.5, checks: 3, maxWait: 8 }
`,
      );
      const user = await keten(
        ['user', 'add', 'admin', '--role', 'admin', '--password-stdin', '--db', join(dataDir, 'store')],
        { home, input: `${password}\n` },
      );
      expect(user.status, user.stderr).toBe(0);
      const startSupplier = async () => {
        supplier = await startKeten(['node', '--config', file], {
          home,
          stream: 'stderr',
          ready: /listens on (http:\/\/\S+)/,
          timeoutMs: 90_000,
        });
        tier1.target = `http://127.0.0.1:${port}`;
      };
      let token: string | undefined;
      const view = async (): Promise<AgreementsView> => {
        const ask = async () =>
          fetch(`http://127.0.0.1:${port}/api/v1/connector/agreements`, {
            headers: { authorization: `Bearer ${token}` },
          });
        let answer = token === undefined ? undefined : await ask();
        if (answer === undefined || answer.status === 401) {
          const session = await fetch(`http://127.0.0.1:${port}/api/v1/session`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ username: 'admin', password }),
          });
          token = ((await session.json()) as { secret: string }).secret;
          answer = await ask();
        }
        if (!answer.ok) throw new Error(`${answer.status} ${await answer.text()}`);
        return (await answer.json()) as AgreementsView;
      };
      const answered = async () =>
        (await view()).negotiations.find(
          (entry) =>
            entry.dataset !== undefined && DATASETS.includes(entry.dataset) && entry.state === 'REQUESTED',
        );
      await startSupplier();

      let waiting: string | undefined;
      await waitUntil('a first check of the answered negotiation', async () => {
        const entry = await answered().catch(() => undefined);
        waiting = (entry?.stalled?.checks ?? 0) >= 1 ? entry!.id : undefined;
        return waiting !== undefined;
      });
      // Killed outright: no shutdown, its timers and memory gone; its store is what it committed.
      const killed = await supplier!.stop('SIGKILL');
      expect(killed.signal).toBe('SIGKILL');
      tier1.target = undefined;
      await startSupplier();
      await waitUntil(
        'the negotiation ended after the restart',
        async () =>
          (await view().catch(() => undefined))?.negotiations.find((entry) => entry.id === waiting)?.state ===
          'TERMINATED',
        60_000,
      );
      const entry = (await view()).negotiations.find((candidate) => candidate.id === waiting)!;
      expect(entry.ended).toMatchObject({ code: 'stalled', told: true });
      expect(entry.ended!.reason).toContain('after 3 check(s)');
      // Three checks in all, across the kill: the ones that waited (one before it, one after) and the
      // one that ended it. Had the restart forgotten the first, there would be three that waited.
      const search = await fetch(
        `http://127.0.0.1:${port}/api/v1/connector/audit/search?action=negotiation.stalled&limit=500`,
        { headers: { authorization: `Bearer ${token}` } },
      );
      const trail = (await search.json()) as { entries: AuditEntry[] };
      const checks = trail.entries.filter(
        (line) => line.outcome === 'retried' && (line.reason ?? '').includes(waiting!),
      );
      expect(checks).toHaveLength(2);
      // And both lives of the process said so in its log.
      expect(supplier!.stderr()).toMatch(/ended negotiation .*stalled/);
    } finally {
      await supplier?.stop('SIGTERM');
      await nodes.close();
    }
  }, 180_000);
});
