/**
 * @module routes/network-views
 * What the web app's network pages read, compact enough for 60,000 companies:
 *
 * - `GET /api/v1/networks/:name/graph[?version=]`: every company with tier, region, country and
 *   location, the items it makes, and every lane (supplier → buyer, item, share, transport mode, lead
 *   time), as parallel arrays (core's `networkGraph`);
 * - `GET /api/v1/networks/:name/summary[?version=]`: the version's facts a page names its figures
 *   with (period, start, horizon, currency) and its counts, without the graph;
 * - `GET /api/v1/networks/:name/companies/:company[?version=]`: one company's page (core's
 *   `companyView`): what it makes with capacity and bill of materials, what it buys from whom in which
 *   shares, whom it supplies, capacity groups, inventory, end demand.
 *
 * The graph comes as JSON, or with `Accept: application/vnd.keten.graph` in core's binary columnar form
 * (`encodeNetworkGraph`, layout in core's model/graph-encoding.ts), which the web app reads without
 * parsing: lanes become typed arrays over the answer's bytes. Both are made once per kept version
 * (`version-cache.ts`, shared with the plan views); a version imported through the API has its binary
 * graph made and gzipped right after the import, so its first view does not wait for it.
 *
 * A version never changes, so answers carry an ETag (the content hash) and a repeated request with
 * `If-None-Match` gets 304. The last networks read are kept in memory, so a company page after the
 * graph does not read and parse the network again.
 */

import { type CompanyView, companyView, GRAPH_MEDIA_TYPE, GRAPH_MODES } from '@keten/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import {
  AUTHENTICATED_ERRORS,
  ErrorResponse,
  NetworkName,
  NetworkVersionInfo,
  wholeNumber,
} from '../api-schemas.ts';
import { requireRole } from '../auth/policy.ts';
import {
  graphBinaryGzipOf,
  graphBinaryMade,
  graphBinaryOf,
  graphJsonGzipOf,
  graphJsonOf,
  type KeptVersion,
} from '../version-cache.ts';
import { type Api, notFound, type RouteContext } from './context.ts';

const VersionQuery = z.strictObject({
  version: wholeNumber(1, 1e12).optional().describe('The version to show (default: the latest).'),
});

const Item = z.object({ id: z.string(), name: z.string(), unit: z.string().describe('pcs, kg, m, …') });
const PerPeriod = z.union([z.number(), z.array(z.number())]);

const GraphResponse = z.object({
  network: z.string(),
  version: z.number().int(),
  period: z.enum(['day', 'week']).describe('Lead times are in these periods, capacities per period.'),
  currency: z.string(),
  items: z.array(Item),
  regions: z.array(z.string()).describe('`companies.region` indexes this list.'),
  modes: z.array(z.enum(GRAPH_MODES as [string, ...string[]])).describe('`lanes.mode` indexes this list.'),
  companies: z
    .object({
      id: z.array(z.string()),
      name: z.array(z.string()),
      tier: z.array(z.number().int().nullable()).describe('0 sells to end customers; null: in no chain.'),
      region: z.array(z.number().int()),
      country: z.array(z.string()),
      city: z.array(z.string().nullable()),
      latitude: z.array(z.number().nullable()).describe('Decimal degrees; null: no location.'),
      longitude: z.array(z.number().nullable()),
      makes: z.array(z.array(z.number().int())).describe('Indices into `items`.'),
    })
    .describe('Parallel arrays: company i is id[i], name[i], …'),
  lanes: z
    .object({
      supplier: z.array(z.number().int()).describe('Company index.'),
      buyer: z.array(z.number().int()).describe('Company index.'),
      item: z.array(z.number().int()).describe('Index into `items`.'),
      share: z.array(z.number()).describe("The supplier's share of the buyer's need, 0–1."),
      mode: z.array(z.number().int()).describe('Index into `modes`.'),
      leadTime: z.array(z.number().int()).describe('Whole periods.'),
    })
    .describe('One per sourcing line, as parallel arrays.'),
});

const CompanyReference = z.object({
  id: z.string(),
  name: z.string(),
  tier: z.number().int().nullable(),
  country: z.string(),
  region: z.string(),
});
const SupplyLine = z.object({
  company: CompanyReference,
  share: z.number(),
  leadTime: z.number().int(),
  mode: z.string(),
  unitPrice: z.number().optional(),
  distanceKm: z.number().optional(),
});

const CompanyResponse = z.object({
  network: z.string(),
  version: z.number().int(),
  period: z.enum(['day', 'week']),
  currency: z.string(),
  company: z.record(z.string(), z.unknown()).describe("The company's record as in the network."),
  tier: z.number().int().nullable(),
  makes: z.array(
    z.object({
      item: Item,
      leadTime: z.number().int(),
      capacity: PerPeriod.describe('Units per period.'),
      maximumCapacity: PerPeriod.optional(),
      unitCost: z.number().optional(),
      co2PerUnit: z.number().optional().describe('kg CO2e per unit.'),
      bom: z.array(z.object({ item: Item, quantity: z.number() })),
    }),
  ),
  buys: z.array(z.object({ item: Item, suppliers: z.array(SupplyLine) })),
  sells: z.array(z.object({ item: Item, customers: z.array(SupplyLine) })),
  capacityGroups: z.array(
    z.object({
      id: z.string(),
      capacity: PerPeriod,
      maximumCapacity: PerPeriod.optional(),
      items: z.array(z.object({ item: Item, load: z.number() })),
    }),
  ),
  inventory: z.array(z.object({ item: Item, onHand: z.number(), safetyStock: z.number().optional() })),
  demand: z.array(
    z.object({ item: Item, total: z.number(), periods: z.number().int(), price: z.number().optional() }),
  ),
});

