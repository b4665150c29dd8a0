import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { serverLogger } from './logging.ts';
import { body, NETWORK_YAML, PASSWORD, testServer } from './test-support.ts';

describe('logs', () => {
  it('are JSON lines with request ids, and hold no password, token or secret', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const server = await testServer({ logger });

    const login = await server.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'admin', password: PASSWORD },
    });
    const { secret } = body<{ secret: string }>(login);
    const authorization = { authorization: `Bearer ${secret}` };
    const newPassword = 'a secret new password 42';
    await server.app.inject({
      method: 'POST',
      url: '/api/v1/users',
      headers: authorization,
      payload: { username: 'grace', role: 'planner', password: newPassword },
    });
    const created = await server.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: authorization,
      payload: { name: 'ci' },
    });
    const apiToken = body<{ secret: string }>(created).secret;
    await server.app.inject({
      method: 'POST',
      url: '/api/v1/networks',
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/yaml' },
      payload: NETWORK_YAML,
    });
    await server.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: { username: 'admin', password: 'wrong password guess' },
    });
    await server.app.inject({
      method: 'GET',
      url: '/api/v1/me',
      headers: { authorization: 'Bearer ktn_garbage' },
    });

    expect(lines.length).toBeGreaterThan(10);
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(
      entries.filter((entry) => entry.req !== undefined).every((entry) => typeof entry.reqId === 'string'),
    ).toBe(true);
    expect(entries.some((entry) => entry.msg === 'network imported')).toBe(true);
    expect(entries.some((entry) => entry.msg === 'login failed' && entry.username === 'admin')).toBe(true);
    const text = lines.join('');
    for (const secretText of [
      PASSWORD,
      newPassword,
      'wrong password guess',
      secret,
      apiToken,
      'ktn_garbage',
    ]) {
      expect(text).not.toContain(secretText);
    }
    expect(text).not.toContain(secret.slice(21));
    expect(text).not.toContain('scrypt$');
    await server.close();
  });

  it('redacts authorization headers and password, token and secret fields wherever they are logged', () => {
    const lines: string[] = [];
    const logger = serverLogger(pino({}, { write: (line: string) => lines.push(line) }))!;
    logger.info(
      {
        req: { headers: { authorization: 'Bearer ktn_x', cookie: 'session=abc' } },
        body: { password: 'hunter2hunter2', token: 'ktn_y', nested: { secret: 'shh' } },
        password: 'top-level',
      },
      'careless',
    );
    const entry = JSON.parse(lines[0]!);
    expect(entry.req.headers).toEqual({ authorization: '[redacted]', cookie: '[redacted]' });
    expect(entry.body.password).toBe('[redacted]');
    expect(entry.body.token).toBe('[redacted]');
    expect(entry.password).toBe('[redacted]');
    expect(lines[0]).not.toMatch(/hunter2|ktn_|top-level/);
  });

  it('builds a redacting logger from pino options too, and none from false', () => {
    expect(serverLogger(false)).toBeUndefined();
    const logger = serverLogger({ level: 'warn' });
    expect(logger?.level).toBe('warn');
  });
});

describe('a transient refusal', () => {
  it('is logged at info without a stack, and answered 503 with Retry-After', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(line) });
    const server = await testServer({
      logger,
      nodeAuthenticator: {
        authenticate: async () => ({
          ok: false,
          error: 'cannot fetch the DID document now',
          retryAfterSeconds: 5,
        }),
      },
      extensions: [
        async (scope) => {
          scope.post('/exchange/probe', { config: { auth: { kind: 'node' } } }, async () => ({ ok: true }));
        },
      ],
    });
    const answer = await server.app.inject({ method: 'POST', url: '/exchange/probe', payload: {} });
    expect(answer.statusCode).toBe(503);
    expect(answer.headers['retry-after']).toBe('5');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const logged = entries.filter((entry) => String(entry.msg).includes('cannot fetch the DID document now'));
    expect(logged.length).toBe(1);
    expect(logged[0]).toMatchObject({ level: 30, code: 'unavailable', status: 503, retryAfter: '5' });
    expect(JSON.stringify(logged[0])).not.toContain('stack');
    await server.app.close();
  });
});
