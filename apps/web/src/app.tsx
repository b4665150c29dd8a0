/**
 * @module app
 * The app: the login page until someone is logged in, then the page of the current path in the
 * layout, refused to a role below the page's (see routes.tsx), or "not found".
 */

import { useSession } from './api/session.tsx';
import { hasRole } from './api/types.ts';
import { Loading } from './components/error-display.tsx';
import { Layout } from './components/layout.tsx';
import { LoginPage } from './pages/login/login-page.tsx';
import { matchPath, useLocation } from './router.tsx';
import { ROUTES } from './routes.tsx';

export function App() {
  const { user } = useSession();
  const { pathname } = useLocation();
  if (user === undefined) return <Loading what="your session" />;
  if (user === null) return <LoginPage />;
  for (const route of ROUTES) {
    const params = matchPath(route.path, pathname);
    if (params === undefined) continue;
    if (!hasRole(user.role, route.role)) {
      return (
        <Layout title="Not allowed">
          <h1>Not allowed</h1>
          <p role="alert">
            {route.title} needs the {route.role} role; you are a {user.role}. Ask an admin of this node.
          </p>
        </Layout>
      );
    }
    return <Layout title={route.title}>{route.page({ params })}</Layout>;
  }
  return (
    <Layout title="Not found">
      <h1>Not found</h1>
      <p role="alert">There is no page at {pathname}.</p>
    </Layout>
  );
}
