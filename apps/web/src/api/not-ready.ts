/**
 * @module api/not-ready
 * "Not ready yet": a node still computing what was asked (a large network's plan, made off the main
 * thread) answers 202, or 503 with `Retry-After`, instead of the answer. These pure helpers read such an
 * answer — when to ask again, how far the work is — so `useApi` can wait and ask again by itself, and
 * the page can show the progress instead of an error.
 */

/** How far the node's work is, as far as it said. */
export interface WorkProgress {
  /** Done so far and in all (`total` undefined when unknown), in `unit`s. */
  readonly done: number;
  readonly total: number | undefined;
  readonly unit: string | undefined;
}

/** The longest and shortest waits before asking again, whatever the node says. */
export const WAIT_LIMITS = { minimum: 500, maximum: 30_000, otherwise: 2_000 } as const;

/**
 * A `Retry-After` header in milliseconds from `now`: whole seconds, or an HTTP date; undefined when
 * absent or unreadable.
 */
export function retryAfterMs(header: string | null | undefined, now: number): number | undefined {
  if (header === null || header === undefined || header.trim() === '') return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP date names its day and month (`Tue, 05 Jan 2027 10:00:05 GMT`); bare numbers are not dates.
  if (!/^[A-Za-z]{3}, /.test(text)) return undefined;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** How long to wait before asking again: what the node said, kept within `WAIT_LIMITS`. */
export function waitBeforeAsking(retryAfter: number | undefined): number {
  if (retryAfter === undefined) return WAIT_LIMITS.otherwise;
  return Math.min(WAIT_LIMITS.maximum, Math.max(WAIT_LIMITS.minimum, retryAfter));
}

/**
 * The progress in a not-ready answer's body, where it says one: `progress` (or `job.progress`, or the
 * error's `details.progress`) as `{ done, total, unit }` or as a share from 0 to 1.
 */
export function progressOf(body: unknown): WorkProgress | undefined {
  const record = asRecord(body);
  const candidates = [
    record?.progress,
    asRecord(record?.job)?.progress,
    asRecord(asRecord(record?.error)?.details)?.progress,
  ];
  for (const candidate of candidates) {
    if (typeof candidate === 'number' && Number.isFinite(candidate) && candidate >= 0 && candidate <= 1) {
      return { done: Math.round(candidate * 100), total: 100, unit: '%' };
    }
    const progress = asRecord(candidate);
    if (progress === undefined || typeof progress.done !== 'number' || !Number.isFinite(progress.done))
      continue;
    const total =
      typeof progress.total === 'number' && Number.isFinite(progress.total) && progress.total > 0
        ? progress.total
        : undefined;
    return {
      done: Math.max(0, progress.done),
      total,
      unit: typeof progress.unit === 'string' && progress.unit !== '' ? progress.unit : undefined,
    };
  }
  return undefined;
}

/** The words a not-ready answer gives, if any (`message`, or the error's). */
export function messageOf(body: unknown): string | undefined {
  const record = asRecord(body);
  const message = record?.message ?? asRecord(record?.error)?.message;
  return typeof message === 'string' && message !== '' ? message : undefined;
}

/** A progress as words with its unit: `45 % (9 of 20 companies)`, `9 of 20 companies`, `9 steps done`. */
export function progressText(progress: WorkProgress): string {
  const number = (value: number) => value.toLocaleString('en-GB');
  if (progress.total === undefined) return `${number(progress.done)} ${progress.unit ?? 'steps'} done`;
  const percent = Math.min(100, Math.floor((100 * progress.done) / progress.total));
  if (progress.unit === '%') return `${percent} %`;
  return `${percent} % (${number(progress.done)} of ${number(progress.total)}${progress.unit === undefined ? '' : ` ${progress.unit}`})`;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;
}
