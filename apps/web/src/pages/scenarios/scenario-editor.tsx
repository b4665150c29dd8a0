/**
 * @module pages/scenarios/scenario-editor
 * The scenario studio's form: general settings (name, periods, runs, seed), end demand with its
 * changes, the ordering policy, and events (supplier failures, bankruptcies, region lockdowns, lane
 * and payment delays, demand changes) with their windows. Every field is labelled, shows its problem
 * (the form's own or the server's 422 issue at the same scenario path) and is reachable by keyboard.
 * Company, item and region fields suggest the network's ids.
 */
import { type ReactNode, useId } from 'react';
import {
  ALLOCATIONS,
  type Choice,
  DEMAND_PATTERNS,
  type DemandRow,
  EVENT_FIELDS,
  EVENT_TYPES,
  type EventRow,
  type EventType,
  emptyDemand,
  emptyEvent,
  type FieldIssue,
  hasWindow,
  type PolicyForm,
  type ScenarioForm,
} from './scenario-form.ts';

/** What the network offers the form's suggestions. */
export interface NetworkChoices {
  readonly companies: readonly { readonly id: string; readonly name: string }[];
  readonly items: readonly { readonly id: string; readonly name: string }[];
  readonly regions: readonly string[];
  readonly period: 'day' | 'week';
}

const EVENT_LABELS: Readonly<Record<EventType, string>> = {
  'supplier-failure': 'Supplier failure (capacity 0 in the window)',
  bankruptcy: 'Bankruptcy (for good)',
  'region-capacity': 'Region capacity (lockdown: factor 0, half: 0.5)',
  'lane-delay': 'Lane delay (extra periods in transit)',
  'payment-delay': 'Payment delay (pays its suppliers later)',
  'demand-change': 'Demand change (end demand × factor)',
};

