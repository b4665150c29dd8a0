import { describe, expect, it } from 'vitest';
import type { Result } from '../result.ts';
import { contractAgreementVerificationMessage, contractRequestMessage } from './messages.ts';
import {
  confirmNegotiationSent,
  createNegotiation,
  type NegotiationFailure,
  type NegotiationInput,
  type NegotiationRecord,
  type NegotiationStep,
  negotiationAcknowledgement,
  negotiationStep,
} from './negotiation.ts';

const offer = {
  id: 'urn:offer:forecast',
  target: 'urn:dataset:forecast',
  policy: { permission: [{ action: 'use' }] },
};
const agreement = {
  id: 'urn:agreement:1',
  target: 'urn:dataset:forecast',
  assigner: 'did:web:oem.example',
  assignee: 'did:web:tier1.example',
  timestamp: '2026-11-26T08:00:00Z',
  policy: { permission: [{ action: 'use' }] },
};

function value<T>(result: Result<T, NegotiationFailure>): T {
  if (!result.ok) throw new Error(`unexpected failure: ${result.error.message}`);
  return result.value;
}

function failureOf<T>(result: Result<T, NegotiationFailure>): NegotiationFailure {
  if (result.ok) throw new Error('expected a failure');
  return result.error;
}

/** A consumer (tier 1) and a provider (the OEM offering its forecast). */
function parties() {
  return {
    consumer: createNegotiation({
      role: 'consumer',
      pid: 'urn:uuid:c-1',
      ownAddress: 'https://tier1.example/dsp/callback',
      counterPartyAddress: 'https://oem.example/dsp',
    }),
    provider: createNegotiation({
      role: 'provider',
      pid: 'urn:uuid:p-1',
      ownAddress: 'https://oem.example/dsp',
    }),
  };
}

/** `from` decides, the message arrives at `to`, `from` confirms with `to`'s answer. */
function exchange(from: NegotiationRecord, to: NegotiationRecord, input: NegotiationInput) {
  const decided = value(negotiationStep(from, input));
  const received = value(negotiationStep(to, { received: decided.send!.message }));
  const confirmed = value(
    confirmNegotiationSent(
      decided.record,
      decided.send!.sequence,
      negotiationAcknowledgement(received.record),
    ),
  );
  return { sender: confirmed, receiver: received.record, decided };
}

