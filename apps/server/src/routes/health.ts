/**
 * @module routes/health
 * `GET /health`: for load balancers, orchestrators and people. No authentication; tells only whether
 * the server and its store answer, the version, and whether the node has a connector (the web app
 * lists the Agreements and Audit pages then).
 */

import { Health } from '../api-schemas.ts';
import { PUBLIC } from '../auth/policy.ts';
import type { Api, RouteContext } from './context.ts';

/** How long the store may take to answer before the node counts as unavailable. */
const STORE_TIMEOUT_MS = 2_000;

export function healthRoutes(app: Api, context: RouteContext): void {
  app.get(
    '/health',
    {
      config: { auth: PUBLIC },
      schema: {
        summary: 'Whether the server and its store are up',
        tags: ['health'],
        response: { 200: Health.describe('Up'), 503: Health.describe('The store does not answer') },
      },
    },
    async (request, reply) => {
      const reachable = await storeAnswers(context, request.log);
      reply.code(reachable ? 200 : 503);
      return {
        status: reachable ? 'ok' : 'unavailable',
        version: context.version,
        store: reachable ? 'reachable' : 'unreachable',
        connector: context.connector === true,
      } as const;
    },
  );
}

async function storeAnswers(context: RouteContext, log: Api['log']): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), STORE_TIMEOUT_MS);
  });
  // The cheapest question every store answers: events after the last possible sequence (none).
  const probe = context.store.events.read({ after: Number.MAX_SAFE_INTEGER, limit: 1 }).then(
    () => true,
    (error: unknown) => {
      log.warn({ err: error }, 'health check: the store did not answer');
      return false;
    },
  );
  try {
    return await Promise.race([probe, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
