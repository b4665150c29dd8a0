/**
 * @module routes/session
 * Logging in and out, and who you are.
 *
 * `POST /api/v1/session` with `{ username, password }` answers a short-lived bearer token (a normal API
 * token named `session`, by default valid for 12 hours) that the client sends as
 * `Authorization: Bearer …` like any other token. One mechanism for the CLI, scripts and the web app:
 * no cookies, so no CSRF to defend against. `DELETE /api/v1/session` revokes the token it is called
 * with (log out).
 *
 * Failed logins are rate-limited per user name and per client address (`auth/login-limiter.ts`); an
 * unknown user costs as much time as a wrong password, so timing does not reveal which names exist.
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { AUTHENTICATED_ERRORS, ErrorResponse, LoginRequest, Me, SessionResponse } from '../api-schemas.ts';
import { hashPassword, verifyPassword } from '../auth/passwords.ts';
import { PUBLIC, requireRole } from '../auth/policy.ts';
import { issueToken } from '../auth/tokens.ts';
import { ApiError } from '../errors.ts';
import { type Api, currentUser, type RouteContext } from './context.ts';
import { revoke } from './tokens.ts';
import { userInfo } from './users.ts';

export const SESSION_TOKEN_NAME = 'session';

export function sessionRoutes(app: Api, context: RouteContext): void {
  const { access } = context.store;
  let decoy: Promise<string> | undefined;

  app.post(
    '/session',
    {
      config: { auth: PUBLIC },
      schema: {
        summary: 'Log in with user name and password: get a short-lived bearer token',
        description:
          'Send the returned `secret` as `Authorization: Bearer <secret>`. Repeated failures for a user name or from an address are refused for a while (429 with Retry-After).',
        tags: ['session'],
        security: [],
        body: LoginRequest,
        response: {
          201: SessionResponse,
          400: ErrorResponse,
          401: ErrorResponse,
          429: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const { username, password } = request.body;
      const address = request.ip;
      const wait = context.loginLimiter.retryAfter(username, address);
      if (wait > 0) {
        request.log.warn({ username, address }, 'login refused: too many failures');
        throw new ApiError('rate-limited', `too many failed logins; try again in ${wait} seconds`, {
          headers: { 'retry-after': String(wait) },
        });
      }
      const user = await access.getUser(username);
      let valid: boolean;
      if (user === undefined) {
        // Spend the same time as for a real user, so response times do not reveal user names.
        decoy ??= hashPassword(randomBytes(16).toString('hex'));
        await verifyPassword(password, await decoy);
        valid = false;
      } else {
        valid = (await verifyPassword(password, user.passwordHash)) && !user.disabled;
      }
      if (!valid || user === undefined) {
        context.loginLimiter.recordFailure(username, address);
        request.log.info({ username, address }, 'login failed');
        throw new ApiError('unauthenticated', 'wrong user name or password, or the account is disabled');
      }
      context.loginLimiter.recordSuccess(username);
      const issued = await issueToken(context.store.access, context.clock, {
        username: user.username,
        name: SESSION_TOKEN_NAME,
        lifetimeMs: context.sessionTtlMs,
      });
      request.log.info({ username, tokenId: issued.token.id }, 'logged in');
      reply.code(201);
      return { ...issued, user: userInfo(user) };
    },
  );

  app.delete(
    '/session',
    {
      config: { auth: requireRole('viewer') },
      schema: {
        summary: 'Log out: revoke the token this request is made with',
        tags: ['session'],
        response: { 204: z.null().describe('Revoked'), ...AUTHENTICATED_ERRORS },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      await revoke(context, user, user.token.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/me',
    {
      config: { auth: requireRole('viewer') },
      schema: {
        summary: 'Who you are: your user and the token you called with',
        tags: ['session'],
        response: { 200: Me, ...AUTHENTICATED_ERRORS },
      },
    },
    async (request) => {
      const principal = currentUser(request);
      const user = await access.getUser(principal.username);
      if (user === undefined) throw new ApiError('unauthenticated', 'the account of this token is gone');
      return { user: userInfo(user), token: principal.token };
    },
  );
}
