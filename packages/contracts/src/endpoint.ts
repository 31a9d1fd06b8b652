import type { z } from 'zod';
import type { ErrorCode } from './errors.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * What a status answers with: a zod schema for a JSON body, `'empty'` for no body (204), `'file'`
 * for bytes whose type the server sets (a download), `'events'` for a server-sent event stream.
 */
export type ResponseSpec = z.ZodType | 'empty' | 'file' | 'events';

/**
 * One HTTP endpoint, declared once: the server registers its route from this, the OpenAPI document
 * is generated from it, and the web's client derives its argument and answer types from it.
 * Who may call it is declared where the route is registered (the server's access rules are not
 * part of the wire contract).
 */
export interface Endpoint {
  method: HttpMethod;
  /** Fastify-style path with `:name` parameters. */
  path: `/api/${string}`;
  tags: readonly string[];
  summary?: string;
  description?: string;
  params?: z.ZodType;
  query?: z.ZodType;
  body?: z.ZodType;
  /** `multipart/form-data` for uploads (the body is a form, not JSON). */
  consumes?: readonly string[];
  responses: { readonly [status: number]: ResponseSpec };
  /**
   * The codes this endpoint's own work can refuse with. Codes every route can give (validation,
   * sign-in, permission, time budget) are added by the server from the route's access.
   */
  errors: readonly ErrorCode[];
}

/** Identity at run time; keeps the literal types (method, path, schemas) for the server and web. */
export function defineEndpoint<const E extends Endpoint>(endpoint: E): E {
  return endpoint;
}

type Parsed<S> = S extends z.ZodType ? z.output<S> : undefined;
type Input<S> = S extends z.ZodType ? z.input<S> : undefined;

export type ParamsOf<E extends Endpoint> = Parsed<E['params']>;
export type QueryOf<E extends Endpoint> = Parsed<E['query']>;
export type BodyOf<E extends Endpoint> = Parsed<E['body']>;
export type ParamsInput<E extends Endpoint> = Input<E['params']>;
export type QueryInput<E extends Endpoint> = Input<E['query']>;
export type BodyInput<E extends Endpoint> = Input<E['body']>;

type Answer<R> = R extends z.ZodType
  ? z.output<R>
  : R extends 'empty'
    ? undefined
    : R extends 'file'
      ? Blob
      : never;
type Given<R> = R extends z.ZodType ? z.input<R> : never;

/** The JSON a client receives from a successful call (any declared status). */
export type ResponseOf<E extends Endpoint> = {
  [S in keyof E['responses']]: Answer<E['responses'][S]>;
}[keyof E['responses']];

/** What a handler may return for status `S` of the endpoint. */
export type ReplyOf<E extends Endpoint, S extends keyof E['responses']> = Given<E['responses'][S]>;

/** The success statuses an endpoint declares. */
export type StatusOf<E extends Endpoint> = keyof E['responses'] & number;

/** `/cases/:id/actions` with `{ id }` → `/cases/4f…/actions`; each value is URI-encoded. */
export function fillPath(path: string, params: Record<string, unknown> | undefined): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, (_, name: string) => {
    const value = params?.[name];
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new Error(`path ${path} needs parameter ${name}`);
    return encodeURIComponent(value);
  });
}
