/**
 * @module components/error-display
 * Shows a failed call as the API said it: the message, the stable error code, the problems it listed
 * (a network import's issues), and the request id to find it in the node's log.
 */
import type { ApiFailure } from '../api/client.ts';

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

/** A quiet line while something loads (announced to screen readers). */
export function Loading({ what }: { readonly what: string }) {
  return (
    <p className="loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}
