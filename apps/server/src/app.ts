/**
 * @module app
 * `createServer`: keten's HTTP API as a Fastify instance, not yet listening — for `app.inject` in
 * tests and for embedding. `start.ts` makes it listen and shuts it down gracefully.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type Clock, type KetenStore, systemClock } from '@keten/core';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { pino } from 'pino';
import packageJson from '../package.json' with { type: 'json' };
import { installAuthentication } from './auth/authenticate.ts';
import { LoginLimiter, type LoginLimits } from './auth/login-limiter.ts';
import type { NodeAuthenticator } from './auth/policy.ts';
import { TicketBook, type TicketOptions } from './auth/tickets.ts';
import { ApiError, toApiError } from './errors.ts';
import { ImportThread } from './jobs/import-thread.ts';
import { type JobLimits, JobQueue } from './jobs/job-queue.ts';
import { type LoggerSetting, serverLogger } from './logging.ts';
import { registerOpenApi } from './openapi.ts';
import { PlanCache, type PlanCacheLimits } from './plan-cache.ts';
import { Replanner } from './replanner.ts';
import { chainStatusRoutes } from './routes/chain-status.ts';
import type { RouteContext } from './routes/context.ts';
import { eventRoutes } from './routes/events.ts';
import { healthRoutes } from './routes/health.ts';
import { jobRoutes } from './routes/jobs.ts';
import { networkViewRoutes } from './routes/network-views.ts';
import { networkRoutes } from './routes/networks.ts';
import { planRoutes } from './routes/plan.ts';
import { planViewRoutes } from './routes/plan-views.ts';
import { reshoreRoutes } from './routes/reshore.ts';
import { sessionRoutes } from './routes/session.ts';
import { simulateRoutes } from './routes/simulate.ts';
import { sourcingRoutes } from './routes/sourcing.ts';
import { streamRoutes } from './routes/stream.ts';
import { stressRoutes } from './routes/stress.ts';
import { tokenRoutes } from './routes/tokens.ts';
import { userRoutes } from './routes/users.ts';
import { webRoutes } from './routes/web.ts';
import { StreamHub, type StreamLimits } from './stream-hub.ts';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from './validation.ts';
import { VersionCache } from './version-cache.ts';

/** The version of the server, as `/health` and the OpenAPI document report it. */
export const SERVER_VERSION: string = packageJson.version;

/** 512 MiB: a generated 60,000-company network with its open orders is about 280 MB as JSON. */
export const DEFAULT_BODY_LIMIT = 512 * 1024 * 1024;
/** 32 MiB: YAML is for networks people write; large ones are JSON (YAML parsing needs far more memory). */
export const DEFAULT_YAML_BODY_LIMIT = 32 * 1024 * 1024;
/** Bodies of routes other than imports and events (users, tokens, login). */
const SMALL_BODY_LIMIT = 1024 * 1024;
/** Session tokens from `POST /api/v1/session` live 12 hours. */
export const DEFAULT_SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export interface ServerOptions {
  readonly store: KetenStore;
  /** pino options, a pino logger, or `false` for no logs. Default: JSON at level info on stdout. */
  readonly logger?: LoggerSetting;
  readonly clock?: Clock;
  /** The URL clients reach the server at, for the OpenAPI document (e.g. behind a proxy). */
  readonly publicUrl?: string;
  /** Largest request body (a network import) in bytes; default 512 MiB. */
  readonly bodyLimit?: number;
  /** Largest YAML network import in bytes; default 32 MiB (never above `bodyLimit`). */
  readonly yamlBodyLimit?: number;
  /** Lifetime of a login session token; default 12 hours. */
  readonly sessionTtlMs?: number;
  /** Limits on failed logins (per user name, per address, window). */
  readonly loginLimits?: Partial<LoginLimits>;
  /** Trust X-Forwarded-* from a proxy in front (Fastify's `trustProxy`), for client addresses. */
  readonly trustProxy?: boolean | string | string[];
  /** Authenticates other companies' nodes on `node` routes (the connector provides it). */
  readonly nodeAuthenticator?: NodeAuthenticator;
  /**
   * Routes other packages add (e.g. the connector's Dataspace Protocol endpoints), each in its own
   * plugin scope, under the same authentication, errors, validation (zod schemas) and OpenAPI document.
   * Every route declares `config.auth`; one that does not needs a viewer.
   */
  readonly extensions?: readonly ServerExtension[];
  /**
   * The folder of the built web app to serve at `/` (default apps/web/dist, made by `npm run
   * build:web`), or `false` to serve none.
   */
  readonly web?: string | false;
  /** Limits of the job queue (stress tests, sourcing, simulation jobs); see `jobs/job-queue.ts`. */
  readonly jobs?: Partial<JobLimits>;
  /** How many plans the plan views keep; see `plan-cache.ts`. */
  readonly plans?: Partial<PlanCacheLimits>;
  /** Limits of the live stream (`GET /api/v1/stream`) and its tickets; see `stream-hub.ts`. */
  readonly stream?: Partial<StreamLimits> & { readonly tickets?: TicketOptions };
}

