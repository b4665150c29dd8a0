/**
 * @module node/renewal
 * When a company node's agreements end, and when a consumer negotiates a dataset again (pure; the
 * exchange service runs it).
 *
 * - **The provider's offers** end `term` after the start of the current step (`offerEnd`): a step is a
 *   day for terms of four days or more (the offer a partner read in the catalog is the one it is agreed
 *   on, all day), a quarter of the term for shorter ones (tests). So an offer read today ends later than
 *   yesterday's, and a renewal gets a later end than the agreement it replaces. A request made under the
 *   offer of the step before (a catalog read just before the step changed) is still agreed.
 * - **The consumer** negotiates a dataset again under the provider's current offer (`renewalDue`) when
 *   its agreement ends within `renewBefore` (default a tenth of the term, at most 30 days), or when the
 *   provider refused to push under it (it terminated the transfer: the agreement is expired on its side,
 *   or no longer allows the use). Never while a negotiation of the dataset is under way, and not again
 *   for an agreement when the provider's current offer ends no later (an offer with a fixed end date).
 */
import { type JsonValue, parseInstant } from '@keten/core';

const DAY = 24 * 3600 * 1000;

export interface AgreementTiming {
  /** How long an agreement lets the partner use the data, ms. */
  readonly term: number;
  /** How long before its end the consumer negotiates again, ms. */
  readonly renewBefore: number;
  /** How often the consumer looks at its agreements, ms. */
  readonly checkEvery: number;
}

/** The timing from the service's options (`agreementDays` default 365). */
export function agreementTiming(options: {
  readonly agreementDays?: number;
  readonly agreementTermMs?: number;
  readonly renewBeforeMs?: number;
  readonly renewCheckMs?: number;
}): AgreementTiming {
  const term = Math.max(4000, options.agreementTermMs ?? (options.agreementDays ?? 365) * DAY);
  // Never more than three quarters of the term: a renewal must end later than what it renews.
  const renewBefore = Math.min(term * 0.75, options.renewBeforeMs ?? Math.min(30 * DAY, term / 10));
  const checkEvery = options.renewCheckMs ?? Math.max(250, Math.min(60_000, renewBefore / 4));
  return { term, renewBefore, checkEvery };
}

/** The length of one offer step: a day, or a quarter of a short term (whole seconds). */
export function offerStep(term: number): number {
  return term >= 4 * DAY ? DAY : Math.max(1000, Math.floor(term / 4000) * 1000);
}

/** The end of use in the offers made at `now`: the start of the current step plus the term. */
export function offerEnd(now: number, term: number): Date {
  const step = offerStep(term);
  return new Date(Math.floor(now / step) * step + term);
}

/** The `DataUsageEndDate` of a policy in its JSON form (as DSP messages and agreements carry it), ms. */
export function usageEndOf(policy: unknown): number | undefined {
  let end: number | undefined;
  const visit = (value: JsonValue | undefined): void => {
    if (Array.isArray(value)) {
      for (const entry of value) visit(entry);
      return;
    }
    if (typeof value !== 'object' || value === null) return;
    const object = value as { [key: string]: JsonValue };
    const left = object.leftOperand;
    const name = typeof left === 'string' ? left : (left as { '@id'?: JsonValue } | undefined)?.['@id'];
    if (typeof name === 'string' && /(^|[:/#])DataUsageEndDate$/.test(name)) {
      const right = object.rightOperand;
      const text = typeof right === 'string' ? right : (right as { '@value'?: JsonValue } | null)?.['@value'];
      const at = typeof text === 'string' ? parseInstant(text) : undefined;
      if (at !== undefined) end = end === undefined ? at : Math.min(end, at);
      return;
    }
    for (const entry of Object.values(object)) visit(entry);
  };
  visit(policy as JsonValue);
  return end;
}

/** What the consumer knows of one dataset it takes from a partner. */
export interface DatasetAgreementState {
  /** A negotiation of the dataset is under way (neither FINALIZED nor TERMINATED). */
  readonly negotiating: boolean;
  /** The latest finalized agreement's end of use (ms), if it has one; undefined: none finalized. */
  readonly agreement?: { readonly id: string; readonly end?: number };
  /** The dataset is pushed (not only consented to): a transfer must run under the agreement. */
  readonly pushed: boolean;
  /** A transfer under the agreement is requested or started (not terminated by the provider). */
  readonly transferRunning: boolean;
}

export type RenewalVerdict =
  | { readonly renew: false }
  | { readonly renew: true; readonly why: 'ending' | 'ended' | 'refused'; readonly reason: string };

/** Whether the consumer negotiates the dataset again now. */
export function renewalDue(
  state: DatasetAgreementState,
  now: number,
  timing: AgreementTiming,
): RenewalVerdict {
  if (state.negotiating || state.agreement === undefined) return { renew: false };
  const { end } = state.agreement;
  if (end !== undefined && now > end)
    return {
      renew: true,
      why: 'ended',
      reason: `agreement ${state.agreement.id} ended at ${new Date(end).toISOString()}`,
    };
  if (end !== undefined && now >= end - timing.renewBefore)
    return {
      renew: true,
      why: 'ending',
      reason: `agreement ${state.agreement.id} ends at ${new Date(end).toISOString()}, within ${duration(timing.renewBefore)}`,
    };
  if (state.pushed && !state.transferRunning)
    return {
      renew: true,
      why: 'refused',
      reason: `the provider ended the transfer under agreement ${state.agreement.id}`,
    };
  return { renew: false };
}

/** A margin in words: whole days when it is a day or more, else seconds. */
function duration(ms: number): string {
  if (ms >= DAY) {
    const days = Number((ms / DAY).toFixed(1));
    return `${days} day${days === 1 ? '' : 's'}`;
  }
  return `${Math.round(ms / 1000)} s`;
}
