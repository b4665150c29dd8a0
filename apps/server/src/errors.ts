/**
 * @module errors
 * The server's one error type. Every expected failure of a request (no token, not allowed, no such
 * network, a body that is not a network) is an `ApiError` with a code from a fixed table, and reaches the
 * client as `{ error: { code, message, details? } }` with the status of that code. Fastify's own errors
 * (malformed JSON, body too large, schema validation) are mapped onto the same table by `toApiError`.
 * The store's `StoreError`s are mapped too: a database that is down is `unavailable`, not a bug.
 * Anything else is a bug: it is logged with its stack and answered as `internal` with the request id,
 * never with a stack trace.
 */
import { isStoreError } from '@keten/store';

/** Error codes and their HTTP status, stable for clients. */
export const API_ERROR_STATUS = {
  'invalid-request': 400,
  unauthenticated: 401,
  forbidden: 403,
  'not-found': 404,
  /** No re-plan of the network yet (`GET …/plan/changes`). */
  'no-plan-changes': 404,
  conflict: 409,
  'payload-too-large': 413,
  'unsupported-media-type': 415,
  'invalid-network': 422,
  /** A scenario that does not fit the format or the network (`POST …/simulate`); `issues` has every problem. */
  'invalid-scenario': 422,
  /** A reshoring case that does not fit `keten.reshore/v1` (`POST /reshore`); `issues` has every problem. */
  'invalid-case': 422,
  'rate-limited': 429,
  internal: 500,
  unavailable: 503,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;
export const API_ERROR_CODES = Object.keys(API_ERROR_STATUS) as ApiErrorCode[];

/** The JSON body of every error response. */
export interface ApiErrorBody {
  readonly error: {
    readonly code: ApiErrorCode;
    readonly message: string;
    readonly details?: unknown;
    /** Every problem of an invalid network, scenario or case (`invalid-network`, `invalid-scenario`, `invalid-case`). */
    readonly issues?: readonly unknown[];
    /** Set on `internal` errors, so an operator can find the logged stack. */
    readonly requestId?: string;
  };
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly details: unknown;
  readonly issues: readonly unknown[] | undefined;
  /** Extra response headers, e.g. `retry-after` for `rate-limited`. */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    code: ApiErrorCode,
    message: string,
    extra: { details?: unknown; issues?: readonly unknown[]; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.details = extra.details;
    this.issues = extra.issues;
    this.headers = extra.headers ?? {};
  }

  get statusCode(): number {
    return API_ERROR_STATUS[this.code];
  }

  toBody(requestId?: string): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.details === undefined ? {} : { details: this.details }),
        ...(this.issues === undefined ? {} : { issues: this.issues }),
        ...(requestId === undefined ? {} : { requestId }),
      },
    };
  }
}

/** What Fastify and its plugins attach to the errors they raise. */
interface FrameworkError {
  readonly code?: unknown;
  readonly statusCode?: unknown;
  readonly validation?: readonly { readonly instancePath?: string; readonly message?: string }[];
  readonly validationContext?: unknown;
  readonly message?: unknown;
}

/** Fastify error codes whose message is safe and useful to pass on, with the code they map to. */
const FRAMEWORK_CODES: Readonly<Record<string, { code: ApiErrorCode; message?: string }>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'payload-too-large', message: 'the request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { code: 'unsupported-media-type' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    code: 'invalid-request',
    message: 'the request body does not match its content-length',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    code: 'invalid-request',
    message: "the body is empty but content-type is 'application/json'",
  },
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'invalid-request', message: 'the body is not valid JSON' },
  FST_ERR_BAD_URL: { code: 'invalid-request', message: 'the URL is not valid' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'invalid-request', message: 'a URL parameter is too long' },
  FST_ERR_NOT_FOUND: { code: 'not-found', message: 'no such endpoint' },
};

/**
 * The `ApiError` an error thrown while handling a request stands for, or `undefined` when it is a bug
 * (to be logged and answered as `internal`).
 */
export function toApiError(error: unknown, request: { contentType?: string } = {}): ApiError | undefined {
  if (error instanceof ApiError) return error;
  if (isStoreError(error)) return fromStoreError(error.code, error.message);
  if (typeof error !== 'object' || error === null) return undefined;
  const framework = error as FrameworkError;
  const code = typeof framework.code === 'string' ? framework.code : undefined;
  const known = code === undefined ? undefined : FRAMEWORK_CODES[code];
  if (known !== undefined) {
    return new ApiError(known.code, known.message ?? mediaTypeMessage(request.contentType));
  }
  if (Array.isArray(framework.validation)) {
    const where = typeof framework.validationContext === 'string' ? framework.validationContext : 'request';
    return new ApiError('invalid-request', `the ${where} is not valid`, {
      details: framework.validation.map((issue) => ({
        path: issue.instancePath ?? '',
        message: issue.message ?? 'invalid',
      })),
    });
  }
  // A JSON.parse failure inside a body parser (Fastify marks it 400 but keeps the SyntaxError).
  const status = typeof framework.statusCode === 'number' ? framework.statusCode : undefined;
  if (error instanceof SyntaxError && status === 400) {
    return new ApiError('invalid-request', 'the body is not valid JSON');
  }
  if (status !== undefined && status >= 400 && status < 500) {
    const byStatus = (Object.entries(API_ERROR_STATUS) as [ApiErrorCode, number][]).find(
      ([, value]) => value === status,
    );
    // Other client errors from Fastify: keep the class, not the (possibly internal) wording.
    return new ApiError(byStatus?.[0] ?? 'invalid-request', 'the request cannot be handled');
  }
  return undefined;
}

/** Store failures the client can act on; the rest (corrupt data, failed migrations, bugs) are internal. */
function fromStoreError(code: string, message: string): ApiError | undefined {
  switch (code) {
    case 'unavailable':
    case 'closed':
    case 'locked':
      return new ApiError('unavailable', 'the store is not available; try again later', {
        headers: { 'retry-after': '5' },
      });
    case 'conflict':
      return new ApiError('conflict', message);
    default:
      return undefined;
  }
}

function mediaTypeMessage(contentType: string | undefined): string {
  const type = contentType?.split(';')[0]?.trim();
  return type === undefined || type === ''
    ? 'the request has a body but no content-type'
    : /^[\w.+-]+\/[\w.+-]+$/.test(type) && type.length <= 100
      ? `content-type '${type}' is not supported here`
      : 'the content-type is not supported here';
}
