/**
 * @module dataspace/process
 * What the contract negotiation and the transfer process have in common: a DSP state machine held by
 * each of the two parties, moved by the messages they send each other, with an intermediate "-ING"
 * state between deciding to send a message and knowing it arrived (as the Eclipse Dataspace
 * Components do: REQUESTING, AGREEING, STARTING, …). A node stores the record before it sends, so a
 * crash between the two is repaired on restart by sending `record.pending` again; the counter-party
 * recognises the repeat and answers as before.
 *
 * The rules, in the order `receive` applies them:
 * 1. A message may only come from the role the diagram draws for it (`wrong-role`).
 * 2. The last message received, received again while nothing has moved since, is a redelivery: the
 *    record stays as it is and the step says `duplicate` (the sender lost our answer and tries again).
 *    Any other message must name this process's ids (`pid-mismatch`); the first message of the
 *    counter-party tells us its id.
 * 3. A process in a terminal state moves no more (`terminal`).
 * 4. While our own message is pending: a message that is allowed after it proves the counter-party
 *    got it (our send is confirmed, then the message applies); a message allowed from the state before
 *    it means both parties moved at once, and the move later in `precedence` wins (TERMINATED over
 *    COMPLETED over SUSPENDED over …): the loser drops its pending message, the winner answers
 *    `conflict`, and both end in the winner's state.
 * 5. Otherwise the message must be an arrow of the diagram from the current state (`invalid-transition`).
 *
 * What the node's outbox must do for this to hold: store the record before sending; send (and resend,
 * with backoff) only while `record.pending.sequence` is still the row's sequence, since a pending
 * message is dropped when the counter-party's message wins or confirms it; call `confirmSent` on a 2xx.
 * DSP messages carry no sequence number, so a message that was already on its way when its sender
 * dropped it can still arrive and be applied; the window is one HTTP request long.
 *
 * DSP says a state is reached when the counter-party acknowledged the message (DSP 2025-1, Contract
 * Negotiation Protocol, "States"; Transfer Process Protocol, "States"). `protocolState` is that state,
 * the one DSP's ContractNegotiation / TransferProcess answers report; `state` adds the -ING states.
 */
import { err, ok, type Result } from '../result.ts';
import { canonicalJson } from '../store/canonical-json.ts';
import type { DspJsonValue, DspMessage, DspRole, ProcessIds, ReasonInput } from './messages.ts';
import { dspMessageType } from './messages.ts';
import { outgoingPath } from './routes.ts';

/** The state before the first message: the `[*]` of the DSP diagrams. */
export type Initial = 'INITIAL';

/** One arrow of a DSP state diagram: `from --> to : by`. */
export interface Transition<S extends string> {
  readonly from: S | Initial;
  readonly to: S;
  readonly by: DspRole;
}

/** A message decided and not yet known to have arrived; send it (again) to `address` + `path`. */
export interface PendingSend<S extends string, M> {
  /** Counts the messages this party decided in this process; `confirmSent` names it. */
  readonly sequence: number;
  /** The state the process reaches when the message arrives. */
  readonly target: S;
  readonly message: M;
  /** The counter-party's base URL (its DSP base, or the consumer's callback address). */
  readonly address: string;
  /** The path of the DSP HTTPS binding under `address`, process ids filled in and URL-encoded. */
  readonly path: string;
}

/** How a process was terminated: by whom, with the code and reasons of the termination message. */
export interface Termination {
  readonly by: DspRole;
  readonly code?: string;
  readonly reason?: readonly DspJsonValue[];
}

/** What both processes' records hold. */
export interface ProcessRecord<S extends string, Ing extends string, M> {
  readonly role: DspRole;
  readonly consumerPid?: string;
  readonly providerPid?: string;
  /** This party's own base URL: the callback address it names in its first message. */
  readonly ownAddress: string;
  /** Where the counter-party receives messages; known from the start or from its first message. */
  readonly counterPartyAddress?: string;
  readonly state: S | Ing | Initial;
  /** The state both parties agree on: `state` without the -ING states. */
  readonly protocolState: S | Initial;
  readonly sequence: number;
  readonly pending?: PendingSend<S, M>;
  readonly lastReceived?: M;
  readonly termination?: Termination;
}

