/**
 * @module network-nodes
 * Runs the companies of one network as real company nodes in this process: one node per company, each
 * with its own key, DID, store schema (one shared database) and HTTP port, all talking the Dataspace
 * Protocol over loopback. The first company runs the membership authority and issues every other
 * node's membership credential, as it would on `keten node join`. `keten demo` runs the demo network
 * this way; the tests run chains of it.
 */
import type { Server as NetServer } from 'node:net';
import { join } from 'node:path';
import type { ConnectGateOptions, ResolvedNodeConfig, StatusConsentSpec } from '@keten/connector';
import type { Network } from '@keten/core';
import type { KetenDatabase } from '@keten/store';
import { type CompanyNode, type StartNodeOptions, startCompanyNode } from './node-runtime.ts';

export interface NetworkNodesOptions {
  readonly network: Network;
  /** The companies to run (default: every company with a `bpn`); the first is the authority. */
  readonly companies?: readonly string[];
  readonly database: KetenDatabase;
  /** Each node's key and membership go in `<folder>/<company>`. */
  readonly folder: string;
  /** The port of each company's node (default: free ports). */
  readonly portOf?: (company: string, index: number) => number;
  /** The name of the network the authority admits to. */
  readonly networkName: string;
  readonly log?: (message: string) => void;
  /** Stops starting further nodes (those started are returned, to be closed). */
  readonly signal?: AbortSignal;
  /** An admin account to make on every node (the demo's, so one login works everywhere). */
  readonly admin?: { readonly username: string; readonly password: string };
  /** The status consent `company` gives `customer` (default: ForwardDepth 1, no expiry). */
  readonly statusConsent?: (company: string, customer: string) => StatusConsentSpec | undefined;
  /** The built web app every node serves (default the server's: apps/web/dist). */
  readonly web?: string;
  /** Agreement timing for every node (tests: short terms; see `StartNodeOptions.agreements`). */
  readonly agreements?: StartNodeOptions['agreements'];
  /**
   * How the nodes' connects are paced (one gate for all, opened once every node listens; see
   * `connect-gate.ts`): default 8 negotiations under way at once, 2 while the event loop's delay is over 100 ms.
   */
  readonly pacing?: ConnectGateOptions;
}

/** The network once every node connected to its partners. */
export interface NetworkReady {
  /** Seconds from the call of `startNetworkNodes`. */
  readonly seconds: number;
  /** Contracts the nodes agreed, as consumers (FINALIZED negotiations). */
  readonly agreements: number;
}

export interface NetworkNodes {
  readonly nodes: Map<string, CompanyNode>;
  /**
   * Resolves when every node has connected to its partners: no connect waiting or failing, every
   * negotiation FINALIZED or TERMINATED, every outbox empty. Never rejects; stays pending once closed.
   */
  readonly ready: Promise<NetworkReady>;
  close(): Promise<void>;
}

/**
 * A port that was free a moment ago, for a node in another process whose URL must be known before it
 * listens (tests). Another process may take it before then; in one process, `reservePort` holds it.
 */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Binds a port for each company's node on 127.0.0.1 and keeps it: `portOf`'s, or one the system
 * picks where none is given or `portOf`'s is taken (said in `log`: the node's URL differs from the
 * usual one).
 */
async function reserveNodePorts(
  companies: readonly string[],
  portOf: ((company: string, index: number) => number) | undefined,
  log: ((message: string) => void) | undefined,
): Promise<Map<string, NetServer>> {
  const { reservePort } = await import('@keten/server');
  const reserved = new Map<string, NetServer>();
  try {
    for (const [index, company] of companies.entries()) {
      const wanted = portOf?.(company, index);
      let server: NetServer | undefined;
      if (wanted !== undefined) {
        try {
          server = await reservePort('127.0.0.1', wanted);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          if (code !== 'EADDRINUSE' && code !== 'EACCES') throw error;
          log?.(
            `${company}: port ${wanted} is ${code === 'EADDRINUSE' ? 'in use' : 'not allowed'}; its node listens on a port the system picks instead`,
          );
        }
      }
      reserved.set(company, server ?? (await reservePort('127.0.0.1', 0)));
    }
  } catch (error) {
    for (const server of reserved.values()) server.close();
    throw error;
  }
  return reserved;
}

/**
 * Starts the nodes, suppliers before customers, and returns once every node listens; their connects
 * to partners wait at one gate until then (no partner is down when asked) and go through it a few at
 * a time while the process keeps up (`ready` says when all are through). `close` stops them all.
 */
