import { describe, expect, it } from 'vitest';
import { missingWords, type StatusPart, statusRows, statusTotals, suppliersInOrder } from './status-tree.ts';

const owner = (name: string) => ({ name, bpnl: `BPNL-${name}` });
const answered = (name: string, suppliers: StatusPart[], shortages = 0): StatusPart => ({
  status: 'answered',
  owner: owner(name),
  at: '2026-01-05T00:00:00Z',
  suppliers,
  orders: [],
  shortages: Array.from({ length: shortages }, () => ({
    item: 'X',
    date: '2026-01-05',
    quantity: 5,
    unit: 'pcs',
    cause: { code: 'capacity', text: 'short' },
  })),
  stock: [],
  bottlenecks: [],
  notes: [],
  signature: 'jws',
});

describe('the status tree as rows', () => {
  const tree = answered('Kempen', [
    answered('Steinhof', [
      answered(
        'Kortrijk',
        [{ status: 'withheld', withheld: true, owner: owner('Schelde'), reason: 'ForwardDepth 1' }],
        2,
      ),
    ]),
    { status: 'unavailable', owner: owner('Helmond'), reason: 'no answer in 5 s' },
  ]);

  it('lists the parts depth first with their customer', () => {
    const rows = statusRows(tree);
    expect(rows.map((row) => [row.part.owner.name, row.depth, row.customer])).toEqual([
      ['Kempen', 0, undefined],
      ['Steinhof', 1, 'Kempen'],
      ['Kortrijk', 2, 'Steinhof'],
      ['Schelde', 3, 'Kortrijk'],
      ['Helmond', 1, 'Kempen'],
    ]);
    expect(new Set(rows.map((row) => row.key)).size).toBe(rows.length);
    expect(rows.filter((row) => row.signed).length).toBe(3);
  });

  it('counts what is there and what is not', () => {
    expect(statusTotals(statusRows(tree))).toEqual({
      answered: 3,
      withheld: 1,
      unavailable: 1,
      repeated: 0,
      shortages: 2,
      bottlenecks: 0,
      depth: 2,
    });
    expect(missingWords('withheld')).toContain('consent');
  });

  it('puts the suppliers that answered first', () => {
    if (tree.status !== 'answered') throw new Error('unreachable');
    const reversed = [...tree.suppliers].reverse();
    expect(suppliersInOrder(reversed).map((part) => part.status)).toEqual(['answered', 'unavailable']);
  });
});
