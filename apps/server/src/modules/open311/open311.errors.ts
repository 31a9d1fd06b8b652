import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../../platform/errors/errors.js';
import { formatOf, sendOpen311 } from './open311-format.js';

/**
 * GeoReport v2 "Errors": 404 for what does not exist, 403 for a wrong or missing api_key, 400 for
 * anything else, with the body `[{code, description}]` (XML: errors/error). The body code matches
 * the HTTP status, as the spec advises for most cases.
 */
export class Open311Error extends Error {
  constructor(
    readonly status: 400 | 403 | 404 | 429 | 500,
    message: string,
  ) {
    super(message);
  }
}

export const o311BadRequest = (description: string) => new Open311Error(400, description);
export const o311Forbidden = (description: string) => new Open311Error(403, description);
export const o311NotFound = (description: string) => new Open311Error(404, description);

export function sendOpen311Error(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  description: string,
): FastifyReply {
  return sendOpen311(reply.status(status), formatOf(request), 'errors', [{ code: status, description }]);
}

/** The Open311 scope's error handler: every failure, ours or the case center's, in the spec's shape. */
export function open311ErrorHandler(
  error: FastifyError | AppError | Open311Error | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof Open311Error) return sendOpen311Error(request, reply, error.status, error.message);
  if (error instanceof AppError) {
    // A rate limit (the route's config.rateLimit) stays 429, its Retry-After already on the reply.
    if (error.status === 429) return sendOpen311Error(request, reply, 429, error.message);
    // The case center's refusals (a category it does not know, a point outside every unit, an
    // attribute out of range) are the client's to fix: 404 stays 404, 403 stays 403, the rest is 400.
    const status = error.status === 404 || error.status === 403 ? error.status : 400;
    return sendOpen311Error(request, reply, status, error.message);
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext ?? 'request';
    const detail = error.validation
      .map((v) => {
        const path = v.instancePath.split('/').filter(Boolean).join('.');
        return `${path || where}: ${v.message ?? 'invalid'}`;
      })
      .join('; ');
    return sendOpen311Error(request, reply, 400, detail);
  }
  const fe = error as FastifyError;
  const status = fe.statusCode ?? 500;
  if (status === 429) return sendOpen311Error(request, reply, 429, 'Too many requests; slow down.');
  if (status >= 500) {
    request.log.error({ err: error }, 'open311 request failed');
    return sendOpen311Error(request, reply, 500, 'The service failed on our side; try again later.');
  }
  if (status === 413) return sendOpen311Error(request, reply, 400, 'The request body is too large.');
  if (status === 415)
    return sendOpen311Error(
      request,
      reply,
      400,
      'POST requests must be sent as application/x-www-form-urlencoded.',
    );
  return sendOpen311Error(request, reply, 400, fe.message);
}
