/**
 * @module output
 * Where the CLI writes: results to stdout (JSON alone when --json is given), messages and progress to
 * stderr. Commands receive an `Output` so tests can capture both streams.
 */
export interface Output {
  /** A line of result on stdout. */
  out(line: string): void;
  /** A line of information, warning or error on stderr. */
  err(line: string): void;
  /** A JSON document on stdout, alone. */
  json(value: unknown): void;
}

export const processOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  json: (value) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`),
};

/** Collects what a command prints, for tests. */
export function captureOutput(): Output & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    json: (value) => stdout.push(JSON.stringify(value, null, 2)),
  };
}
