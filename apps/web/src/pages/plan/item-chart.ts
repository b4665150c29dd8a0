/**
 * @module pages/plan/item-chart
 * The plot of one item's plan at a company (ECharts, bundled, `components/chart.tsx`): what comes in
 * (receipts) and what is asked of it (end demand and customers' orders) as bars per period, stock at
 * the end of each period as a line, and what is short as red bars; the axis names the item's unit.
 * Pure: the figures are the same as the table beside it.
 */
import type { ChartOption } from '../../components/chart.tsx';

export interface ItemPlanFigures {
  readonly item: string;
  readonly unit: string;
  readonly ordersIn: readonly number[];
  readonly endDemand: readonly number[];
  readonly receipts: readonly number[];
  readonly stock: readonly number[];
  readonly shortages: readonly number[];
}

/** The colours keep 3:1 against white for graphics (WCAG 1.4.11) and differ in lightness. */
export const ITEM_CHART_COLOURS = {
  demand: '#1f56c2',
  receipts: '#0f766e',
  stock: '#16202c',
  short: '#a4161a',
} as const;

export function itemPlanChart(figures: ItemPlanFigures, period: 'day' | 'week'): ChartOption {
  const periods = figures.stock.map((_, index) => String(index));
  const asked = figures.endDemand.map((value, index) => value + (figures.ordersIn[index] ?? 0));
  const short = figures.shortages.some((value) => value > 0);
  const names = {
    asked: 'asked (end demand and customer orders)',
    receipts: 'receipts',
    stock: 'stock at the end of the period',
    short: 'short',
  };
  return {
    animation: false,
    grid: { left: 16, right: 16, top: 48, bottom: 28, containLabel: true },
    legend: {
      top: 8,
      data: [names.asked, names.receipts, names.stock, ...(short ? [names.short] : [])],
      textStyle: { color: '#16202c' },
    },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: periods,
      name: period,
      nameLocation: 'middle',
      nameGap: 24,
      axisLabel: { color: '#16202c' },
      nameTextStyle: { color: '#16202c' },
    },
    yAxis: {
      type: 'value',
      name: figures.unit,
      axisLabel: { color: '#16202c' },
      nameTextStyle: { color: '#16202c' },
    },
    series: [
      {
        name: names.asked,
        type: 'bar',
        barGap: '0%',
        data: asked,
        itemStyle: { color: ITEM_CHART_COLOURS.demand },
      },
      {
        name: names.receipts,
        type: 'bar',
        data: [...figures.receipts],
        itemStyle: { color: ITEM_CHART_COLOURS.receipts },
      },
      {
        name: names.stock,
        type: 'line',
        step: 'end',
        symbol: 'none',
        data: [...figures.stock],
        lineStyle: { color: ITEM_CHART_COLOURS.stock, width: 2 },
        itemStyle: { color: ITEM_CHART_COLOURS.stock },
      },
      ...(short
        ? [
            {
              name: names.short,
              type: 'bar' as const,
              data: [...figures.shortages],
              itemStyle: { color: ITEM_CHART_COLOURS.short },
            },
          ]
        : []),
    ],
  };
}
