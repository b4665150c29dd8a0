/**
 * @module commands/node
 * `keten node`: runs a company node: keten's HTTP API over the node's own store, plus the connector
 * (its identity, its membership, the Dataspace Protocol endpoints, the outbox to its partners).
 * `keten node join`: joins the network of the authority the configuration names (one command: a key
 * pair is made, the request is signed, the credential kept). Each reads the node configuration of
 * `--config`, else `KETEN_NODE_CONFIG`, else `node.yaml` in the current folder.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { AgreementsView, NodeIdentity, ResolvedNodeConfig } from '@keten/connector';
import { formatIssue, type KetenStore, loadNetworkFile, type Network } from '@keten/core';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import type { Output } from '../output.ts';

async function readConfig(file: string) {
  const { parseNodeConfig } = await import('@keten/connector');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError('notFound', `cannot read the node configuration ${file}: ${(error as Error).message}`);
  }
  const config = parseNodeConfig(text, file);
  if (!config.ok)
    throw new CliError('invalid', `${file} is not a valid node configuration`, config.error.map(formatIssue));
  return config.value;
}

async function readNetwork(file: string, company: string): Promise<Network> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new CliError(
      'notFound',
      `cannot read the node's network model ${file}: ${(error as Error).message}`,
    );
  }
  const loaded = loadNetworkFile({ name: file, text });
  if (!loaded.ok)
    throw new CliError(
      'invalid',
      `the node's network model ${file} has problems`,
      loaded.error.map(formatIssue),
    );
  if (!loaded.value.network.companies.some((entry) => entry.id === company)) {
    throw new CliError(
      'invalid',
      `the node's network model ${file} has no company '${company}' (the node's \`company\`)`,
    );
  }
  return loaded.value.network;
}

/** The configuration a node command reads when `--config` is not given: this, in the current folder. */
export const DEFAULT_NODE_CONFIG = 'node.yaml';

/** `--config`, else `KETEN_NODE_CONFIG`, else `node.yaml` in the current folder if it is there. */
function configFile(file: string | undefined): string {
  const chosen = file ?? process.env.KETEN_NODE_CONFIG;
  if (chosen !== undefined && chosen !== '') return chosen;
  if (existsSync(DEFAULT_NODE_CONFIG)) return DEFAULT_NODE_CONFIG;
  throw new CliError(
    'usage',
    `no node configuration: there is no ${DEFAULT_NODE_CONFIG} in ${process.cwd()}; write one there (keten.node/v1, see docs/node.md) or give --config <file> (or KETEN_NODE_CONFIG)`,
  );
}

function companyOf(network: Network, company: string): { bpnl?: string; name: string } {
  const entry = network.companies.find((candidate) => candidate.id === company)!;
  return entry.bpn === undefined ? { name: entry.name } : { bpnl: entry.bpn, name: entry.name };
}

function tokenOf(option: string | undefined): string {
  const token = option ?? process.env.KETEN_TOKEN;
  if (token === undefined)
    throw new CliError(
      'usage',
      "give a token of the node's with --token or KETEN_TOKEN (keten login --server <the node's URL>)",
    );
  return token;
}

