/**
 * @module policy/request
 * What `evaluatePolicy` judges: who asks (the partner's BPNL and DID, its membership credential, the
 * framework agreements it signed), for which action, with which purpose, at which time (passed in:
 * core has no clock), and how many tiers the data has already travelled from its owner.
 */

/**
 * What the requester wants to do with the data:
 * - `access`: see the offer in the catalog and negotiate (Catena-X access policies, action `access`);
 * - `use`: receive and use the data itself (a transfer under an agreement);
 * - `forward`: pass the data on to its own customer, one tier further (chain-deep status).
 */
export const REQUEST_ACTIONS = ['access', 'use', 'forward'] as const;
export type RequestAction = (typeof REQUEST_ACTIONS)[number];

/** The state of the requester's membership credential, as the identity layer verified it. */
export type MembershipStatus =
  | { readonly status: 'valid' }
  | { readonly status: 'missing' }
  | { readonly status: 'invalid'; readonly reason: string };

/** The partner asking. */
export interface Requester {
  /** Its legal-entity business partner number, e.g. `BPNL000000000001`. */
  readonly bpnl: string;
  /** Its decentralised identifier (`did:web:…`), when known. */
  readonly did?: string;
  readonly membership: MembershipStatus;
  /** Framework agreements its credentials show it signed, e.g. `DataExchangeGovernance:1.0`. */
  readonly frameworkAgreements?: readonly string[];
  /** Business partner groups the provider put it in (Catena-X `BusinessPartnerGroup`). */
  readonly groups?: readonly string[];
}

/** One access to judge. */
export interface PolicyRequest {
  readonly action: RequestAction;
  readonly requester: Requester;
  /** The usage purpose claimed, e.g. `cx.dcm.base:1`. */
  readonly purpose?: string;
  /** When (from the caller's clock). */
  readonly at: Date;
  /**
   * How many tiers the data has already been passed on beyond its first recipient: 0 when the
   * requester got it straight from its owner, 1 when one intermediary passed it on, and so on.
   */
  readonly tierDepth: number;
  /** The dataset asked for; checked against the policy's target when both are given. */
  readonly target?: string;
}
