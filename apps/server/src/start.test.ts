import type { KetenStore } from '@keten/core';
import { describe, expect, it, vi } from 'vitest';
import { issueToken } from './auth/tokens.ts';
import { closeOnSignals, startServer } from './start.ts';
import { NETWORK_YAML, TestClock, testStore } from './test-support.ts';

/** A store whose imports wait until the test opens the gate. */
function gatedStore(): { store: KetenStore; importing: Promise<void>; open(): void; closed: () => boolean } {
  const inner = testStore(new TestClock());
  let open!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  const importing = new Promise<void>((resolve) => {
    started = resolve;
  });
  let closed = false;
  const store: KetenStore = {
    ...inner,
    networks: {
      importVersion: async (request) => {
        started();
        await gate;
        return inner.networks.importVersion(request);
      },
      listNetworks: () => inner.networks.listNetworks(),
      listVersions: (network) => inner.networks.listVersions(network),
      getVersion: (network, version) => inner.networks.getVersion(network, version),
    },
    close: async () => {
      closed = true;
      await inner.close();
    },
  };
  return { store, importing, open, closed: () => closed };
}

async function plannerToken(store: KetenStore): Promise<string> {
  await store.access.createUser({ username: 'planner', role: 'planner', passwordHash: 'unused' });
  return (await issueToken(store.access, new TestClock(), { username: 'planner', name: 't' })).secret;
}

describe('startServer', () => {
  it('listens, answers, and on close stops listening and closes the store', async () => {
    const { store, closed } = gatedStore();
    const server = await startServer({ store, port: 0, logger: false });
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const health = await fetch(`${server.url}/health`);
    expect(health.status).toBe(200);
    await server.close();
    expect(closed()).toBe(true);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    await server.close();
  });

  // The test's own timeout is far below the shutdown timeout: closing must not wait for it.
  it('finishes a request in flight before closing, and refuses new ones meanwhile', {
    timeout: 5_000,
  }, async () => {
    const { store, importing, open, closed } = gatedStore();
    const token = await plannerToken(store);
    const server = await startServer({ store, port: 0, logger: false, shutdownTimeoutMs: 30_000 });
    const inFlight = fetch(`${server.url}/api/v1/networks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
      body: NETWORK_YAML,
    });
    await importing;
    const closing = server.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(closed()).toBe(false);
    await expect(fetch(`${server.url}/health`)).rejects.toThrow();
    open();
    const response = await inFlight;
    expect(response.status).toBe(201);
    await closing;
    expect(closed()).toBe(true);
  });

  it('cuts requests still in flight after the shutdown timeout', async () => {
    const { store, importing, closed } = gatedStore();
    const token = await plannerToken(store);
    const server = await startServer({ store, port: 0, logger: false, shutdownTimeoutMs: 100 });
    const inFlight = fetch(`${server.url}/api/v1/networks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/yaml' },
      body: NETWORK_YAML,
    });
    await importing;
    await server.close();
    await expect(inFlight).rejects.toThrow();
    expect(closed()).toBe(true);
  });

  it('leaves the store open with closeStore: false, and reports a taken port', async () => {
    const { store, closed } = gatedStore();
    const first = await startServer({ store, port: 0, logger: false, closeStore: false });
    const port = Number(new URL(first.url).port);
    await expect(startServer({ store, port, logger: false, closeStore: false })).rejects.toThrow(
      /EADDRINUSE/,
    );
    await first.close();
    expect(closed()).toBe(false);
    await store.close();
  });
});

describe('closeOnSignals', () => {
  // SIGUSR2 stands in for SIGTERM/SIGINT, which the test runner itself listens to.
  const signal = 'SIGUSR2' as const;

  it('closes gracefully and exits 0 on the first signal, exits 1 at once on the second', async () => {
    let finishClose!: () => void;
    const close = vi.fn(
      () =>
        new Promise<void>((resolve) => {
          finishClose = resolve;
        }),
    );
    const exit = vi.fn();
    const messages: string[] = [];
    const remove = closeOnSignals({ close }, { signals: [signal], exit, log: (line) => messages.push(line) });
    process.emit(signal, signal);
    expect(close).toHaveBeenCalledTimes(1);
    expect(exit).not.toHaveBeenCalled();
    process.emit(signal, signal);
    expect(exit).toHaveBeenCalledWith(1);
    finishClose();
    await new Promise((resolve) => setImmediate(resolve));
    expect(exit).toHaveBeenLastCalledWith(0);
    expect(messages[0]).toMatch(/SIGUSR2: shutting down/);
    remove();
    expect(process.listenerCount(signal)).toBe(0);
  });

  it('exits 1 when closing fails', async () => {
    const exit = vi.fn();
    const remove = closeOnSignals(
      { close: () => Promise.reject(new Error('store would not close')) },
      { signals: [signal], exit, log: () => {} },
    );
    process.emit(signal, signal);
    await new Promise((resolve) => setImmediate(resolve));
    expect(exit).toHaveBeenCalledWith(1);
    remove();
  });
});
