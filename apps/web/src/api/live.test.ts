import { describe, expect, it } from 'vitest';
import { reconnectDelay, streamUrl } from './live.ts';

describe('live stream', () => {
  it('waits longer after each failed attempt, at most 15 s', () => {
    expect([0, 1, 2, 3, 4, 5, 20].map(reconnectDelay)).toEqual([1000, 2000, 4000, 8000, 15000, 15000, 15000]);
  });

  it('asks for one network, its log and re-plans, resuming after the last sequence seen', () => {
    const url = new URL(streamUrl('t/1+', 'demo net', 41), 'http://node');
    expect(url.pathname).toBe('/api/v1/stream');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      ticket: 't/1+',
      topics: 'log,plan',
      network: 'demo net',
      after: '41',
    });
    expect(new URL(streamUrl('t', 'n', undefined), 'http://node').searchParams.has('after')).toBe(false);
  });
});
