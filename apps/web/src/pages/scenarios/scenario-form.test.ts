import type { Scenario } from '@keten/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeScenarioParam,
  emptyEvent,
  encodeScenarioParam,
  formToScenario,
  issuePath,
  newScenarioForm,
  scenarioToForm,
} from './scenario-form.ts';

const id = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
const amount = fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true });
const period = fc.nat({ max: 520 });
const window = fc.oneof(
  fc.record({ from: period, to: period }),
  fc.record({ from: period, duration: fc.integer({ min: 1, max: 52 }) }),
  fc.record({ from: period }),
);

const pattern = fc.oneof(
  fc.record({ type: fc.constant('normal' as const), mean: amount, stdDev: amount }),
  fc.record({ type: fc.constant('constant' as const), value: amount }),
  fc.record({
    type: fc.constant('series' as const),
    quantities: fc.array(amount, { minLength: 1, maxLength: 6 }),
  }),
  fc.record({ type: fc.constant('network' as const) }),
);

const demand = fc.record(
  {
    company: id,
    item: id,
    pattern,
    // An empty list of changes means none: the form makes no list then.
    changes: fc.array(fc.record({ from: period, factor: amount }), { minLength: 1, maxLength: 3 }),
    price: amount,
  },
  { requiredKeys: ['company', 'item', 'pattern'] },
);

const event = fc
  .oneof(
    fc.tuple(fc.record({ type: fc.constant('supplier-failure'), company: id }), window),
    fc.tuple(fc.record({ type: fc.constant('bankruptcy'), company: id, at: period }), fc.constant({})),
    fc.tuple(fc.record({ type: fc.constant('region-capacity'), region: id, factor: amount }), window),
    fc.tuple(
      fc.record(
        { type: fc.constant('lane-delay'), supplier: id, buyer: id, item: id, extraLeadTime: period },
        { requiredKeys: ['type', 'supplier', 'buyer', 'extraLeadTime'] },
      ),
      window,
    ),
    fc.tuple(fc.record({ type: fc.constant('payment-delay'), company: id, extraDays: fc.nat(400) }), window),
    fc.tuple(
      fc.record(
        { type: fc.constant('demand-change'), company: id, item: id, factor: amount },
        { requiredKeys: ['type', 'company', 'factor'] },
      ),
      window,
    ),
  )
  .map(([fields, span]) => ({ ...fields, ...span }));

const forecast = fc.oneof(
  fc.record({ type: fc.constant('moving-average' as const), periods: fc.integer({ min: 1, max: 52 }) }),
  fc.record({
    type: fc.constant('exponential-smoothing' as const),
    alpha: fc.double({ min: 0.01, max: 1, noNaN: true }),
  }),
);
const orderingDefault = fc.oneof(
  fc.record({ type: fc.constant('order-up-to'), forecast, safetyFactor: amount }, { requiredKeys: ['type'] }),
  // Not editable in the form: kept as written.
  fc.record({ type: fc.constant('s-S'), s: amount, S: amount }),
  fc.record({ type: fc.constant('anchoring-adjustment'), theta: fc.double({ min: 0, max: 1, noNaN: true }) }),
);
const policy = fc.record(
  {
    default: orderingDefault,
    informationSharing: fc.boolean(),
    informationDelay: period,
    allocation: fc.constantFrom('proportional', 'fifo', 'priority'),
    priority: fc.array(id, { maxLength: 3 }),
    allowReturns: fc.boolean(),
    overtime: fc.boolean(),
    bankruptcyGracePeriods: period,
    companies: fc.dictionary(id, fc.record({ safetyFactor: amount }), { maxKeys: 3 }),
  },
  { requiredKeys: [] },
);

const scenario = fc.record(
  {
    format: fc.constant('keten.scenario/v1' as const),
    name: id,
    description: fc.string({ minLength: 1, maxLength: 40 }).filter((text) => text.trim() !== ''),
    periods: fc.integer({ min: 1, max: 5200 }),
    warmUp: period,
    initialState: fc.constantFrom('steady' as const, 'network' as const),
    runs: fc.integer({ min: 1, max: 1000 }),
    seed: fc.nat(),
    demand: fc.array(demand, { minLength: 1, maxLength: 3 }),
    policy,
    events: fc.array(event, { minLength: 1, maxLength: 5 }),
    costs: fc.record({ holding: amount, backlog: amount }, { requiredKeys: [] }),
  },
  { requiredKeys: ['format', 'name'] },
) as fc.Arbitrary<Scenario>;

describe('the scenario form', () => {
  it('gives back the scenario it was filled from (round trip)', () => {
    fc.assert(
      fc.property(scenario, (original) => {
        const result = formToScenario(scenarioToForm(original));
        expect(result.ok).toBe(true);
        if (result.ok) expect(result.scenario).toEqual(original);
      }),
      { numRuns: 300 },
    );
  });

  it('fills the same form again from the scenario it makes', () => {
    fc.assert(
      fc.property(scenario, (original) => {
        const form = scenarioToForm(original);
        const result = formToScenario(form);
        if (!result.ok) throw new Error('round trip failed');
        expect(scenarioToForm(result.scenario)).toEqual(form);
      }),
      { numRuns: 200 },
    );
  });

  it('names every field that is not a number by its scenario path, as the server does', () => {
    const form = newScenarioForm('bad');
    const result = formToScenario({
      ...form,
      periods: '52.5',
      runs: 'many',
      events: [{ ...emptyEvent('payment-delay'), company: 'kempen', from: '', extraDays: '4 5' }],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((issue) => issue.path)).toEqual([
      'periods',
      'runs',
      'events.0.extraDays',
      'events.0.from',
    ]);
    expect(result.issues[0]!.message).toContain('whole number');
  });

  it('asks for a name and for the companies of events', () => {
    const result = formToScenario({
      ...newScenarioForm(' '),
      events: [{ ...emptyEvent('supplier-failure'), from: '3', to: '5' }],
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.issues.map((issue) => issue.path)).toEqual(['name', 'events.0.company']);
  });

  it('makes a bare scenario of a new form', () => {
    expect(formToScenario(newScenarioForm('x'))).toEqual({
      ok: true,
      scenario: { format: 'keten.scenario/v1', name: 'x' },
    });
  });
});

describe('share links', () => {
  it('carry any scenario, whatever its text, and give it back unchanged', () => {
    fc.assert(
      fc.property(scenario, fc.string({ unit: 'grapheme' }), (original, text) => {
        const withText = { ...original, name: `${original.name} ${text}`.trim() || 'x' };
        const param = encodeScenarioParam(withText);
        expect(param).toMatch(/^[A-Za-z0-9_-]*$/);
        expect(decodeScenarioParam(param)).toEqual({ ok: true, scenario: withText });
      }),
      { numRuns: 200 },
    );
  });

  it('refuse a damaged link with a message, never throw', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        const decoded = decodeScenarioParam(value);
        if (!decoded.ok) expect(decoded.message).not.toBe('');
      }),
    );
    const good = encodeScenarioParam({ format: 'keten.scenario/v1', name: 'a long enough name to cut' });
    expect(decodeScenarioParam(good.slice(0, -7)).ok).toBe(false);
    expect(decodeScenarioParam(encodeScenarioParam({ name: 'x' } as unknown as Scenario))).toEqual({
      ok: false,
      message: 'the link holds no keten.scenario/v1 scenario with a name',
    });
  });

  it('reads server issue paths as the form names its fields', () => {
    expect(issuePath(['events', 2, 'from'])).toBe('events.2.from');
    expect(issuePath('/policy/default')).toBe('policy.default');
    expect(issuePath(undefined)).toBe('');
  });
});
