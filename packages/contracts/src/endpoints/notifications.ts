import { z } from 'zod';
import { defineEndpoint } from '../endpoint.js';
import { notificationListQuery, notificationPage } from '../notifications.js';

export const notificationEndpoints = {
  list: defineEndpoint({
    method: 'GET',
    path: '/api/v1/notifications',
    tags: ['notifications'],
    summary: 'My notifications, newest first',
    query: notificationListQuery,
    responses: { 200: notificationPage },
    errors: [],
  }),
  markRead: defineEndpoint({
    method: 'POST',
    path: '/api/v1/notifications/:id/read',
    tags: ['notifications'],
    summary: 'Mark one of my notifications read',
    params: z.object({ id: z.uuid() }),
    responses: { 204: 'empty' },
    errors: ['not_found'],
  }),
  markAllRead: defineEndpoint({
    method: 'POST',
    path: '/api/v1/notifications/read-all',
    tags: ['notifications'],
    summary: 'Mark all my notifications read',
    responses: { 200: z.object({ marked: z.number().int() }) },
    errors: [],
  }),
};
