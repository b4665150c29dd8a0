/**
 * The two DSP state machines against the outside world: the arrows the machines allow, explored from
 * their behaviour, must be exactly the arrows drawn in the specification's PlantUML diagrams
 * (/work/shared/vectors/dataspace-protocol/specifications/*\/figures/*.puml, DSP 2025-1 @ 0b7ac408),
 * and two parties driven by random decisions over a lossy, reordering, repeating wire must never
 * leave the diagram and must end in the same state.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Result } from '../result.ts';
import {
  contractAgreementMessage,
  contractAgreementVerificationMessage,
  contractNegotiationEventMessage,
  contractNegotiationTerminationMessage,
  contractOfferMessage,
  contractRequestMessage,
  type DspRole,
  NEGOTIATION_STATES,
  TRANSFER_STATES,
  transferCompletionMessage,
  transferRequestMessage,
  transferStartMessage,
  transferSuspensionMessage,
  transferTerminationMessage,
} from './messages.ts';
import {
  confirmNegotiationSent,
  createNegotiation,
  NEGOTIATION_SENDING_STATES,
  type NegotiationDecision,
  type NegotiationRecord,
  negotiationAcknowledgement,
  negotiationStep,
  negotiationTarget,
} from './negotiation.ts';
import { counterRole, type ProcessRecord, type StepOutcome } from './process.ts';
import {
  confirmTransferSent,
  createTransfer,
  TRANSFER_SENDING_STATES,
  type TransferDecision,
  type TransferRecord,
  transferAcknowledgement,
  transferStep,
  transferTarget,
} from './transfer.ts';

const FIGURES = '/work/shared/vectors/dataspace-protocol/specifications';

/** A parsed PlantUML state diagram: its arrows (`from->to:by`), states, end states and state notes. */
interface Diagram {
  readonly arrows: Set<string>;
  readonly states: Set<string>;
  readonly final: Set<string>;
  /** The message named in each state's description (`state REQUESTED: <color:…>ContractRequestMessage`). */
  readonly notes: Map<string, string>;
}

/**
 * Reads a PlantUML state diagram: `A --> B: C/P` (or `->`) is an arrow from A to B drawn for the
 * consumer (C) and/or the provider (P); `[*]` at the start is the initial pseudo-state (INITIAL here),
 * at the end it marks a final state.
 */
function parseDiagram(path: string): Diagram {
  const diagram: Diagram = { arrows: new Set(), states: new Set(), final: new Set(), notes: new Map() };
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const state = /^\s*state\s+(\w+)\b[^:]*:\s*(?:<color:[^>]*>)?\s*(\S+)\s*$/.exec(line);
    if (state) {
      diagram.states.add(state[1]!);
      diagram.notes.set(state[1]!, state[2]!);
      continue;
    }
    const arrow = /^\s*(\[\*\]|\w+)\s*-+>\s*(\[\*\]|\w+)\s*(?::\s*([CP/]+))?\s*$/.exec(line);
    if (!arrow) continue;
    const [, from, to, label] = arrow;
    if (to === '[*]') {
      diagram.final.add(from!);
      continue;
    }
    for (const letter of label!.split('/'))
      diagram.arrows.add(
        `${from === '[*]' ? 'INITIAL' : from}->${to}:${letter === 'C' ? 'consumer' : 'provider'}`,
      );
  }
  return diagram;
}

/** What the tests need to drive either machine. */
interface Harness<R extends ProcessRecord<string, string, M>, M, D> {
  readonly name: string;
  readonly diagram: Diagram;
  readonly states: readonly string[];
  readonly terminal: readonly string[];
  readonly sending: Readonly<Record<string, string>>;
  create(role: DspRole): R;
  step(record: R, input: { received: M } | { decide: D }): Result<StepOutcome<R, M>, { code: string }>;
  confirm(record: R, sequence: number, acknowledgementFrom?: R): Result<R, { code: string }>;
  decisions: readonly D[];
  /** Every message a counter-party of `record` could send now (right ids), of every kind. */
  messagesTo(record: R): M[];
}

