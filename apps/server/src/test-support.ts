/**
 * @module test-support
 * Helpers for the server's tests (not exported by the package): a server on an in-memory store with a
 * viewer, a planner and an admin and a token each, a clock the test moves, and small networks.
 */
import { createHash } from 'node:crypto';
import {
  type Clock,
  createMemoryStore,
  generateNetwork,
  type KetenStore,
  type Network,
  type Role,
  summarize,
} from '@keten/core';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { createServer, type ServerOptions } from './app.ts';
import { hashPassword } from './auth/passwords.ts';
import { issueToken } from './auth/tokens.ts';

export const PASSWORD = 'correct horse battery staple';

export class TestClock implements Clock {
  #now: number;
  constructor(start = '2027-01-04T08:00:00.000Z') {
    this.#now = Date.parse(start);
  }
  now(): Date {
    return new Date(this.#now);
  }
  advance(milliseconds: number): void {
    this.#now += milliseconds;
  }
}

export interface TestServer {
  readonly app: FastifyInstance;
  readonly store: KetenStore;
  readonly clock: TestClock;
  /** A bearer token per role; the users are named after their role. */
  readonly tokens: Readonly<Record<Role, string>>;
  /** `app.inject` with `Authorization: Bearer <token of role>`. */
  as(role: Role | undefined, request: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

let passwordHash: Promise<string> | undefined;

/** A store with SHA-256 from node:crypto (the plain-TypeScript default is slower for big networks). */
export function testStore(clock: Clock): KetenStore {
  return createMemoryStore(clock, {
    hash: (text) => createHash('sha256').update(text).digest('hex'),
  });
}

export async function testServer(options: Partial<ServerOptions> = {}): Promise<TestServer> {
  const clock = new TestClock();
  const store = options.store ?? testStore(clock);
  // One scrypt hash per test file: every test user has PASSWORD.
  passwordHash ??= hashPassword(PASSWORD);
  const hash = await passwordHash;
  const tokens = {} as Record<Role, string>;
  for (const role of ['viewer', 'planner', 'admin'] as const) {
    await store.access.createUser({ username: role, role, passwordHash: hash });
    tokens[role] = (await issueToken(store.access, clock, { username: role, name: 'test' })).secret;
  }
  const app = await createServer({ logger: false, clock, ...options, store });
  return {
    app,
    store,
    clock,
    tokens,
    as: (role, request) =>
      app.inject({
        ...request,
        headers: {
          ...(role === undefined ? {} : { authorization: `Bearer ${tokens[role]}` }),
          ...request.headers,
        },
      }),
    close: async () => {
      await app.close();
      await store.close();
    },
  };
}

/** A small valid network in YAML (two tiers, 70/30 sourcing). */
export const NETWORK_YAML = `format: keten.network/v1
name: two-tier
period: week
start: 2027-01-04
horizon: 12
companies:
  - id: oem
    name: Example Systems B.V.
    site: { country: NL, region: EU, location: [51.44, 5.47] }
  - id: frame-a
    name: Frame Works GmbH
    site: { country: DE, region: EU }
  - id: frame-b
    name: Frame Asia Ltd.
    site: { country: CN, region: ASIA }
items:
  - { id: machine, name: Machine, unit: pcs }
  - { id: frame, name: Welded frame, unit: pcs }
production:
  - { company: oem, item: machine, leadTime: 2, capacity: 10, bom: [{ item: frame, quantity: 1 }] }
  - { company: frame-a, item: frame, leadTime: 1, capacity: 8 }
  - { company: frame-b, item: frame, leadTime: 1, capacity: 20 }
sourcing:
  - buyer: oem
    item: frame
    suppliers:
      - { supplier: frame-a, share: 0.7, leadTime: 1 }
      - { supplier: frame-b, share: 0.3, leadTime: 6, mode: sea }
demand:
  - { company: oem, item: machine, quantities: [0, 0, 0, 4, 4, 6, 6, 8, 8, 8, 8, 8] }
`;

/** The same network as a JS object, for JSON imports. */
export function networkObject(): Record<string, unknown> {
  return {
    format: 'keten.network/v1',
    name: 'two-tier',
    period: 'week',
    start: '2027-01-04',
    horizon: 12,
    companies: [
      {
        id: 'oem',
        name: 'Example Systems B.V.',
        site: { country: 'NL', region: 'EU', location: [51.44, 5.47] },
      },
      { id: 'frame-a', name: 'Frame Works GmbH', site: { country: 'DE', region: 'EU' } },
      { id: 'frame-b', name: 'Frame Asia Ltd.', site: { country: 'CN', region: 'ASIA' } },
    ],
    items: [
      { id: 'machine', name: 'Machine', unit: 'pcs' },
      { id: 'frame', name: 'Welded frame', unit: 'pcs' },
    ],
    production: [
      { company: 'oem', item: 'machine', leadTime: 2, capacity: 10, bom: [{ item: 'frame', quantity: 1 }] },
      { company: 'frame-a', item: 'frame', leadTime: 1, capacity: 8 },
      { company: 'frame-b', item: 'frame', leadTime: 1, capacity: 20 },
    ],
    sourcing: [
      {
        buyer: 'oem',
        item: 'frame',
        suppliers: [
          { supplier: 'frame-a', share: 0.7, leadTime: 1 },
          { supplier: 'frame-b', share: 0.3, leadTime: 6, mode: 'sea' },
        ],
      },
    ],
    demand: [{ company: 'oem', item: 'machine', quantities: [0, 0, 0, 4, 4, 6, 6, 8, 8, 8, 8, 8] }],
  };
}

/** Imports `NETWORK_YAML` (two-tier) as the planner; throws when the server refuses it. */
export async function importTwoTier(server: TestServer): Promise<void> {
  const response = await server.as('planner', {
    method: 'POST',
    url: '/api/v1/networks',
    headers: { 'content-type': 'application/yaml' },
    payload: NETWORK_YAML,
  });
  if (response.statusCode !== 201) throw new Error(`importing two-tier failed: ${response.body}`);
}

/** The parsed JSON body of a response. */
/** A generated network (seed 7, `horizon` periods) stored as version 1 of `name`, without the API. */
export async function storeGenerated(
  server: TestServer,
  name: string,
  companies: number,
  horizon: number,
): Promise<Network> {
  const network = generateNetwork({ companies, seed: 7, horizon });
  await server.store.networks.importVersion({
    network: name,
    content: network,
    summary: summarize(network),
    source: 'test',
    author: 'test',
  });
  return network;
}

export function body<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return JSON.parse(response.body) as T;
}

/** Every endpoint that needs a user, with a concrete URL: the API contract the tests hold the server to. */
export const USER_ENDPOINTS: readonly (readonly [method: string, url: string, path: string])[] = [
  ['POST', '/api/v1/networks', '/api/v1/networks'],
  ['GET', '/api/v1/networks', '/api/v1/networks'],
  ['GET', '/api/v1/networks/two-tier', '/api/v1/networks/{name}'],
  ['GET', '/api/v1/networks/two-tier/versions', '/api/v1/networks/{name}/versions'],
  ['GET', '/api/v1/networks/two-tier/versions/1', '/api/v1/networks/{name}/versions/{version}'],
  ['GET', '/api/v1/networks/two-tier/diff?from=1&to=2', '/api/v1/networks/{name}/diff'],
  ['POST', '/api/v1/networks/two-tier/plan', '/api/v1/networks/{name}/plan'],
  ['GET', '/api/v1/networks/two-tier/plan/summary', '/api/v1/networks/{name}/plan/summary'],
  ['POST', '/api/v1/networks/two-tier/replan', '/api/v1/networks/{name}/replan'],
  ['POST', '/api/v1/networks/two-tier/simulate', '/api/v1/networks/{name}/simulate'],
  ['GET', '/api/v1/networks/two-tier/plan/changes', '/api/v1/networks/{name}/plan/changes'],
  ['GET', '/api/v1/networks/two-tier/plan/changes/summary', '/api/v1/networks/{name}/plan/changes/summary'],
  [
    'GET',
    '/api/v1/networks/two-tier/plan/changes/companies/oem',
    '/api/v1/networks/{name}/plan/changes/companies/{company}',
  ],
  ['GET', '/api/v1/networks/two-tier/graph', '/api/v1/networks/{name}/graph'],
  ['GET', '/api/v1/networks/two-tier/summary', '/api/v1/networks/{name}/summary'],
  ['GET', '/api/v1/networks/two-tier/companies/oem', '/api/v1/networks/{name}/companies/{company}'],
  ['GET', '/api/v1/networks/two-tier/plan/companies/oem', '/api/v1/networks/{name}/plan/companies/{company}'],
  ['GET', '/api/v1/networks/two-tier/plan/heat-map', '/api/v1/networks/{name}/plan/heat-map'],
  ['GET', '/api/v1/networks/two-tier/plan/pegging', '/api/v1/networks/{name}/plan/pegging'],
  ['GET', '/api/v1/networks/two-tier/status', '/api/v1/networks/{name}/status'],
  ['GET', '/api/v1/networks/two-tier/items?ids=frame', '/api/v1/networks/{name}/items'],
  [
    'GET',
    '/api/v1/networks/two-tier/status/companies/oem',
    '/api/v1/networks/{name}/status/companies/{company}',
  ],
  ['POST', '/api/v1/networks/two-tier/stress-test', '/api/v1/networks/{name}/stress-test'],
  ['POST', '/api/v1/networks/two-tier/sourcing', '/api/v1/networks/{name}/sourcing'],
  ['GET', '/api/v1/jobs', '/api/v1/jobs'],
  ['POST', '/api/v1/stream/ticket', '/api/v1/stream/ticket'],
  ['GET', '/api/v1/stream', '/api/v1/stream'],
  ['GET', '/api/v1/jobs/0123', '/api/v1/jobs/{id}'],
  ['DELETE', '/api/v1/jobs/0123', '/api/v1/jobs/{id}'],
  ['POST', '/api/v1/reshore', '/api/v1/reshore'],
  ['GET', '/api/v1/events', '/api/v1/events'],
  ['POST', '/api/v1/events', '/api/v1/events'],
  ['POST', '/api/v1/users', '/api/v1/users'],
  ['GET', '/api/v1/users', '/api/v1/users'],
  ['GET', '/api/v1/users/viewer', '/api/v1/users/{username}'],
  ['PATCH', '/api/v1/users/viewer', '/api/v1/users/{username}'],
  ['POST', '/api/v1/tokens', '/api/v1/tokens'],
  ['GET', '/api/v1/tokens', '/api/v1/tokens'],
  ['DELETE', '/api/v1/tokens/0123456789abcdef', '/api/v1/tokens/{id}'],
  ['DELETE', '/api/v1/session', '/api/v1/session'],
  ['GET', '/api/v1/me', '/api/v1/me'],
];

/** Endpoints anyone may call. */
export const PUBLIC_ENDPOINTS: readonly (readonly [method: string, path: string])[] = [
  ['GET', '/health'],
  ['POST', '/api/v1/session'],
];

/** True when a response body looks like it carries a stack trace or source paths. */
export function leaksInternals(text: string): boolean {
  return /(\\n|\n)\s+at |node_modules|\.[jt]s:\d+:\d+|"stack":/.test(text);
}
