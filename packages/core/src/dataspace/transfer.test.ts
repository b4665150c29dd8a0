import { describe, expect, it } from 'vitest';
import type { Result } from '../result.ts';
import { dspDataAddress } from './messages.ts';
import {
  confirmTransferSent,
  createTransfer,
  type TransferFailure,
  type TransferInput,
  type TransferRecord,
  transferAcknowledgement,
  transferStep,
} from './transfer.ts';

function value<T>(result: Result<T, TransferFailure>): T {
  if (!result.ok) throw new Error(`unexpected failure: ${result.error.message}`);
  return result.value;
}

function exchange(from: TransferRecord, to: TransferRecord, input: TransferInput) {
  const decided = value(transferStep(from, input));
  const received = value(transferStep(to, { received: decided.send!.message }));
  const confirmed = value(
    confirmTransferSent(decided.record, decided.send!.sequence, transferAcknowledgement(received.record)),
  );
  return { sender: confirmed, receiver: received.record, decided };
}

const push = dspDataAddress({
  endpointType: 'https://w3id.org/idsa/v4.1/HTTP',
  endpoint: 'https://tier1.example/inbox',
});

/** A tier-1 consumer that has an agreement with the OEM, and the OEM. */
function started() {
  const consumer = createTransfer({
    role: 'consumer',
    pid: 'urn:uuid:tc-1',
    ownAddress: 'https://tier1.example/dsp/callback',
    counterPartyAddress: 'https://oem.example/dsp',
  });
  const provider = createTransfer({
    role: 'provider',
    pid: 'urn:uuid:tp-1',
    ownAddress: 'https://oem.example/dsp',
  });
  const request = exchange(consumer, provider, {
    decide: { kind: 'request', agreementId: 'urn:agreement:1', format: 'HttpData-PUSH', dataAddress: push },
  });
  expect(request.decided.send!.path).toBe('/transfers/request');
  expect(request.receiver).toMatchObject({
    agreementId: 'urn:agreement:1',
    format: 'HttpData-PUSH',
    dataAddress: push,
  });
  const start = exchange(request.receiver, request.sender, { decide: { kind: 'start' } });
  expect(start.decided.record.state).toBe('STARTING');
  expect(start.decided.send!.path).toBe('/transfers/urn%3Auuid%3Atc-1/start');
  return { provider: start.sender, consumer: start.receiver };
}

describe('a transfer process', () => {
  it('is requested, started, suspended and resumed by the consumer, and completed by the provider', () => {
    let { consumer, provider } = started();
    expect([consumer.state, provider.state]).toEqual(['STARTED', 'STARTED']);
    let step = exchange(consumer, provider, { decide: { kind: 'suspend', reason: ['planned maintenance'] } });
    expect(step.decided.record.state).toBe('SUSPENDING');
    expect(step.decided.send!.path).toBe('/transfers/urn%3Auuid%3Atp-1/suspension');
    [consumer, provider] = [step.sender, step.receiver];
    expect([consumer.state, provider.state]).toEqual(['SUSPENDED', 'SUSPENDED']);
    step = exchange(consumer, provider, { decide: { kind: 'start' } });
    [consumer, provider] = [step.sender, step.receiver];
    step = exchange(provider, consumer, { decide: { kind: 'complete' } });
    [provider, consumer] = [step.sender, step.receiver];
    expect([consumer.state, provider.state]).toEqual(['COMPLETED', 'COMPLETED']);
    expect(transferAcknowledgement(consumer)).toMatchObject({
      '@type': 'TransferProcess',
      state: 'COMPLETED',
    });
  });

  it('lets a completion win over a suspension made at the same time', () => {
    const { consumer, provider } = started();
    const completing = value(transferStep(provider, { decide: { kind: 'complete' } }));
    const suspending = value(transferStep(consumer, { decide: { kind: 'suspend' } }));
    const refused = transferStep(completing.record, { received: suspending.send!.message });
    expect(!refused.ok && refused.error).toMatchObject({
      code: 'conflict',
      body: { '@type': 'TransferError' },
    });
    const atConsumer = value(transferStep(suspending.record, { received: completing.send!.message })).record;
    expect(atConsumer).toMatchObject({ state: 'COMPLETED', protocolState: 'COMPLETED' });
    expect(atConsumer.pending).toBeUndefined();
    expect(value(confirmTransferSent(completing.record, completing.send!.sequence)).state).toBe('COMPLETED');
  });

  it('only lets the provider start a requested transfer', () => {
    const consumer = createTransfer({
      role: 'consumer',
      pid: 'urn:uuid:tc-1',
      ownAddress: 'https://tier1.example/cb',
      counterPartyAddress: 'https://oem.example/dsp',
    });
    const requested = value(
      confirmTransferSent(
        value(
          transferStep(consumer, { decide: { kind: 'request', agreementId: 'a', format: 'HttpData-PULL' } }),
        ).record,
        1,
        {
          '@context': ['https://w3id.org/dspace/2025/1/context.jsonld'],
          '@type': 'TransferProcess',
          consumerPid: 'urn:uuid:tc-1',
          providerPid: 'urn:uuid:tp-1',
          state: 'REQUESTED',
        },
      ),
    );
    const start = transferStep(requested, { decide: { kind: 'start' } });
    expect(!start.ok && start.error.code).toBe('invalid-transition');
    expect(!start.ok && start.error.message).toBe(
      'the transfer is REQUESTED; a consumer cannot move it to STARTED (DSP 2025-1 state machine)',
    );
  });
});