/** What a step did. */
export interface StepOutcome<R, M> {
  readonly record: R;
  /** The message to send: store `record` first, then send, then call `confirmSent` with its sequence. */
  readonly send?: PendingSend<string, M>;
  /** A redelivery of the last message received: nothing changed; answer as the first time. */
  readonly duplicate?: true;
}

/** The kinds of failure of a DSP step, with what each means. */
export const DSP_FAILURE_CODES = {
  'invalid-transition': 'The state machine of DSP 2025-1 has no such arrow from the current state.',
  'wrong-role': 'The message or decision belongs to the other party (e.g. a provider asked to accept).',
  'pid-mismatch': 'The message names a consumerPid or providerPid other than this process has.',
  'send-pending': 'Our previous message is not yet confirmed; decide again after `confirmSent`.',
  conflict: 'Both parties moved at once and ours wins; the counter-party will receive our message.',
  terminal: 'The process has ended (FINALIZED, COMPLETED or TERMINATED); nothing moves it any more.',
  'missing-address': 'The counter-party address is unknown, so the message has nowhere to go.',
  'not-found': 'No process with this id (the node answers 404, as the HTTPS binding says).',
} as const satisfies Record<string, string>;
export type DspFailureCode = keyof typeof DSP_FAILURE_CODES;

/**
 * A DSP step that may not happen, as a value: `status` is the HTTP status the HTTPS binding
 * prescribes (400 for state transition errors, 404 for an unknown process: DSP 2025-1, Contract
 * Negotiation HTTPS Binding and Transfer Process HTTPS Binding, "State Transition Errors", "Object Not
 * Found"), `body` the ContractNegotiationError or TransferError to answer with.
 */
export interface DspFailure<Body> {
  readonly code: DspFailureCode;
  readonly status: 400 | 404;
  /** What is wrong and what to do, in words. */
  readonly message: string;
  readonly body: Body;
}

/** The rules of one of the two DSP processes. */
export interface ProcessMachine<S extends string, Ing extends string, Body> {
  /** `negotiation` or `transfer`, for messages. */
  readonly name: string;
  readonly transitions: readonly Transition<S>[];
  /** The -ING state of each target state. */
  readonly sending: Readonly<Record<S, Ing>>;
  readonly terminal: readonly S[];
  /** The state DSP's termination message leads to. */
  readonly terminated: S;
  /** When both parties move at once from one state, the later entry wins. */
  readonly precedence: readonly S[];
  readonly errorBody: (ids: ProcessIds, why: ReasonInput) => Body;
}

/** The message fields the engine reads. */
interface ProcessMessage {
  readonly consumerPid?: string;
  readonly providerPid?: string;
  readonly code?: string;
  readonly reason?: readonly DspJsonValue[];
}

/** What a new record needs; see `createNegotiation`. */
export interface NewProcess {
  readonly role: DspRole;
  /** This party's process id (a fresh `urn:uuid:…`). */
  readonly pid: string;
  /** Where the counter-party reaches this party: the consumer's callback address, the provider's DSP base. */
  readonly ownAddress: string;
  /** The counter-party's, when this party starts the process (a consumer knows it from the catalog). */
  readonly counterPartyAddress?: string;
}

/** A new record in the INITIAL state. */
export function newProcessRecord<S extends string, Ing extends string, M>(
  input: NewProcess,
): ProcessRecord<S, Ing, M> {
  const record: ProcessRecord<S, Ing, M> = {
    role: input.role,
    ...(input.role === 'consumer' ? { consumerPid: input.pid } : { providerPid: input.pid }),
    ownAddress: input.ownAddress,
    state: 'INITIAL',
    protocolState: 'INITIAL',
    sequence: 0,
  };
  return input.counterPartyAddress === undefined
    ? record
    : { ...record, counterPartyAddress: input.counterPartyAddress };
}

/** The other party. */
export function counterRole(role: DspRole): DspRole {
  return role === 'consumer' ? 'provider' : 'consumer';
}

/** Whether the diagram has the arrow `from --> to : by`. */
export function allows<S extends string>(
  machine: { readonly transitions: readonly Transition<S>[] },
  from: S | Initial,
  to: S,
  by: DspRole,
): boolean {
  return machine.transitions.some((arrow) => arrow.from === from && arrow.to === to && arrow.by === by);
}

