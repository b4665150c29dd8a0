/**
 * Batched delivery between two real connectors over loopback HTTP (fastify servers with the node
 * authentication the keten server does: 401 for a refusal, 503 with Retry-After for a check that
 * could not be made now), and the batch body's reader and one-time credentials on their own.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMemoryStore, type KetenStore } from '@keten/core';
import fc from 'fast-check';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveMembership } from '../identity/join.ts';
import { issueMembershipCredential } from '../identity/membership.ts';
import { openNodeIdentity } from '../identity/node-identity.ts';
import { signRequest } from '../identity/request-auth.ts';
import {
  applyBatch,
  BATCH_PATH,
  BatchCredentials,
  type BatchMessage,
  type BatchRun,
  MAX_BATCH_MESSAGES,
  readBatch,
} from './batch.ts';
import type { ResolvedNodeConfig } from './config.ts';
import { type CallingNode, type Connector, openConnector } from './connector.ts';

const NETWORK = 'batch-test';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface TestNode {
  readonly url: string;
  readonly connector: Connector;
  readonly store: KetenStore;
  readonly requests: string[];
  /** What the test route applied: `<message id> <body.n>`, in order. */
  readonly applied: string[];
  server?: FastifyInstance;
}

const folder = mkdtempSync(join(tmpdir(), 'keten-batch-'));
const nodes: TestNode[] = [];

function configOf(company: string, port: number, authority: ResolvedNodeConfig['authority']) {
  return {
    format: 'keten.node/v1',
    company,
    listen: { host: '127.0.0.1', port },
    publicUrl: `http://127.0.0.1:${port}`,
    dataDir: join(folder, company),
    network: '(test)',
    authority,
    partners: [],
    file: `(test ${company})`,
  } satisfies ResolvedNodeConfig;
}

/** A node; `member` joins the authority at `authorityNode` (its credential written as a join would). */
async function startNode(
  company: string,
  bpnl: string,
  options: { authorityOf?: TestNode; network?: string; listen?: boolean },
): Promise<TestNode> {
  const port = await freePort();
  const authority = options.authorityOf;
  const config = configOf(
    company,
    port,
    authority === undefined
      ? { self: { network: options.network ?? NETWORK, admit: 'open' } }
      : { url: authority.url },
  );
  if (authority !== undefined) {
    const member = await openNodeIdentity({
      baseUrl: config.publicUrl,
      dataDir: config.dataDir,
      bpnl,
      name: company,
    });
    if (!member.ok) throw new Error(member.error.message);
    const credential = await issueMembershipCredential({
      authority: authority.connector.identity,
      member: member.value,
      network: NETWORK,
    });
    const saved = await saveMembership(config.dataDir, {
      credential,
      authority: authority.connector.did,
      authorityUrl: authority.url,
      network: NETWORK,
      member: member.value.did,
      bpnl,
      name: company,
      expiresAt: new Date(Date.now() + 3600_000).toISOString(),
    });
    if (!saved.ok) throw new Error(saved.error.message);
  }
  const store = createMemoryStore();
  const opened = await openConnector({
    config,
    store,
    company: { bpnl, name: company },
    delivery: { backoff: { initialMs: 20, maxMs: 60 } },
  });
  if (!opened.ok) throw new Error(opened.error.message);
  const node: TestNode = { url: config.publicUrl, connector: opened.value, store, requests: [], applied: [] };
  const answeredOnce = new Set<number>();
  node.connector.addRoutes((scope) => {
    scope.post('/test/in', { config: { auth: { kind: 'node' } } } as never, async (request, reply) => {
      const caller = (request as unknown as { principal: { node: CallingNode } }).principal.node;
      const body = request.body as { n: number; answer?: number; once?: boolean };
      if (body.answer !== undefined && !(body.once === true && answeredOnce.has(body.n))) {
        answeredOnce.add(body.n);
        return reply.code(body.answer).send({ code: 'test', message: `answered ${body.answer}` });
      }
      const outcome = await node.store.exchange.commit({
        receipt: { key: `${caller.did} ${caller.messageId}`, from: caller.did, kind: 'test' },
        audit: [{ actor: caller.did, action: 'test.receive', resource: `n${body.n}`, outcome: 'applied' }],
      });
      if (outcome.status === 'committed') node.applied.push(`${caller.messageId} ${body.n}`);
      return { status: outcome.status };
    });
  });
  if (options.listen !== false) {
    const app = Fastify();
    app.addHook('onRequest', async (request) => {
      // The messages of a batch come through the routes too (with a batch credential): not counted.
      if (!BatchCredentials.isBatchHeader(request.headers.authorization))
        node.requests.push(`${request.method} ${request.url.split('?')[0]}`);
    });
    // What the keten server does for `node` routes (apps/server auth/authenticate.ts).
    app.addHook('preHandler', async (request: FastifyRequest, reply) => {
      const auth = (request.routeOptions.config as { auth?: { kind: string } }).auth;
      if (auth?.kind !== 'node') return;
      const outcome = await node.connector.authenticator.authenticate(request);
      if (!outcome.ok) {
        if (outcome.retryAfterSeconds !== undefined) {
          reply.header('retry-after', String(outcome.retryAfterSeconds));
          return reply.code(503).send({ error: { code: 'unavailable', message: outcome.error } });
        }
        return reply.code(401).send({ error: { code: 'unauthenticated', message: outcome.error } });
      }
      (request as unknown as { principal: unknown }).principal = { kind: 'node', node: outcome.value };
    });
    await app.register(async (scope) => node.connector.extension(scope));
    await app.listen({ host: '127.0.0.1', port });
    node.server = app;
  }
  node.connector.start();
  nodes.push(node);
  return node;
}

