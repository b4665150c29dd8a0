/**
 * @module pages/sourcing/sourcing-view
 * The sourcing page's pure parts: which buyer and item pairs can be compared (a sourcing rule with two
 * or more approved suppliers: docs/sourcing.md), and the comparison (`keten sourcing --json`, the
 * job's result) as rows and a chart of expected cost against worst-case fill per split.
 */
import type { NetworkGraph, SourcingComparison, SourcingSplit } from '@keten/core';
import type { ChartOption } from '../../components/chart.tsx';

/** A buyer and item with several approved suppliers. */
export interface SourcingQuestion {
  readonly buyer: string;
  readonly buyerName: string;
  readonly item: string;
  readonly itemName: string;
  readonly suppliers: readonly { readonly id: string; readonly name: string; readonly share: number }[];
}

/**
 * The pairs a comparison can be made for, by buyer name then item name, from the network's graph
 * (`GET …/graph`: its lanes are the sourcing lines, in the rules' supplier order).
 */
export function sourcingQuestions(graph: NetworkGraph): SourcingQuestion[] {
  const { companies, lanes, items } = graph;
  const name = (index: number) => companies.name[index] ?? companies.id[index] ?? String(index);
  const rules = new Map<
    string,
    { buyer: number; item: number; suppliers: { supplier: number; share: number }[] }
  >();
  for (let lane = 0; lane < lanes.buyer.length; lane++) {
    const buyer = lanes.buyer[lane]!;
    const item = lanes.item[lane]!;
    const key = `${buyer} ${item}`;
    let rule = rules.get(key);
    if (rule === undefined) {
      rule = { buyer, item, suppliers: [] };
      rules.set(key, rule);
    }
    rule.suppliers.push({ supplier: lanes.supplier[lane]!, share: lanes.share[lane]! });
  }
  return [...rules.values()]
    .filter((rule) => rule.suppliers.length >= 2)
    .map((rule) => ({
      buyer: companies.id[rule.buyer]!,
      buyerName: name(rule.buyer),
      item: items[rule.item]?.id ?? String(rule.item),
      itemName: items[rule.item]?.name ?? String(rule.item),
      suppliers: rule.suppliers.map((line) => ({
        id: companies.id[line.supplier]!,
        name: name(line.supplier),
        share: line.share,
      })),
    }))
    .sort(
      (a, b) =>
        a.buyerName.localeCompare(b.buyerName) ||
        a.itemName.localeCompare(b.itemName) ||
        a.item.localeCompare(b.item),
    );
}

/** The key of a question in a select: `buyer item` (ids have no spaces). */
export function questionKey(question: { readonly buyer: string; readonly item: string }): string {
  return `${question.buyer} ${question.item}`;
}

/** The splits with the recommended one marked and the cost against the current split. */
export function splitRows(comparison: SourcingComparison): (SourcingSplit & {
  readonly recommended: boolean;
  readonly versusCurrent: number | null;
})[] {
  const current = comparison.splits.find((split) => split.current);
  return comparison.splits.map((split) => ({
    ...split,
    recommended: split.label === comparison.recommendation.split,
    versusCurrent: current === undefined ? null : split.expected.total - current.expected.total,
  }));
}

/** The label of the scenario an outcome is about. */
export function scenarioLabel(comparison: SourcingComparison, scenario: string): string {
  return comparison.scenarios.find((entry) => entry.id === scenario)?.label ?? scenario;
}

/**
 * Expected cost per split (bars: blue when its worst case keeps the required fill, red when not)
 * and the worst-case end-customer fill rate (markers, right axis, with the required fill as a line).
 */
export function splitChart(comparison: SourcingComparison): ChartOption {
  const ink = '#16202c';
  return {
    animation: false,
    grid: { left: 16, right: 16, top: 48, bottom: 8, containLabel: true },
    legend: { top: 4, textStyle: { color: ink } },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: {
      type: 'category',
      data: comparison.splits.map((split) => split.label),
      axisLabel: {
        color: ink,
        interval: 0,
        rotate: comparison.splits.length > 4 ? 25 : 0,
        width: 200,
        overflow: 'truncate',
      },
    },
    yAxis: [
      { type: 'value', name: comparison.currency, axisLabel: { color: ink }, nameTextStyle: { color: ink } },
      {
        type: 'value',
        name: 'worst fill, %',
        min: 0,
        max: 100,
        axisLabel: { color: ink },
        nameTextStyle: { color: ink },
        splitLine: { show: false },
      },
    ],
    series: [
      {
        name: `expected cost (${comparison.currency})`,
        type: 'bar',
        barMaxWidth: 48,
        data: comparison.splits.map((split) => ({
          value: Math.round(split.expected.total),
          itemStyle: { color: split.acceptable ? '#1f56c2' : '#a4161a' },
        })),
      },
      {
        name: 'worst-case fill (%)',
        type: 'scatter',
        yAxisIndex: 1,
        symbolSize: 12,
        itemStyle: { color: ink },
        data: comparison.splits.map((split) =>
          split.worst.endFill === null ? null : Math.round(split.worst.endFill * 1000) / 10,
        ),
        markLine: {
          silent: true,
          symbol: 'none',
          lineStyle: { color: '#8a6d00', type: 'dashed' },
          label: { formatter: 'required', color: ink, position: 'insideStartTop' },
          data: [{ yAxis: Math.round(comparison.minimumFill * 1000) / 10 }],
        },
      },
    ],
  };
}
