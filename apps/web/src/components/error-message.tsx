import { useTranslation } from 'react-i18next';
import { ApiError } from '../app/api-client';

/** Turns a failed request into a translated sentence; the server's field messages are listed below it. */
export function errorKey(error: unknown): string {
  if (!(error instanceof ApiError)) return 'errors.network';
  switch (error.status) {
    case 400:
    case 422:
      return 'errors.validation';
    case 401:
      return 'errors.unauthorized';
    case 403:
      return 'errors.forbidden';
    case 404:
      return 'errors.notFound';
    case 409:
      return 'errors.conflict';
    case 413:
      return 'errors.tooLarge';
    case 429:
      return 'errors.rateLimited';
    default:
      return 'errors.server';
  }
}

export function ErrorMessage({ error }: { error: unknown }) {
  const { t } = useTranslation();
  if (!error) return null;
  const fieldErrors = error instanceof ApiError ? (error.problem?.errors ?? []) : [];
  const requestId = error instanceof ApiError ? error.problem?.requestId : undefined;
  return (
    <div role="alert" className="error">
      <p>{t(errorKey(error))}</p>
      {fieldErrors.length > 0 && (
        <ul>
          {fieldErrors.map((e) => (
            <li key={`${e.path}:${e.message}`}>
              {e.path ? `${e.path}: ` : ''}
              {e.message}
            </li>
          ))}
        </ul>
      )}
      {requestId && <p className="muted">{t('errors.requestId', { id: requestId })}</p>}
    </div>
  );
}
