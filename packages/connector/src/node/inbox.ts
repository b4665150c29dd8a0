/**
 * @module node/inbox
 * Applies the payloads partners pushed, once each: one push alone, or a run of a signed batch
 * (`node/batch.ts`) in one transaction.
 *
 * For a run, the receiver looks up which messages it accepted before (one query), reads the others
 * in order with `readIncoming` (each sees the records of the ones before it in the run, e.g. the
 * forecast it replaces), and commits them all at once: one multi-row statement per table for the
 * receipts, records, events and audit entries (`ExchangeChanges.receipts`). Answers are per message,
 * as each would have had alone: applied, `duplicate`, or refused (422) with the reason, audited,
 * without losing the others. A reader that needs the network as the events left it (capacity,
 * confirmations, deliveries) gets it after what the run read before it is committed, so it sees
 * those events. When a twin of a message was accepted in between (another request, another process),
 * the run's commit writes nothing and its messages are applied again one at a time.
 *
 * The sender marks the run delivered only after the answer, so a crash before the commit sends the
 * run again, and a crash after it finds the receipts: nothing accepted is lost, nothing applied twice.
 */
import type { CommitOutcome, ExchangeChanges, ExchangeStore, Network } from '@keten/core';
import type { ExchangeAspect } from './datasets.ts';
import { type Incoming, type IncomingRefusal, incomingKey, readIncoming } from './incoming.ts';

/** One pushed payload whose envelope checked out: on a started transfer, of an aspect it carries. */
export interface Push {
  readonly aspect: ExchangeAspect;
  readonly payload: unknown;
  /** The message id of the envelope: the receipt is `<sender DID> <messageId>`. */
  readonly messageId: string;
  /** The sending partner's company id. */
  readonly partner: string;
  /** The dataset of the transfer it came on (the audit entry's resource). */
  readonly dataset: string;
  /** The aspect's model (the receipt's kind). */
  readonly model: string;
}

/** What a push is answered, as the HTTP status and body of its request. */
export interface PushAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface InboxContext {
  readonly company: string;
  /** The node's network as configured (its partner view). */
  readonly view: Network;
  /** The node's network with its recorded events applied. */
  readonly effective: () => Promise<Network>;
  readonly now: () => number;
  readonly store: Pick<ExchangeStore, 'acceptedReceipts' | 'getRecord'>;
  /** Commits (the connector's: it wakes the delivery for what went in the outbox). */
  readonly commit: (changes: ExchangeChanges) => Promise<CommitOutcome>;
  /** Runs `work` while holding the locks of `keys` (pushes about the same thing never interleave). */
  readonly locked: <T>(keys: readonly string[], work: () => Promise<T>) => Promise<T>;
}

/** The lock a push takes: what it is about, so that two pushes replacing one forecast never interleave. */
export function pushLock(push: Push): string {
  return `receive:${push.aspect}:${push.partner}:${incomingKey(push.aspect, push.payload)}`;
}

/**
 * Applies `pushes` from `sender` in order, in as few transactions as their reads allow (one, unless a
 * reader needs the events of the pushes before it); an answer per push, and whether to re-plan.
 */
export async function applyPushes(
  sender: { readonly did: string },
  pushes: readonly Push[],
  context: InboxContext,
): Promise<{ answers: PushAnswer[]; replan: boolean }> {
  const keys = [...new Set(pushes.map(pushLock))].sort();
  return context.locked(keys, () => applyLocked(sender, pushes, context));
}

interface Pending {
  readonly index: number;
  readonly push: Push;
  readonly read: { ok: true; value: Incoming } | { ok: false; error: IncomingRefusal };
}

async function applyLocked(
  sender: { readonly did: string },
  pushes: readonly Push[],
  context: InboxContext,
): Promise<{ answers: PushAnswer[]; replan: boolean }> {
  const answers: PushAnswer[] = new Array(pushes.length);
  let replan = false;
  const receiptOf = (push: Push) => `${sender.did} ${push.messageId}`;
  // A run looks its repeats up first; a push alone is refused as a repeat by its commit.
  const known =
    pushes.length > 1 ? await context.store.acceptedReceipts(pushes.map(receiptOf)) : new Set<string>();
  const taken = new Set<string>();
  let pending: Pending[] = [];
  /** Records the run wrote but has not committed yet, by kind and id: what the next reads see. */
  const overlay = new Map<string, unknown>();
  const receivedAt = new Date(context.now()).toISOString();

  const flush = async (): Promise<void> => {
    const group = pending;
    pending = [];
    overlay.clear();
    if (group.length === 0) return;
    const applied = group.filter((entry) => entry.read.ok);
    const outcome = await context.commit({
      receipts: applied.map(({ push }) => ({ key: receiptOf(push), from: sender.did, kind: push.model })),
      events: applied.flatMap((entry) => (entry.read.ok ? entry.read.value.events : [])),
      records: applied.flatMap((entry) => (entry.read.ok ? entry.read.value.records : [])),
      audit: group.map(({ push, read }) => ({
        actor: sender.did,
        action: 'data.receive',
        resource: push.dataset,
        ...(read.ok
          ? { outcome: 'applied', reason: read.value.summary }
          : { outcome: 'refused', reason: `${read.error.code}: ${read.error.message}` }),
      })),
    });
    if (outcome.status === 'committed') {
      for (const { index, push, read } of group) {
        if (!read.ok) {
          answers[index] = { status: 422, body: read.error };
          continue;
        }
        replan ||= read.value.replan;
        answers[index] = appliedAnswer(push.aspect, read.value);
      }
      return;
    }
    if (group.length === 1 && outcome.status === 'duplicate') {
      answers[group[0]!.index] = DUPLICATE;
      return;
    }
    if (outcome.status === 'conflict')
      throw new Error(`the ${outcome.kind} ${outcome.id} changed while a push was applied`);
    // A twin of one of them was accepted meanwhile: nothing was written; each again on its own.
    for (const entry of group) {
      const alone = await applyLocked(sender, [entry.push], context);
      answers[entry.index] = alone.answers[0]!;
      replan ||= alone.replan;
    }
  };

  for (const [index, push] of pushes.entries()) {
    const receipt = receiptOf(push);
    if (known.has(receipt) || taken.has(receipt)) {
      answers[index] = DUPLICATE;
      continue;
    }
    taken.add(receipt);
    const read = await readIncoming(push.aspect, push.payload, {
      view: context.view,
      effective: async () => {
        // The network as the events left it: with those of this run's earlier pushes committed.
        if (pending.some((entry) => entry.read.ok && entry.read.value.events.length > 0)) await flush();
        return context.effective();
      },
      company: context.company,
      partner: push.partner,
      receivedAt,
      get: async <T>(kind: string, id: string) => {
        const key = `${kind}\u0000${id}`;
        if (overlay.has(key)) return structuredClone(overlay.get(key)) as T;
        return (await context.store.getRecord(kind, id))?.value as T | undefined;
      },
    });
    if (read.ok)
      for (const record of read.value.records) overlay.set(`${record.kind}\u0000${record.id}`, record.value);
    pending.push({ index, push, read });
  }
  await flush();
  return { answers, replan };
}

const DUPLICATE: PushAnswer = { status: 200, body: { status: 'duplicate' } };

function appliedAnswer(aspect: ExchangeAspect, read: Incoming): PushAnswer {
  return {
    status: 200,
    body: {
      status: 'applied',
      ...(aspect === 'material-demand' ? { changedPeriods: read.events.length } : {}),
      events: read.events.length,
    },
  };
}
