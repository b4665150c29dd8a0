/**
 * @module dataspace/negotiation
 * The contract negotiation of DSP 2025-1 as a pure state machine, for either role. The arrows are
 * those of the specification's diagram (specifications/negotiation/figures/
 * contract.negotiation.state.machine.puml; DSP 2025-1, Contract Negotiation Protocol, "State
 * Machine"); the test reads that file and checks that the machine allows exactly them. Each message
 * this party sends first puts the record in an -ING state (REQUESTING, OFFERING, ACCEPTING, AGREEING,
 * VERIFYING, FINALIZING, TERMINATING), which `confirmNegotiationSent` ends; see `./process.ts` for the
 * rules, races and redeliveries included.
 *
 * @example
 * let consumer = createNegotiation({ role: 'consumer', pid: 'urn:uuid:c1', ownAddress: 'https://c.example/callback', counterPartyAddress: 'https://p.example/dsp' });
 * const step = negotiationStep(consumer, { decide: { kind: 'request', offer } });
 * if (step.ok) { store(step.value.record); send(step.value.send); }  // then confirmNegotiationSent(record, send.sequence, answer)
 */
import { err, ok, type Result } from '../result.ts';
import {
  type Agreement,
  type AgreementInput,
  type ContractNegotiation,
  type ContractNegotiationError,
  contractAgreementMessage,
  contractAgreementVerificationMessage,
  contractNegotiation,
  contractNegotiationError,
  contractNegotiationEventMessage,
  contractNegotiationTerminationMessage,
  contractOfferMessage,
  contractRequestMessage,
  type MessageOffer,
  type NegotiationMessage,
  type NegotiationState,
  type OfferInput,
  type ProcessIds,
  type ReasonInput,
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
export type NegotiationSendingState =
  | 'REQUESTING'
  | 'OFFERING'
  | 'ACCEPTING'
  | 'AGREEING'
  | 'VERIFYING'
  | 'FINALIZING'
  | 'TERMINATING';

/**
 * The arrows of the DSP 2025-1 contract negotiation diagram, `C` (consumer) and `P` (provider) as
 * drawn; `C/P` is one arrow per role. INITIAL is the diagram's `[*]`.
 */
export const NEGOTIATION_TRANSITIONS: readonly Transition<NegotiationState>[] = [
  { from: 'INITIAL', to: 'REQUESTED', by: 'consumer' },
  { from: 'REQUESTED', to: 'OFFERED', by: 'provider' },
  { from: 'REQUESTED', to: 'AGREED', by: 'provider' },
  { from: 'REQUESTED', to: 'TERMINATED', by: 'consumer' },
  { from: 'REQUESTED', to: 'TERMINATED', by: 'provider' },
  { from: 'INITIAL', to: 'OFFERED', by: 'provider' },
  { from: 'OFFERED', to: 'REQUESTED', by: 'consumer' },
  { from: 'OFFERED', to: 'ACCEPTED', by: 'consumer' },
  { from: 'OFFERED', to: 'TERMINATED', by: 'consumer' },
  { from: 'OFFERED', to: 'TERMINATED', by: 'provider' },
  { from: 'ACCEPTED', to: 'AGREED', by: 'provider' },
  { from: 'ACCEPTED', to: 'TERMINATED', by: 'provider' },
  { from: 'AGREED', to: 'VERIFIED', by: 'consumer' },
  { from: 'AGREED', to: 'TERMINATED', by: 'consumer' },
  { from: 'VERIFIED', to: 'FINALIZED', by: 'provider' },
  { from: 'VERIFIED', to: 'TERMINATED', by: 'provider' },
];

/** The -ING state before each state this party can send a message for. */
export const NEGOTIATION_SENDING_STATES: Readonly<Record<NegotiationState, NegotiationSendingState>> = {
  REQUESTED: 'REQUESTING',
  OFFERED: 'OFFERING',
  ACCEPTED: 'ACCEPTING',
  AGREED: 'AGREEING',
  VERIFIED: 'VERIFYING',
  FINALIZED: 'FINALIZING',
  TERMINATED: 'TERMINATING',
};

const machine: ProcessMachine<NegotiationState, NegotiationSendingState, ContractNegotiationError> = {
  name: 'negotiation',
  transitions: NEGOTIATION_TRANSITIONS,
  sending: NEGOTIATION_SENDING_STATES,
  terminal: ['FINALIZED', 'TERMINATED'],
  terminated: 'TERMINATED',
  // Only a termination can cross another move (every other state has one party to move), so only
  // its place matters: it wins.
  precedence: ['REQUESTED', 'OFFERED', 'ACCEPTED', 'AGREED', 'VERIFIED', 'FINALIZED', 'TERMINATED'],
  errorBody: contractNegotiationError,
};

/** One party's record of a contract negotiation: what a node stores per negotiation. */
export interface NegotiationRecord
  extends ProcessRecord<NegotiationState, NegotiationSendingState, NegotiationMessage> {
  /** The latest offer, from either party. */
  readonly offer?: MessageOffer;
  /** The agreement, once the provider sent it. */
  readonly agreement?: Agreement;
}

/** Every state a negotiation record can be in. */
export type NegotiationRecordState = NegotiationRecord['state'];

/** A local decision of this party. */
export type NegotiationDecision =
  /** Consumer: request a contract (first message) or answer an offer with a counter-offer. */
  | { readonly kind: 'request'; readonly offer: OfferInput }
  /** Provider: offer a contract (first message) or answer a request with a counter-offer. */
  | { readonly kind: 'offer'; readonly offer: OfferInput }
  /** Consumer: accept the provider's latest offer. */
  | { readonly kind: 'accept' }
  /** Provider: agree to the latest offer. */
  | { readonly kind: 'agree'; readonly agreement: AgreementInput }
  /** Consumer: verify the agreement. */
  | { readonly kind: 'verify' }
  /** Provider: finalize the verified agreement. */
  | { readonly kind: 'finalize' }
  /** Either: end the negotiation. */
  | ({ readonly kind: 'terminate' } & ReasonInput);

/** What moves a negotiation: a message from the counter-party, or a decision of this party. */
export type NegotiationInput =
  | { readonly received: NegotiationMessage }
  | { readonly decide: NegotiationDecision };

export type NegotiationFailure = DspFailure<ContractNegotiationError>;
export type NegotiationStep = StepOutcome<NegotiationRecord, NegotiationMessage>;

/**
 * A new negotiation record in the INITIAL state. A provider that receives a first ContractRequestMessage
 * creates one with a fresh providerPid and steps it with the message; before that it should look for
 * a negotiation it already has with that consumer and consumerPid (a redelivered first message).
 */
export function createNegotiation(input: NewProcess): NegotiationRecord {
  return newProcessRecord(input);
}

/** The state a negotiation message leads to. */
export function negotiationTarget(message: NegotiationMessage): NegotiationState {
  switch (message['@type']) {
    case 'ContractRequestMessage':
      return 'REQUESTED';
    case 'ContractOfferMessage':
      return 'OFFERED';
    case 'ContractAgreementMessage':
      return 'AGREED';
    case 'ContractAgreementVerificationMessage':
      return 'VERIFIED';
    case 'ContractNegotiationEventMessage':
      return message.eventType;
    case 'ContractNegotiationTerminationMessage':
      return 'TERMINATED';
  }
}

/** What the record keeps of a received message. */
function absorb(record: NegotiationRecord, message: NegotiationMessage): NegotiationRecord {
  switch (message['@type']) {
    case 'ContractRequestMessage':
    case 'ContractOfferMessage': {
      const withOffer = { ...record, offer: message.offer };
      return message.callbackAddress === undefined
        ? withOffer
        : { ...withOffer, counterPartyAddress: message.callbackAddress };
    }
    case 'ContractAgreementMessage':
      return { ...record, agreement: message.agreement };
    default:
      return record;
  }
}

function decisionTarget(decision: NegotiationDecision): NegotiationState {
  switch (decision.kind) {
    case 'request':
      return 'REQUESTED';
    case 'offer':
      return 'OFFERED';
    case 'accept':
      return 'ACCEPTED';
    case 'agree':
      return 'AGREED';
    case 'verify':
      return 'VERIFIED';
    case 'finalize':
      return 'FINALIZED';
    case 'terminate':
      return 'TERMINATED';
  }
}

function ids(record: NegotiationRecord): ProcessIds | undefined {
  return record.consumerPid === undefined || record.providerPid === undefined
    ? undefined
    : { consumerPid: record.consumerPid, providerPid: record.providerPid };
}

/** The message of a decision, once the diagram allowed it. */
function build(
  record: NegotiationRecord,
  decision: NegotiationDecision,
): Result<Built<NegotiationRecord, NegotiationMessage>, NegotiationFailure> {
  const known = ids(record);
  const first = record.protocolState === 'INITIAL';
  if (!first && known === undefined)
    return err(failure(machine, record, 'pid-mismatch', 'the counter-party process id is unknown'));
  let message: NegotiationMessage;
  let next = record;
  switch (decision.kind) {
    case 'request':
      message =
        known === undefined
          ? contractRequestMessage({
              consumerPid: record.consumerPid!,
              offer: decision.offer,
              callbackAddress: record.ownAddress,
            })
          : contractRequestMessage({
              consumerPid: known.consumerPid,
              providerPid: known.providerPid,
              offer: decision.offer,
            });
      next = { ...record, offer: message.offer };
      break;
    case 'offer':
      message =
        known === undefined
          ? contractOfferMessage({
              providerPid: record.providerPid!,
              offer: decision.offer,
              callbackAddress: record.ownAddress,
            })
          : contractOfferMessage({
              providerPid: known.providerPid,
              consumerPid: known.consumerPid,
              offer: decision.offer,
            });
      next = { ...record, offer: message.offer };
      break;
    case 'agree':
      message = contractAgreementMessage(known!, decision.agreement);
      next = { ...record, agreement: message.agreement };
      break;
    case 'accept':
      message = contractNegotiationEventMessage(known!, 'ACCEPTED');
      break;
    case 'finalize':
      message = contractNegotiationEventMessage(known!, 'FINALIZED');
      break;
    case 'verify':
      message = contractAgreementVerificationMessage(known!);
      break;
    case 'terminate':
      message = contractNegotiationTerminationMessage(known!, decision);
      break;
  }
  return ok({ record: next, message });
}

/**
 * Moves a negotiation by one input: a message received from the counter-party, or a decision of this
 * party. A decision puts the record in its -ING state and returns the message to `send`: store the
 * record, send the message (again after a restart, from `record.pending`), then call
 * `confirmNegotiationSent`. A message that may not arrive now is a failure with the
 * ContractNegotiationError to answer with (HTTP 400).
 */
export function negotiationStep(
  record: NegotiationRecord,
  input: NegotiationInput,
): Result<NegotiationStep, NegotiationFailure> {
  if ('received' in input)
    return receive(machine, record, input.received, negotiationTarget(input.received), absorb);
  const decision = input.decide;
  return decide(machine, record, decisionTarget(decision), (current) => build(current, decision));
}

/**
 * Ends the -ING state of the pending message with `sequence`: the counter-party answered 2xx. For the
 * first message of a negotiation pass its answer (the ContractNegotiation of a 201), which names its
 * process id. Repeated or stale confirmations change nothing.
 */
export function confirmNegotiationSent(
  record: NegotiationRecord,
  sequence: number,
  acknowledgement?: ContractNegotiation,
): Result<NegotiationRecord, NegotiationFailure> {
  return confirm(machine, record, sequence, acknowledgement);
}

/**
 * Gives up a stalled negotiation (`abandon`): TERMINATED at once with `why`, and the
 * ContractNegotiationTerminationMessage to send where DSP lets this party terminate from its state.
 */
export function abandonNegotiation(
  record: NegotiationRecord,
  why: { readonly code: string; readonly reason: readonly string[] },
): Abandoned<NegotiationRecord, NegotiationMessage> {
  return abandon<
    NegotiationState,
    NegotiationSendingState,
    NegotiationMessage,
    NegotiationRecord,
    ContractNegotiationError
  >(machine, record, why, contractNegotiationTerminationMessage);
}

/**
 * The ContractNegotiation object for this record: the answer to `GET /negotiations/:pid` and the body
 * of a 201. Its state is the protocol state (an -ING state reports the state before its message).
 * Undefined before both ids are known or before anything happened.
 */
export function negotiationAcknowledgement(record: NegotiationRecord): ContractNegotiation | undefined {
  const known = ids(record);
  if (known === undefined || record.protocolState === 'INITIAL') return undefined;
  return contractNegotiation(known, record.protocolState);
}

/** The failure to answer for a negotiation id the node does not know (HTTP 404). */
export function negotiationNotFound(pids: {
  consumerPid?: string;
  providerPid?: string;
}): NegotiationFailure {
  return failure(machine, pids, 'not-found', 'no contract negotiation has this id');
}
