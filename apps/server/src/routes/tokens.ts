/**
 * @module routes/tokens
 * API tokens: every user creates, lists and revokes their own; admins may list and revoke anyone's.
 * The token itself (`ktn_<id>_<secret>`) is in the creation answer only; the store keeps its SHA-256.
 */
import { z } from 'zod';
import {
  AUTHENTICATED_ERRORS,
  CreateTokenRequest,
  ErrorResponse,
  NewTokenResponse,
  TokenInfo,
  TokenParams,
  TokensQuery,
} from '../api-schemas.ts';
import { requireRole, type UserPrincipal } from '../auth/policy.ts';
import { issueToken, tokenInfo } from '../auth/tokens.ts';
import { ApiError } from '../errors.ts';
import { type Api, currentUser, notFound, type RouteContext } from './context.ts';

const DAY_MS = 86_400_000;

export function tokenRoutes(app: Api, context: RouteContext): void {
  const { access } = context.store;
  const anyUser = { auth: requireRole('viewer') } as const;

  app.post(
    '/tokens',
    {
      config: anyUser,
      schema: {
        summary: 'Create an API token for yourself',
        description: 'The answer holds the token (`secret`) once; keep it, it cannot be shown again.',
        tags: ['tokens'],
        body: CreateTokenRequest,
        response: { 201: NewTokenResponse, ...AUTHENTICATED_ERRORS },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      const { name, expiresInDays } = request.body;
      const issued = await issueToken(context.store.access, context.clock, {
        username: user.username,
        name,
        lifetimeMs: expiresInDays === undefined ? undefined : expiresInDays * DAY_MS,
      });
      request.log.info({ username: user.username, tokenId: issued.token.id }, 'token created');
      reply.code(201);
      return issued;
    },
  );

  app.get(
    '/tokens',
    {
      config: anyUser,
      schema: {
        summary: 'List your tokens (admins: anyone’s, with ?username=)',
        tags: ['tokens'],
        querystring: TokensQuery,
        response: { 200: z.object({ tokens: z.array(TokenInfo) }), ...AUTHENTICATED_ERRORS },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const username = request.query.username ?? user.username;
      if (username !== user.username && user.role !== 'admin') {
        throw new ApiError('forbidden', "only admins may list other users' tokens");
      }
      return { tokens: (await access.listTokens(username)).map(tokenInfo) };
    },
  );

  app.delete(
    '/tokens/:id',
    {
      config: anyUser,
      schema: {
        summary: 'Revoke a token (yours; admins: anyone’s)',
        tags: ['tokens'],
        params: TokenParams,
        response: {
          204: z.null().describe('Revoked'),
          ...AUTHENTICATED_ERRORS,
          404: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      await revoke(context, user, request.params.id);
      request.log.info({ username: user.username, tokenId: request.params.id }, 'token revoked');
      return reply.code(204).send(null);
    },
  );
}

/** Revokes a token `user` may revoke; not-found for others' tokens, so their ids stay private. */
export async function revoke(context: RouteContext, user: UserPrincipal, id: string): Promise<void> {
  const { access } = context.store;
  const tokens = await access.listTokens(user.role === 'admin' ? undefined : user.username);
  const token = tokens.find((candidate) => candidate.id === id && candidate.revokedAt === undefined);
  if (token === undefined || !(await access.revokeToken(id))) {
    throw notFound(`no active token with id '${id}'`);
  }
}
