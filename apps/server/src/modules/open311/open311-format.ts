import type { FastifyReply, FastifyRequest } from 'fastify';
import { toXmlDocument, type XmlValue } from './open311-xml.js';

/** GeoReport v2 "Format Support": the format is the resource's extension, .xml or .json. */
export type Format = 'json' | 'xml';

/** Splits `road_facility.pothole.json` into the resource id and the format; codes may hold dots. */
export function splitFormat(file: string): { id: string; format: Format } | null {
  const m = /^(.+)\.(json|xml)$/.exec(file);
  return m ? { id: m[1]!, format: m[2] as Format } : null;
}

/** The format a request asked for; errors on a path without one are answered in JSON. */
export function formatOf(request: FastifyRequest): Format {
  return /\.xml$/i.test(request.url.split('?')[0] ?? '') ? 'xml' : 'json';
}

/** Sends the body as JSON, or as XML under `root` (spec: text/xml and application/json, UTF-8). */
export function sendOpen311(reply: FastifyReply, format: Format, root: string, body: XmlValue): FastifyReply {
  if (format === 'xml') return reply.type('text/xml; charset=utf-8').send(toXmlDocument(root, body));
  return reply.type('application/json; charset=utf-8').send(JSON.stringify(body));
}