export async function startNetworkNodes(options: NetworkNodesOptions): Promise<NetworkNodes> {
  const startedAt = Date.now();
  const { network } = options;
  const { createConnectGate, issueMembershipCredential, openNodeIdentity, saveMembership } = await import(
    '@keten/connector'
  );
  const companies =
    options.companies ??
    network.companies.filter((company) => company.bpn !== undefined).map((company) => company.id);
  const running = new Set(companies);
  // Every node's port is bound here, before any node starts, and held until its server takes the
  // socket over: its partners are told its URL now, and in the seconds the nodes take to start, a port
  // that was merely free a moment ago can be taken by another process or by an outgoing connection of
  // this one (the system hands out the same ephemeral range for both), failing that node's listen.
  const reserved = await reserveNodePorts(companies, options.portOf, options.log);
  const urlOf = new Map<string, string>();
  for (const company of companies) {
    urlOf.set(company, `http://127.0.0.1:${(reserved.get(company)!.address() as { port: number }).port}`);
  }
  const releaseUnused = () => {
    for (const server of reserved.values()) if (server.listening) server.close();
  };
  const authority = companies[0]!;
  const partnersOf = (company: string): string[] => {
    const partners = new Set<string>();
    for (const rule of network.sourcing ?? []) {
      for (const line of rule.suppliers) {
        if (rule.buyer === company && line.supplier !== company) partners.add(line.supplier);
        if (line.supplier === company && rule.buyer !== company) partners.add(rule.buyer);
      }
    }
    return [...partners].filter((partner) => running.has(partner));
  };
  const configs = companies.map(
    (company): ResolvedNodeConfig => ({
      format: 'keten.node/v1',
      company,
      listen: { host: '127.0.0.1', port: Number(new URL(urlOf.get(company)!).port) },
      publicUrl: urlOf.get(company)!,
      dataDir: join(options.folder, company),
      network: '(in memory)',
      authority:
        company === authority
          ? { self: { network: options.networkName, admit: 'open' } }
          : { url: urlOf.get(authority)! },
      partners: partnersOf(company).map((partner) => ({ company: partner, url: urlOf.get(partner)! })),
      file: `(node ${company})`,
    }),
  );
  // Membership: the authority signs every other node's credential (a join without the round trip).
  const identityOf = async (company: string) => {
    const entry = network.companies.find((candidate) => candidate.id === company)!;
    const identity = await openNodeIdentity({
      baseUrl: urlOf.get(company)!,
      dataDir: join(options.folder, company),
      bpnl: entry.bpn!,
      name: entry.name,
    });
    if (!identity.ok) throw new Error(`${company}: ${identity.error.message}`);
    return identity.value;
  };
  const authorityIdentity = await identityOf(authority);
  const validity = 30 * 24 * 3600;
  for (const company of companies.slice(1)) {
    const member = await identityOf(company);
    const credential = await issueMembershipCredential({
      authority: authorityIdentity,
      member,
      network: options.networkName,
      validitySeconds: validity,
    });
    const saved = await saveMembership(join(options.folder, company), {
      credential,
      authority: authorityIdentity.did,
      authorityUrl: urlOf.get(authority)!,
      network: options.networkName,
      member: member.did,
      bpnl: member.bpnl,
      name: member.name,
      expiresAt: new Date(Date.now() + validity * 1000).toISOString(),
    });
    if (!saved.ok) throw new Error(`${company}: ${saved.error.message}`);
  }
  const nodes = new Map<string, CompanyNode>();
  const gate = createConnectGate(options.pacing);
  let closed = false;
  const close = async () => {
    closed = true;
    gate.close();
    releaseUnused();
    await Promise.all([...nodes.values()].map((node) => node.close()));
  };
  try {
    // The authority first (every node checks credentials against its DID document), then the others
    // a few at a time, suppliers before customers (connecting retries, so the order only saves time).
    const start = async (config: ResolvedNodeConfig) => {
      const { schemaForNode } = await import('@keten/store');
      const store = await options.database.store(schemaForNode(config.company));
      const node = await startCompanyNode({
        config,
        network,
        store,
        closeStore: false,
        reserved: reserved.get(config.company)!,
        ...(options.log === undefined ? {} : { log: options.log }),
        ...(options.web === undefined ? {} : { web: options.web }),
        ...(options.agreements === undefined ? {} : { agreements: options.agreements }),
        connectGate: gate,
        ...(options.statusConsent === undefined
          ? {}
          : {
              statusConsent: (customer: string) => options.statusConsent!(config.company, customer),
            }),
      });
      nodes.set(config.company, node);
      if (options.admin !== undefined) {
        const { ensureAdmin } = await import('@keten/server');
        const admin = await ensureAdmin(store, { ...options.admin, reset: true });
        if (!admin.ok) throw new Error(`${config.company}: ${admin.message}`);
      }
    };
    await start(configs[0]!);
    const rest = configs.slice(1).reverse();
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(4, rest.length) }, async () => {
        while (next < rest.length && options.signal?.aborted !== true) await start(rest[next++]!);
      }),
    );
  } catch (error) {
    await close();
    throw error;
  }
  // Nodes not started (the start was stopped) give their ports back.
  releaseUnused();
  gate.open();
  const ready = (async (): Promise<NetworkReady> => {
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 500).unref?.());
      if (closed) return new Promise<never>(() => undefined);
      const state = gate.state();
      if (state.waiting + state.running + state.failing > 0) continue;
      try {
        let agreements = 0;
        let busy = false;
        for (const node of nodes.values()) {
          if ((await node.store.exchange.listMessages({ state: 'pending', limit: 1 })).length > 0)
            busy = true;
          for (const record of await node.store.exchange.listRecords('negotiation', { limit: 100_000 })) {
            const { role, state: at } = (record.value as { record: { role: string; state: string } }).record;
            if (at !== 'FINALIZED' && at !== 'TERMINATED') busy = true;
            else if (role === 'consumer' && at === 'FINALIZED') agreements += 1;
          }
          if (busy) break;
        }
        if (!busy) return { seconds: (Date.now() - startedAt) / 1000, agreements };
      } catch {
        // A store closing under the look: the next look (or close) decides.
      }
    }
  })();
  return { nodes, close, ready };
}
