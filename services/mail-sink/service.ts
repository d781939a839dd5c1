import type { Config } from '../shared/config';
import type { RunningServer } from '../shared/http';
import { startService } from '../shared/service-kit';
import { createMailSinkApp } from './app';
import { createMailbox } from './mailbox';
import { startSmtpSink } from './smtp';

/**
 * The local SMTP sink: accepts all mail on SMTP_PORT (0 picks a free port,
 * returned as smtpPort) and shows it over HTTP on PORT.
 */
export async function startMailSinkService(cfg: Config<'mail-sink'>): Promise<RunningServer & { smtpPort: number }> {
  let smtpPort = 0;
  let listening = false;
  const server = await startService('mail-sink', cfg, async (kit) => {
    const mailbox = createMailbox(cfg.MAIL_SINK_MAX_MESSAGES);
    const smtp = await startSmtpSink(cfg.SMTP_PORT, mailbox, kit.logger);
    smtpPort = smtp.port;
    listening = true;
    kit.onClose(async () => {
      listening = false;
      await smtp.close();
    });
    kit.logger.info({ smtpPort }, 'mail sink accepting SMTP');
    return createMailSinkApp({ mailbox, logger: kit.logger, smtpListening: () => listening });
  });
  return { ...server, smtpPort };
}
