import { api } from './http';
import { openStream } from './stream';
import type { QueuePlace, QueueStatus, WaitingRoom } from './types';

export const getWaitingRoom = (sessionId: string) => api.get<WaitingRoom>(`/api/v1/sessions/${sessionId}/waiting-room`);
export const joinQueue = (sessionId: string) => api.post<QueuePlace>(`/api/v1/sessions/${sessionId}/queue`);

/**
 * Follows a queue place live (GET /api/v1/queue/{token}/live, with the
 * bearer token): "position" events while waiting, then one final
 * "admitted", "expired", "soldOut" or "closed", after which it closes.
 */
export function watchQueue(token: string, onStatus: (s: QueueStatus) => void, onLost: (err: unknown) => void): () => void {
  const close = openStream(`/api/v1/queue/${encodeURIComponent(token)}/live`, {
    onEvent(e) {
      const status = JSON.parse(e.data) as QueueStatus;
      if (status.status !== 'waiting') close();
      onStatus(status);
    },
    onDrop(err, final) {
      if (final) onLost(err);
    },
  });
  return close;
}

/**
 * Queue places and admissions per session, for this tab (sessionStorage):
 * a reload neither loses the buyer's place nor their admission.
 */
export const admissions = {
  get(sessionId: string): { admissionToken: string; expiresAt: string } | undefined {
    const a = read<{ admissionToken: string; expiresAt: string }>(`ticketing.admission.${sessionId}`);
    return a && Date.parse(a.expiresAt) > Date.now() ? a : undefined;
  },
  set: (sessionId: string, a: { admissionToken: string; expiresAt: string }) => write(`ticketing.admission.${sessionId}`, a),
  forget: (sessionId: string) => write(`ticketing.admission.${sessionId}`, undefined),
  place: (sessionId: string) => read<QueuePlace>(`ticketing.queue.${sessionId}`),
  setPlace: (sessionId: string, p: QueuePlace | undefined) => write(`ticketing.queue.${sessionId}`, p),
};

function read<T>(key: string): T | undefined {
  try {
    const v = sessionStorage.getItem(key);
    return v ? (JSON.parse(v) as T) : undefined;
  } catch {
    return undefined;
  }
}
function write(key: string, value: unknown) {
  try {
    if (value === undefined) sessionStorage.removeItem(key);
    else sessionStorage.setItem(key, JSON.stringify(value));
  } catch {
    // Storage disabled: the place lasts as long as the page.
  }
}