describe('a contract negotiation', () => {
  it('runs from request to FINALIZED, passing each -ING state, and both keep the agreement', () => {
    let { consumer, provider } = parties();
    const request = value(negotiationStep(consumer, { decide: { kind: 'request', offer } }));
    expect(request.record.state).toBe('REQUESTING');
    expect(request.record.protocolState).toBe('INITIAL');
    expect(request.send).toMatchObject({
      address: 'https://oem.example/dsp',
      path: '/negotiations/request',
      message: { '@type': 'ContractRequestMessage', callbackAddress: 'https://tier1.example/dsp/callback' },
    });
    expect(request.record.pending).toEqual(request.send);
    provider = value(negotiationStep(provider, { received: request.send!.message })).record;
    expect(provider).toMatchObject({ state: 'REQUESTED', consumerPid: 'urn:uuid:c-1' });
    expect(provider.counterPartyAddress).toBe('https://tier1.example/dsp/callback');
    // The 201 answer names the providerPid, which the consumer learns when it confirms.
    consumer = value(confirmNegotiationSent(request.record, 1, negotiationAcknowledgement(provider)));
    expect(consumer).toMatchObject({ state: 'REQUESTED', providerPid: 'urn:uuid:p-1' });
    expect(consumer.pending).toBeUndefined();

    let step = exchange(provider, consumer, { decide: { kind: 'agree', agreement } });
    expect(step.decided.record.state).toBe('AGREEING');
    expect(step.decided.send!.path).toBe('/negotiations/urn%3Auuid%3Ac-1/agreement');
    expect(step.decided.send!.address).toBe('https://tier1.example/dsp/callback');
    [provider, consumer] = [step.sender, step.receiver];
    expect([provider.state, consumer.state]).toEqual(['AGREED', 'AGREED']);
    expect(consumer.agreement).toEqual(provider.agreement);

    step = exchange(consumer, provider, { decide: { kind: 'verify' } });
    expect(step.decided.record.state).toBe('VERIFYING');
    [consumer, provider] = [step.sender, step.receiver];
    step = exchange(provider, consumer, { decide: { kind: 'finalize' } });
    expect(step.decided.record.state).toBe('FINALIZING');
    [provider, consumer] = [step.sender, step.receiver];
    expect([provider.state, consumer.state]).toEqual(['FINALIZED', 'FINALIZED']);
    expect(negotiationAcknowledgement(consumer)).toMatchObject({
      '@type': 'ContractNegotiation',
      state: 'FINALIZED',
    });
    // Nothing moves a finalized negotiation.
    expect(failureOf(negotiationStep(consumer, { decide: { kind: 'terminate' } })).code).toBe('terminal');
  });

  it('sends the decided message again after a crash before sending, and the receiver applies it once', () => {
    const { consumer, provider } = parties();
    // The node stored the REQUESTING record, then crashed before sending: on restart it sends
    // record.pending (the stored record is all it has).
    const stored = value(negotiationStep(consumer, { decide: { kind: 'request', offer } })).record;
    const restarted: NegotiationRecord = JSON.parse(JSON.stringify(stored));
    const first = value(negotiationStep(provider, { received: restarted.pending!.message }));
    // The answer was lost too: the consumer sends once more; the provider sees a redelivery.
    const again = value(negotiationStep(first.record, { received: restarted.pending!.message }));
    expect(again.duplicate).toBe(true);
    expect(again.record).toBe(first.record);
    const confirmed = value(
      confirmNegotiationSent(
        restarted,
        restarted.pending!.sequence,
        negotiationAcknowledgement(again.record),
      ),
    );
    expect(confirmed.state).toBe('REQUESTED');
    // Confirming twice, or an older message, changes nothing.
    expect(value(confirmNegotiationSent(confirmed, 1))).toBe(confirmed);
  });

  it('takes the counter-party next message as the confirmation of ours when the answer was lost', () => {
    const { consumer, provider } = parties();
    const request = value(negotiationStep(consumer, { decide: { kind: 'request', offer } }));
    const atProvider = value(negotiationStep(provider, { received: request.send!.message })).record;
    const agreed = value(negotiationStep(atProvider, { decide: { kind: 'agree', agreement } }));
    // The consumer never saw the 201; the agreement arrives while it is still REQUESTING.
    const atConsumer = value(negotiationStep(request.record, { received: agreed.send!.message })).record;
    expect(atConsumer).toMatchObject({
      state: 'AGREED',
      protocolState: 'AGREED',
      providerPid: 'urn:uuid:p-1',
    });
    expect(atConsumer.pending).toBeUndefined();
  });

  it('lets a termination win over a move made at the same time, and both end TERMINATED', () => {
    let { consumer, provider } = parties();
    const request = exchange(consumer, provider, { decide: { kind: 'request', offer } });
    [consumer, provider] = [request.sender, request.receiver];
    const terminating = value(
      negotiationStep(consumer, { decide: { kind: 'terminate', reason: ['found another'] } }),
    );
    const agreeing = value(negotiationStep(provider, { decide: { kind: 'agree', agreement } }));
    // The agreement reaches the terminating consumer: refused, ours wins.
    const refused = failureOf(negotiationStep(terminating.record, { received: agreeing.send!.message }));
    expect(refused).toMatchObject({
      code: 'conflict',
      status: 400,
      body: { '@type': 'ContractNegotiationError' },
    });
    // The termination reaches the agreeing provider: applied, its agreement is dropped.
    provider = value(negotiationStep(agreeing.record, { received: terminating.send!.message })).record;
    expect(provider).toMatchObject({
      state: 'TERMINATED',
      termination: { by: 'consumer', reason: ['found another'] },
    });
    expect(provider.pending).toBeUndefined();
    consumer = value(confirmNegotiationSent(terminating.record, terminating.send!.sequence));
    expect(consumer.state).toBe('TERMINATED');
  });

  it('answers what may not happen with a ContractNegotiationError saying why', () => {
    let { consumer, provider } = parties();
    const request = exchange(consumer, provider, { decide: { kind: 'request', offer } });
    [consumer, provider] = [request.sender, request.receiver];
    const early = failureOf(
      negotiationStep(provider, {
        received: contractAgreementVerificationMessage({
          consumerPid: 'urn:uuid:c-1',
          providerPid: 'urn:uuid:p-1',
        }),
      }),
    );
    expect(early).toMatchObject({ code: 'invalid-transition', status: 400 });
    expect(early.body).toEqual({
      '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
      '@type': 'ContractNegotiationError',
      providerPid: 'urn:uuid:p-1',
      consumerPid: 'urn:uuid:c-1',
      code: 'invalid-transition',
      reason: [
        'the negotiation is REQUESTED; a consumer cannot move it to VERIFIED (DSP 2025-1 state machine)',
      ],
    });
    const wrongRole = failureOf(
      negotiationStep(consumer, {
        received: contractRequestMessage({ consumerPid: 'urn:uuid:c-1', providerPid: 'urn:uuid:p-1', offer }),
      }),
    );
    expect(wrongRole.code).toBe('wrong-role');
    const otherProcess = failureOf(
      negotiationStep(provider, {
        received: contractRequestMessage({ consumerPid: 'urn:uuid:c-2', providerPid: 'urn:uuid:p-1', offer }),
      }),
    );
    expect(otherProcess).toMatchObject({ code: 'pid-mismatch' });
    expect(otherProcess.message).toContain('urn:uuid:c-2');
    expect(failureOf(negotiationStep(consumer, { decide: { kind: 'agree', agreement } })).code).toBe(
      'wrong-role',
    );
    const pending = value(negotiationStep(provider, { decide: { kind: 'offer', offer } })).record;
    expect(failureOf(negotiationStep(pending, { decide: { kind: 'terminate' } })).code).toBe('send-pending');
  });

  it('starts from a provider offer too, the consumer answering with a counter-request', () => {
    const consumer = createNegotiation({
      role: 'consumer',
      pid: 'urn:uuid:c-1',
      ownAddress: 'https://tier1.example/cb',
    });
    const provider = createNegotiation({
      role: 'provider',
      pid: 'urn:uuid:p-1',
      ownAddress: 'https://oem.example/dsp',
      counterPartyAddress: 'https://tier1.example/cb',
    });
    const offered = exchange(provider, consumer, { decide: { kind: 'offer', offer } });
    expect(offered.decided.send!.path).toBe('/negotiations/offers');
    expect(offered.receiver).toMatchObject({
      state: 'OFFERED',
      counterPartyAddress: 'https://oem.example/dsp',
    });
    const countered: NegotiationStep = value(
      negotiationStep(offered.receiver, {
        decide: { kind: 'request', offer: { ...offer, id: 'urn:offer:counter' } },
      }),
    );
    expect(countered.send!.message).not.toHaveProperty('callbackAddress');
    expect(countered.send!.path).toBe('/negotiations/urn%3Auuid%3Ap-1/request');
  });
});
