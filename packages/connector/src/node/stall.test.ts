import { describe, expect, it } from 'vitest';
import { deadlineOf, stallSettings, stallVerdict, watchOf } from './stall.ts';

const settings = stallSettings({ deadlineMs: 1000, attempts: 3, maxDelayMs: 3000 });
const T0 = Date.parse('2026-11-26T10:00:00Z');

describe('deadlines of waiting processes', () => {
  it('watches every state a process waits in, not the ends nor a running transfer', () => {
    expect(stallSettings()).toEqual({ deadlineMs: 30_000, deadlines: {}, attempts: 4, maxDelayMs: 600_000 });
    for (const state of ['REQUESTING', 'REQUESTED', 'AGREEING', 'AGREED', 'VERIFIED', 'TERMINATING'])
      expect(deadlineOf('negotiation', state, settings)).toBe(1000);
    for (const state of ['FINALIZED', 'TERMINATED', 'INITIAL'])
      expect(deadlineOf('negotiation', state, settings)).toBeUndefined();
    expect(deadlineOf('transfer', 'REQUESTED', settings)).toBe(1000);
    expect(deadlineOf('transfer', 'STARTED', settings)).toBeUndefined();
    expect(deadlineOf('transfer', 'COMPLETED', settings)).toBeUndefined();
    // A suspended transfer waits on purpose: only with a deadline of its own.
    expect(deadlineOf('transfer', 'SUSPENDED', settings)).toBeUndefined();
    const own = stallSettings({ deadlines: { SUSPENDED: 60_000, AGREED: 5000 } });
    expect(deadlineOf('transfer', 'SUSPENDED', own)).toBe(60_000);
    expect(deadlineOf('negotiation', 'AGREED', own)).toBe(5000);
  });

  it('keeps the watch while the state stays, and starts a new one when it moves', () => {
    const first = watchOf('negotiation', 'REQUESTED', undefined, T0, settings)!;
    expect(first).toEqual({
      state: 'REQUESTED',
      since: '2026-11-26T10:00:00.000Z',
      dueAt: '2026-11-26T10:00:01.000Z',
      checks: 0,
    });
    const checked = { ...first, checks: 2 };
    expect(watchOf('negotiation', 'REQUESTED', checked, T0 + 5000, settings)).toBe(checked);
    expect(watchOf('negotiation', 'AGREED', checked, T0 + 5000, settings)).toMatchObject({
      state: 'AGREED',
      checks: 0,
    });
    expect(watchOf('negotiation', 'FINALIZED', checked, T0 + 5000, settings)).toBeUndefined();
  });
});

describe('what a check decides', () => {
  const watch = watchOf('negotiation', 'REQUESTED', undefined, T0, settings)!;

  it('waits twice as long after each check, at most maxDelayMs, and ends after the last', () => {
    const answer = { kind: 'unreachable', detail: 'ECONNREFUSED' } as const;
    const first = stallVerdict('negotiation', watch, 'kempen', answer, T0 + 1000, settings);
    expect(first).toEqual({
      kind: 'wait',
      watch: {
        ...watch,
        checks: 1,
        dueAt: new Date(T0 + 3000).toISOString(),
        last: 'kempen did not answer (ECONNREFUSED); check 1 of 3, next in 2 s',
      },
    });
    if (first.kind !== 'wait') throw new Error('a wait');
    const second = stallVerdict('negotiation', first.watch, 'kempen', answer, T0 + 3000, settings);
    // 1000 · 2² = 4000, capped at 3000.
    expect(second).toMatchObject({
      kind: 'wait',
      watch: { checks: 2, dueAt: new Date(T0 + 6000).toISOString() },
    });
    if (second.kind !== 'wait') throw new Error('a wait');
    const last = stallVerdict(
      'negotiation',
      second.watch,
      'kempen',
      { kind: 'state', state: 'REQUESTED' },
      T0 + 6000,
      settings,
    );
    expect(last).toEqual({
      kind: 'end',
      code: 'stalled',
      reason: 'no progress in REQUESTED for 6 s after 3 check(s); last: kempen says REQUESTED',
      tell: true,
    });
  });

  it('ends at once when the partner lost the process or ended it', () => {
    expect(
      stallVerdict(
        'transfer',
        watch,
        'kempen',
        { kind: 'unknown', detail: '404 to GET /dsp/transfers/x' },
        T0,
        settings,
      ),
    ).toEqual({
      kind: 'end',
      code: 'partner-lost-state',
      reason: 'kempen does not know this transfer any more (404 to GET /dsp/transfers/x); it lost its state',
      tell: true,
    });
    expect(
      stallVerdict('negotiation', watch, 'kempen', { kind: 'state', state: 'TERMINATED' }, T0, settings),
    ).toMatchObject({
      kind: 'end',
      code: 'terminated-by-partner',
      tell: false,
    });
  });
});