export function ScenarioEditor({
  form,
  onChange,
  issues,
  choices,
}: {
  readonly form: ScenarioForm;
  readonly onChange: (form: ScenarioForm) => void;
  readonly issues: readonly FieldIssue[];
  readonly choices: NetworkChoices;
}) {
  const lists = useId();
  const issueAt = (path: string) =>
    issues.filter((issue) => issue.path === path).map((issue) => issue.message);
  const field = (
    path: string,
    label: string,
    value: string,
    set: (value: string) => void,
    extra: FieldExtra = {},
  ) => <Field path={path} label={label} value={value} onChange={set} problems={issueAt(path)} {...extra} />;
  const unit = `${choices.period}s`;
  const setDemand = (index: number, row: DemandRow) =>
    onChange({ ...form, demand: form.demand.map((old, at) => (at === index ? row : old)) });
  const setEvent = (index: number, row: EventRow) =>
    onChange({ ...form, events: form.events.map((old, at) => (at === index ? row : old)) });
  const setPolicy = (policy: Partial<PolicyForm>) =>
    onChange({ ...form, policy: { ...form.policy, ...policy } });

  return (
    <div className="scenario-editor">
      <datalist id={`${lists}-companies`}>
        {choices.companies.map((company) => (
          <option key={company.id} value={company.id}>
            {company.name}
          </option>
        ))}
      </datalist>
      <datalist id={`${lists}-items`}>
        {choices.items.map((item) => (
          <option key={item.id} value={item.id}>
            {item.name}
          </option>
        ))}
      </datalist>
      <datalist id={`${lists}-regions`}>
        {choices.regions.map((region) => (
          <option key={region} value={region} />
        ))}
      </datalist>

      <fieldset>
        <legend>Scenario</legend>
        <div className="form-row">
          {field('name', 'Name', form.name, (name) => onChange({ ...form, name }), { wide: true })}
          {field(
            'periods',
            `Periods (${unit}; default the network's horizon)`,
            form.periods,
            (periods) => onChange({ ...form, periods }),
            { number: true },
          )}
          {field(
            'runs',
            'Runs (Monte Carlo, at most 1,000)',
            form.runs,
            (runs) => onChange({ ...form, runs }),
            { number: true },
          )}
          {field('seed', 'Seed', form.seed, (seed) => onChange({ ...form, seed }), { number: true })}
          {field(
            'warmUp',
            `Warm-up (${unit} left out)`,
            form.warmUp,
            (warmUp) => onChange({ ...form, warmUp }),
            { number: true },
          )}
          <SelectField
            label="Start"
            value={form.initialState}
            onChange={(initialState) =>
              onChange({ ...form, initialState: initialState as ScenarioForm['initialState'] })
            }
            options={[
              ['', 'steady (default)'],
              ['steady', 'steady: every stage in equilibrium'],
              ['network', "network: the network's stock and open orders"],
            ]}
          />
        </div>
        <div className="form-row">
          {field(
            'description',
            'Description',
            form.description,
            (description) => onChange({ ...form, description }),
            { wide: true },
          )}
        </div>
      </fieldset>

      <fieldset>
        <legend>End demand</legend>
        <p className="muted">
          Replaces the network's demand for these company and item pairs; others keep theirs.
        </p>
        {form.demand.map((row, index) => {
          const at = `demand.${index}`;
          const set = (change: Partial<DemandRow>) => setDemand(index, { ...row, ...change });
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place; their index is their identity
            <fieldset key={index} className="form-row row-group">
              <legend className="visually-hidden">Demand {index + 1}</legend>
              {field(`${at}.company`, 'Company', row.company, (company) => set({ company }), {
                list: `${lists}-companies`,
              })}
              {field(`${at}.item`, 'Item', row.item, (item) => set({ item }), { list: `${lists}-items` })}
              <SelectField
                label="Pattern"
                value={row.pattern}
                onChange={(pattern) => set({ pattern: pattern as DemandRow['pattern'] })}
                options={DEMAND_PATTERNS.map((pattern) => [pattern, pattern])}
              />
              {row.pattern === 'normal' ? (
                <>
                  {field(
                    `${at}.pattern.mean`,
                    `Mean (units/${choices.period})`,
                    row.mean,
                    (mean) => set({ mean }),
                    { number: true },
                  )}
                  {field(
                    `${at}.pattern.stdDev`,
                    'Standard deviation (units)',
                    row.stdDev,
                    (stdDev) => set({ stdDev }),
                    { number: true },
                  )}
                </>
              ) : null}
              {row.pattern === 'constant'
                ? field(
                    `${at}.pattern.value`,
                    `Units/${choices.period}`,
                    row.value,
                    (value) => set({ value }),
                    { number: true },
                  )
                : null}
              {row.pattern === 'series'
                ? field(
                    `${at}.pattern.quantities`,
                    'Units per period, from period 0 (comma-separated)',
                    row.quantities,
                    (quantities) => set({ quantities }),
                    { wide: true },
                  )
                : null}
              {field(
                `${at}.price`,
                'Price per unit (default the network’s)',
                row.price,
                (price) => set({ price }),
                { number: true },
              )}
              {row.changes.map((change, changeIndex) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: edited in place
                <fieldset key={changeIndex} className="form-row row-group">
                  <legend className="visually-hidden">
                    Change {changeIndex + 1} of demand {index + 1}
                  </legend>
                  {field(
                    `${at}.changes.${changeIndex}.from`,
                    `From ${choices.period}`,
                    change.from,
                    (from) =>
                      set({
                        changes: row.changes.map((old, i) => (i === changeIndex ? { ...old, from } : old)),
                      }),
                    { number: true },
                  )}
                  {field(
                    `${at}.changes.${changeIndex}.factor`,
                    'Factor (1 = base)',
                    change.factor,
                    (factor) =>
                      set({
                        changes: row.changes.map((old, i) => (i === changeIndex ? { ...old, factor } : old)),
                      }),
                    { number: true },
                  )}
                  <button
                    type="button"
                    className="button-quiet"
                    onClick={() => set({ changes: row.changes.filter((_, i) => i !== changeIndex) })}
                  >
                    Remove change
                  </button>
                </fieldset>
              ))}
              <button
                type="button"
                className="button-quiet"
                onClick={() => set({ changes: [...row.changes, { from: '', factor: '' }] })}
              >
                Add a change
              </button>
              <button
                type="button"
                className="button-quiet"
                onClick={() => onChange({ ...form, demand: form.demand.filter((_, i) => i !== index) })}
              >
                Remove demand {index + 1}
              </button>
            </fieldset>
          );
        })}
        <button
          type="button"
          className="button-quiet"
          onClick={() => onChange({ ...form, demand: [...form.demand, emptyDemand()] })}
        >
          Add end demand
        </button>
      </fieldset>

      <fieldset>
        <legend>How companies order</legend>
        <div className="form-row">
          <SelectField
            label="Ordering policy of every company"
            value={form.policy.kind}
            onChange={(kind) => setPolicy({ kind: kind as PolicyForm['kind'] })}
            options={[
              ['none', 'default (order-up-to, 4-period moving average, z 1.65)'],
              ['order-up-to', 'order-up-to (set below)'],
              ...(form.kept.policyDefault === undefined
                ? []
                : [['other', 'as written in the YAML'] as const]),
            ]}
          />
          {form.policy.kind === 'order-up-to' ? (
            <>
              <SelectField
                label="Forecast"
                value={form.policy.forecast}
                onChange={(forecast) => setPolicy({ forecast: forecast as PolicyForm['forecast'] })}
                options={[
                  ['', 'default (4-period moving average)'],
                  ['moving-average', 'moving average'],
                  ['exponential-smoothing', 'exponential smoothing'],
                ]}
              />
              {form.policy.forecast === 'moving-average'
                ? field(
                    'policy.default.forecast.periods',
                    `Periods averaged (${unit})`,
                    form.policy.forecastPeriods,
                    (forecastPeriods) => setPolicy({ forecastPeriods }),
                    { number: true },
                  )
                : null}
              {form.policy.forecast === 'exponential-smoothing'
                ? field(
                    'policy.default.forecast.alpha',
                    'Alpha (0–1)',
                    form.policy.alpha,
                    (alpha) => setPolicy({ alpha }),
                    { number: true },
                  )
                : null}
              {field(
                'policy.default.safetyFactor',
                'Safety factor z',
                form.policy.safetyFactor,
                (safetyFactor) => setPolicy({ safetyFactor }),
                { number: true },
              )}
            </>
          ) : null}
        </div>
        <div className="form-row">
          <ChoiceField
            label="Share end-customer demand (information sharing)"
            value={form.policy.informationSharing}
            onChange={(informationSharing) => setPolicy({ informationSharing })}
          />
          <ChoiceField
            label="Overtime (up to maximum capacity)"
            value={form.policy.overtime}
            onChange={(overtime) => setPolicy({ overtime })}
          />
          <ChoiceField
            label="Negative orders (returns)"
            value={form.policy.allowReturns}
            onChange={(allowReturns) => setPolicy({ allowReturns })}
          />
          <SelectField
            label="Allocation when short"
            value={form.policy.allocation}
            onChange={(allocation) => setPolicy({ allocation: allocation as PolicyForm['allocation'] })}
            options={[['', 'default (proportional)'], ...ALLOCATIONS.map((rule) => [rule, rule] as const)]}
          />
          {field(
            'policy.informationDelay',
            `Order mail delay (${unit})`,
            form.policy.informationDelay,
            (informationDelay) => setPolicy({ informationDelay }),
            { number: true },
          )}
          {field(
            'policy.bankruptcyGracePeriods',
            `Bankrupt after (${unit} below zero cash; default 4)`,
            form.policy.bankruptcyGracePeriods,
            (bankruptcyGracePeriods) => setPolicy({ bankruptcyGracePeriods }),
            { number: true },
          )}
        </div>
        {form.kept.policyCompanies !== undefined ||
        form.kept.costs !== undefined ||
        form.kept.priority !== undefined ? (
          <p className="muted">
            Company overrides, costs and priority lists are kept as written; edit them in the YAML tab.
          </p>
        ) : null}
      </fieldset>

      <fieldset>
        <legend>Events</legend>
        <p className="muted">
          Windows run from “from” (inclusive) to “to” (exclusive), in {unit} from 0; days are rounded up to{' '}
          {unit}.
        </p>
        {form.events.map((row, index) => {
          const at = `events.${index}`;
          const set = (change: Partial<EventRow>) => setEvent(index, { ...row, ...change });
          const fields = EVENT_FIELDS[row.type];
          return (
            // biome-ignore lint/suspicious/noArrayIndexKey: rows are edited in place
            <fieldset key={index} className="form-row row-group">
              <legend className="visually-hidden">Event {index + 1}</legend>
              <SelectField
                label={`Event ${index + 1}`}
                value={row.type}
                onChange={(type) => set({ type: type as EventType })}
                options={EVENT_TYPES.map((type) => [type, EVENT_LABELS[type]])}
              />
              {fields.includes('company')
                ? field(`${at}.company`, 'Company', row.company, (company) => set({ company }), {
                    list: `${lists}-companies`,
                  })
                : null}
              {fields.includes('region')
                ? field(`${at}.region`, 'Region', row.region, (region) => set({ region }), {
                    list: `${lists}-regions`,
                  })
                : null}
              {fields.includes('supplier')
                ? field(`${at}.supplier`, 'Supplier', row.supplier, (supplier) => set({ supplier }), {
                    list: `${lists}-companies`,
                  })
                : null}
              {fields.includes('buyer')
                ? field(`${at}.buyer`, 'Buyer', row.buyer, (buyer) => set({ buyer }), {
                    list: `${lists}-companies`,
                  })
                : null}
              {fields.includes('item')
                ? field(`${at}.item`, 'Item (optional: all)', row.item, (item) => set({ item }), {
                    list: `${lists}-items`,
                  })
                : null}
              {fields.includes('at')
                ? field(
                    `${at}.at`,
                    `Bankrupt from ${choices.period}`,
                    row.at,
                    (value) => set({ at: value }),
                    { number: true },
                  )
                : null}
              {fields.includes('factor')
                ? field(`${at}.factor`, 'Factor', row.factor, (factor) => set({ factor }), { number: true })
                : null}
              {fields.includes('extraLeadTime')
                ? field(
                    `${at}.extraLeadTime`,
                    `Extra lead time (${unit})`,
                    row.extraLeadTime,
                    (extraLeadTime) => set({ extraLeadTime }),
                    { number: true },
                  )
                : null}
              {fields.includes('extraDays')
                ? field(`${at}.extraDays`, 'Extra days', row.extraDays, (extraDays) => set({ extraDays }), {
                    number: true,
                  })
                : null}
              {hasWindow(row.type) ? (
                <>
                  {field(`${at}.from`, `From ${choices.period}`, row.from, (from) => set({ from }), {
                    number: true,
                  })}
                  <SelectField
                    label="Window ends"
                    value={row.end}
                    onChange={(end) => set({ end: end as EventRow['end'] })}
                    options={[
                      ['to', 'at a period (to)'],
                      ['duration', 'after a duration'],
                    ]}
                  />
                  {row.end === 'to'
                    ? field(
                        `${at}.to`,
                        `To ${choices.period} (empty: the end)`,
                        row.to,
                        (to) => set({ to }),
                        { number: true },
                      )
                    : field(
                        `${at}.duration`,
                        `Duration (${unit})`,
                        row.duration,
                        (duration) => set({ duration }),
                        { number: true },
                      )}
                </>
              ) : null}
              <button
                type="button"
                className="button-quiet"
                onClick={() => onChange({ ...form, events: form.events.filter((_, i) => i !== index) })}
              >
                Remove event {index + 1}
              </button>
            </fieldset>
          );
        })}
        <button
          type="button"
          className="button-quiet"
          onClick={() => onChange({ ...form, events: [...form.events, emptyEvent()] })}
        >
          Add an event
        </button>
      </fieldset>
    </div>
  );
}

