import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { body, testServer } from '../test-support.ts';
import { hasRole, NODE, type NodeAuthenticator, PUBLIC, requireRole } from './policy.ts';

/** A stand-in for the connector: one node route, one public route, one route that declares nothing. */
async function dataspaceRoutes(app: FastifyInstance): Promise<void> {
  app.post(
    '/dsp/catalog/request',
    {
      config: { auth: NODE },
      schema: { summary: 'Catalog request', tags: ['dataspace'], body: z.object({ '@type': z.string() }) },
    },
    async (request) => ({
      caller: request.principal?.kind === 'node' ? request.principal.node.id : undefined,
    }),
  );
  app.get(
    '/.well-known/keten',
    { config: { auth: PUBLIC }, schema: { summary: 'Identity', tags: ['dataspace'] } },
    async () => ({
      id: 'did:web:oem.example',
    }),
  );
  app.get(
    '/dsp/forgot-policy',
    { schema: { summary: 'Declares no policy', tags: ['dataspace'] } },
    async () => ({}),
  );
}

const signedBy = (id: string | undefined): NodeAuthenticator => ({
  authenticate: async (request) =>
    id !== undefined && request.headers['x-signature'] === 'valid'
      ? { ok: true, value: { id } }
      : { ok: false, error: 'the message is not signed by a known node' },
});

describe('route policies', () => {
  it('orders roles viewer < planner < admin', () => {
    expect(hasRole('admin', 'planner')).toBe(true);
    expect(hasRole('planner', 'planner')).toBe(true);
    expect(hasRole('viewer', 'planner')).toBe(false);
    expect(requireRole('admin')).toEqual({ kind: 'user', role: 'admin' });
  });

  it('authenticates node routes with the node authenticator, after the body is parsed', async () => {
    const server = await testServer({
      extensions: [dataspaceRoutes],
      nodeAuthenticator: signedBy('did:web:tier1'),
    });
    const call = (signature: string) =>
      server.app.inject({
        method: 'POST',
        url: '/dsp/catalog/request',
        headers: { 'x-signature': signature },
        payload: { '@type': 'dspace:CatalogRequestMessage' },
      });
    const accepted = await call('valid');
    expect(accepted.statusCode).toBe(200);
    expect(body(accepted)).toEqual({ caller: 'did:web:tier1' });
    const refused = await call('forged');
    expect(refused.statusCode).toBe(401);
    expect(body(refused)).toEqual({
      error: { code: 'unauthenticated', message: 'the message is not signed by a known node' },
    });
    // A user token is no node identity.
    const asUser = await server.as('admin', {
      method: 'POST',
      url: '/dsp/catalog/request',
      payload: { '@type': 'x' },
    });
    expect(asUser.statusCode).toBe(401);
    await server.close();
  });

  it('answers node routes with 503 while no authenticator is configured', async () => {
    const server = await testServer({ extensions: [dataspaceRoutes] });
    const response = await server.app.inject({
      method: 'POST',
      url: '/dsp/catalog/request',
      payload: { '@type': 'x' },
    });
    expect(response.statusCode).toBe(503);
    await server.close();
  });

  it('fails closed: a route without a policy needs a viewer', async () => {
    const server = await testServer({ extensions: [dataspaceRoutes] });
    expect((await server.app.inject({ method: 'GET', url: '/dsp/forgot-policy' })).statusCode).toBe(401);
    expect((await server.as('viewer', { method: 'GET', url: '/dsp/forgot-policy' })).statusCode).toBe(200);
    expect((await server.app.inject({ method: 'GET', url: '/.well-known/keten' })).statusCode).toBe(200);
    const document = body<{ paths: Record<string, unknown> }>(
      await server.app.inject({ method: 'GET', url: '/openapi.json' }),
    );
    expect(Object.keys(document.paths)).toContain('/dsp/catalog/request');
    await server.close();
  });
});
