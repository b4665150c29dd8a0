/**
 * @module pages/connector/status-tree
 * The chain-deep status answer (`POST /api/v1/connector/status`) as rows a page can show as a tree:
 * one row per company with its depth, its own orders, shortages and bottlenecks counted, and the parts
 * that are not there (withheld by the owner's consent, unavailable, repeated) with their reason; plus
 * the totals a reader checks first.
 */

import type { StatusPart } from '@keten/core';

export type { StatusPart };

export interface StatusAnswer {
  readonly questionId: string;
  readonly order: string;
  readonly askedAt: string;
  readonly tree: StatusPart;
  readonly verification: {
    readonly verified: number;
    readonly failed: readonly { readonly owner: string; readonly reason: string }[];
  };
}

export interface StatusRow {
  /** A key unique in the tree: the path of owner names. */
  readonly key: string;
  readonly depth: number;
  readonly part: StatusPart;
  /** Whose part it is below (the customer), undefined at the root. */
  readonly customer?: string;
  /** The part carries its owner's signature. */
  readonly signed: boolean;
}

/** The tree depth first, root first, each supplier below its customer. */
export function statusRows(tree: StatusPart): StatusRow[] {
  const rows: StatusRow[] = [];
  const visit = (part: StatusPart, depth: number, path: string, customer: string | undefined) => {
    const key = `${path}/${part.owner.name}#${rows.length}`;
    rows.push({
      key,
      depth,
      part,
      ...(customer === undefined ? {} : { customer }),
      signed: part.signature !== undefined,
    });
    if (part.status === 'answered')
      for (const supplier of part.suppliers) visit(supplier, depth + 1, key, part.owner.name);
  };
  visit(tree, 0, '', undefined);
  return rows;
}

export interface StatusTotals {
  readonly answered: number;
  readonly withheld: number;
  readonly unavailable: number;
  readonly repeated: number;
  readonly shortages: number;
  readonly bottlenecks: number;
  /** The deepest tier that answered (0: the root only). */
  readonly depth: number;
}

export function statusTotals(rows: readonly StatusRow[]): StatusTotals {
  let answered = 0;
  let withheld = 0;
  let unavailable = 0;
  let repeated = 0;
  let shortages = 0;
  let bottlenecks = 0;
  let depth = 0;
  for (const { part, depth: level } of rows) {
    if (part.status === 'answered') {
      answered++;
      shortages += part.shortages.length;
      bottlenecks += part.bottlenecks.length;
      depth = Math.max(depth, level);
    } else if (part.status === 'withheld') withheld++;
    else if (part.status === 'unavailable') unavailable++;
    else repeated++;
  }
  return { answered, withheld, unavailable, repeated, shortages, bottlenecks, depth };
}

const ORDER: Readonly<Record<StatusPart['status'], number>> = {
  answered: 0,
  withheld: 1,
  repeated: 2,
  unavailable: 3,
};

/** Suppliers in reading order: those that answered first, then withheld, repeated, unavailable. */
export function suppliersInOrder(parts: readonly StatusPart[]): StatusPart[] {
  return [...parts].sort((a, b) => ORDER[a.status] - ORDER[b.status]);
}

/** What a missing part means, for the reader: withheld is a consent decision, not a failure. */
export function missingWords(status: 'withheld' | 'unavailable' | 'repeated'): string {
  if (status === 'withheld') return "Withheld: the owner's consent does not reach you";
  if (status === 'unavailable') return 'Unavailable: no verified answer';
  return 'Repeated: the question came back to a tier already answering it';
}
