/**
 * Identity over real HTTP on 127.0.0.1 with the global fetch: two node:http servers serve their DID
 * documents where did:web says they are; one is the membership authority. The supplier joins, then
 * sends a signed request that the authority verifies from the raw bytes it received.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { createMembershipAuthority, JOIN_REFUSAL_STATUS, type MembershipAuthority } from './authority.ts';
import { didDocument, didDocumentPath, didFromBaseUrl } from './did.ts';
import { requestMembership } from './join.ts';
import { generateNodeKeys } from './keys.ts';
import type { NodeIdentity } from './node-identity.ts';
import { MemoryReplayGuard } from './replay-guard.ts';
import {
  AUTH_FAILURE_STATUS,
  createRequestVerifier,
  type RequestVerifier,
  signRequest,
} from './request-auth.ts';
import { createDidResolver } from './resolver.ts';

const servers: Server[] = [];
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
});

interface Node {
  baseUrl: string;
  identity: NodeIdentity;
  authority?: MembershipAuthority;
  verifier?: RequestVerifier;
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function startNode(path: string, bpnl: string, name: string): Promise<Node> {
  const node = {} as Node;
  const server = createServer((request, response) => void handle(node, request, response));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  node.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  const did = didFromBaseUrl(node.baseUrl);
  if (!did.ok) throw new Error(did.error.message);
  node.identity = { did: did.value, keys: await generateNodeKeys(), bpnl, name };
  return node;
}

async function handle(node: Node, request: IncomingMessage, response: ServerResponse): Promise<void> {
  const body = await readBody(request);
  const reply = (status: number, value: unknown) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(value));
  };
  const documentPath = didDocumentPath(node.baseUrl);
  if (request.method === 'GET' && documentPath.ok && request.url === documentPath.value) {
    return reply(
      200,
      didDocument({
        did: node.identity.did,
        keys: node.identity.keys,
        dspEndpoint: `${node.baseUrl}/dsp/catalog`,
      }),
    );
  }
  if (
    request.method === 'POST' &&
    request.url?.endsWith('/membership/join') &&
    node.authority !== undefined
  ) {
    const answer = await node.authority.handleJoinRequest(JSON.parse(body.toString('utf8')));
    return answer.ok
      ? reply(200, answer.value)
      : reply(JOIN_REFUSAL_STATUS[answer.error.reason], answer.error);
  }
  if (node.verifier !== undefined) {
    const sender = await node.verifier.verifyRequest({
      authorization: request.headers.authorization,
      method: request.method ?? '',
      path: request.url ?? '',
      body,
    });
    return sender.ok
      ? reply(200, { from: sender.value.bpnl })
      : reply(AUTH_FAILURE_STATUS[sender.error.reason], sender.error);
  }
  reply(404, { message: 'not found' });
}

describe('identity over loopback HTTP', () => {
  it('joins a network and authenticates a request between two real servers', async () => {
    const oem = await startNode('/nodes/oem', 'BPNL00000000OEM1', 'OEM');
    const supplier = await startNode('/nodes/s1', 'BPNL000000000S01', 'Supplier 1');
    const resolver = createDidResolver({ timeoutMs: 2_000 });
    oem.authority = createMembershipAuthority({
      identity: oem.identity,
      network: 'keten-demo',
      admission: { kind: 'listed', members: [{ bpnl: 'BPNL000000000S01' }] },
      resolver,
    });
    oem.verifier = createRequestVerifier({
      did: oem.identity.did,
      resolver,
      trustedAuthorities: [oem.identity.did],
      network: 'keten-demo',
      replayGuard: new MemoryReplayGuard({ since: Math.floor(Date.now() / 1000) - 1 }),
    });

    const joined = await requestMembership(oem.baseUrl, supplier.identity);
    if (!joined.ok) throw new Error(joined.error.message);
    expect(joined.value.authority).toBe(oem.identity.did);

    const path = '/nodes/oem/dsp/negotiations/request?state=REQUESTED';
    const body = JSON.stringify({ '@type': 'ContractRequestMessage', note: 'Grüße' });
    const send = (authorization: string, sentBody = body) =>
      fetch(`${oem.baseUrl.replace('/nodes/oem', '')}${path}`, {
        method: 'POST',
        headers: { authorization, 'content-type': 'application/json' },
        body: sentBody,
      });
    const signed = () =>
      signRequest({
        identity: supplier.identity,
        credential: joined.value.credential,
        audience: oem.identity.did,
        method: 'POST',
        path,
        body,
      });
    const authorization = signed();
    const accepted = await send(authorization);
    expect(await accepted.json()).toEqual({ from: 'BPNL000000000S01' });
    const replayed = await send(authorization);
    expect(replayed.status).toBe(401);
    expect(((await replayed.json()) as { reason: string }).reason).toBe('replayed');
    const tampered = await send(signed(), body.replace('Grüße', 'Gruesse'));
    expect(((await tampered.json()) as { reason: string }).reason).toBe('tampered');
  });

  it('times out on an authority that never answers', async () => {
    const silent = createServer(() => undefined);
    servers.push(silent);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const supplier = await startNode('/nodes/s2', 'BPNL000000000S02', 'Supplier 2');
    const joined = await requestMembership(
      `http://127.0.0.1:${(silent.address() as AddressInfo).port}`,
      supplier.identity,
      {
        timeoutMs: 300,
      },
    );
    expect(!joined.ok && joined.error.message).toContain('no answer within 300 ms');
    silent.closeAllConnections();
  });
});
