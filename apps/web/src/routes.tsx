/**
 * @module routes
 * Every page of the app: its path, the least role that may see it, and its place in the navigation.
 * To add a page: make `pages/<page>/<page>-page.tsx` and add one entry here; the layout builds the
 * navigation from this list and refuses a page to a role below `role` (the server refuses its API
 * calls too). Paths under `/networks/:name/` belong to one network and are listed under it.
 */
import type { ReactNode } from 'react';
import type { Role } from './api/types.ts';
import { ScenariosPage, SourcingPage, StressPage } from './pages/analysis-pages.tsx';
import { CompanyPage } from './pages/company/company-page.tsx';
import { AgreementsPage, AuditPage, ChainStatusPage } from './pages/connector-pages.tsx';
import { NetworksPage } from './pages/networks/networks-page.tsx';
import { UsersPage } from './pages/users/users-page.tsx';
import { GraphPage, MapPage, OverviewPage, PlanPage, StatusPage } from './pages/view-pages.tsx';

export interface PageProps {
  /** The path's parameters, e.g. `{ name, company }`. */
  readonly params: Readonly<Record<string, string>>;
}

export interface PageRoute {
  /** A pattern such as `/networks/:name/map`. */
  readonly path: string;
  /** The page's title (the browser tab shows `title · keten`). */
  readonly title: string;
  /** The least role that may open the page. */
  readonly role: Role;
  readonly page: (props: PageProps) => ReactNode;
  /** In the navigation: `node` for this node's pages, `network` for the current network's. */
  readonly nav?: { readonly label: string; readonly section: 'node' | 'network' };
  /** Listed only on a node that has it: `connector` for a company node's pages. */
  readonly requires?: 'connector';
}

export const ROUTES: readonly PageRoute[] = [
  {
    path: '/',
    title: 'Networks',
    role: 'viewer',
    page: () => <NetworksPage />,
    nav: { label: 'Networks', section: 'node' },
  },
  {
    path: '/networks/:name',
    title: 'Overview',
    role: 'viewer',
    page: ({ params }) => <OverviewPage network={params.name!} />,
    nav: { label: 'Start here: weak spots at a glance', section: 'network' },
  },
  {
    path: '/networks/:name/map',
    title: 'Map',
    role: 'viewer',
    page: ({ params }) => <MapPage network={params.name!} />,
    nav: { label: 'Map', section: 'network' },
  },
  {
    path: '/networks/:name/graph',
    title: 'Graph',
    role: 'viewer',
    page: ({ params }) => <GraphPage network={params.name!} />,
    nav: { label: 'Graph', section: 'network' },
  },
  {
    path: '/networks/:name/companies/:company',
    title: 'Company',
    role: 'viewer',
    page: ({ params }) => <CompanyPage network={params.name!} company={params.company!} />,
  },
  {
    path: '/networks/:name/plan',
    title: 'Plan',
    role: 'viewer',
    page: ({ params }) => <PlanPage network={params.name!} />,
    nav: { label: 'Plan', section: 'network' },
  },
  {
    path: '/networks/:name/status',
    title: 'Chain status',
    role: 'viewer',
    page: ({ params }) => <StatusPage network={params.name!} />,
    nav: { label: 'Chain status (live)', section: 'network' },
  },
  {
    path: '/users',
    title: 'Users',
    role: 'admin',
    page: () => <UsersPage />,
    nav: { label: 'Users', section: 'node' },
  },
  {
    path: '/connector/agreements',
    title: 'Agreements',
    role: 'admin',
    page: () => <AgreementsPage />,
    nav: { label: 'Agreements', section: 'node' },
    requires: 'connector',
  },
  {
    path: '/connector/audit',
    title: 'Audit trail',
    role: 'admin',
    page: () => <AuditPage />,
    nav: { label: 'Audit trail', section: 'node' },
    requires: 'connector',
  },
  {
    path: '/connector/status',
    title: 'Chain-deep status',
    role: 'planner',
    page: () => <ChainStatusPage />,
    nav: { label: 'Chain-deep status', section: 'node' },
    requires: 'connector',
  },
  {
    path: '/networks/:name/stress',
    title: 'Weak spots',
    role: 'viewer',
    page: ({ params }) => <StressPage network={params.name!} />,
    nav: { label: 'Weak spots (stress test)', section: 'network' },
  },
  {
    path: '/networks/:name/scenarios',
    title: 'Scenario studio',
    role: 'viewer',
    page: ({ params }) => <ScenariosPage network={params.name!} />,
    nav: { label: 'Scenario studio', section: 'network' },
  },
  {
    path: '/networks/:name/sourcing',
    title: 'Sourcing',
    role: 'viewer',
    page: ({ params }) => <SourcingPage network={params.name!} />,
    nav: { label: 'Sourcing comparison', section: 'network' },
  },
];