const CONSUMER_PID = 'urn:uuid:consumer-0001';
const PROVIDER_PID = 'urn:uuid:provider-0001';
const pidOf = (role: DspRole) => (role === 'consumer' ? CONSUMER_PID : PROVIDER_PID);
const addressOf = (role: DspRole) => `https://${role}.example/dsp`;
const offer = { id: 'urn:offer:1', target: 'urn:dataset:1', policy: { permission: [{ action: 'use' }] } };
const agreementInput = {
  id: 'urn:agreement:1',
  target: 'urn:dataset:1',
  assigner: 'did:web:provider.example',
  assignee: 'did:web:consumer.example',
  timestamp: '2026-11-26T08:00:00Z',
  policy: { permission: [{ action: 'use' }] },
};
const ids = { consumerPid: CONSUMER_PID, providerPid: PROVIDER_PID };

const negotiation: Harness<
  NegotiationRecord,
  NegotiationRecord['lastReceived'] & object,
  NegotiationDecision
> = {
  name: 'negotiation',
  diagram: parseDiagram(`${FIGURES}/negotiation/figures/contract.negotiation.state.machine.puml`),
  states: NEGOTIATION_STATES,
  terminal: ['FINALIZED', 'TERMINATED'],
  sending: NEGOTIATION_SENDING_STATES,
  create: (role) =>
    createNegotiation({
      role,
      pid: pidOf(role),
      ownAddress: addressOf(role),
      counterPartyAddress: addressOf(counterRole(role)),
    }),
  step: negotiationStep,
  confirm: (record, sequence, from) => {
    const acknowledgement = from === undefined ? undefined : negotiationAcknowledgement(from);
    return confirmNegotiationSent(record, sequence, acknowledgement);
  },
  decisions: [
    { kind: 'request', offer },
    { kind: 'offer', offer },
    { kind: 'accept' },
    { kind: 'agree', agreement: agreementInput },
    { kind: 'verify' },
    { kind: 'finalize' },
    { kind: 'terminate', code: 'keten:test', reason: ['test'] },
  ],
  messagesTo: () => [
    contractRequestMessage({ consumerPid: CONSUMER_PID, offer, callbackAddress: addressOf('consumer') }),
    contractRequestMessage({ consumerPid: CONSUMER_PID, providerPid: PROVIDER_PID, offer }),
    contractOfferMessage({ providerPid: PROVIDER_PID, offer, callbackAddress: addressOf('provider') }),
    contractOfferMessage({ providerPid: PROVIDER_PID, consumerPid: CONSUMER_PID, offer }),
    contractAgreementMessage(ids, agreementInput),
    contractAgreementVerificationMessage(ids),
    contractNegotiationEventMessage(ids, 'ACCEPTED'),
    contractNegotiationEventMessage(ids, 'FINALIZED'),
    contractNegotiationTerminationMessage(ids, { reason: ['test'] }),
  ],
};

const pushAddress = { '@type': 'DataAddress', endpointType: 'https://w3id.org/idsa/v4.1/HTTP' } as const;
const transfer: Harness<TransferRecord, TransferRecord['lastReceived'] & object, TransferDecision> = {
  name: 'transfer',
  diagram: parseDiagram(`${FIGURES}/transfer/figures/transfer-process-state-machine.puml`),
  states: TRANSFER_STATES,
  terminal: ['COMPLETED', 'TERMINATED'],
  sending: TRANSFER_SENDING_STATES,
  create: (role) =>
    createTransfer({
      role,
      pid: pidOf(role),
      ownAddress: addressOf(role),
      counterPartyAddress: addressOf(counterRole(role)),
    }),
  step: transferStep,
  confirm: (record, sequence, from) => {
    const acknowledgement = from === undefined ? undefined : transferAcknowledgement(from);
    return confirmTransferSent(record, sequence, acknowledgement);
  },
  decisions: [
    { kind: 'request', agreementId: 'urn:agreement:1', format: 'HttpData-PUSH', dataAddress: pushAddress },
    { kind: 'start' },
    { kind: 'complete' },
    { kind: 'suspend', reason: ['pause'] },
    { kind: 'terminate', code: 'keten:test' },
  ],
  messagesTo: () => [
    transferRequestMessage({
      consumerPid: CONSUMER_PID,
      agreementId: 'urn:agreement:1',
      format: 'HttpData-PUSH',
      callbackAddress: addressOf('consumer'),
    }),
    transferStartMessage(ids),
    transferCompletionMessage(ids),
    transferSuspensionMessage(ids, { reason: ['pause'] }),
    transferTerminationMessage(ids),
  ],
};

