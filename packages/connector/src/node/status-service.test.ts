import { describe, expect, it } from 'vitest';
import { parseNodeConfig } from './config.ts';
import { statusConsentOf, statusDatasetId } from './status-service.ts';

const config = (partners: string) =>
  parseNodeConfig(
    [
      'format: keten.node/v1',
      'company: steinhof-optics',
      'listen: { port: 8102 }',
      'dataDir: ./data',
      'network: ./network.yaml',
      'authority: { url: http://127.0.0.1:8101 }',
      'partners:',
      partners,
      '',
    ].join('\n'),
    '/nodes/steinhof.yaml',
  );

describe('status consent in the node configuration', () => {
  it('gives each customer what its partner entry says, ForwardDepth 1 by default', () => {
    const parsed = config(
      [
        '  - { company: kempen, url: http://127.0.0.1:8101, status: { forwardDepth: 0, expiresAt: "2027-12-31T23:59:59Z" } }',
        '  - { company: other, url: http://127.0.0.1:8103, status: { share: false } }',
        '  - { company: plain, url: http://127.0.0.1:8104 }',
        '  - { company: deep, url: http://127.0.0.1:8105, status: {} }',
      ].join('\n'),
    );
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const partners = parsed.value.partners;
    expect(statusConsentOf(partners, 'kempen')).toEqual({
      forwardDepth: 0,
      expiresAt: new Date('2027-12-31T23:59:59Z'),
    });
    expect(statusConsentOf(partners, 'other')).toBeUndefined();
    expect(statusConsentOf(partners, 'plain')).toEqual({ forwardDepth: 1 });
    expect(statusConsentOf(partners, 'deep')).toEqual({ forwardDepth: 1 });
    expect(statusConsentOf(partners, 'not-listed')).toEqual({ forwardDepth: 1 });
  });

  it('refuses a depth or date it cannot use, at the line of the file', () => {
    const negative = config(
      '  - { company: kempen, url: http://127.0.0.1:8101, status: { forwardDepth: -1 } }',
    );
    expect(negative.ok).toBe(false);
    if (!negative.ok) expect(negative.error[0]!.path).toEqual(['partners', 0, 'status', 'forwardDepth']);
    const zoneless = config(
      '  - { company: kempen, url: http://127.0.0.1:8101, status: { expiresAt: "2027-12-31T23:59:59" } }',
    );
    expect(zoneless.ok).toBe(false);
    if (!zoneless.ok) expect(zoneless.error[0]!.message).toMatch(/with a zone/);
    const unknown = config('  - { company: kempen, url: http://127.0.0.1:8101, status: { depth: 2 } }');
    expect(unknown.ok).toBe(false);
  });

  it('names the status dataset by owner and customer', () => {
    expect(statusDatasetId('steinhof-optics', 'kempen')).toBe('urn:keten:steinhof-optics:status:kempen');
  });
});
