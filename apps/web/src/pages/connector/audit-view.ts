/**
 * @module pages/connector/audit-view
 * The Audit page's logic: the filter in the query string and back (so a filtered view can be
 * bookmarked and shared), the query for `GET /api/v1/connector/audit/search`, the trail's entries in
 * words (who, what, which outcome, and for a denial the constraint that failed and why), and the
 * hash-chain verdict.
 */
import type { AuditEntry } from '@keten/core';

export type { AuditEntry };

export const OUTCOMES = [
  'granted',
  'denied',
  'refused',
  'withheld',
  'answered',
  'received',
  'sent',
  'applied',
] as const;
/** Outcomes that turned an access down: their reason names what failed. */
export const REFUSALS: ReadonlySet<string> = new Set(['denied', 'refused', 'withheld']);
export const PAGE_SIZES = [50, 100, 200] as const;

export interface AuditFilter {
  /** Text the actor or resource contains: a DID, BPNL or company id. */
  readonly partner: string;
  /** The action or its start: `negotiation`, `transfer`, `data`, `catalog`, `status`. */
  readonly action: string;
  /** An outcome, or '' for any. */
  readonly outcome: string;
  /** Entries with a sequence below this: the page (empty: the newest). */
  readonly before?: number;
  readonly limit: number;
}

export const EMPTY_FILTER: AuditFilter = { partner: '', action: '', outcome: '', limit: 100 };

/** The filter from a query string (`?partner=…&outcome=denied&before=120`); bad values are dropped. */
export function filterFromSearch(search: string): AuditFilter {
  const params = new URLSearchParams(search);
  const text = (name: string) => (params.get(name) ?? '').slice(0, 200);
  const before = Number(params.get('before'));
  const limit = Number(params.get('limit'));
  return {
    partner: text('partner').trim(),
    action: text('action').trim(),
    outcome: text('outcome').trim(),
    ...(Number.isInteger(before) && before > 0 ? { before } : {}),
    limit: (PAGE_SIZES as readonly number[]).includes(limit) ? limit : EMPTY_FILTER.limit,
  };
}

/** The filter as a query string ('' for none), leaving out what is empty or the default. */
export function searchFromFilter(filter: AuditFilter): string {
  const params = new URLSearchParams();
  if (filter.partner !== '') params.set('partner', filter.partner);
  if (filter.action !== '') params.set('action', filter.action);
  if (filter.outcome !== '') params.set('outcome', filter.outcome);
  if (filter.before !== undefined) params.set('before', String(filter.before));
  if (filter.limit !== EMPTY_FILTER.limit) params.set('limit', String(filter.limit));
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

/** The API query for the filter. */
export function apiQuery(filter: AuditFilter): Record<string, string | number | undefined> {
  return {
    partner: filter.partner === '' ? undefined : filter.partner,
    action: filter.action === '' ? undefined : filter.action,
    outcome: filter.outcome === '' ? undefined : filter.outcome,
    before: filter.before,
    limit: filter.limit,
  };
}

export type ChainVerdict =
  | 'intact'
  | { readonly sequence: number; readonly reason: string; readonly message: string };

export interface AuditPage {
  readonly entries: readonly AuditEntry[];
  readonly matched: number;
  readonly total: number;
  readonly nextBefore?: number;
  readonly chain: ChainVerdict;
}

/** The chain's verdict in words, and whether it is bad news. */
export function chainWords(chain: ChainVerdict, total: number): { text: string; broken: boolean } {
  if (chain === 'intact')
    return {
      text: `Hash chain intact: all ${total} entr${total === 1 ? 'y' : 'ies'} link to the one before, none changed or missing.`,
      broken: false,
    };
  const what = chain.reason === 'changed' ? 'was changed after it was written' : 'is missing or out of order';
  return {
    text: `Hash chain BROKEN at entry ${chain.sequence}: it ${what}. ${chain.message}`,
    broken: true,
  };
}

/** The constraints keten's policies use (docs/policies.md), as the evaluator names them in reasons. */
const OPERANDS = [
  'BusinessPartnerNumber',
  'UsagePurpose',
  'DataUsageEndDate',
  'ForwardDepth',
  'Membership',
  'FrameworkAgreement',
  'UsageRestriction',
] as const;

const PHRASES: readonly (readonly [RegExp, string])[] = [
  [/may be used until|usage end|period has ended/i, 'DataUsageEndDate'],
  [/\btiers?\b.*\b(further|beyond|travel)|forward depth/i, 'ForwardDepth'],
  [/\bpurpose/i, 'UsagePurpose'],
  [/business partner number|\bBPNL?\b/i, 'BusinessPartnerNumber'],
  [/\bmembership\b|not an active member/i, 'Membership'],
];

/**
 * A denial's reason with the constraint that failed picked out: the first of keten's constraints the
 * evaluator's reason names (`DataUsageEndDate`, `ForwardDepth`, …), else none; the reason itself is
 * always kept whole.
 */
export function denialWords(reason: string | undefined): { constraint?: string; why: string } {
  if (reason === undefined || reason.trim() === '') return { why: 'no reason recorded' };
  const why = reason.trim();
  let first: { operand: string; at: number } | undefined;
  for (const operand of OPERANDS) {
    const at = why.indexOf(operand);
    if (at >= 0 && (first === undefined || at < first.at)) first = { operand, at };
  }
  if (first !== undefined) return { constraint: first.operand, why };
  // The evaluator's reasons in words (packages/core/src/policy/operands.ts) name the term by meaning.
  const hinted = PHRASES.find(([pattern]) => pattern.test(why));
  return hinted === undefined ? { why } : { constraint: hinted[1], why };
}

/** A DID or URN shortened for a table cell (the full text goes in a title). */
export function shortId(id: string): string {
  const web = /^did:web:(.+)$/.exec(id);
  if (web !== null) return decodeURIComponent(web[1]!.replaceAll(':', '/'));
  const keten = /^urn:keten:(.+)$/.exec(id);
  if (keten !== null) return keten[1]!;
  return id.length > 48 ? `${id.slice(0, 22)}…${id.slice(-22)}` : id;
}

/** The filter for the next (older) page, or undefined on the last. */
export function olderPage(filter: AuditFilter, page: AuditPage): AuditFilter | undefined {
  return page.nextBefore === undefined ? undefined : { ...filter, before: page.nextBefore };
}

/** The first (newest) page of the same filter. */
export function newestPage(filter: AuditFilter): AuditFilter {
  const { before: _before, ...rest } = filter;
  return rest;
}

/** A partner as the agreements view names it. */
export interface KnownParty {
  readonly company: string;
  readonly did: string;
  readonly bpnl: string;
}

/** Company names by DID and BPNL, from the partners of the node's negotiations and transfers. */
export function partyNames(parties: Iterable<KnownParty>): ReadonlyMap<string, string> {
  const names = new Map<string, string>();
  for (const party of parties) {
    names.set(party.did, party.company);
    names.set(party.bpnl, party.company);
  }
  return names;
}

/** Who acted, in words: the partner's company when known (`kempen`), else the id shortened. */
export function actorWords(names: ReadonlyMap<string, string>, actor: string): string {
  return names.get(actor) ?? shortId(actor);
}
