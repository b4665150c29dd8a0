/**
 * @module progress
 * Progress bars for long work, on stderr (stdout carries results alone). On a terminal the bar shows
 * at once and redraws in place; when stderr is a file or a pipe (CI logs) nothing is written for
 * short work, and long work prints a progress line every few seconds.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number): void;
  /** Removes the bar (or ends the lines); call it whether the work succeeded or not. */
  stop(): void;
}

export interface ProgressOptions {
  readonly stream?: NodeJS.WriteStream;
  /** Without a terminal, the first line comes after this long (default 5 s), then one per interval. */
  readonly quietMs?: number;
}

/** A progress bar over `total` steps of `unit`s, e.g. `progressBar('simulating', 1000, 'runs')`. */
export function progressBar(
  label: string,
  total: number,
  unit: string,
  options: ProgressOptions = {},
): Progress {
  const stream = options.stream ?? process.stderr;
  const terminal = stream.isTTY === true;
  const quietMs = options.quietMs ?? 5000;
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {duration_formatted}, ETA {eta_formatted}`,
      hideCursor: terminal,
      clearOnComplete: terminal,
      noTTYOutput: !terminal,
      notTTYSchedule: quietMs,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let done = 0;
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    bar.start(total, done);
  };
  const timer = terminal ? undefined : setTimeout(start, quietMs);
  timer?.unref();
  if (terminal) start();
  return {
    update(value) {
      done = value;
      if (started) bar.update(value);
    },
    stop() {
      if (timer !== undefined) clearTimeout(timer);
      if (started) bar.stop();
    },
  };
}
