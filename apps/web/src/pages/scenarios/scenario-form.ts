/**
 * @module pages/scenarios/scenario-form
 * The scenario studio's form and the `keten.scenario/v1` scenario (docs/simulation.md) it stands for:
 * `scenarioToForm` fills the form from a scenario, `formToScenario` makes the scenario the server
 * validates (the form's text fields as numbers; a field that is not a number is an issue at the
 * scenario path of that field, e.g. `events.2.from`, the same path the server's 422 issues carry).
 * What the form has no fields for (company overrides, costs, a priority list, a default policy other
 * than order-up-to) is kept as it was, so a scenario survives the round trip whole.
 *
 * Share links: `encodeScenarioParam`/`decodeScenarioParam` put the scenario as base64url JSON in the
 * page's `?scenario=` query, so a link reopens it on any node holding the network; nothing is stored.
 * Pure: no DOM, no React.
 */
import type { Scenario } from '@keten/core';

export const SCENARIO_FORMAT = 'keten.scenario/v1';

/** A yes/no setting that may also be left out (then the simulator's default holds). */
export type Choice = '' | 'yes' | 'no';

export const DEMAND_PATTERNS = ['normal', 'constant', 'series', 'network'] as const;
export type PatternType = (typeof DEMAND_PATTERNS)[number];

export interface DemandChangeRow {
  readonly from: string;
  readonly factor: string;
}

export interface DemandRow {
  readonly company: string;
  readonly item: string;
  readonly pattern: PatternType;
  readonly mean: string;
  readonly stdDev: string;
  readonly value: string;
  /** Quantities per period, separated by commas or spaces. */
  readonly quantities: string;
  readonly changes: readonly DemandChangeRow[];
  readonly price: string;
}

export const EVENT_TYPES = [
  'supplier-failure',
  'bankruptcy',
  'region-capacity',
  'lane-delay',
  'payment-delay',
  'demand-change',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One event; only the fields of its `type` are used. */
export interface EventRow {
  readonly type: EventType;
  readonly company: string;
  readonly region: string;
  readonly supplier: string;
  readonly buyer: string;
  readonly item: string;
  readonly from: string;
  /** How the window ends: `to` (exclusive) or a `duration`. */
  readonly end: 'to' | 'duration';
  readonly to: string;
  readonly duration: string;
  readonly at: string;
  readonly factor: string;
  readonly extraLeadTime: string;
  readonly extraDays: string;
}

export const ALLOCATIONS = ['proportional', 'fifo', 'priority'] as const;

export interface PolicyForm {
  /** `none`: no default given (the simulator's); `order-up-to`: edited here; `other`: kept as written. */
  readonly kind: 'none' | 'order-up-to' | 'other';
  readonly forecast: '' | 'moving-average' | 'exponential-smoothing';
  readonly forecastPeriods: string;
  readonly alpha: string;
  readonly safetyFactor: string;
  readonly informationSharing: Choice;
  readonly overtime: Choice;
  readonly allowReturns: Choice;
  readonly allocation: '' | (typeof ALLOCATIONS)[number];
  readonly informationDelay: string;
  readonly bankruptcyGracePeriods: string;
}

export interface ScenarioForm {
  readonly name: string;
  readonly description: string;
  readonly periods: string;
  readonly warmUp: string;
  readonly runs: string;
  readonly seed: string;
  readonly initialState: '' | 'steady' | 'network';
  readonly demand: readonly DemandRow[];
  readonly policy: PolicyForm;
  readonly events: readonly EventRow[];
  /** What the form does not edit, kept as it was. */
  readonly kept: {
    readonly policyDefault?: unknown;
    readonly policyCompanies?: unknown;
    readonly priority?: unknown;
    readonly costs?: unknown;
  };
  /** Whether the scenario had a `policy` section at all (kept empty if it was). */
  readonly hasPolicy: boolean;
}

/** A problem with a field of the form, at the scenario path of that field (`events.0.from`). */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

export type FormResult =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly issues: readonly FieldIssue[] };

