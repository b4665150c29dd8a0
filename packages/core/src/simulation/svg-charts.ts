/**
 * @module simulation/svg-charts
 * Small charts as inline SVG text, for reports that must open anywhere without a network: line charts
 * over periods and horizontal bar charts with 5–95 % whiskers and an optional marker per bar. No
 * script and no fonts to fetch; every point carries a `<title>`, so a browser shows the value on hover.
 */

/** A line over periods 0, 1, 2, … */
export interface LineSeries {
  readonly name: string;
  readonly values: readonly number[];
  readonly color?: string;
  readonly dashed?: boolean;
}

export interface LineChartOptions {
  readonly title: string;
  readonly yLabel: string;
  readonly xLabel?: string;
  readonly series: readonly LineSeries[];
  /** Shaded windows, e.g. a supplier failure from period 20 to 26 (to exclusive). */
  readonly windows?: readonly { readonly from: number; readonly to: number; readonly label: string }[];
  readonly width?: number;
  readonly height?: number;
}

/** One bar: `value` from the axis' zero (or its left end), whiskers from `low` to `high`. */
export interface Bar {
  readonly label: string;
  readonly value: number | null;
  readonly low?: number | null;
  readonly high?: number | null;
  /** A tick across the bar, e.g. the time to recover against the time to survive. */
  readonly marker?: number;
  /** Drawn in the warning colour. */
  readonly flagged?: boolean;
  /** Hover text (default: label and value). */
  readonly title?: string;
}

export interface BarChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly bars: readonly Bar[];
  readonly format: (value: number) => string;
  /** Logarithmic axis (for ratios that span orders of magnitude); values ≤ 0 are left out. */
  readonly log?: boolean;
  /** A vertical reference line, e.g. a bullwhip ratio of 1. */
  readonly reference?: { readonly value: number; readonly label: string };
  /** Bars running off the axis (e.g. an infinite time to survive) end here, marked ∞. */
  readonly maximum?: number;
  readonly markerLabel?: string;
  /** Labels of the axis' ticks (default: compact numbers). */
  readonly tickFormat?: (value: number) => string;
  readonly width?: number;
}

export const PALETTE = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
];
const WARNING = '#d62728';
const GRID = '#e4e4e4';
const TEXT = '#333';

