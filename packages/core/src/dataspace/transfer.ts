/**
 * @module dataspace/transfer
 * The transfer process of DSP 2025-1 as a pure state machine, for either role. The arrows are those of
 * the specification's diagram (specifications/transfer/figures/transfer-process-state-machine.puml;
 * DSP 2025-1, Transfer Process Protocol, "State Machine"); the test reads that file and checks that the
 * machine allows exactly them. Each message this party sends first puts the record in an -ING state
 * (REQUESTING, STARTING, SUSPENDING, COMPLETING, TERMINATING), which `confirmTransferSent` ends.
 *
 * Unlike a negotiation, both parties may start, suspend, complete or terminate a started transfer, so
 * they can move at once; the move later in TERMINATED > COMPLETED > SUSPENDED > STARTED wins and both
 * end there (see `./process.ts`).
 *
 * Which agreement a request may name (one FINALIZED with this consumer) is the node's check, not this
 * machine's: it needs the store.
 */
import { err, ok, type Result } from '../result.ts';
import {
  type DataAddress,
  type ProcessIds,
  type ReasonInput,
  type TransferError,
  type TransferMessage,
  type TransferProcess,
  type TransferState,
  transferCompletionMessage,
  transferError,
  transferProcess,
  transferRequestMessage,
  transferStartMessage,
  transferSuspensionMessage,
  transferTerminationMessage,
} from './messages.ts';
import {
  type Abandoned,
  abandon,
  type Built,
  confirm,
  type DspFailure,
  decide,
  failure,
  type NewProcess,
  newProcessRecord,
  type ProcessMachine,
  type ProcessRecord,
  receive,
  type StepOutcome,
  type Transition,
} from './process.ts';

/** The -ING states: a message decided, not yet confirmed sent. */
export type TransferSendingState = 'REQUESTING' | 'STARTING' | 'SUSPENDING' | 'COMPLETING' | 'TERMINATING';

/** The arrows of the DSP 2025-1 transfer process diagram; `C/P` and `P/C` are one arrow per role. */
export const TRANSFER_TRANSITIONS: readonly Transition<TransferState>[] = [
  { from: 'INITIAL', to: 'REQUESTED', by: 'consumer' },
  { from: 'REQUESTED', to: 'STARTED', by: 'provider' },
  { from: 'REQUESTED', to: 'TERMINATED', by: 'consumer' },
  { from: 'REQUESTED', to: 'TERMINATED', by: 'provider' },
  ...(['COMPLETED', 'SUSPENDED', 'TERMINATED'] as const).flatMap((to) =>
    (['provider', 'consumer'] as const).map((by) => ({ from: 'STARTED' as const, to, by })),
  ),
  ...(['STARTED', 'TERMINATED'] as const).flatMap((to) =>
    (['provider', 'consumer'] as const).map((by) => ({ from: 'SUSPENDED' as const, to, by })),
  ),
];

export const TRANSFER_SENDING_STATES: Readonly<Record<TransferState, TransferSendingState>> = {
  REQUESTED: 'REQUESTING',
  STARTED: 'STARTING',
  SUSPENDED: 'SUSPENDING',
  COMPLETED: 'COMPLETING',
  TERMINATED: 'TERMINATING',
};

const machine: ProcessMachine<TransferState, TransferSendingState, TransferError> = {
  name: 'transfer',
  transitions: TRANSFER_TRANSITIONS,
  sending: TRANSFER_SENDING_STATES,
  terminal: ['COMPLETED', 'TERMINATED'],
  terminated: 'TERMINATED',
  precedence: ['REQUESTED', 'STARTED', 'SUSPENDED', 'COMPLETED', 'TERMINATED'],
  errorBody: transferError,
};

/** One party's record of a transfer process: what a node stores per transfer. */
export interface TransferRecord extends ProcessRecord<TransferState, TransferSendingState, TransferMessage> {
  /** The agreement the transfer is under. */
  readonly agreementId?: string;
  /** The transfer format, e.g. `HttpData-PUSH`. */
  readonly format?: string;
  /** The consumer's push address (from the request) or the provider's pull address (from a start). */
  readonly dataAddress?: DataAddress;
}

export type TransferRecordState = TransferRecord['state'];

/** A local decision of this party. */
export type TransferDecision =
  /** Consumer: request a transfer under a finalized agreement. */
  | {
      readonly kind: 'request';
      readonly agreementId: string;
      readonly format: string;
      /** Where the provider pushes the data (push transfers). */
      readonly dataAddress?: DataAddress;
    }
  /** Provider: start a requested transfer (with the pull address for pull transfers); either: resume a suspended one. */
  | { readonly kind: 'start'; readonly dataAddress?: DataAddress }
  | { readonly kind: 'complete' }
  | ({ readonly kind: 'suspend' } & ReasonInput)
  | ({ readonly kind: 'terminate' } & ReasonInput);

export type TransferInput = { readonly received: TransferMessage } | { readonly decide: TransferDecision };
export type TransferFailure = DspFailure<TransferError>;
export type TransferStep = StepOutcome<TransferRecord, TransferMessage>;

