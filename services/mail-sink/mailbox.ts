import { randomUUID } from 'node:crypto';
import type { ParsedMail } from 'mailparser';

export interface StoredAttachment {
  index: number;
  filename: string | null;
  contentType: string;
  size: number;
  content: Buffer;
}

export interface StoredMessage {
  id: string;
  from: string;
  /** The envelope recipients: who the message was actually delivered to (Bcc included). */
  to: string[];
  subject: string;
  /** The Date header, or the time it arrived when the sender set none. */
  date: string;
  receivedAt: string;
  text: string;
  html: string | null;
  attachments: StoredAttachment[];
}

/** Received mail in memory, newest first, the oldest dropped beyond `max`. */
export function createMailbox(max: number) {
  let messages: StoredMessage[] = [];
  return {
    add(parsed: ParsedMail, envelope: { from: string; to: string[] }): StoredMessage {
      const now = new Date().toISOString();
      const message: StoredMessage = {
        id: randomUUID(),
        from: parsed.from?.text ?? envelope.from,
        to: envelope.to,
        subject: parsed.subject ?? '',
        date: parsed.date?.toISOString() ?? now,
        receivedAt: now,
        text: parsed.text ?? '',
        html: typeof parsed.html === 'string' ? parsed.html : null,
        attachments: parsed.attachments.map((a, index) => ({
          index,
          filename: a.filename ?? null,
          contentType: a.contentType,
          size: a.content.length,
          content: a.content,
        })),
      };
      messages = [message, ...messages].slice(0, max);
      return message;
    },
    /** Newest first; `to` keeps those delivered to that address (case-insensitive). */
    list(to?: string): StoredMessage[] {
      if (!to) return messages;
      const wanted = to.toLowerCase();
      return messages.filter((m) => m.to.some((t) => t.toLowerCase() === wanted));
    },
    get: (id: string) => messages.find((m) => m.id === id),
    clear() {
      messages = [];
    },
  };
}

export type Mailbox = ReturnType<typeof createMailbox>;

/** The JSON view: attachments described, their bytes behind their own URL. */
export const messageSummary = (m: StoredMessage) => ({
  ...m,
  attachments: m.attachments.map(({ content: _c, ...a }) => a),
});
