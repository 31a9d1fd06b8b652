import type { CodeWithStatus, ErrorCode } from '@civitas/contracts/errors';

/**
 * The error vocabulary of the whole server. Every error a client can see is one of these, with a
 * stable `code` that clients may branch on; the HTTP handler turns them into RFC 9457 bodies.
 */
export type FieldError = { path: string; message: string };

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly extra: {
      errors?: FieldError[];
      headers?: Record<string, string>;
      body?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
  }
}

export const badRequest = (code: CodeWithStatus<400>, message: string, errors?: FieldError[]) =>
  new AppError(400, code, message, errors ? { errors } : {});
export const validationFailed = (errors: FieldError[]) =>
  new AppError(
    400,
    'validation_failed',
    errors.map((e) => `${e.path || '(body)'}: ${e.message}`).join('; '),
    { errors },
  );
export const unauthenticated = (message = 'Sign in first.') => new AppError(401, 'unauthenticated', message);
export const invalidCredentials = () =>
  new AppError(401, 'invalid_credentials', 'Wrong username or password.');
export const forbidden = (message = 'You do not have permission for this action.') =>
  new AppError(403, 'forbidden', message);
/** 403 with a code of its own: the web explains this refusal in the user's language. */
export const refused = (code: CodeWithStatus<403>, message: string, body?: Record<string, unknown>) =>
  new AppError(403, code, message, body ? { body } : {});
export const csrfFailed = () =>
  new AppError(
    403,
    'csrf_failed',
    'Missing or wrong X-CSRF-Token header for a cookie-authenticated request.',
  );
export const notFound = (what: string) => new AppError(404, 'not_found', `${what} not found.`);
export const conflict = (code: CodeWithStatus<409>, message: string, body?: Record<string, unknown>) =>
  new AppError(409, code, message, body ? { body } : {});
/**
 * 429 with Retry-After: a limit that protects others (or a person's data) was reached. The wait
 * is also a member of the problem body (RFC 9457 extension), since a browser's fetch error path
 * keeps the body and the web says when to try again in the user's language.
 */
export const tooManyRequests = (code: CodeWithStatus<429>, message: string, retryAfterSeconds: number) => {
  const seconds = Math.max(1, Math.ceil(retryAfterSeconds));
  return new AppError(429, code, message, {
    headers: { 'retry-after': String(seconds) },
    body: { retryAfterSeconds: seconds },
  });
};
export const unavailable = (message: string) => new AppError(503, 'unavailable', message);
/** 503: the request used up its time budget (REQUEST_TIMEOUT_MS, ADR 0019); its work was stopped. */
export const requestTimedOut = (budgetMs: number) =>
  new AppError(503, 'request_timeout', `The request did not finish within its ${budgetMs} ms time budget.`, {
    body: { budgetMs },
  });
/** 414: a path segment longer than the router accepts (ADR 0019); the path is not echoed back. */
export const uriTooLong = () =>
  new AppError(414, 'uri_too_long', 'A path parameter is longer than 200 characters.');
