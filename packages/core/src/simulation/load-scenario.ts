/**
 * @module simulation/load-scenario
 * Loading a scenario (`keten.scenario/v1`) from YAML or JSON text against the network it is meant
 * for. Same machinery and manners as network files (`model/load.ts`): every problem at once, each
 * with file, line, column and a message that says what to do; unknown companies, items, regions and
 * lanes with a "did you mean"; never a throw, whatever the input.
 *
 * @example
 * const result = loadScenario(text, 'scenario.yaml', network);
 * if (result.ok) simulate(network, result.value.scenario, { runs: 100, seed: 1 });
 * else for (const issue of result.error) console.log(formatIssue(issue));
 */
import type { z } from 'zod';
import { DEFAULT_MAX_BYTES } from '../model/input-limits.ts';
import { type DocumentPath, formatPath, type Issue, sortIssues } from '../model/issues.ts';
import { type LoadOptions, sizeIssue, unexpected } from '../model/load-result.ts';
import { type Locate, locateNowhere } from '../model/locate.ts';
import { parseJson } from '../model/parse-json.ts';
import { parseYaml } from '../model/parse-yaml.ts';
import type { Network } from '../model/schema.ts';
import { describeValue, type IssueDraft, placeIssues, schemaIssues } from '../model/schema-issues.ts';
import { didYouMean } from '../model/suggest.ts';
import { err, ok, type Result } from '../result.ts';
import {
  CompanyPolicy,
  type CompanySettingsInput,
  DEFAULT_ORDERING_POLICY,
  DEMAND_PATTERNS,
  type DemandPattern,
  EVENTS,
  FORECASTS,
  type Forecast,
  ORDERING_FIELDS,
  ORDERING_POLICIES,
  type OrderingPolicy,
  type Scenario,
  type ScenarioDemand,
  type ScenarioEvent,
  type ScenarioPolicy,
  ScenarioTop,
} from './scenario.ts';

/** A scenario that passed validation against its network. */
export interface LoadedScenario {
  readonly scenario: Scenario;
  /** Problems that do not stop loading, e.g. an event after the last period. */
  readonly warnings: Issue[];
}

/**
 * Load a scenario from YAML or JSON text (by the file name's extension, else by the first character)
 * and check it against `network`. On failure the list holds every error and warning, in file order.
 */
export function loadScenario(
  text: string,
  fileName: string,
  network: Network,
  options: LoadOptions = {},
): Result<LoadedScenario, Issue[]> {
  const loaded = loadValidatedDocument(text, fileName, options, (data, locate) => {
    const { scenario, issues } = validateScenario(data, network, locate);
    return scenario === undefined ? { issues } : { value: scenario, issues };
  });
  return loaded.ok ? ok({ scenario: loaded.value.value, warnings: loaded.value.warnings }) : loaded;
}

/**
 * What every small document loader does (scenarios, reshoring cases): refuse text over the size
 * limit, parse YAML or JSON (by the file name, else by the first character), validate, put the file
 * name on the issues and sort them; never a throw (a bug becomes an `internal-error` issue). The
 * validator is the caller's, so it can add checks between fields; for a document that a zod schema
 * alone checks, `model/load-document.ts` does the same.
 */
export function loadValidatedDocument<T>(
  text: string,
  fileName: string,
  options: LoadOptions,
  validate: (data: unknown, locate: Locate) => { value?: T; issues: Issue[] },
): Result<{ value: T; warnings: Issue[] }, Issue[]> {
  try {
    const limit = sizeIssue({ name: fileName, text }, options.maxBytes ?? DEFAULT_MAX_BYTES);
    if (limit !== undefined) return err([limit]);
    const json = options.format === 'json' || (options.format === undefined && looksLikeJson(fileName, text));
    const parsed = json ? parseJson(fileName, text) : parseYaml(fileName, text);
    if (!parsed.ok) return err(sortIssues(parsed.error));
    const { value, issues } = validate(parsed.value.data, parsed.value.locate);
    const all = sortIssues(
      [...(parsed.value.warnings ?? []), ...issues].map((issue) => ({ ...issue, file: fileName })),
    );
    if (value === undefined) return err(all);
    return ok({ value, warnings: all });
  } catch (error) {
    return err([unexpected(fileName, error)]);
  }
}

