import type { FastifyError, FastifyRequest, RouteOptions } from 'fastify';
import {
  badRequest,
  requestTimedOut,
  uriTooLong,
  validationFailed,
  type AppError,
  type FieldError,
} from '../errors/errors.js';

/**
 * Guards every request passes through, whatever route it reaches (ADR 0019): a time budget, and the
 * refusal of NUL characters before any schema or handler sees the input.
 */

const NUL = '\u0000';
const MAX_REPORTED = 10;

/**
 * Paths of every string (or object key) holding U+0000 in a parsed request part, as
 * `querystring.q` / `body.items.0.name` (the paths schema validation reports). PostgreSQL text cannot hold NUL, so a NUL that got through would
 * come back as a 500 from the database; refusing it here names the field instead, for every route.
 * Iterative, not recursive: a deeply nested JSON body must not overflow the stack.
 */
export function nulPaths(where: string, value: unknown): string[] {
  const found: string[] = [];
  const stack: [string, unknown][] = [[where, value]];
  while (stack.length > 0 && found.length < MAX_REPORTED) {
    const [path, v] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes(NUL)) found.push(path);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([`${path}.${i}`, v[i]]);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i]!;
        const at = `${path}.${key.replaceAll(NUL, '\\u0000')}`;
        if (key.includes(NUL)) found.push(at);
        else stack.push([at, child]);
      }
    }
  }
  return found;
}

/** preValidation hook: a NUL anywhere in params, query or a parsed body is a 400 naming the field. */
export async function refuseNul(request: FastifyRequest): Promise<void> {
  const errors: FieldError[] = [
    ...nulPaths('params', request.params),
    ...nulPaths('querystring', request.query),
    ...nulPaths('body', request.body),
  ]
    .slice(0, MAX_REPORTED)
    .map((path) => ({ path, message: 'must not contain the NUL character (U+0000)' }));
  if (errors.length > 0) throw validationFailed(errors);
}

/**
 * Fastify's handlerTimeout (the budget) fails with its own 503 error; this turns it into the
 * platform's `request_timeout` problem, logged once with the budget, so clients get a stable code.
 */
export function budgetError(error: FastifyError | AppError | Error, request: FastifyRequest) {
  if ((error as FastifyError).code !== 'FST_ERR_HANDLER_TIMEOUT') return error;
  const budgetMs = request.routeOptions.handlerTimeout;
  request.log.warn({ budgetMs }, 'request exceeded its time budget');
  return requestTimedOut(budgetMs);
}

/**
 * Fastify's refusals before routing (frameworkErrors) carry the raw path in their message, which may
 * hold a token; they become problems with stable codes and fixed texts.
 */
export function frameworkError(error: FastifyError): FastifyError | AppError {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') return uriTooLong();
  if (error.code === 'FST_ERR_BAD_URL')
    return badRequest('bad_url', 'The path is not validly percent-encoded.');
  return error;
}

/**
 * onRoute hook: a route that takes a file upload gets the upload budget, because the transfer of the
 * body is part of its handler (multipart streams). A route that sets its own handlerTimeout keeps it.
 */
export function uploadBudget(uploadTimeoutMs: number) {
  return (route: RouteOptions) => {
    const consumes = (route.schema as { consumes?: unknown } | undefined)?.consumes;
    if (Array.isArray(consumes) && consumes.includes('multipart/form-data'))
      route.handlerTimeout ??= uploadTimeoutMs;
  };
}
