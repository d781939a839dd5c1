import type { ServerResponse } from 'node:http';
import type { Express, Request } from 'express';
import { z } from 'zod';
import { RoomBody } from '../../../contracts/booking';
import { audited, type AuditTopic } from '../../shared/audit-trail';
import { currentUser, requireRole } from '../../shared/auth';
import { notFound } from '../../shared/errors';
import type { Outbox } from '../../shared/outbox';
import { parse, uuid } from '../../shared/validation';
import type { Room } from './admission-math';
import type { WaitingRoom } from './waiting-room';

const sessionParam = (req: Request) => parse(uuid, req.params.id, 'path.id');
const tokenParam = (req: Request) => parse(z.string().min(1).max(300), req.params.token, 'path.token');

/** GET /api/v1/queue/:token, on booking's lane outside Express (app.ts): the place's status now. */
export function queueStatus(room: WaitingRoom) {
  return async (req: Request, res: ServerResponse) => {
    const status = await room.status(room.place(currentUser(req), tokenParam(req)));
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(status));
  };
}

/** The waiting room's other public routes (the admission it requires is checked by POST /api/v1/reservations). */
export function waitingRoomRoutes(app: Express, room: WaitingRoom, outbox: Outbox<AuditTopic>, joined: () => void): void {
  const organizer = requireRole('organizer');
  const customer = requireRole('customer');

  app.put('/api/v1/sessions/:id/waiting-room', organizer, async (req, res) => {
    const sessionId = sessionParam(req);
    const body = parse(RoomBody, req.body);
    const audit = audited(outbox, req, (saved: Room) => ({
      action: 'waiting_room.changed',
      subjectId: sessionId,
      details: { enabled: saved.enabled, admissionsPerMinute: saved.admissionsPerMinute, generation: saved.generation },
    }));
    res.json(await room.configure(currentUser(req), sessionId, body, audit));
  });

  app.get('/api/v1/sessions/:id/waiting-room', async (req, res) => {
    const sessionId = sessionParam(req);
    const r = await room.room(sessionId);
    if (!r) {
      const s = await room.session(sessionId);
      if (s.eventStatus === 'draft' && s.organizerId !== req.user?.userId) throw notFound('session');
    }
    res.json(await room.view(sessionId, r));
  });

  app.post('/api/v1/sessions/:id/queue', customer, async (req, res) => {
    const place = await room.join(currentUser(req), sessionParam(req));
    joined();
    res.status(201).json(place);
  });


  app.get('/api/v1/queue/:token/live', async (req, res) => {
    await room.live(room.place(currentUser(req), tokenParam(req)), req, res);
  });
}
