import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  ASPECT_SPECS,
  aspectOfMessage,
  DATASET_KINDS,
  datasetId,
  datasetsOffered,
  EXCHANGE_ASPECTS,
  parseDatasetId,
} from './datasets.ts';

describe('datasets', () => {
  it('reads back every dataset id it makes, and nothing else', () => {
    const company = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,30}$/);
    fc.assert(
      fc.property(company, fc.constantFrom(...DATASET_KINDS), company, (owner, kind, partner) => {
        expect(parseDatasetId(datasetId(owner, kind, partner))).toEqual({ owner, kind, partner });
      }),
    );
    fc.assert(
      fc.property(fc.string(), (text) => {
        const parsed = parseDatasetId(text);
        if (parsed !== undefined) expect(datasetId(parsed.owner, parsed.kind, parsed.partner)).toBe(text);
      }),
    );
    expect(parseDatasetId('urn:keten:kempen:status:steinhof-optics')).toBeUndefined();
    expect(parseDatasetId('urn:keten::demand-and-capacity:x')).toBeUndefined();
  });

  it('offers a supplier two datasets and a customer two, each carrying only its side of the aspects', () => {
    expect(datasetsOffered(new Set(['customer']))).toEqual(['demand-and-capacity', 'short-term-supply']);
    expect(datasetsOffered(new Set(['supplier']))).toEqual(['demand-and-capacity', 'short-term-supply']);
    expect(datasetsOffered(new Set(['customer']), ['material-demand'])).toEqual(['demand-and-capacity']);
    expect(datasetsOffered(new Set(['supplier']), ['material-demand'])).toEqual([]);
    for (const aspect of EXCHANGE_ASPECTS) {
      const { dataset, purpose } = ASPECT_SPECS[aspect];
      expect(purpose).toBe(dataset === 'demand-and-capacity' ? 'cx.dcm.base:1' : 'cx.puris.base:1');
    }
  });

  it("names a pushed payload's aspect by its model, and an order message by its type", () => {
    expect(aspectOfMessage('WeekBasedMaterialDemand', {})).toBe('material-demand');
    expect(aspectOfMessage('WeekBasedCapacityGroup', {})).toBe('capacity');
    expect(aspectOfMessage('keten.order/v1', { type: 'order' })).toBe('orders');
    expect(aspectOfMessage('keten.order/v1', { type: 'order-change' })).toBe('orders');
    expect(aspectOfMessage('keten.order/v1', { type: 'order-confirmation' })).toBe('order-confirmations');
    expect(aspectOfMessage('keten.order/v1', null)).toBe('orders');
    expect(aspectOfMessage('IdBasedComment', {})).toBeUndefined();
    expect(aspectOfMessage(42, {})).toBeUndefined();
  });
});
