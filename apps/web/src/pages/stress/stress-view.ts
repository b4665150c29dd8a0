/**
 * @module pages/stress/stress-view
 * The stress test's result (`keten stress-test --json`, the job's result) as the page shows it: the
 * ranked weak spots and the TTS/TTR chart (time-to-survive against time-to-recover per company;
 * Simchi-Levi et al. 2015, Interfaces 45(5)). Pure: no DOM, no React.
 */
import type { CompanyStress, StressResult } from '@keten/core';
import type { ChartOption } from '../../components/chart.tsx';

/** A company's figures as JSON carries them: an infinite TTS is `null`. */
export type CompanyStressJson = Omit<CompanyStress, 'tts'> & { readonly tts: number | null };

/** The job's result: `stressJson(result)`. */
export type StressJson = Omit<StressResult, 'companies' | 'baseline'> & {
  readonly companies: readonly CompanyStressJson[];
  readonly baseline: {
    readonly tts: number | null;
    readonly losses: readonly { readonly ttr: number; readonly loss: number }[];
  };
};

/** Companies shown in the chart: the weakest, by rank. */
export const CHART_COMPANIES = 20;

/** Companies by rank (the result's order is the rank already; sorted again so the view never depends on it). */
export function rankedCompanies(result: StressJson): CompanyStressJson[] {
  return [...result.companies].sort((a, b) => a.rank - b.rank);
}

/** How many companies the network cannot do without for as long as they need to recover. */
export function flaggedCount(result: StressJson): number {
  return result.companies.filter((company) => company.flagged).length;
}

/** The companies whose failure costs anything, by rank: the weak spots. */
export function weakSpots(result: StressJson): CompanyStressJson[] {
  return rankedCompanies(result).filter((company) => company.loss > 0 || company.flagged);
}

/**
 * The companies nearest to being flagged: not flagged, with a finite TTS, least time to spare first
 * (TTS − TTR), at most `limit`. What a user should look at when few or none are flagged.
 */
export function closestToBreaking(result: StressJson, limit = 3): CompanyStressJson[] {
  return result.companies
    .filter((company) => !company.flagged && company.tts !== null)
    .sort((a, b) => a.tts! - a.ttr - (b.tts! - b.ttr) || a.rank - b.rank)
    .slice(0, limit);
}

/**
 * The TTS/TTR chart: the `limit` weakest companies (by rank) on the category axis, the bar is the
 * time-to-survive (red where TTS < TTR), the marker the time-to-recover. An infinite TTS is drawn
 * at the axis's top (`infiniteAt`: above every finite TTS and TTR) and labelled ∞.
 */
export function ttsTtrChart(result: StressJson, limit = CHART_COMPANIES): ChartOption {
  const companies = rankedCompanies(result).slice(0, limit);
  const finite = companies.flatMap((company) => [
    company.ttr,
    ...(company.tts === null ? [] : [company.tts]),
  ]);
  const infiniteAt = infiniteLevel(finite);
  const unit = `${result.period}s`;
  return {
    animation: false,
    // containLabel keeps the rotated labels' height but not the first one's reach to the left of its
    // tick: room for it is made here, or a long first name is cut at the chart's edge.
    grid: { left: labelReach(companies[0]?.name ?? ''), right: 16, top: 48, bottom: 8, containLabel: true },
    legend: { top: 8, data: ['time to survive (TTS)', 'time to recover (TTR)'] },
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    xAxis: {
      type: 'category',
      data: companies.map((company) => company.name),
      axisLabel: {
        rotate: LABEL_ROTATE,
        interval: 0,
        color: '#16202c',
        width: LABEL_WIDTH,
        overflow: 'truncate',
      },
    },
    yAxis: {
      type: 'value',
      name: unit,
      max: infiniteAt,
      axisLabel: { color: '#16202c' },
      nameTextStyle: { color: '#16202c' },
    },
    series: [
      {
        name: 'time to survive (TTS)',
        type: 'bar',
        barMaxWidth: 28,
        data: companies.map((company) => ({
          value: company.tts ?? infiniteAt,
          itemStyle: { color: company.flagged ? '#a4161a' : '#1f56c2' },
          label: {
            show: company.tts === null,
            position: 'top',
            formatter: '∞',
            color: '#16202c',
          },
        })),
      },
      {
        name: 'time to recover (TTR)',
        type: 'scatter',
        symbol: 'rect',
        symbolSize: [30, 4],
        itemStyle: { color: '#16202c' },
        data: companies.map((company) => company.ttr),
      },
    ],
  };
}

/** The company names under the chart: rotated (degrees), cut to this width (px) with an ellipsis. */
const LABEL_ROTATE = 40;
const LABEL_WIDTH = 150;
/** Wider than any character of the 12 px axis font, on average over a name (px). */
const CHARACTER_WIDTH = 7;

/**
 * How far (px) a rotated category label reaches to the left of its tick: its width (at most
 * `LABEL_WIDTH`) along the slant, plus its line height's share; at least the grid's usual 16 px.
 */
export function labelReach(label: string): number {
  const angle = (LABEL_ROTATE * Math.PI) / 180;
  const width = Math.min(LABEL_WIDTH, label.length * CHARACTER_WIDTH);
  return Math.max(16, Math.ceil(width * Math.cos(angle) + 14 * Math.sin(angle)));
}

/** The top of the chart's axis: a round number above every finite value, where ∞ is drawn. */
export function infiniteLevel(values: readonly number[]): number {
  const highest = Math.max(1, ...values);
  const step = 10 ** Math.floor(Math.log10(highest));
  return (Math.floor(highest / step) + 1) * step;
}
