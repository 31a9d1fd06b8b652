import { o311BadRequest } from './open311.errors.js';

/** A form-encoded body: each field once as a string, or several times as a list. */
export type FormFields = Record<string, string | string[]>;

/**
 * Parses application/x-www-form-urlencoded (WHATWG URL "application/x-www-form-urlencoded parser"):
 * `+` is a space, percent-escapes are UTF-8. Repeated names collect into a list.
 */
export function parseForm(body: string): FormFields {
  const out: FormFields = Object.create(null) as FormFields;
  for (const [k, v] of new URLSearchParams(body)) {
    const prev = out[k];
    out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  return out;
}

export interface Submission {
  apiKey: string | undefined;
  jurisdictionId: string | undefined;
  serviceCode: string;
  lat: number | undefined;
  long: number | undefined;
  addressString: string | undefined;
  addressId: string | undefined;
  email: string | undefined;
  deviceId: string | undefined;
  accountId: string | undefined;
  firstName: string | undefined;
  lastName: string | undefined;
  phone: string | undefined;
  description: string;
  mediaUrl: string | undefined;
  /** attribute[code]=value, and attribute[code][]=value for multivaluelist answers. */
  attributes: Record<string, string | string[]>;
}

const ATTRIBUTE = /^attribute\[([^\]]{1,40})\](\[\])?$/;
const FIELDS = new Set([
  'api_key',
  'jurisdiction_id',
  'service_code',
  'lat',
  'long',
  'address_string',
  'address_id',
  'email',
  'device_id',
  'account_id',
  'first_name',
  'last_name',
  'phone',
  'description',
  'media_url',
]);

/** GeoReport v2 "Optional Arguments": an empty parameter is the same as an absent one. */
function one(form: FormFields, name: string, max: number): string | undefined {
  const v = form[name];
  if (Array.isArray(v)) throw o311BadRequest(`${name} was sent more than once.`);
  const s = v?.trim();
  if (!s) return undefined;
  if (s.length > max) throw o311BadRequest(`${name} is longer than ${max} characters.`);
  return s;
}

function coordinate(form: FormFields, name: 'lat' | 'long', limit: number): number | undefined {
  const s = one(form, name, 40);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!/^-?\d+(\.\d+)?$/.test(s) || Math.abs(n) > limit)
    throw o311BadRequest(`${name} must be a WGS84 decimal number between -${limit} and ${limit}.`);
  return n;
}

/** The POST requests body, checked field by field (spec: "POST Service Request" arguments). */
export function parseSubmission(form: FormFields): Submission {
  const attributes: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(form)) {
    const m = ATTRIBUTE.exec(name);
    if (m) {
      const values = (Array.isArray(value) ? value : [value]).map((v) => v.trim()).filter(Boolean);
      if (values.some((v) => v.length > 1000))
        throw o311BadRequest(`attribute[${m[1]}] is longer than 1000 characters.`);
      if (values.length === 0) continue;
      attributes[m[1]!] = m[2] ? values : values.length === 1 ? values[0]! : values;
    } else if (!FIELDS.has(name)) {
      throw o311BadRequest(`${name} is not an argument of POST requests.`);
    }
  }
  const serviceCode = one(form, 'service_code', 100);
  if (!serviceCode) throw o311BadRequest('service_code was not provided.');
  const email = one(form, 'email', 254);
  if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) throw o311BadRequest('email is not an email address.');
  const mediaUrl = one(form, 'media_url', 2000);
  if (mediaUrl && !isHttpUrl(mediaUrl)) throw o311BadRequest('media_url must be an http or https URL.');
  const description = one(form, 'description', 4000) ?? '';
  return {
    apiKey: one(form, 'api_key', 200),
    jurisdictionId: one(form, 'jurisdiction_id', 100),
    serviceCode,
    lat: coordinate(form, 'lat', 90),
    long: coordinate(form, 'long', 180),
    addressString: one(form, 'address_string', 300),
    addressId: one(form, 'address_id', 100),
    email,
    deviceId: one(form, 'device_id', 200),
    accountId: one(form, 'account_id', 200),
    firstName: one(form, 'first_name', 100),
    lastName: one(form, 'last_name', 100),
    phone: one(form, 'phone', 40),
    description,
    mediaUrl,
    attributes,
  };
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}