let oem: TestNode;
let supplier: TestNode;

beforeAll(async () => {
  oem = await startNode('oem', 'BPNL00000000OEM1', {});
  supplier = await startNode('supplier', 'BPNL000000000S01', { authorityOf: oem });
});

afterAll(async () => {
  for (const node of nodes) {
    await node.connector.close();
    await node.server?.close();
  }
  rmSync(folder, { recursive: true, force: true });
});

async function until(condition: () => Promise<boolean> | boolean, timeoutMs = 10_000): Promise<void> {
  const start = Date.now();
  while (!(await condition())) {
    if (Date.now() - start > timeoutMs) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const data = (id: string, to: string, body: Record<string, unknown>) => ({
  id,
  to,
  path: '/test/in',
  body,
  kind: 'test:data',
});

describe('batched delivery between two nodes', () => {
  it('sends a burst in one signed request and the receiver applies each message once, in order', async () => {
    await supplier.connector.delivery.stop();
    const ids = Array.from({ length: 7 }, (_, index) => `burst-${index}`);
    await supplier.connector.commit({ outbox: ids.map((id, n) => data(id, oem.url, { n })) });
    const before = oem.requests.length;
    supplier.connector.start();
    await until(async () => (await supplier.store.exchange.listMessages()).length === 0);
    expect(oem.applied.slice(-7)).toEqual(ids.map((id, n) => `${id} ${n}`));
    expect(oem.requests.slice(before).filter((line) => line.startsWith('POST'))).toEqual([
      `POST ${BATCH_PATH}`,
    ]);
    const delivered = await supplier.store.exchange.listMessages({ state: 'delivered' });
    expect(delivered.filter((m) => ids.includes(m.id)).map((m) => m.attempts)).toEqual(ids.map(() => 1));
    // Each message is in the receiver's audit trail as its own access.
    const trail = await oem.store.exchange.readAudit();
    expect(trail.filter((entry) => entry.action === 'test.receive').map((entry) => entry.resource)).toEqual(
      expect.arrayContaining(ids.map((_, n) => `n${n}`)),
    );
  });

  it('gives up a refused message, retries from one the receiver could not take yet, and keeps the order', async () => {
    await supplier.connector.delivery.stop();
    const bodies = [{ n: 1 }, { n: 2, answer: 422 }, { n: 3, answer: 409, once: true }, { n: 4 }];
    await supplier.connector.commit({
      outbox: bodies.map((body) => data(`mixed-${body.n}`, oem.url, body)),
    });
    supplier.connector.start();
    await until(async () => (await supplier.store.exchange.listMessages()).length === 0);
    expect(oem.applied.filter((line) => line.startsWith('mixed-'))).toEqual([
      'mixed-1 1',
      'mixed-3 3',
      'mixed-4 4',
    ]);
    const [abandoned] = await supplier.store.exchange.listMessages({ state: 'abandoned' });
    expect(abandoned?.id).toBe('mixed-2');
    expect(abandoned?.lastError).toMatch(/^422 from .*\/test\/in: test: answered 422/);
    const delivered = await supplier.store.exchange.listMessages({ state: 'delivered' });
    expect(delivered.find((m) => m.id === 'mixed-3')?.attempts).toBe(2);
    expect(delivered.find((m) => m.id === 'mixed-4')?.attempts).toBe(2);
  });

  it('refuses a tampered or replayed batch and a forged batch credential, and applies nothing of them', async () => {
    const body = JSON.stringify({ messages: [{ id: 'forged-1', path: '/test/in', body: { n: 99 } }] });
    const authorization = signRequest({
      identity: supplier.connector.identity,
      credential: supplier.connector.credential(),
      audience: oem.connector.did,
      method: 'POST',
      path: BATCH_PATH,
      body,
    });
    const post = (headers: Record<string, string>, text: string, path = BATCH_PATH) =>
      fetch(`${oem.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: text,
      });
    const tampered = await post({ authorization }, body.replace('99', '100'));
    expect(tampered.status).toBe(401);
    expect(await tampered.text()).toContain('tampered');
    const first = await post({ authorization }, body);
    expect(first.status).toBe(200);
    expect(((await first.json()) as { results: { status: number }[] }).results.map((r) => r.status)).toEqual([
      200,
    ]);
    const replayed = await post({ authorization }, body);
    expect(replayed.status).toBe(401);
    expect(await replayed.text()).toContain('replayed');
    const forged = await post(
      { authorization: 'Keten-Batch AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'keten-message-id': 'x' },
      JSON.stringify({ n: 98 }),
      '/test/in',
    );
    expect(forged.status).toBe(401);
    expect(oem.applied.filter((line) => line.startsWith('forged-'))).toEqual(['forged-1 99']);
    expect(oem.applied.some((line) => line.endsWith(' 98') || line.endsWith(' 100'))).toBe(false);
  });

  it('answers 503 with Retry-After when it cannot fetch the sender’s DID document now', async () => {
    // A member whose node is down: its DID document cannot be fetched (connection refused).
    const silent = await startNode('silent', 'BPNL000000000S09', { authorityOf: oem, listen: false });
    const body = JSON.stringify({ n: 1 });
    const response = await fetch(`${oem.url}/test/in`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'keten-message-id': 'silent-1',
        authorization: signRequest({
          identity: silent.connector.identity,
          credential: silent.connector.credential(),
          audience: oem.connector.did,
          method: 'POST',
          path: '/test/in',
          body,
        }),
      },
      body,
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    // The code says unavailable; the message says why, once (not 'unavailable: unavailable: …').
    expect(JSON.parse(await response.text())).toMatchObject({
      error: {
        code: 'unavailable',
        message: expect.stringMatching(/^cannot check the sender's signature now/),
      },
    });
    // Its outbox keeps such a message and tries again (not given up).
    await silent.connector.commit({ outbox: [data('silent-2', oem.url, { n: 2 })] });
    await until(async () => (await silent.store.exchange.listMessages())[0]?.attempts === 1);
    const [waiting] = await silent.store.exchange.listMessages();
    expect(waiting?.lastError).toMatch(/^503 from .*: unavailable: cannot check the sender's signature now/);
    expect(Date.parse(waiting!.nextAttemptAt) - Date.now()).toBeGreaterThan(3000);
    expect(await silent.store.exchange.listMessages({ state: 'abandoned' })).toEqual([]);
  });

  it('gives up on a real 401 (a node of another network) and keeps the messages, marked, in its outbox', async () => {
    const stranger = await startNode('stranger', 'BPNL0000000000X1', { network: 'elsewhere', listen: false });
    await stranger.connector.commit({
      outbox: [data('stranger-1', oem.url, { n: 1 }), data('stranger-2', oem.url, { n: 2 })],
    });
    await until(
      async () => (await stranger.store.exchange.listMessages({ state: 'abandoned' })).length === 2,
    );
    const abandoned = await stranger.store.exchange.listMessages({ state: 'abandoned' });
    expect(abandoned.map((m) => [m.id, m.attempts])).toEqual([
      ['stranger-1', 1],
      ['stranger-2', 1],
    ]);
    expect(abandoned[0]!.lastError).toMatch(/^401 from .*: unauthenticated: not-a-member: /);
    expect(oem.applied.some((line) => line.startsWith('stranger-'))).toBe(false);
  });
});

describe('batch request body', () => {
  it('reads messages and names the field that is wrong', () => {
    expect(readBatch({ messages: [{ id: 'a', path: '/exchange/push/1', body: { x: 1 } }] })).toEqual({
      ok: true,
      value: [{ id: 'a', path: '/exchange/push/1', body: { x: 1 } }],
    });
    const problems: [unknown, RegExp][] = [
      [null, /the body must be/],
      [{ messages: [] }, /1 to 500 messages, not 0/],
      [
        { messages: Array.from({ length: MAX_BATCH_MESSAGES + 1 }, (_, i) => ({ id: `${i}`, path: '/a' })) },
        /not 501/,
      ],
      [{ messages: [5] }, /messages\[0\] is not an object/],
      [{ messages: [{ id: '', path: '/a' }] }, /messages\[0\]\.id must be/],
      [{ messages: [{ id: 'a\nb', path: '/a' }] }, /messages\[0\]\.id must be/],
      [
        {
          messages: [
            { id: 'a', path: '/a' },
            { id: 'a', path: '/b' },
          ],
        },
        /messages\[1\]\.id "a" comes twice/,
      ],
      [{ messages: [{ id: 'a', path: 'http://evil/a' }] }, /messages\[0\]\.path must be a path/],
      [{ messages: [{ id: 'a', path: '//evil/a' }] }, /messages\[0\]\.path must be a path/],
      [{ messages: [{ id: 'a', path: '/x/../api/v1/users' }] }, /messages\[0\]\.path must be a path/],
      [{ messages: [{ id: 'a', path: BATCH_PATH }] }, /may not be the batch endpoint/],
    ];
    for (const [body, message] of problems) {
      const read = readBatch(body);
      expect(read.ok).toBe(false);
      if (!read.ok) expect(read.error).toMatch(message);
    }
  });

  it('never throws on any JSON, and what it accepts is well formed (property)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.jsonValue(),
          fc.record({
            messages: fc.array(fc.record({ id: fc.string(), path: fc.string(), body: fc.jsonValue() })),
          }),
        ),
        (body) => {
          const read = readBatch(body);
          if (!read.ok) return typeof read.error === 'string' && read.error.length > 0;
          return read.value.every(
            (message) =>
              message.id.length > 0 && message.path.startsWith('/') && !message.path.startsWith('//'),
          );
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('hands out one-time credentials bound to one message', () => {
    const credentials = new BatchCredentials<string>();
    const { header, revoke } = credentials.issue('caller', 'm1');
    expect(credentials.take(header, 'm2')).toBeUndefined();
    expect(credentials.take(header, 'm1')).toBe('caller');
    expect(credentials.take(header, 'm1')).toBeUndefined();
    const second = credentials.issue('caller', 'm3');
    second.revoke();
    expect(credentials.take(second.header, 'm3')).toBeUndefined();
    revoke();
    expect(credentials.take('Bearer x', 'm1')).toBeUndefined();
    expect(BatchCredentials.isBatchHeader(header)).toBe(true);
    expect(BatchCredentials.isBatchHeader('Bearer abc')).toBe(false);
  });

  it('hands runs of the messages a route takes to it at once, in order, and stops at an answer to retry', async () => {
    const message = (id: string, path: string) => ({ id, path, body: { id } });
    const calls: string[] = [];
    const single = async (entry: BatchMessage) => {
      calls.push(`one ${entry.id}`);
      return { status: entry.id === 'x' ? 503 : 200 };
    };
    const pushes: BatchRun = {
      takes: (entry) => entry.path.startsWith('/push/'),
      handle: async (run) => {
        calls.push(`run ${run.map((entry) => entry.id).join(',')}`);
        // A refusal for good does not stop the run; a 409 does, and what follows is not answered.
        const answers = run.map((entry) => ({
          status: entry.id === 'bad' ? 422 : entry.id === 'late' ? 409 : 200,
        }));
        const stop = answers.findIndex((answer) => answer.status === 409);
        return stop < 0 ? answers : answers.slice(0, stop + 1);
      },
    };
    const messages = [
      message('a', '/push/1'),
      message('bad', '/push/2'),
      message('c', '/push/1'),
      message('d', '/other'),
      message('e', '/push/3'),
      message('late', '/push/3'),
      message('never', '/push/3'),
      message('f', '/other'),
    ];
    const answer = await applyBatch(messages, single, [pushes]);
    expect(calls).toEqual(['run a,bad,c', 'one d', 'run e,late,never']);
    expect(answer.results.map((result) => `${result.id} ${result.status}`)).toEqual([
      'a 200',
      'bad 422',
      'c 200',
      'd 200',
      'e 200',
      'late 409',
    ]);
    // A run answered short (the route stopped) ends the batch there too.
    const short: BatchRun = {
      takes: () => true,
      handle: async (run) => run.slice(0, 1).map(() => ({ status: 200 })),
    };
    expect((await applyBatch(messages, single, [short])).results.map((result) => result.id)).toEqual(['a']);
    // Without runs every message goes alone, and a 503 stops the batch.
    calls.length = 0;
    const alone = await applyBatch([message('a', '/push/1'), message('x', '/o'), message('b', '/o')], single);
    expect(calls).toEqual(['one a', 'one x']);
    expect(alone.results.map((result) => result.status)).toEqual([200, 503]);
  });
});
