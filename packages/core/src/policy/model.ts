/**
 * @module policy/model
 * ODRL usage policies as keten's company nodes exchange them: the compact JSON-LD form that the
 * Dataspace Protocol 2025-1 (`negotiation/contract-schema.json`) and the Catena-X ODRL profile
 * (`cx-odrl-profile`, `schema/samples/*.json`) use, as typed values.
 *
 * A policy is an offer (`Offer`, or `Set` for a stored access or usage policy) or an agreement
 * (`Agreement`, with assigner, assignee, target and a timestamp). It holds permissions, prohibitions and
 * obligations (ODRL 2.2 Information Model §2.1–2.6, https://www.w3.org/TR/odrl-model/); each rule has
 * an action and constraints; a constraint is atomic (`leftOperand operator rightOperand`) or logical
 * (`and`, `or`, `xone`, `andSequence` over constraints, ODRL 2.2 §2.5.5).
 *
 * keten's own left operand, the forward depth, lives in keten's namespace
 * (`https://w3id.org/keten/policy/ForwardDepth`, see docs/policies.md): the Catena-X profile has no
 * operand for how many tiers further data may be passed on.
 */

/** The ODRL policy subclasses keten reads: `Offer` and `Agreement` (DSP), `Set` (Catena-X samples). */
export const POLICY_TYPES = ['Offer', 'Set', 'Agreement'] as const;
export type PolicyType = (typeof POLICY_TYPES)[number];

/** The three kinds of rule, named as their JSON keys are. */
export const RULE_KINDS = ['permission', 'prohibition', 'obligation'] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/**
 * ODRL 2.2 operators (Information Model §2.5.3; the DSP 2025-1 `Operator` enumeration is the same list
 * plus `term-lteq`, which ODRL does not define).
 */
export const ODRL_OPERATORS = [
  'eq',
  'neq',
  'gt',
  'gteq',
  'lt',
  'lteq',
  'isA',
  'hasPart',
  'isPartOf',
  'isAllOf',
  'isAnyOf',
  'isNoneOf',
] as const;
export type Operator = (typeof ODRL_OPERATORS)[number];

/** ODRL 2.2 logical constraint operands (§2.5.5). */
export const LOGICAL_OPERATORS = ['and', 'or', 'xone', 'andSequence'] as const;
export type LogicalOperator = (typeof LOGICAL_OPERATORS)[number];

/** A right operand in compact form: text, a number, a truth value, or a list of text and numbers. */
export type RightOperand = string | number | boolean | readonly (string | number | boolean)[];

/** `leftOperand operator rightOperand`, e.g. `BusinessPartnerNumber isAnyOf [BPNL…]`. */
export interface AtomicConstraint {
  readonly kind: 'atomic';
  /** The compact term (`UsagePurpose`) or, outside the Catena-X context, an absolute IRI. */
  readonly leftOperand: string;
  readonly operator: Operator;
  readonly rightOperand: RightOperand;
}

/** `{ "and": [ … ] }` and its siblings: a constraint over constraints. */
export interface LogicalConstraint {
  readonly kind: 'logical';
  readonly operator: LogicalOperator;
  readonly constraints: readonly Constraint[];
}

export type Constraint = AtomicConstraint | LogicalConstraint;

/** A permission, prohibition or obligation: an action and the constraints under which it holds. */
export interface Rule {
  /** `use` and `access` are the actions the Catena-X profile uses; others are kept as written. */
  readonly action: string;
  /** All must hold (ODRL 2.2 §2.5: a rule's constraints are conjoined). */
  readonly constraints: readonly Constraint[];
}

/** An ODRL policy in the compact form. */
export interface Policy {
  readonly id: string;
  readonly type: PolicyType;
  /** The JSON-LD `@context` as written (absent inside DSP messages, whose context applies). */
  readonly context?: JsonValue;
  readonly profile?: readonly string[];
  /** The dataset the policy is about; required on agreements. */
  readonly target?: string;
  /** The provider (agreements). */
  readonly assigner?: string;
  /** The consumer (agreements): its BPNL or DID. */
  readonly assignee?: string;
  /** When the agreement was concluded, an ISO 8601 date-time. */
  readonly timestamp?: string;
  readonly permissions: readonly Rule[];
  readonly prohibitions: readonly Rule[];
  readonly obligations: readonly Rule[];
}

/** Any JSON value. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { [key: string]: JsonValue };

/** The ODRL vocabulary (its compact prefix is `odrl:`). */
export const ODRL_NAMESPACE = 'http://www.w3.org/ns/odrl/2/';
/** The Catena-X policy vocabulary 2025-9 (its compact prefix is `cx-policy:`). */
export const CATENA_X_POLICY_NAMESPACE = 'https://w3id.org/catenax/2025/9/policy/';
/**
 * keten's policy vocabulary: left operands keten needs and the Catena-X profile lacks. The IRIs are
 * written out in full in policies, so no extra JSON-LD context is needed to read them.
 */
export const KETEN_POLICY_NAMESPACE = 'https://w3id.org/keten/policy/';
/**
 * keten's forward depth: how many tiers beyond the first recipient the data may be passed on
 * (`lteq "n"`, a whole number ≥ 0 written as text, since DSP 2025-1 right operands are text, objects or
 * lists). `lteq "0"`: the recipient may use the data but not pass it on.
 */
export const FORWARD_DEPTH = `${KETEN_POLICY_NAMESPACE}ForwardDepth`;

/** The `@context` of a stand-alone Catena-X policy document (the profile's samples carry it). */
export const CATENA_X_POLICY_CONTEXT: readonly string[] = [
  'https://w3id.org/catenax/2025/9/policy/odrl.jsonld',
  'https://w3id.org/catenax/2025/9/policy/context.jsonld',
];

/** The framework agreement Catena-X usage policies refer to (profile: framework-agreement schema). */
export const DATA_EXCHANGE_GOVERNANCE = 'DataExchangeGovernance:1.0';

/** A Catena-X legal-entity business partner number: `BPNL` and 12 digits or capitals (profile pattern). */
export const BPNL_PATTERN = /^BPNL[0-9A-Z]{12}$/;