/** Both harnesses under one type (each drives its own records only, so the casts are safe). */
type SomeHarness = Harness<ProcessRecord<string, string, object>, object, object>;
const HARNESSES = [negotiation as unknown as SomeHarness, transfer as unknown as SomeHarness];

/**
 * The arrows one party's machine allows, found by trying every decision and every message of the
 * counter-party from every state it can reach: a confirmed decision is an arrow drawn for this role, a
 * received message one drawn for the other.
 */
function explore<R extends ProcessRecord<string, string, M>, M, D>(harness: Harness<R, M, D>, role: DspRole) {
  const arrows = new Set<string>();
  const reached = new Set<string>();
  const records = new Map<string, R[]>();
  const queue: R[] = [harness.create(role)];
  const seen = new Set<string>();
  // The counter-party's record, for the answer to a first message (it names the counter-party's id).
  const counterParty = { ...harness.create(counterRole(role)), ...ids, protocolState: 'REQUESTED' } as R;
  while (queue.length > 0) {
    const record = queue.pop()!;
    const key = `${record.state}/${record.protocolState}`;
    if (seen.has(key)) continue;
    seen.add(key);
    reached.add(record.state);
    records.set(record.state, [...(records.get(record.state) ?? []), record]);
    if (record.pending !== undefined) {
      const confirmed = harness.confirm(record, record.pending.sequence, counterParty);
      expect(confirmed.ok).toBe(true);
      if (!confirmed.ok) continue;
      arrows.add(`${record.protocolState}->${confirmed.value.protocolState}:${role}`);
      queue.push(confirmed.value);
      continue;
    }
    for (const decision of harness.decisions) {
      const step = harness.step(record, { decide: decision });
      if (step.ok) queue.push(step.value.record);
    }
    for (const message of harness.messagesTo(record)) {
      const step = harness.step(record, { received: message });
      if (!step.ok || step.value.duplicate) continue;
      arrows.add(`${record.protocolState}->${step.value.record.protocolState}:${counterRole(role)}`);
      queue.push(step.value.record);
    }
  }
  return { arrows, reached, records };
}

describe.each(HARNESSES)('the $name state machine against the DSP diagram', (harness) => {
  it('draws the states of the DSP schema and ends in the terminal states', () => {
    expect([...harness.diagram.states].sort()).toEqual([...harness.states].sort());
    expect([...harness.diagram.final].sort()).toEqual([...harness.terminal].sort());
    // Sanity check of the parser: the negotiation has 16 one-role arrows, the transfer 14.
    expect(harness.diagram.arrows.size).toBe(harness.name === 'negotiation' ? 16 : 14);
  });

  it.each(['consumer', 'provider'] as const)('as the %s allows exactly the arrows of the diagram', (role) => {
    const { arrows, reached } = explore(harness, role);
    expect([...arrows].sort()).toEqual([...harness.diagram.arrows].sort());
    // Every DSP state is reached, and the -ING states of the messages this role sends.
    for (const state of harness.states) expect(reached.has(state)).toBe(true);
    const sent = new Set(
      [...harness.diagram.arrows]
        .filter((arrow) => arrow.endsWith(`:${role}`))
        .map((arrow) => arrow.split(/->|:/)[1]!),
    );
    for (const target of sent) expect(reached.has(harness.sending[target]!)).toBe(true);
  });

  it('has one -ING state per state a message leads to, and confirmSent leads from it to that state only', () => {
    const sending = Object.entries(harness.sending);
    expect(new Set(sending.map(([, ing]) => ing)).size).toBe(sending.length);
    for (const role of ['consumer', 'provider'] as const) {
      const { records } = explore(harness, role);
      for (const [target, ing] of sending) {
        // Every record seen in this -ING state confirms to `target`, whatever it was sending from.
        for (const record of records.get(ing) ?? []) {
          const confirmed = harness.confirm(record, record.pending!.sequence, {
            ...harness.create(counterRole(role)),
            ...ids,
            protocolState: 'REQUESTED',
          } as never);
          expect(confirmed.ok && confirmed.value.state).toBe(target);
          expect(confirmed.ok && confirmed.value.pending).toBeUndefined();
        }
      }
    }
  });
});

