/**
 * @module pages/company
 * One company of a network (`GET /api/v1/networks/:name/companies/:company`): its site and tier, what
 * it makes (capacity per period, lead time, bill of materials), what it buys from whom in which shares
 * (each supplier a link), whom it supplies, capacity groups, inventory and end demand.
 */
import { api } from '../../api/client.ts';
import type { CompanyViewResponse, GraphItem } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';
import { money, periods, perPeriod, quantity, share, tierName } from '../../components/format.ts';
import { Link, pathTo } from '../../router.tsx';

export function CompanyPage({ network, company }: { readonly network: string; readonly company: string }) {
  const loaded = useApi(
    (signal) =>
      api.get<CompanyViewResponse>(
        `/api/v1/networks/${encodeURIComponent(network)}/companies/${encodeURIComponent(company)}`,
        { signal },
      ),
    [network, company],
  );
  if (loaded.state === 'loading') return <Loading what={`company ${company}`} />;
  if (loaded.state === 'failed') {
    return (
      <>
        <h1>{company}</h1>
        <ErrorDisplay error={loaded.error} />
      </>
    );
  }
  return <CompanyDetails view={loaded.value} />;
}

function CompanyDetails({ view }: { readonly view: CompanyViewResponse }) {
  const { company, period, currency } = view;
  const site = company.site;
  return (
    <article className="company">
      <p className="breadcrumbs">
        <Link to={pathTo('/networks/:name/map', { name: view.network })}>{view.network}</Link> · version{' '}
        {view.version}
      </p>
      <h1>{company.name}</h1>
      <dl className="facts">
        <div>
          <dt>Id</dt>
          <dd>
            <code>{company.id}</code>
          </dd>
        </div>
        <div>
          <dt>Tier</dt>
          <dd>{tierName(view.tier)}</dd>
        </div>
        <div>
          <dt>Site</dt>
          <dd>
            {[site.city, site.country].filter(Boolean).join(', ')} (region {site.region})
            {site.location === undefined ? '' : ` at ${site.location[0]}° N, ${site.location[1]}° E`}
          </dd>
        </div>
        {company.bpn === undefined ? null : (
          <div>
            <dt>BPN</dt>
            <dd>
              <code>{company.bpn}</code>
            </dd>
          </div>
        )}
        {company.paymentTermDays === undefined ? null : (
          <div>
            <dt>Pays suppliers after</dt>
            <dd>{company.paymentTermDays} days</dd>
          </div>
        )}
        {company.cash === undefined ? null : (
          <div>
            <dt>Cash at start</dt>
            <dd>{money(company.cash, currency)}</dd>
          </div>
        )}
      </dl>

      <section aria-labelledby="makes">
        <h2 id="makes">Makes</h2>
        {view.makes.length === 0 ? (
          <p className="muted">Nothing: this company only buys and sells on.</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col">Capacity</th>
                <th scope="col">Lead time</th>
                <th scope="col">Bill of materials (per unit)</th>
                <th scope="col" className="number">
                  Unit cost
                </th>
              </tr>
            </thead>
            <tbody>
              {view.makes.map((made) => (
                <tr key={made.item.id}>
                  <td>{made.item.name}</td>
                  <td>
                    {perPeriod(made.capacity, made.item.unit, period)}
                    {made.maximumCapacity === undefined
                      ? ''
                      : `; at most ${perPeriod(made.maximumCapacity, made.item.unit, period)}`}
                  </td>
                  <td>{periods(made.leadTime, period)}</td>
                  <td>
                    {made.bom.length === 0
                      ? 'raw material'
                      : made.bom
                          .map((line) => `${quantity(line.quantity, line.item.unit)} ${line.item.name}`)
                          .join(', ')}
                  </td>
                  <td className="number">
                    {made.unitCost === undefined ? '–' : money(made.unitCost, currency)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="buys">
        <h2 id="buys">Buys</h2>
        {view.buys.length === 0 ? (
          <p className="muted">Nothing from suppliers in this network.</p>
        ) : (
          <SupplyTable
            view={view}
            partner="Supplier"
            shareOf="Share"
            rules={view.buys.map((rule) => ({ item: rule.item, lines: rule.suppliers }))}
          />
        )}
      </section>

      <section aria-labelledby="sells">
        <h2 id="sells">Supplies</h2>
        {view.sells.length === 0 ? (
          <p className="muted">
            No customer in this network{view.demand.length > 0 ? ': it sells to end customers' : ''}.
          </p>
        ) : (
          <SupplyTable
            view={view}
            partner="Customer"
            shareOf="Share of the customer's need"
            rules={view.sells.map((rule) => ({ item: rule.item, lines: rule.customers }))}
          />
        )}
      </section>

      {view.capacityGroups.length === 0 ? null : (
        <section aria-labelledby="groups">
          <h2 id="groups">Capacity groups</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Group</th>
                <th scope="col">Capacity</th>
                <th scope="col">Load per started unit</th>
              </tr>
            </thead>
            <tbody>
              {view.capacityGroups.map((group) => (
                <tr key={group.id}>
                  <td>{group.id}</td>
                  <td>
                    {perPeriod(group.capacity, 'capacity units', period)}
                    {group.maximumCapacity === undefined
                      ? ''
                      : `; at most ${perPeriod(group.maximumCapacity, 'capacity units', period)}`}
                  </td>
                  <td>
                    {group.items
                      .map(
                        (line) =>
                          `${line.item.name}: ${quantity(line.load, 'capacity units')}/${line.item.unit}`,
                      )
                      .join(', ')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      {view.inventory.length === 0 && view.demand.length === 0 ? null : (
        <section aria-labelledby="stock">
          <h2 id="stock">Inventory and end demand</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">Item</th>
                <th scope="col" className="number">
                  On hand
                </th>
                <th scope="col" className="number">
                  Safety stock
                </th>
                <th scope="col" className="number">
                  End demand
                </th>
              </tr>
            </thead>
            <tbody>
              {mergeStock(view).map((row) => (
                <tr key={row.item.id}>
                  <td>{row.item.name}</td>
                  <td className="number">
                    {row.onHand === undefined ? '–' : quantity(row.onHand, row.item.unit)}
                  </td>
                  <td className="number">
                    {row.safetyStock === undefined ? '–' : quantity(row.safetyStock, row.item.unit)}
                  </td>
                  <td className="number">
                    {row.demand === undefined
                      ? '–'
                      : `${quantity(row.demand.total, row.item.unit)} in ${periods(row.demand.periods, period)}`}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
    </article>
  );
}

type SupplyLine = CompanyViewResponse['buys'][number]['suppliers'][number];

/** Lanes per item with the partner at the other end: its share, mode, lead time and price. */
function SupplyTable({
  view,
  partner,
  shareOf,
  rules,
}: {
  readonly view: CompanyViewResponse;
  readonly partner: string;
  readonly shareOf: string;
  readonly rules: readonly { readonly item: GraphItem; readonly lines: readonly SupplyLine[] }[];
}) {
  const { period, currency } = view;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">Item</th>
          <th scope="col">{partner}</th>
          <th scope="col" className="number">
            {shareOf}
          </th>
          <th scope="col">Lane</th>
          <th scope="col" className="number">
            Unit price
          </th>
        </tr>
      </thead>
      <tbody>
        {rules.flatMap((rule) =>
          rule.lines.map((line, index) => (
            <tr key={`${rule.item.id}/${line.company.id}`}>
              {index === 0 ? (
                <th scope="rowgroup" rowSpan={rule.lines.length}>
                  {rule.item.name}
                </th>
              ) : null}
              <td>
                <Link
                  to={pathTo('/networks/:name/companies/:company', {
                    name: view.network,
                    company: line.company.id,
                  })}
                >
                  {line.company.name}
                </Link>{' '}
                <span className="muted">
                  ({tierName(line.company.tier)}, {line.company.country})
                </span>
              </td>
              <td className="number">{share(line.share)}</td>
              <td>
                {line.mode}, {periods(line.leadTime, period)}
                {line.distanceKm === undefined ? '' : `, ${quantity(line.distanceKm, 'km')}`}
              </td>
              <td className="number">
                {line.unitPrice === undefined ? '–' : money(line.unitPrice, currency)}
              </td>
            </tr>
          )),
        )}
      </tbody>
    </table>
  );
}

interface StockRow {
  readonly item: CompanyViewResponse['inventory'][number]['item'];
  onHand?: number;
  safetyStock?: number;
  demand?: { readonly total: number; readonly periods: number };
}

/** Inventory and end demand per item, in one table. */
function mergeStock(view: CompanyViewResponse): StockRow[] {
  const rows = new Map<string, StockRow>();
  for (const stock of view.inventory) {
    rows.set(stock.item.id, {
      item: stock.item,
      onHand: stock.onHand,
      ...(stock.safetyStock === undefined ? {} : { safetyStock: stock.safetyStock }),
    });
  }
  for (const demand of view.demand) {
    const row = rows.get(demand.item.id) ?? { item: demand.item };
    row.demand = { total: demand.total, periods: demand.periods };
    rows.set(demand.item.id, row);
  }
  return [...rows.values()];
}
