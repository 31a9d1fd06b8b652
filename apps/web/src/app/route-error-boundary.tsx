import { Component, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router-dom';

/**
 * A page that fails to render (its code chunk did not load offline, or it threw) shows a translated
 * explanation with a retry, inside the app's frame, instead of unmounting the whole app into a
 * white page. The boundary is keyed by the path, so moving to another page starts afresh.
 */
export function RouteErrorBoundary({ children }: { children: ReactNode }) {
  const { pathname } = useLocation();
  return <Boundary key={pathname}>{children}</Boundary>;
}

class Boundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override render() {
    return this.state.failed ? (
      <RouteFailed onRetry={() => this.setState({ failed: false })} />
    ) : (
      this.props.children
    );
  }
}

function RouteFailed({ onRetry }: { onRetry: () => void }) {
  const { t } = useTranslation();
  const offline = !navigator.onLine;
  return (
    <section role="alert" className="panel route-failed" data-testid="route-failed" data-offline={offline}>
      <h1>{offline ? t('grid.boundary.offlineTitle') : t('grid.boundary.errorTitle')}</h1>
      <p>{offline ? t('grid.boundary.offlineText') : t('grid.boundary.errorText')}</p>
      <div className="button-row">
        {/* A lazy chunk that failed once is not fetched again by React: reload the page for it. */}
        <button type="button" onClick={() => (navigator.onLine ? location.reload() : onRetry())}>
          {t('grid.boundary.retry')}
        </button>
        <a href="/grid">{t('grid.boundary.toTasks')}</a>
      </div>
    </section>
  );
}
