/**
 * @module routes/networks
 * Networks with versions: import (JSON or YAML; every import is a new version), list, get, versions,
 * and the diff of two versions. An import is parsed and validated by core's loader, which finds every
 * problem with its line and column; an invalid network is answered `invalid-network` (422) with all of
 * them, and nothing is stored. A large body is loaded in the import thread (`jobs/import-thread.ts`),
 * so the server answers others meanwhile.
 */
import { type Issue as CoreIssue, diffNetworks, formatDiff } from '@keten/core';
import { z } from 'zod';
import {
  AUTHENTICATED_ERRORS,
  DiffQuery,
  ErrorResponse,
  ImportQuery,
  ImportResponse,
  type Issue,
  NetworkComponent,
  NetworkListEntry,
  NetworkParams,
  NetworkVersionInfo,
  StoredNetwork,
  VersionParams,
} from '../api-schemas.ts';
import { requireRole } from '../auth/policy.ts';
import { ApiError } from '../errors.ts';
import { documentedOnly } from '../validation.ts';
import { type Api, currentUser, notFound, type RouteContext } from './context.ts';

const JSON_TYPES = ['application/json'];
const YAML_TYPES = ['application/yaml', 'text/yaml', 'application/x-yaml', 'text/x-yaml'];

/** An issue as the API returns it: the file name is always the request body, so it is left out. */
export function apiIssue(issue: CoreIssue): Issue {
  return {
    ...(issue.line === undefined ? {} : { line: issue.line }),
    ...(issue.column === undefined ? {} : { column: issue.column }),
    ...(issue.row === undefined ? {} : { row: issue.row }),
    ...(issue.field === undefined ? {} : { field: issue.field }),
    path: issue.path,
    code: issue.code,
    message: issue.message,
    severity: issue.severity,
  };
}