/** The process ids, with an empty string for one not yet known (only before the first answer). */
function idsOf(record: { readonly consumerPid?: string; readonly providerPid?: string }): ProcessIds {
  return { consumerPid: record.consumerPid ?? '', providerPid: record.providerPid ?? '' };
}

/** A failure with its DSP error body. */
export function failure<S extends string, Ing extends string, Body>(
  machine: ProcessMachine<S, Ing, Body>,
  ids: { readonly consumerPid?: string; readonly providerPid?: string },
  code: DspFailureCode,
  message: string,
): DspFailure<Body> {
  return {
    code,
    status: code === 'not-found' ? 404 : 400,
    message,
    body: machine.errorBody(idsOf(ids), { code, reason: [message] }),
  };
}

function isTerminal<S extends string>(machine: { readonly terminal: readonly S[] }, state: string): boolean {
  return (machine.terminal as readonly string[]).includes(state);
}

function withoutPending<R extends ProcessRecord<string, string, unknown>>(record: R): R {
  const { pending: _pending, ...rest } = record;
  return rest as R;
}

function terminationOf(by: DspRole, message: ProcessMessage): Termination {
  const termination: { by: DspRole; code?: string; reason?: readonly DspJsonValue[] } = { by };
  if (message.code !== undefined) termination.code = message.code;
  if (message.reason !== undefined) termination.reason = message.reason;
  return termination;
}

/** The record once `message`, sent by `by`, has moved it to `to`. */
function arrive<
  S extends string,
  Ing extends string,
  M extends ProcessMessage,
  R extends ProcessRecord<S, Ing, M>,
>(machine: ProcessMachine<S, Ing, unknown>, record: R, to: S, by: DspRole, message: M): R {
  const moved = { ...withoutPending(record), state: to, protocolState: to };
  return to === machine.terminated ? { ...moved, termination: terminationOf(by, message) } : moved;
}

/**
 * Checks the process ids of a received message against the record and learns the counter-party's id
 * from it. A message without our own id is only accepted before anything happened (the first message
 * of a process, which the counter-party sends before it knows our id).
 */
function checkIds<
  S extends string,
  Ing extends string,
  M extends ProcessMessage,
  R extends ProcessRecord<S, Ing, M>,
>(machine: ProcessMachine<S, Ing, unknown>, record: R, message: M): Result<R, string> {
  const own = record.role === 'consumer' ? 'consumerPid' : 'providerPid';
  const counter = record.role === 'consumer' ? 'providerPid' : 'consumerPid';
  const ownId = message[own];
  if (ownId === undefined) {
    if (record.protocolState !== 'INITIAL' || record.pending !== undefined)
      return err(`the message names no ${own}; every ${machine.name} message after the first must name it`);
  } else if (ownId !== record[own]) {
    return err(`the message is for ${own} ${ownId}, but this ${machine.name} is ${record[own] ?? '(none)'}`);
  }
  const counterId = message[counter];
  if (counterId === undefined)
    return err(
      `the message names no ${counter}; every ${machine.name} message from the ${counterRole(record.role)} must`,
    );
  const known = record[counter];
  if (known !== undefined && known !== counterId)
    return err(
      `the message comes from ${counter} ${counterId}, but this ${machine.name} belongs to ${known}`,
    );
  return ok(known === undefined ? { ...record, [counter]: counterId } : record);
}

/**
 * Applies a message received from the counter-party, which leads to state `to` in the diagram.
 * `absorb` copies what the record keeps of the message (an offer, an agreement, a data address).
 */
export function receive<
  S extends string,
  Ing extends string,
  M extends ProcessMessage,
  R extends ProcessRecord<S, Ing, M>,
  Body,
