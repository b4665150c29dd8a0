/**
 * @module node/stall
 * Negotiations and transfers that stall: what a node does when a process waits in a state longer than
 * its deadline (the partner lost the process, crashed between two messages, or stopped answering).
 * EDC users know the symptom as "negotiations that stall silently"; here every process in a state it
 * waits in has a deadline, kept in the store with the process (`ProcessWatch`), so a restart goes on
 * where it was. When the deadline passes the node asks the partner for the process's state (DSP
 * `GET /negotiations/:pid`, `GET /transfers/:pid`), sends its pending message again if the outbox gave
 * it up, and checks again later, each wait twice the one before; after `attempts` checks, or at once
 * when the partner does not know the process (404) or says it ended, the node ends the process
 * (`abandonNegotiation`, `abandonTransfer`): TERMINATED with a code and reason, and a DSP termination
 * message where the diagram lets this party send one. The pure decisions are here; the exchange
 * service does the I/O. Documented in docs/node.md, "Processes that stall".
 */

/** The codes a node ends a stalled process with (DSP leaves the termination `code` free). */
export const STALL_CODES = {
  stalled: 'the partner did not move the process on within the deadline, after every check',
  'partner-lost-state': 'the partner does not know the process (404 to the state query): it lost it',
  'terminated-by-partner': 'the partner says the process is TERMINATED; its termination did not arrive',
} as const;
export type StallCode = keyof typeof STALL_CODES;

/** When the node checks on a waiting process, and how often before it ends it. */
export interface StallSettings {
  /** How long a process may stay in a state before the first check, ms (default 30 s). */
  readonly deadlineMs: number;
  /**
   * Per state (the fine state, -ING states included: `REQUESTED`, `AGREEING`, …), ms. A transfer's
   * STARTED is never watched (it is the transfer running); SUSPENDED only when given here.
   */
  readonly deadlines: Readonly<Record<string, number>>;
  /** Checks before the process is ended (default 4). */
  readonly attempts: number;
  /** The longest wait between two checks, ms (default 10 minutes). */
  readonly maxDelayMs: number;
}

export const DEFAULT_STALL_SETTINGS: StallSettings = {
  deadlineMs: 30_000,
  deadlines: {},
  attempts: 4,
  maxDelayMs: 600_000,
};

/** What the node keeps with a process about its current state's deadline (in the process's record). */
export interface ProcessWatch {
  /** The fine state it watches; a new state starts a new watch. */
  readonly state: string;
  /** When the process entered it (ISO 8601). */
  readonly since: string;
  /** When the next check is due (ISO 8601). */
  readonly dueAt: string;
  /** Checks made in this state. */
  readonly checks: number;
  /** What the last check found, in words. */
  readonly last?: string;
}

/** How the node ended a stalled process (kept with it, shown by the admin views). */
export interface ProcessEnd {
  readonly code: StallCode;
  readonly reason: string;
  readonly at: string;
  /** Whether a DSP termination message went to the partner (the diagram may give this party none). */
  readonly told: boolean;
}

const FINAL = new Set(['FINALIZED', 'TERMINATED', 'COMPLETED']);

/** The deadline of `state` in a process of `kind`, or undefined when the node does not wait in it. */
export function deadlineOf(
  kind: 'negotiation' | 'transfer',
  state: string,
  settings: StallSettings,
): number | undefined {
  if (FINAL.has(state) || state === 'INITIAL') return undefined;
  if (kind === 'transfer' && state === 'STARTED') return undefined;
  const own = settings.deadlines[state];
  if (own !== undefined) return own;
  if (kind === 'transfer' && state === 'SUSPENDED') return undefined;
  return settings.deadlineMs;
}

/**
 * The watch of a process in `state` at `now`: the one it had while the state is unchanged, a new one
 * (no checks yet, due after the state's deadline) when the state moved, none when it does not wait.
 */
