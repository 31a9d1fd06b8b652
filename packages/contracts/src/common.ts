import { z } from 'zod';

/** Bilingual text: every user-facing name in Civitas carries zh-CN and en. */
export const localizedName = z.object({
  'zh-CN': z.string().trim().min(1).max(200),
  en: z.string().trim().min(1).max(200),
});
export type LocalizedName = z.infer<typeof localizedName>;

export const uuid = z.uuid();
/** `/:id` of a record addressed by its uuid. */
export const idParams = z.object({ id: z.uuid() });

/** Limit/offset paging with a hard ceiling so no client can ask for the whole table at once. */
export const MAX_PAGE_SIZE = 200;
export const pageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});
export type PageQuery = z.infer<typeof pageQuery>;

export const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  });

/** RFC 9457 problem details, extended with our stable error code and the request id. */
export const problem = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number().int(),
  detail: z.string().optional(),
  instance: z.string().optional(),
  code: z.string(),
  requestId: z.string(),
  errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
});
export type Problem = z.infer<typeof problem>;

/** GeoJSON (RFC 7946) geometry restricted to what boundaries and locations need. */
const position = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);
const ring = z.array(position).min(4);
export const polygonGeometry = z.object({ type: z.literal('Polygon'), coordinates: z.array(ring).min(1) });
export const multiPolygonGeometry = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(ring).min(1)).min(1),
});
export const boundaryGeometry = z.union([polygonGeometry, multiPolygonGeometry]);
export type BoundaryGeometry = z.infer<typeof boundaryGeometry>;
export const pointGeometry = z.object({ type: z.literal('Point'), coordinates: position });
export type PointGeometry = z.infer<typeof pointGeometry>;

export const latLngQuery = z.object({
  lat: z.coerce.number().min(-90).max(90),
  lng: z.coerce.number().min(-180).max(180),
});
