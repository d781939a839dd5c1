import { api } from './http';
import type { Category, EventSummary, Page, Session } from './types';

export interface EventQuery {
  q?: string;
  category?: Category | '';
  /** ISO instants: sessions starting from / until. */
  from?: string;
  to?: string;
  page?: number;
  pageSize?: number;
}

export const listEvents = (q: EventQuery) => api.get<Page<EventSummary>>('/api/v1/events', { query: { ...q } });
export const getEvent = (id: string) => api.get<EventSummary>(`/api/v1/events/${id}`);
export const getSession = (id: string) => api.get<Session>(`/api/v1/sessions/${id}`);
