/**
 * @module @keten/connector
 * Sovereign data exchange between company nodes: the Dataspace Protocol (catalog, contract negotiation,
 * transfer process), node identity and membership credentials, ODRL usage-policy checks against the
 * Catena-X profile, Catena-X aspect payloads, and reliable delivery (outbox and inbox per node).
 */
export * from './dsp/validate.ts';
export * from './identity/index.ts';
export { type AgreementsView, agreementsView, type ProcessView } from './node/admin-views.ts';
export * from './node/config.ts';
export * from './node/connect-gate.ts';
export * from './node/connector.ts';
export * from './node/delivery.ts';
export * from './node/exchange-service.ts';
export * from './node/http-sender.ts';
export * from './node/stall.ts';
export * from './node/status-service.ts';
export * from './node/status-signature.ts';
export {
  type AspectPayloadProblem,
  aspectSchemaFile,
  formatAspectPayloadProblem,
  validateAspectPayload,
} from './payloads/validate.ts';
export * from './policy/profile.ts';