// ---------------------------------------------------------------- empty rows

export const EMPTY_POLICY: PolicyForm = {
  kind: 'none',
  forecast: '',
  forecastPeriods: '',
  alpha: '',
  safetyFactor: '',
  informationSharing: '',
  overtime: '',
  allowReturns: '',
  allocation: '',
  informationDelay: '',
  bankruptcyGracePeriods: '',
};

export function emptyDemand(company = '', item = ''): DemandRow {
  return {
    company,
    item,
    pattern: 'normal',
    mean: '',
    stdDev: '',
    value: '',
    quantities: '',
    changes: [],
    price: '',
  };
}

export function emptyEvent(type: EventType = 'supplier-failure'): EventRow {
  return {
    type,
    company: '',
    region: '',
    supplier: '',
    buyer: '',
    item: '',
    from: '',
    end: 'to',
    to: '',
    duration: '',
    at: '',
    factor: '',
    extraLeadTime: '',
    extraDays: '',
  };
}

/** A new scenario's form: a name, everything else left to the network and the simulator's defaults. */
export function newScenarioForm(name = 'my-scenario'): ScenarioForm {
  return {
    name,
    description: '',
    periods: '',
    warmUp: '',
    runs: '',
    seed: '',
    initialState: '',
    demand: [],
    policy: EMPTY_POLICY,
    events: [],
    kept: {},
    hasPolicy: false,
  };
}

// ---------------------------------------------------------------- scenario → form

const text = (value: number | undefined): string => (value === undefined ? '' : String(value));
const choice = (value: boolean | undefined): Choice => (value === undefined ? '' : value ? 'yes' : 'no');

/** The form of a scenario (one that the server accepted, or any object of its shape). */
export function scenarioToForm(scenario: Scenario): ScenarioForm {
  const policy = scenario.policy;
  const defaultPolicy = policy?.default as Record<string, unknown> | undefined;
  const editable = defaultPolicy !== undefined && isEditableOrderUpTo(defaultPolicy);
  const forecast = (editable ? defaultPolicy.forecast : undefined) as
    | { type: 'moving-average'; periods: number }
    | { type: 'exponential-smoothing'; alpha: number }
    | undefined;
  const policyCompanies = (policy as { companies?: unknown } | undefined)?.companies;
  return {
    name: scenario.name,
    description: scenario.description ?? '',
    periods: text(scenario.periods),
    warmUp: text(scenario.warmUp),
    runs: text(scenario.runs),
    seed: text(scenario.seed),
    initialState: scenario.initialState ?? '',
    demand: (scenario.demand ?? []).map((demand) => {
      const pattern = demand.pattern;
      return {
        company: demand.company,
        item: demand.item,
        pattern: pattern.type,
        mean: pattern.type === 'normal' ? String(pattern.mean) : '',
        stdDev: pattern.type === 'normal' ? String(pattern.stdDev) : '',
        value: pattern.type === 'constant' ? String(pattern.value) : '',
        quantities: pattern.type === 'series' ? pattern.quantities.join(', ') : '',
        changes: (demand.changes ?? []).map((change) => ({
          from: String(change.from),
          factor: String(change.factor),
        })),
        price: text(demand.price),
      };
    }),
    policy: {
      kind: defaultPolicy === undefined ? 'none' : editable ? 'order-up-to' : 'other',
      forecast: forecast?.type ?? '',
      forecastPeriods: forecast?.type === 'moving-average' ? String(forecast.periods) : '',
      alpha: forecast?.type === 'exponential-smoothing' ? String(forecast.alpha) : '',
      safetyFactor: editable ? text(defaultPolicy.safetyFactor as number | undefined) : '',
      informationSharing: choice(policy?.informationSharing),
      overtime: choice(policy?.overtime),
      allowReturns: choice(policy?.allowReturns),
      allocation: policy?.allocation ?? '',
      informationDelay: text(policy?.informationDelay),
      bankruptcyGracePeriods: text(policy?.bankruptcyGracePeriods),
    },
    events: (scenario.events ?? []).map((event) => {
      const row = emptyEvent(event.type);
      const fields = event as unknown as Record<string, unknown>;
      const value = (key: string) => (fields[key] === undefined ? '' : String(fields[key]));
      return {
        ...row,
        company: value('company'),
        region: value('region'),
        supplier: value('supplier'),
        buyer: value('buyer'),
        item: value('item'),
        from: value('from'),
        end: fields.duration !== undefined ? 'duration' : 'to',
        to: value('to'),
        duration: value('duration'),
        at: value('at'),
        factor: value('factor'),
        extraLeadTime: value('extraLeadTime'),
        extraDays: value('extraDays'),
      };
    }),
    kept: {
      ...(defaultPolicy !== undefined && !editable ? { policyDefault: defaultPolicy } : {}),
      ...(policyCompanies === undefined ? {} : { policyCompanies }),
      ...(policy?.priority === undefined ? {} : { priority: policy.priority }),
      ...(scenario.costs === undefined ? {} : { costs: scenario.costs }),
    },
    hasPolicy: policy !== undefined,
  };
}

