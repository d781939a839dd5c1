import { api } from './http';
import type { Reservation, Ticket } from './types';

export type HoldRequest = { sessionId: string; seatIds: string[] } | { sessionId: string; generalAdmission: { area: string; quantity: number } };

/**
 * Holds seats. The Idempotency-Key makes a retried request (a timeout, a
 * double click) land on the same reservation; the admission token is the
 * waiting room's pass when the session has one open.
 */
export const holdSeats = (body: HoldRequest, idempotencyKey: string, admissionToken?: string) =>
  api.post<Reservation>('/api/v1/reservations', body, {
    headers: { 'Idempotency-Key': idempotencyKey, ...(admissionToken ? { 'X-Admission-Token': admissionToken } : {}) },
  });

export type Confirmation = Reservation & { tickets: Ticket[]; payment?: { status: 'processing' } };

/** 200: paid, with the tickets; 202: the payment is still processing (poll the reservation). */
export const confirmReservation = (id: string, paymentToken: string) =>
  api.postWithStatus<Confirmation>(`/api/v1/reservations/${id}/confirm`, { paymentToken });

export const getReservation = (id: string) => api.get<Reservation>(`/api/v1/reservations/${id}`);
export const listReservations = () => api.get<{ items: Reservation[] }>('/api/v1/reservations').then((b) => b.items);
export const cancelReservation = (id: string) => api.delete<Reservation>(`/api/v1/reservations/${id}`);
export const listTickets = () => api.get<{ items: Ticket[] }>('/api/v1/tickets').then((b) => b.items);
export const ticketQr = (id: string) => api.blob(`/api/v1/tickets/${id}/qr`);
export const ticketPdf = (id: string) => api.blob(`/api/v1/tickets/${id}/pdf`);

