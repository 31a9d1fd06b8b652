import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { LoginRequest } from '@civitas/contracts/identity';
import type { ResponseOf } from '@civitas/contracts/endpoint';
import { endpoints } from '@civitas/contracts/endpoints';
import type { MeWithMfa as Me } from '@civitas/contracts/endpoints/identity';
import { ApiError, call, setCsrfToken, setUnauthorizedHandler } from './api-client';
import { useLocalePreference } from './locale-preference';

type LoginResponse = ResponseOf<typeof endpoints.auth.login>;

type AuthState = { status: 'loading' } | { status: 'anonymous' } | { status: 'signed-in'; me: Me };

interface AuthContextValue {
  state: AuthState;
  login: (request: LoginRequest) => Promise<LoginResponse>;
  logout: () => Promise<void>;
  refresh: () => Promise<void>;
}

const AuthContext = createContext<AuthContextValue | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });

  const signedIn = useCallback((me: Me) => {
    setCsrfToken(me.csrfToken);
    setState({ status: 'signed-in', me });
  }, []);

  const signedOut = useCallback(() => {
    setCsrfToken(null);
    setState({ status: 'anonymous' });
  }, []);

  const refresh = useCallback(async () => {
    try {
      signedIn(await call(endpoints.auth.me));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) signedOut();
      else throw error;
    }
  }, [signedIn, signedOut]);

  useEffect(() => {
    setUnauthorizedHandler(signedOut);
    // Any failure to read the session (401, network) leaves the user at the login form.
    call(endpoints.auth.me).then(signedIn, () => signedOut());
    return () => setUnauthorizedHandler(null);
  }, [signedIn, signedOut]);

  const login = useCallback(
    async (request: LoginRequest) => {
      const response = await call(endpoints.auth.login, { body: request });
      if (response.status === 'ok') signedIn(response.me);
      return response;
    },
    [signedIn],
  );

  const logout = useCallback(async () => {
    try {
      await call(endpoints.auth.logout);
    } finally {
      signedOut();
    }
  }, [signedOut]);

  useLocalePreference(state.status === 'signed-in' ? state.me.locale : null);
  const value = useMemo(() => ({ state, login, logout, refresh }), [state, login, logout, refresh]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const value = useContext(AuthContext);
  if (!value) throw new Error('useAuth outside AuthProvider');
  return value;
}

/** The signed-in user; only used below the signed-in shell. */
export function useMe(): Me {
  const { state } = useAuth();
  if (state.status !== 'signed-in') throw new Error('useMe without a session');
  return state.me;
}

export function useCan(permission: string): boolean {
  const { state } = useAuth();
  return state.status === 'signed-in' && state.me.permissions.includes(permission);
}
