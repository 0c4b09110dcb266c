import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import type { Logger } from 'pino';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import type { EmailIntakeService } from './email-intake.service';

/**
 * The inbound mail channel: a plain SMTP listener (no TLS, no AUTH — it sits behind the
 * organisation's mail server or on localhost) that hands each message to the email intake.
 *
 * Replies: 250 with the case number; 550 when the rules refuse the message (the sender's server
 * bounces it); 552 when it is too large; 451 on an internal failure, so the sender's server keeps the
 * message and retries — the intake is idempotent per Message-ID, so a retry opens nothing twice.
 */

export interface SmtpListenerOptions {
  /** 0 picks a free port; the listener reports the one it got. */
  readonly port: number;
  readonly host?: string;
  readonly intake: Pick<EmailIntakeService, 'receive'>;
  readonly logger: Pick<Logger, 'info' | 'warn' | 'error'>;
  /** Largest message accepted (advertised with SIZE); default 40 MB, room for 25 MB of attachments in base64. */
  readonly maxMessageBytes?: number;
  /** How long close() lets open conversations finish before cutting them; default 5 s. */
  readonly closeTimeoutMs?: number;
  /** The name in the greeting. */
  readonly serverName?: string;
}

export interface SmtpListener {
  readonly port: number;
  close(): Promise<void>;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 40 * 1024 * 1024;

type SmtpError = Error & { responseCode: number };

function smtpError(responseCode: number, message: string): SmtpError {
  return Object.assign(new Error(message), { responseCode });
}

export async function startSmtpListener(options: SmtpListenerOptions): Promise<SmtpListener> {
  const maxMessageBytes = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  const { logger, intake } = options;

  async function handle(raw: Buffer, session: SMTPServerSession): Promise<string> {
    let mail;
    try {
      mail = await simpleParser(raw);
    } catch (error) {
      throw smtpError(550, `5.6.0 message could not be parsed: ${(error as Error).message}`);
    }
    const envelope = {
      mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
      rcptTo: session.envelope.rcptTo.map((r) => r.address),
    };
    let result;
    try {
      result = await intake.receive(mail, envelope);
    } catch (error) {
      logger.error({ err: error, messageId: mail.messageId }, 'email intake failed; the sender will retry');
      throw smtpError(451, '4.3.0 temporary failure, please try again later');
    }
    if (result.kind === 'refused') {
      logger.info({ reason: result.reason, from: envelope.mailFrom, messageId: mail.messageId }, 'email refused');
      throw smtpError(550, `5.7.1 message refused (${result.reason}): ${result.detail}`);
    }
    return result.kind === 'opened' ? `2.0.0 OK case ${result.caseNumber} opened` : `2.0.0 OK added to case ${result.caseNumber}`;
  }

  const server = new SMTPServer({
    name: options.serverName,
    banner: 'caseflow email intake',
    secure: false,
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    size: maxMessageBytes,
    closeTimeout: options.closeTimeoutMs ?? 5_000,
    logger: false,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void) {
      const chunks: Buffer[] = [];
      let bytes = 0;
      stream.on('data', (chunk: Buffer) => {
        bytes += chunk.length;
        // Past the limit the message is refused anyway: keep reading, stop keeping.
        if (bytes <= maxMessageBytes) chunks.push(chunk);
      });
      stream.once('error', (error) => callback(smtpError(451, `4.3.0 could not read the message: ${error.message}`)));
      stream.once('end', () => {
        if (stream.sizeExceeded) {
          callback(smtpError(552, `5.3.4 message exceeds the maximum size of ${maxMessageBytes} bytes`));
          return;
        }
        handle(Buffer.concat(chunks), session).then(
          (reply) => callback(null, reply),
          (error: unknown) => callback(error instanceof Error && 'responseCode' in error ? error : smtpError(451, '4.3.0 temporary failure, please try again later')),
        );
      });
    },
  });
  // Connection-level problems (a client hanging up mid-conversation) are reported here; without a
  // listener an EventEmitter 'error' would crash the process.
  server.on('error', (error: Error) => logger.warn({ err: error }, 'SMTP connection error'));

  await new Promise<void>((resolve, reject) => {
    const failed = (error: Error): void => reject(error);
    server.server.once('error', failed);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.server.off('error', failed);
      resolve();
    });
  });
  const port = (server.server.address() as AddressInfo).port;
  logger.info({ port, host: options.host ?? '127.0.0.1' }, 'SMTP listener ready');

  let closing: Promise<void> | undefined;
  return {
    port,
    close() {
      closing ??= new Promise<void>((resolve) => server.close(() => resolve()));
      return closing;
    },
  };
}
