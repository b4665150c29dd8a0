/**
 * @module model/validate
 * Validation of a parsed network document, record by record so one bad record never hides problems in
 * others: the top level first (format, name, period, start, horizon and that each section is a list),
 * then every record of every section with its own schema, then the rules between records
 * (`check-network.ts`) on the records that passed. Every issue gets a place through the caller's
 * `locate`, asked only for the places reported.
 */
import { z } from 'zod';
import { type CheckedRecords, checkNetwork, type Indexed } from './check-network.ts';
import type { DocumentPath, Issue } from './issues.ts';
import { describePlace, type Locate, locateNowhere } from './locate.ts';
import {
  CapacityGroup,
  Company,
  Demand,
  Inventory,
  Item,
  Network,
  OpenOrder,
  Production,
  SECTIONS,
  type Section,
  Sourcing,
} from './schema.ts';
import { describeValue, type IssueDraft, placeIssues, schemaIssues } from './schema-issues.ts';

/** The schema of one record of each section. */
const RECORD_SCHEMAS = {
  companies: Company,
  items: Item,
  production: Production,
  capacityGroups: CapacityGroup,
  sourcing: Sourcing,
  inventory: Inventory,
  openOrders: OpenOrder,
  demand: Demand,
} as const satisfies Record<Section, z.ZodType>;

/** The top level with each section only checked to be a list; records are checked one by one. */
const TopLevel = Network.extend({
  companies: z.array(z.unknown()).min(1, 'a network needs at least one company'),
  items: z.array(z.unknown()).min(1, 'a network needs at least one item'),
  production: z.array(z.unknown()).optional(),
  capacityGroups: z.array(z.unknown()).optional(),
  sourcing: z.array(z.unknown()).optional(),
  inventory: z.array(z.unknown()).optional(),
  openOrders: z.array(z.unknown()).optional(),
  demand: z.array(z.unknown()).optional(),
});

/** A validated network, or every issue found. */
export interface Validation {
  /** Present when there are no errors (warnings may remain in `issues`). */
  readonly network?: Network;
  /** Errors and warnings, in document order of discovery; give them places with `locate`. */
  readonly issues: Issue[];
  /** Tiers of the companies in some chain, computed on the records that passed. */
  readonly tiers: Map<string, number>;
}

/**
 * Validate a parsed document (plain data from YAML, JSON or CSV) against `keten.network/v1`: its own
 * shape, each record, and the rules between records. Never throws on any input.
 *
 * @param locate maps a document path to a position in the source; without it issues carry paths only.
 * @example
 * const { network, issues } = validateNetwork(JSON.parse(text));
 * if (network === undefined) console.log(issues.map(formatIssue).join('\n'));
 */
export function validateNetwork(
  data: unknown,
  locate?: (path: (string | number)[]) => Partial<Issue>,
): { network?: Network; issues: Issue[] } {
  const { network, issues } = validateDocument(data, locate ?? locateNowhere);
  return network === undefined ? { issues } : { network, issues };
}

/** `validateNetwork` with the tiers it computed along the way, for loaders. */
export function validateDocument(data: unknown, locate: Locate): Validation {
  const drafts: IssueDraft[] = [];
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    drafts.push({
      path: [],
      code: 'wrong-type',
      message: `a network file must hold a group of fields at the top (format, name, period, start, horizon, companies, ...), not ${describeValue(data)}`,
    });
    return { issues: placeIssues(drafts, locate), tiers: new Map() };
  }
  const document = data as Record<string, unknown>;
  const top = TopLevel.safeParse(document);
  if (!top.success) drafts.push(...issuesWithInput(TopLevel, document, []));

  const rawSections: Partial<Record<Section, readonly unknown[]>> = {};
  const records: Record<Section, Indexed<unknown>[]> = {
    companies: [],
    items: [],
    production: [],
    capacityGroups: [],
    sourcing: [],
    inventory: [],
    openOrders: [],
    demand: [],
  };
  for (const section of SECTIONS) {
    const raw = document[section];
    if (!Array.isArray(raw)) continue;
    rawSections[section] = raw;
    const schema: z.ZodType = RECORD_SCHEMAS[section];
    for (let index = 0; index < raw.length; index++) {
      // A record that passes is used as it is: the schemas have no defaults or transforms, so zod's
      // copy would be equal, and keeping one copy of a 500,000-record network halves its memory.
      if (schema.safeParse(raw[index]).success) records[section].push({ record: raw[index], index });
      else drafts.push(...issuesWithInput(schema, raw[index], [section, index]));
    }
  }

  const header = headerOf(document);
  const placeOf = (path: DocumentPath): string => describePlace(locate(path), path);
  const checked = checkNetwork({
    records: records as unknown as CheckedRecords,
    rawSections,
    placeOf,
    ...header,
  });
  drafts.push(...checked.issues);

  const issues = placeIssues(drafts, locate);
  if (!top.success || issues.some((issue) => issue.severity === 'error')) {
    return { issues, tiers: checked.tiers };
  }
  const network = { ...top.data } as Record<string, unknown>;
  for (const section of SECTIONS) {
    if (network[section] !== undefined) network[section] = records[section].map(({ record }) => record);
  }
  return { network: network as Network, issues, tiers: checked.tiers };
}

/**
 * The issues of a value that failed `schema`, parsed again with the values included for messages
 * (`reportInput` makes zod about twice as slow, so only failures pay for it).
 */
function issuesWithInput(schema: z.ZodType, value: unknown, prefix: DocumentPath): IssueDraft[] {
  const result = schema.safeParse(value, { reportInput: true });
  return result.success ? [] : schemaIssues(schema, prefix, result.error.issues);
}

/** Horizon, period and start when each is valid on its own, for the checks that depend on them. */
function headerOf(document: Record<string, unknown>): {
  horizon?: number;
  period?: 'day' | 'week';
  start?: string;
} {
  const header: { horizon?: number; period?: 'day' | 'week'; start?: string } = {};
  const horizon = Network.shape.horizon.safeParse(document.horizon);
  if (horizon.success) header.horizon = horizon.data;
  const period = Network.shape.period.safeParse(document.period);
  if (period.success) header.period = period.data;
  const start = Network.shape.start.safeParse(document.start);
  if (start.success) header.start = start.data;
  return header;
}
