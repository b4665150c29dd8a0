/**
 * @module decisions/stress-report
 * What a planner reads of a stress test: a ranked table of the weak spots for a terminal, and the
 * result as JSON-safe data (`tts: null` where the network survives indefinitely). Pure: the callers
 * (`keten stress-test`, later the API) decide where the text goes.
 */
import type { CompanyStress, StressResult } from './stress.ts';

export interface FormatStressOptions {
  /** At most this many companies in the table (default 20); the rest is counted. */
  readonly limit?: number;
}

/**
 * The stress test as text: what was assumed, the undisrupted network, and the companies by rank with
 * TTR, TTS, loss and REI, marking those that run out before they recover (TTS < TTR).
 *
 * @example console.log(formatStressSummary(result));
 */
export function formatStressSummary(result: StressResult, options: FormatStressOptions = {}): string {
  const limit = Math.max(1, options.limit ?? 20);
  const unit = result.period === 'week' ? 'weeks' : 'days';
  const ttrs = [...new Set(result.companies.map((entry) => entry.ttr))].sort((a, b) => a - b);
  const flagged = result.companies.filter((entry) => entry.flagged);
  const exposed = result.companies.filter((entry) => entry.loss > 0);
  const lines = [
    `Stress test of '${result.network}': ${plural(result.companies.length, 'company', 'companies')}, each down for its time to recover (${ttrs.map(periods).join(', ')} ${unit}); ` +
      `${result.disruption === 'site' ? 'a company down makes, ships and sells nothing' : 'a company down makes nothing'}, ` +
      `others work to ${result.capacity === 'maximum' ? 'maximum' : 'normal'} capacity.`,
  ];
  const baseline = result.baseline;
  const baselineLoss = baseline.losses.filter((entry) => entry.loss > 0);
  lines.push(
    baseline.tts === Infinity
      ? 'Undisrupted, the network meets end demand indefinitely.'
      : `Undisrupted, the network meets end demand for ${periods(baseline.tts)} ${unit}, then falls short ` +
          '(some capacity is below mean demand)' +
          (baselineLoss.length === 0
            ? '.'
            : `; it loses ${baselineLoss.map((entry) => `${money(entry.loss, result.currency)} in ${periods(entry.ttr)}`).join(', ')} ${unit}, ` +
              'and each loss below is what a disruption adds to that.'),
  );
  lines.push(
    `${plural(flagged.length, 'company runs', 'companies run')} out before recovering (TTS < TTR); ` +
      `${plural(exposed.length, 'company', 'companies')} would cost end demand when down.`,
    '',
  );

  const shown = result.companies.slice(0, limit);
  const rows = shown.map((entry) => [
    String(entry.rank),
    entry.company,
    entry.tier === undefined ? '-' : String(entry.tier),
    periods(entry.ttr),
    entry.tts === Infinity ? '∞' : periods(entry.tts),
    money(entry.loss, result.currency),
    entry.rei.toFixed(3),
    entry.flagged ? 'TTS < TTR' : '',
    lostText(entry),
  ]);
  const header = ['rank', 'company', 'tier', 'TTR', 'TTS', 'loss', 'REI', 'flag', 'end demand lost'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column]!.length)),
  );
  const numeric = new Set([0, 2, 3, 4, 5, 6]);
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, column) =>
        numeric.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!),
      )
      .join('  ')
      .trimEnd();
  lines.push(line(header));
  for (const row of rows) lines.push(line(row));
  const rest = result.companies.length - shown.length;
  if (rest > 0) {
    const restExposed = result.companies.slice(limit).filter((entry) => entry.loss > 0).length;
    lines.push(`… and ${plural(rest, 'more company', 'more companies')} (${restExposed} with a loss)`);
  }
  for (const warning of result.warnings) lines.push('', `Note: ${warning}`);
  return `${lines.join('\n')}\n`;
}

/**
 * The result as JSON-safe data: every number finite, an infinite TTS (and baseline TTS) as `null`.
 *
 * @example process.stdout.write(`${JSON.stringify(stressJson(result), null, 2)}\n`);
 */
export function stressJson(result: StressResult): unknown {
  return {
    ...result,
    baseline: { ...result.baseline, tts: finiteOrNull(result.baseline.tts) },
    companies: result.companies.map((entry) => ({ ...entry, tts: finiteOrNull(entry.tts) })),
  };
}

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

/** The two largest losses of end demand, as `3 tem-300, 12 sem-120 at kempen`. */
function lostText(entry: CompanyStress): string {
  const lost = entry.lostDemand;
  if (lost.length === 0) return '';
  const first = lost
    .slice(0, 2)
    .map((demand) => `${UNITS.format(demand.units)} ${demand.item} at ${demand.company}`);
  return lost.length > 2 ? `${first.join(', ')}, …` : first.join(', ');
}

const UNITS = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });
const PERIODS = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const MONEY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function periods(value: number): string {
  return PERIODS.format(value);
}

function money(value: number, currency: string): string {
  return `${MONEY.format(value)} ${currency}`;
}

function plural(value: number, one: string, many: string): string {
  return `${UNITS.format(value)} ${value === 1 ? one : many}`;
}
