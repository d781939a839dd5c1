import type { HallBody } from '../lib/hall-draft';
import { api } from './http';
import type { Category, EventSummary, HallLayout, Page, SalesReport, Session, Tier, Venue, WaitingRoom } from './types';

export const listVenues = () => api.get<Venue[] | { items: Venue[] }>('/api/v1/venues').then((b) => (Array.isArray(b) ? b : b.items));
export const createVenue = (v: { name: string; city: string; address: string }) => api.post<Venue>('/api/v1/venues', v);
export const createHall = (venueId: string, hall: HallBody) => api.post<HallLayout>(`/api/v1/venues/${venueId}/halls`, hall);

export const myEvents = (page = 1) => api.get<Page<EventSummary>>('/api/v1/organizer/events', { query: { page, pageSize: 50 } });
export const createEvent = (e: { title: string; description: string; category: Category }) => api.post<EventSummary>('/api/v1/events', e);
export const publishEvent = (id: string) => api.post<EventSummary>(`/api/v1/events/${id}/publish`);
export const cancelEvent = (id: string) => api.post<EventSummary>(`/api/v1/events/${id}/cancel`);
export const addSession = (eventId: string, s: { hallId: string; startsAt: string; endsAt: string; tiers: Tier[] }) =>
  api.post<Session>(`/api/v1/events/${eventId}/sessions`, s);

export const setWaitingRoom = (sessionId: string, enabled: boolean, admissionsPerMinute: number) =>
  api.put<WaitingRoom>(`/api/v1/sessions/${sessionId}/waiting-room`, { enabled, admissionsPerMinute });
export const salesReport = (eventId: string) => api.get<SalesReport>(`/api/v1/events/${eventId}/sales`);
export const applyAsOrganizer = (organizationName: string, details: string) => api.post('/api/v1/organizer-applications', { organizationName, details });
