/**
 * @module commands/events
 * The event log: `keten events append FILE` (JSON Lines or a JSON array; idempotent by key) and
 * `keten events list`.
 */
import { checkPlanningPayloads, type EventInput, EventInputSchema } from '@keten/core';
import type { Backend } from '../backend.ts';
import { CliError } from '../errors.ts';
import type { Output } from '../output.ts';

/**
 * Parses JSON Lines (one event per line) or a JSON array; every bad line is reported, none is dropped.
 * Planning events (`capacity.changed`, …) must also have a payload that fits their type.
 */
export function parseEvents(file: string, text: string): EventInput[] {
  const problems: string[] = [];
  const events: EventInput[] = [];
  const trimmed = text.trimStart();
  const entries: { line: number; value: unknown }[] = [];
  if (trimmed.startsWith('[')) {
    try {
      const array = JSON.parse(text) as unknown[];
      array.forEach((value, index) => {
        entries.push({ line: index + 1, value });
      });
    } catch (error) {
      throw new CliError('invalid', `${file}: not valid JSON (${(error as Error).message})`);
    }
  } else {
    text.split(/\r?\n/).forEach((line, index) => {
      if (line.trim() === '') return;
      try {
        entries.push({ line: index + 1, value: JSON.parse(line) });
      } catch (error) {
        problems.push(`${file}:${index + 1}: not valid JSON (${(error as Error).message})`);
      }
    });
  }
  const where = (line: number) => `${file}:${trimmed.startsWith('[') ? 'element ' : ''}${line}`;
  const lines: number[] = [];
  for (const entry of entries) {
    const parsed = EventInputSchema.safeParse(entry.value);
    if (parsed.success) {
      events.push(parsed.data as EventInput);
      lines.push(entry.line);
      continue;
    }
    for (const issue of parsed.error.issues) {
      const field = issue.path.length > 0 ? `field '${issue.path.join('.')}': ` : '';
      problems.push(`${where(entry.line)}: ${field}${issue.message}`);
    }
  }
  // A planning event whose payload does not fit its type could never be applied: refuse it here.
  for (const problem of checkPlanningPayloads(events)) {
    problems.push(
      `${where(lines[problem.index] ?? 0)}: field '${problem.path.join('.')}': ${problem.message}`,
    );
  }
  if (problems.length > 0) {
    throw new CliError(
      'invalid',
      `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}; nothing appended`,
      problems,
    );
  }
  return events;
}

/** Appends the events of a file. Like an import, the file is checked before the backend is opened. */
export async function appendCommand(
  openBackend: () => Promise<Backend>,
  file: string,
  text: string,
  options: { json?: boolean },
  output: Output,
): Promise<void> {
  const events = parseEvents(file, text);
  const backend = await openBackend();
  try {
    const outcome = await backend.appendEvents(events);
    if (options.json) return output.json(outcome);
    output.out(
      `appended ${outcome.appended.length} event${outcome.appended.length === 1 ? '' : 's'}, ${outcome.duplicates.length} already in the log`,
    );
  } finally {
    await backend.close();
  }
}

export async function eventsListCommand(
  backend: Backend,
  options: { after?: number; type?: string; source?: string; limit?: number; json?: boolean },
  output: Output,
): Promise<void> {
  const events = await backend.readEvents({
    ...(options.after === undefined ? {} : { after: options.after }),
    ...(options.type === undefined ? {} : { type: options.type }),
    ...(options.source === undefined ? {} : { source: options.source }),
    ...(options.limit === undefined ? {} : { limit: options.limit }),
  });
  if (options.json) return output.json(events);
  for (const event of events) {
    output.out(
      `${event.sequence}\t${event.at}\t${event.type}\t${event.key}\t${event.source}\t${JSON.stringify(event.payload)}`,
    );
  }
}