/** An order-up-to default the form can show whole: only `type`, `forecast` and `safetyFactor`. */
function isEditableOrderUpTo(policy: Record<string, unknown>): boolean {
  if (policy.type !== 'order-up-to') return false;
  if (Object.keys(policy).some((key) => !['type', 'forecast', 'safetyFactor'].includes(key))) return false;
  const forecast = policy.forecast as Record<string, unknown> | undefined;
  if (forecast === undefined) return true;
  if (forecast.type === 'moving-average') return sameKeys(forecast, ['type', 'periods']);
  if (forecast.type === 'exponential-smoothing') return sameKeys(forecast, ['type', 'alpha']);
  return false;
}

function sameKeys(object: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(object);
  return own.length === keys.length && keys.every((key) => own.includes(key));
}

// ---------------------------------------------------------------- form → scenario

/** Reads the form's numbers; every problem is named by its scenario path. */
class Reader {
  readonly issues: FieldIssue[] = [];

  /** The number in `value`, undefined when empty (and an issue when `required`). */
  number(
    value: string,
    path: string,
    options: { readonly required?: boolean; readonly whole?: boolean } = {},
  ): number | undefined {
    const trimmed = value.trim();
    if (trimmed === '') {
      if (options.required) this.issues.push({ path, message: 'is required: give a number' });
      return undefined;
    }
    const parsed = Number(trimmed);
    if (!Number.isFinite(parsed)) {
      this.issues.push({ path, message: `"${trimmed}" is not a number` });
      return undefined;
    }
    if (options.whole && !Number.isInteger(parsed)) {
      this.issues.push({ path, message: `must be a whole number, not ${trimmed}` });
      return undefined;
    }
    return parsed;
  }

  text(value: string, path: string): string {
    const trimmed = value.trim();
    if (trimmed === '') this.issues.push({ path, message: 'is required' });
    return trimmed;
  }
}

/** Sets `key` only when `value` is defined (the scenario never carries `undefined`). */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (value !== undefined && value !== '') target[key] = value;
}

const fromChoice = (value: Choice): boolean | undefined => (value === '' ? undefined : value === 'yes');

