import type { Express } from 'express';
import { z } from 'zod';
import { notFound } from '../shared/errors';
import { createServiceApp, finishApp } from '../shared/http';
import type { Logger } from '../shared/logger';
import { parse } from '../shared/validation';
import { messageSummary, type Mailbox, type StoredMessage } from './mailbox';
import { renderInbox } from './inbox-page';

export interface MailSinkDeps {
  mailbox: Mailbox;
  logger: Logger;
  smtpListening: () => boolean;
}

const ListQuery = z.object({ to: z.string().trim().min(1).max(320).optional() });
const AttachmentParams = z.object({ id: z.string().min(1), index: z.coerce.number().int().nonnegative() });

/** What the sink received, for a person (GET /) and for tests and scripts (/api). */
export function createMailSinkApp(d: MailSinkDeps): Express {
  const { app } = createServiceApp({
    name: 'mail-sink',
    logger: d.logger,
    ready: async () => {
      if (!d.smtpListening()) throw new Error('SMTP is not listening');
    },
  });
  const message = (id: string): StoredMessage => {
    const m = d.mailbox.get(id);
    if (!m) throw notFound('message');
    return m;
  };

  app.get('/', (_req, res) => {
    res.type('html').send(renderInbox(d.mailbox.list()));
  });

  app.get('/api/messages', (req, res) => {
    const { to } = parse(ListQuery, req.query, 'query');
    res.json({ items: d.mailbox.list(to).map(messageSummary) });
  });

  app.get('/api/messages/:id', (req, res) => {
    res.json(messageSummary(message(req.params.id)));
  });

  app.get('/api/messages/:id/attachments/:index', (req, res) => {
    const p = parse(AttachmentParams, req.params, 'path');
    const attachment = message(p.id).attachments[p.index];
    if (!attachment) throw notFound('attachment');
    res.type(attachment.contentType);
    if (attachment.filename) res.attachment(attachment.filename);
    res.send(attachment.content);
  });

  app.delete('/api/messages', (_req, res) => {
    d.mailbox.clear();
    res.status(204).end();
  });

  return finishApp(app, d.logger);
}
