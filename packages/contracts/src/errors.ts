import { z } from 'zod';
import { problem } from './common.js';

/**
 * Every stable error `code` the API can answer with, and the HTTP status it always comes with. The
 * server's error factories accept only these (a new code is added here first), the OpenAPI document
 * lists each endpoint's codes under their status, and the web matches codes against this union, so a
 * misspelt code fails typecheck on both sides. Open311 and NGSI-LD answer in their own standards'
 * error shapes and are not listed here.
 */
export const errorStatus = {
  // Any route: the request itself (platform/http).
  validation_failed: 400,
  bad_request: 400,
  malformed_body: 400,
  bad_url: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  route_not_found: 404,
  uri_too_long: 414,
  payload_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal_error: 500,
  unavailable: 503,
  request_timeout: 503,
  // Sign-in and accounts.
  invalid_credentials: 401,
  login_throttled: 429,
  mfa_not_started: 400,
  mfa_code_wrong: 400,
  mfa_already_enabled: 409,
  username_taken: 409,
  cannot_disable_self: 400,
  department_required: 400,
  // Account recovery (ADR 0044).
  last_system_admin: 409,
  role_not_grantable: 403,
  cannot_change_own_roles: 400,
  password_wrong: 400,
  password_unchanged: 400,
  // Org tree, registry and devices.
  unit_not_found: 400,
  parent_not_found: 400,
  bad_unit_type: 400,
  move_into_own_subtree: 400,
  unit_retired: 409,
  unit_has_records: 409,
  merge_not_sibling: 400,
  boundary_invalid: 400,
  boundary_outside_parent: 400,
  boundary_overlaps_sibling: 400,
  code_taken: 409,
  stale_version: 409,
  location_outside_units: 400,
  grid_not_found: 400,
  grid_mismatch: 400,
  location_outside_grid: 400,
  building_not_found: 400,
  place_required: 400,
  id_number_taken: 409,
  merge_target_not_found: 400,
  merge_into_self: 400,
  identifier_in_query: 400,
  identifier_search_limited: 429,
  name_search_limited: 429,
  profile_not_found: 400,
  profile_retired: 400,
  profile_builtin: 409,
  profile_in_use: 409,
  metric_has_data: 409,
  group_not_found: 400,
  device_retired: 409,
  too_many_attributes: 400,
  // Uploads and imports.
  multipart_required: 400,
  file_missing: 400,
  file_empty: 400,
  file_too_large: 413,
  file_type_unknown: 415,
  file_type_not_allowed: 415,
  file_malformed: 400,
  file_not_found: 404,
  file_key_invalid: 400,
  csv_unreadable: 400,
  csv_header: 400,
  encoding_unsure: 400,
  encoding_mismatch: 400,
  import_format_refused: 415,
  import_tokens_gone: 410,
  // Telemetry.
  bad_range: 400,
  malformed_payload: 400,
  invalid_keys: 400,
  not_acceptable: 406,
  // Cases.
  unknown_category: 400,
  unknown_attribute: 400,
  attribute_required: 400,
  bad_attribute: 400,
  channel_not_allowed: 400,
  contact_not_allowed: 400,
  source_ref_reused: 409,
  illegal_transition: 409,
  // Who may act on a case (ADR 0046); the web offers only what the same policy allows.
  case_not_responsible: 403,
  case_claim_not_holder: 403,
  case_reporter_only: 403,
  case_supervisor_only: 403,
  photo_required: 400,
  assignee_not_responsible: 400,
  already_at_top: 400,
  already_supervised: 409,
  transfer_to_same: 400,
  merge_target_closed: 409,
  case_not_open: 409,
  purpose_not_allowed: 400,
  bad_purpose: 400,
  category_cycle: 400,
  department_without_department_role: 400,
  // Metrics.
  bad_period: 400,
  unit_required: 400,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof errorStatus;
export const errorCodes = Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]];
export const errorCode = z.enum(errorCodes);

/** The codes answered with one HTTP status, e.g. `CodeWithStatus<409>`. */
export type CodeWithStatus<S extends number> = {
  [C in ErrorCode]: (typeof errorStatus)[C] extends S ? C : never;
}[ErrorCode];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorStatus, value);
}

/**
 * A problem+json body as a client reads it: the standard members, a `code` from the list above,
 * and any extensions the refusal carries (`current` on a stale version, `retryAfterSeconds` on a
 * throttle), kept unread for the schema of that refusal. A body that does not parse (a proxy's
 * HTML page, a code from another standard) is no problem of ours.
 */
export const apiProblem = problem.extend({ code: errorCode }).catchall(z.unknown());
export type ApiProblem = z.infer<typeof apiProblem>;

/** The members a 429 `rate_limited` problem (a route's own limit, ADR 0036) carries besides the standard ones. */
export const rateLimited = z.object({
  code: z.literal('rate_limited'),
  retryAfterSeconds: z.number().int().min(1),
});
