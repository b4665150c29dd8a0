/**
 * @module pages/login
 * Log in with a user of this node (`POST /api/v1/session`); the token is kept for this tab only.
 */
import { type FormEvent, useEffect, useState } from 'react';
import type { ApiFailure } from '../../api/client.ts';
import { useSession } from '../../api/session.tsx';
import { asFailure } from '../../api/use-api.ts';
import { ErrorDisplay } from '../../components/error-display.tsx';

export function LoginPage() {
  const { login, ended } = useSession();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | undefined>(undefined);

  useEffect(() => {
    document.title = 'Log in · keten';
  }, []);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await login(username.trim(), password);
    } catch (failure) {
      setError(asFailure(failure));
      setBusy(false);
    }
  };

  return (
    <main className="login" id="content">
      <form className="login-card" onSubmit={submit} aria-labelledby="login-title">
        <h1 id="login-title">
          <span className="brand">keten</span> Log in
        </h1>
        <p className="muted">Log in with your user of this keten node. The demo prints the admin password.</p>
        {ended === undefined ? null : <p className="notice">{ended}</p>}
        <label htmlFor="username">User name</label>
        <input
          id="username"
          name="username"
          autoComplete="username"
          required
          value={username}
          onChange={(event) => setUsername(event.target.value)}
        />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
        {error === undefined ? null : <ErrorDisplay error={error} title="Not logged in" />}
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
    </main>
  );
}