export async function networkRoutes(app: Api, context: RouteContext): Promise<void> {
  const { networks } = context.store;
  const viewer = { auth: requireRole('viewer') } as const;

  // Network bodies reach the handler as text: the loader parses them itself, so it can point at the
  // line and column of every problem. This scope's parsers apply to the import route only.
  app.removeContentTypeParser(JSON_TYPES);
  app.addContentTypeParser(
    [...JSON_TYPES, ...YAML_TYPES],
    { parseAs: 'string', bodyLimit: context.bodyLimit },
    (request, body, done) => {
      const yaml = YAML_TYPES.includes(mediaType(request.headers['content-type']));
      if (yaml && Buffer.byteLength(body as string) > context.yamlBodyLimit) done(yamlTooLarge(context));
      else done(null, body);
    },
  );

  const documentedNetwork = documentedOnly(NetworkComponent);
  app.post(
    '/networks',
    {
      config: { auth: requireRole('planner') },
      bodyLimit: context.bodyLimit,
      // Refuse a YAML body that announces its size before reading it (the parser checks the rest).
      preParsing: async (request) => {
        const length = Number(request.headers['content-length']);
        const yaml = YAML_TYPES.includes(mediaType(request.headers['content-type']));
        if (yaml && Number.isFinite(length) && length > context.yamlBodyLimit) throw yamlTooLarge(context);
      },
      schema: {
        summary: 'Import a network: a new version',
        description:
          'The body is a `keten.network/v1` network as JSON (`application/json`) or YAML (`application/yaml`, `text/yaml`). ' +
          "It is stored as a new version of the network named `?name=` or, without it, of the network's own `name`. " +
          'An invalid network is refused with 422 and every problem, each with line and column.',
        tags: ['networks'],
        querystring: ImportQuery,
        body: {
          content: Object.fromEntries(
            [...JSON_TYPES, ...YAML_TYPES.slice(0, 2)].map((type) => [type, { schema: documentedNetwork }]),
          ),
        },
        response: {
          201: ImportResponse.describe('Stored as a new version'),
          ...AUTHENTICATED_ERRORS,
          413: ErrorResponse,
          415: ErrorResponse,
          422: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const text = request.body as string;
      const format = YAML_TYPES.includes(mediaType(request.headers['content-type'])) ? 'yaml' : 'json';
      if (text.trim() === '') throw new ApiError('invalid-request', 'the body is empty: send a network');
      const loaded = await context.imports.prepare({
        text,
        format,
        maxBytes: format === 'yaml' ? context.yamlBodyLimit : context.bodyLimit,
      });
      if (!loaded.ok) {
        const issues = loaded.error.map(apiIssue);
        const errors = issues.filter((issue) => issue.severity === 'error').length;
        throw new ApiError(
          'invalid-network',
          `the network has ${errors} ${errors === 1 ? 'problem' : 'problems'}; nothing was stored`,
          { issues },
        );
      }
      const { network, summary, warnings, prepared, graphBinary } = loaded.value;
      const version = await networks.importVersion({
        network: request.query.name ?? network.name,
        content: network,
        prepared,
        summary,
        source: request.query.source ?? 'api',
        author: user.username,
      });
      request.log.info(
        { network: version.network, version: version.version, companies: summary.companies },
        'network imported',
      );
      // Kept for the views as imported, its graph made once this answer has gone out.
      context.versions.imported(
        { ...version, content: network },
        graphBinary?.(version.network, version.version),
      );
      reply.code(201);
      return { version, warnings: warnings.map(apiIssue) };
    },
  );

  app.get(
    '/networks',
    {
      config: viewer,
      schema: {
        summary: 'List networks',
        tags: ['networks'],
        response: { 200: z.object({ networks: z.array(NetworkListEntry) }), ...AUTHENTICATED_ERRORS },
      },
    },
    async () => ({ networks: await networks.listNetworks() }),
  );

  app.get(
    '/networks/:name',
    {
      config: viewer,
      schema: {
        summary: 'The latest version of a network, with its content',
        tags: ['networks'],
        params: NetworkParams,
        response: { 200: StoredNetwork, ...AUTHENTICATED_ERRORS, 404: ErrorResponse },
      },
    },
    async (request) => {
      const found = await networks.getVersion(request.params.name);
      if (found === undefined) throw notFound(`no network named '${request.params.name}'`);
      return found;
    },
  );

  app.get(
    '/networks/:name/versions',
    {
      config: viewer,
      schema: {
        summary: 'The versions of a network, oldest first, without content',
        tags: ['networks'],
        params: NetworkParams,
        response: {
          200: z.object({ versions: z.array(NetworkVersionInfo) }),
          ...AUTHENTICATED_ERRORS,
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const versions = await networks.listVersions(request.params.name);
      if (versions.length === 0) throw notFound(`no network named '${request.params.name}'`);
      return { versions };
    },
  );

  app.get(
    '/networks/:name/versions/:version',
    {
      config: viewer,
      schema: {
        summary: 'One version of a network, with its content',
        tags: ['networks'],
        params: VersionParams,
        response: { 200: StoredNetwork, ...AUTHENTICATED_ERRORS, 404: ErrorResponse },
      },
    },
    async (request) => {
      const { name, version } = request.params;
      return await getVersion(context, name, version);
    },
  );

  app.get(
    '/networks/:name/diff',
    {
      config: viewer,
      schema: {
        summary: 'What changed between two versions',
        description:
          'Records are matched by their natural key (company id, company/item, ...), so reordering changes nothing. ' +
          '`lines` is the same diff as `keten diff` prints it.',
        tags: ['networks'],
        params: NetworkParams,
        querystring: DiffQuery,
        response: {
          200: z.object({
            from: NetworkVersionInfo,
            to: NetworkVersionInfo,
            diff: z.record(z.string(), z.unknown()).describe('Per section: added, removed, changed records.'),
            lines: z.array(z.string()).describe('One line per change: `+` added, `-` removed, `~` changed.'),
          }),
          ...AUTHENTICATED_ERRORS,
          404: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { name } = request.params;
      const after = await getVersion(context, name, request.query.to);
      const fromVersion = request.query.from ?? after.version - 1;
      if (fromVersion < 1) {
        throw new ApiError('invalid-request', `network '${name}' has one version only: give ?from= and ?to=`);
      }
      const before = await getVersion(context, name, fromVersion);
      const diff = diffNetworks(before.content, after.content);
      const { content: _before, ...from } = before;
      const { content: _after, ...to } = after;
      return { from, to, diff: diff as unknown as Record<string, unknown>, lines: formatDiff(diff) };
    },
  );
}

/** A stored version of a network (the latest without `version`), or `not-found` saying which is missing. */
export async function getVersion(context: RouteContext, name: string, version?: number) {
  const found = await context.store.networks.getVersion(name, version);
  if (found !== undefined) return found;
  const exists = (await context.store.networks.listVersions(name)).length > 0;
  throw notFound(exists ? `network '${name}' has no version ${version}` : `no network named '${name}'`);
}

function yamlTooLarge(context: RouteContext): ApiError {
  return new ApiError(
    'payload-too-large',
    `a YAML network may have at most ${context.yamlBodyLimit} bytes; send large networks as JSON`,
  );
}

/** `application/yaml` of `application/yaml; charset=utf-8`. */
function mediaType(header: string | undefined): string {
  return (header ?? '').split(';')[0]!.trim().toLowerCase();
}
