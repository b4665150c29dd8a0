import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateNetwork } from './generate.ts';
import { decodeNetworkGraph, encodeNetworkGraph } from './graph-encoding.ts';
import { GRAPH_MODES, type NetworkGraph, networkGraph } from './network-views.ts';

/** The decoded graph with its typed arrays as plain arrays, to compare with `networkGraph`'s. */
function plain(graph: NetworkGraph) {
  const lanes = Object.fromEntries(
    Object.entries(graph.lanes).map(([key, value]) => [key, Array.from(value)]),
  );
  return { ...graph, lanes };
}

const text = fc.string({ unit: 'grapheme', maxLength: 12 });
const arbitraryGraph: fc.Arbitrary<NetworkGraph> = fc
  .record({
    companies: fc.integer({ min: 0, max: 30 }),
    lanes: fc.integer({ min: 0, max: 60 }),
    items: fc.array(fc.record({ id: text, name: text, unit: text }), { minLength: 1, maxLength: 5 }),
    regions: fc.array(text, { minLength: 1, maxLength: 4 }),
    seed: fc.integer(),
  })
  .chain(({ companies: n, lanes: m, items, regions }) =>
    fc.record({
      network: text,
      period: fc.constantFrom('day' as const, 'week' as const),
      currency: text,
      items: fc.constant(items),
      regions: fc.constant(regions),
      modes: fc.constant(GRAPH_MODES),
      companies: fc.record({
        id: fc.array(text, { minLength: n, maxLength: n }),
        name: fc.array(text, { minLength: n, maxLength: n }),
        tier: fc.array(fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }), {
          minLength: n,
          maxLength: n,
        }),
        region: fc.array(fc.nat(regions.length - 1), { minLength: n, maxLength: n }),
        country: fc.array(text, { minLength: n, maxLength: n }),
        city: fc.array(fc.option(text, { nil: null }), { minLength: n, maxLength: n }),
        latitude: fc.array(fc.option(fc.double({ min: -90, max: 90, noNaN: true }), { nil: null }), {
          minLength: n,
          maxLength: n,
        }),
        longitude: fc.array(fc.option(fc.double({ min: -180, max: 180, noNaN: true }), { nil: null }), {
          minLength: n,
          maxLength: n,
        }),
        makes: fc.array(fc.array(fc.nat(items.length - 1), { maxLength: 3 }), { minLength: n, maxLength: n }),
      }),
      lanes:
        n === 0
          ? fc.constant({ supplier: [], buyer: [], item: [], share: [], mode: [], leadTime: [] })
          : fc.record({
              supplier: fc.array(fc.nat(n - 1), { minLength: m, maxLength: m }),
              buyer: fc.array(fc.nat(n - 1), { minLength: m, maxLength: m }),
              item: fc.array(fc.nat(items.length - 1), { minLength: m, maxLength: m }),
              share: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: m, maxLength: m }),
              mode: fc.array(fc.nat(GRAPH_MODES.length - 1), { minLength: m, maxLength: m }),
              leadTime: fc.array(fc.nat(10_000), { minLength: m, maxLength: m }),
            }),
    }),
  );

describe('the binary graph encoding', () => {
  it('round-trips any graph exactly (property)', () => {
    fc.assert(
      fc.property(arbitraryGraph, fc.nat(1e6), (graph, version) => {
        const decoded = decodeNetworkGraph(encodeNetworkGraph(graph, version));
        expect(decoded.ok).toBe(true);
        if (!decoded.ok) return;
        expect(plain(decoded.value)).toEqual({ ...graph, version });
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips a generated network, its lanes as typed arrays over the bytes', () => {
    const graph = networkGraph(generateNetwork({ companies: 300, seed: 3, horizon: 4 }));
    const bytes = encodeNetworkGraph(graph, 7);
    const decoded = decodeNetworkGraph(bytes);
    if (!decoded.ok) throw new Error(decoded.error.message);
    expect(decoded.value.lanes.buyer).toBeInstanceOf(Uint32Array);
    expect(decoded.value.lanes.share).toBeInstanceOf(Float64Array);
    expect(plain(decoded.value)).toEqual({ ...graph, version: 7 });
  });

  it('decodes bytes that start at an unaligned offset', () => {
    const graph = networkGraph(generateNetwork({ companies: 40, seed: 1, horizon: 4 }));
    const bytes = encodeNetworkGraph(graph, 1);
    const shifted = new Uint8Array(bytes.length + 3);
    shifted.set(bytes, 3);
    const decoded = decodeNetworkGraph(shifted.subarray(3));
    expect(decoded.ok && plain(decoded.value)).toEqual({ ...graph, version: 1 });
  });

  it('refuses bytes that are not the encoding, with a code and what to do', () => {
    const garbage = decodeNetworkGraph(new TextEncoder().encode('{"companies":[]}'));
    expect(garbage).toEqual({
      ok: false,
      error: { code: 'graph-encoding-invalid', message: expect.stringContaining('do not start with KGR1') },
    });
    const bytes = encodeNetworkGraph(
      networkGraph(generateNetwork({ companies: 20, seed: 2, horizon: 4 })),
      1,
    );
    const cut = decodeNetworkGraph(bytes.subarray(0, bytes.length - 1));
    expect(cut.ok).toBe(false);
    expect(!cut.ok && cut.error.message).toMatch(/fetch the graph again/);
  });

  it('never throws on corrupted bytes (fuzz): a graph or an error value', () => {
    const bytes = encodeNetworkGraph(
      networkGraph(generateNetwork({ companies: 15, seed: 4, horizon: 4 })),
      1,
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(bytes.length - 1), fc.nat(255)), { maxLength: 8 }), (changes) => {
        const copy = bytes.slice();
        for (const [at, value] of changes) copy[at] = value;
        const decoded = decodeNetworkGraph(copy);
        expect(typeof decoded.ok).toBe('boolean');
      }),
      { numRuns: 300 },
    );
  });
});
