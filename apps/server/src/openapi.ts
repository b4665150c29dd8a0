/**
 * @module openapi
 * The OpenAPI 3.1 document at `/openapi.json`, built by @fastify/swagger from the routes' zod schemas,
 * and the docs page at `/docs` (@fastify/swagger-ui, served from the package: no CDN, because plants
 * often have no internet). Both are public. Each route's `config.auth` decides its `security`: public
 * routes need none, the others the bearer scheme.
 */
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { PUBLIC } from './auth/policy.ts';
import { componentNames } from './validation.ts';

export interface OpenApiOptions {
  readonly version: string;
  readonly publicUrl?: string | undefined;
}

type JsonSchema = Record<string, unknown>;

const REQUEST_PARTS = ['body', 'querystring', 'params', 'headers'] as const;

/** Registers the document and the docs page. Call before the routes are added. */
export async function registerOpenApi(app: FastifyInstance, options: OpenApiOptions): Promise<void> {
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'keten API',
        version: options.version,
        description:
          'The HTTP API of a keten node: networks with versions, chain-deep planning, the event log, users and tokens.\n\n' +
          'Every endpoint but `/health`, `/openapi.json` and `/docs` needs `Authorization: Bearer <token>`: ' +
          'an API token (`POST /api/v1/tokens`) or a session token (`POST /api/v1/session`). ' +
          'Errors are `{ "error": { "code", "message", "details"? } }` with a stable `code`.',
        license: { name: 'Apache-2.0', identifier: 'Apache-2.0' },
      },
      ...(options.publicUrl === undefined ? {} : { servers: [{ url: options.publicUrl }] }),
      components: {
        securitySchemes: {
          bearer: {
            type: 'http',
            scheme: 'bearer',
            bearerFormat: 'ktn_<id>_<secret>',
            description: 'An API token or a session token of a user of this node.',
          },
        },
        schemas: componentSchemas() as never,
      },
      security: [{ bearer: [] }],
      tags: [
        { name: 'health', description: 'Is the node up' },
        { name: 'networks', description: 'Network models with versions' },
        { name: 'planning', description: 'Chain-deep plans of stored networks' },
        { name: 'simulation', description: 'Monte Carlo simulation of scenarios on stored networks' },
        { name: 'decisions', description: 'Decision calculators: reshoring' },
        {
          name: 'jobs',
          description:
            'Long-running work (stress tests, sourcing, simulations): state, progress, result, cancel',
        },
        { name: 'events', description: 'The append-only, idempotent event log' },
        { name: 'live', description: 'The live stream: events, re-plans and jobs as server-sent events' },
        { name: 'session', description: 'Log in and out; who you are' },
        { name: 'tokens', description: 'API tokens' },
        { name: 'users', description: 'Accounts and roles (admins)' },
      ],
    },
    transform: ({ schema, url, route }) => {
      const converted = convertRouteSchema((schema ?? {}) as JsonSchema);
      const policy = route.config?.auth;
      if (policy?.kind === 'public') converted.security = [];
      return { schema: converted as never, url };
    },
  });

  app.get(
    '/openapi.json',
    { config: { auth: PUBLIC }, schema: { hide: true } },
    async () => app.swagger() as unknown,
  );

  await app.register(async (docs) => {
    // Everything the docs plugin serves (page, assets, its copy of the document) is public.
    docs.addHook('onRoute', (route) => {
      route.config = { ...route.config, auth: PUBLIC };
    });
    await docs.register(fastifySwaggerUi, {
      routePrefix: '/docs',
      uiConfig: { docExpansion: 'list', deepLinking: true, persistAuthorization: false },
      staticCSP: true,
      // No third-party validator badge: the page works offline and calls no one.
      validatorUrl: false,
    });
  });
}

/** The zod schemas registered with `component()`, as OpenAPI components. */
function componentSchemas(): Record<string, JsonSchema> {
  const schemas: Record<string, JsonSchema> = {};
  for (const [schema, name] of componentNames()) {
    if (schemas[name] === undefined) schemas[name] = toJsonSchema(schema, 'output', schema);
  }
  return schemas;
}

