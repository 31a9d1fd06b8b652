import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { usePageTitle } from './use-page-title';

/** Also shown for records outside the user's area: the server answers 404 for both on purpose. */
export function NotFoundPage({ messageKey = 'notFound.page' }: { messageKey?: string }) {
  const { t } = useTranslation();
  usePageTitle(t('notFound.title'));
  return (
    <section data-testid="not-found">
      <h1>{t('notFound.title')}</h1>
      <p>{t(messageKey)}</p>
      <p>
        <Link to="/">{t('notFound.home')}</Link>
      </p>
    </section>
  );
}
