/**
 * @module decisions/reshore-report
 * What a CFO reads of a reshoring comparison: one column per location and one row per cost component
 * of the landed cost per unit, the totals (per unit and a year), the cheapest and why in one
 * sentence, the break-even carbon prices, the sensitivity table, the simulated disruptions and the
 * factors with their sources. Pure: `keten reshore` decides where the text goes (the JSON is the
 * comparison itself).
 */
import { textTable } from '../text-table.ts';
import { LANDED_COST_COMPONENTS, type LandedCost, type ReshoreComparison } from './reshore.ts';

const COMPONENT_LABELS: Record<(typeof LANDED_COST_COMPONENTS)[number], string> = {
  price: 'unit price',
  transport: 'transport',
  duty: 'import duty',
  pipeline: 'pipeline inventory',
  safetyStock: 'safety stock',
  co2: 'CO2',
  disruption: 'expected disruption',
};

/**
 * The comparison as text for a terminal.
 *
 * @example console.log(formatReshoreReport(compareLocations(reshoreCase)));
 */
export function formatReshoreReport(result: ReshoreComparison): string {
  const { currency, item } = result;
  const locations = result.locations;
  const cheapest = locations.find((entry) => entry.id === result.cheapest)!;
  const numeric = new Set(locations.map((_, index) => index + 1));
  const header = [
    '',
    ...locations.map((entry) => `${entry.name}${entry.id === result.cheapest ? ' ◀' : ''}`),
  ];
  const row = (label: string, cell: (entry: (typeof locations)[number]) => string) => [
    label,
    ...locations.map(cell),
  ];
  const lines = [
    `Reshoring '${result.name}': ${item.name}, ${UNITS.format(item.annualVolume)} ${item.unit} a year, ${WEIGHT.format(item.weightKg)} kg each; ` +
      `landed cost per ${singular(item.unit)} in ${currency}, carbon price ${MONEY.format(result.carbonPrice)} ${currency}/t CO2e.`,
    '',
  ];
  const rows = [
    ...LANDED_COST_COMPONENTS.map((component) =>
      row(
        component === 'co2' ? `CO2 at ${MONEY.format(result.carbonPrice)}/t` : COMPONENT_LABELS[component],
        (entry) => MONEY.format(entry.costs[component]),
      ),
    ),
    row('total landed cost', (entry) => MONEY.format(entry.costs.total)),
    row('vs cheapest', (entry) => signed(entry.costs.total - cheapest.costs.total)),
    row('a year', (entry) => WHOLE.format(entry.annualCost)),
    row('kg CO2e per unit', (entry) => WEIGHT.format(entry.emissions.total)),
    row(
      'lead time (weeks)',
      (entry) =>
        `${WEIGHT.format(entry.inventory.leadTimeWeeks)} ± ${WEIGHT.format(entry.inventory.leadTimeStdDev)}`,
    ),
    row('safety stock (units)', (entry) => WHOLE.format(entry.inventory.safetyStockUnits)),
  ];
  const table = textTable(header, rows, numeric);
  // A rule above the totals, as on a cost sheet.
  const ruleAt = 1 + LANDED_COST_COMPONENTS.length;
  const width = Math.max(...table.map((line) => line.length));
  lines.push(...table.slice(0, ruleAt), '─'.repeat(width), ...table.slice(ruleAt));
  lines.push('', `Cheapest: ${verdict(result)}`, '');

  lines.push(`Break-even carbon price (${currency} per tonne CO2e):`);
  const nameOf = (id: string) => locations.find((entry) => entry.id === id)?.name ?? id;
  for (const pair of result.breakEven) {
    const names = `${nameOf(pair.first)} vs ${nameOf(pair.second)}`;
    lines.push(
      pair.carbonPrice === null || pair.cheaperAbove === null
        ? `  ${names}: none; ${nameOf(pair.cheaperBelow)} is cheaper at every carbon price`
        : `  ${names}: ${MONEY.format(pair.carbonPrice)}; below it ${nameOf(pair.cheaperBelow)} is cheaper, above it ${nameOf(pair.cheaperAbove)}`,
    );
  }

  lines.push('', 'Sensitivity: total landed cost per unit with one driver moved (the others as above):');
  lines.push(
    ...textTable(
      ['driver', 'change', ...locations.map((entry) => entry.name), 'cheapest'],
      [
        ['as above', '', ...locations.map((entry) => MONEY.format(entry.costs.total)), cheapest.name],
        ...result.sensitivity.map((entry) => [
          entry.driver,
          entry.change,
          ...entry.totals.map((total) => MONEY.format(total)),
          `${nameOf(entry.cheapest)}${entry.cheapest === result.cheapest ? '' : ' *'}`,
        ]),
      ],
      new Set(locations.map((_, index) => index + 2)),
    ),
  );
  if (result.sensitivity.some((entry) => entry.cheapest !== result.cheapest))
    lines.push('*: the cheapest changes.');

  lines.push(
    '',
    `Disruptions, simulated (${result.runs} runs, seed ${result.seed}; each event starts in week 8; cost = extra unit-weeks owed to the line × shortage cost):`,
  );
  const disruptionRows = locations.flatMap((entry) =>
    entry.disruption.outcomes.length === 0
      ? [[entry.name, 'none in the profile', '', '', '', '']]
      : entry.disruption.outcomes.map((outcome) => [
          entry.name,
          outcome.label,
          WEIGHT.format(outcome.perYear),
          WHOLE.format(outcome.unitWeeksLate),
          WHOLE.format(outcome.costPerEvent),
          WHOLE.format(outcome.costPerYear),
        ]),
  );
  lines.push(
    ...textTable(
      ['location', 'disruption', 'per year', 'unit-weeks late', 'cost per event', 'expected a year'],
      disruptionRows,
      new Set([2, 3, 4, 5]),
    ),
  );

  lines.push('', 'Transport factors:');
  for (const factor of result.factors)
    lines.push(
      `  ${factor.mode}: ${PRECISE.format(factor.costPerTonneKm)} ${currency}/tkm (${factor.costSource}); ` +
        `${PRECISE.format(factor.kgCo2ePerTonneKm)} kg CO2e/tkm (${factor.emissionSource})`,
    );
  return `${lines.join('\n')}\n`;
}

