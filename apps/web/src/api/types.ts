/**
 * @module api/types
 * The shapes of the API's answers the web app reads. The network views come from @keten/core (types
 * only: nothing of core is bundled for them); the rest mirror apps/server/src/api-schemas.ts.
 */
import type { CompanyView, NetworkGraph, NetworkVersionInfo, Role } from '@keten/core';

export type {
  CompanyView,
  GraphItem,
  NetworkGraph,
  NetworkListEntry,
  NetworkSummary,
  NetworkVersionInfo,
  Role,
} from '@keten/core';

const RANK: Readonly<Record<Role, number>> = { viewer: 0, planner: 1, admin: 2 };

/** Whether `role` includes the rights of `needed` (viewer < planner < admin), as the server decides. */
export function hasRole(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/** A user of this node as the API shows it (never with the password hash). */
export interface User {
  readonly username: string;
  readonly role: Role;
  readonly createdAt: string;
  readonly disabled: boolean;
}

/** POST /api/v1/session: the bearer token (`secret`) and who logged in. */
export interface SessionResponse {
  readonly secret: string;
  readonly user: User;
}

/** GET /api/v1/me (the token's details are left out: the app does not show them). */
export interface Me {
  readonly user: User;
}

/** GET /api/v1/networks/:name/graph: the graph with the version it was made from. */
export type NetworkGraphResponse = NetworkGraph & { readonly version: number };
/** GET /api/v1/networks/:name/companies/:company. */
export type CompanyViewResponse = CompanyView & { readonly version: number };
/** GET /api/v1/networks/:name/summary: a version's facts without its content. */
export type NetworkFactsResponse = NetworkVersionInfo & {
  readonly period: 'day' | 'week';
  readonly start: string;
  readonly horizon: number;
  readonly currency: string;
};
