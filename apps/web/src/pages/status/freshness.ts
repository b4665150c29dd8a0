/**
 * @module pages/status/freshness
 * "Updated just now" without flashing: when a new answer arrives, the rows whose figures differ from
 * the last answer get the time they changed; the page shows a quiet note that ages (`just now`,
 * `12 s ago`, `3 min ago`) instead of blinking the row.
 */

/** The figures of a row that count as a change (not the row's place in the list). */
export function rowSignature(row: unknown): string {
  return JSON.stringify(row);
}

/**
 * The change times after a new answer: rows that are new or whose signature differs get `now`, rows
 * unchanged keep their time, rows gone are forgotten. With no earlier answer nothing counts as changed.
 */
export function markChanges<Row>(
  before: ReadonlyMap<string, string> | undefined,
  rows: readonly Row[],
  keyOf: (row: Row) => string,
  changedAt: ReadonlyMap<string, number>,
  now: number,
): { readonly signatures: Map<string, string>; readonly changedAt: Map<string, number> } {
  const signatures = new Map<string, string>();
  const next = new Map<string, number>();
  for (const row of rows) {
    const key = keyOf(row);
    const signature = rowSignature(row);
    signatures.set(key, signature);
    const earlier = changedAt.get(key);
    if (before !== undefined && before.get(key) !== signature) next.set(key, now);
    else if (earlier !== undefined) next.set(key, earlier);
  }
  return { signatures, changedAt: next };
}

/** How long ago, in words: `just now` under 10 s, then seconds, minutes, hours. */
export function ago(then: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 10) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}
