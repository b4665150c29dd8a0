import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partnerView } from '../model/partner-view.ts';
import { applyPlanningEvents } from '../planning/events.ts';
import { planNetwork } from '../planning/plan.ts';
import { buildOffer, deriveAgreement } from '../policy/build.ts';
import { buildMaterialDemands, readMaterialDemand } from './material-demand.ts';
import {
  formatStatusTree,
  parseStatusRequest,
  requestSelection,
  rootSelection,
  STATUS_REQUEST_FORMAT,
  type StatusRequest,
  statusConsent,
  tierStatus,
} from './status.ts';
import { changedAt, fixture, receivedAt } from './test-fixture.ts';
import { periodDate } from './weeks.ts';

const demoPath = fileURLToPath(new URL('../../../../examples/demo-network.yaml', import.meta.url));
const { network, plan } = fixture('demo-network.yaml', readFileSync(demoPath, 'utf8'));
const bpn = (company: string) => network.companies.find((entry) => entry.id === company)!.bpn!;

const valid: StatusRequest = {
  format: STATUS_REQUEST_FORMAT,
  questionId: '0b7c2f4e-8d1a-4c3b-9e2f-1a2b3c4d5e6f',
  order: 'tem-300',
  customer: bpn('steinhof-optics'),
  supplier: bpn('kortrijk-coils'),
  path: [bpn('kempen'), bpn('steinhof-optics')],
  relay: 1,
  deadline: '2027-01-04T09:00:10Z',
  demands: [
    {
      orderId: 'steinhof-optics/coil/buy/kortrijk-coils/3',
      materialNumberCustomer: 'coil',
      shipDate: '2027-01-18',
      dueDate: '2027-01-25',
      quantity: 2,
    },
  ],
};

