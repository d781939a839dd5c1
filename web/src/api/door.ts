import type { CheckinKit } from '../lib/offline-door';
import { api } from './http';
import type { Admitted } from './types';

export const scanTicket = (code: string, door?: string) => api.post<Admitted>('/api/v1/checkin', { code, ...(door ? { door } : {}) });
export const checkinKit = (eventId: string) => api.get<CheckinKit>(`/api/v1/events/${eventId}/checkin-kit`);