/** The scenario of the form, or the fields that are not numbers where numbers belong. */
export function formToScenario(form: ScenarioForm): FormResult {
  const read = new Reader();
  const scenario: Record<string, unknown> = { format: SCENARIO_FORMAT, name: read.text(form.name, 'name') };
  put(scenario, 'description', form.description.trim() === '' ? undefined : form.description);
  put(scenario, 'periods', read.number(form.periods, 'periods', { whole: true }));
  put(scenario, 'warmUp', read.number(form.warmUp, 'warmUp', { whole: true }));
  put(scenario, 'initialState', form.initialState);
  put(scenario, 'runs', read.number(form.runs, 'runs', { whole: true }));
  put(scenario, 'seed', read.number(form.seed, 'seed', { whole: true }));
  if (form.demand.length > 0) {
    scenario.demand = form.demand.map((row, index) => demandOf(row, `demand.${index}`, read));
  }
  const policy = policyOf(form, read);
  if (policy !== undefined) scenario.policy = policy;
  if (form.events.length > 0) {
    scenario.events = form.events.map((row, index) => eventOf(row, `events.${index}`, read));
  }
  put(scenario, 'costs', form.kept.costs);
  if (read.issues.length > 0) return { ok: false, issues: read.issues };
  return { ok: true, scenario: scenario as unknown as Scenario };
}

function demandOf(row: DemandRow, path: string, read: Reader): Record<string, unknown> {
  const demand: Record<string, unknown> = {
    company: read.text(row.company, `${path}.company`),
    item: read.text(row.item, `${path}.item`),
  };
  const at = `${path}.pattern`;
  switch (row.pattern) {
    case 'normal':
      demand.pattern = {
        type: 'normal',
        mean: read.number(row.mean, `${at}.mean`, { required: true }),
        stdDev: read.number(row.stdDev, `${at}.stdDev`, { required: true }),
      };
      break;
    case 'constant':
      demand.pattern = { type: 'constant', value: read.number(row.value, `${at}.value`, { required: true }) };
      break;
    case 'series': {
      const parts = row.quantities.split(/[\s,;]+/).filter((part) => part !== '');
      if (parts.length === 0)
        read.issues.push({ path: `${at}.quantities`, message: 'give at least one quantity' });
      demand.pattern = {
        type: 'series',
        quantities: parts.map((part, index) =>
          read.number(part, `${at}.quantities.${index}`, { required: true }),
        ),
      };
      break;
    }
    case 'network':
      demand.pattern = { type: 'network' };
      break;
  }
  if (row.changes.length > 0) {
    demand.changes = row.changes.map((change, index) => ({
      from: read.number(change.from, `${path}.changes.${index}.from`, { required: true, whole: true }),
      factor: read.number(change.factor, `${path}.changes.${index}.factor`, { required: true }),
    }));
  }
  put(demand, 'price', read.number(row.price, `${path}.price`));
  return demand;
}

function policyOf(form: ScenarioForm, read: Reader): Record<string, unknown> | undefined {
  const fields = form.policy;
  const policy: Record<string, unknown> = {};
  if (fields.kind === 'order-up-to') {
    const ordering: Record<string, unknown> = { type: 'order-up-to' };
    if (fields.forecast === 'moving-average') {
      ordering.forecast = {
        type: 'moving-average',
        periods: read.number(fields.forecastPeriods, 'policy.default.forecast.periods', {
          required: true,
          whole: true,
        }),
      };
    } else if (fields.forecast === 'exponential-smoothing') {
      ordering.forecast = {
        type: 'exponential-smoothing',
        alpha: read.number(fields.alpha, 'policy.default.forecast.alpha', { required: true }),
      };
    }
    put(ordering, 'safetyFactor', read.number(fields.safetyFactor, 'policy.default.safetyFactor'));
    policy.default = ordering;
  } else if (fields.kind === 'other') {
    put(policy, 'default', form.kept.policyDefault);
  }
  put(policy, 'informationSharing', fromChoice(fields.informationSharing));
  put(
    policy,
    'informationDelay',
    read.number(fields.informationDelay, 'policy.informationDelay', { whole: true }),
  );
  put(policy, 'allocation', fields.allocation);
  put(policy, 'priority', form.kept.priority);
  put(policy, 'allowReturns', fromChoice(fields.allowReturns));
  put(policy, 'overtime', fromChoice(fields.overtime));
  put(
    policy,
    'bankruptcyGracePeriods',
    read.number(fields.bankruptcyGracePeriods, 'policy.bankruptcyGracePeriods', { whole: true }),
  );
  put(policy, 'companies', form.kept.policyCompanies);
  if (Object.keys(policy).length === 0 && !form.hasPolicy) return undefined;
  return policy;
}

