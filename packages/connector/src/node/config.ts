/**
 * @module node/config
 * A company node's configuration file (`keten node --config node.yaml`, format `keten.node/v1`): who
 * the node is, where it listens and is reached, where it keeps its data, which network model it plans
 * on, which network it belongs to (it runs the membership authority or joined one), and where its
 * partners' nodes are. Paths are relative to the configuration file. Documented in docs/node.md.
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { Id, type Issue, loadDocument, type Result } from '@keten/core';
import { z } from 'zod';

export const NODE_CONFIG_FORMAT = 'keten.node/v1';

const Url = z
  .string()
  .regex(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, 'must be an http(s) URL such as http://127.0.0.1:8101')
  .transform((url) => url.replace(/\/+$/, ''));

const Bpnl = z
  .string()
  .regex(
    /^BPNL[0-9A-Z]{12}$/,
    'must be a Catena-X legal-entity number: BPNL followed by 12 digits or capitals',
  );

/** The states a negotiation or transfer can wait in (with the -ING states), for `processes.deadlines`. */
const PROCESS_STATES = [
  'REQUESTING',
  'REQUESTED',
  'OFFERING',
  'OFFERED',
  'ACCEPTING',
  'ACCEPTED',
  'AGREEING',
  'AGREED',
  'VERIFYING',
  'VERIFIED',
  'FINALIZING',
  'TERMINATING',
  'STARTING',
  'SUSPENDING',
  'SUSPENDED',
  'COMPLETING',
] as const;

export const NodeConfig = z.strictObject({
  format: z.literal(NODE_CONFIG_FORMAT),
  company: Id.describe('The id of the company this node speaks for, as in the network model.'),
  name: z.string().min(1).max(300).optional().describe("The company's name (default: the network's)."),
  bpn: Bpnl.optional().describe("The company's BPNL (default: the network's `bpn` of the company)."),
  listen: z
    .strictObject({
      host: z.string().min(1).default('127.0.0.1').describe('The address to listen on (default 127.0.0.1).'),
      port: z.number().int().min(0).max(65535).describe('The TCP port to listen on, 0 to 65535.'),
    })
    .describe('Where the node listens (port 0: any free port, for tests).'),
  publicUrl: Url.optional().describe(
    'The base URL other nodes reach this node at (default http://<listen.host>:<listen.port>); its DID derives from it.',
  ),
  dataDir: z.string().min(1).describe('The node key, membership and (embedded) database live here.'),
  databaseUrl: z.string().min(1).optional().describe('PostgreSQL instead of the embedded database.'),
  network: z.string().min(1).describe("The node's network model: its own part of the chain (YAML or JSON)."),
  authority: z
    .union([
      z.strictObject({ url: Url.describe('The membership authority node to join (its base URL).') }),
      z.strictObject({
        self: z.strictObject({
          network: z.string().min(1).max(200).describe('The name of the network this authority admits to.'),
          admit: z
            .union([z.literal('open'), z.array(Bpnl).min(1)])
            .default('open')
            .describe('`open`, or the BPNLs that may join.'),
        }),
      }),
    ])
    .describe('Either this node runs the membership authority (`self`), or it joins one (`url`).'),
  partners: z
    .array(
      z.strictObject({
        company: Id.describe("The partner's company id, as in the network model."),
        url: Url.describe("The base URL of the partner's node."),
        status: z
          .strictObject({
            share: z.boolean().default(true).describe('false: this customer gets no status dataset.'),
            forwardDepth: z
              .number()
              .int()
              .min(0)
              .max(10)
              .default(1)
              .describe('How many tiers beyond the customer the status may travel (keten ForwardDepth).'),
            expiresAt: z.iso
              .datetime({
                offset: true,
                message: 'must be a date-time with a zone, e.g. 2027-12-31T23:59:59Z',
              })
              .optional()
              .describe('When the status agreement ends (DataUsageEndDate).'),
          })
          .optional()
          .describe("The consent a customer gets to this company's chain-deep status (docs/exchange.md)."),
      }),
    )
    .default([])
    .describe("Where the partners' nodes are: the companies this node buys from or sells to."),
  agreements: z
    .strictObject({
      days: z
        .number()
        .int()
        .min(1)
        .max(3650)
        .default(365)
        .describe(
          "How long the agreements on this node's offers let a partner use the data (DataUsageEndDate).",
        ),
      renewBeforeDays: z
        .number()
        .positive()
        .max(1825)
        .optional()
        .describe(
          'How many days before an agreement with a partner ends this node negotiates it again (default a tenth of the term, at most 30).',
        ),
    })
    .optional()
    .describe('How long agreements last, and when the node renews its own (docs/node.md).'),
  processes: z
    .strictObject({
      deadline: z
        .number()
        .positive()
        .max(86_400)
        .default(30)
        .describe(
          'Seconds a negotiation or transfer may wait in a state (for the partner, or for its own message to arrive) before the node asks the partner about it.',
        ),
      deadlines: z
        .strictObject(
          Object.fromEntries(
            PROCESS_STATES.map((state) => [
              state,
              z
                .number()
                .positive()
                .max(30 * 86_400)
                .optional(),
            ]),
          ) as Record<(typeof PROCESS_STATES)[number], z.ZodOptional<z.ZodNumber>>,
        )
        .default({})
        .describe(
          'Seconds per state, over `deadline` (e.g. { AGREED: 120 }; a transfer waits in SUSPENDED only when set here).',
        ),
      checks: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(4)
        .describe('Checks of a waiting process (each wait twice the one before) before the node ends it.'),
      maxWait: z
        .number()
        .positive()
        .max(86_400)
        .default(600)
        .describe('The longest wait between two checks, seconds.'),
    })
    .optional()
    .describe('When the node checks on negotiations and transfers that stall, and ends them (docs/node.md).'),
});
export type NodeConfig = z.infer<typeof NodeConfig>;

/** A loaded configuration, with paths made absolute and the public URL filled in. */
export interface ResolvedNodeConfig extends NodeConfig {
  readonly publicUrl: string;
  /** The configuration file, absolute. */
  readonly file: string;
}

/** Reads `text` (the file `file`) as a node configuration; problems at file:line:col. */
export function parseNodeConfig(text: string, file: string): Result<ResolvedNodeConfig, Issue[]> {
  const loaded = loadDocument(text, file, NodeConfig);
  if (!loaded.ok) return loaded;
  const base = dirname(resolve(file));
  const at = (path: string) => (isAbsolute(path) ? path : resolve(base, path));
  const config = loaded.value;
  return {
    ok: true,
    value: {
      ...config,
      file: resolve(file),
      dataDir: at(config.dataDir),
      network: at(config.network),
      publicUrl: config.publicUrl ?? `http://${hostForUrl(config.listen.host)}:${config.listen.port}`,
    },
  };
}

function hostForUrl(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

/** The stall settings (`node/stall.ts`) of a configuration's `processes`, in milliseconds. */
export function stallSettingsOf(processes: NodeConfig['processes']):
  | {
      deadlineMs: number;
      deadlines: Record<string, number>;
      attempts: number;
      maxDelayMs: number;
    }
  | undefined {
  if (processes === undefined) return undefined;
  return {
    deadlineMs: processes.deadline * 1000,
    deadlines: Object.fromEntries(
      Object.entries(processes.deadlines)
        .filter((entry): entry is [string, number] => entry[1] !== undefined)
        .map(([state, seconds]) => [state, seconds * 1000]),
    ),
    attempts: processes.checks,
    maxDelayMs: processes.maxWait * 1000,
  };
}
