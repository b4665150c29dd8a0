/**
 * @module node/batch
 * Several messages from one node to another in one signed request: `POST <base>/exchange/batch` with
 * `{ messages: [{ id, path, body }] }`, answered `200 { results: [{ id, status, body }] }`. This is
 * keten's own transport (DSP protocol messages never travel this way: they go one per request, as
 * the protocol defines them); it carries keten's data-plane messages, e.g. forecast pushes, so that
 * a burst costs one signature, one nonce and one round trip instead of one each per message.
 *
 * The request token signs the whole body, so every message in it is authenticated as the sender's.
 * The receiver hands each message, in order, to the route of its `path` as if it had come alone
 * (same sender, same `Keten-Message-Id`, so the route's receipt makes a repeat harmless), and stops
 * at the first whose answer means "try again later" (408, 409, 425, 429, 5xx): the sender retries
 * from there, so order per receiver holds. A message refused for good (another 4xx) does not stop
 * the rest, as it would not when sent alone.
 *
 * A route may take a run of consecutive messages at once (`BatchRun`: the node's pushes, which it
 * applies in one transaction). Its answers are per message, as if each had come alone: a batch is
 * never all or nothing, a payload refused is refused with its reason and the others are applied.
 */
import { randomBytes } from 'node:crypto';
import { err, ok, type Result } from '@keten/core';
import { isRetryableStatus } from './delivery.ts';

/** The batch endpoint, under the receiver's base path. */
export const BATCH_PATH = '/exchange/batch';

/** Most messages a receiver takes in one batch. */
export const MAX_BATCH_MESSAGES = 500;

/** Most bytes of one batch request. */
export const MAX_BATCH_BYTES = 2 * 1024 * 1024;

/** One message of a batch request. */
export interface BatchMessage {
  /** The message id (as `Keten-Message-Id` would carry it alone). */
  readonly id: string;
  /** Its path under the receiver's base path, e.g. `/exchange/push/urn:uuid:…`. */
  readonly path: string;
  readonly body: unknown;
}

/** The receiver's answer to a batch: a result per message it handled, in order. */
export interface BatchAnswer {
  readonly results: readonly { readonly id: string; readonly status: number; readonly body?: unknown }[];
}

