/**
 * @module pages/plan/heat-map
 * The bottleneck heat map: capacity (a production record or a capacity group) × period, each cell the
 * load that on-time delivery needs against the limit, coloured by `heat-scale.ts` with its legend.
 * Cells beyond even the maximum (overtime) carry a mark. The grid is one tab stop: arrow keys, Home and
 * End move between cells (a roving tab stop), and the focused cell's figures, with units, are read out below the grid.
 * Paged and filtered on the server (`GET …/plan/heat-map`), busiest first.
 */
import { type KeyboardEvent, useRef, useState } from 'react';
import { api } from '../../api/client.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';
import { count, quantity } from '../../components/format.ts';
import { cellState, HEAT_BANDS, heatBand, IDLE_BAND, percentOf } from './heat-scale.ts';
import type { HeatMapAnswer, HeatRow } from './plan-api.ts';

const PAGE = 15;

interface Cell {
  readonly row: number;
  readonly period: number;
}

function describeCell(row: HeatRow, period: number, periodUnit: 'day' | 'week'): string {
  const needed = row.required[period] ?? 0;
  const limit = row.limit[period] ?? 0;
  const maximum = row.maximum?.[period] ?? null;
  const state = cellState(needed, limit, maximum);
  const unit = `${row.unit}/${periodUnit}`;
  const parts = [
    `${row.capacity}, ${periodUnit} ${period}: needs ${quantity(needed, unit)} of ${quantity(limit, unit)} (${percentOf(needed, limit)})`,
    `planned load ${quantity(row.load[period] ?? 0, unit)}`,
  ];
  if (maximum !== null) parts.push(`maximum ${quantity(maximum, unit)}`);
  if (state === 'over-limit') parts.push('over the limit: needs overtime');
  if (state === 'over-maximum') parts.push('beyond the maximum: demand will be short or late');
  return parts.join('; ');
}

