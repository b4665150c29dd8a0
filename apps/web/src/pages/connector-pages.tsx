/**
 * @module pages/connector-pages
 * A company node's connector pages (agreements, audit trail, chain-deep status) loaded when first
 * opened, like the analysis and view pages: most visitors never open them, and a node without a
 * connector lists none of them.
 */
import { lazyPage } from './lazy-page.tsx';

export const AgreementsPage = lazyPage(
  async () => (await import('./connector/agreements-page.tsx')).AgreementsPage,
  'the agreements',
);
export const AuditPage = lazyPage(
  async () => (await import('./connector/audit-page.tsx')).AuditPage,
  'the audit trail',
);
export const ChainStatusPage = lazyPage(
  async () => (await import('./connector/chain-status-page.tsx')).ChainStatusPage,
  'the chain-deep status',
);
