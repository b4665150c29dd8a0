/**
 * @module routes/context
 * What every group of routes gets: the store, the clock, limits, the re-planner, and the Fastify
 * instance typed with zod schemas.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock, KetenStore } from '@keten/core';
import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawServerDefault } from 'fastify';
import type { LoginLimiter } from '../auth/login-limiter.ts';
import type { UserPrincipal } from '../auth/policy.ts';
import type { TicketBook } from '../auth/tickets.ts';
import { ApiError } from '../errors.ts';
import type { ImportThread } from '../jobs/import-thread.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { PlanCache } from '../plan-cache.ts';
import type { Replanner } from '../replanner.ts';
import type { StreamHub } from '../stream-hub.ts';
import type { ZodTypeProvider } from '../validation.ts';
import type { VersionCache } from '../version-cache.ts';

export type Api = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface RouteContext {
  readonly store: KetenStore;
  readonly clock: Clock;
  readonly version: string;
  /** The node has a connector (a company node of a network): `GET /health` says so. */
  readonly connector?: boolean;
  /** Largest network import in bytes. */
  readonly bodyLimit: number;
  /** Largest YAML network import in bytes (YAML is for files people write; large networks are JSON). */
  readonly yamlBodyLimit: number;
  /** Largest body of every other route. */
  readonly smallBodyLimit: number;
  readonly loginLimiter: LoginLimiter;
  readonly sessionTtlMs: number;
  /** Re-plans networks, one at a time, and keeps their last plans and changes. */
  readonly replanner: Replanner;
  /** Loads imported networks, the large ones in a thread of their own. */
  readonly imports: ImportThread;
  /** Long-running work (stress tests, sourcing, simulation jobs): bounded, per user. */
  readonly jobs: JobQueue;
  /** The last versions read or imported, parsed once, with their graphs (network and plan views). */
  readonly versions: VersionCache;
  /** The latest plan per network version, for the plan views. */
  readonly plans: PlanCache;
  /** Stream tickets (`POST /api/v1/stream/ticket`) and the live stream. */
  readonly tickets: TicketBook;
  readonly stream: StreamHub;
}

/** The authenticated user of a `user` route (the auth hook has run). */
export function currentUser(request: FastifyRequest): UserPrincipal {
  const principal = request.principal;
  if (principal?.kind !== 'user') {
    // A route that calls this without a `user` policy is a bug, not a client error.
    throw new Error(`route ${request.routeOptions.url ?? '?'} needs a user policy`);
  }
  return principal;
}

export function notFound(message: string): ApiError {
  return new ApiError('not-found', message);
}
