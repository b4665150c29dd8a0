import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCapacityGroups } from './capacity-group.ts';
import { buildMaterialDemands } from './material-demand.ts';
import { buildOrderMessage } from './order.ts';
import { EXCHANGE_PROBLEM_CODES } from './problems.ts';
import { changedAt, fixture } from './test-fixture.ts';

const doc = readFileSync(fileURLToPath(new URL('../../../../docs/exchange.md', import.meta.url)), 'utf8');
const demoPath = fileURLToPath(new URL('../../../../examples/demo-network.yaml', import.meta.url));
const { network, plan } = fixture('demo-network.yaml', readFileSync(demoPath, 'utf8'));
/** The JSON examples of the page, in order. */
const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => JSON.parse(match[1]!));

describe('docs/exchange.md stays true to the code', () => {
  it('lists every problem code', () => {
    for (const code of Object.keys(EXCHANGE_PROBLEM_CODES)) expect(doc).toContain(`\`${code}\``);
  });

  it('shows the order message, the forecast and the capacity group the code builds for the demo', () => {
    const [order, forecast, capacity] = examples;
    const built = buildOrderMessage(network, {
      type: 'order',
      order: {
        id: 'kempen/lens-set-300/buy/steinhof-optics/3',
        company: 'kempen',
        supplier: 'steinhof-optics',
        item: 'lens-set-300',
        quantity: 2,
        due: 4,
      },
      changedAt,
    });
    expect(built.ok && built.value).toEqual(order);

    const demands = buildMaterialDemands(network, plan, 'kempen', {
      changedAt,
      suppliers: ['steinhof-optics'],
    });
    const lens = demands.ok ? demands.value.find((o) => o.item === 'lens-set-300')!.payload : undefined;
    const shown = forecast.demandSeries[0].demands;
    expect(lens?.demandSeries[0]?.demands.slice(3, 3 + shown.length)).toEqual(shown);
    expect({ ...lens, demandSeries: undefined }).toEqual({ ...forecast, demandSeries: undefined });

    const groups = buildCapacityGroups(network, 'steinhof-optics', 'kempen', { changedAt });
    const group = groups.ok ? groups.value.find((g) => g.items.includes('lens-set-300'))!.payload : undefined;
    expect(group?.capacities?.slice(0, capacity.capacities.length)).toEqual(capacity.capacities);
    expect({ ...group, capacities: undefined }).toEqual({ ...capacity, capacities: undefined });
  });
});
