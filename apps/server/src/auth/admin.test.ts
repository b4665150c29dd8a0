import { describe, expect, it } from 'vitest';
import { createServer } from '../app.ts';
import { TestClock, testStore } from '../test-support.ts';
import { ensureAdmin } from './admin.ts';
import { verifyPassword } from './passwords.ts';

describe('ensureAdmin', () => {
  it('creates an admin with a generated password and a token, both usable', async () => {
    const store = testStore(new TestClock());
    const outcome = await ensureAdmin(store, { username: 'admin', tokenName: 'demo' });
    if (!outcome.ok) throw new Error(outcome.message);
    expect(outcome).toMatchObject({ action: 'created', role: 'admin', generated: true });
    expect(outcome.password).toMatch(/^[A-Za-z0-9_-]{24}$/);
    const stored = await store.access.getUser('admin');
    expect(stored?.role).toBe('admin');
    expect(await verifyPassword(outcome.password!, stored!.passwordHash)).toBe(true);

    const app = await createServer({ store, logger: false });
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'admin', password: outcome.password },
    });
    expect(login.statusCode).toBe(201);
    const users = await app.inject({
      method: 'GET',
      url: '/api/v1/users',
      headers: { authorization: `Bearer ${outcome.token}` },
    });
    expect(users.statusCode).toBe(200);
    await app.close();
  });

  it('leaves an existing user alone, and returns no password', async () => {
    const store = testStore(new TestClock());
    await ensureAdmin(store, { username: 'admin', password: 'first password here' });
    const again = await ensureAdmin(store, { username: 'admin' });
    expect(again).toEqual({ ok: true, username: 'admin', action: 'exists', role: 'admin', generated: false });
    const stored = await store.access.getUser('admin');
    expect(await verifyPassword('first password here', stored!.passwordHash)).toBe(true);
  });

  it('with reset, sets a new password, makes the user admin and enables them', async () => {
    const store = testStore(new TestClock());
    await store.access.createUser({ username: 'ops', role: 'viewer', passwordHash: 'x' });
    await store.access.updateUser('ops', { disabled: true });
    const outcome = await ensureAdmin(store, { username: 'ops', password: 'the new password!', reset: true });
    expect(outcome).toMatchObject({
      ok: true,
      action: 'reset',
      password: 'the new password!',
      generated: false,
    });
    const stored = await store.access.getUser('ops');
    expect(stored).toMatchObject({ role: 'admin', disabled: false });
    expect(await verifyPassword('the new password!', stored!.passwordHash)).toBe(true);
  });

  it('refuses a weak password and a bad user name, as values', async () => {
    const store = testStore(new TestClock());
    expect(await ensureAdmin(store, { username: 'admin', password: 'short' })).toMatchObject({
      ok: false,
      reason: 'weak-password',
    });
    expect(await ensureAdmin(store, { username: 'Not OK' })).toMatchObject({
      ok: false,
      reason: 'invalid-username',
    });
    expect(await store.access.listUsers()).toEqual([]);
  });
});
