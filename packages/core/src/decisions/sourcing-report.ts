/**
 * @module decisions/sourcing-report
 * What a planner reads of a sourcing comparison: the splits with their expected cost, fill rates and
 * worst case, the recommendation in words, the end-customer fill rate of every split in every
 * scenario, and the disruption set with its probabilities. Pure: `keten sourcing` decides where the
 * text goes (the JSON is the comparison itself).
 */
import { textTable } from '../text-table.ts';
import type { SourcingComparison } from './sourcing.ts';
import { STANDARD_DISRUPTIONS } from './sourcing-scenarios.ts';

/**
 * The comparison as text for a terminal.
 *
 * @example console.log(formatSourcingReport(comparison));
 */
export function formatSourcingReport(result: SourcingComparison): string {
  const unit = result.period === 'week' ? 'weeks' : 'days';
  const one = result.period === 'week' ? 'week' : 'day';
  const money = (value: number | null) => (value === null ? 'n/a' : MONEY.format(value));
  const labelOf = (id: string) => result.scenarios.find((scenario) => scenario.id === id)?.label ?? id;
  const current = result.splits.find((split) => split.current);
  const lines = [
    `Sourcing of ${result.item} at ${result.buyer} in '${result.network}': ${result.splits.length} splits × ` +
      `${result.scenarios.length} scenarios, ${result.runs} runs each over ${result.periods} ${unit} (seed ${result.seed}); ` +
      `money in ${result.currency}.`,
    `Suppliers: ${result.suppliers
      .map(
        (supplier) =>
          `${supplier.id} (${supplier.region}, ${supplier.leadTime} ${supplier.leadTime === 1 ? one : unit} by ${supplier.mode}, ` +
          `${supplier.unitPrice === null ? 'no price' : `${money(supplier.unitPrice)} a unit`}, now ${percent(supplier.share)})`,
      )
      .join(
        ', ',
      )}; ${result.buyer} uses about ${UNITS.format(result.volume)} ${result.unit} of ${result.item} over the run.`,
    '',
  ];

  const header = [
    '#',
    'split',
    'expected cost',
    'vs current',
    'purchases',
    'holding',
    'late',
    'lost revenue',
    'fill',
    'worst fill',
    'worst case',
  ];
  const rows = result.splits.map((split, index) => [
    String(index + 1),
    `${split.label}${split.current ? ' (current)' : ''}${split.label === result.recommendation.split ? ' ◀' : ''}`,
    money(split.expected.total),
    current === undefined ? '' : signed(split.expected.total - current.expected.total),
    money(split.expected.purchases),
    money(split.expected.holding),
    money(split.expected.late),
    money(split.expected.lostRevenue),
    fill(split.expected.endFill),
    `${fill(split.worst.endFill)}${split.acceptable ? '  ' : ' ✗'}`,
    `${labelOf(split.worst.scenario)}${split.overloaded.length === 0 ? '' : `; over capacity: ${split.overloaded.map((entry) => `${entry.supplier} ${percent(entry.load)}`).join(', ')}`}`,
  ]);
  lines.push(...textTable(header, rows, new Set([0, 2, 3, 4, 5, 6, 7, 8, 9])));
  lines.push(
    `✗: the worst case fills less than ${percent(result.minimumFill)} of end demand. Fill: end-customer demand shipped in the period it arrived; ` +
      `expected values weigh the scenarios by their probability.`,
    '',
    `Recommendation: ${result.recommendation.reason}`,
    '',
    `End-customer fill rate by scenario (every disruption starts in period ${STANDARD_DISRUPTIONS.start}; split numbers as above):`,
  );
  const scenarioRows = result.scenarios.map((scenario, index) => [
    `${scenario.label}${scenario.hitsBuyer ? ' *' : ''}`,
    percent(scenario.probability),
    ...result.splits.map((split) => fill(split.outcomes[index]?.endFill ?? null)),
  ]);
  lines.push(
    ...textTable(
      ['scenario', 'probability', ...result.splits.map((_, index) => `#${index + 1}`)],
      scenarioRows,
      new Set(Array.from({ length: result.splits.length + 1 }, (_, index) => index + 1)),
    ),
  );
  if (result.scenarios.some((scenario) => scenario.hitsBuyer))
    lines.push(
      `*: strikes ${result.buyer}'s own region too; counted in the expected values, not in the worst case.`,
    );
  for (const note of result.notes) lines.push('', `Note: ${note}`);
  return `${lines.join('\n')}\n`;
}

const MONEY = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const UNITS = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function signed(value: number): string {
  const rounded = Math.round(value);
  if (rounded === 0) return '0';
  return `${rounded > 0 ? '+' : '−'}${MONEY.format(Math.abs(rounded))}`;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)} %`;
}

function fill(value: number | null): string {
  return value === null ? 'n/a' : percent(value);
}
