/**
 * @module decisions/gsm/stage-table
 * Reads a stage table in the CSV layout of Willems (2008, "Data set: real-world multiechelon supply
 * chains used for inventory optimization", MSOM 10(1)) as published in the snc repository:
 *
 * ```
 * stage_id,lead_time,max_s_time,cost_rate,risk_pool,ext_demand_mean,ext_demand_std,ext_demand_thres,up_stages
 * Manuf_0001,10,,39,2,,,,Part_0001,1,Part_0002,1
 * Retail_0001,0,0,0,,253.0,36.62,1.645,Manuf_0001,1
 * ```
 *
 * - `lead_time`: the stage's processing time T in days (may be fractional).
 * - `max_s_time`: the maximum outbound service time s (blank: none).
 * - `cost_rate`: the cost added at the stage (Willems' "stage cost"). A unit's value at a stage is its
 *   cumulative cost, the stage's own plus its upstream stages' times their quantities; the holding
 *   cost per unit per day is `holdingRate` × that value (default rate 1: the cumulative cost itself).
 * - `risk_pool`: r in σ = (Σ σᵢʳ)^(1/r) over the demand stages a stage serves.
 * - `ext_demand_mean`, `ext_demand_std`: external demand per day; `ext_demand_thres`: its safety
 *   factor z (blank at a demand stage: the `serviceLevel` option's z).
 * - then pairs: an upstream stage and the units of it per unit of this stage.
 *
 * Stage networks like these keep their fractional lead times and are read as they are, not forced
 * into the network format.
 */
import { err, ok, type Result } from '../../result.ts';
import type { GsmIssue, GsmProblem, GsmStage } from './model.ts';
import { normalQuantile } from './normal.ts';

export interface StageTableOptions {
  /** Holding cost per unit per period as a share of the unit's cumulative cost (default 1). */
  readonly holdingRate?: number;
  /** Service level for demand stages without `ext_demand_thres` (z = Φ⁻¹(level)). */
  readonly serviceLevel?: number;
}

/** A stage table's problem with its 1-based line, for `file:line` messages. */
export interface StageTableIssue extends GsmIssue {
  readonly line?: number;
}

const COLUMNS = [
  'stage_id',
  'lead_time',
  'max_s_time',
  'cost_rate',
  'risk_pool',
  'ext_demand_mean',
  'ext_demand_std',
  'ext_demand_thres',
  'up_stages',
] as const;

/** Whether a text looks like a stage table (its first line names the Willems columns). */
export function isStageTable(text: string): boolean {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return first.split(',')[0]?.trim().toLowerCase() === 'stage_id';
}

