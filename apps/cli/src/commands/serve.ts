/**
 * @module commands/serve
 * `keten serve`: the HTTP API over the local store. `keten demo` (what `npm start` runs): the bundled
 * demo network in its own embedded store under $KETEN_HOME/demo, an admin account, and the server.
 * The server, the store and the backend are imported when these commands run, not when the CLI starts,
 * so the other commands do not load Fastify and PGlite for nothing.
 */
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatIssue, type KetenStore, loadNetworkFile, type Network } from '@keten/core';
import type { RunningServer } from '@keten/server';
import type { KetenDatabase } from '@keten/store';
import type { Command } from 'commander';
import { CliError } from '../errors.ts';
import type { Output } from '../output.ts';

/** The bundled demo network: Kempen Instruments and its suppliers. */
export const DEMO_NETWORK_PATH = fileURLToPath(
  new URL('../../../../examples/demo-network.yaml', import.meta.url),
);

/** Where `keten serve` and `keten demo` listen unless --port or PORT says otherwise. */
export const DEFAULT_PORT = 8080;

interface ListenOptions {
  readonly host: string;
  readonly port: number;
}

function listenOptions(options: { host?: string; port?: string }): ListenOptions {
  const text = options.port ?? process.env.PORT ?? String(DEFAULT_PORT);
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new CliError('usage', `port must be a whole number from 0 to 65535, not '${text}'`);
  }
  return { host: options.host ?? process.env.HOST ?? '127.0.0.1', port };
}

async function listen(store: KetenStore, listen: ListenOptions, quiet: boolean): Promise<RunningServer> {
  const { startServer } = await import('@keten/server');
  try {
    return await startServer({
      store,
      host: listen.host,
      port: listen.port,
      ...(quiet ? { logger: { level: 'warn' } } : {}),
    });
  } catch (error) {
    await store.close();
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new CliError(
        'unavailable',
        `port ${listen.port} on ${listen.host} is in use; choose another with --port N (or PORT=N)`,
      );
    }
    if (code === 'EACCES')
      throw new CliError('refused', `not allowed to listen on ${listen.host}:${listen.port}`);
    if (code === 'EADDRNOTAVAIL')
      throw new CliError('usage', `${listen.host} is not an address of this machine`);
    throw error;
  }
}

/** Waits until the server is closed by a signal, so the command does not return early. */
async function runUntilSignal(server: RunningServer): Promise<void> {
  const { closeOnSignals } = await import('@keten/server');
  return new Promise<void>(() => {
    closeOnSignals(server);
  });
}

/** Imports the demo network unless the latest stored version has the same content. */
async function loadDemoNetwork(
  store: KetenStore,
  output: Output,
): Promise<{ name: string; network: Network }> {
  const text = await readFile(DEMO_NETWORK_PATH, 'utf8');
  const loaded = loadNetworkFile({ name: DEMO_NETWORK_PATH, text });
  if (!loaded.ok) {
    // The demo file ships with keten and is tested; this only happens if someone edited it.
    throw new CliError('invalid', 'the bundled demo network has problems', loaded.error.map(formatIssue));
  }
  const { network, summary } = loaded.value;
  const { contentHash } = await import('@keten/store');
  const latest = await store.networks.getVersion(network.name);
  if (latest !== undefined && latest.contentHash === contentHash(network)) {
    output.err(`demo network '${network.name}' v${latest.version} is loaded already`);
    return { name: network.name, network };
  }
  const info = await store.networks.importVersion({
    network: network.name,
    content: network,
    summary,
    source: 'demo',
    author: 'system',
  });
  output.err(
    `loaded demo network '${network.name}' v${info.version}: ${summary.companies} companies, ${summary.items} items, ${summary.sourcingLinks} sourcing links`,
  );
  return { name: network.name, network };
}

/** The demo admin's password: made once, kept in the demo folder (mode 600) so it can be shown again. */
async function demoPassword(home: string): Promise<{ password: string; file: string }> {
  const file = join(home, 'admin-password');
  try {
    const password = (await readFile(file, 'utf8')).trim();
    if (password !== '') return { password, file };
  } catch {
    // first run: made below
  }
  const { generatePassword } = await import('@keten/server');
  const password = generatePassword();
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  return { password, file };
}

