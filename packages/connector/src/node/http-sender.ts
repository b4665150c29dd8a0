/**
 * @module node/http-sender
 * Sends outbox messages over HTTP to the receiver's node. One message: a POST of the JSON body to
 * `message.to + message.path`, with a signed request token (identity/request-auth) addressed to the
 * receiver's DID (derived from its base URL) and the message id in `Keten-Message-Id`, so the receiver
 * applies a repeated delivery once. Several messages to one receiver: one signed POST of
 * `{ messages: [{ id, path, body }] }` to its `/exchange/batch` (see `node/batch.ts`), answered with a
 * result per message; a receiver without that endpoint (404) gets them one at a time.
 */
import type { OutboxMessage } from '@keten/core';
import { didFromBaseUrl, type HttpRule } from '../identity/did.ts';
import type { NodeIdentity } from '../identity/node-identity.ts';
import { signRequest } from '../identity/request-auth.ts';
import { BATCH_PATH, type BatchAnswer } from './batch.ts';
import {
  type BatchSender,
  type DeliveryResult,
  isRetryableStatus,
  type MessageSender,
  retryAfterMs,
} from './delivery.ts';

export const MESSAGE_ID_HEADER = 'keten-message-id';

export interface HttpSenderOptions {
  readonly identity: NodeIdentity;
  /** The sender's membership credential (read at every send: it is renewed while the node runs). */
  readonly credential: () => string;
  readonly http?: HttpRule;
  /** Per request, ms (default 10,000). */
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
}

/** A `MessageSender` over HTTP. */
export function httpSender(options: HttpSenderOptions): MessageSender {
  return async (message: OutboxMessage): Promise<DeliveryResult> => {
    const answer = await signedPost(options, message.to, message.path, JSON.stringify(message.body), {
      [MESSAGE_ID_HEADER]: message.id,
    });
    if (answer.kind !== 'answer') return answer;
    return resultOf(answer.status, answer.text, `${message.to}${message.path}`, answer.retryAfterMs);
  };
}

/**
 * A `BatchSender` over HTTP: the messages (all to one receiver) in one signed request to the
 * receiver's `/exchange/batch`. A receiver that does not know the endpoint (404), or refuses the
 * request as a whole as malformed or too large (400, 413), gets the messages one at a time instead,
 * so each gets its own verdict.
 */
export function httpBatchSender(options: HttpSenderOptions): BatchSender {
  const single = httpSender(options);
  const oneByOne = async (messages: readonly OutboxMessage[]): Promise<DeliveryResult[]> => {
    const results: DeliveryResult[] = [];
    for (const message of messages) {
      const result = await single(message);
      results.push(result);
      if (result.kind === 'retry') break;
    }
    return results;
  };
  return async (messages) => {
    const to = messages[0]?.to;
    if (to === undefined) return [];
    if (messages.some((message) => message.to !== to)) {
      throw new Error('a batch goes to one receiver: these messages have different receivers');
    }
    const body = JSON.stringify({
      messages: messages.map((message) => ({ id: message.id, path: message.path, body: message.body })),
    });
    const answer = await signedPost(options, to, BATCH_PATH, body, {});
    if (answer.kind !== 'answer') return [answer];
    if (answer.status === 404 || answer.status === 400 || answer.status === 413) return oneByOne(messages);
    if (answer.status < 200 || answer.status > 299) {
      // The whole request was refused or failed (not a member, not authenticated, unavailable): each
      // message would get the same answer alone.
      const result = resultOf(answer.status, answer.text, `${to}${BATCH_PATH}`, answer.retryAfterMs);
      return result.kind === 'retry' ? [result] : messages.map(() => result);
    }
    let parsed: BatchAnswer;
    try {
      parsed = JSON.parse(answer.text) as BatchAnswer;
    } catch {
      return [{ kind: 'retry', error: `${to}${BATCH_PATH} answered ${answer.status} without JSON` }];
    }
    const results: DeliveryResult[] = [];
    for (const [index, message] of messages.entries()) {
      const entry = Array.isArray(parsed?.results) ? parsed.results[index] : undefined;
      if (entry === undefined || entry.id !== message.id) break;
      const result: DeliveryResult =
        entry.status >= 200 && entry.status <= 299
          ? { kind: 'delivered', ...(entry.body === undefined ? {} : { answer: entry.body }) }
          : resultOf(
              entry.status,
              JSON.stringify(entry.body ?? ''),
              `${message.to}${message.path}`,
              undefined,
            );
      results.push(result);
      if (result.kind === 'retry') break;
    }
    return results;
  };
}

type PostOutcome =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly text: string;
      readonly retryAfterMs?: number;
    }
  | Extract<DeliveryResult, { kind: 'retry' | 'refused' }>;

/** One signed POST of `body` to the node at `base` + `path`. */
async function signedPost(
  options: HttpSenderOptions,
  base: string,
  messagePath: string,
  body: string,
  headers: Record<string, string>,
): Promise<PostOutcome> {
  const fetchFunction = options.fetch ?? fetch;
  const audience = didFromBaseUrl(base, options.http ?? 'loopback');
  if (!audience.ok) return { kind: 'refused', error: `the receiver ${base}: ${audience.error.message}` };
  const url = new URL(base);
  const path = `${url.pathname.replace(/\/$/, '')}${messagePath}`;
  const authorization = signRequest({
    identity: options.identity,
    credential: options.credential(),
    audience: audience.value,
    method: 'POST',
    path,
    body,
  });
  let response: Response;
  try {
    response = await fetchFunction(`${url.origin}${path}`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json', ...headers },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return { kind: 'retry', error: `${base} did not answer: ${cause ?? (error as Error).message}` };
  }
  const text = await response.text().catch(() => '');
  const wait = retryAfterMs(response.headers.get('retry-after'), Date.now());
  return {
    kind: 'answer',
    status: response.status,
    text,
    ...(wait === undefined ? {} : { retryAfterMs: wait }),
  };
}

/** What an answer with `status` and body `text` means for the message. */
function resultOf(status: number, text: string, target: string, wait: number | undefined): DeliveryResult {
  if (status >= 200 && status <= 299) {
    if (text === '') return { kind: 'delivered' };
    try {
      return { kind: 'delivered', answer: JSON.parse(text) };
    } catch {
      return { kind: 'delivered', answer: text };
    }
  }
  const reason = `${status} from ${target}: ${summarize(text)}`;
  if (!isRetryableStatus(status)) return { kind: 'refused', error: reason };
  return { kind: 'retry', error: reason, ...(wait === undefined ? {} : { retryAfterMs: wait }) };
}

/** The receiver's error message, if it sent keten's `{ code, message }`, else the start of the body. */
function summarize(text: string): string {
  try {
    const parsed = JSON.parse(text) as { code?: unknown; message?: unknown; error?: unknown };
    // keten's server answers `{ error: { code, message } }`; a bare `{ code, message }` is read too.
    const body = (typeof parsed.error === 'object' && parsed.error !== null ? parsed.error : parsed) as {
      code?: unknown;
      message?: unknown;
    };
    if (typeof body.message === 'string') {
      return typeof body.code === 'string' ? `${body.code}: ${body.message}` : body.message;
    }
  } catch {
    // Not JSON: show the text.
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text || '(no body)';
}
