import { BrowserRouter } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { ForcedPasswordChangePage } from '../features/identity/change-password-form';
import { LoginPage } from '../features/identity/login-page';
import { AppRoutes } from './app-routes';
import { AppShell } from './app-shell';
import { AuthProvider, useAuth } from './auth-context';
import { RouteErrorBoundary } from './route-error-boundary';
import { UnitProvider } from './unit-context';

function Gate() {
  const { t } = useTranslation();
  const { state } = useAuth();
  if (state.status === 'loading') {
    return (
      <main id="main" className="login-main">
        <p role="status" aria-live="polite">
          {t('common.loading')}
        </p>
      </main>
    );
  }
  // Any deep link works: the login form appears in place and the page follows after signing in.
  if (state.status === 'anonymous') return <LoginPage />;
  // A temporary password from an administrator: the server grants nothing until it is changed.
  if (state.me.passwordChangeRequired) return <ForcedPasswordChangePage />;
  return (
    <AppShell>
      <RouteErrorBoundary>
        <AppRoutes />
      </RouteErrorBoundary>
    </AppShell>
  );
}

export function AppRoot() {
  return (
    <BrowserRouter>
      <AuthProvider>
        <UnitProvider>
          <Gate />
        </UnitProvider>
      </AuthProvider>
    </BrowserRouter>
  );
}
