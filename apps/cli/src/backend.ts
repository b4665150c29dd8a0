/**
 * @module backend
 * What the CLI's commands work on: the local store (embedded PGlite in KETEN_HOME or --db, or
 * PostgreSQL through DATABASE_URL), or a keten server (--server URL with a token). Commands see one
 * interface, so every command works the same both ways. Planning a stored network goes through
 * `@keten/store`'s planning module on both: locally on the store, remotely on the server's API (the
 * event log read page by page; a re-plan is the server's own `POST …/replan`).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import type {
  AppendOutcome,
  EffectiveNetwork,
  EventInput,
  EventQuery,
  KetenStore,
  Network,
  NetworkListEntry,
  NetworkSummary,
  NetworkVersionInfo,
  StoredEvent,
  StoredNetwork,
} from '@keten/core';
import {
  openStore,
  type PlanningSource,
  type ReplanOutcome,
  readEffectiveNetwork,
  replanStoredNetwork,
  type StoredPlanningFailure,
  StoreError,
  storePlanningSource,
} from '@keten/store';
import { CliError } from './errors.ts';

export interface ImportInput {
  readonly name: string;
  readonly network: Network;
  readonly summary: NetworkSummary;
  readonly source: string;
}

export interface Backend {
  /** Where the data lives, for messages: "local store ~/.keten/store" or "server http://…". */
  readonly where: string;
  importNetwork(input: ImportInput): Promise<NetworkVersionInfo>;
  listNetworks(): Promise<NetworkListEntry[]>;
  listVersions(network: string): Promise<NetworkVersionInfo[]>;
  /** Throws a `notFound` CliError when the network or version does not exist. */
  getVersion(network: string, version?: number): Promise<StoredNetwork>;
  appendEvents(events: readonly EventInput[]): Promise<AppendOutcome>;
  readEvents(query: EventQuery): Promise<StoredEvent[]>;
  /**
   * The network a stored version (the latest, or `version`) is planned on: with the planning events
   * of the network in the log. Throws `notFound`, or `invalid` with every problem of a bad event.
   */
  effectiveNetwork(network: string, version?: number): Promise<EffectiveNetwork>;
  /** Re-plans a stored network and publishes the plan unless `dryRun` (see `replanStoredNetwork`). */
  replan(request: ReplanCall): Promise<ReplanAnswer>;
  close(): Promise<void>;
}

export interface ReplanCall {
  readonly network: string;
  readonly version?: number | undefined;
  readonly dryRun?: boolean | undefined;
}

/** A re-plan as the server answers it: the outcome without the kept plan. */
export type ReplanAnswer = Omit<ReplanOutcome, 'kept'>;

/** A failure of planning a stored network as a CLI error: exit 3 or 1, every problem listed. */
function planningError(failure: StoredPlanningFailure, where: string): CliError {
  if (failure.reason === 'not-found') return new CliError('notFound', `${failure.message} in the ${where}`);
  return new CliError('invalid', failure.message, failure.lines);
}

export interface BackendOptions {
  readonly db?: string;
  readonly server?: string;
  readonly token?: string;
}

/** KETEN_HOME, or ~/.keten. */
export function ketenHome(): string {
  return process.env.KETEN_HOME ?? join(homedir(), '.keten');
}

/** Options to open the local store: DATABASE_URL wins, then --db, then KETEN_HOME/store. */
export function localStoreOptions(db?: string): { databaseUrl: string } | { dataDir: string } {
  const url = process.env.DATABASE_URL;
  if (url !== undefined && url !== '') return { databaseUrl: url };
  return { dataDir: db ?? join(ketenHome(), 'store') };
}

