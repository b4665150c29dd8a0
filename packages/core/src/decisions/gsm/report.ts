/**
 * @module decisions/gsm/report
 * A GSM answer as a table a planner reads: the decoupling points first, then every stage.
 */
import { textTable } from '../../text-table.ts';
import type { GsmSolution } from './solve.ts';

const number = (value: number, digits = 1): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** The method in words, with its gap. */
export function describeGsmMethod(solution: GsmSolution): string {
  if (solution.method === 'tree-dp')
    return 'exact dynamic program on a spanning tree (Graves & Willems 2000): optimal, gap 0';
  const gap = solution.gap <= 1e-6 ? 'optimal (gap ≤ 1e-6)' : `gap ${(solution.gap * 100).toFixed(3)}%`;
  return `not a tree: Lagrangian bounds over a spanning tree (${solution.iterations} iterations) and branch and bound (${solution.nodes} nodes): ${gap} (lower bound ${number(solution.lowerBound, 2)})`;
}

/**
 * The report: method and totals, the decoupling points, then one row per stage (decoupling points
 * first, by holding cost). `limit` caps the stage rows (default all).
 */
export function formatGsmReport(solution: GsmSolution, title: string, limit = Infinity): string {
  const lines: string[] = [];
  lines.push(
    `${title}: ${solution.stages.length} stages, ${solution.decouplingPoints.length} decoupling points`,
  );
  lines.push(`method: ${describeGsmMethod(solution)}`);
  lines.push(`safety-stock holding cost per period: ${number(solution.totalCost, 2)}`);
  if (solution.rounded)
    lines.push(
      `processing times rounded up to a grid of ${solution.timeStep}; with the times as given the same service times cost ${number(solution.costAtGivenProcessingTimes, 2)}`,
    );
  lines.push('');
  const ranked = [...solution.stages].sort(
    (left, right) =>
      Number(right.decouplingPoint) - Number(left.decouplingPoint) ||
      right.holdingCost - left.holdingCost ||
      left.id.localeCompare(right.id),
  );
  const shown = ranked.slice(0, limit);
  const rows = shown.map((stage) => [
    stage.id,
    stage.decouplingPoint ? 'yes' : '',
    number(stage.modelProcessingTime),
    number(stage.inboundServiceTime),
    number(stage.outboundServiceTime),
    number(stage.netReplenishmentTime),
    number(stage.safetyStock),
    number(stage.baseStock),
    number(stage.holdingCost, 2),
  ]);
  lines.push(
    ...textTable(
      ['stage', 'decoupling', 'T', 'SI', 'S', 'NRT', 'safety stock', 'base stock', 'holding cost'],
      rows,
      new Set([2, 3, 4, 5, 6, 7, 8]),
    ),
  );
  if (shown.length < ranked.length)
    lines.push(`… and ${ranked.length - shown.length} more stages (--json for all)`);
  lines.push('');
  lines.push(
    'T processing time, SI inbound and S outbound service time, NRT = SI + T − S (periods); base stock = mean × NRT + safety stock',
  );
  return `${lines.join('\n')}\n`;
}
