import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contractAgreementMessage,
  contractAgreementVerificationMessage,
  contractNegotiationEventMessage,
  contractNegotiationTerminationMessage,
  contractOfferMessage,
  contractRequestMessage,
  DSP_MESSAGE_TYPES,
  transferCompletionMessage,
  transferRequestMessage,
  transferStartMessage,
  transferSuspensionMessage,
  transferTerminationMessage,
} from './messages.ts';
import { NEGOTIATION_TRANSITIONS } from './negotiation.ts';
import { DSP_ROUTES, fillPath, joinUrl, matchDspRoute, outgoingPath } from './routes.ts';
import { TRANSFER_TRANSITIONS } from './transfer.ts';

const ids = { consumerPid: 'urn:uuid:c-1', providerPid: 'urn:uuid:p-1' };
const offer = { id: 'urn:offer:1', target: 'urn:dataset:1', policy: { permission: [{ action: 'use' }] } };

describe('the DSP 2025-1 HTTPS binding table', () => {
  it('has the 25 endpoints of the binding, each once, each citing its section', () => {
    // 1 version endpoint, 2 catalog, 6 provider + 6 consumer negotiation, 6 provider + 4 consumer transfer.
    expect(DSP_ROUTES).toHaveLength(25);
    const keys = DSP_ROUTES.map((route) => `${route.servedBy} ${route.method} ${route.path}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const route of DSP_ROUTES) {
      expect(route.section).toMatch(/^DSP 2025-1, /);
      for (const type of [route.expects, route.answers, route.error])
        if (type !== undefined) expect(DSP_MESSAGE_TYPES).toContain(type);
      // POSTs carry a message; GETs of a process do not; a created process is answered with 201.
      if (route.method === 'POST') expect(route.expects).toBeDefined();
      expect(route.success === 201).toBe(
        route.path === '/negotiations/request' ||
          route.path === '/negotiations/offers' ||
          route.path === '/transfers/request',
      );
    }
  });

  it('has a route for every message either role sends in the state machines, served by the other role', () => {
    const sent = [
      { by: 'consumer', message: contractRequestMessage({ ...ids, offer }) },
      {
        by: 'consumer',
        message: contractRequestMessage({
          consumerPid: ids.consumerPid,
          offer,
          callbackAddress: 'https://c',
        }),
      },
      { by: 'provider', message: contractOfferMessage({ ...ids, offer }) },
      {
        by: 'provider',
        message: contractOfferMessage({ providerPid: ids.providerPid, offer, callbackAddress: 'https://p' }),
      },
      {
        by: 'provider',
        message: contractAgreementMessage(ids, {
          ...offer,
          assigner: 'a',
          assignee: 'b',
          timestamp: '2026-01-01T00:00:00Z',
        }),
      },
      { by: 'consumer', message: contractAgreementVerificationMessage(ids) },
      { by: 'consumer', message: contractNegotiationEventMessage(ids, 'ACCEPTED') },
      { by: 'provider', message: contractNegotiationEventMessage(ids, 'FINALIZED') },
      { by: 'consumer', message: contractNegotiationTerminationMessage(ids) },
      { by: 'provider', message: contractNegotiationTerminationMessage(ids) },
      {
        by: 'consumer',
        message: transferRequestMessage({
          consumerPid: ids.consumerPid,
          agreementId: 'a',
          format: 'f',
          callbackAddress: 'https://c',
        }),
      },
      ...(['consumer', 'provider'] as const).flatMap((by) => [
        { by, message: transferStartMessage(ids) },
        { by, message: transferCompletionMessage(ids) },
        { by, message: transferSuspensionMessage(ids) },
        { by, message: transferTerminationMessage(ids) },
      ]),
    ] as const;
    const paths = sent.map(({ by, message }) => `${by}: ${outgoingPath(message, by)?.path}`);
    expect(paths).toEqual([
      'consumer: /negotiations/urn%3Auuid%3Ap-1/request',
      'consumer: /negotiations/request',
      'provider: /negotiations/urn%3Auuid%3Ac-1/offers',
      'provider: /negotiations/offers',
      'provider: /negotiations/urn%3Auuid%3Ac-1/agreement',
      'consumer: /negotiations/urn%3Auuid%3Ap-1/agreement/verification',
      'consumer: /negotiations/urn%3Auuid%3Ap-1/events',
      'provider: /negotiations/urn%3Auuid%3Ac-1/events',
      'consumer: /negotiations/urn%3Auuid%3Ap-1/termination',
      'provider: /negotiations/urn%3Auuid%3Ac-1/termination',
      'consumer: /transfers/request',
      'consumer: /transfers/urn%3Auuid%3Ap-1/start',
      'consumer: /transfers/urn%3Auuid%3Ap-1/completion',
      'consumer: /transfers/urn%3Auuid%3Ap-1/suspension',
      'consumer: /transfers/urn%3Auuid%3Ap-1/termination',
      'provider: /transfers/urn%3Auuid%3Ac-1/start',
      'provider: /transfers/urn%3Auuid%3Ac-1/completion',
      'provider: /transfers/urn%3Auuid%3Ac-1/suspension',
      'provider: /transfers/urn%3Auuid%3Ac-1/termination',
    ]);
    // And each role's sends in the diagrams are covered: who sends what matches who serves what.
    const consumerTargets = new Set(
      [...NEGOTIATION_TRANSITIONS, ...TRANSFER_TRANSITIONS]
        .filter((arrow) => arrow.by === 'consumer')
        .map((arrow) => arrow.to),
    );
    for (const state of [
      'REQUESTED',
      'ACCEPTED',
      'VERIFIED',
      'TERMINATED',
      'STARTED',
      'COMPLETED',
      'SUSPENDED',
    ])
      expect(consumerTargets.has(state as never)).toBe(true);
  });

  it('matches requests to routes: literal segments win, parameters are decoded', () => {
    expect(matchDspRoute('provider', 'POST', '/negotiations/request')?.route.path).toBe(
      '/negotiations/request',
    );
    expect(matchDspRoute('provider', 'GET', '/negotiations/urn%3Auuid%3Ap-1')).toEqual({
      route: DSP_ROUTES.find(
        (route) => route.method === 'GET' && route.path === '/negotiations/:providerPid',
      ),
      params: { providerPid: 'urn:uuid:p-1' },
    });
    expect(matchDspRoute('consumer', 'POST', '/negotiations/offers')?.route.success).toBe(201);
    expect(matchDspRoute('consumer', 'POST', '/negotiations/x/offers')?.params).toEqual({ consumerPid: 'x' });
    expect(matchDspRoute('provider', 'POST', '/negotiations/x/offers')).toBeUndefined();
    expect(matchDspRoute('any', 'GET', '/.well-known/dspace-version')?.route.answers).toBe('VersionResponse');
    expect(matchDspRoute('provider', 'GET', '/catalog/datasets/urn%3Ad')?.params).toEqual({ id: 'urn:d' });
    expect(matchDspRoute('provider', 'POST', '/negotiations/%E0%A4%A/request')).toBeUndefined();
  });

  it('fills and matches paths as inverses for any process id', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }), fc.constantFrom(...DSP_ROUTES), (pid, route) => {
        const params = Object.fromEntries(
          [...route.path.matchAll(/:([A-Za-z]+)/g)].map((match) => [match[1]!, pid]),
        );
        const path = fillPath(route.path, params);
        const matched = matchDspRoute(route.servedBy, route.method, path);
        // A pid that spells a literal segment ("request", "offers") is taken by the literal route.
        if (['request', 'offers'].includes(pid)) return;
        expect(matched?.route).toBe(route);
        expect(matched?.params).toEqual(params);
      }),
    );
  });

  it('joins a base and a path with one slash, whatever the trailing slash', () => {
    expect(joinUrl('https://c.example/cb', '/negotiations/x/offers')).toBe(
      'https://c.example/cb/negotiations/x/offers',
    );
    expect(joinUrl('https://c.example/cb/', '/negotiations/x/offers')).toBe(
      'https://c.example/cb/negotiations/x/offers',
    );
    expect(joinUrl('https://c.example/cb//', 'negotiations')).toBe('https://c.example/cb/negotiations');
  });
});
