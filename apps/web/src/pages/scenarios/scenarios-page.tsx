/**
 * @module pages/scenarios
 * The scenario studio: build a `keten.scenario/v1` scenario (docs/simulation.md) with a form or as
 * YAML, start from the shipped demo scenario, run it on the network as a job
 * (`POST …/simulate?async=1`) with a progress bar, see its plots, compare two runs side by side, and
 * share it: a link that reopens the scenario (the scenario itself, base64url JSON in `?scenario=`;
 * nothing is stored on the node), the scenario as a YAML file, and the HTML report of
 * `keten simulate --report` (`POST …/simulate?format=html`, the same runs and seed, so the same
 * figures). The server validates: its 422 issues appear at their fields.
 */
import type { NetworkGraph, Scenario, SimulationResult } from '@keten/core';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import demoScenarioText from '../../../../../examples/demo-scenario.yaml?raw';
import { ApiFailure, api } from '../../api/client.ts';
import { useApi } from '../../api/use-api.ts';
import { type JobView, useJob } from '../../api/use-job.ts';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';
import { JobProgress } from '../../components/job-progress.tsx';
import { navigate, useLocation } from '../../router.tsx';
import { downloadReport, saveText } from './downloads.ts';
import { type NetworkChoices, ScenarioEditor } from './scenario-editor.tsx';
import {
  decodeScenarioParam,
  encodeScenarioParam,
  type FieldIssue,
  formToScenario,
  issuePath,
  newScenarioForm,
  type ScenarioForm,
  scenarioToForm,
} from './scenario-form.ts';
import {
  Comparison,
  type NetworkFacts,
  runLabel,
  SimulationPlots,
  type SimulationRun,
} from './simulation-results.tsx';
import '../../analysis.css';

/** The shipped demo scenario (examples/demo-scenario.yaml), for the demo network. */
const DEMO_SCENARIO = parseYaml(demoScenarioText) as Scenario;

export function ScenariosPage({ network: name }: { readonly network: string }) {
  const loaded = useApi(
    (signal) => api.get<NetworkGraph>(`/api/v1/networks/${encodeURIComponent(name)}/graph`, { signal }),
    [name],
  );
  if (loaded.state === 'loading') return <Loading what={`network ${name}`} />;
  if (loaded.state === 'failed') return <ErrorDisplay error={loaded.error} />;
  return <Studio name={name} network={loaded.value} />;
}

