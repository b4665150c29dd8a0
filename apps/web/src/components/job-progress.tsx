/**
 * @module components/job-progress
 * A job's progress as people read it: a progress bar with `done of total unit`, the place in the
 * queue while it waits, and a Cancel button; a failed or cancelled job says so.
 */
import type { JobRun } from '../api/use-job.ts';
import { ErrorDisplay } from './error-display.tsx';
import { count } from './format.ts';

export function JobProgress<R>({
  run,
  what,
  onCancel,
}: {
  readonly run: JobRun<R>;
  /** What runs, e.g. `the stress test`. */
  readonly what: string;
  readonly onCancel: () => void;
}) {
  if (run.state === 'idle' || run.state === 'succeeded') return null;
  if (run.state === 'failed')
    return <ErrorDisplay error={run.error} title={`${capital(what)} did not finish`} />;
  if (run.state === 'cancelled') {
    return (
      <p className="notice" role="status">
        {capital(what)} was cancelled.
      </p>
    );
  }
  const job = run.state === 'following' ? run.job : undefined;
  const progress = job?.progress;
  const total = progress === undefined || progress.total <= 0 ? undefined : progress.total;
  const done = progress?.done ?? 0;
  const label =
    job === undefined
      ? `Starting ${what}…`
      : job.state === 'queued'
        ? `${capital(what)} waits for ${count(job.position ?? 0, 'job')} ahead of it…`
        : total === undefined
          ? `${capital(what)} is running: ${count(done, progress?.unit ?? 'step')} done…`
          : `${capital(what)} is running: ${done.toLocaleString('en-GB')} of ${total.toLocaleString('en-GB')} ${progress?.unit ?? ''} (${Math.floor((100 * done) / total)} %)`;
  return (
    <div className="job-progress" role="status" aria-live="polite">
      <p>{label}</p>
      <progress
        max={total ?? 1}
        value={total === undefined ? undefined : Math.min(done, total)}
        aria-label={`Progress of ${what}`}
      />
      <button type="button" className="button-quiet" onClick={onCancel} disabled={job === undefined}>
        Cancel
      </button>
    </div>
  );
}

function capital(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
