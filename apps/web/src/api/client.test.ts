import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiFailure, api } from './client.ts';

/** The node answers `status` with `body` and `headers` to every call. */
function answer(status: number, body: unknown, headers: Record<string, string> = {}) {
  vi.stubGlobal(
    'fetch',
    vi.fn(async () => new Response(body === undefined ? null : JSON.stringify(body), { status, headers })),
  );
}

async function failureOf(call: Promise<unknown>): Promise<ApiFailure> {
  const error = await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ApiFailure);
  return error as ApiFailure;
}

describe('the client and a node that is not ready yet', () => {
  beforeEach(() => {
    const stored = new Map<string, string>();
    vi.stubGlobal('sessionStorage', {
      getItem: (key: string) => stored.get(key) ?? null,
      setItem: (key: string, value: string) => stored.set(key, value),
      removeItem: (key: string) => stored.delete(key),
    });
  });
  afterEach(() => vi.unstubAllGlobals());

  it('takes a GET answered 202 as not ready, with when to ask again and the progress', async () => {
    answer(
      202,
      { message: 'planning v2', progress: { done: 3, total: 12, unit: 'companies' } },
      { 'retry-after': '4' },
    );
    const failure = await failureOf(api.get('/api/v1/networks/n/status'));
    expect(failure).toMatchObject({ status: 202, code: 'not-ready', message: 'planning v2' });
    expect(failure.notReady).toEqual({
      retryAfter: 4000,
      progress: { done: 3, total: 12, unit: 'companies' },
    });
  });

  it('takes a 503 with Retry-After as not ready, a 503 without it as a failure', async () => {
    answer(
      503,
      { error: { code: 'unavailable', message: 'the plan was replaced meanwhile; ask again' } },
      { 'retry-after': '1' },
    );
    const retry = await failureOf(api.get('/api/v1/networks/n/plan/pegging'));
    expect(retry).toMatchObject({ status: 503, code: 'unavailable' });
    expect(retry.notReady).toEqual({ retryAfter: 1000, progress: undefined });
    answer(503, { error: { code: 'unavailable', message: 'down' } });
    expect((await failureOf(api.get('/x'))).notReady).toBeUndefined();
  });

  it('gives a POST answered 202 (a job started) as its answer', async () => {
    answer(202, { id: 'job-1', state: 'queued' });
    expect(await api.post('/api/v1/networks/n/stress-test', {})).toEqual({ id: 'job-1', state: 'queued' });
  });

  it('leaves other failures as they were', async () => {
    answer(404, { error: { code: 'not-found', message: "no network 'n'" } }, { 'retry-after': '3' });
    const failure = await failureOf(api.get('/api/v1/networks/n/status'));
    expect(failure).toMatchObject({ status: 404, code: 'not-found' });
    expect(failure.notReady).toBeUndefined();
  });
});