/** Reads a batch request's body; the error says which field is wrong. */
export function readBatch(body: unknown): Result<BatchMessage[], string> {
  const messages = (body as { messages?: unknown } | null | undefined)?.messages;
  if (typeof body !== 'object' || body === null || !Array.isArray(messages)) {
    return err('the body must be { "messages": [{ "id", "path", "body" }, …] }');
  }
  if (messages.length === 0 || messages.length > MAX_BATCH_MESSAGES) {
    return err(`"messages" must hold 1 to ${MAX_BATCH_MESSAGES} messages, not ${messages.length}`);
  }
  const read: BatchMessage[] = [];
  const ids = new Set<string>();
  for (const [index, message] of messages.entries()) {
    const { id, path } = (message ?? {}) as { id?: unknown; path?: unknown };
    if (typeof message !== 'object' || message === null) return err(`messages[${index}] is not an object`);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: an id becomes a header value and a log text
    if (typeof id !== 'string' || id === '' || id.length > 200 || /[\u0000-\u001f\u007f]/.test(id)) {
      return err(`messages[${index}].id must be a string of 1 to 200 characters without control characters`);
    }
    if (ids.has(id)) return err(`messages[${index}].id ${JSON.stringify(id)} comes twice in the batch`);
    ids.add(id);
    if (
      typeof path !== 'string' ||
      !path.startsWith('/') ||
      path.startsWith('//') ||
      path.length > 2048 ||
      // biome-ignore lint/suspicious/noControlCharactersInRegex: a path with control characters is not one
      /[\u0000-\u001f\u007f\s#]/.test(path) ||
      path.split('?')[0]!.split('/').includes('..')
    ) {
      return err(
        `messages[${index}].path must be a path under the node's base path, like "/exchange/push/<id>"`,
      );
    }
    if (path === BATCH_PATH || path.startsWith(`${BATCH_PATH}?`)) {
      return err(`messages[${index}].path may not be the batch endpoint itself`);
    }
    read.push({ id, path, body: (message as { body?: unknown }).body });
  }
  return ok(read);
}

/**
 * Hands out one-time credentials for the messages of a batch being applied in this process: the
 * batch route asks for one per message, and the node's authenticator takes it back (once) instead of
 * a signed token. A credential is 256 random bits, lives only while its message is being handled,
 * and names the message id it is for.
 */
export class BatchCredentials<Caller> {
  readonly #open = new Map<string, { readonly caller: Caller; readonly messageId: string }>();

  /** The `Authorization` header value for one message of a verified batch. */
  issue(caller: Caller, messageId: string): { readonly header: string; readonly revoke: () => void } {
    const secret = randomBytes(32).toString('base64url');
    this.#open.set(secret, { caller, messageId });
    return { header: `${BATCH_AUTH_SCHEME} ${secret}`, revoke: () => this.#open.delete(secret) };
  }

  /**
   * The caller of a batch message, when `authorization` carries a credential issued for `messageId`;
   * undefined for any other header. Each credential is taken once.
   */
  take(authorization: string | undefined, messageId: string | undefined): Caller | undefined {
    if (authorization === undefined || !authorization.startsWith(`${BATCH_AUTH_SCHEME} `)) return undefined;
    const secret = authorization.slice(BATCH_AUTH_SCHEME.length + 1);
    const open = this.#open.get(secret);
    if (open === undefined || open.messageId !== messageId) return undefined;
    this.#open.delete(secret);
    return open.caller;
  }

  /** True when the header uses the batch scheme (so no signed token is to be looked for). */
  static isBatchHeader(authorization: string | undefined): boolean {
    return authorization?.startsWith(`${BATCH_AUTH_SCHEME} `) ?? false;
  }
}

const BATCH_AUTH_SCHEME = 'Keten-Batch';

/** What handling one message of a batch came to. */
export interface HandledMessage {
  readonly status: number;
  readonly body?: unknown;
}

/** A route that takes a run of consecutive messages of a batch at once. */
export interface BatchRun {
  /** True for a message this route takes. */
  readonly takes: (message: BatchMessage) => boolean;
  /**
   * Handles a run of messages it takes, in order: an answer per message, as each would have had
   * alone, up to the first to be retried (fewer answers: the rest were not handled).
   */
  readonly handle: (messages: readonly BatchMessage[]) => Promise<readonly HandledMessage[]>;
}

/**
 * Applies a batch's messages in order, runs of those a `BatchRun` takes together and every other
 * with `handle` (the node routes each to its route), and stops after the first whose answer is to
 * be retried.
 */
export async function applyBatch(
  messages: readonly BatchMessage[],
  handle: (message: BatchMessage) => Promise<HandledMessage>,
  runs: readonly BatchRun[] = [],
): Promise<BatchAnswer> {
  const results: { id: string; status: number; body?: unknown }[] = [];
  let index = 0;
  while (index < messages.length) {
    const first = messages[index]!;
    const run = runs.find((candidate) => candidate.takes(first));
    let end = index + 1;
    while (run !== undefined && end < messages.length && run.takes(messages[end]!)) end += 1;
    const group = messages.slice(index, end);
    const handled = run === undefined ? [await handle(first)] : await run.handle(group);
    for (const [position, answer] of handled.slice(0, group.length).entries()) {
      results.push({
        id: group[position]!.id,
        status: answer.status,
        ...(answer.body === undefined ? {} : { body: answer.body }),
      });
      if ((answer.status < 200 || answer.status > 299) && isRetryableStatus(answer.status))
        return { results };
    }
    if (handled.length < group.length) return { results };
    index = end;
  }
  return { results };
}