>(
  machine: ProcessMachine<S, Ing, Body>,
  record: R,
  message: M,
  to: S,
  absorb: (record: R, message: M) => R,
): Result<StepOutcome<R, M>, DspFailure<Body>> {
  const sender = counterRole(record.role);
  const fail = (code: DspFailureCode, text: string) => err(failure(machine, record, code, text));
  if (!machine.transitions.some((arrow) => arrow.to === to && arrow.by === sender))
    return fail(
      'wrong-role',
      `a ${sender} never sends a message that leads to ${to}; only the ${record.role} does`,
    );
  // A redelivery carries the same ids as the first delivery, which were checked then (the first
  // message of a process lacks our id, so checking again would refuse its redelivery).
  if (
    record.lastReceived !== undefined &&
    record.protocolState === to &&
    canonicalJson(record.lastReceived) === canonicalJson(message)
  )
    return ok({ record, duplicate: true });
  const identified = checkIds(machine, record, message);
  if (!identified.ok) return fail('pid-mismatch', identified.error);
  const current = identified.value;
  if (isTerminal(machine, current.state))
    return fail('terminal', `the ${machine.name} has ended in ${current.state}; start a new one`);
  const land = (from: R): R => ({
    ...arrive(machine, absorb(from, message), to, sender, message),
    lastReceived: message,
  });
  const pending = current.pending;
  if (pending !== undefined) {
    if (allows(machine, pending.target, to, sender))
      return ok({
        record: land({ ...withoutPending(current), state: pending.target, protocolState: pending.target }),
      });
    if (allows(machine, current.protocolState, to, sender)) {
      if (machine.precedence.indexOf(to) >= machine.precedence.indexOf(pending.target))
        return ok({ record: land(current) });
      return fail(
        'conflict',
        `the ${sender} moved to ${to} while the ${record.role} was moving to ${pending.target}, which wins; ` +
          `the ${sender} will receive the ${record.role}'s message`,
      );
    }
    return fail(
      'invalid-transition',
      `the ${machine.name} is ${current.protocolState} (sending ${pending.target}); a ${sender} cannot move it to ${to}`,
    );
  }
  if (!allows(machine, current.protocolState, to, sender))
    return fail(
      'invalid-transition',
      `the ${machine.name} is ${current.protocolState}; a ${sender} cannot move it to ${to} (DSP 2025-1 state machine)`,
    );
  return ok({ record: land(current) });
}

/** What a decision builds: the message, and the record before the -ING state is set. */
export interface Built<R, M> {
  readonly record: R;
  readonly message: M;
}

/**
 * Takes a local decision that leads to `to`: checks the diagram, lets `build` make the message, and
 * moves the record into the -ING state with the message pending.
 */
export function decide<
  S extends string,
  Ing extends string,
  M extends ProcessMessage & DspMessage,
  R extends ProcessRecord<S, Ing, M>,
  Body,
>(
  machine: ProcessMachine<S, Ing, Body>,
  record: R,
  to: S,
  build: (record: R) => Result<Built<R, M>, DspFailure<Body>>,
): Result<StepOutcome<R, M>, DspFailure<Body>> {
  const fail = (code: DspFailureCode, text: string) => err(failure(machine, record, code, text));
  if (isTerminal(machine, record.state))
    return fail('terminal', `the ${machine.name} has ended in ${record.state}; start a new one`);
  if (record.pending !== undefined)
    return fail(
      'send-pending',
      `the ${record.role}'s message to ${record.pending.target} is not confirmed yet; decide again after it is`,
    );
  if (!machine.transitions.some((arrow) => arrow.to === to && arrow.by === record.role))
    return fail(
      'wrong-role',
      `a ${record.role} never moves a ${machine.name} to ${to}; the ${counterRole(record.role)} does`,
    );
  if (!allows(machine, record.protocolState, to, record.role))
    return fail(
      'invalid-transition',
      `the ${machine.name} is ${record.protocolState}; a ${record.role} cannot move it to ${to} (DSP 2025-1 state machine)`,
    );
  const built = build(record);
  if (!built.ok) return built;
  const address = built.value.record.counterPartyAddress;
  if (address === undefined)
    return fail(
      'missing-address',
      `the ${counterRole(record.role)}'s address is unknown; create the record with it`,
    );
  const route = outgoingPath(built.value.message, record.role);
  if (route === undefined)
    throw new Error(`no DSP route receives a ${dspMessageType(built.value.message)} from a ${record.role}`);
  const sequence = record.sequence + 1;
  const send: PendingSend<S, M> = {
    sequence,
    target: to,
    message: built.value.message,
    address,
    path: route.path,
  };
  return ok({ record: { ...built.value.record, state: machine.sending[to], sequence, pending: send }, send });
}