/** Adds routes to the server; see `ServerOptions.extensions`. */
export type ServerExtension = (app: FastifyInstance) => Promise<void> | void;

/**
 * keten's HTTP API on `store`, ready for `inject` or `listen`. The caller owns the store: closing the
 * server does not close it (`startServer` does).
 *
 * @example
 * const app = await createServer({ store: createMemoryStore(), logger: false });
 * const response = await app.inject({ method: 'GET', url: '/health' });
 */
export async function createServer(options: ServerOptions): Promise<FastifyInstance> {
  const clock = options.clock ?? systemClock;
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const logger = serverLogger(options.logger);
  const app = Fastify({
    loggerInstance: logger ?? pino({ enabled: false }),
    bodyLimit,
    genReqId: requestId,
    // The request id is ours (validated), not whatever a client sends.
    requestIdHeader: false,
    ...(options.trustProxy === undefined ? {} : { trustProxy: options.trustProxy }),
    // A closing server answers new requests itself, in our error format (see the onRequest hook).
    return503OnClosing: false,
    routerOptions: { maxParamLength: 500 },
    frameworkErrors: (error, request, reply) => sendError(error, request, reply),
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler((error, request, reply) => sendError(error, request, reply));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      new ApiError('not-found', `no endpoint ${request.method} ${request.url.split('?')[0]}`),
      request,
      reply,
    ),
  );

  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (closing) {
      reply.header('connection', 'close');
      throw new ApiError('unavailable', 'the server is shutting down');
    }
  });
  app.addHook('onSend', async (request, reply) => {
    // While shutting down, answers in flight close their connection, so no idle keep-alive holds it up.
    if (closing) reply.header('connection', 'close');
    reply.header('x-request-id', request.id);
    reply.header('x-content-type-options', 'nosniff');
    if (reply.getHeader('cache-control') === undefined) reply.header('cache-control', 'no-store');
  });

  const tickets = new TicketBook(options.store.access, clock, options.stream?.tickets);
  installAuthentication(app, {
    access: options.store.access,
    clock,
    tickets,
    nodeAuthenticator: options.nodeAuthenticator,
  });
  await registerOpenApi(app, { version: SERVER_VERSION, publicUrl: options.publicUrl });

  const versions = new VersionCache(options.store, app.log);
  const replanner = new Replanner(options.store, clock, app.log, {
    ...versions.planningSource(),
    appendEvents: (events) => options.store.events.append(events),
  });
  const jobs = new JobQueue(clock, app.log, options.jobs);
  const context: RouteContext = {
    store: options.store,
    clock,
    version: SERVER_VERSION,
    connector: options.nodeAuthenticator !== undefined,
    bodyLimit,
    yamlBodyLimit: Math.min(options.yamlBodyLimit ?? DEFAULT_YAML_BODY_LIMIT, bodyLimit),
    smallBodyLimit: Math.min(SMALL_BODY_LIMIT, bodyLimit),
    loginLimiter: new LoginLimiter(clock, options.loginLimits),
    sessionTtlMs: options.sessionTtlMs ?? DEFAULT_SESSION_TTL_MS,
    replanner,
    imports: new ImportThread(),
    jobs,
    tickets,
    stream: new StreamHub(
      options.store.events,
      options.store.access,
      () => clock.now(),
      app.log,
      {
        subscribeJobs: (listener) => jobs.subscribe(listener),
        subscribeReplans: (listener) => replanner.subscribe(listener),
      },
      options.stream,
    ),
    versions,
    plans: new PlanCache(options.store, versions, () => clock.now(), app.log, options.plans),
  };
  // Open streams never end by themselves: end them before the server waits for its connections.
  app.addHook('preClose', () => context.stream.close());
  // Closing ends the threads that hold plans with pegging.
  app.addHook('onClose', () => context.plans.close());
  // Closing ends the import thread (an import it holds fails).
  app.addHook('onClose', () => context.imports.close());
  // Closing cancels the jobs and waits for their threads to stop.
  app.addHook('onClose', () => context.jobs.close());
  // Closing waits for the re-plan that is running (queued ones are dropped), so it never outlives the store.
  app.addHook('onClose', () => context.replanner.close());
  healthRoutes(app, context);
  await app.register(
    async (api) => {
      // Small bodies everywhere but imports and events, which set their own limits.
      api.addHook('onRoute', (route) => {
        route.bodyLimit ??= context.smallBodyLimit;
      });
      await api.register(async (scope) => networkRoutes(scope, context));
      networkViewRoutes(api, context);
      planRoutes(api, context);
      planViewRoutes(api, context);
      chainStatusRoutes(api, context);
      await api.register(async (scope) => simulateRoutes(scope, context));
      await api.register(async (scope) => reshoreRoutes(scope));
      jobRoutes(api, context);
      stressRoutes(api, context);
      sourcingRoutes(api, context);
      streamRoutes(api, context);
      eventRoutes(api, context);
      sessionRoutes(api, context);
      tokenRoutes(api, context);
      userRoutes(api, context);
    },
    { prefix: '/api/v1' },
  );
  for (const extension of options.extensions ?? []) {
    await app.register(async (scope) => {
      // Node routes parse the body before they authenticate (a signature covers it): keep bodies small
      // unless a route asks for more.
      scope.addHook('onRoute', (route) => {
        route.bodyLimit ??= context.smallBodyLimit;
      });
      await extension(scope as unknown as FastifyInstance);
    });
  }
  if (options.web !== false) webRoutes(app as unknown as FastifyInstance, options.web);
  await app.ready();
  return app as unknown as FastifyInstance;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/** The client's X-Request-Id when it is a sane token (for tracing across services), else a new UUID. */