/** A route schema with every zod schema in it turned into JSON Schema. */
function convertRouteSchema(schema: JsonSchema): JsonSchema {
  const converted: JsonSchema = { ...schema };
  for (const part of REQUEST_PARTS) {
    const value = schema[part];
    if (value instanceof z.ZodType) converted[part] = toJsonSchema(value, 'input');
    else if (part === 'body' && isContentMap(value)) {
      converted.body = {
        content: Object.fromEntries(
          Object.entries(value.content).map(([type, media]) => [
            type,
            {
              schema: media.schema instanceof z.ZodType ? toJsonSchema(media.schema, 'input') : media.schema,
            },
          ]),
        ),
      };
    }
  }
  const response = schema.response;
  if (typeof response === 'object' && response !== null) {
    converted.response = Object.fromEntries(
      Object.entries(response).map(([status, value]) => [
        status,
        value instanceof z.ZodType ? responseSchema(status, value) : value,
      ]),
    );
  }
  return converted;
}

/** What each status means, for responses whose schema does not describe itself. */
const STATUS_DESCRIPTIONS: Readonly<Record<string, string>> = {
  200: 'OK',
  201: 'Created',
  204: 'No content',
  400: 'Invalid request (`invalid-request`)',
  401: 'No valid token (`unauthenticated`)',
  403: 'The role does not allow this (`forbidden`)',
  404: 'Not found (`not-found`)',
  409: 'Conflicts with what is stored (`conflict`)',
  413: 'The body is too large (`payload-too-large`)',
  415: 'Unsupported content-type (`unsupported-media-type`)',
  422: 'The network (`invalid-network`), the scenario (`invalid-scenario`) or the reshoring case (`invalid-case`) is invalid; `issues` lists every problem',
  429: 'Too many requests (failed logins, simulations or jobs waiting); see Retry-After (`rate-limited`)',
  500: 'A bug; the answer carries a request id to look for in the log (`internal`)',
  503: 'Unavailable (`unavailable`)',
};

function responseSchema(status: string, schema: z.ZodType): JsonSchema {
  const description =
    (Number(status) >= 400 ? STATUS_DESCRIPTIONS[status] : schema.description) ??
    STATUS_DESCRIPTIONS[status] ??
    'Response';
  // A null body documents "no content" (204).
  if (schema instanceof z.ZodNull) return { description, type: 'null' };
  return { ...toJsonSchema(schema, 'output'), description };
}

function isContentMap(value: unknown): value is { content: Record<string, { schema: unknown }> } {
  return typeof value === 'object' && value !== null && 'content' in value;
}

/**
 * JSON Schema (2020-12, the dialect of OpenAPI 3.1) of a zod schema; registered components become
 * `$ref`s, except `self` (the component being defined).
 */
function toJsonSchema(schema: z.ZodType, io: 'input' | 'output', self?: z.ZodType): JsonSchema {
  const names = componentNames();
  const json = z.toJSONSchema(schema, {
    io,
    reused: 'inline',
    unrepresentable: 'any',
    override: (context) => {
      const current = context.zodSchema as unknown as z.ZodType;
      const target = context.jsonSchema as JsonSchema;
      // zod bounds every integer by the safe-integer range; that says nothing to a reader.
      if (target.type === 'integer') {
        if (target.minimum === Number.MIN_SAFE_INTEGER) delete target.minimum;
        if (target.maximum === Number.MAX_SAFE_INTEGER) delete target.maximum;
      }
      const name = names.get(current);
      if (name === undefined || current === self || current === schema) return;
      for (const key of Object.keys(target)) delete target[key];
      target.$ref = `#/components/schemas/${name}`;
    },
  }) as JsonSchema;
  delete json.$schema;
  // A top-level component still refers to itself by name, so the document does not repeat it.
  const name = names.get(schema);
  if (name !== undefined && schema !== self) return { $ref: `#/components/schemas/${name}` };
  return json;
}