/** Parse a stage table into a GSM problem (every problem found, with its line). */
export function parseStageTable(
  text: string,
  options: StageTableOptions = {},
): Result<GsmProblem, StageTableIssue[]> {
  const issues: StageTableIssue[] = [];
  const rate = options.holdingRate ?? 1;
  if (!(rate >= 0 && Number.isFinite(rate)))
    return err([{ message: `the holding rate must be a number ≥ 0, not ${rate}` }]);
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = (lines[0] ?? '').split(',').map((cell) => cell.trim().toLowerCase());
  for (const [position, name] of COLUMNS.entries())
    if (header[position] !== name) {
      issues.push({
        line: 1,
        message: `column ${position + 1} of the header must be ${name}, not ${header[position] === undefined || header[position] === '' ? 'missing' : header[position]}`,
      });
    }
  if (issues.length > 0) return err(issues);
  const rows: { line: number; stage: Omit<GsmStage, 'holdingCost'>; cost: number }[] = [];
  for (let position = 1; position < lines.length; position++) {
    const raw = lines[position]!;
    if (raw.trim() === '') continue;
    const line = position + 1;
    const cells = raw.split(',').map((cell) => cell.trim().replace(/^"(.*)"$/, '$1'));
    const id = cells[0] ?? '';
    if (id === '') {
      issues.push({ line, message: `stage_id is empty` });
      continue;
    }
    const number = (column: number, required: boolean, check: (value: number) => boolean, rule: string) => {
      const cell = cells[column] ?? '';
      if (cell === '') {
        if (required) issues.push({ line, stage: id, message: `${COLUMNS[column]} of ${id} is empty` });
        return undefined;
      }
      const value = Number(cell);
      if (!Number.isFinite(value) || !check(value)) {
        issues.push({
          line,
          stage: id,
          message: `${COLUMNS[column]} of ${id} must be ${rule}, not "${cell}"`,
        });
        return undefined;
      }
      return value;
    };
    const nonNegative = (value: number) => value >= 0;
    const leadTime = number(1, true, nonNegative, 'a number ≥ 0');
    const maxService = number(2, false, nonNegative, 'a number ≥ 0');
    const cost = number(3, false, nonNegative, 'a number ≥ 0') ?? 0;
    const riskPool = number(4, false, (value) => value >= 1, 'a number ≥ 1');
    const mean = number(5, false, nonNegative, 'a number ≥ 0');
    const deviation = number(6, false, nonNegative, 'a number ≥ 0');
    let safetyFactor = number(7, false, nonNegative, 'a number ≥ 0');
    const hasDemand = mean !== undefined || deviation !== undefined;
    if (hasDemand && (mean === undefined || deviation === undefined))
      issues.push({
        line,
        stage: id,
        message: `demand stage ${id} needs both ext_demand_mean and ext_demand_std`,
      });
    if (hasDemand && safetyFactor === undefined) {
      if (options.serviceLevel === undefined)
        issues.push({
          line,
          stage: id,
          message: `demand stage ${id} has no ext_demand_thres; give one or a service level`,
        });
      else safetyFactor = normalQuantile(options.serviceLevel);
    }
    const upstream: { stage: string; quantity: number }[] = [];
    const pairs = cells.slice(8);
    while (pairs.length > 0 && pairs[pairs.length - 1] === '') pairs.pop();
    for (let at = 0; at < pairs.length; at += 2) {
      const name = pairs[at]!;
      const quantityCell = pairs[at + 1];
      const quantity = Number(quantityCell);
      if (
        name === '' ||
        quantityCell === undefined ||
        quantityCell === '' ||
        !Number.isFinite(quantity) ||
        !(quantity > 0)
      ) {
        issues.push({
          line,
          stage: id,
          message: `up_stages of ${id} must be pairs of a stage and a quantity above 0 (pair ${at / 2 + 1}: "${name}", "${quantityCell ?? ''}")`,
        });
        continue;
      }
      upstream.push({ stage: name, quantity });
    }
    rows.push({
      line,
      cost,
      stage: {
        id,
        processingTime: leadTime ?? 0,
        ...(maxService === undefined ? {} : { maxServiceTime: maxService }),
        ...(hasDemand && mean !== undefined && deviation !== undefined
          ? { demand: { mean, standardDeviation: deviation } }
          : {}),
        ...(hasDemand && safetyFactor !== undefined ? { safetyFactor } : {}),
        ...(riskPool === undefined ? {} : { riskPool }),
        upstream,
      },
    });
  }
  if (rows.length === 0) issues.push({ message: 'the stage table has no stages' });
  if (issues.length > 0) return err(issues);
  // Cumulative cost: a stage's own cost plus its upstream stages' cumulative costs × quantities.
  const byId = new Map(rows.map((row) => [row.stage.id, row] as const));
  const cumulative = new Map<string, number>();
  const visiting = new Set<string>();
  const unitValue = (id: string): number => {
    const known = cumulative.get(id);
    if (known !== undefined) return known;
    const row = byId.get(id);
    if (row === undefined || visiting.has(id)) return 0; // unknown stages and cycles: prepareGsm says so
    visiting.add(id);
    let value = row.cost;
    for (const link of row.stage.upstream) value += link.quantity * unitValue(link.stage);
    visiting.delete(id);
    cumulative.set(id, value);
    return value;
  };
  const stages: GsmStage[] = rows.map((row) => ({
    ...row.stage,
    holdingCost: rate * unitValue(row.stage.id),
  }));
  return ok({ stages });
}