function Studio({ name, network }: { readonly name: string; readonly network: NetworkGraph }) {
  const { search } = useLocation();
  const shared = search.get('scenario');
  const opened = useMemo(() => (shared === null ? undefined : decodeScenarioParam(shared)), [shared]);
  const [form, setForm] = useState<ScenarioForm>(() =>
    opened?.ok ? scenarioToForm(opened.scenario) : newScenarioForm(),
  );
  const [tab, setTab] = useState<'form' | 'yaml'>('form');
  const [yamlText, setYamlText] = useState('');
  const [yamlProblem, setYamlProblem] = useState<string | undefined>(undefined);
  const [formIssues, setFormIssues] = useState<readonly FieldIssue[]>([]);
  const [serverFailure, setServerFailure] = useState<ApiFailure | undefined>(undefined);
  const [runs, setRuns] = useState<readonly SimulationRun[]>([]);
  const [shownRun, setShownRun] = useState<number | undefined>(undefined);
  const [compare, setCompare] = useState<{ a: number | undefined; b: number | undefined }>({
    a: undefined,
    b: undefined,
  });
  const [link, setLink] = useState<string | undefined>(undefined);
  const [reportProblem, setReportProblem] = useState<ApiFailure | undefined>(undefined);
  const [reporting, setReporting] = useState(false);
  const job = useJob<SimulationResult>();
  const pending = useRef<Scenario | undefined>(undefined);
  const nextId = useRef(1);

  const choices = useMemo<NetworkChoices>(() => networkChoices(network), [network]);
  const facts = useMemo<NetworkFacts>(
    () => ({
      currency: network.currency,
      period: network.period,
      names: new Map(network.companies.id.map((id, index) => [id, network.companies.name[index] ?? id])),
    }),
    [network],
  );

  // A finished job becomes a run of this page.
  useEffect(() => {
    if (job.run.state !== 'succeeded' || pending.current === undefined) return;
    const run: SimulationRun = { id: nextId.current++, scenario: pending.current, result: job.run.result };
    pending.current = undefined;
    setRuns((old) => [...old, run]);
    setShownRun(run.id);
    setCompare((old) => ({ a: old.b ?? old.a, b: run.id }));
  }, [job.run]);

  // A failure to start (422 invalid-scenario): the issues go to their fields.
  useEffect(() => {
    if (job.run.state === 'failed' && job.run.job === undefined) setServerFailure(job.run.error);
  }, [job.run]);

  /** The scenario of the tab in use, or undefined with the problems shown. */
  const currentScenario = (): Scenario | undefined => {
    if (tab === 'yaml') {
      const read = readYaml(yamlText);
      if (!read.ok) {
        setYamlProblem(read.message);
        return undefined;
      }
      setYamlProblem(undefined);
      return read.scenario;
    }
    const result = formToScenario(form);
    setFormIssues(result.ok ? [] : result.issues);
    return result.ok ? result.scenario : undefined;
  };

  const run = (event: FormEvent) => {
    event.preventDefault();
    setServerFailure(undefined);
    const scenario = currentScenario();
    if (scenario === undefined) return;
    pending.current = scenario;
    job.start((signal) =>
      api.post<JobView<SimulationResult>>(
        `/api/v1/networks/${encodeURIComponent(name)}/simulate`,
        { scenario },
        { signal, query: { async: 1 } },
      ),
    );
  };

  const switchTab = (next: 'form' | 'yaml') => {
    if (next === tab) return;
    if (next === 'yaml') {
      const result = formToScenario(form);
      if (!result.ok) {
        setFormIssues(result.issues);
        return;
      }
      setFormIssues([]);
      setYamlText(stringifyYaml(result.scenario, { lineWidth: 0 }));
      setYamlProblem(undefined);
    } else {
      const read = readYaml(yamlText);
      if (!read.ok) {
        setYamlProblem(read.message);
        return;
      }
      setForm(scenarioToForm(read.scenario));
    }
    setTab(next);
  };

  const loadScenario = (scenario: Scenario) => {
    setForm(scenarioToForm(scenario));
    setYamlText(stringifyYaml(scenario, { lineWidth: 0 }));
    setFormIssues([]);
    setServerFailure(undefined);
    setYamlProblem(undefined);
  };

  const share = () => {
    const scenario = currentScenario();
    if (scenario === undefined) return;
    const query = `?scenario=${encodeScenarioParam(scenario)}`;
    navigate(`${window.location.pathname}${query}`, { replace: true });
    setLink(`${window.location.origin}${window.location.pathname}${query}`);
  };

  const downloadYaml = () => {
    const scenario = currentScenario();
    if (scenario === undefined) return;
    saveText(
      `${fileName(scenario.name)}.yaml`,
      stringifyYaml(scenario, { lineWidth: 0 }),
      'application/yaml',
    );
  };

  const report = async (shown: SimulationRun) => {
    setReporting(true);
    setReportProblem(undefined);
    try {
      await downloadReport(name, shown.scenario, shown.result.runs.length, shown.result.seed);
    } catch (error) {
      setReportProblem(
        error instanceof ApiFailure
          ? error
          : new ApiFailure(0, { code: 'client-error', message: String(error) }),
      );
    } finally {
      setReporting(false);
    }
  };

  const serverIssues: FieldIssue[] =
    serverFailure?.issues.map((issue) => ({
      path: issuePath(issue.path as string | readonly (string | number)[] | undefined),
      message: issue.message,
    })) ?? [];
  const issues = [...formIssues, ...serverIssues];
  const shown = runs.find((entry) => entry.id === shownRun);
  const runA = runs.find((entry) => entry.id === compare.a);
  const runB = runs.find((entry) => entry.id === compare.b);
  const busy = job.run.state === 'starting' || job.run.state === 'following';

  return (
    <>
      <h1>Scenario studio: {name}</h1>
      <p className="explain">
        What happens to every company when demand brakes, a supplier fails, a region locks down, a lane slows
        or a customer pays late? Build a scenario, run it many times (Monte Carlo) and see fill rates, stock,
        cash and the bullwhip: orders swinging harder the further up the chain.
      </p>
      {opened !== undefined && !opened.ok ? (
        <p className="error" role="alert">
          The shared link could not be opened: {opened.message}.
        </p>
      ) : null}
      <div className="actions">
        <button type="button" className="button-quiet" onClick={() => loadScenario(DEMO_SCENARIO)}>
          Load the demo scenario
        </button>
        <button type="button" className="button-quiet" onClick={() => loadScenario(newScenario())}>
          Start a new scenario
        </button>
      </div>
      <form onSubmit={run} noValidate aria-label="Scenario">
        <fieldset className="tabs row-group">
          <legend className="visually-hidden">Edit the scenario as</legend>
          <button
            type="button"
            className="button-quiet"
            aria-pressed={tab === 'form'}
            onClick={() => switchTab('form')}
          >
            Form
          </button>
          <button
            type="button"
            className="button-quiet"
            aria-pressed={tab === 'yaml'}
            onClick={() => switchTab('yaml')}
          >
            YAML
          </button>
        </fieldset>
        {issues.length > 0 ? (
          <div className="error" role="alert" data-testid="scenario-issues">
            <p className="error-title">
              {serverFailure === undefined ? 'The scenario has problems' : `${serverFailure.message}`}
            </p>
            <ul>
              {issues.map((issue, index) => (
                // biome-ignore lint/suspicious/noArrayIndexKey: issues have no identity of their own
                <li key={index}>
                  <code>{issue.path || 'scenario'}</code> {issue.message}
                </li>
              ))}
            </ul>
          </div>
        ) : serverFailure !== undefined ? (
          <ErrorDisplay error={serverFailure} title="The scenario was not run" />
        ) : null}
        {tab === 'form' ? (
          <ScenarioEditor form={form} onChange={setForm} issues={issues} choices={choices} />
        ) : (
          <div className="field">
            <label htmlFor="scenario-yaml">
              The scenario as YAML (keten.scenario/v1; docs/simulation.md)
            </label>
            <textarea
              id="scenario-yaml"
              className="scenario-yaml"
              spellCheck={false}
              value={yamlText}
              aria-invalid={yamlProblem !== undefined ? true : undefined}
              aria-describedby={yamlProblem === undefined ? undefined : 'scenario-yaml-problem'}
              onChange={(event) => setYamlText(event.target.value)}
            />
            {yamlProblem === undefined ? null : (
              <span id="scenario-yaml-problem" className="field-error">
                {yamlProblem}
              </span>
            )}
          </div>
        )}
        <div className="actions">
          <button type="submit" className="button-primary" disabled={busy}>
            Run the scenario
          </button>
          <button type="button" className="button-quiet" onClick={share}>
            Make a share link
          </button>
          <button type="button" className="button-quiet" onClick={downloadYaml}>
            Download as YAML
          </button>
        </div>
        {link === undefined ? null : (
          <p className="field">
            <label htmlFor="share-link">Link that reopens this scenario (the scenario is in the link)</label>
            <input
              id="share-link"
              className="wide"
              readOnly
              value={link}
              onFocus={(event) => event.target.select()}
            />
          </p>
        )}
      </form>
      <JobProgress
        run={job.run.state === 'failed' && job.run.job === undefined ? { state: 'idle' } : job.run}
        what="the simulation"
        onCancel={job.cancel}
      />

      {runs.length === 0 ? null : (
        <section aria-labelledby="runs-title">
          <h2 id="runs-title">Runs</h2>
          <div className="form-row">
            <span className="field">
              <label htmlFor="shown-run">Show</label>
              <select
                id="shown-run"
                value={shownRun ?? ''}
                onChange={(event) => setShownRun(Number(event.target.value))}
              >
                {runs.map((entry) => (
                  <option key={entry.id} value={entry.id}>
                    {runLabel(entry)}
                  </option>
                ))}
              </select>
            </span>
            {shown === undefined ? null : (
              <>
                <button
                  type="button"
                  className="button-quiet"
                  disabled={reporting}
                  onClick={() => void report(shown)}
                >
                  {reporting ? 'Making the HTML report…' : 'Download the HTML report'}
                </button>
                <button type="button" className="button-quiet" onClick={() => loadScenario(shown.scenario)}>
                  Edit this run's scenario
                </button>
              </>
            )}
          </div>
          {reportProblem === undefined ? null : <ErrorDisplay error={reportProblem} title="No report" />}
          {shown === undefined ? null : <SimulationPlots run={shown} facts={facts} />}
          {runs.length < 2 ? (
            <p className="muted">
              Run a second scenario (change something and run again) to compare two side by side.
            </p>
          ) : (
            <>
              <div className="form-row">
                {(['a', 'b'] as const).map((side) => (
                  <span key={side} className="field">
                    <label htmlFor={`compare-${side}`}>Compare {side.toUpperCase()}</label>
                    <select
                      id={`compare-${side}`}
                      value={compare[side] ?? ''}
                      onChange={(event) => setCompare({ ...compare, [side]: Number(event.target.value) })}
                    >
                      {runs.map((entry) => (
                        <option key={entry.id} value={entry.id}>
                          {runLabel(entry)}
                        </option>
                      ))}
                    </select>
                  </span>
                ))}
              </div>
              {runA !== undefined && runB !== undefined ? (
                <Comparison a={runA} b={runB} facts={facts} />
              ) : null}
            </>
          )}
        </section>
      )}
    </>
  );
}

function newScenario(): Scenario {
  return { format: 'keten.scenario/v1', name: 'my-scenario' };
}

/** The network's ids the form suggests. */
export function networkChoices(network: NetworkGraph): NetworkChoices {
  return {
    companies: network.companies.id.map((id, index) => ({ id, name: network.companies.name[index] ?? id })),
    items: network.items.map((item) => ({ id: item.id, name: item.name })),
    regions: [...network.regions].sort(),
    period: network.period,
  };
}

function readYaml(text: string): { ok: true; scenario: Scenario } | { ok: false; message: string } {
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    return { ok: false, message: `This is not YAML: ${(error as Error).message}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return {
      ok: false,
      message: 'A scenario is a YAML mapping: format, name, and more (docs/simulation.md).',
    };
  }
  const candidate = parsed as { format?: unknown; name?: unknown };
  if (candidate.format !== 'keten.scenario/v1' || typeof candidate.name !== 'string') {
    return { ok: false, message: 'A scenario starts with format: keten.scenario/v1 and a name.' };
  }
  return { ok: true, scenario: parsed as Scenario };
}

function fileName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'scenario';
}
