import { z } from 'zod';
import { defineEndpoint } from '../endpoint.js';

export const publicConfig = z.object({
  tileUrl: z.string().nullable(),
  tileAttribution: z.string().nullable(),
  demo: z.boolean(),
  version: z.string(),
  mapArea: z
    .object({
      bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]),
      center: z.tuple([z.number(), z.number()]),
    })
    .nullable()
    .describe(
      'the installation area: bbox [west, south, east, north] and centre [lng, lat] (WGS 84), for centring maps; null before any boundary is drawn',
    ),
});
export type PublicConfig = z.infer<typeof publicConfig>;

export const systemEndpoints = {
  publicConfig: defineEndpoint({
    method: 'GET',
    path: '/api/v1/config/public',
    tags: ['system'],
    responses: { 200: publicConfig },
    errors: [],
  }),
};