function looksLikeJson(fileName: string, text: string): boolean {
  const name = fileName.toLowerCase();
  if (name.endsWith('.json')) return true;
  if (name.endsWith('.yaml') || name.endsWith('.yml')) return false;
  return /^\s*[{[]/.test(text.slice(0, 4096));
}

/**
 * Validate plain data (parsed YAML or JSON, or an HTTP body) as a scenario for `network`. Issues have
 * an empty `file`; `locate` gives them positions. `scenario` is present when there are no errors.
 */
export function validateScenario(
  data: unknown,
  network: Network,
  locate: Locate = locateNowhere,
): { scenario?: Scenario; issues: Issue[] } {
  const checker = new ScenarioChecker(network);
  const scenario = checker.run(data);
  const issues = placeIssues(checker.drafts, locate);
  const failed = issues.some((issue) => issue.severity === 'error');
  return failed || scenario === undefined ? { issues } : { scenario, issues };
}

type Fields = Record<string, unknown>;

const isFields = (value: unknown): value is Fields =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Suggestions cost an edit distance per candidate; a file full of typos stops getting them. */
const MAX_SUGGESTIONS = 100;

class ScenarioChecker {
  readonly drafts: IssueDraft[] = [];
  private readonly companies: Set<string>;
  private readonly items: Set<string>;
  private readonly regions: Set<string>;
  /** company → items it makes or buys. */
  private readonly sells = new Map<string, Set<string>>();
  /** buyer → supplier → items on the lane. */
  private readonly lanes = new Map<string, Map<string, Set<string>>>();
  private readonly demandOf = new Set<string>();
  private suggestionsLeft = MAX_SUGGESTIONS;
  private periods: number;

  constructor(private readonly network: Network) {
    this.companies = new Set(network.companies.map((company) => company.id));
    this.items = new Set(network.items.map((item) => item.id));
    this.regions = new Set(network.companies.map((company) => company.site.region));
    const sell = (company: string, item: string) => {
      let items = this.sells.get(company);
      if (items === undefined) {
        items = new Set();
        this.sells.set(company, items);
      }
      items.add(item);
    };
    for (const record of network.production ?? []) sell(record.company, record.item);
    for (const rule of network.sourcing ?? []) {
      sell(rule.buyer, rule.item);
      let suppliers = this.lanes.get(rule.buyer);
      if (suppliers === undefined) {
        suppliers = new Map();
        this.lanes.set(rule.buyer, suppliers);
      }
      for (const line of rule.suppliers) {
        let items = suppliers.get(line.supplier);
        if (items === undefined) {
          items = new Set();
          suppliers.set(line.supplier, items);
        }
        items.add(rule.item);
      }
    }
    for (const record of network.demand ?? []) this.demandOf.add(`${record.company}\u0000${record.item}`);
    this.periods = network.horizon;
  }

  run(data: unknown): Scenario | undefined {
    if (!isFields(data)) {
      this.drafts.push({
        path: [],
        code: 'wrong-type',
        message: `a scenario file must hold a group of fields at the top (format, name, periods, demand, policy, events), not ${describeValue(data)}`,
      });
      return undefined;
    }
    const top = ScenarioTop.safeParse(data);
    if (!top.success) this.schema(ScenarioTop, data, []);
    if (top.success && top.data.periods !== undefined) this.periods = top.data.periods;
    // A broken 'periods' says nothing about which events are outside the run: warn about none.
    else if (!top.success && data.periods !== undefined) {
      const periods = ScenarioTop.shape.periods.safeParse(data.periods);
      this.periods = periods.success && periods.data !== undefined ? periods.data : Number.POSITIVE_INFINITY;
    }
    if (top.success && top.data.warmUp !== undefined && top.data.warmUp >= this.periods) {
      this.drafts.push({
        path: ['warmUp'],
        code: 'invalid-value',
        message: `'warmUp' is ${top.data.warmUp} but the run has ${this.periods} periods; leave at least one period to measure`,
      });
    }
    const demand = this.demand(data.demand);
    const policy = this.policy(data.policy);
    const events = this.events(data.events);
    if (!top.success || demand === undefined || policy === undefined || events === undefined)
      return undefined;
    const scenario: Record<string, unknown> = { ...top.data };
    if (top.data.demand !== undefined) scenario.demand = demand;
    if (top.data.policy !== undefined) scenario.policy = policy;
    if (top.data.events !== undefined) scenario.events = events;
    return scenario as unknown as Scenario;
  }

  // ------------------------------------------------------------ demand

  private demand(raw: unknown): ScenarioDemand[] | undefined {
    if (!Array.isArray(raw)) return [];
    const result: ScenarioDemand[] = [];
    const seen = new Map<string, number>();
    let failed = false;
    raw.forEach((entry, index) => {
      const path: DocumentPath = ['demand', index];
      if (!isFields(entry)) return; // the top-level schema reported it
      const pattern = this.tagged<DemandPattern>(
        entry.pattern,
        [...path, 'pattern'],
        DEMAND_PATTERNS,
        'a demand pattern',
      );
      const company = this.company(entry.company, [...path, 'company']);
      const item = this.item(entry.item, [...path, 'item']);
      if (company !== undefined && item !== undefined) {
        if (!this.sells.get(company)?.has(item)) {
          this.drafts.push({
            path: [...path, 'item'],
            code: 'demand-unsourced-item',
            message: `'${company}' neither makes nor buys '${item}', so it cannot sell it; name an item it makes or buys`,
          });
          failed = true;
        }
        const key = `${company}\u0000${item}`;
        const first = seen.get(key);
        if (first !== undefined) {
          this.drafts.push({
            path,
            code: 'duplicate-record',
            message: `demand for '${company}' and '${item}' is already given in demand[${first}]; merge the two`,
          });
          failed = true;
        } else seen.set(key, index);
        if (pattern?.type === 'network' && !this.demandOf.has(key)) {
          this.drafts.push({
            path: [...path, 'pattern', 'type'],
            code: 'invalid-value',
            message: `the network has no demand for '${company}' and '${item}'; give a normal, constant or series pattern`,
          });
          failed = true;
        }
      } else failed = true;
      const changes = Array.isArray(entry.changes) ? entry.changes : [];
      changes.forEach((change, at) => {
        if (isFields(change) && typeof change.from === 'number' && change.from >= this.periods) {
          this.outside([...path, 'changes', at, 'from'], change.from, 'this change');
        }
      });
      if (pattern === undefined) failed = true;
      else result.push({ ...(entry as unknown as ScenarioDemand), pattern });
    });
    return failed ? undefined : result;
  }

  // ------------------------------------------------------------ policy

  private policy(raw: unknown): ScenarioPolicy | undefined {
    if (!isFields(raw)) return {};
    let failed = false;
    let base: OrderingPolicy | undefined;
    if (raw.default !== undefined) {
      base = this.ordering(raw.default, ['policy', 'default']);
      if (base === undefined) failed = true;
    }
    if (Array.isArray(raw.priority)) failed = this.priority(raw.priority, ['policy', 'priority']) || failed;
    const companies: Record<string, { ordering?: OrderingPolicy } & CompanySettingsInput> = {};
    if (isFields(raw.companies)) {
      for (const [id, override] of Object.entries(raw.companies)) {
        const path: DocumentPath = ['policy', 'companies', id];
        if (!this.companies.has(id)) {
          this.unknown('company', id, path, this.companies, 'key');
          failed = true;
        }
        const parsed = this.override(override, path, base, raw.default !== undefined);
        if (parsed === undefined) failed = true;
        else companies[id] = parsed;
      }
    }
    if (failed) return undefined;
    const policy: Record<string, unknown> = { ...raw };
    if (base !== undefined) policy.default = base;
    if (raw.companies !== undefined) policy.companies = companies;
    return policy as ScenarioPolicy;
  }

  /** A company override: its own fields checked, then its ordering fields merged onto the default. */
  private override(
    raw: unknown,
    path: DocumentPath,
    base: OrderingPolicy | undefined,
    defaultGiven: boolean,
  ): ({ ordering?: OrderingPolicy } & CompanySettingsInput) | undefined {
    if (!isFields(raw)) {
      this.drafts.push({
        path,
        code: 'wrong-type',
        message: `a company override must be a group of fields (type, forecast, safetyFactor, allocation, ...), not ${describeValue(raw)}`,
      });
      return undefined;
    }
    const parsed = CompanyPolicy.safeParse(raw);
    if (!parsed.success) {
      this.schema(CompanyPolicy, raw, path);
      return undefined;
    }
    const settings: Record<string, unknown> = {};
    const ordering: Fields = {};
    for (const [key, value] of Object.entries(parsed.data)) {
      if (value === undefined) continue;
      if ((ORDERING_FIELDS as readonly string[]).includes(key)) ordering[key] = value;
      else settings[key] = value;
    }
    if (Array.isArray(settings.priority) && this.priority(settings.priority, [...path, 'priority'])) {
      return undefined;
    }
    if (Object.keys(ordering).length === 0) return settings;
    if (defaultGiven && base === undefined) return undefined; // the default's own issues say why
    const inherited = base ?? DEFAULT_ORDERING_POLICY;
    const start: Fields =
      ordering.type === undefined || ordering.type === inherited.type ? { ...inherited } : {};
    const merged = this.ordering({ ...start, ...ordering }, path);
    return merged === undefined ? undefined : { ...settings, ordering: merged };
  }

  private ordering(raw: unknown, path: DocumentPath): OrderingPolicy | undefined {
    const policy = this.tagged<OrderingPolicy>(raw, path, ORDERING_POLICIES, 'an ordering policy');
    if (policy === undefined) return undefined;
    if (policy.type === 's-S' && policy.S < policy.s) {
      this.drafts.push({
        path: [...path, 'S'],
        code: 'invalid-value',
        message: `'S' (${policy.S}) is below 's' (${policy.s}); the order-up-to level S must be at least the reorder point s`,
      });
      return undefined;
    }
    if ('forecast' in policy && policy.forecast !== undefined) {
      const forecast = this.tagged<Forecast>(policy.forecast, [...path, 'forecast'], FORECASTS, 'a forecast');
      if (forecast === undefined) return undefined;
      return { ...policy, forecast } as OrderingPolicy;
    }
    return policy;
  }

  /** True when some company in the list is unknown. */
  private priority(list: readonly unknown[], path: DocumentPath): boolean {
    let failed = false;
    list.forEach((id, index) => {
      if (typeof id === 'string' && !this.companies.has(id)) {
        this.unknown('company', id, [...path, index], this.companies);
        failed = true;
      }
    });
    return failed;
  }

  // ------------------------------------------------------------ events

  private events(raw: unknown): ScenarioEvent[] | undefined {
    if (!Array.isArray(raw)) return [];
    const result: ScenarioEvent[] = [];
    let failed = false;
    raw.forEach((entry, index) => {
      const path: DocumentPath = ['events', index];
      const event = this.tagged<ScenarioEvent>(entry, path, EVENTS, 'an event');
      if (event === undefined || !this.eventFits(event, path)) failed = true;
      else result.push(event);
    });
    return failed ? undefined : result;
  }

  /** References and the window of a schema-valid event. */
  private eventFits(event: ScenarioEvent, path: DocumentPath): boolean {
    const before = this.errorCount();
    switch (event.type) {
      case 'supplier-failure':
      case 'payment-delay':
        this.company(event.company, [...path, 'company']);
        break;
      case 'bankruptcy':
        this.company(event.company, [...path, 'company']);
        if (event.at >= this.periods) this.outside([...path, 'at'], event.at, 'this bankruptcy');
        break;
      case 'region-capacity':
        if (!this.regions.has(event.region))
          this.unknown('region', event.region, [...path, 'region'], this.regions);
        break;
      case 'lane-delay': {
        const supplier = this.company(event.supplier, [...path, 'supplier']);
        const buyer = this.company(event.buyer, [...path, 'buyer']);
        if (event.item !== undefined) this.item(event.item, [...path, 'item']);
        if (supplier !== undefined && buyer !== undefined) {
          const items = this.lanes.get(buyer)?.get(supplier);
          if (items === undefined) {
            const known = [...(this.lanes.get(buyer)?.keys() ?? [])];
            this.drafts.push({
              path: [...path, 'supplier'],
              code: 'unknown-reference',
              message: `'${buyer}' buys nothing from '${supplier}'${didYouMean(supplier, known)}; a lane delay needs a supplier of the buyer's sourcing${known.length > 0 && known.length <= 10 ? ` (${known.join(', ')})` : ''}`,
            });
          } else if (event.item !== undefined && this.items.has(event.item) && !items.has(event.item)) {
            this.drafts.push({
              path: [...path, 'item'],
              code: 'unknown-reference',
              message: `'${buyer}' does not buy '${event.item}' from '${supplier}' (it buys ${[...items].join(', ')}); name one of those or leave 'item' out`,
            });
          }
        }
        break;
      }
      case 'demand-change': {
        const company = this.company(event.company, [...path, 'company']);
        if (event.item !== undefined) {
          const item = this.item(event.item, [...path, 'item']);
          if (company !== undefined && item !== undefined && !this.sells.get(company)?.has(item)) {
            this.drafts.push({
              path: [...path, 'item'],
              code: 'demand-unsourced-item',
              message: `'${company}' neither makes nor buys '${item}', so it has no demand for it to change`,
            });
          }
        }
        break;
      }
    }
    if (event.type !== 'bankruptcy') this.window(event, path);
    return this.errorCount() === before;
  }

  private window(
    event: { from: number; to?: number | undefined; duration?: number | undefined },
    path: DocumentPath,
  ): void {
    if (event.to !== undefined && event.duration !== undefined) {
      this.drafts.push({
        path: [...path, 'duration'],
        code: 'invalid-value',
        message: "give either 'to' or 'duration', not both ('duration' is to - from)",
      });
    } else if (event.to === undefined && event.duration === undefined) {
      this.drafts.push({
        path,
        code: 'missing-field',
        message: "this event needs 'to' (the first period after it, exclusive) or 'duration' (periods)",
      });
    } else if (event.to !== undefined && event.to <= event.from) {
      this.drafts.push({
        path: [...path, 'to'],
        code: 'invalid-value',
        message: `'to' (${event.to}) must be after 'from' (${event.from}); the window runs from 'from' inclusive to 'to' exclusive`,
      });
    } else if (event.from >= this.periods) {
      this.outside([...path, 'from'], event.from, 'this event');
    }
  }

  // ------------------------------------------------------------ helpers

  private errorCount(): number {
    let count = 0;
    for (const draft of this.drafts) if (draft.severity !== 'warning') count++;
    return count;
  }

  private outside(path: DocumentPath, period: number, what: string): void {
    this.drafts.push({
      path,
      code: 'outside-horizon',
      severity: 'warning',
      message: `${what} starts in period ${period}, after the run's last period (${this.periods - 1}); it has no effect`,
    });
  }

  private company(value: unknown, path: DocumentPath): string | undefined {
    if (typeof value !== 'string') return undefined;
    if (this.companies.has(value)) return value;
    this.unknown('company', value, path, this.companies);
    return undefined;
  }

  private item(value: unknown, path: DocumentPath): string | undefined {
    if (typeof value !== 'string') return undefined;
    if (this.items.has(value)) return value;
    this.unknown('item', value, path, this.items);
    return undefined;
  }

  private unknown(
    kind: string,
    value: string,
    path: DocumentPath,
    known: ReadonlySet<string>,
    target: 'key' | 'value' = 'value',
  ): void {
    const hint = this.suggestionsLeft-- > 0 ? didYouMean(value, known) : '';
    this.drafts.push({
      path,
      code: 'unknown-reference',
      target,
      message: `unknown ${kind} '${value}'${hint}; the network '${this.network.name}' has no ${kind} with this id`,
    });
  }

  /** A part with a `type`: the type first, then the fields of that type. */
  private tagged<T>(
    value: unknown,
    path: DocumentPath,
    schemas: Readonly<Record<string, z.ZodType>>,
    what: string,
  ): T | undefined {
    const types = Object.keys(schemas);
    const label = formatPath(path) || 'the scenario';
    if (!isFields(value)) {
      this.drafts.push({
        path,
        code: value === undefined ? 'missing-field' : 'wrong-type',
        message:
          value === undefined
            ? `missing required field '${label}'`
            : `'${label}' must be ${what}: a group of fields with a type (${types.join(', ')}), not ${describeValue(value)}`,
      });
      return undefined;
    }
    const type = value.type;
    if (typeof type !== 'string') {
      this.drafts.push({
        path: type === undefined ? path : [...path, 'type'],
        code: type === undefined ? 'missing-field' : 'wrong-type',
        message: `'${label}' needs a 'type': one of ${types.join(', ')}`,
      });
      return undefined;
    }
    if (!Object.hasOwn(schemas, type)) {
      this.drafts.push({
        path: [...path, 'type'],
        code: 'invalid-value',
        message: `'${label}.type' must be one of ${types.join(', ')}, not '${type}'${didYouMean(type, types)}`,
      });
      return undefined;
    }
    const schema = schemas[type]!;
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      this.schema(schema, value, path);
      return undefined;
    }
    return parsed.data as T;
  }

  private schema(schema: z.ZodType, value: unknown, prefix: DocumentPath): void {
    const result = schema.safeParse(value, { reportInput: true });
    if (!result.success) this.drafts.push(...schemaIssues(schema, prefix, result.error.issues));
  }
}
