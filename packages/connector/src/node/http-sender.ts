/**
 * @module node/http-sender
 * Sends one outbox message over HTTP to the receiver's node: a POST of the JSON body to
 * `message.to + message.path`, with a signed request token (identity/request-auth) addressed to the
 * receiver's DID (derived from its base URL) and the message id in `Keten-Message-Id`, so the receiver
 * applies a repeated delivery once.
 */
import type { OutboxMessage } from '@keten/core';
import { didFromBaseUrl, type HttpRule } from '../identity/did.ts';
import type { NodeIdentity } from '../identity/node-identity.ts';
import { signRequest } from '../identity/request-auth.ts';
import { type DeliveryResult, isRetryableStatus, type MessageSender } from './delivery.ts';

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
  const fetchFunction = options.fetch ?? fetch;
  return async (message: OutboxMessage): Promise<DeliveryResult> => {
    const audience = didFromBaseUrl(message.to, options.http ?? 'loopback');
    if (!audience.ok)
      return { kind: 'refused', error: `the receiver ${message.to}: ${audience.error.message}` };
    const url = new URL(message.to);
    const path = `${url.pathname.replace(/\/$/, '')}${message.path}`;
    const body = JSON.stringify(message.body);
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
        headers: {
          authorization,
          'content-type': 'application/json',
          [MESSAGE_ID_HEADER]: message.id,
        },
        body,
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      return { kind: 'retry', error: `${message.to} did not answer: ${cause ?? (error as Error).message}` };
    }
    const text = await response.text().catch(() => '');
    if (response.ok) {
      if (text === '') return { kind: 'delivered' };
      try {
        return { kind: 'delivered', answer: JSON.parse(text) };
      } catch {
        return { kind: 'delivered', answer: text };
      }
    }
    const reason = `${response.status} from ${message.to}${message.path}: ${summarize(text)}`;
    return isRetryableStatus(response.status)
      ? { kind: 'retry', error: reason }
      : { kind: 'refused', error: reason };
  };
}

/** The receiver's error message, if it sent keten's `{ code, message }`, else the start of the body. */
function summarize(text: string): string {
  try {
    const body = JSON.parse(text) as { code?: unknown; message?: unknown };
    if (typeof body.message === 'string') {
      return typeof body.code === 'string' ? `${body.code}: ${body.message}` : body.message;
    }
  } catch {
    // Not JSON: show the text.
  }
  return text.length > 300 ? `${text.slice(0, 300)}…` : text || '(no body)';
}
