import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/passwords.ts';
import { body, PASSWORD, type TestServer, testServer } from '../test-support.ts';

type ErrorBody = { error: { code: string; message: string } };
type User = { username: string; role: string; createdAt: string; disabled: boolean };
type Token = { id: string; username: string; name: string; expiresAt?: string; revokedAt?: string };
type Session = { token: Token; secret: string; user: User };

let server: TestServer;
beforeEach(async () => {
  server = await testServer();
});
afterEach(() => server.close());

const withToken = (
  secret: string,
  request: { method: 'GET' | 'POST' | 'DELETE'; url: string; payload?: object },
) => server.app.inject({ ...request, headers: { authorization: `Bearer ${secret}` } });
const login = (username: string, password: string, remoteAddress = '10.0.0.1') =>
  server.app.inject({
    method: 'POST',
    url: '/api/v1/session',
    payload: { username, password },
    remoteAddress,
  });

describe('users (admins)', () => {
  it('creates a user with a hashed password, and lists users without hashes', async () => {
    const created = await server.as('admin', {
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'ada', role: 'planner', password: 'difference engine 1843' },
    });
    expect(created.statusCode).toBe(201);
    expect(body<{ user: User }>(created).user).toEqual({
      username: 'ada',
      role: 'planner',
      createdAt: expect.any(String),
      disabled: false,
    });
    const stored = await server.store.access.getUser('ada');
    expect(stored?.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
    expect(await verifyPassword('difference engine 1843', stored!.passwordHash)).toBe(true);

    const list = await server.as('admin', { method: 'GET', url: '/api/v1/users' });
    expect(
      body<{ users: User[] }>(list)
        .users.map((user) => user.username)
        .sort(),
    ).toEqual(['ada', 'admin', 'planner', 'viewer']);
    expect(list.body).not.toContain('scrypt');
    expect(list.body).not.toContain('passwordHash');
  });

  it('refuses a weak password with a clear message', async () => {
    const response = await server.as('admin', {
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'bob', role: 'viewer', password: 'hunter2' },
    });
    expect(response.statusCode).toBe(400);
    expect(body<ErrorBody>(response).error).toMatchObject({
      code: 'invalid-request',
      message: 'the password needs at least 12 characters (it has 7)',
    });
    expect(await server.store.access.getUser('bob')).toBeUndefined();
  });

  it('refuses a taken name with 409 and a bad name with 400', async () => {
    const taken = await server.as('admin', {
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'viewer', role: 'viewer', password: 'another fine password' },
    });
    expect(taken.statusCode).toBe(409);
    expect(body<ErrorBody>(taken).error.code).toBe('conflict');
    const bad = await server.as('admin', {
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'Bad Name', role: 'viewer', password: 'another fine password' },
    });
    expect(bad.statusCode).toBe(400);
    const role = await server.as('admin', {
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: 'carol', role: 'root', password: 'another fine password' },
    });
    expect(role.statusCode).toBe(400);
  });

  it('changes a role and a password, and disables a user', async () => {
    const promoted = await server.as('admin', {
      method: 'PATCH',
      url: '/api/v1/users/viewer',
      payload: { role: 'planner', password: 'a brand new passphrase' },
    });
    expect(promoted.statusCode).toBe(200);
    expect(body<{ user: User }>(promoted).user.role).toBe('planner');
    expect((await login('viewer', 'a brand new passphrase')).statusCode).toBe(201);
    expect((await login('viewer', PASSWORD)).statusCode).toBe(401);

    const disabled = await server.as('admin', {
      method: 'PATCH',
      url: '/api/v1/users/viewer',
      payload: { disabled: true },
    });
    expect(body<{ user: User }>(disabled).user.disabled).toBe(true);
    expect((await server.as('viewer', { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect((await login('viewer', 'a brand new passphrase')).statusCode).toBe(401);
  });

  it('never leaves the node without an enabled admin', async () => {
    for (const payload of [{ role: 'planner' }, { disabled: true }]) {
      const response = await server.as('admin', { method: 'PATCH', url: '/api/v1/users/admin', payload });
      expect(response.statusCode).toBe(409);
      expect(body<ErrorBody>(response).error.message).toMatch(/last enabled admin/);
    }
    await server.as('admin', { method: 'PATCH', url: '/api/v1/users/planner', payload: { role: 'admin' } });
    const demoted = await server.as('admin', {
      method: 'PATCH',
      url: '/api/v1/users/admin',
      payload: { role: 'viewer' },
    });
    expect(demoted.statusCode).toBe(200);
  });

  it('answers 404 for an unknown user and 400 for an empty change', async () => {
    const unknown = await server.as('admin', {
      method: 'PATCH',
      url: '/api/v1/users/nobody',
      payload: { role: 'viewer' },
    });
    expect(unknown.statusCode).toBe(404);
    expect((await server.as('admin', { method: 'GET', url: '/api/v1/users/nobody' })).statusCode).toBe(404);
    const empty = await server.as('admin', { method: 'PATCH', url: '/api/v1/users/viewer', payload: {} });
    expect(empty.statusCode).toBe(400);
  });
});

describe('tokens', () => {
  it('creates a token shown once, which then works; lists tokens without secrets or hashes', async () => {
    const created = await server.as('viewer', {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'laptop', expiresInDays: 30 },
    });
    expect(created.statusCode).toBe(201);
    const { token, secret } = body<{ token: Token; secret: string }>(created);
    expect(secret).toMatch(/^ktn_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect(secret).toContain(token.id);
    expect(token).toMatchObject({
      username: 'viewer',
      name: 'laptop',
      expiresAt: '2027-02-03T08:00:00.000Z',
    });

    const me = await withToken(secret, { method: 'GET', url: '/api/v1/me' });
    expect(body<{ user: User; token: Token }>(me)).toMatchObject({
      user: { username: 'viewer', role: 'viewer' },
      token: { id: token.id },
    });

    const list = await withToken(secret, { method: 'GET', url: '/api/v1/tokens' });
    expect(
      body<{ tokens: Token[] }>(list)
        .tokens.map((listed) => listed.name)
        .sort(),
    ).toEqual(['laptop', 'test']);
    expect(list.body).not.toContain(secret.slice(21));
    expect(list.body).not.toContain('tokenHash');
  });

  it('revokes your own token; not somebody else’s', async () => {
    const { token, secret } = body<{ token: Token; secret: string }>(
      await server.as('viewer', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'ci' } }),
    );
    const byOther = await server.as('planner', { method: 'DELETE', url: `/api/v1/tokens/${token.id}` });
    expect(byOther.statusCode).toBe(404);
    const revoked = await withToken(secret, { method: 'DELETE', url: `/api/v1/tokens/${token.id}` });
    expect(revoked.statusCode).toBe(204);
    expect(revoked.body).toBe('');
    expect((await withToken(secret, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    expect(
      (await server.as('viewer', { method: 'DELETE', url: `/api/v1/tokens/${token.id}` })).statusCode,
    ).toBe(404);
  });

  it("lets admins list and revoke anyone's tokens", async () => {
    const { token } = body<{ token: Token }>(
      await server.as('viewer', { method: 'POST', url: '/api/v1/tokens', payload: { name: 'ci' } }),
    );
    const list = await server.as('admin', { method: 'GET', url: '/api/v1/tokens?username=viewer' });
    expect(body<{ tokens: Token[] }>(list).tokens.map((listed) => listed.id)).toContain(token.id);
    expect(
      (await server.as('planner', { method: 'GET', url: '/api/v1/tokens?username=viewer' })).statusCode,
    ).toBe(403);
    expect(
      (await server.as('admin', { method: 'DELETE', url: `/api/v1/tokens/${token.id}` })).statusCode,
    ).toBe(204);
  });
});

describe('session', () => {
  it('logs in with user name and password: a bearer token for 12 hours', async () => {
    const response = await login('planner', PASSWORD);
    expect(response.statusCode).toBe(201);
    const session = body<Session>(response);
    expect(session.user).toMatchObject({ username: 'planner', role: 'planner' });
    expect(session.token).toMatchObject({ name: 'session', expiresAt: '2027-01-04T20:00:00.000Z' });
    expect((await withToken(session.secret, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
    server.clock.advance(12 * 60 * 60 * 1000);
    const expired = await withToken(session.secret, { method: 'GET', url: '/api/v1/me' });
    expect(expired.statusCode).toBe(401);
    expect(body<ErrorBody>(expired).error.message).toMatch(/expired/);
  });

  it('answers a wrong password and an unknown user alike', async () => {
    const wrong = await login('planner', 'not the password at all');
    const unknown = await login('nobody', 'not the password at all');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(body(wrong)).toEqual(body(unknown));
  });

  it('refuses further attempts for a user name after 5 failures, until the window has passed', async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      expect((await login('planner', `guess number ${attempt}`, `10.0.1.${attempt}`)).statusCode).toBe(401);
    }
    const locked = await login('planner', PASSWORD, '10.0.2.1');
    expect(locked.statusCode).toBe(429);
    expect(body<ErrorBody>(locked).error.code).toBe('rate-limited');
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(0);
    // Other users are not affected.
    expect((await login('viewer', PASSWORD, '10.0.2.1')).statusCode).toBe(201);
    server.clock.advance(15 * 60 * 1000);
    expect((await login('planner', PASSWORD, '10.0.2.1')).statusCode).toBe(201);
  });

  it('refuses an address after 20 failures, whatever the user name', async () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      await login(`user-${attempt}`, 'wrong password here', '10.9.9.9');
    }
    expect((await login('viewer', PASSWORD, '10.9.9.9')).statusCode).toBe(429);
    expect((await login('viewer', PASSWORD, '10.9.9.10')).statusCode).toBe(201);
  });

  it('logs out: the session token stops working', async () => {
    const { secret } = body<Session>(await login('viewer', PASSWORD));
    expect((await withToken(secret, { method: 'DELETE', url: '/api/v1/session' })).statusCode).toBe(204);
    expect((await withToken(secret, { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(401);
    // Other tokens of the user still work.
    expect((await server.as('viewer', { method: 'GET', url: '/api/v1/me' })).statusCode).toBe(200);
  });

  it('refuses a login body without the fields', async () => {
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { user: 'x' },
    });
    expect(response.statusCode).toBe(400);
  });
});
