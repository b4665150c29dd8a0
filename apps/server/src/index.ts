/**
 * @module @keten/server
 * keten's HTTP API (Fastify 5, OpenAPI 3.1 at `/openapi.json`, docs at `/docs`): networks with
 * versions, the event log, users with roles and API tokens. `createServer` for tests and embedding,
 * `startServer` + `closeOnSignals` for `keten serve`; `ensureAdmin`, `hashPassword` and `issueToken` for
 * the CLI's account commands on a local store.
 */

export {
  createServer,
  DEFAULT_BODY_LIMIT,
  SERVER_VERSION,
  type ServerExtension,
  type ServerOptions,
} from './app.ts';
export {
  type EnsureAdminOptions,
  type EnsureAdminOutcome,
  ensureAdmin,
  generatePassword,
} from './auth/admin.ts';
export type { LoginLimits } from './auth/login-limiter.ts';
export {
  hashPassword,
  MINIMUM_PASSWORD_LENGTH,
  passwordProblem,
  verifyPassword,
} from './auth/passwords.ts';
export {
  type AuthPolicy,
  NODE,
  type NodeAuthenticator,
  type NodeIdentity,
  type NodePrincipal,
  type Principal,
  PUBLIC,
  requireRole,
  type UserPrincipal,
} from './auth/policy.ts';
export { issueToken, type TokenInfo } from './auth/tokens.ts';
export { API_ERROR_STATUS, ApiError, type ApiErrorBody, type ApiErrorCode } from './errors.ts';
export {
  closeOnSignals,
  DEFAULT_PORT,
  type RunningServer,
  reservePort,
  type SignalOptions,
  type StartServerOptions,
  startServer,
} from './start.ts';