/** A new transfer record in the INITIAL state; see `createNegotiation` for the arguments. */
export function createTransfer(input: NewProcess): TransferRecord {
  return newProcessRecord(input);
}

/** The state a transfer message leads to. */
export function transferTarget(message: TransferMessage): TransferState {
  switch (message['@type']) {
    case 'TransferRequestMessage':
      return 'REQUESTED';
    case 'TransferStartMessage':
      return 'STARTED';
    case 'TransferCompletionMessage':
      return 'COMPLETED';
    case 'TransferSuspensionMessage':
      return 'SUSPENDED';
    case 'TransferTerminationMessage':
      return 'TERMINATED';
  }
}

function absorb(record: TransferRecord, message: TransferMessage): TransferRecord {
  switch (message['@type']) {
    case 'TransferRequestMessage': {
      const next: TransferRecord = {
        ...record,
        agreementId: message.agreementId,
        format: message.format,
        counterPartyAddress: message.callbackAddress,
      };
      return message.dataAddress === undefined ? next : { ...next, dataAddress: message.dataAddress };
    }
    case 'TransferStartMessage':
      return message.dataAddress === undefined ? record : { ...record, dataAddress: message.dataAddress };
    default:
      return record;
  }
}

const DECISION_TARGET = {
  request: 'REQUESTED',
  start: 'STARTED',
  complete: 'COMPLETED',
  suspend: 'SUSPENDED',
  terminate: 'TERMINATED',
} as const satisfies Record<TransferDecision['kind'], TransferState>;

function build(
  record: TransferRecord,
  decision: TransferDecision,
): Result<Built<TransferRecord, TransferMessage>, TransferFailure> {
  let message: TransferMessage;
  let next = record;
  if (decision.kind === 'request') {
    message = transferRequestMessage({
      consumerPid: record.consumerPid!,
      agreementId: decision.agreementId,
      format: decision.format,
      callbackAddress: record.ownAddress,
      ...(decision.dataAddress === undefined ? {} : { dataAddress: decision.dataAddress }),
    });
    next = { ...record, agreementId: decision.agreementId, format: decision.format };
    if (decision.dataAddress !== undefined) next = { ...next, dataAddress: decision.dataAddress };
  } else {
    if (record.consumerPid === undefined || record.providerPid === undefined)
      return err(failure(machine, record, 'pid-mismatch', 'the counter-party process id is unknown'));
    const ids: ProcessIds = { consumerPid: record.consumerPid, providerPid: record.providerPid };
    switch (decision.kind) {
      case 'start':
        message = transferStartMessage(ids, decision.dataAddress);
        if (decision.dataAddress !== undefined) next = { ...record, dataAddress: decision.dataAddress };
        break;
      case 'complete':
        message = transferCompletionMessage(ids);
        break;
      case 'suspend':
        message = transferSuspensionMessage(ids, decision);
        break;
      case 'terminate':
        message = transferTerminationMessage(ids, decision);
        break;
    }
  }
  return ok({ record: next, message });
}

/**
 * Moves a transfer by one input: a message received from the counter-party, or a decision of this
 * party. Same protocol as `negotiationStep`: store the record, send `send`, then `confirmTransferSent`.
 */
export function transferStep(
  record: TransferRecord,
  input: TransferInput,
): Result<TransferStep, TransferFailure> {
  if ('received' in input)
    return receive(machine, record, input.received, transferTarget(input.received), absorb);
  const decision = input.decide;
  return decide(machine, record, DECISION_TARGET[decision.kind], (current) => build(current, decision));
}

/** Ends the -ING state of the pending message with `sequence`; see `confirmNegotiationSent`. */
export function confirmTransferSent(
  record: TransferRecord,
  sequence: number,
  acknowledgement?: TransferProcess,
): Result<TransferRecord, TransferFailure> {
  return confirm(machine, record, sequence, acknowledgement);
}

/** Gives up a stalled transfer (`abandon`); see `abandonNegotiation`. */
export function abandonTransfer(
  record: TransferRecord,
  why: { readonly code: string; readonly reason: readonly string[] },
): Abandoned<TransferRecord, TransferMessage> {
  return abandon<TransferState, TransferSendingState, TransferMessage, TransferRecord, TransferError>(
    machine,
    record,
    why,
    transferTerminationMessage,
  );
}

/** The TransferProcess object for this record (its protocol state), once both ids are known. */
export function transferAcknowledgement(record: TransferRecord): TransferProcess | undefined {
  if (
    record.consumerPid === undefined ||
    record.providerPid === undefined ||
    record.protocolState === 'INITIAL'
  )
    return undefined;
  return transferProcess(
    { consumerPid: record.consumerPid, providerPid: record.providerPid },
    record.protocolState,
  );
}

/** The failure to answer for a transfer id the node does not know (HTTP 404). */
export function transferNotFound(pids: { consumerPid?: string; providerPid?: string }): TransferFailure {
  return failure(machine, pids, 'not-found', 'no transfer process has this id');
}