/** The fields each event type has besides `type` and its window (docs/simulation.md, Events). */
export const EVENT_FIELDS: Readonly<Record<EventType, readonly (keyof EventRow)[]>> = {
  'supplier-failure': ['company'],
  bankruptcy: ['company', 'at'],
  'region-capacity': ['region', 'factor'],
  'lane-delay': ['supplier', 'buyer', 'item', 'extraLeadTime'],
  'payment-delay': ['company', 'extraDays'],
  'demand-change': ['company', 'item', 'factor'],
};

/** Whether an event type has a window (`from`, and `to` or `duration`). */
export function hasWindow(type: EventType): boolean {
  return type !== 'bankruptcy';
}

const OPTIONAL_EVENT_FIELDS = new Set<keyof EventRow>(['item']);
const WHOLE_EVENT_FIELDS = new Set<keyof EventRow>(['at', 'extraLeadTime', 'extraDays']);
const NUMBER_EVENT_FIELDS = new Set<keyof EventRow>(['at', 'factor', 'extraLeadTime', 'extraDays']);

function eventOf(row: EventRow, path: string, read: Reader): Record<string, unknown> {
  const event: Record<string, unknown> = { type: row.type };
  for (const field of EVENT_FIELDS[row.type]) {
    const value = row[field] as string;
    if (NUMBER_EVENT_FIELDS.has(field)) {
      event[field] = read.number(value, `${path}.${field}`, {
        required: true,
        whole: WHOLE_EVENT_FIELDS.has(field),
      });
    } else if (OPTIONAL_EVENT_FIELDS.has(field)) {
      put(event, field, value.trim());
    } else {
      event[field] = read.text(value, `${path}.${field}`);
    }
  }
  if (hasWindow(row.type)) {
    event.from = read.number(row.from, `${path}.from`, { required: true, whole: true });
    if (row.end === 'duration') {
      event.duration = read.number(row.duration, `${path}.duration`, { required: true, whole: true });
    } else put(event, 'to', read.number(row.to, `${path}.to`, { whole: true }));
  }
  return event;
}

// ---------------------------------------------------------------- share links

/** The scenario as the `?scenario=` value of a share link: base64url of its JSON (UTF-8). */
export function encodeScenarioParam(scenario: Scenario): string {
  const bytes = new TextEncoder().encode(JSON.stringify(scenario));
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** The scenario of a share link's `?scenario=` value, or why it cannot be read. */
export function decodeScenarioParam(
  value: string,
): { readonly ok: true; readonly scenario: Scenario } | { readonly ok: false; readonly message: string } {
  try {
    const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
    const binary = atob(base64 + '='.repeat((4 - (base64.length % 4)) % 4));
    const bytes = Uint8Array.from(binary, (character) => character.charCodeAt(0));
    const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { ok: false, message: 'the link holds no scenario object' };
    }
    const candidate = parsed as { format?: unknown; name?: unknown };
    if (candidate.format !== SCENARIO_FORMAT || typeof candidate.name !== 'string') {
      return { ok: false, message: `the link holds no ${SCENARIO_FORMAT} scenario with a name` };
    }
    return { ok: true, scenario: parsed as Scenario };
  } catch {
    return {
      ok: false,
      message: 'the link is damaged (cut short when copied?): its scenario cannot be read',
    };
  }
}

/** A server issue's path (`['events', 2, 'from']`) as the form's (`events.2.from`). */
export function issuePath(path: readonly (string | number)[] | string | undefined): string {
  if (path === undefined) return '';
  return typeof path === 'string' ? path.replace(/^\//, '').replace(/\//g, '.') : path.join('.');
}
