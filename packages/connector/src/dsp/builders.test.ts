/**
 * Every message core's DSP builders and state machines produce validates against the DSP 2025-1
 * schemas: the builders one by one, with random ids and policies, and every message, acknowledgement
 * and error body two negotiating and transferring parties produce on random paths through the state
 * machines.
 */

import { readFileSync } from 'node:fs';
import {
  catalogError,
  catalogRequestMessage,
  confirmNegotiationSent,
  confirmTransferSent,
  contractAgreementMessage,
  contractAgreementVerificationMessage,
  contractNegotiation,
  contractNegotiationError,
  contractNegotiationEventMessage,
  contractNegotiationTerminationMessage,
  contractOfferMessage,
  contractRequestMessage,
  createNegotiation,
  createTransfer,
  type DspMessage,
  type DspRole,
  datasetRequestMessage,
  dspDataAddress,
  type NegotiationDecision,
  type NegotiationRecord,
  negotiationAcknowledgement,
  negotiationNotFound,
  negotiationStep,
  type OdrlPolicy,
  offerFromDataset,
  type RootCatalog,
  rootCatalog,
  rootDataset,
  type TransferDecision,
  type TransferRecord,
  transferAcknowledgement,
  transferCompletionMessage,
  transferError,
  transferNotFound,
  transferProcess,
  transferRequestMessage,
  transferStartMessage,
  transferStep,
  transferSuspensionMessage,
  transferTerminationMessage,
  versionResponse,
} from '@keten/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDspProblem, parseDspMessage } from './validate.ts';

function expectValid(message: DspMessage | undefined) {
  expect(message).toBeDefined();
  const parsed = parseDspMessage(message);
  expect(parsed.ok ? [] : parsed.error.map(formatDspProblem), JSON.stringify(message)).toEqual([]);
}

const ids = {
  consumerPid: 'urn:uuid:32541fe6-c580-409e-85a8-8a9a32fbe833',
  providerPid: 'urn:uuid:a343fcbf-99fc',
};
const policy: OdrlPolicy = {
  permission: [
    {
      action: 'use',
      constraint: [
        {
          leftOperand: 'https://w3id.org/catenax/2025/9/policy/UsagePurpose',
          operator: 'isAnyOf',
          rightOperand: ['cx.dcm.base:1'],
        },
      ],
    },
  ],
  prohibition: [{ action: 'distribute' }],
};
const offer = { id: 'urn:offer:forecast', target: 'urn:dataset:forecast', policy };
const agreementInput = {
  id: 'urn:agreement:1',
  target: 'urn:dataset:forecast',
  assigner: 'did:web:oem.example',
  assignee: 'did:web:tier1.example',
  timestamp: '2026-11-26T08:00:00Z',
  policy,
};
const address = dspDataAddress({
  endpointType: 'https://w3id.org/idsa/v4.1/HTTP',
  endpoint: 'https://tier1.example/data',
  properties: { authorization: 'token', authType: 'bearer' },
});
const datasetInput = {
  id: 'urn:dataset:forecast',
  offers: [
    { id: 'urn:offer:forecast', policy: { ...policy, target: 'ignored: a dataset offer has no target' } },
  ],
  distributions: [{ format: 'HttpData-PUSH', accessService: 'urn:service:dsp' }],
  properties: { title: 'Weekly material demand' },
};

