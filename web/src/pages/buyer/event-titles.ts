import { getEvent, getSession } from '../../api/catalog';

/** Event titles of sessions, fetched once per session per page load: tickets and bookings carry only ids. */
const titles = new Map<string, Promise<string>>();

export function titleOfSession(sessionId: string): Promise<string> {
  let t = titles.get(sessionId);
  if (!t) {
    t = getSession(sessionId)
      .then((s) => getEvent(s.eventId))
      .then((e) => e.title)
      .catch(() => 'Event');
    titles.set(sessionId, t);
  }
  return t;
}

export async function titlesOf(sessionIds: string[]): Promise<Map<string, string>> {
  const unique = [...new Set(sessionIds)];
  return new Map(await Promise.all(unique.map(async (id) => [id, await titleOfSession(id)] as const)));
}