const SummaryResponse = NetworkVersionInfo.extend({
  period: z.enum(['day', 'week']).describe('Lead times are in these periods, capacities per period.'),
  start: z.string().describe('The first period begins on this date (ISO 8601).'),
  horizon: z.number().int().describe('Periods planned.'),
  currency: z.string(),
});

export function networkViewRoutes(app: Api, context: RouteContext): void {
  const load = (name: string, version: number | undefined) => context.versions.get(name, version);

  app.get(
    '/networks/:name/summary',
    {
      config: { auth: requireRole('viewer') },
      schema: {
        summary: "A version's period, start, horizon, currency and counts, without its content",
        description:
          'What a page needs to name its figures (a time to recover in weeks or days, money in the currency) ' +
          'without downloading the graph or the network: a few hundred bytes at any size.',
        tags: ['networks'],
        params: z.strictObject({ name: NetworkName }),
        querystring: VersionQuery,
        response: { 200: SummaryResponse, 304: z.null(), ...AUTHENTICATED_ERRORS, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const entry = await load(request.params.name, request.query.version);
      if (notModified(request, reply, `summary-${versionTag(entry)}`)) return reply.code(304).send(null);
      const { content, ...info } = entry.stored;
      return {
        ...info,
        period: content.period,
        start: content.start,
        horizon: content.horizon,
        currency: content.currency ?? 'EUR',
      };
    },
  );

  app.get(
    '/networks/:name/graph',
    {
      config: { auth: requireRole('viewer') },
      schema: {
        summary: 'The network as a compact graph: companies with tier, region and location; lanes with mode',
        description:
          'For maps and graph views of large networks (60,000 companies): parallel arrays instead of records. ' +
          'A version never changes: the answer has an ETag, and `If-None-Match` gets 304. ' +
          `With \`Accept: ${GRAPH_MEDIA_TYPE}\` the same graph comes in a binary columnar form (keten.graph/v1: ` +
          'magic KGR1, a JSON header with network, version, items, regions, modes and counts, then little-endian ' +
          'Float64 latitudes, longitudes and lane shares, Int32 tiers, Uint32 regions, makes, lane ends, items, ' +
          'lead times and string lengths, Uint8 modes, and the strings as UTF-8; see packages/core/src/model/graph-encoding.ts), ' +
          'read without JSON.parse: lanes become typed arrays over the bytes. Either form is gzipped for a client that accepts gzip.',
        tags: ['networks'],
        params: z.strictObject({ name: NetworkName }),
        querystring: VersionQuery,
        response: { 200: GraphResponse, 304: z.null(), ...AUTHENTICATED_ERRORS, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const entry = await load(request.params.name, request.query.version);
      const binary = request.headers.accept?.includes(GRAPH_MEDIA_TYPE) === true;
      reply.header('vary', 'accept, accept-encoding');
      const gzipped = /\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''));
      if (notModified(request, reply, `graph${binary ? '-bin' : ''}-${versionTag(entry)}`)) {
        return reply.code(304).send(null);
      }
      if (binary) {
        await graphBinaryMade(entry);
        if (gzipped) {
          const body = await graphBinaryGzipOf(entry);
          return reply
            .type(GRAPH_MEDIA_TYPE)
            .header('content-encoding', 'gzip')
            .send(body as never);
        }
        const bytes = graphBinaryOf(entry);
        return reply
          .type(GRAPH_MEDIA_TYPE)
          .send(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) as never);
      }
      if (gzipped) {
        const body = await graphJsonGzipOf(entry);
        return reply
          .type('application/json; charset=utf-8')
          .header('content-encoding', 'gzip')
          .send(body as never);
      }
      return reply.type('application/json; charset=utf-8').send(graphJsonOf(entry) as never);
    },
  );

  app.get(
    '/networks/:name/companies/:company',
    {
      config: { auth: requireRole('viewer') },
      schema: {
        summary: "A company's page: what it makes, buys from whom in which shares, whom it supplies",
        description:
          'Production with capacity per period and bill of materials, purchases per item with each supplier’s share, ' +
          'lead time and transport mode, customers per item, capacity groups, inventory and end demand.',
        tags: ['networks'],
        params: z.strictObject({ name: NetworkName, company: z.string().min(1).max(200) }),
        querystring: VersionQuery,
        response: { 200: CompanyResponse, 304: z.null(), ...AUTHENTICATED_ERRORS, 404: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { name, company } = request.params;
      const entry = await load(name, request.query.version);
      const view: CompanyView | undefined = companyView(entry.stored.content, company);
      if (view === undefined) {
        throw notFound(`network '${name}' v${entry.stored.version} has no company '${company}'`);
      }
      if (notModified(request, reply, `company-${versionTag(entry)}-${encodeURIComponent(company)}`)) {
        return reply.code(304).send(null);
      }
      return { ...view, network: entry.stored.network, version: entry.stored.version } as unknown as z.input<
        typeof CompanyResponse
      >;
    },
  );
}

/** Names one version of one network: the same content stored twice still differs in its version. */
function versionTag({ stored }: KeptVersion): string {
  return `${encodeURIComponent(stored.network)}-v${stored.version}-${stored.contentHash.slice(0, 16)}`;
}

/** Sets the ETag; true when the client holds this answer already. */
function notModified(request: FastifyRequest, reply: FastifyReply, tag: string): boolean {
  const etag = `"${tag}"`;
  reply.header('etag', etag).header('cache-control', 'private, no-cache');
  const held = request.headers['if-none-match'];
  return held?.split(',').some((value) => value.trim() === etag) === true;
}
