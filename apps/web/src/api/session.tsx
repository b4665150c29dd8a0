/**
 * @module api/session
 * Who is logged in: `SessionProvider` holds the user (from `GET /api/v1/me` when a token is kept in
 * sessionStorage, or from the login answer), `useSession()` reads it, `login`/`logout` change it.
 * A 401 from any call ends the session (api/client.ts), which brings the login page back.
 */
import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import { ApiFailure, api, onUnauthenticated, sessionToken } from './client.ts';
import type { Me, SessionResponse, User } from './types.ts';

export interface Session {
  /** undefined while the kept token is being checked; null when nobody is logged in. */
  readonly user: User | null | undefined;
  /** Why the kept session ended, to show on the login page (e.g. expired). */
  readonly ended: string | undefined;
  login(username: string, password: string): Promise<void>;
  logout(): Promise<void>;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ children }: { readonly children: ReactNode }) {
  const [user, setUser] = useState<User | null | undefined>(() =>
    sessionToken.get() === undefined ? null : undefined,
  );
  const [ended, setEnded] = useState<string | undefined>(undefined);

  useEffect(() => {
    const stop = onUnauthenticated(() => {
      setUser(null);
      setEnded('Your session has ended (expired, revoked or the account changed). Please log in again.');
    });
    if (sessionToken.get() !== undefined) {
      api.get<Me>('/api/v1/me').then(
        (me) => setUser(me.user),
        (error: unknown) => {
          if (!(error instanceof ApiFailure) || error.status !== 401) setUser(null);
        },
      );
    }
    return stop;
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const session = await api.post<SessionResponse>('/api/v1/session', { username, password });
    sessionToken.set(session.secret);
    setEnded(undefined);
    setUser(session.user);
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.delete('/api/v1/session');
    } catch {
      // Logged out here whatever the node says: the token is forgotten below.
    }
    sessionToken.clear();
    setEnded(undefined);
    setUser(null);
  }, []);

  const value = useMemo(() => ({ user, ended, login, logout }), [user, ended, login, logout]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (session === undefined) throw new Error('useSession needs a SessionProvider above it');
  return session;
}