describe('the status question', () => {
  it('accepts a consistent question', () => {
    expect(parseStatusRequest(valid)).toEqual({ ok: true, value: valid });
  });

  it('refuses an inconsistent one, naming the field', () => {
    const wrong = parseStatusRequest({ ...valid, relay: 0 });
    expect(wrong.ok).toBe(false);
    if (!wrong.ok) expect(wrong.error[0]).toMatchObject({ code: 'malformed', path: ['relay'] });
    const path = parseStatusRequest({ ...valid, path: [bpn('steinhof-optics'), bpn('kempen')] });
    expect(!path.ok && path.error[0]!.message).toMatch(/must end at the customer/);
    const late = parseStatusRequest({
      ...valid,
      demands: [{ ...valid.demands[0]!, shipDate: '2027-02-01' }],
    });
    expect(!late.ok && late.error[0]!.path).toEqual(['demands', 0, 'shipDate']);
    const extra = parseStatusRequest({ ...valid, secret: 1 });
    expect(extra.ok).toBe(false);
  });

  it('never throws on any input, and gives problems or a question (fast-check)', () => {
    const wellFormed = (result: ReturnType<typeof parseStatusRequest>) =>
      result.ok
        ? result.value.relay === result.value.path.length - 1
        : result.error.length > 0 && result.error.every((problem) => problem.message.length > 0);
    fc.assert(fc.property(fc.jsonValue(), (input) => wellFormed(parseStatusRequest(input))));
    const fields = Object.keys(valid);
    fc.assert(
      fc.property(
        fc.constantFrom(...fields),
        fc.oneof(fc.jsonValue(), fc.constant(undefined)),
        (field, value) => {
          const changed: Record<string, unknown> = { ...valid, [field]: value };
          if (value === undefined) delete changed[field];
          return wellFormed(parseStatusRequest(changed));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('a tier’s status', () => {
  it('at the root: the orders pegged to an end demand, and a question per supplier', () => {
    const selection = rootSelection(network, plan, 'kempen', 'tem-300');
    expect(selection.ok).toBe(true);
    if (!selection.ok) return;
    const { status, questions } = tierStatus(network, plan, 'kempen', selection.value);
    expect(status.orders.length).toBeGreaterThan(0);
    expect(status.orders.every((order) => order.id.startsWith('kempen/'))).toBe(true);
    // Never more of an order than the order.
    for (const order of status.orders) expect(order.quantity).toBeLessThanOrEqual(order.orderQuantity + 1e-6);
    const suppliers = new Set(
      status.orders.filter((order) => order.kind === 'purchase').map((order) => order.supplier!.bpnl),
    );
    expect(new Set(questions.map((question) => bpn(question.supplier)))).toEqual(suppliers);
    // A supplier is asked about the OEM's orders on it, nothing of another supplier's.
    for (const question of questions)
      expect(
        question.demands.every(
          (demand) =>
            demand.orderId.startsWith(`kempen/`) && demand.orderId.includes(`/buy/${question.supplier}/`),
        ),
      ).toBe(true);
    // A single period is a part of the whole.
    const period = status.orders[0]!;
    const one = rootSelection(network, plan, 'kempen', 'tem-300@10');
    expect(one.ok).toBe(true);
    if (one.ok)
      expect(tierStatus(network, plan, 'kempen', one.value).status.orders.length).toBeLessThanOrEqual(
        status.orders.length,
      );
    expect(period.unit).toBe('pcs');
  });

  it('names what to write for an order it does not know', () => {
    const unknown = rootSelection(network, plan, 'kempen', 'nothing');
    expect(!unknown.ok && unknown.error[0]!.message).toMatch(/no end demand for 'nothing'.*tem-300/);
    const late = rootSelection(network, plan, 'kempen', 'tem-300@999');
    expect(!late.ok && late.error[0]!.code).toBe('bad-date');
  });

  it('a purchase order id at the root asks its supplier about that order only', () => {
    const purchase = [...plan.orders].find(
      (order) => order.company === 'kempen' && order.kind === 'purchase',
    )!;
    const selection = rootSelection(network, plan, 'kempen', purchase.id);
    expect(selection.ok).toBe(true);
    if (!selection.ok) return;
    const { status, questions } = tierStatus(network, plan, 'kempen', selection.value);
    expect(status.orders.map((order) => order.id)).toEqual([purchase.id]);
    expect(questions).toEqual([
      { supplier: purchase.supplier, demands: [expect.objectContaining({ orderId: purchase.id })] },
    ]);
  });

  it('at a supplier: its orders behind the customer’s, scaled to the customer’s share', () => {
    // Steinhof's node: its partner view with the OEM's forecast applied.
    const view = partnerView(network, 'steinhof-optics')!;
    const forecasts = buildMaterialDemands(network, plan, 'kempen', { changedAt });
    if (!forecasts.ok) throw new Error('no forecasts');
    let atSupplier = view;
    for (const forecast of forecasts.value.filter((entry) => entry.supplier === 'steinhof-optics')) {
      const read = readMaterialDemand(view, 'steinhof-optics', forecast.payload, { receivedAt });
      if (!read.ok) throw new Error(JSON.stringify(read.error));
      const applied = applyPlanningEvents(atSupplier, read.value.events);
      if (!applied.ok) throw new Error('events not applied');
      atSupplier = applied.value.network;
    }
    const supplierPlan = planNetwork(atSupplier);
    const root = rootSelection(network, plan, 'kempen', 'tem-300');
    if (!root.ok) throw new Error('no root');
    const asked = tierStatus(network, plan, 'kempen', root.value).questions.find(
      (question) => question.supplier === 'steinhof-optics',
    )!;
    const selection = requestSelection(
      atSupplier,
      'steinhof-optics',
      'kempen',
      asked.demands,
      supplierPlan.horizon,
    );
    expect(selection.notes).toEqual([]);
    const { status, questions } = tierStatus(atSupplier, supplierPlan, 'steinhof-optics', selection);
    expect(status.orders.length).toBeGreaterThan(0);
    // Never more of the item made for the question than the question asked for.
    const items = new Set([...selection.weights.keys()].map((key) => key.split('\u0000')[0]!));
    expect(items.size).toBeGreaterThan(0);
    for (const item of items) {
      const made = status.orders
        .filter((order) => order.kind === 'production' && order.item === item)
        .reduce((sum, order) => sum + order.quantity, 0);
      const wanted = asked.demands.reduce((sum, demand) => sum + demand.quantity, 0);
      expect(made).toBeLessThanOrEqual(wanted + 1e-6);
    }
    expect(questions.every((question) => question.supplier !== 'kempen')).toBe(true);
    // A material number it does not know is a note, not an error.
    const strange = requestSelection(
      atSupplier,
      'steinhof-optics',
      'kempen',
      [{ ...asked.demands[0]!, materialNumberCustomer: 'XX-1', materialNumberSupplier: 'YY-1' }],
      supplierPlan.horizon,
    );
    expect(strange.notes[0]).toMatch(/no item of ours has the material number YY-1/);
  });
});

describe('consent to pass a status answer on', () => {
  const agreement = (forwardDepth: number, expiresAt?: Date) => {
    const offer = buildOffer({
      id: 'urn:keten:x:status:y:offer',
      target: 'urn:keten:x:status:y',
      partners: [bpn('kempen')],
      purposes: ['cx.dcm.base:1'],
      forwardDepth,
      frameworkAgreement: null,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    });
    if (!offer.ok) throw new Error('no offer');
    const agreed = deriveAgreement(offer.value, {
      id: 'urn:uuid:1',
      assigner: 'did:web:x',
      assignee: 'did:web:y',
      target: 'urn:keten:x:status:y',
      concludedAt: new Date('2027-01-01T00:00:00Z'),
    });
    if (!agreed.ok) throw new Error('no agreement');
    return agreed.value;
  };
  const judge = (policy: ReturnType<typeof agreement>, relay: number, at = '2027-01-04T00:00:00Z') =>
    statusConsent(policy, {
      requester: { bpnl: bpn('kempen'), did: 'did:web:y', membership: { status: 'valid' } },
      relay,
      purpose: 'cx.dcm.base:1',
      at: new Date(at),
    });

  it('lets the answer travel as far as ForwardDepth says, and no further', () => {
    expect(judge(agreement(0), 0).allowed).toBe(true);
    expect(judge(agreement(0), 1)).toMatchObject({ allowed: false, refused: false });
    expect(judge(agreement(1), 1).allowed).toBe(true);
    const far = judge(agreement(1), 2);
    expect(far).toMatchObject({ allowed: false, refused: false });
    expect(!far.allowed && far.reason).toMatch(/travel 2 tier\(s\).*at most 1 tier/);
  });

  it('refuses after the agreement expired, and another requester', () => {
    const expired = judge(agreement(3, new Date('2027-01-02T00:00:00Z')), 0);
    expect(expired).toMatchObject({ allowed: false, refused: true });
    expect(!expired.allowed && expired.reason).toMatch(/the period has ended/);
    const other = statusConsent(agreement(1), {
      requester: { bpnl: bpn('steinhof-optics'), did: 'did:web:z', membership: { status: 'valid' } },
      relay: 0,
      purpose: 'cx.dcm.base:1',
      at: new Date('2027-01-04T00:00:00Z'),
    });
    expect(other).toMatchObject({ allowed: false, refused: true });
  });
});

describe('the tree for people', () => {
  it('shows every part, the withheld ones with their reasons', () => {
    const owner = (name: string) => ({ name, bpnl: `BPNL0000000000${name.slice(0, 2).toUpperCase()}` });
    const lines = formatStatusTree({
      status: 'answered',
      owner: owner('OEM'),
      at: '2027-01-04T09:00:00Z',
      orders: [
        {
          id: 'oem/x/buy/t1/3',
          kind: 'purchase',
          item: 'x',
          supplier: owner('T1'),
          startDate: '2027-01-18',
          dueDate: '2027-01-25',
          quantity: 2,
          orderQuantity: 3,
          unit: 'pcs',
        },
      ],
      shortages: [
        {
          item: 'x',
          date: '2027-02-01',
          quantity: 1,
          unit: 'pcs',
          cause: { code: 'capacity', text: 'no capacity' },
        },
      ],
      stock: [],
      bottlenecks: [],
      notes: [],
      suppliers: [
        { status: 'withheld', withheld: true, owner: owner('T1'), reason: 'ForwardDepth allows 0' },
        { status: 'unavailable', owner: owner('T2'), reason: 'no answer' },
      ],
    });
    expect(lines).toEqual([
      'OEM (BPNL0000000000OE): 1 order(s), 1 shortage(s), 0 bottleneck(s)',
      '  purchase oem/x/buy/t1/3: 2 of 3 pcs x from T1, 2027-01-18 → due 2027-01-25',
      '  short 1 pcs x on 2027-02-01: no capacity',
      '├─ T1 (BPNL0000000000T1): withheld — ForwardDepth allows 0',
      '└─ T2 (BPNL0000000000T2): unavailable — no answer',
    ]);
  });
});

describe('an open order of the model at the root', () => {
  it('is reported as open, and a purchase is asked of its supplier', () => {
    const open = (network.openOrders ?? []).find(
      (entry) => entry.company === 'kempen' && entry.kind === 'purchase' && entry.id !== undefined,
    )!;
    const selection = rootSelection(network, plan, 'kempen', open.id!);
    expect(selection.ok).toBe(true);
    if (!selection.ok) return;
    const { status, questions } = tierStatus(network, plan, 'kempen', selection.value);
    expect(status.orders).toEqual([
      expect.objectContaining({ id: open.id, kind: 'purchase', open: true, quantity: open.quantity }),
    ]);
    expect(status.orders[0]!.dueDate).toBe(periodDate(network, open.due));
    expect(questions).toEqual([
      {
        supplier: open.supplier,
        demands: [expect.objectContaining({ orderId: open.id, quantity: open.quantity })],
      },
    ]);
  });
});
