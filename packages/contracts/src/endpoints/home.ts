import { defineEndpoint } from '../endpoint.js';
import { homeOverview, homeQuery } from '../home.js';

export const homeEndpoints = {
  overview: defineEndpoint({
    method: 'GET',
    path: '/api/v1/home',
    tags: ['home'],
    summary:
      "The figures of the caller's home page over their units: cases by state, overdue and due soon (case.read), " +
      'residents needing attention (resident.read), device health (device.read), targets and a daily trend ' +
      '(metrics.read). A section the caller holds no permission for is null.',
    query: homeQuery,
    responses: { 200: homeOverview },
    errors: ['not_found'],
  }),
};