export function registerServeCommands(program: Command, output: Output): void {
  program
    .command('serve')
    .description('serve the HTTP API over the local store (OpenAPI at /openapi.json, docs at /docs)')
    .option('--host <host>', 'interface to listen on (default 127.0.0.1, or HOST)')
    .option('--port <port>', `port (default ${DEFAULT_PORT}, or PORT)`)
    .option(
      '--db <dir>',
      'embedded store folder (default: $KETEN_HOME/store); DATABASE_URL selects PostgreSQL',
    )
    .action(async (options: { host?: string; port?: string; db?: string }) => {
      const where = listenOptions(options);
      const { openLocalStore, storeToCliError } = await import('../backend.ts');
      const { store, where: storeWhere } = await openLocalStore(options.db);
      const users = await store.access.listUsers().catch((error: unknown) => {
        throw storeToCliError(error);
      });
      const server = await listen(store, where, false);
      output.err(`keten serves ${server.url} from the ${storeWhere} (API docs: ${server.url}/docs)`);
      if (users.length === 0) {
        output.err(
          "no users yet: create an admin with 'keten user add admin --role admin' (stop the server first)",
        );
      }
      await runUntilSignal(server);
    });

  program
    .command('demo')
    .description('load the bundled demo network into its own embedded store and serve it (npm start)')
    .option('--host <host>', 'interface to listen on (default 127.0.0.1, or HOST)')
    .option('--port <port>', `port (default ${DEFAULT_PORT}, or PORT)`)
    .option('--home <dir>', 'folder of the demo store (default $KETEN_HOME/demo)')
    .action(async (options: { host?: string; port?: string; home?: string }) => {
      const where = listenOptions(options);
      const { ketenHome, storeToCliError } = await import('../backend.ts');
      const { openDatabase } = await import('@keten/store');
      const { ensureAdmin } = await import('@keten/server');
      const home = options.home ?? join(ketenHome(), 'demo');
      await mkdir(home, { recursive: true });
      output.err(`starting the keten demo (store in ${home}; the first start takes a few seconds)`);
      // The demo's API has its embedded database (schema keten); the company nodes, in their own thread,
      // have theirs (a schema each).
      let database: KetenDatabase;
      let store: KetenStore;
      try {
        database = await openDatabase({ dataDir: join(home, 'store') });
        store = await database.store();
      } catch (error) {
        throw storeToCliError(error);
      }
      let networkName: string;
      let password: string;
      let network: Network;
      try {
        ({ name: networkName, network } = await loadDemoNetwork(store, output));
        const secret = await demoPassword(home);
        password = secret.password;
        const admin = await ensureAdmin(store, { username: 'admin', password, reset: true });
        if (!admin.ok) throw new CliError('internal', admin.message);
      } catch (error) {
        await database.close();
        throw storeToCliError(error);
      }
      // The company nodes start after the demo's API is up (they take a while on a small machine), in a
      // thread of their own with a database of their own, so the pages' requests do not wait for them;
      // the demo's server closes them, then its database.
      let companyNodes: { close(): Promise<void> } | undefined;
      const demoStore: KetenStore = {
        ...store,
        close: async () => {
          await companyNodes?.close();
          await database.close();
        },
      };
      const server = await listen(demoStore, where, true);
      const url = server.url;
      output.out('');
      output.out(`open ${url}/ in a browser: keten's web app (log in as admin with the password below)`);
      output.out('');
      output.out(`keten demo is running at ${url}`);
      output.out(`  API docs:   ${url}/docs   (OpenAPI: ${url}/openapi.json)`);
      output.out(`  log in:     user 'admin', password '${password}'`);
      output.out('  try it:');
      output.out(
        `    TOKEN=$(curl -s -X POST ${url}/api/v1/session -H 'content-type: application/json' -d '{"username":"admin","password":"${password}"}' | node -pe 'JSON.parse(require("fs").readFileSync(0)).secret')`,
      );
      output.out(
        `    curl -s -H "Authorization: Bearer $TOKEN" ${url}/api/v1/networks/${encodeURIComponent(networkName)}/versions`,
      );
      output.out('  stop with Ctrl-C');
      output.err(
        `starting one company node per company of '${networkName}' (Dataspace Protocol over loopback HTTP)`,
      );
      const started = Date.now();
      const elapsed = () => ((Date.now() - started) / 1000).toFixed(1);
      const { startDemoNodesThread } = await import('../demo-nodes-thread.ts');
      companyNodes = startDemoNodesThread({
        setup: {
          network,
          networkName,
          dataDir: join(home, 'nodes-store'),
          folder: join(home, 'nodes'),
          firstPort: where.port === 0 ? 0 : where.port + 1,
          admin: { username: 'admin', password },
        },
        onMessage: (message) => {
          switch (message.type) {
            case 'log':
              return output.err(message.message);
            case 'up':
              return output.err(
                `${message.nodes} company nodes are up (${elapsed()} s), negotiating their contracts over the Dataspace Protocol` +
                  (message.oem === undefined
                    ? ''
                    : `; the OEM ${message.oem.company} (membership authority) is at ${message.oem.url}, its audit trail at ${message.oem.url}/api/v1/connector/audit (same admin login)`),
              );
            case 'ready':
              return output.err(
                `the network is ready (${elapsed()} s): ${message.agreements} contracts agreed, forecasts and orders pushed down the chain`,
              );
            case 'failed':
              return output.err(`the company nodes failed: ${message.message}`);
            case 'closed':
              return;
          }
        },
      });
      await runUntilSignal(server);
    });
}