/**
 * Records that the pending message with `sequence` arrived (the counter-party answered 2xx): the
 * -ING state becomes its target. Confirming an older message, or confirming twice, changes nothing
 * (a crash after confirming repeats it). `acknowledgement` is the counter-party's answer to the first
 * message of a process (a 201 with its ContractNegotiation or TransferProcess), which names its id.
 */
export function confirm<
  S extends string,
  Ing extends string,
  M extends ProcessMessage,
  R extends ProcessRecord<S, Ing, M>,
  Body,
>(
  machine: ProcessMachine<S, Ing, Body>,
  record: R,
  sequence: number,
  acknowledgement?: { readonly consumerPid: string; readonly providerPid: string },
): Result<R, DspFailure<Body>> {
  const pending = record.pending;
  if (pending === undefined || pending.sequence !== sequence) return ok(record);
  const counter = record.role === 'consumer' ? 'providerPid' : 'consumerPid';
  let next: R = arrive(machine, record, pending.target, record.role, pending.message);
  if (acknowledgement !== undefined) {
    const own = record.role === 'consumer' ? 'consumerPid' : 'providerPid';
    if (acknowledgement[own] !== record[own])
      return err(
        failure(
          machine,
          record,
          'pid-mismatch',
          `the answer is for ${own} ${acknowledgement[own]}, not ${record[own]}`,
        ),
      );
    const known = record[counter];
    if (known !== undefined && known !== acknowledgement[counter])
      return err(
        failure(
          machine,
          record,
          'pid-mismatch',
          `the answer names ${counter} ${acknowledgement[counter]}, not ${known}`,
        ),
      );
    next = { ...next, [counter]: acknowledgement[counter] };
  }
  if (next[counter] === undefined)
    return err(
      failure(
        machine,
        record,
        'pid-mismatch',
        `the ${counterRole(record.role)}'s ${counter} is still unknown: confirm the first message with the ` +
          `${machine.name} object the counter-party answered with`,
      ),
    );
  return ok(next);
}

/** How a party gave up a process: the record, ended, and the termination message, when it may send one. */
export interface Abandoned<R, M> {
  /** TERMINATED, nothing pending, `termination` by this party with the code and reasons. */
  readonly record: R;
  /**
   * The termination message to tell the counter-party, when the diagram lets this party terminate
   * from the process's state and both ids are known; it is not pending (nothing waits for its answer).
   */
  readonly notify?: { readonly message: M; readonly address: string; readonly path: string };
}

/**
 * Ends a process that stalls (the counter-party lost it, or stopped answering): unlike a decision, it
 * does not wait for the counter-party's answer, which may never come. The record becomes TERMINATED
 * at once and drops its pending message; the termination message goes along where DSP lets this
 * party send one from the protocol state (a provider cannot terminate from AGREED, a consumer not
 * from VERIFIED or ACCEPTED, and before the counter-party named its id there is no process to name).
 * A process already ended comes back unchanged, without a message.
 */
export function abandon<
  S extends string,
  Ing extends string,
  M extends ProcessMessage & DspMessage,
  R extends ProcessRecord<S, Ing, M>,
  Body,
>(
  machine: ProcessMachine<S, Ing, Body>,
  record: R,
  why: { readonly code: string; readonly reason: readonly string[] },
  build: (ids: ProcessIds, why: ReasonInput) => M,
): Abandoned<R, M> {
  if (isTerminal(machine, record.state)) return { record };
  const termination: Termination = { by: record.role, code: why.code, reason: why.reason };
  const ended = {
    ...withoutPending(record),
    state: machine.terminated,
    protocolState: machine.terminated,
    termination,
  } as R;
  const { consumerPid, providerPid, counterPartyAddress } = record;
  if (
    consumerPid === undefined ||
    providerPid === undefined ||
    counterPartyAddress === undefined ||
    !allows(machine, record.protocolState, machine.terminated, record.role)
  )
    return { record: ended };
  const message = build({ consumerPid, providerPid }, why);
  const route = outgoingPath(message, record.role);
  if (route === undefined) return { record: ended };
  return { record: ended, notify: { message, address: counterPartyAddress, path: route.path } };
}