describe('every DSP builder makes a message its schema accepts', () => {
  it.each<[string, DspMessage]>([
    ['catalog request', catalogRequestMessage()],
    ['catalog request with an empty filter', catalogRequestMessage([])],
    ['dataset request', datasetRequestMessage('urn:dataset:forecast')],
    [
      'catalog',
      rootCatalog({
        id: 'urn:catalog:oem',
        participantId: 'did:web:oem.example',
        service: { '@id': 'urn:service:dsp', '@type': 'DataService', endpointURL: 'https://oem.example/dsp' },
        datasets: [datasetInput],
      }),
    ],
    [
      'empty catalog',
      rootCatalog({
        id: 'urn:catalog:oem',
        participantId: 'did:web:oem.example',
        service: { '@id': 'urn:service:dsp', '@type': 'DataService', endpointURL: 'https://oem.example/dsp' },
        datasets: [],
      }),
    ],
    ['dataset', rootDataset(datasetInput)],
    ['catalog error', catalogError({ code: 'not-found', reason: ['no such dataset'] })],
    ['catalog error without reasons', catalogError()],
    [
      'initial contract request',
      contractRequestMessage({
        consumerPid: ids.consumerPid,
        offer,
        callbackAddress: 'https://t1.example/cb',
      }),
    ],
    ['counter contract request', contractRequestMessage({ ...ids, offer })],
    [
      'initial contract offer',
      contractOfferMessage({
        providerPid: ids.providerPid,
        offer,
        callbackAddress: 'https://oem.example/dsp',
      }),
    ],
    ['counter contract offer', contractOfferMessage({ ...ids, offer })],
    ['contract agreement', contractAgreementMessage(ids, agreementInput)],
    ['agreement verification', contractAgreementVerificationMessage(ids)],
    ['accepted event', contractNegotiationEventMessage(ids, 'ACCEPTED')],
    ['finalized event', contractNegotiationEventMessage(ids, 'FINALIZED')],
    [
      'negotiation termination',
      contractNegotiationTerminationMessage(ids, { code: 'x', reason: ['no longer needed'] }),
    ],
    ['negotiation termination, empty reasons', contractNegotiationTerminationMessage(ids, { reason: [] })],
    ['contract negotiation', contractNegotiation(ids, 'VERIFIED')],
    ['negotiation error', contractNegotiationError(ids, { code: 'invalid-transition', reason: ['…'] })],
    ['negotiation not found', negotiationNotFound({ providerPid: 'urn:x' }).body],
    [
      'transfer request (pull)',
      transferRequestMessage({
        consumerPid: ids.consumerPid,
        agreementId: 'urn:agreement:1',
        format: 'HttpData-PULL',
        callbackAddress: 'https://t1.example/cb',
      }),
    ],
    [
      'transfer request (push)',
      transferRequestMessage({
        consumerPid: ids.consumerPid,
        agreementId: 'urn:agreement:1',
        format: 'HttpData-PUSH',
        callbackAddress: 'https://t1.example/cb',
        dataAddress: address,
      }),
    ],
    ['transfer start', transferStartMessage(ids)],
    [
      'transfer start with address',
      transferStartMessage(ids, dspDataAddress({ endpointType: 'https://w3id.org/idsa/v4.1/HTTP' })),
    ],
    ['transfer completion', transferCompletionMessage(ids)],
    [
      'transfer suspension',
      transferSuspensionMessage(ids, { code: 'maintenance', reason: ['back at 10:00'] }),
    ],
    ['transfer termination', transferTerminationMessage(ids)],
    ['transfer process', transferProcess(ids, 'SUSPENDED')],
    ['transfer error', transferError(ids, { code: 'pid-mismatch' })],
    ['transfer not found', transferNotFound({ consumerPid: 'urn:x' }).body],
    ['version response', versionResponse({ path: '/dsp' })],
    [
      'version response, full',
      versionResponse({
        path: '/dsp',
        serviceId: 'did:web:oem.example#dsp',
        identifierType: 'did:web',
        auth: { protocol: 'keten-jws', version: '1', profile: ['membership-jwt'] },
      }),
    ],
  ])('%s', (_name, message) => expectValid(message));

  it('with random ids, addresses and policies', () => {
    const operand = fc.oneof(fc.string(), fc.array(fc.string(), { maxLength: 3 }));
    const constraint = fc.record({
      leftOperand: fc.string({ minLength: 1 }),
      operator: fc.constantFrom(
        'eq',
        'neq',
        'lt',
        'lteq',
        'gt',
        'gteq',
        'isAnyOf',
        'isAllOf',
        'isNoneOf',
        'isPartOf',
        'hasPart',
        'isA',
      ),
      rightOperand: operand,
    });
    const rule = fc.record(
      {
        action: fc.string({ minLength: 1 }),
        constraint: fc.array(constraint, { minLength: 1, maxLength: 3 }),
      },
      { requiredKeys: ['action'] },
    );
    const randomPolicy = fc.record(
      {
        permission: fc.array(rule, { minLength: 1, maxLength: 3 }),
        prohibition: fc.array(rule, { minLength: 1, maxLength: 2 }),
      },
      { requiredKeys: ['permission'] },
    );
    fc.assert(
      fc.property(
        fc.string(),
        fc.string(),
        fc.webUrl(),
        randomPolicy,
        fc.array(fc.string({ minLength: 1 }), { maxLength: 3 }),
        (consumerPid, providerPid, url, rules, reason) => {
          const randomOffer = {
            id: `urn:offer:${providerPid}`,
            target: `urn:dataset:${consumerPid}`,
            policy: rules as OdrlPolicy,
          };
          const pids = { consumerPid, providerPid };
          for (const message of [
            contractRequestMessage({ consumerPid, offer: randomOffer, callbackAddress: url }),
            contractOfferMessage({ ...pids, offer: randomOffer }),
            contractAgreementMessage(pids, { ...agreementInput, policy: rules as OdrlPolicy }),
            contractNegotiationTerminationMessage(pids, { reason }),
            transferRequestMessage({
              consumerPid,
              agreementId: providerPid,
              format: consumerPid,
              callbackAddress: url,
              dataAddress: dspDataAddress({
                endpointType: url,
                endpoint: url,
                properties: { authorization: consumerPid },
              }),
            }),
            transferSuspensionMessage(pids, { code: providerPid, reason }),
          ])
            expectValid(message);
        },
      ),
      { numRuns: 200 },
    );
  });
});

