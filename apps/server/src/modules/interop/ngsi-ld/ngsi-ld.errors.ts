import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError } from '../../../platform/errors/errors.js';
import { budgetError } from '../../../platform/http/request-guards.js';

/**
 * NGSI-LD error types with their HTTP status (ETSI GS CIM 009 clause 6.3.2, table 6.3.2-1).
 * Bodies are RFC 7807 ProblemDetails `{type, title, detail}` sent as application/json.
 */
const errorTypes = {
  InvalidRequest: [400, 'The request associated to the operation is syntactically invalid'],
  BadRequestData: [400, 'The request includes input data which does not meet the requirements'],
  AlreadyExists: [409, 'The referred element already exists'],
  OperationNotSupported: [422, 'The operation is not supported'],
  ResourceNotFound: [404, 'The referred resource has not been found'],
  InternalError: [500, 'There has been an error during the operation execution'],
  TooComplexQuery: [403, 'The query is too complex and cannot be resolved'],
  TooManyResults: [403, 'The query result is too big and cannot be returned'],
  NoMultiTenantSupport: [501, 'The NGSI-LD system does not support multi-tenancy'],
  // v1.8 table 6.3.2-1 and the ETSI test suite (043_01) say 503; v1.9.1 moves it to 504.
  LdContextNotAvailable: [503, 'A remote JSON-LD @context referenced in a request cannot be retrieved'],
} as const;

export type NgsiLdErrorType = keyof typeof errorTypes;
export const ERROR_BASE = 'https://uri.etsi.org/ngsi-ld/errors/';

export interface ProblemDetails {
  type: string;
  title: string;
  detail: string;
}

export class NgsiLdError extends Error {
  constructor(
    readonly kind: NgsiLdErrorType,
    detail: string,
  ) {
    super(detail);
  }

  get status(): number {
    return errorTypes[this.kind][0];
  }

  toProblem(): ProblemDetails {
    return problem(this.kind, this.message);
  }
}

export function problem(kind: NgsiLdErrorType, detail: string): ProblemDetails {
  return { type: `${ERROR_BASE}${kind}`, title: errorTypes[kind][1], detail };
}

export const badRequestData = (detail: string) => new NgsiLdError('BadRequestData', detail);
export const invalidRequest = (detail: string) => new NgsiLdError('InvalidRequest', detail);
export const resourceNotFound = (detail: string) => new NgsiLdError('ResourceNotFound', detail);
/** Clause 6.3.4: an Accept header none of whose types the operation can produce. No NGSI-LD type. */
export const notAcceptable = (detail: string) => new AppError(406, 'not_acceptable', detail);

const TITLES: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  406: 'Not Acceptable',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/**
 * Error handler of the NGSI-LD plugin scope, so NGSI-LD clients always get ProblemDetails.
 * Authentication and permission failures come from the platform hook as AppError; the spec defines
 * no error type for them, so they keep the platform's problem type URI but take the NGSI-LD shape.
 */
export function ngsiLdErrorHandler(
  thrown: FastifyError | AppError | NgsiLdError | Error,
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const error = budgetError(thrown, request);
  const send = (status: number, body: ProblemDetails) =>
    reply.status(status).type('application/json').send(body);
  if (error instanceof NgsiLdError) return send(error.status, error.toProblem());
  if (error instanceof AppError) {
    if (error.extra.headers) void reply.headers(error.extra.headers);
    if (error.status === 404) return send(404, problem('ResourceNotFound', error.message));
    if (error.status === 400) return send(400, problem('BadRequestData', error.message));
    const title = TITLES[error.status] ?? 'Error';
    return send(error.status, { type: `urn:civitas:problem:${error.code}`, title, detail: error.message });
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const detail = error.validation
      .map((v) => `${v.instancePath.replace(/^\//, '') || 'request'}: ${v.message ?? 'invalid'}`)
      .join('; ');
    return send(400, problem('BadRequestData', detail));
  }
  const status = (error as FastifyError).statusCode ?? 500;
  if (status >= 500) {
    request.log.error({ err: error }, 'unhandled error');
    return send(500, problem('InternalError', 'Something went wrong on our side.'));
  }
  // Fastify's own refusals: unparsable JSON, wrong media type, body too large.
  return send(status, problem('InvalidRequest', error.message));
}
