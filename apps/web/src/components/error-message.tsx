import type { i18n, TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import type { ApiProblem } from '@civitas/contracts/errors';
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

/** RFC 9457's own members and ours; the rest of a problem are the values its sentence may use. */
const standardMembers = new Set([
  'type',
  'title',
  'status',
  'detail',
  'instance',
  'code',
  'requestId',
  'errors',
]);

/**
 * The refusal in the user's language where its code has a sentence of its own (`errors.byCode`),
 * filled with the problem's extension members (the server's `detail` stays English); `count` above
 * one says how many more cases the refusal found.
 */
function codeMessage(error: unknown, t: TFunction, i18n: i18n): string | null {
  if (!(error instanceof ApiError) || !error.problem) return null;
  return problemMessage(problemFacts(error.problem), t, i18n);
}

/** A problem's code and the values its sentence may use, kept where a refusal is shown later. */
export interface ProblemFacts {
  code?: string;
  params?: Record<string, string | number>;
}

/** The facts of a problem worth keeping: its code and its extension members. */
export function problemFacts(problem: ApiProblem | null): ProblemFacts {
  if (!problem) return {};
  const params = Object.fromEntries(
    Object.entries(problem).filter(
      (entry): entry is [string, string | number] =>
        !standardMembers.has(entry[0]) && (typeof entry[1] === 'string' || typeof entry[1] === 'number'),
    ),
  );
  return { code: problem.code, params };
}

/** The sentence for a problem's code in the user's language, or null when the code has none. */
export function problemMessage(facts: ProblemFacts, t: TFunction, i18n: i18n): string | null {
  if (!facts.code) return null;
  const key = `errors.byCode.${facts.code}`;
  if (!i18n.exists(key)) return null;
  const values = facts.params ?? {};
  const { count } = values;
  const more = typeof count === 'number' && count > 1 ? ` ${t('errors.andMore', { count: count - 1 })}` : '';
  return `${t(key, values)}${more}`;
}

export function ErrorMessage({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  if (!error) return null;
  const fieldErrors = error instanceof ApiError ? (error.problem?.errors ?? []) : [];
  const requestId = error instanceof ApiError ? error.problem?.requestId : undefined;
  return (
    <div role="alert" className="error">
      <p>{codeMessage(error, t, i18n) ?? t(errorKey(error))}</p>
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
