/**
 * @module progress
 * Progress for long work, on stderr (stdout carries results alone). On a terminal a cli-progress bar
 * shows at once and redraws in place; when stderr is a file or a pipe (CI logs) nothing is written for
 * short work, and long work prints a plain line every few seconds (`simulating: 350 of 1000 runs (35 %)
 * after 5 s, about 9 s to go`).
 */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number): void;
  /** Removes the bar (or ends the lines); call it whether the work succeeded or not. */
  stop(): void;
}

export interface ProgressOptions {
  readonly stream?: NodeJS.WriteStream;
  /** Without a terminal: a line every this long, the first after as long (default 5 s). */
  readonly intervalMs?: number;
}

/** Progress over `total` steps of `unit`s, e.g. `progressBar('simulating', 1000, 'runs')`. */
export function progressBar(
  label: string,
  total: number,
  unit: string,
  options: ProgressOptions = {},
): Progress {
  const stream = options.stream ?? process.stderr;
  return stream.isTTY === true
    ? terminalBar(label, total, unit, stream)
    : progressLines(label, total, unit, stream, options.intervalMs ?? 5000);
}

function terminalBar(label: string, total: number, unit: string, stream: NodeJS.WriteStream): Progress {
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | {duration_formatted}, ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return { update: (done) => bar.update(done), stop: () => bar.stop() };
}

function progressLines(
  label: string,
  total: number,
  unit: string,
  stream: NodeJS.WriteStream,
  intervalMs: number,
): Progress {
  const started = performance.now();
  let done = 0;
  const timer = setInterval(() => {
    const seconds = (performance.now() - started) / 1000;
    const left = done > 0 ? ((total - done) * seconds) / done : undefined;
    stream.write(
      `${label}: ${done} of ${total} ${unit} (${Math.floor((done / total) * 100)} %) after ${Math.round(seconds)} s` +
        `${left === undefined ? '' : `, about ${Math.ceil(left)} s to go`}\n`,
    );
  }, intervalMs);
  timer.unref();
  return {
    update: (value) => {
      done = value;
    },
    stop: () => clearInterval(timer),
  };
}
