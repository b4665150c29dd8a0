/**
 * @module routes/users
 * The node's accounts, for admins: create users with a role, list them, change a role or password,
 * disable an account. Passwords are checked for strength and stored only as scrypt hashes. The last
 * enabled admin cannot be demoted or disabled, so a node is never left without one.
 */
import type { AccessStore, UserRecord } from '@keten/core';
import { z } from 'zod';
import {
  AUTHENTICATED_ERRORS,
  CreateUserRequest,
  ErrorResponse,
  UpdateUserRequest,
  User,
  UserParams,
} from '../api-schemas.ts';
import { hashPassword, passwordProblem } from '../auth/passwords.ts';
import { requireRole } from '../auth/policy.ts';
import { ApiError } from '../errors.ts';
import { type Api, notFound, type RouteContext } from './context.ts';

/** A user as the API shows it: without the password hash. */
export function userInfo(user: UserRecord): z.infer<typeof User> {
  return { username: user.username, role: user.role, createdAt: user.createdAt, disabled: user.disabled };
}

export function userRoutes(app: Api, context: RouteContext): void {
  const { access } = context.store;
  const admin = { auth: requireRole('admin') } as const;

  app.post(
    '/users',
    {
      config: admin,
      schema: {
        summary: 'Create a user (admins)',
        tags: ['users'],
        body: CreateUserRequest,
        response: { 201: z.object({ user: User }), ...AUTHENTICATED_ERRORS, 409: ErrorResponse },
      },
    },
    async (request, reply) => {
      const { username, role, password } = request.body;
      requireStrong(password, username);
      const created = await access.createUser({ username, role, passwordHash: await hashPassword(password) });
      if (created === 'exists') throw new ApiError('conflict', `a user named '${username}' exists already`);
      request.log.info({ username, role }, 'user created');
      reply.code(201);
      return { user: userInfo(created) };
    },
  );

  app.get(
    '/users',
    {
      config: admin,
      schema: {
        summary: 'List users (admins)',
        tags: ['users'],
        response: { 200: z.object({ users: z.array(User) }), ...AUTHENTICATED_ERRORS },
      },
    },
    async () => ({ users: (await access.listUsers()).map(userInfo) }),
  );

  app.get(
    '/users/:username',
    {
      config: admin,
      schema: {
        summary: 'One user (admins)',
        tags: ['users'],
        params: UserParams,
        response: { 200: z.object({ user: User }), ...AUTHENTICATED_ERRORS, 404: ErrorResponse },
      },
    },
    async (request) => {
      const user = await access.getUser(request.params.username);
      if (user === undefined) throw notFound(`no user named '${request.params.username}'`);
      return { user: userInfo(user) };
    },
  );

  app.patch(
    '/users/:username',
    {
      config: admin,
      schema: {
        summary: "Change a user's role or password, or disable them (admins)",
        description:
          'A disabled user cannot log in and their tokens stop working. The last enabled admin cannot be demoted or disabled.',
        tags: ['users'],
        params: UserParams,
        body: UpdateUserRequest,
        response: {
          200: z.object({ user: User }),
          ...AUTHENTICATED_ERRORS,
          404: ErrorResponse,
          409: ErrorResponse,
        },
      },
    },
    async (request) => {
      const { username } = request.params;
      const { role, password, disabled } = request.body;
      const user = await access.getUser(username);
      if (user === undefined) throw notFound(`no user named '${username}'`);
      const losesAdmin = (role !== undefined && role !== 'admin') || disabled === true;
      if (user.role === 'admin' && !user.disabled && losesAdmin && (await enabledAdmins(access)) <= 1) {
        throw new ApiError('conflict', `'${username}' is the last enabled admin; make another admin first`);
      }
      if (password !== undefined) requireStrong(password, username);
      const changed = await access.updateUser(username, {
        ...(role === undefined ? {} : { role }),
        ...(disabled === undefined ? {} : { disabled }),
        ...(password === undefined ? {} : { passwordHash: await hashPassword(password) }),
      });
      if (!changed) throw notFound(`no user named '${username}'`);
      request.log.info({ username, role, disabled, passwordChanged: password !== undefined }, 'user changed');
      const after = await access.getUser(username);
      if (after === undefined) throw notFound(`no user named '${username}'`);
      return { user: userInfo(after) };
    },
  );
}

function requireStrong(password: string, username: string): void {
  const problem = passwordProblem(password, username);
  if (problem !== undefined)
    throw new ApiError('invalid-request', problem, { details: { field: 'password' } });
}

async function enabledAdmins(access: AccessStore): Promise<number> {
  return (await access.listUsers()).filter((user) => user.role === 'admin' && !user.disabled).length;
}