export function describeStore(options: { databaseUrl: string } | { dataDir: string }): string {
  return 'databaseUrl' in options
    ? `PostgreSQL ${redactUrl(options.databaseUrl)}`
    : `local store ${options.dataDir}`;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

/** Opens the local store, turning store failures into CLI errors a user can act on. */
export async function openLocalStore(db?: string): Promise<{ store: KetenStore; where: string }> {
  const options = localStoreOptions(db);
  try {
    return { store: await openStore(options), where: describeStore(options) };
  } catch (error) {
    throw storeToCliError(error);
  }
}

export function storeToCliError(error: unknown): unknown {
  if (!(error instanceof StoreError)) return error;
  switch (error.code) {
    case 'locked':
      return new CliError('refused', error.message);
    case 'unavailable':
      return new CliError('unavailable', error.message);
    default:
      return new CliError('internal', error.message);
  }
}

export async function openBackend(options: BackendOptions): Promise<Backend> {
  const server = options.server ?? process.env.KETEN_SERVER;
  if (server !== undefined && server !== '') {
    const token = options.token ?? process.env.KETEN_TOKEN;
    if (token === undefined || token === '') {
      throw new CliError(
        'usage',
        `--server ${server} needs a token: pass --token or set KETEN_TOKEN (create one with 'keten token create')`,
      );
    }
    return remoteBackend(server, token);
  }
  const { store, where } = await openLocalStore(options.db);
  return localBackend(store, where);
}

function localBackend(store: KetenStore, where: string): Backend {
  const guard = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      return await work();
    } catch (error) {
      throw storeToCliError(error);
    }
  };
  return {
    where,
    importNetwork: (input) =>
      guard(() =>
        store.networks.importVersion({
          network: input.name,
          content: input.network,
          summary: input.summary,
          source: input.source,
          author: process.env.USER ?? 'cli',
        }),
      ),
    listNetworks: () => guard(() => store.networks.listNetworks()),
    listVersions: async (network) => {
      const versions = await guard(() => store.networks.listVersions(network));
      if (versions.length === 0)
        throw new CliError('notFound', `no network named '${network}' in the ${where}`);
      return versions;
    },
    getVersion: async (network, version) => {
      const found = await guard(() => store.networks.getVersion(network, version));
      if (found === undefined) throw notFound(network, version, where);
      return found;
    },
    appendEvents: (events) => guard(() => store.events.append(events)),
    readEvents: (query) => guard(() => store.events.read(query)),
    effectiveNetwork: async (network, version) => {
      const result = await guard(() => readEffectiveNetwork(storePlanningSource(store), network, version));
      if (!result.ok) throw planningError(result.error, where);
      return result.value;
    },
    replan: async (request) => {
      const result = await guard(() =>
        replanStoredNetwork(storePlanningSource(store), {
          network: request.network,
          ...(request.version === undefined ? {} : { version: request.version }),
          ...(request.dryRun === true
            ? {}
            : { publish: { source: process.env.USER ?? 'cli', at: new Date().toISOString() } }),
        }),
      );
      if (!result.ok) throw planningError(result.error, where);
      const { kept: _kept, ...answer } = result.value;
      return answer;
    },
    close: () => store.close(),
  };
}

function notFound(network: string, version: number | undefined, where: string): CliError {
  return new CliError(
    'notFound',
    version === undefined
      ? `no network named '${network}' in the ${where}`
      : `network '${network}' has no version ${version} in the ${where}`,
  );
}

/** The JSON error body every keten server returns. */
interface ApiErrorBody {
  readonly error?: { readonly code?: string; readonly message?: string; readonly issues?: unknown[] };
}

function remoteBackend(server: string, token: string): Backend {
  const base = server.replace(/\/+$/, '');
  const where = `server ${base}`;
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
    } catch (cause) {
      throw new CliError(
        'unavailable',
        `${base} did not answer (${(cause as Error).message}); is the server running?`,
      );
    }
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      throw new CliError(
        'unavailable',
        `${base}${path} answered ${response.status} with something that is not JSON`,
      );
    }
    if (response.ok) return parsed as T;
    const error = (parsed as ApiErrorBody | undefined)?.error;
    const message = `${base}: ${error?.message ?? response.statusText} (${error?.code ?? response.status})`;
    if (response.status === 401 || response.status === 403) throw new CliError('refused', message);
    if (response.status === 404) throw new CliError('notFound', message);
    if (
      response.status === 400 ||
      response.status === 409 ||
      response.status === 413 ||
      response.status === 422
    )
      throw new CliError('invalid', message);
    throw new CliError('unavailable', message);
  };
  const name = (network: string) => encodeURIComponent(network);
  const getVersion = (network: string, version?: number) =>
    call<StoredNetwork>(
      'GET',
      version === undefined
        ? `/api/v1/networks/${name(network)}`
        : `/api/v1/networks/${name(network)}/versions/${version}`,
    );
  const readEvents = async (query: EventQuery) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) search.set(key, String(value));
    return (await call<{ events: StoredEvent[] }>('GET', `/api/v1/events?${search}`)).events;
  };
  // Missing networks and versions are the server's 404s, thrown by `call` with its message.
  const source: PlanningSource = { getVersion, readEvents };
  return {
    where,
    importNetwork: async (input) =>
      (
        await call<{ version: NetworkVersionInfo }>(
          'POST',
          `/api/v1/networks?name=${name(input.name)}&source=${encodeURIComponent(input.source)}`,
          input.network,
        )
      ).version,
    listNetworks: async () =>
      (await call<{ networks: NetworkListEntry[] }>('GET', '/api/v1/networks')).networks,
    listVersions: async (network) =>
      (await call<{ versions: NetworkVersionInfo[] }>('GET', `/api/v1/networks/${name(network)}/versions`))
        .versions,
    getVersion,
    appendEvents: (events) => call<AppendOutcome>('POST', '/api/v1/events', { events }),
    readEvents,
    effectiveNetwork: async (network, version) => {
      const result = await readEffectiveNetwork(source, network, version);
      if (!result.ok) throw planningError(result.error, where);
      return result.value;
    },
    replan: (request) =>
      call<ReplanAnswer>('POST', `/api/v1/networks/${name(request.network)}/replan`, {
        ...(request.version === undefined ? {} : { version: request.version }),
        ...(request.dryRun === true ? { dryRun: true } : {}),
      }),
    close: async () => {},
  };
}
