import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Result } from '../result.ts';
import { buildCapacityGroups, readCapacityGroup } from './capacity-group.ts';
import { buildDeliveryInformation, readDeliveryInformation } from './delivery.ts';
import { buildMaterialDemands, readMaterialDemand } from './material-demand.ts';
import { buildNotification, readNotification } from './notification.ts';
import { buildOrderMessage, readOrderMessage } from './order.ts';
import { EXCHANGE_PROBLEM_CODES, type ExchangeProblem } from './problems.ts';
import {
  buildItemStock,
  buildPlannedProductionOutput,
  readItemStock,
  readPlannedProductionOutput,
} from './stock.ts';
import { changedAt, fixture, receivedAt } from './test-fixture.ts';

const demoPath = fileURLToPath(new URL('../../../../examples/demo-network.yaml', import.meta.url));
const { network, plan } = fixture('demo-network.yaml', readFileSync(demoPath, 'utf8'));
const lens = { customer: 'kempen', supplier: 'steinhof-optics', item: 'lens-set-300' };
const options = { receivedAt };

function value<T>(result: Result<T, ExchangeProblem[]>): T {
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.value;
}

/** Each reader with a valid payload of its model, built from the demo. */
const readers: {
  name: string;
  valid: unknown;
  read: (payload: unknown) => Result<unknown, ExchangeProblem[]>;
}[] = [
  {
    name: 'WeekBasedMaterialDemand',
    valid: value(
      buildMaterialDemands(network, plan, 'kempen', { changedAt, suppliers: ['steinhof-optics'] }),
    )[0]!.payload,
    read: (payload) => readMaterialDemand(network, 'steinhof-optics', payload, options),
  },
  {
    name: 'WeekBasedCapacityGroup',
    valid: value(buildCapacityGroups(network, 'steinhof-optics', 'kempen', { changedAt }))[0]!.payload,
    read: (payload) => readCapacityGroup(network, 'kempen', payload, options),
  },
  {
    name: 'ItemStock',
    valid: value(buildItemStock(network, lens, 'customer', { changedAt })),
    read: (payload) => readItemStock(network, 'steinhof-optics', 'kempen', payload),
  },
  {
    name: 'DeliveryInformation',
    valid: value(buildDeliveryInformation(network, lens, { changedAt })).payload,
    read: (payload) => readDeliveryInformation(network, 'kempen', 'steinhof-optics', payload, options),
  },
  {
    name: 'PlannedProductionOutput',
    valid: value(buildPlannedProductionOutput(network, plan, lens, { changedAt })),
    read: (payload) => readPlannedProductionOutput(network, 'kempen', 'steinhof-optics', payload),
  },
  {
    name: 'DemandAndCapacityNotification',
    valid: value(
      buildNotification(
        network,
        {
          id: 'fire',
          sender: 'steinhof-optics',
          recipient: 'kempen',
          items: ['lens-set-300'],
          effect: 'capacity-reduction',
          cause: 'production-incident',
          status: 'open',
          from: 2,
          to: 5,
        },
        { changedAt },
      ),
    ),
    read: (payload) => readNotification(network, 'kempen', 'steinhof-optics', payload),
  },
  {
    name: 'keten.order/v1',
    valid: value(
      buildOrderMessage(network, {
        type: 'order-change',
        order: {
          id: 'PO-KI-0001',
          company: 'kempen',
          supplier: 'steinhof-optics',
          item: 'lens-set-300',
          quantity: 4,
          due: 3,
        },
        changedAt,
      }),
    ),
    read: (payload) => readOrderMessage(network, 'steinhof-optics', payload, options),
  },
];

/** Values near the edges of what the readers parse: impossible dates, far years, zones, BPNs. */
const AWKWARD = [
  '2027-02-30',
  '0000-01-01',
  '9999-12-31',
  '-271821-04-20',
  '2027-01-04T00:00:00+14:00',
  '9999-12-31T23:59:59Z',
  '2027-13-01T00:00:00Z',
  'BPNL0000000000ZZ',
  'BPNS0000AB8FGKOG',
  'urn:uuid:00000000-0000-0000-0000-000000000000',
  'unit:kilogram',
  -1,
  1e308,
  Number.MAX_SAFE_INTEGER,
];

/** Every path to a value inside `value` (objects and arrays walked). */
function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const here = [prefix];
  if (Array.isArray(value))
    return here.concat(value.flatMap((entry, index) => paths(entry, [...prefix, index])));
  if (value !== null && typeof value === 'object')
    return here.concat(Object.entries(value).flatMap(([key, entry]) => paths(entry, [...prefix, key])));
  return here;
}

function replaced(value: unknown, path: (string | number)[], next: unknown): unknown {
  if (path.length === 0) return next;
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let at = copy;
  for (const segment of path.slice(0, -1)) at = at[segment] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (next === undefined) delete at[last];
  else at[last] = next;
  return copy;
}

/** A reader's answer is a value, or a non-empty list of problems with known codes and a message. */
function wellFormed(result: Result<unknown, ExchangeProblem[]>): boolean {
  if (result.ok) return true;
  return (
    result.error.length > 0 &&
    result.error.every(
      (problem) => Object.hasOwn(EXCHANGE_PROBLEM_CODES, problem.code) && problem.message.length > 0,
    )
  );
}

describe('the readers never throw', () => {
  it.each(readers)('$name: reads its own valid payload', ({ valid, read }) => {
    expect(read(valid).ok).toBe(true);
  });

  it.each(readers)('$name: any JSON value gives a value or problems', ({ read }) => {
    fc.assert(
      fc.property(fc.jsonValue(), (payload) => wellFormed(read(payload))),
      { numRuns: 300 },
    );
  });

  it.each(readers)('$name: a valid payload with one field replaced or removed', ({ valid, read }) => {
    const all = paths(valid);
    fc.assert(
      fc.property(
        fc.constantFrom(...all),
        fc.oneof(
          fc.jsonValue(),
          fc.constant(undefined),
          fc.string(),
          fc.double(),
          fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
          fc.constantFrom(...AWKWARD),
        ),
        (path, next) => wellFormed(read(replaced(valid, path, next))),
      ),
      { numRuns: 500 },
    );
  });
});
