/**
 * @module api/client
 * The one way the web app talks to its keten node: `api.get/post/...` with the session's bearer token,
 * answers parsed as JSON, and every failure as an `ApiFailure` carrying the API's stable error code
 * (`{ error: { code, message } }`) or a client-side code (`network-unreachable`, `bad-answer`). A 401
 * ends the session, so the app returns to the login page. A GET answered 202 (the node is still
 * computing it) fails as `not-ready`; such a failure, and a 503 with `Retry-After`, says when to ask
 * again and how far the work is (`notReady`), which `useApi` uses to wait and ask again by itself.
 */
import { messageOf, progressOf, retryAfterMs, type WorkProgress } from './not-ready.ts';

/** A "not ready yet" answer: when to ask again (ms, undefined when the node did not say) and how far it is. */
export interface NotReady {
  readonly retryAfter: number | undefined;
  readonly progress: WorkProgress | undefined;
}

/** The error body every keten endpoint answers with. */
export interface ApiErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details?: unknown;
    readonly issues?: readonly { readonly path?: string; readonly message: string }[];
    readonly requestId?: string;
  };
}

/** A failed call: the API's `code` and `message`, the HTTP status (0 when the node was not reached). */
export class ApiFailure extends Error {
  readonly code: string;
  readonly status: number;
  readonly requestId: string | undefined;
  readonly issues: readonly { readonly path?: string; readonly message: string }[];
  /** Set when the node is still working on what was asked (202, or 503 with `Retry-After`). */
  readonly notReady: NotReady | undefined;

  constructor(status: number, body: ApiErrorBody['error'], notReady?: NotReady) {
    super(body.message);
    this.name = 'ApiFailure';
    this.code = body.code;
    this.status = status;
    this.requestId = body.requestId;
    this.issues = body.issues ?? [];
    this.notReady = notReady;
  }
}

const TOKEN_KEY = 'keten.session';

/** The session token, kept in sessionStorage: it lives as long as the tab, never in a cookie. */
export const sessionToken = {
  get(): string | undefined {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  },
  set(secret: string): void {
    sessionStorage.setItem(TOKEN_KEY, secret);
  },
  clear(): void {
    sessionStorage.removeItem(TOKEN_KEY);
  },
};

type Listener = () => void;
const unauthenticatedListeners = new Set<Listener>();

/** Called when the node answers 401 to a call made with a token (expired, revoked, user disabled). */
export function onUnauthenticated(listener: Listener): () => void {
  unauthenticatedListeners.add(listener);
  return () => unauthenticatedListeners.delete(listener);
}

export interface RequestOptions {
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  /** Query parameters; undefined values are left out. */
  readonly query?: Readonly<Record<string, string | number | boolean | undefined>>;
}

/** Calls `method path` on this node; resolves with the parsed JSON (undefined for 204). */
export async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = sessionToken.get();
  if (token !== undefined) headers.authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  let url = path;
  if (options.query !== undefined) {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query)) {
      if (value !== undefined) query.set(key, String(value));
    }
    const text = query.toString();
    if (text !== '') url += `?${text}`;
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
    });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiFailure(0, {
      code: 'network-unreachable',
      message: 'the keten node did not answer: is it running, and is this machine connected to it?',
    });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    throw new ApiFailure(response.status, {
      code: 'bad-answer',
      message: `the node answered ${response.status} with something that is not JSON`,
    });
  }
  const retryAfter = retryAfterMs(response.headers.get('retry-after'), Date.now());
  if (response.status === 202 && method === 'GET') {
    // Still being computed: not the answer, a reason to ask again.
    throw new ApiFailure(
      202,
      {
        code: 'not-ready',
        message: messageOf(parsed) ?? 'the node is still working this out',
        ...(isErrorBody(parsed) && parsed.error.requestId !== undefined
          ? { requestId: parsed.error.requestId }
          : {}),
      },
      { retryAfter, progress: progressOf(parsed) },
    );
  }
  if (!response.ok) {
    const body = isErrorBody(parsed)
      ? parsed.error
      : isBareError(parsed)
        ? parsed
        : {
            code: 'bad-answer',
            message: `the node answered ${response.status} without an error description`,
          };
    if (response.status === 401 && token !== undefined) {
      sessionToken.clear();
      for (const listener of unauthenticatedListeners) listener();
    }
    const notReady =
      response.status === 503 && retryAfter !== undefined
        ? { retryAfter, progress: progressOf(parsed) }
        : undefined;
    throw new ApiFailure(response.status, body, notReady);
  }
  return parsed as T;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  const error = (value as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

/** `{ code, message }` without the `error` wrapper: what some connector routes answer. */
function isBareError(value: unknown): value is ApiErrorBody['error'] {
  const error = value as { code?: unknown; message?: unknown } | undefined;
  return typeof error?.code === 'string' && typeof error.message === 'string';
}

export const api = {
  get: <T>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
  post: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('POST', path, { ...options, body }),
  patch: <T>(path: string, body?: unknown, options?: RequestOptions) =>
    request<T>('PATCH', path, { ...options, body }),
  delete: <T>(path: string, options?: RequestOptions) => request<T>('DELETE', path, options),
};
