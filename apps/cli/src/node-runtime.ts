/**
 * @module node-runtime
 * Starts one company node in this process: the server (keten's API) over the node's store, with the
 * connector (identity, membership, signed requests, outbox) and the exchange service (DSP catalog,
 * negotiation, transfer; forecasts pushed along the chain). `keten node` runs one; the demo runs one
 * per company of the demo network, sharing one embedded database (a schema each).
 */
import type { Server as NetServer } from 'node:net';
import type {
  ConnectGate,
  Connector,
  ExchangeService,
  ExchangeServiceOptions,
  ResolvedNodeConfig,
  StatusConsentSpec,
  StatusService,
} from '@keten/connector';
import { type KetenStore, type Network, partnerView } from '@keten/core';
import type { RunningServer } from '@keten/server';
import { CliError } from './errors.ts';

export interface CompanyNode {
  readonly config: ResolvedNodeConfig;
  readonly server: RunningServer;
  readonly connector: Connector;
  readonly service: ExchangeService;
  /** Chain-deep status: questions from customers, and `ask` as the root. */
  readonly status: StatusService;
  readonly store: KetenStore;
  close(): Promise<void>;
}

export interface StartNodeOptions {
  readonly config: ResolvedNodeConfig;
  /** The network file's content: the node plans on its company's view of it. */
  readonly network: Network;
  readonly store: KetenStore;
  /** Close the store with the node (default true). */
  readonly closeStore?: boolean;
  /** Server logs (default: warnings only). */
  readonly quiet?: boolean;
  readonly log?: (message: string) => void;
  /** The status consent each customer gets (default: ForwardDepth 1, no expiry). */
  readonly statusConsent?: (customer: string) => StatusConsentSpec | undefined;
  /** The built web app to serve (default the server's: apps/web/dist). */
  readonly web?: string;
  /** Agreement timing in milliseconds, over the configuration's `agreements` (tests: short terms). */
  readonly agreements?: Pick<ExchangeServiceOptions, 'agreementTermMs' | 'renewBeforeMs' | 'renewCheckMs'>;
  /** When stalled negotiations and transfers are checked and ended, over the configuration's `processes` (tests: short deadlines). */
  readonly stall?: ExchangeServiceOptions['stall'];
  /**
   * The node's listen port, bound already (`reservePort`): the server takes the socket over instead of
   * binding `config.listen` (the demo holds each node's port from the moment its URL is chosen).
   */
  readonly reserved?: NetServer;
  /** Paces the node's connects with other nodes' in this process (the demo's nodes share one gate). */
  readonly connectGate?: ConnectGate;
}

/** Starts the node; its outbox and exchanges run until `close()`. */
export async function startCompanyNode(options: StartNodeOptions): Promise<CompanyNode> {
  const { config, network, store } = options;
  const view = partnerView(network, config.company);
  if (view === undefined) {
    throw new CliError(
      'invalid',
      `the node's network model ${config.network} has no company '${config.company}'`,
    );
  }
  const self = network.companies.find((entry) => entry.id === config.company)!;
  const { openConnector, ExchangeService, StatusService, statusConsentOf, stallSettingsOf } = await import(
    '@keten/connector'
  );
  const connector = await openConnector({
    config,
    store,
    company: self.bpn === undefined ? { name: self.name } : { bpnl: self.bpn, name: self.name },
  });
  if (!connector.ok) {
    throw new CliError(
      connector.error.reason === 'configuration' ? 'invalid' : 'refused',
      connector.error.message,
    );
  }
  const service = new ExchangeService({
    connector: connector.value,
    store,
    network: view,
    company: config.company,
    partners: new Map(config.partners.map((partner) => [partner.company, partner.url])),
    ...(config.agreements === undefined
      ? {}
      : {
          agreementDays: config.agreements.days,
          ...(config.agreements.renewBeforeDays === undefined
            ? {}
            : { renewBeforeMs: config.agreements.renewBeforeDays * 24 * 3600 * 1000 }),
        }),
    ...options.agreements,
    ...(config.processes === undefined && options.stall === undefined
      ? {}
      : { stall: { ...stallSettingsOf(config.processes), ...options.stall } }),
    ...(options.connectGate === undefined ? {} : { connectGate: options.connectGate }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  const status = new StatusService({
    connector: connector.value,
    exchange: service,
    store,
    network: view,
    company: config.company,
    partners: new Map(config.partners.map((partner) => [partner.company, partner.url])),
    consent: options.statusConsent ?? ((customer) => statusConsentOf(config.partners, customer)),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  const { startServer } = await import('@keten/server');
  let server: RunningServer;
  try {
    server = await startServer({
      store,
      host: config.listen.host,
      port: config.listen.port,
      ...(options.reserved === undefined ? {} : { reserved: options.reserved }),
      ...(options.web === undefined ? {} : { web: options.web }),
      publicUrl: config.publicUrl,
      nodeAuthenticator: connector.value.authenticator,
      extensions: [
        connector.value.extension,
        (app) => {
          // The exchanges and the outbox stop before the store closes.
          app.addHook('onClose', async () => {
            await service.close();
            await connector.value.close();
          });
        },
      ],
      closeStore: options.closeStore ?? true,
      ...(options.quiet === false ? {} : { logger: { level: 'warn' } }),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new CliError(
        'unavailable',
        `port ${config.listen.port} on ${config.listen.host} is in use; change listen.port in ${config.file}`,
      );
    }
    throw error;
  }
  connector.value.start();
  await service.start();
  return {
    config,
    server,
    connector: connector.value,
    service,
    status,
    store,
    close: () => server.close(),
  };
}