interface FieldExtra {
  readonly number?: boolean;
  readonly wide?: boolean;
  readonly list?: string;
}

function Field({
  path,
  label,
  value,
  onChange,
  problems,
  number,
  wide,
  list,
}: FieldExtra & {
  readonly path: string;
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly problems: readonly string[];
}) {
  const id = useId();
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        name={path}
        data-path={path}
        inputMode={number ? 'decimal' : undefined}
        className={wide ? 'wide' : number ? 'narrow' : undefined}
        value={value}
        list={list}
        aria-invalid={problems.length > 0 ? true : undefined}
        aria-describedby={problems.length > 0 ? `${id}-problem` : undefined}
        onChange={(event) => onChange(event.target.value)}
      />
      {problems.length > 0 ? (
        <span id={`${id}-problem`} className="field-error">
          {problems.join('; ')}
        </span>
      ) : null}
    </span>
  );
}

function SelectField({
  label,
  value,
  onChange,
  options,
}: {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  readonly options: readonly (readonly [string, ReactNode])[];
}) {
  const id = useId();
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(event) => onChange(event.target.value)}>
        {options.map(([option, text]) => (
          <option key={option} value={option}>
            {text}
          </option>
        ))}
      </select>
    </span>
  );
}

function ChoiceField({
  label,
  value,
  onChange,
}: {
  readonly label: string;
  readonly value: Choice;
  readonly onChange: (value: Choice) => void;
}) {
  return (
    <SelectField
      label={label}
      value={value}
      onChange={(choice) => onChange(choice as Choice)}
      options={[
        ['', 'default (no)'],
        ['yes', 'yes'],
        ['no', 'no'],
      ]}
    />
  );
}