function requestId(request: IncomingMessage): string {
  const header = request.headers['x-request-id'];
  return typeof header === 'string' && REQUEST_ID.test(header) ? header : randomUUID();
}

function sendError(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const contentType = request.headers['content-type'];
  const apiError = toApiError(error, contentType === undefined ? {} : { contentType });
  if (apiError === undefined) {
    request.log.error({ err: error }, 'unexpected error');
    const internal = new ApiError('internal', 'an unexpected error occurred; the server log has the details');
    return reply.code(500).type('application/json').send(internal.toBody(request.id));
  }
  if (error instanceof ApiError && apiError.headers['retry-after'] !== undefined) {
    // Transient by design (e.g. a partner's DID document that could not be fetched in time): the
    // caller is told when to try again, so this is no fault of the server and carries no stack.
    request.log.info(
      { code: apiError.code, status: apiError.statusCode, retryAfter: apiError.headers['retry-after'] },
      apiError.message,
    );
  } else if (apiError.statusCode >= 500) request.log.error({ err: error }, apiError.message);
  else if (!(error instanceof ApiError)) {
    request.log.info({ code: (error as FastifyError).code, status: apiError.statusCode }, apiError.message);
  }
  return reply
    .code(apiError.statusCode)
    .headers(apiError.headers)
    .type('application/json')
    .send(apiError.toBody());
}
