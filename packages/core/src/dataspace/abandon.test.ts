import { describe, expect, it } from 'vitest';
import type { Result } from '../result.ts';
import {
  abandonNegotiation,
  confirmNegotiationSent,
  createNegotiation,
  type NegotiationRecord,
  negotiationStep,
} from './negotiation.ts';
import { abandonTransfer, confirmTransferSent, createTransfer, transferStep } from './transfer.ts';

const offer = { id: 'urn:offer:f', target: 'urn:dataset:f', policy: { permission: [{ action: 'use' }] } };
const why = { code: 'stalled', reason: ['no answer in REQUESTED for 30 s after 4 checks'] };

function value<T>(result: Result<T, { message: string }>): T {
  if (!result.ok) throw new Error(result.error.message);
  return result.value;
}

/** A consumer whose request reached the provider (REQUESTED, the provider's id known). */
function requested(): { consumer: NegotiationRecord; provider: NegotiationRecord } {
  const consumer = createNegotiation({
    role: 'consumer',
    pid: 'urn:uuid:c-1',
    ownAddress: 'https://tier1.example/dsp/callback',
    counterPartyAddress: 'https://oem.example/dsp',
  });
  const sent = value(negotiationStep(consumer, { decide: { kind: 'request', offer } }));
  const provider = value(
    negotiationStep(
      createNegotiation({ role: 'provider', pid: 'urn:uuid:p-1', ownAddress: 'https://oem.example/dsp' }),
      {
        received: sent.send!.message,
      },
    ),
  ).record;
  const ack = {
    '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
    '@type': 'ContractNegotiation',
    consumerPid: 'urn:uuid:c-1',
    providerPid: 'urn:uuid:p-1',
    state: 'REQUESTED',
  } as const;
  return { consumer: value(confirmNegotiationSent(sent.record, 1, ack as never)), provider };
}

describe('giving up a stalled process', () => {
  it('ends a REQUESTED negotiation at once and tells the provider, which accepts the termination', () => {
    const { consumer, provider } = requested();
    const ended = abandonNegotiation(consumer, why);
    expect(ended.record).toMatchObject({
      state: 'TERMINATED',
      protocolState: 'TERMINATED',
      termination: { by: 'consumer', code: 'stalled', reason: why.reason },
    });
    expect(ended.record.pending).toBeUndefined();
    expect(ended.notify).toMatchObject({
      address: 'https://oem.example/dsp',
      path: '/negotiations/urn%3Auuid%3Ap-1/termination',
      message: { '@type': 'ContractNegotiationTerminationMessage', code: 'stalled', reason: why.reason },
    });
    // The provider, still REQUESTED, takes it: a consumer may terminate from REQUESTED.
    const received = value(negotiationStep(provider, { received: ended.notify!.message }));
    expect(received.record.protocolState).toBe('TERMINATED');
    // Ending it twice changes nothing.
    expect(abandonNegotiation(ended.record, why)).toEqual({ record: ended.record });
  });

  it('drops a pending message, and sends nothing before the counter-party named its id', () => {
    const consumer = createNegotiation({
      role: 'consumer',
      pid: 'urn:uuid:c-2',
      ownAddress: 'https://tier1.example/dsp/callback',
      counterPartyAddress: 'https://oem.example/dsp',
    });
    const requesting = value(negotiationStep(consumer, { decide: { kind: 'request', offer } })).record;
    expect(requesting.state).toBe('REQUESTING');
    const ended = abandonNegotiation(requesting, why);
    expect(ended.record.state).toBe('TERMINATED');
    expect(ended.record.pending).toBeUndefined();
    expect(ended.notify).toBeUndefined();
  });

  it('sends no termination where the diagram gives this party none (a consumer in VERIFIED)', () => {
    const { consumer } = requested();
    const agreed = value(
      negotiationStep(consumer, {
        received: {
          '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
          '@type': 'ContractAgreementMessage',
          consumerPid: 'urn:uuid:c-1',
          providerPid: 'urn:uuid:p-1',
          agreement: {
            '@id': 'urn:agreement:1',
            '@type': 'Agreement',
            target: 'urn:dataset:f',
            assigner: 'did:web:oem.example',
            assignee: 'did:web:tier1.example',
            timestamp: '2026-11-26T08:00:00Z',
            permission: [{ action: 'use' }],
          },
        } as never,
      }),
    ).record;
    const verifying = value(negotiationStep(agreed, { decide: { kind: 'verify' } }));
    const verified = value(confirmNegotiationSent(verifying.record, verifying.send!.sequence));
    expect(verified.protocolState).toBe('VERIFIED');
    const ended = abandonNegotiation(verified, why);
    expect(ended.record.protocolState).toBe('TERMINATED');
    expect(ended.notify).toBeUndefined();
    // While the verification is still pending the state is AGREED, from which a consumer may terminate.
    expect(abandonNegotiation(verifying.record, why).notify?.message['@type']).toBe(
      'ContractNegotiationTerminationMessage',
    );
  });

  it('ends a requested transfer with a TransferTerminationMessage', () => {
    const consumer = createTransfer({
      role: 'consumer',
      pid: 'urn:uuid:t-c',
      ownAddress: 'https://tier1.example/dsp/callback',
      counterPartyAddress: 'https://oem.example/dsp',
    });
    const sent = value(
      transferStep(consumer, {
        decide: { kind: 'request', agreementId: 'urn:agreement:1', format: 'HttpData-PUSH' },
      }),
    );
    const ack = {
      '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
      '@type': 'TransferProcess',
      consumerPid: 'urn:uuid:t-c',
      providerPid: 'urn:uuid:t-p',
      state: 'REQUESTED',
    } as const;
    const confirmed = value(confirmTransferSent(sent.record, sent.send!.sequence, ack as never));
    const ended = abandonTransfer(confirmed, why);
    expect(ended.record).toMatchObject({
      state: 'TERMINATED',
      termination: { by: 'consumer', code: 'stalled' },
    });
    expect(ended.notify).toMatchObject({
      path: '/transfers/urn%3Auuid%3At-p/termination',
      message: {
        '@type': 'TransferTerminationMessage',
        consumerPid: 'urn:uuid:t-c',
        providerPid: 'urn:uuid:t-p',
      },
    });
  });
});
