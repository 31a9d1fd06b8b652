import {
  fillPath,
  type BodyInput,
  type Endpoint,
  type ParamsInput,
  type QueryInput,
  type ResponseOf,
} from '@civitas/contracts/endpoint';
import { apiProblem, type ApiProblem, type ErrorCode } from '@civitas/contracts/errors';

/** A non-2xx answer; carries the RFC 9457 problem body when the server sent one. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: ApiProblem | null,
  ) {
    super(problem?.title ?? `HTTP ${status}`);
  }
}

/** Whether a failure is the server's refusal with this code (a misspelt code fails typecheck). */
export function hasCode(error: unknown, code: ErrorCode): error is ApiError & { problem: ApiProblem } {
  return error instanceof ApiError && error.problem?.code === code;
}

type Part<K extends string, T> = [T] extends [undefined]
  ? { [P in K]?: never }
  : undefined extends T
    ? { [P in K]?: T }
    : object extends T
      ? { [P in K]?: T }
      : { [P in K]: T };

/** What a call of endpoint E takes: its path parameters, query and body as the contract types them. */
export type CallInput<E extends Endpoint> = Part<'params', ParamsInput<E>> &
  Part<'query', QueryInput<E>> &
  Part<'body', BodyInput<E>> & {
    /** For multipart endpoints (uploads): the form instead of a JSON body. */
    form?: FormData;
    signal?: AbortSignal;
  };
type Args<E extends Endpoint> = object extends CallInput<E> ? [input?: CallInput<E>] : [input: CallInput<E>];

let csrfToken: string | null = null;
let onUnauthorized: (() => void) | null = null;

/** The session's CSRF token goes on every non-GET request (double-submit defence on the server). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setUnauthorizedHandler(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

/** `?a=1&b=x` from a flat object, leaving out empty values (also for links that keep a filter). */
export function buildQuery(query: unknown): string {
  return queryString(query);
}

function queryString(query: unknown): string {
  if (!query || typeof query !== 'object') return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query as Record<string, unknown>)) {
    if (value === undefined || value === null || value === '') continue;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
      params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The URL a call goes to: the endpoint's path with its parameters filled in, and the query. */
export function urlOf<E extends Endpoint>(endpoint: E, input?: CallInput<E>): string {
  return (
    fillPath(endpoint.path, input?.params as Record<string, unknown> | undefined) + queryString(input?.query)
  );
}

/** The refusal's problem+json, parsed: its code is one of ours, or there is no problem to read. */
async function readProblem(response: Response): Promise<ApiProblem | null> {
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return null;
  }
  const parsed = apiProblem.safeParse(body);
  return parsed.success ? parsed.data : null;
}

/**
 * Calls one endpoint of the contract (packages/contracts/src/endpoints): the path, method, argument
 * and answer types all come from its definition, so the web cannot drift from the server.
 */
export async function call<E extends Endpoint>(endpoint: E, ...[input]: Args<E>): Promise<ResponseOf<E>> {
  const method = endpoint.method;
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let body: BodyInit | undefined;
  if (input?.form) {
    body = input.form;
  } else if (input?.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    body = JSON.stringify(input.body);
  } else if (method !== 'GET' && method !== 'DELETE' && endpoint.body) {
    // An endpoint whose body is all optional still wants a JSON object.
    headers['Content-Type'] = 'application/json';
    body = '{}';
  }
  const response = await fetch(urlOf(endpoint, input), {
    method,
    headers,
    body,
    credentials: 'same-origin',
    signal: input?.signal ?? null,
  });
  if (!response.ok) {
    // A lapsed session anywhere but the auth endpoints sends the user back to the login form.
    if (response.status === 401 && !endpoint.path.startsWith('/api/v1/auth/')) onUnauthorized?.();
    throw new ApiError(response.status, await readProblem(response));
  }
  if (response.status === 204) return undefined as ResponseOf<E>;
  const text = await response.text();
  return (text ? JSON.parse(text) : undefined) as ResponseOf<E>;
}