export function HeatMap({
  network,
  periodUnit,
  onPickCompany,
}: {
  readonly network: string;
  readonly periodUnit: 'day' | 'week';
  readonly onPickCompany?: (company: string) => void;
}) {
  const [offset, setOffset] = useState(0);
  const [company, setCompany] = useState('');
  const [onlyOver, setOnlyOver] = useState(true);
  const [active, setActive] = useState<Cell>({ row: 0, period: 0 });
  const grid = useRef<HTMLTableElement>(null);
  const loaded = useApi(
    (signal) =>
      api.get<HeatMapAnswer>(`/api/v1/networks/${encodeURIComponent(network)}/plan/heat-map`, {
        signal,
        query: {
          offset,
          limit: PAGE,
          company: company.trim() === '' ? undefined : company.trim(),
          minimumPeak: onlyOver ? 1 : undefined,
        },
      }),
    [network, offset, company, onlyOver],
  );

  const move = (event: KeyboardEvent<HTMLTableElement>, rows: number, periods: number) => {
    const steps: Record<string, [number, number]> = {
      ArrowRight: [0, 1],
      ArrowLeft: [0, -1],
      ArrowDown: [1, 0],
      ArrowUp: [-1, 0],
    };
    let next: Cell | undefined;
    const step = steps[event.key];
    if (step !== undefined) {
      next = {
        row: Math.min(rows - 1, Math.max(0, active.row + step[0])),
        period: Math.min(periods - 1, Math.max(0, active.period + step[1])),
      };
    } else if (event.key === 'Home') next = { row: active.row, period: 0 };
    else if (event.key === 'End') next = { row: active.row, period: periods - 1 };
    if (next === undefined) return;
    event.preventDefault();
    setActive(next);
    grid.current
      ?.querySelector<HTMLElement>(`[data-cell="${next.row}-${next.period}"]`)
      ?.focus({ preventScroll: false });
  };

  return (
    <section aria-labelledby="heat-map-title" className="panel">
      <h2 id="heat-map-title">Bottlenecks: capacity × {periodUnit}</h2>
      <p className="muted">
        Each cell: the load on-time delivery needs, as a share of the capacity's limit. Select a cell (Tab
        into the grid, then the arrow keys) to read its figures.
      </p>
      <form className="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Company{' '}
          <input
            value={company}
            onChange={(event) => {
              setCompany(event.target.value);
              setOffset(0);
            }}
            placeholder="all companies"
            size={16}
          />
        </label>
        <label>
          <input
            type="checkbox"
            checked={onlyOver}
            onChange={(event) => {
              setOnlyOver(event.target.checked);
              setOffset(0);
            }}
          />{' '}
          only capacities over their limit in some {periodUnit}
        </label>
      </form>
      <HeatLegend />
      {loaded.state === 'loading' ? <Loading what="the heat map" waiting={loaded.waiting} /> : null}
      {loaded.state === 'failed' ? <ErrorDisplay error={loaded.error} /> : null}
      {loaded.state === 'done' ? (
        loaded.value.rows.length === 0 ? (
          <p>
            {onlyOver
              ? `No capacity is over its limit in any ${periodUnit}${company === '' ? '' : ` at ${company}`}.`
              : 'No capacity matches.'}
          </p>
        ) : (
          <>
            <div className="heat-scroll">
              <table
                className="heat-map"
                aria-labelledby="heat-map-title"
                ref={grid}
                onKeyDown={(event) => move(event, loaded.value.rows.length, loaded.value.horizon)}
              >
                <thead>
                  <tr>
                    <th scope="col">Capacity</th>
                    {Array.from({ length: loaded.value.horizon }, (_, period) => (
                      // biome-ignore lint/suspicious/noArrayIndexKey: periods are their index
                      <th key={period} scope="col" className="heat-period">
                        {period}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {loaded.value.rows.map((row, rowIndex) => (
                    <tr key={row.capacity}>
                      <th scope="row" className="heat-capacity">
                        {onPickCompany === undefined ? (
                          row.capacity
                        ) : (
                          <button
                            type="button"
                            className="link-button"
                            onClick={() => onPickCompany(row.company)}
                          >
                            {row.capacity}
                          </button>
                        )}
                        <span className="muted"> {row.unit}</span>
                      </th>
                      {row.required.map((needed, period) => {
                        const limit = row.limit[period] ?? 0;
                        const band = heatBand(needed, limit);
                        const state = cellState(needed, limit, row.maximum?.[period] ?? null);
                        const isActive = active.row === rowIndex && active.period === period;
                        return (
                          <td
                            // biome-ignore lint/suspicious/noArrayIndexKey: periods are their index
                            key={period}
                            data-cell={`${rowIndex}-${period}`}
                            className={`heat-cell heat-${state}`}
                            style={{ background: band.background, color: band.ink }}
                            tabIndex={isActive ? 0 : -1}
                            aria-label={describeCell(row, period, periodUnit)}
                            title={describeCell(row, period, periodUnit)}
                            onFocus={() => setActive({ row: rowIndex, period })}
                          >
                            {needed > 0 ? (limit > 0 ? Math.round((needed / limit) * 100) : '∞') : ''}
                            {state === 'over-maximum' ? <span aria-hidden="true">!</span> : null}
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <p className="heat-readout" aria-live="polite">
              {(() => {
                const row = loaded.value.rows[active.row];
                return row === undefined || active.period >= loaded.value.horizon
                  ? ''
                  : describeCell(row, active.period, periodUnit);
              })()}
            </p>
            <p className="pager">
              <span>
                {loaded.value.total === 0
                  ? ''
                  : `capacities ${offset + 1}–${offset + loaded.value.rows.length} of ${count(loaded.value.total, 'capacity', 'capacities')}, busiest first`}
              </span>
              <button
                type="button"
                className="button-quiet"
                disabled={offset === 0}
                onClick={() => setOffset(Math.max(0, offset - PAGE))}
              >
                Previous
              </button>
              <button
                type="button"
                className="button-quiet"
                disabled={offset + PAGE >= loaded.value.total}
                onClick={() => setOffset(offset + PAGE)}
              >
                Next
              </button>
            </p>
          </>
        )
      ) : null}
    </section>
  );
}

function HeatLegend() {
  return (
    <ul className="heat-legend" aria-label="Legend: load needed as a share of the limit">
      {[IDLE_BAND, ...HEAT_BANDS].map((band) => (
        <li key={band.label}>
          <span className="heat-swatch" style={{ background: band.background }} aria-hidden="true" />
          {band.label}
        </li>
      ))}
      <li>
        <span
          className="heat-swatch heat-over-maximum"
          style={{ background: HEAT_BANDS.at(-1)!.background }}
          aria-hidden="true"
        >
          <span style={{ color: '#ffffff' }}>!</span>
        </span>
        beyond the maximum (overtime cannot cover it)
      </li>
      <li className="muted">cell numbers: % of the limit; ∞: load needed where the limit is 0</li>
    </ul>
  );
}
