import type { Logger } from 'pino';
import type { Database } from '../../db/connection';
import { createNotificationOutbox } from '../../db/repositories/notification-outbox.repository';
import { createCustomerRepository } from '../../db/repositories/customer.repository';
import { createEmailRepository } from '../../db/repositories/email.repository';
import { createEmailIntakeService } from '../../email/email-intake.service';
import { createMailDelivery, startMailDeliveryLoop } from '../../email/mail-delivery';
import { startSmtpListener } from '../../email/smtp-listener';
import type { AppServices } from './services.wiring';
import type { AppConfig } from '../process/config';
import type { Lifecycle } from '../process/lifecycle';
import { StartupError } from '../process/lifecycle';

/** The inbound SMTP listener (server processes): case-creation rules for incoming email. */
export async function startEmailIntake(config: AppConfig, services: AppServices, logger: Logger, lifecycle: Lifecycle): Promise<number | null> {
  if (config.mail.listenPort === 0) return null;
  const intake = createEmailIntakeService({
    customers: createCustomerRepository(services.db),
    users: services.users,
    emails: createEmailRepository(services.db),
    caseRecords: services.caseRecords,
    cases: services.cases,
    caseWork: services.caseWork,
    rules: { trustedAuthservId: config.mail.trustedAuthservId },
    logger,
  });
  try {
    const listener = await startSmtpListener({ port: config.mail.listenPort, host: config.host, intake, logger });
    lifecycle.onStop('SMTP listener', () => listener.close());
    return listener.port;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new StartupError(`SMTP_LISTEN_PORT ${config.mail.listenPort} is already in use on ${config.host}: set another port, or 0 to turn the listener off`);
    }
    throw error;
  }
}

/** Outbound mail (worker processes): delivers the notification outbox by SMTP relay or to .eml files. */
export function startOutboundMail(config: AppConfig, db: Database, logger: Logger, lifecycle: Lifecycle): void {
  const delivery = createMailDelivery({
    outbox: createNotificationOutbox(db),
    transport: config.mail.relayUrl ? { relayUrl: config.mail.relayUrl } : 'outbox',
    from: config.mail.from,
    outboxDir: config.mail.outboxDir,
    publicBaseUrl: config.publicBaseUrl,
    logger,
  });
  const loop = startMailDeliveryLoop({ delivery, logger });
  lifecycle.onStop('mail delivery', async () => {
    await loop.stop();
    delivery.close();
  });
}