/** The cheapest, by how much, and the components that decide it against the runner-up. */
function verdict(result: ReshoreComparison): string {
  const sorted = [...result.locations].sort((a, b) => a.costs.total - b.costs.total);
  const best = sorted[0]!;
  const money = (value: number) => `${MONEY.format(value)} ${result.currency}`;
  const unit = singular(result.item.unit);
  if (sorted.length < 2) return `${best.name} at ${money(best.costs.total)} a ${unit}.`;
  const next = sorted[1]!;
  const gap = next.costs.total - best.costs.total;
  const differences = LANDED_COST_COMPONENTS.map((component) => ({
    component,
    gap: next.costs[component as keyof LandedCost] - best.costs[component as keyof LandedCost],
  }));
  const wins = differences.filter((entry) => entry.gap > 0).sort((a, b) => b.gap - a.gap);
  const losses = differences.filter((entry) => entry.gap < 0).sort((a, b) => a.gap - b.gap);
  const list = (entries: typeof differences) =>
    entries
      .slice(0, 3)
      .map((entry) => `${COMPONENT_LABELS[entry.component]} ${money(Math.abs(entry.gap))}`)
      .join(', ');
  const parts = [
    `${best.name} at ${money(best.costs.total)} a ${unit}, ${money(gap)} (${((gap / next.costs.total) * 100).toFixed(1)} %) less than ${next.name}` +
      ` (${WHOLE.format(gap * result.item.annualVolume)} ${result.currency} a year).`,
  ];
  if (wins.length > 0) parts.push(`It saves on ${list(wins)}`);
  if (losses.length > 0)
    parts.push(`${wins.length > 0 ? 'and pays more for' : 'It pays more for'} ${list(losses)}`);
  return `${parts.join(' ')}${wins.length + losses.length > 0 ? '.' : ''}`;
}

function singular(unit: string): string {
  return unit === 'pcs' ? 'piece' : unit;
}

function signed(value: number): string {
  if (Math.abs(value) < 0.005) return '0';
  return `${value > 0 ? '+' : '−'}${MONEY.format(Math.abs(value))}`;
}

const MONEY = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const WHOLE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const UNITS = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const WEIGHT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const PRECISE = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
