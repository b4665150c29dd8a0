import { describe, expect, it } from 'vitest';
import { progressBar } from './progress.ts';

/** A stderr that is not a terminal and keeps what is written. */
function logStream(): NodeJS.WriteStream & { text: string } {
  const stream = {
    isTTY: false,
    text: '',
    write(chunk: string) {
      stream.text += chunk;
      return true;
    },
  };
  return stream as unknown as NodeJS.WriteStream & { text: string };
}

describe('progressBar without a terminal', () => {
  it('prints nothing for short work', () => {
    const stream = logStream();
    const progress = progressBar('simulating', 10, 'runs', { stream, intervalMs: 1000 });
    progress.update(10);
    progress.stop();
    expect(stream.text).toBe('');
  });

  it('prints a plain line per interval for long work, with what is done and what is left', async () => {
    const stream = logStream();
    const progress = progressBar('simulating', 1000, 'runs', { stream, intervalMs: 30 });
    progress.update(250);
    await new Promise((resolve) => setTimeout(resolve, 100));
    progress.stop();
    const lines = stream.text.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines[0]).toMatch(/^simulating: 250 of 1000 runs \(25 %\) after \d+ s, about \d+ s to go$/);
    const printed = stream.text;
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(stream.text).toBe(printed); // stopped
  });
});
