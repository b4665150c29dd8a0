/**
 * @module jobs/pending-replies
 * The questions a worker thread has not answered yet (`plan-thread.ts`, `pegging-thread.ts`): each
 * gets an id to send with it and a promise of its answer, settled when the reply with that id comes
 * back, or failed with every other when the thread fails.
 */
export class PendingReplies {
  readonly #waiting = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  #next = 1;

  /** How many questions wait for their answer. */
  get size(): number {
    return this.#waiting.size;
  }

  /** A new question: the id to send with it, and its answer. Ids start at 1 (0 is the thread's own work). */
  ask(): { readonly id: number; readonly answer: Promise<unknown> } {
    const id = this.#next++;
    const answer = new Promise<unknown>((resolve, reject) => this.#waiting.set(id, { resolve, reject }));
    return { id, answer };
  }

  /** The reply to question `id` came: its value, or the error it failed with. Unknown ids are ignored. */
  settle(id: number, outcome: { readonly value: unknown } | { readonly error: Error }): void {
    const waiting = this.#waiting.get(id);
    this.#waiting.delete(id);
    if (waiting === undefined) return;
    if ('error' in outcome) waiting.reject(outcome.error);
    else waiting.resolve(outcome.value);
  }

  /** Fails every question waiting (the thread failed or ended). */
  failAll(error: Error): void {
    for (const waiting of this.#waiting.values()) waiting.reject(error);
    this.#waiting.clear();
  }
}
