/**
 * @module pages/users
 * This node's accounts and their roles (`GET /api/v1/users`): admins only. Accounts are managed with
 * `keten user` or the users API.
 */
import { api } from '../../api/client.ts';
import type { User } from '../../api/types.ts';
import { useApi } from '../../api/use-api.ts';
import { ErrorDisplay, Loading } from '../../components/error-display.tsx';

export function UsersPage() {
  const loaded = useApi((signal) => api.get<{ users: User[] }>('/api/v1/users', { signal }), []);
  return (
    <>
      <h1>Users</h1>
      <p className="muted">
        Roles: a viewer reads, a planner also imports networks, appends events and re-plans, an admin also
        manages accounts. Manage them with <code>keten user</code> or <code>/api/v1/users</code>.
      </p>
      {loaded.state === 'loading' ? <Loading what="users" /> : null}
      {loaded.state === 'failed' ? <ErrorDisplay error={loaded.error} /> : null}
      {loaded.state === 'done' ? (
        <table>
          <caption className="visually-hidden">Users of this node</caption>
          <thead>
            <tr>
              <th scope="col">User</th>
              <th scope="col">Role</th>
              <th scope="col">Created (UTC)</th>
              <th scope="col">State</th>
            </tr>
          </thead>
          <tbody>
            {loaded.value.users.map((user) => (
              <tr key={user.username}>
                <td>{user.username}</td>
                <td>{user.role}</td>
                <td>{user.createdAt.slice(0, 16).replace('T', ' ')}</td>
                <td>{user.disabled ? 'disabled' : 'active'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </>
  );
}
