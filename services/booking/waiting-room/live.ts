import type { Request, Response } from 'express';
import type { z } from 'zod';
import type { QueueStatus } from '../../../contracts/booking';
import { HttpError } from '../../shared/errors';
import type { Logger } from '../../shared/logger';

type Status = z.infer<typeof QueueStatus>;
const LIVE_TICK_MS = 1_000;

/**
 * A place's status as Server-Sent Events: a "position" event about every
 * second while it waits, then one "admitted", "expired" or "soldOut" event
 * (or "closed" if the room goes away), and the stream ends.
 */
export async function streamQueueStatus(status: () => Promise<Status>, req: Request, res: Response, logger: Logger): Promise<void> {
  let current = await status(); // 404 before the stream starts
  res.writeHead(200, {
    'content-type': 'text/event-stream',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  const finish = () => {
    closed = true;
    if (timer) clearTimeout(timer);
    res.end();
  };
  req.on('close', () => {
    closed = true;
    if (timer) clearTimeout(timer);
  });
  const tick = async () => {
    if (closed) return;
    res.write(`event: ${current.status === 'waiting' ? 'position' : current.status}\ndata: ${JSON.stringify(current)}\n\n`);
    if (current.status !== 'waiting') return finish();
    timer = setTimeout(async () => {
      try {
        current = await status();
      } catch (err) {
        if (!(err instanceof HttpError)) logger.warn({ err }, 'waiting-room live status failed');
        res.write(`event: closed\ndata: ${JSON.stringify({ status: 'closed' })}\n\n`);
        return finish();
      }
      await tick();
    }, LIVE_TICK_MS);
  };
  await tick();
}