/** A line chart of `series` over periods, with axes, grid, legend and shaded windows. */
export function lineChart(options: LineChartOptions): string {
  const width = options.width ?? 760;
  const height = options.height ?? 300;
  const margin = { left: 64, right: 16, top: 34, bottom: 42 + 18 * Math.ceil(options.series.length / 4) };
  const plotWidth = width - margin.left - margin.right;
  const plotHeight = height - margin.top - margin.bottom;
  const periods = Math.max(1, ...options.series.map((series) => series.values.length));
  const finite = options.series.flatMap((series) => series.values.filter(Number.isFinite));
  const axis = niceAxis(Math.min(0, ...finite), Math.max(0, ...finite));
  const x = (period: number) => margin.left + (periods === 1 ? 0 : (period / (periods - 1)) * plotWidth);
  const y = (value: number) =>
    margin.top + plotHeight - ((value - axis.min) / (axis.max - axis.min)) * plotHeight;

  const parts: string[] = [];
  for (const window of options.windows ?? []) {
    const from = x(Math.max(0, window.from));
    const to = x(Math.min(periods - 1, window.to));
    if (to <= from) continue;
    parts.push(
      `<rect class="window" x="${fixed(from)}" y="${margin.top}" width="${fixed(to - from)}" height="${plotHeight}" fill="#f5b041" fill-opacity="0.16"><title>${escapeXml(window.label)}</title></rect>`,
    );
  }
  for (const tick of axis.ticks) {
    parts.push(
      `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${fixed(y(tick))}" y2="${fixed(y(tick))}" stroke="${GRID}"/>`,
      `<text x="${margin.left - 6}" y="${fixed(y(tick) + 4)}" text-anchor="end">${shortNumber(tick)}</text>`,
    );
  }
  for (const tick of periodTicks(periods)) {
    parts.push(
      `<text x="${fixed(x(tick))}" y="${margin.top + plotHeight + 16}" text-anchor="middle">${tick}</text>`,
    );
  }
  options.series.forEach((series, index) => {
    const color = series.color ?? PALETTE[index % PALETTE.length]!;
    const points = series.values
      .map((value, period) => (Number.isFinite(value) ? `${fixed(x(period))},${fixed(y(value))}` : undefined))
      .filter((point) => point !== undefined);
    if (points.length === 0) return;
    parts.push(
      `<path class="line" data-series="${escapeXml(series.name)}" d="M${points.join('L')}" fill="none" stroke="${color}" stroke-width="1.8"${series.dashed ? ' stroke-dasharray="5 3"' : ''}><title>${escapeXml(series.name)}</title></path>`,
    );
  });
  parts.push(
    `<line x1="${margin.left}" x2="${margin.left + plotWidth}" y1="${fixed(y(Math.max(axis.min, Math.min(axis.max, 0))))}" y2="${fixed(y(Math.max(axis.min, Math.min(axis.max, 0))))}" stroke="#999"/>`,
    `<text x="${margin.left + plotWidth / 2}" y="${margin.top + plotHeight + 32}" text-anchor="middle">${escapeXml(options.xLabel ?? 'period')}</text>`,
    `<text transform="translate(14 ${margin.top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  options.series.forEach((series, index) => {
    const color = series.color ?? PALETTE[index % PALETTE.length]!;
    const column = index % 4;
    const row = Math.floor(index / 4);
    const left = margin.left + column * (plotWidth / 4);
    const top = margin.top + plotHeight + 44 + row * 18;
    parts.push(
      `<line x1="${fixed(left)}" x2="${fixed(left + 18)}" y1="${top - 4}" y2="${top - 4}" stroke="${color}" stroke-width="2"${series.dashed ? ' stroke-dasharray="5 3"' : ''}/>`,
      `<text x="${fixed(left + 22)}" y="${top}">${escapeXml(series.name)}</text>`,
    );
  });
  return svg(width, height, options.title, 'line', parts);
}

/** Horizontal bars, one row per bar, with whiskers, markers and a reference line. */
export function barChart(options: BarChartOptions): string {
  const width = options.width ?? 760;
  const labelWidth = Math.min(220, 14 + 7 * Math.max(4, ...options.bars.map((bar) => bar.label.length)));
  const row = 22;
  const margin = { left: labelWidth, right: 90, top: 34, bottom: 40 };
  const plotWidth = width - margin.left - margin.right;
  const height = margin.top + margin.bottom + row * Math.max(1, options.bars.length);
  const log = options.log === true;
  const values = options.bars.flatMap((bar) =>
    [bar.value, bar.low, bar.high, bar.marker].filter(
      (value): value is number => typeof value === 'number' && Number.isFinite(value) && (!log || value > 0),
    ),
  );
  if (options.maximum !== undefined) values.push(options.maximum);
  if (options.reference !== undefined) values.push(options.reference.value);
  const scale = log ? logAxis(values) : niceAxis(Math.min(0, ...values), Math.max(0, ...values));
  const x = (value: number) => {
    const position = log
      ? (Math.log10(value) - Math.log10(scale.min)) / (Math.log10(scale.max) - Math.log10(scale.min))
      : (value - scale.min) / (scale.max - scale.min);
    return margin.left + Math.max(0, Math.min(1, position)) * plotWidth;
  };
  const origin = log ? x(scale.min) : x(Math.max(scale.min, Math.min(scale.max, 0)));

  const parts: string[] = [];
  for (const tick of scale.ticks) {
    parts.push(
      `<line x1="${fixed(x(tick))}" x2="${fixed(x(tick))}" y1="${margin.top}" y2="${height - margin.bottom}" stroke="${GRID}"/>`,
      `<text x="${fixed(x(tick))}" y="${height - margin.bottom + 14}" text-anchor="middle">${escapeXml((options.tickFormat ?? shortNumber)(tick))}</text>`,
    );
  }
  options.bars.forEach((bar, index) => {
    const middle = margin.top + index * row + row / 2;
    parts.push(
      `<text x="${margin.left - 8}" y="${fixed(middle + 4)}" text-anchor="end">${escapeXml(bar.label)}</text>`,
    );
    const value = bar.value;
    if (value === null || !Number.isFinite(value) || (log && value <= 0)) {
      const capped = value === Number.POSITIVE_INFINITY && options.maximum !== undefined;
      if (!capped) {
        parts.push(`<text x="${fixed(origin + 4)}" y="${fixed(middle + 4)}" fill="#777">n/a</text>`);
        return;
      }
    }
    const end = value === null || !Number.isFinite(value) ? x(options.maximum ?? scale.max) : x(value);
    const color = bar.flagged ? WARNING : PALETTE[0]!;
    const title = bar.title ?? `${bar.label}: ${value === null ? 'n/a' : options.format(value)}`;
    parts.push(
      `<rect class="bar" x="${fixed(Math.min(origin, end))}" y="${fixed(middle - 7)}" width="${fixed(Math.max(1, Math.abs(end - origin)))}" height="14" fill="${color}" fill-opacity="0.75"><title>${escapeXml(title)}</title></rect>`,
    );
    if (typeof bar.low === 'number' && typeof bar.high === 'number' && (!log || bar.low > 0)) {
      const low = x(bar.low);
      const high = x(bar.high);
      parts.push(
        `<path class="whisker" d="M${fixed(low)},${fixed(middle - 4)}V${fixed(middle + 4)}M${fixed(low)},${fixed(middle)}H${fixed(high)}M${fixed(high)},${fixed(middle - 4)}V${fixed(middle + 4)}" stroke="${TEXT}" fill="none"/>`,
      );
    }
    if (bar.marker !== undefined && Number.isFinite(bar.marker)) {
      const at = x(bar.marker);
      parts.push(
        `<path class="marker" d="M${fixed(at)},${fixed(middle - 10)}V${fixed(middle + 10)}" stroke="${TEXT}" stroke-width="3"><title>${escapeXml(`${options.markerLabel ?? 'marker'}: ${options.format(bar.marker)}`)}</title></path>`,
      );
    }
    const shown = value === null || !Number.isFinite(value) ? '∞' : options.format(value);
    parts.push(`<text x="${width - margin.right + 6}" y="${fixed(middle + 4)}">${escapeXml(shown)}</text>`);
  });
  if (options.reference !== undefined) {
    const at = x(options.reference.value);
    parts.push(
      `<line x1="${fixed(at)}" x2="${fixed(at)}" y1="${margin.top - 4}" y2="${height - margin.bottom}" stroke="${WARNING}" stroke-dasharray="4 3"/>`,
      `<text x="${fixed(at + 4)}" y="${margin.top - 6}" fill="${WARNING}">${escapeXml(options.reference.label)}</text>`,
    );
  }
  parts.push(
    `<line x1="${fixed(origin)}" x2="${fixed(origin)}" y1="${margin.top}" y2="${height - margin.bottom}" stroke="#999"/>`,
    `<text x="${margin.left + plotWidth / 2}" y="${height - 8}" text-anchor="middle">${escapeXml(options.xLabel)}${log ? ' (log scale)' : ''}</text>`,
  );
  return svg(width, height, options.title, 'bar', parts);
}

function svg(width: number, height: number, title: string, kind: string, parts: readonly string[]): string {
  return (
    `<svg class="chart" data-kind="${kind}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(title)}" font-family="system-ui, sans-serif" font-size="11" fill="${TEXT}">` +
    `<text x="8" y="18" font-size="13" font-weight="600">${escapeXml(title)}</text>${parts.join('')}</svg>`
  );
}

/** An axis from `min` to `max` with 4–8 ticks at 1, 2 or 5 × 10^k. */
function niceAxis(min: number, max: number): { min: number; max: number; ticks: number[] } {
  if (!(max > min)) {
    const pad = Math.abs(max) > 0 ? Math.abs(max) : 1;
    return niceAxis(min - (min < 0 ? pad : 0), max + pad);
  }
  const rough = (max - min) / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((factor) => factor * power >= rough) ?? 10) * power;
  const low = Math.floor(min / step) * step;
  const high = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let tick = low; tick <= high + step / 2; tick += step) ticks.push(Number(tick.toPrecision(12)));
  return { min: low, max: high, ticks };
}

/** A log axis over whole powers of ten that hold every positive value. */
function logAxis(values: readonly number[]): { min: number; max: number; ticks: number[] } {
  const positive = values.filter((value) => value > 0);
  const low = Math.floor(Math.log10(Math.min(1, ...positive)));
  const high = Math.max(low + 1, Math.ceil(Math.log10(Math.max(1, ...positive))));
  const ticks: number[] = [];
  for (let power = low; power <= high; power++) ticks.push(10 ** power);
  return { min: 10 ** low, max: 10 ** high, ticks };
}

function periodTicks(periods: number): number[] {
  const step = [1, 2, 4, 5, 10, 13, 26, 52, 100, 250, 500, 1000].find((size) => periods / size <= 12) ?? 1000;
  const ticks: number[] = [];
  for (let period = 0; period < periods; period += step) ticks.push(period);
  return ticks;
}

const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

function shortNumber(value: number): string {
  return COMPACT.format(value);
}

function fixed(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** Text safe inside XML and HTML elements and attributes. */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}