it('each state of the diagrams names the message that leads to it, as the machines map it', () => {
  for (const message of negotiation.messagesTo(negotiation.create('consumer'))) {
    const target = negotiationTarget(message);
    const note = negotiation.diagram.notes.get(target)!;
    const [type, event] = note.split(':');
    expect(type).toBe(message['@type']);
    if (event !== undefined && 'eventType' in message) expect(message.eventType).toBe(event.toUpperCase());
  }
  for (const message of transfer.messagesTo(transfer.create('consumer')))
    expect(transfer.diagram.notes.get(transferTarget(message))).toBe(message['@type']);
});

// ---------------------------------------------------------------------------------------------------
// Two parties over an unreliable wire

/** A message on the wire: who sent it, with which sequence number. */
interface InFlight<M> {
  readonly from: DspRole;
  readonly sequence: number;
  readonly message: M;
}

type Action =
  | { readonly kind: 'decide'; readonly role: DspRole; readonly decision: number }
  | { readonly kind: 'deliver'; readonly index: number; readonly answerLost: boolean }
  | { readonly kind: 'lose'; readonly index: number }
  | { readonly kind: 'resend'; readonly role: DspRole };

const actionArbitrary = (decisions: number): fc.Arbitrary<Action> =>
  fc.oneof(
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('decide' as const),
        role: fc.constantFrom<DspRole>('consumer', 'provider'),
        decision: fc.nat({ max: decisions - 1 }),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        kind: fc.constant('deliver' as const),
        index: fc.nat({ max: 3 }),
        answerLost: fc.boolean(),
      }),
    },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('lose' as const), index: fc.nat({ max: 3 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('resend' as const),
        role: fc.constantFrom<DspRole>('consumer', 'provider'),
      }),
    },
  );

/**
 * Runs two parties: random decisions, and messages delivered late, out of order, twice, or lost, with
 * answers lost (the sender resends what it has pending, as a node does after a restart). After each
 * step, each party's protocol state has moved along one arrow of the diagram, or along two when a
 * message of the counter-party also confirmed our pending one. At the end the wire is drained and
 * both parties must agree.
 */