export function watchOf(
  kind: 'negotiation' | 'transfer',
  state: string,
  previous: ProcessWatch | undefined,
  now: number,
  settings: StallSettings,
): ProcessWatch | undefined {
  const deadline = deadlineOf(kind, state, settings);
  if (deadline === undefined) return undefined;
  if (previous !== undefined && previous.state === state) return previous;
  return {
    state,
    since: new Date(now).toISOString(),
    dueAt: new Date(now + deadline).toISOString(),
    checks: 0,
  };
}

/** What the partner said when asked for the process's state. */
export type PartnerAnswer =
  | { readonly kind: 'state'; readonly state: string }
  /** 404: it does not know the process. */
  | { readonly kind: 'unknown'; readonly detail: string }
  /** No answer, or one that says nothing (down, 5xx, refused). */
  | { readonly kind: 'unreachable'; readonly detail: string }
  /** Not asked: its id is not known yet, or the binding has no state query for this party. */
  | { readonly kind: 'not-asked'; readonly detail: string };

export type StallVerdict =
  | { readonly kind: 'end'; readonly code: StallCode; readonly reason: string; readonly tell: boolean }
  | { readonly kind: 'wait'; readonly watch: ProcessWatch };

/** The partner's answer in words, for the log, the audit trail and the reason of an end. */
export function describeAnswer(partner: string, answer: PartnerAnswer): string {
  switch (answer.kind) {
    case 'state':
      return `${partner} says ${answer.state}`;
    case 'unknown':
      return `${partner} does not know it (${answer.detail})`;
    case 'unreachable':
      return `${partner} did not answer (${answer.detail})`;
    case 'not-asked':
      return `${partner} not asked (${answer.detail})`;
  }
}

function seconds(ms: number): string {
  return ms < 10_000 ? `${Math.round(ms / 100) / 10} s` : `${Math.round(ms / 1000)} s`;
}

/**
 * What to do with a process whose check is due: end it (the partner does not know it, says it ended,
 * or the last check passed), or wait for the next check, twice as long as the wait before (at most
 * `maxDelayMs`).
 */
export function stallVerdict(
  kind: 'negotiation' | 'transfer',
  watch: ProcessWatch,
  partner: string,
  answer: PartnerAnswer,
  now: number,
  settings: StallSettings,
): StallVerdict {
  const said = describeAnswer(partner, answer);
  if (answer.kind === 'unknown')
    return {
      kind: 'end',
      code: 'partner-lost-state',
      reason: `${partner} does not know this ${kind} any more (${answer.detail}); it lost its state`,
      tell: true,
    };
  if (answer.kind === 'state' && answer.state === 'TERMINATED')
    return {
      kind: 'end',
      code: 'terminated-by-partner',
      reason: `${partner} says the ${kind} is TERMINATED; its termination message never arrived`,
      tell: false,
    };
  const checks = watch.checks + 1;
  const waited = now - Date.parse(watch.since);
  if (checks >= settings.attempts)
    return {
      kind: 'end',
      code: 'stalled',
      reason: `no progress in ${watch.state} for ${seconds(waited)} after ${checks} check(s); last: ${said}`,
      tell: true,
    };
  const deadline = deadlineOf(kind, watch.state, settings) ?? settings.deadlineMs;
  const delay = Math.min(settings.maxDelayMs, deadline * 2 ** checks);
  return {
    kind: 'wait',
    watch: {
      ...watch,
      checks,
      dueAt: new Date(now + delay).toISOString(),
      last: `${said}; check ${checks} of ${settings.attempts}, next in ${seconds(delay)}`,
    },
  };
}

/** The settings with the defaults filled in. */
export function stallSettings(partial: Partial<StallSettings> = {}): StallSettings {
  return {
    deadlineMs: partial.deadlineMs ?? DEFAULT_STALL_SETTINGS.deadlineMs,
    deadlines: partial.deadlines ?? DEFAULT_STALL_SETTINGS.deadlines,
    attempts: partial.attempts ?? DEFAULT_STALL_SETTINGS.attempts,
    maxDelayMs: partial.maxDelayMs ?? DEFAULT_STALL_SETTINGS.maxDelayMs,
  };
}
