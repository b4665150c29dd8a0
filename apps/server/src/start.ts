/**
 * @module start
 * Running the server: `startServer` listens and returns a handle whose `close()` shuts down
 * gracefully — stop accepting connections, let in-flight requests finish (up to a timeout, then cut the
 * remaining connections), close the store. `closeOnSignals` wires that to SIGTERM and SIGINT for
 * `keten serve` and the demo.
 */
import type { AddressInfo, Server } from 'node:net';
import type { FastifyInstance, FastifyListenOptions } from 'fastify';
import { createServer, type ServerOptions } from './app.ts';

export interface StartServerOptions extends ServerOptions {
  /** Interface to listen on; default 127.0.0.1 (use 0.0.0.0 to serve the network). */
  readonly host?: string;
  /** Port; default 8080, 0 for any free port. */
  readonly port?: number;
  /**
   * A socket already listening (`reservePort`): the server takes it over instead of binding `host`
   * and `port`, so the port stays held from the moment it was chosen (a port that was free a moment
   * ago can be taken by another process, or by an outgoing connection of this one, before a later
   * bind). The reservation object is spent: the server closes the socket.
   */
  readonly reserved?: Server;
  /** How long `close()` waits for in-flight requests before cutting connections; default 10 s. */
  readonly shutdownTimeoutMs?: number;
  /** Whether `close()` also closes the store; default true. */
  readonly closeStore?: boolean;
}

export interface RunningServer {
  /** Where the server listens, e.g. `http://127.0.0.1:8080`. */
  readonly url: string;
  readonly app: FastifyInstance;
  /** Graceful shutdown; calling it again returns the same promise. */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;

/**
 * Starts keten's HTTP API.
 *
 * @example
 * const server = await startServer({ store, host: '127.0.0.1', port: 8080 });
 * closeOnSignals(server);
 * console.log(`keten serves ${server.url} (docs: ${server.url}/docs)`);
 */
export async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const app = await createServer(options);
  const host = options.host ?? '127.0.0.1';
  try {
    if (options.reserved === undefined) {
      await app.listen({ host, port: options.port ?? DEFAULT_PORT });
    } else {
      // Node's net.Server.listen takes over a listening handle (the form cluster workers use).
      const handle = (options.reserved as Server & { _handle?: unknown })._handle;
      if (handle === undefined || handle === null || !options.reserved.listening)
        throw new Error('the reserved socket is not listening (closed, or taken over already)');
      (options.reserved as Server & { _handle?: unknown })._handle = null;
      await app.listen({ host, port: 0, handle } as FastifyListenOptions);
    }
  } catch (error) {
    await app.close();
    throw error;
  }
  const { port } = app.server.address() as AddressInfo;
  const shownHost =
    host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
  const timeoutMs = options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${port}`,
    app,
    close() {
      closing ??= shutDown(app, timeoutMs, options.closeStore === false ? undefined : options.store);
      return closing;
    },
  };
}

async function shutDown(
  app: FastifyInstance,
  timeoutMs: number,
  store: ServerOptions['store'] | undefined,
): Promise<void> {
  app.log.info({ timeoutMs }, 'shutting down: finishing requests in flight');
  const timer = setTimeout(() => {
    app.log.warn('requests still in flight after the shutdown timeout: closing their connections');
    app.server.closeAllConnections();
  }, timeoutMs);
  timer.unref();
  // Connections that turn idle after their last answer (keep-alive) are closed as they go.
  const sweeper = setInterval(() => app.server.closeIdleConnections(), 100);
  sweeper.unref();
  try {
    await app.close();
  } finally {
    clearTimeout(timer);
    clearInterval(sweeper);
    if (store !== undefined) await store.close();
  }
  app.log.info('shut down');
}

/**
 * Binds `host:port` (0: a port the system picks) and keeps it listening for `startServer`'s
 * `reserved`; close it (`server.close()`) if it is not handed over.
 */
export async function reservePort(host: string, port: number): Promise<Server> {
  const { createServer: createNetServer } = await import('node:net');
  const server = createNetServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

export interface SignalOptions {
  /** Default SIGTERM and SIGINT. */
  readonly signals?: readonly NodeJS.Signals[];
  /** Default `process.exit`. */
  readonly exit?: (code: number) => void;
  /** Where to say what happens; default stderr. */
  readonly log?: (message: string) => void;
}

/**
 * On SIGTERM or SIGINT, closes `server` gracefully and exits 0 (1 if closing failed). A second signal
 * exits at once with 1. Returns a function that removes the handlers.
 */
export function closeOnSignals(server: { close(): Promise<void> }, options: SignalOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const log = options.log ?? ((message: string) => process.stderr.write(`${message}\n`));
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log(`${signal} again: exiting now`);
      exit(1);
      return;
    }
    stopping = true;
    log(`${signal}: shutting down (again to exit at once)`);
    server.close().then(
      () => exit(0),
      (error: unknown) => {
        log(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}
