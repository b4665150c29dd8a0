/**
 * @module components/error-display
 * Shows a failed call as the API said it: the message, the stable error code, the problems it listed
 * (a network import's issues), and the request id to find it in the node's log; and Loading.
 */
import type { ApiFailure } from '../api/client.ts';
import { progressText } from '../api/not-ready.ts';
import type { Waiting } from '../api/use-api.ts';
import { duration } from './format.ts';

export function ErrorDisplay({ error, title }: { readonly error: ApiFailure; readonly title?: string }) {
  return (
    <div className="error" role="alert">
      <p className="error-title">{title ?? 'That did not work'}</p>
      <p>
        {error.message} <code className="error-code">{error.code}</code>
        {error.status > 0 ? <span className="muted"> (HTTP {error.status})</span> : null}
      </p>
      {error.issues.length > 0 ? (
        <ul>
          {error.issues.slice(0, 50).map((issue, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: issues have no identity of their own
            <li key={index}>
              {issue.path === undefined ? '' : <code>{issue.path}</code>} {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
      {error.requestId === undefined ? null : <p className="muted">request id {error.requestId}</p>}
    </div>
  );
}

/**
 * A quiet line while something loads (announced to screen readers); while the node is still computing
 * it (`waiting`, from `useApi`), what it said, a progress bar with its unit, and that the page asks
 * again by itself.
 */
export function Loading({
  what,
  waiting,
}: {
  readonly what: string;
  readonly waiting?: Waiting | undefined;
}) {
  if (waiting === undefined) {
    return (
      <p className="loading" role="status" aria-live="polite">
        Loading {what}…
      </p>
    );
  }
  const { progress } = waiting;
  return (
    <div className="loading waiting" role="status" aria-live="polite">
      <p>
        The node is still computing {what}
        {progress === undefined ? '' : `: ${progressText(progress)}`}. This page asks again by itself every{' '}
        {duration(waiting.retryInMs)}; nothing to do but wait.
      </p>
      <progress
        max={progress?.total ?? 1}
        value={progress?.total === undefined ? undefined : Math.min(progress.done, progress.total)}
        aria-label={`Progress of ${what}`}
      />
      <p className="muted">The node said: {waiting.message}</p>
    </div>
  );
}