it('requests an offer taken from the upstream example catalog, and the request validates', () => {
  const example = JSON.parse(
    readFileSync(
      '/work/shared/vectors/dataspace-protocol/artifacts/src/main/resources/catalog/example/catalog.json',
      'utf8',
    ),
  ) as RootCatalog;
  expectValid(example);
  const dataset = example.dataset![0]!;
  const chosen = offerFromDataset(dataset);
  expect(chosen).toMatchObject({ id: dataset.hasPolicy[0]!['@id'], target: dataset['@id'] });
  expect(offerFromDataset(dataset, 'urn:no-such-offer')).toBeUndefined();
  expectValid(
    contractRequestMessage({
      consumerPid: ids.consumerPid,
      offer: chosen!,
      callbackAddress: 'https://t1.example/cb',
    }),
  );
});

/** Both parties of a negotiation and a transfer, driven along random allowed paths. */
describe('every message the state machines send validates', () => {
  const negotiationDecisions: NegotiationDecision[] = [
    { kind: 'request', offer },
    { kind: 'offer', offer },
    { kind: 'accept' },
    { kind: 'agree', agreement: agreementInput },
    { kind: 'verify' },
    { kind: 'finalize' },
    { kind: 'terminate', code: 'changed-plans', reason: ['the forecast is no longer needed'] },
  ];
  const transferDecisions: TransferDecision[] = [
    { kind: 'request', agreementId: 'urn:agreement:1', format: 'HttpData-PUSH', dataAddress: address },
    { kind: 'start' },
    { kind: 'suspend', reason: ['maintenance'] },
    { kind: 'complete' },
    { kind: 'terminate' },
  ];

  /** Runs decisions picked by `choices`, delivering each message at once; returns what was sent. */
  function run<R extends NegotiationRecord | TransferRecord, D>(
    choices: readonly number[],
    create: (role: DspRole) => R,
    step: (
      record: R,
      input: { decide: D } | { received: never },
    ) => { ok: boolean; value?: unknown; error?: unknown },
    confirm: (record: R, sequence: number, answer: R) => { ok: boolean; value?: unknown },
    acknowledge: (record: R) => DspMessage | undefined,
    decisions: readonly D[],
    starter: DspRole,
  ): DspMessage[] {
    const parties = { consumer: create('consumer'), provider: create('provider') } as Record<DspRole, R>;
    const seen: DspMessage[] = [];
    for (const choice of [0, ...choices]) {
      const role: DspRole = choice % 2 === 0 ? starter : starter === 'consumer' ? 'provider' : 'consumer';
      if (parties[role].state === 'INITIAL' && role !== starter) continue;
      const allowed = decisions
        .map((decision) => step(parties[role], { decide: decision }))
        .filter((result) => result.ok);
      const refused = decisions
        .map((decision) => step(parties[role], { decide: decision }))
        .find((result) => !result.ok);
      if (refused !== undefined) seen.push((refused.error as { body: DspMessage }).body);
      const chosen = allowed[Math.floor(choice / 2) % Math.max(allowed.length, 1)];
      if (chosen === undefined) continue;
      const outcome = chosen.value as { record: R; send: { sequence: number; message: DspMessage } };
      parties[role] = outcome.record;
      seen.push(outcome.send.message);
      const other: DspRole = role === 'consumer' ? 'provider' : 'consumer';
      const received = step(parties[other], { received: outcome.send.message as never });
      if (!received.ok) {
        seen.push((received.error as { body: DspMessage }).body);
        continue;
      }
      parties[other] = (received.value as { record: R }).record;
      const answer = acknowledge(parties[other]);
      if (answer !== undefined) seen.push(answer);
      const confirmed = confirm(parties[role], outcome.send.sequence, parties[other]);
      if (confirmed.ok) parties[role] = confirmed.value as R;
    }
    return seen;
  }

  it('negotiations, started by either party', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 40 }), { maxLength: 12 }),
        fc.constantFrom<DspRole>('consumer', 'provider'),
        (choices, starter) => {
          const sent = run(
            choices,
            (role) =>
              createNegotiation({
                role,
                pid: role === 'consumer' ? ids.consumerPid : ids.providerPid,
                ownAddress: `https://${role}.example/dsp`,
                counterPartyAddress: `https://${role === 'consumer' ? 'provider' : 'consumer'}.example/dsp`,
              }),
            negotiationStep as never,
            (record, sequence, answer) =>
              confirmNegotiationSent(record, sequence, negotiationAcknowledgement(answer)),
            negotiationAcknowledgement,
            negotiationDecisions,
            starter,
          );
          expect(sent.length).toBeGreaterThan(0);
          for (const message of sent) expectValid(message);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('transfers', () => {
    fc.assert(
      fc.property(fc.array(fc.nat({ max: 40 }), { maxLength: 12 }), (choices) => {
        const sent = run(
          choices,
          (role) =>
            createTransfer({
              role,
              pid: role === 'consumer' ? ids.consumerPid : ids.providerPid,
              ownAddress: `https://${role}.example/dsp`,
              counterPartyAddress: `https://${role === 'consumer' ? 'provider' : 'consumer'}.example/dsp`,
            }),
          transferStep as never,
          (record, sequence, answer) =>
            confirmTransferSent(record, sequence, transferAcknowledgement(answer)),
          transferAcknowledgement,
          transferDecisions,
          'consumer',
        );
        for (const message of sent) expectValid(message);
      }),
      { numRuns: 150 },
    );
  });
});