/** One request to the running node's API at its public URL; its JSON answer, or a CliError. */
async function askNode(
  config: ResolvedNodeConfig,
  token: string,
  method: 'GET' | 'POST',
  path: string,
  options: { readonly body?: unknown; readonly timeoutMs: number },
): Promise<Record<string, unknown>> {
  let response: Response;
  try {
    response = await fetch(`${config.publicUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (error) {
    throw new CliError(
      'unavailable',
      `the node at ${config.publicUrl} did not answer (${(error as Error).message}); is it running?`,
    );
  }
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) {
    const message = typeof body.message === 'string' ? body.message : response.statusText;
    const code =
      response.status === 404
        ? 'notFound'
        : response.status === 400
          ? 'invalid'
          : response.status === 401 || response.status === 403
            ? 'refused'
            : 'unavailable';
    throw new CliError(code, `the node answered ${response.status}: ${message}`);
  }
  return body;
}

/** `keten node processes` for people: counts by state, then what waits past its deadline, then what was ended. */
export function processLines(view: Pick<AgreementsView, 'negotiations' | 'transfers'>): string[] {
  const lines: string[] = [];
  for (const [kind, processes] of [
    ['negotiation', view.negotiations],
    ['transfer', view.transfers],
  ] as const) {
    const counts = new Map<string, number>();
    for (const process of processes) counts.set(process.state, (counts.get(process.state) ?? 0) + 1);
    lines.push(
      `${processes.length} ${kind}(s)${processes.length === 0 ? '' : `: ${[...counts].map(([state, count]) => `${count} ${state}`).join(', ')}`}`,
    );
    for (const process of processes) {
      const what = `  ${kind} ${process.id} with ${process.partner.company} (${process.dataset || process.agreementId || '-'})`;
      if (process.stalled !== undefined)
        lines.push(
          `${what}: waiting in ${process.stalled.state} since ${process.stalled.since}, ${process.stalled.checks} check(s); ${process.stalled.last ?? ''}`,
        );
      else if (process.ended !== undefined)
        lines.push(
          `${what}: ended ${process.ended.at}, ${process.ended.code}: ${process.ended.reason}${process.ended.told ? ' (partner told)' : ' (partner not told)'}`,
        );
    }
  }
  return lines;
}

export function registerNodeCommands(program: Command, output: Output): void {
  const node = program
    .command('node')
    .description("run this company's keten node: the API, its identity and the exchange with partner nodes")
    .option(
      '--config <file>',
      'the node configuration (keten.node/v1, see docs/node.md; default ./node.yaml or KETEN_NODE_CONFIG)',
    )
    .action(async (options: { config?: string }) => {
      const config = await readConfig(configFile(options.config));
      const network = await readNetwork(config.network, config.company);
      const { openStore, schemaForNode } = await import('@keten/store');
      const { storeToCliError } = await import('../backend.ts');
      let store: KetenStore;
      try {
        store = await openStore(
          config.databaseUrl === undefined
            ? { dataDir: `${config.dataDir}/store` }
            : { databaseUrl: config.databaseUrl, schema: schemaForNode(config.company) },
        );
      } catch (error) {
        throw storeToCliError(error);
      }
      const { startCompanyNode } = await import('../node-runtime.ts');
      let node: Awaited<ReturnType<typeof startCompanyNode>>;
      try {
        node = await startCompanyNode({ config, network, store, log: (message) => output.err(message) });
      } catch (error) {
        await store.close();
        throw error;
      }
      output.err(
        `keten node '${config.company}' (${node.connector.did}) of network '${node.connector.network}' listens on ${node.server.url}${node.server.url === config.publicUrl ? '' : ` (partners reach it at ${config.publicUrl})`}`,
      );
      const { closeOnSignals } = await import('@keten/server');
      const server = node.server;
      await new Promise<void>(() => {
        closeOnSignals(server);
      });
    });

  node
    .command('status')
    .description(
      'ask the running node about order X (ITEM, ITEM@PERIOD or an order id of its plan): the status of everything behind it, tier by tier, as far as each owner consents',
    )
    .argument('<order>', 'the order: an item with end demand, ITEM@PERIOD, or an order id of the plan')
    .option(
      '--config <file>',
      'the node configuration (keten.node/v1): where the node is (default ./node.yaml)',
    )
    .option(
      '--token <token>',
      "an API token or session of the node's (or KETEN_TOKEN); role planner or above",
    )
    .option('--timeout <ms>', 'how long the chain may take to answer, in ms (default 10000)')
    .option('--json', 'the assembled tree as JSON')
    .action(
      async (
        order: string,
        options: { config?: string; token?: string; timeout?: string; json?: boolean },
      ) => {
        const config = await readConfig(
          configFile(options.config ?? (node.opts() as { config?: string }).config),
        );
        const token = tokenOf(options.token);
        const timeoutMs = options.timeout === undefined ? undefined : Number(options.timeout);
        if (
          timeoutMs !== undefined &&
          (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 120_000)
        )
          throw new CliError(
            'usage',
            `--timeout must be a whole number of ms from 100 to 120000, not ${options.timeout}`,
          );
        const body = await askNode(config, token, 'POST', '/api/v1/connector/status', {
          body: { order, ...(timeoutMs === undefined ? {} : { timeoutMs }) },
          timeoutMs: (timeoutMs ?? 10_000) + 30_000,
        });
        if (options.json === true) {
          output.json(body);
          return;
        }
        const { formatStatusTree } = await import('@keten/core');
        output.out(
          `Status behind ${order} (question ${String(body.questionId)}, asked ${String(body.askedAt)}):`,
        );
        for (const line of formatStatusTree(body.tree as Parameters<typeof formatStatusTree>[0]))
          output.out(line);
      },
    );

  node
    .command('processes')
    .description(
      "the running node's negotiations and transfers: how many in each state, those waiting past their deadline with the checks made, and those it ended because they stalled, with the reason",
    )
    .option(
      '--config <file>',
      'the node configuration (keten.node/v1): where the node is (default ./node.yaml)',
    )
    .option('--token <token>', "an API token or session of the node's (or KETEN_TOKEN); role admin")
    .option('--json', 'the negotiations and transfers as JSON')
    .action(async (options: { config?: string; token?: string; json?: boolean }) => {
      const config = await readConfig(
        configFile(options.config ?? (node.opts() as { config?: string }).config),
      );
      const view = (await askNode(config, tokenOf(options.token), 'GET', '/api/v1/connector/agreements', {
        timeoutMs: 30_000,
      })) as unknown as Pick<AgreementsView, 'negotiations' | 'transfers'>;
      if (options.json === true) {
        output.json({ negotiations: view.negotiations, transfers: view.transfers });
        return;
      }
      for (const line of processLines(view)) output.out(line);
    });

  node
    .command('join')
    .description('join the network of the membership authority the node configuration names (or --authority)')
    .option(
      '--config <file>',
      'the node configuration (keten.node/v1; default ./node.yaml or KETEN_NODE_CONFIG)',
    )
    .option('--authority <url>', "the authority node's base URL (default: the configuration's authority.url)")
    .action(async (options: { config?: string; authority?: string }) => {
      // `keten node --config F join` and `keten node join --config F` both work.
      const config = await readConfig(
        configFile(options.config ?? (node.opts() as { config?: string }).config),
      );
      const authorityUrl =
        options.authority ?? ('url' in config.authority ? config.authority.url : undefined);
      if (authorityUrl === undefined) {
        throw new CliError(
          'usage',
          `${config.file}: this node is the membership authority itself; it does not join another`,
        );
      }
      const network = await readNetwork(config.network, config.company);
      const company = companyOf(network, config.company);
      const bpnl = config.bpn ?? company.bpnl;
      if (bpnl === undefined) {
        throw new CliError(
          'invalid',
          `the company ${config.company} has no BPNL: give \`bpn\` in ${config.file} or in the network model`,
        );
      }
      const { openNodeIdentity, requestMembership, saveMembership } = await import('@keten/connector');
      const identity = await openNodeIdentity({
        baseUrl: config.publicUrl,
        dataDir: config.dataDir,
        bpnl,
        name: config.name ?? company.name,
      });
      if (!identity.ok) throw new CliError('invalid', identity.error.message);
      // The authority checks the join against this node's DID document, fetched from the node's own
      // address; the node is not running yet, so this command serves the document while it joins.
      const documentServer = await serveDidDocument(config, identity.value);
      const membership = await requestMembership(authorityUrl, identity.value).finally(() =>
        documentServer.close(),
      );
      if (!membership.ok) {
        const code =
          membership.error.reason === 'unreachable'
            ? 'unavailable'
            : membership.error.reason === 'refused'
              ? 'refused'
              : 'invalid';
        throw new CliError(code, `joining at ${authorityUrl} failed: ${membership.error.message}`);
      }
      const saved = await saveMembership(config.dataDir, membership.value);
      if (!saved.ok) throw new CliError('internal', saved.error.message);
      output.err(
        `joined network '${membership.value.network}' as ${membership.value.member}; the credential is valid until ${membership.value.expiresAt} (run this again before then)`,
      );
    });
}

/** Serves the node's DID document (and nothing else) on its listen address until closed. */
async function serveDidDocument(
  config: ResolvedNodeConfig,
  identity: NodeIdentity,
): Promise<{ close(): Promise<void> }> {
  const { didDocument, didDocumentPath } = await import('@keten/connector');
  const { createServer } = await import('node:http');
  const document = JSON.stringify(
    didDocument({ did: identity.did, keys: identity.keys, dspEndpoint: `${config.publicUrl}/dsp/catalog` }),
  );
  const path = didDocumentPath(config.publicUrl);
  const server = createServer((request, response) => {
    if (request.method === 'GET' && path.ok && request.url === path.value) {
      response.writeHead(200, { 'content-type': 'application/did+json' }).end(document);
    } else {
      response.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new CliError(
              'unavailable',
              `port ${config.listen.port} is in use: stop the node before joining (the authority fetches the node's DID document there)`,
            )
          : error,
      ),
    );
    server.listen(config.listen.port, config.listen.host, () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
