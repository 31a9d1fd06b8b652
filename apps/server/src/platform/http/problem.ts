import type { ErrorCode } from '@civitas/contracts/errors';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { AppError, type FieldError } from '../errors/errors.js';
import { redactedPath } from '../logging/redact-url.js';
import { z } from 'zod';
import { ContractBreach } from './contract.js';

const titles: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  423: 'Locked',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** Writes an RFC 9457 problem+json body carrying the stable code and the request id. */
export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  status: number,
  code: ErrorCode,
  detail: string,
  extra: { errors?: FieldError[]; body?: Record<string, unknown> } = {},
): FastifyReply {
  const breach = request.server.contractCheck?.problemBreach(request, code);
  if (breach) return sendProblem(reply, request, 500, 'internal_error', `Contract breach: ${breach}`);
  return reply
    .status(status)
    .type('application/problem+json')
    .send({
      type: `urn:civitas:problem:${code}`,
      title: titles[status] ?? 'Error',
      status,
      detail,
      // The path as logs show it: a token or key in the URL is never echoed back (ADR 0022).
      instance: redactedPath({ url: request.url, pattern: request.routeOptions.url, params: request.params }),
      code,
      requestId: request.id,
      ...(extra.errors ? { errors: extra.errors } : {}),
      ...(extra.body ?? {}),
    });
}

/** The single place where any thrown error becomes an HTTP answer. No stack ever leaves. */
export function handleError(
  error: FastifyError | AppError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  if (error instanceof AppError) {
    if (error.extra.headers) void reply.headers(error.extra.headers);
    return sendProblem(reply, request, error.status, error.code, error.message, error.extra);
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext ?? 'body';
    const errors = error.validation.map((v) => {
      const path = [where, ...v.instancePath.split('/').filter(Boolean)].join('.');
      return { path, message: v.message ?? 'invalid' };
    });
    return sendProblem(
      reply,
      request,
      400,
      'validation_failed',
      errors.map((e) => `${e.path}: ${e.message}`).join('; '),
      { errors },
    );
  }
  if (isResponseSerializationError(error) || error instanceof ContractBreach) {
    request.log.error({ err: error }, 'response did not match its schema');
    const check = request.server.contractCheck;
    // In strict mode (tests) the answer names the breach; clients never see schema details.
    const cause = isResponseSerializationError(error) ? z.prettifyError(error.cause) : error.message;
    const detail = check
      ? `Contract breach: ${check.record(request, `response body does not match its schema: ${cause}`)}`
      : 'The server failed to produce a valid response.';
    return sendProblem(reply, request, 500, 'internal_error', detail);
  }
  const fe = error as FastifyError;
  const status = fe.statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'unhandled error');
    return sendProblem(reply, request, 500, 'internal_error', 'Something went wrong on our side.');
  }
  if (status === 429)
    return sendProblem(reply, request, 429, 'rate_limited', 'Too many requests; slow down.');
  return sendProblem(reply, request, status, frameworkCode(fe, status), fe.message);
}

/** Fastify's own refusals (body parsing, content type) mapped onto the platform's stable codes. */
function frameworkCode(error: FastifyError, status: number): ErrorCode {
  if (status === 413) return 'payload_too_large';
  if (status === 415) return 'unsupported_media_type';
  if (status === 404) return 'not_found';
  if (error.code?.startsWith('FST_ERR_CTP_') || error instanceof SyntaxError) return 'malformed_body';
  return 'bad_request';
}
