/**
 * @module components/layout
 * The frame of every page: a skip link, the header (this node, the user and their role, log out), the
 * navigation built from `ROUTES` (this node's pages, then the current network's), and the page in
 * `<main>`, which takes the focus after each navigation so keyboard and screen-reader users start
 * at the content.
 */
import { type ReactNode, useEffect, useRef } from 'react';
import { useSession } from '../api/session.tsx';
import { hasRole } from '../api/types.ts';
import { useHasConnector } from '../pages/connector/use-connector.ts';
import { Link, pathTo, useLocation } from '../router.tsx';
import { ROUTES } from '../routes.tsx';

const NETWORK_KEY = 'keten.network';

/** The network the user works on: the one in the path, else the last one opened in this tab. */
export function currentNetwork(pathname: string): string | undefined {
  const match = /^\/networks\/([^/]+)/.exec(pathname);
  if (match !== null) {
    try {
      const name = decodeURIComponent(match[1]!);
      sessionStorage.setItem(NETWORK_KEY, name);
      return name;
    } catch {
      return undefined;
    }
  }
  return sessionStorage.getItem(NETWORK_KEY) ?? undefined;
}

export function Layout({ title, children }: { readonly title: string; readonly children: ReactNode }) {
  const { user, logout } = useSession();
  const { pathname } = useLocation();
  const main = useRef<HTMLElement>(null);
  const network = currentNetwork(pathname);
  const shownPath = useRef(pathname);
  const hasConnector = useHasConnector();

  useEffect(() => {
    document.title = `${title} · keten`;
  }, [title]);
  useEffect(() => {
    // Only when the path changes: a page opened fresh keeps the browser's own focus start.
    if (shownPath.current === pathname) return;
    shownPath.current = pathname;
    main.current?.focus({ preventScroll: true });
  }, [pathname]);

  if (user === null || user === undefined) return null;
  const visible = ROUTES.filter(
    (route) =>
      route.nav !== undefined &&
      hasRole(user.role, route.role) &&
      (route.requires !== 'connector' || hasConnector === true),
  );
  const nodePages = visible.filter((route) => route.nav!.section === 'node');
  const networkPages = visible.filter((route) => route.nav!.section === 'network');

  return (
    <div className="shell">
      <a className="skip-link" href="#content">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand">
          keten
        </Link>
        <span className="topbar-network">{network === undefined ? '' : network}</span>
        <span className="topbar-user">
          <span>
            {user.username} <span className="role-badge">{user.role}</span>
          </span>
          <button type="button" className="button-quiet" onClick={() => void logout()}>
            Log out
          </button>
        </span>
      </header>
      <nav className="sidebar" aria-label="Main">
        <ul>
          {nodePages.map((route) => (
            <NavLink
              key={route.path}
              to={route.path}
              label={route.nav!.label}
              current={pathname === route.path}
            />
          ))}
        </ul>
        {network === undefined ? null : (
          <>
            <h2 className="nav-heading" title={network}>
              {network}
            </h2>
            <ul>
              {networkPages.map((route) => {
                const to = pathTo(route.path, { name: network });
                return (
                  <NavLink key={route.path} to={to} label={route.nav!.label} current={pathname === to} />
                );
              })}
            </ul>
          </>
        )}
      </nav>
      <main id="content" ref={main} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

function NavLink({
  to,
  label,
  current,
}: {
  readonly to: string;
  readonly label: string;
  readonly current: boolean;
}) {
  return (
    <li>
      <Link to={to} aria-current={current ? 'page' : undefined}>
        {label}
      </Link>
    </li>
  );
}
