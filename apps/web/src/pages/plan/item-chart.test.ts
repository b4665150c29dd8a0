import { describe, expect, it } from 'vitest';
import { contrast } from './heat-scale.ts';
import { ITEM_CHART_COLOURS, itemPlanChart } from './item-chart.ts';

const FIGURES = {
  item: 'frame',
  unit: 'pcs',
  ordersIn: [0, 2, 2],
  endDemand: [1, 0, 3],
  receipts: [0, 3, 3],
  stock: [4, 5, 3],
  shortages: [0, 0, 1],
};

describe('item chart', () => {
  it('plots what is asked, received, held and short, with the unit and the periods on the axes', () => {
    const option = itemPlanChart(FIGURES, 'week') as {
      series: { name: string; data: number[] }[];
      xAxis: { data: string[]; name: string };
      yAxis: { name: string };
    };
    expect(option.yAxis.name).toBe('pcs');
    expect(option.xAxis).toMatchObject({ data: ['0', '1', '2'], name: 'week' });
    const byName = Object.fromEntries(option.series.map((series) => [series.name, series.data]));
    expect(byName['asked (end demand and customer orders)']).toEqual([1, 2, 5]);
    expect(byName.receipts).toEqual([0, 3, 3]);
    expect(byName['stock at the end of the period']).toEqual([4, 5, 3]);
    expect(byName.short).toEqual([0, 0, 1]);
  });

  it('leaves the short series out when nothing is short', () => {
    const option = itemPlanChart({ ...FIGURES, shortages: [0, 0, 0] }, 'day') as {
      series: { name: string }[];
    };
    expect(option.series.map((series) => series.name)).not.toContain('short');
  });

  it('draws in colours that keep 3:1 against the white page (WCAG 1.4.11)', () => {
    for (const colour of Object.values(ITEM_CHART_COLOURS))
      expect(contrast(colour, '#ffffff')).toBeGreaterThanOrEqual(3);
  });
});
