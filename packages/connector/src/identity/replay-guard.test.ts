import { describe, expect, it } from 'vitest';
import { MemoryReplayGuard } from './replay-guard.ts';

describe('in-memory replay guard', () => {
  it('accepts a token id once per sender, until the token expires', () => {
    let clock = 1_000_000;
    const guard = new MemoryReplayGuard({ now: () => clock * 1000, sweepSeconds: 1 });
    expect(guard.firstUse('did:web:a', 'j1', clock, clock + 60)).toBe(true);
    expect(guard.firstUse('did:web:a', 'j1', clock, clock + 60)).toBe(false);
    expect(guard.firstUse('did:web:b', 'j1', clock, clock + 60)).toBe(true);
    expect(guard.size).toBe(2);
    clock += 61;
    expect(guard.firstUse('did:web:c', 'j2', clock, clock + 60)).toBe(true);
    // The expired entries are swept; a token that old is refused as expired by the verifier anyway.
    expect(guard.size).toBe(1);
  });

  it('refuses tokens issued before its memory began, and restores saved entries', () => {
    const clock = 2_000_000;
    const first = new MemoryReplayGuard({ now: () => clock * 1000 });
    first.firstUse('did:web:a', 'j1', clock, clock + 60);
    const saved = first.entries();
    const restarted = new MemoryReplayGuard({
      now: () => (clock + 5) * 1000,
      since: clock + 5,
      entries: saved,
    });
    expect(restarted.firstUse('did:web:a', 'j1', clock, clock + 60)).toBe(false);
    expect(restarted.firstUse('did:web:a', 'j3', clock + 4, clock + 64)).toBe(false);
    expect(restarted.firstUse('did:web:a', 'j4', clock + 5, clock + 65)).toBe(true);
  });
});
