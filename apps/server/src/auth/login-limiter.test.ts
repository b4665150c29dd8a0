import { describe, expect, it } from 'vitest';
import { TestClock } from '../test-support.ts';
import { LoginLimiter } from './login-limiter.ts';

describe('LoginLimiter', () => {
  it('locks a user name after its limit of failures, until the window ends', () => {
    const clock = new TestClock();
    const limiter = new LoginLimiter(clock, { perUsername: 3, perAddress: 100, windowMs: 60_000 });
    for (let attempt = 0; attempt < 3; attempt++) {
      expect(limiter.retryAfter('Ada', `10.0.0.${attempt}`)).toBe(0);
      limiter.recordFailure('Ada', `10.0.0.${attempt}`);
    }
    expect(limiter.retryAfter('ada', '10.0.0.99')).toBe(60);
    clock.advance(45_000);
    expect(limiter.retryAfter('ada', '10.0.0.99')).toBe(15);
    clock.advance(15_000);
    expect(limiter.retryAfter('ada', '10.0.0.99')).toBe(0);
  });

  it('locks an address after its limit, whatever the name', () => {
    const limiter = new LoginLimiter(new TestClock(), { perUsername: 100, perAddress: 2 });
    limiter.recordFailure('a', '192.0.2.1');
    limiter.recordFailure('b', '192.0.2.1');
    expect(limiter.retryAfter('c', '192.0.2.1')).toBeGreaterThan(0);
    expect(limiter.retryAfter('c', '192.0.2.2')).toBe(0);
  });

  it('clears a user name on success', () => {
    const limiter = new LoginLimiter(new TestClock(), { perUsername: 2 });
    limiter.recordFailure('ada', '192.0.2.1');
    limiter.recordSuccess('ada');
    limiter.recordFailure('ada', '192.0.2.1');
    expect(limiter.retryAfter('ada', '192.0.2.1')).toBe(0);
  });

  it('keeps at most maximumKeys entries', () => {
    const limiter = new LoginLimiter(new TestClock(), { perUsername: 1, perAddress: 1000, maximumKeys: 10 });
    for (let user = 0; user < 100; user++) limiter.recordFailure(`user-${user}`, '192.0.2.1');
    // The oldest were dropped; the newest are still counted.
    expect(limiter.retryAfter('user-0', '192.0.2.9')).toBe(0);
    expect(limiter.retryAfter('user-99', '192.0.2.9')).toBeGreaterThan(0);
  });
});
