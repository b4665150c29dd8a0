import { describe, expect, it } from 'vitest';
import { createConnectGate } from './connect-gate.ts';

const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A work that runs until `finish()` is called. */
function pending() {
  let finish: (value?: unknown) => void = () => undefined;
  let fail: (error: Error) => void = () => undefined;
  const done = new Promise((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  return { done, finish: () => finish(), fail: (error: Error) => fail(error) };
}

describe('connect gate', () => {
  it('runs nothing before it is opened, then at most `slots` at once, in the order asked', async () => {
    const gate = createConnectGate({ slots: 2, intervalMs: 10, lag: () => 0 });
    const started: string[] = [];
    const works = ['a', 'b', 'c', 'd'].map((key) => {
      const work = pending();
      const run = gate.run(key, async () => {
        started.push(key);
        await work.done;
        return key;
      });
      return { key, work, run };
    });
    await tick(40);
    expect(started).toEqual([]);
    expect(gate.state()).toEqual({ waiting: 4, running: 0, failing: 0 });
    gate.open();
    await tick(40);
    expect(started).toEqual(['a', 'b']);
    expect(gate.state().running).toBe(2);
    works[0]!.work.finish();
    await expect(works[0]!.run).resolves.toBe('a');
    await tick(40);
    expect(started).toEqual(['a', 'b', 'c']);
    for (const entry of works.slice(1)) entry.work.finish();
    await Promise.all(works.map((entry) => entry.run));
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    expect(gate.state()).toEqual({ waiting: 0, running: 0, failing: 0 });
    gate.close();
  });

  it('holds connects back while the event loop lags, but lets a quarter of the slots through', async () => {
    let lag = 500;
    const gate = createConnectGate({ slots: 4, maxLagMs: 40, intervalMs: 10, open: true, lag: () => lag });
    const blocker = pending();
    const first = gate.run('first', () => blocker.done);
    const started: string[] = [];
    const rest = ['b', 'c', 'd'].map((key) =>
      gate.run(key, async () => {
        started.push(key);
      }),
    );
    await tick(60);
    // `first` is under way and the loop lags: the others wait.
    expect(started).toEqual([]);
    expect(gate.state()).toMatchObject({ waiting: 3, running: 1 });
    lag = 5;
    await Promise.all(rest);
    expect(started).toEqual(['b', 'c', 'd']);
    blocker.finish();
    await first;
    // Lagging with nothing under way: still one at a time (a quarter of 4), so work goes on on a busy machine.
    lag = 500;
    const late: string[] = [];
    await Promise.all(
      ['e', 'f'].map((key) =>
        gate.run(key, async () => {
          late.push(key);
        }),
      ),
    );
    expect(late).toEqual(['e', 'f']);
    gate.close();
  });

  it('counts a key as failing until a later connect of it succeeds', async () => {
    const gate = createConnectGate({ open: true, lag: () => 0 });
    await expect(
      gate.run('x', async () => {
        throw new Error('ECONNREFUSED');
      }),
    ).rejects.toThrow('ECONNREFUSED');
    expect(gate.state().failing).toBe(1);
    await gate.run('x', async () => undefined);
    expect(gate.state()).toEqual({ waiting: 0, running: 0, failing: 0 });
    gate.close();
  });
});