function simulate<R extends ProcessRecord<string, string, M>, M, D>(
  harness: Harness<R, M, D>,
  actions: readonly Action[],
  starter: DspRole,
) {
  const parties: Record<DspRole, R> = {
    consumer: harness.create('consumer'),
    provider: harness.create('provider'),
  };
  const wire: InFlight<M>[] = [];
  const moved = (role: DspRole, before: R, after: R, by: DspRole) => {
    checkInvariants(harness, after);
    if (before.protocolState === after.protocolState) return;
    const direct = `${before.protocolState}->${after.protocolState}:${by}`;
    if (harness.diagram.arrows.has(direct)) return;
    // Our pending message confirmed by the counter-party's next one: two arrows.
    const target = before.pending?.target;
    expect(
      target !== undefined &&
        harness.diagram.arrows.has(`${before.protocolState}->${target}:${role}`) &&
        harness.diagram.arrows.has(`${target}->${after.protocolState}:${by}`),
      `${harness.name}: ${role} moved ${before.protocolState} -> ${after.protocolState} (by ${by})`,
    ).toBe(true);
  };
  const deliver = (item: InFlight<M>, answerLost: boolean) => {
    const receiver = counterRole(item.from);
    const before = parties[receiver];
    const step = harness.step(before, { received: item.message });
    if (!step.ok) return false;
    parties[receiver] = step.value.record;
    moved(receiver, before, step.value.record, item.from);
    if (answerLost) return true;
    const sender = parties[item.from];
    const confirmed = harness.confirm(sender, item.sequence, parties[receiver]);
    expect(confirmed.ok).toBe(true);
    if (confirmed.ok) {
      parties[item.from] = confirmed.value;
      moved(item.from, sender, confirmed.value, item.from);
    }
    return true;
  };
  // The first decision of the party that starts the process (consumer: request; provider: offer).
  const first = harness.decisions.findIndex((decision) => {
    const step = harness.step(parties[starter], { decide: decision });
    return step.ok;
  });
  const all: Action[] = [{ kind: 'decide', role: starter, decision: first }, ...actions];
  for (const action of all) {
    switch (action.kind) {
      case 'decide': {
        const before = parties[action.role];
        // The other party's first message would start a second process (with another record).
        if (action.role !== starter && before.state === 'INITIAL') break;
        // A decision the machine allows now, picked among those (most of the others are refused).
        // A termination is always allowed; it is given a third of the weight of the other moves so
        // that runs also reach the far states (FINALIZED, COMPLETED).
        const allowed = harness.decisions
          .flatMap((decision) =>
            (decision as { kind: string }).kind === 'terminate' ? [decision] : [decision, decision, decision],
          )
          .map((decision) => harness.step(before, { decide: decision }))
          .filter((step) => step.ok);
        const step = allowed[action.decision % Math.max(allowed.length, 1)];
        if (step === undefined || !step.ok) break;
        parties[action.role] = step.value.record;
        moved(action.role, before, step.value.record, action.role);
        const send = step.value.send!;
        wire.push({ from: action.role, sequence: send.sequence, message: send.message });
        break;
      }
      case 'deliver': {
        const item = wire[action.index % Math.max(wire.length, 1)];
        if (item === undefined) break;
        // The outbox sends a message only while it is its sender's pending one (a message dropped
        // because the counter-party's won, or one already confirmed, is not sent again).
        if (parties[item.from].pending?.sequence !== item.sequence) {
          wire.splice(wire.indexOf(item), 1);
          break;
        }
        // A rejected message stays on the wire and may come again later; a delivered one whose answer
        // was lost is gone, and its sender resends it from its pending message.
        if (deliver(item, action.answerLost) || action.answerLost) wire.splice(wire.indexOf(item), 1);
        break;
      }
      case 'lose':
        wire.splice(action.index % Math.max(wire.length, 1), 1);
        break;
      case 'resend': {
        const pending = parties[action.role].pending;
        if (pending !== undefined)
          wire.push({ from: action.role, sequence: pending.sequence, message: pending.message });
        break;
      }
    }
  }
  // Drain: the outboxes resend what is pending until nothing is; a few rounds are enough.
  wire.length = 0;
  for (let round = 0; round < 8; round++) {
    for (const role of ['consumer', 'provider'] as const) {
      const pending = parties[role].pending;
      if (pending !== undefined)
        deliver({ from: role, sequence: pending.sequence, message: pending.message }, false);
    }
  }
  return parties;
}

function checkInvariants<R extends ProcessRecord<string, string, M>, M, D>(
  harness: Harness<R, M, D>,
  record: R,
) {
  // -ING exactly while a message is pending, and the -ING state is the one of its target.
  if (record.pending === undefined) expect(record.state).toBe(record.protocolState);
  else expect(record.state).toBe(harness.sending[record.pending.target]);
  expect([...harness.states, 'INITIAL']).toContain(record.protocolState);
}

describe.each(HARNESSES)('two $name parties over an unreliable wire', (harness) => {
  it('stay on the diagram and end in the same state, with nothing pending', () => {
    fc.assert(
      fc.property(
        fc.array(actionArbitrary(harness.decisions.length), { minLength: 20, maxLength: 100 }),
        fc.constantFrom<DspRole>('consumer', 'provider'),
        (actions, starter) => {
          // Only the consumer starts a transfer.
          const parties = simulate(harness, actions, harness.name === 'transfer' ? 'consumer' : starter);
          expect(parties.consumer.pending).toBeUndefined();
          expect(parties.provider.pending).toBeUndefined();
          expect(parties.consumer.protocolState).toBe(parties.provider.protocolState);
        },
      ),
      { numRuns: 400 },
    );
  });
});
