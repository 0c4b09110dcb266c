import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@temporalio/client';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { Worker } from '@temporalio/worker';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCaseWorker } from '../../app/worker-runtime';
import { migrateToLatest } from '../../db/migrate';
import { createCaseRepository } from '../../db/repositories/case.repository';
import { createCustomerRepository } from '../../db/repositories/customer.repository';
import { DEMO, seedDemoData } from '../../db/seeds/demo';
import { createCaseService } from '../../services/case.service';
import { createCaseWorkService } from '../../services/case-work.service';
import { createEmailIntakeService } from '../../services/email-intake.service';
import { createMailDelivery, renderNotificationEmail, startMailDeliveryLoop } from '../../services/mail-delivery';
import { startSmtpListener, type SmtpListener } from '../../services/smtp-listener';
import { DEFAULT_CASE_SETTINGS } from '../../workflows/case-state';
import { databaseKinds, openTestDatabase, type TestDatabase } from '../support/databases';
import { eventually } from '../support/eventually';
import { bundleCaseWorkflows } from '../support/case-harness';
import { createNamespace, startLocalTemporal } from '../support/temporal';

let temporal: TestWorkflowEnvironment;
let workflowBundle: { code: string };

beforeAll(async () => {
  [temporal, workflowBundle] = await Promise.all([startLocalTemporal(), bundleCaseWorkflows()]);
});

afterAll(async () => {
  await temporal?.teardown();
});

const logger = pino({ level: 'silent' });
const ATTACHMENT_CAP = 64 * 1024;

describe.each(databaseKinds)('email channel on a real Temporal server (%s)', (kind) => {
  let database: TestDatabase;
  let worker: Worker;
  let running: Promise<void>;
  let listener: SmtpListener;
  let refusingListener: SmtpListener;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    await migrateToLatest(database.db);
    await seedDemoData(database.db);
    const namespace = await createNamespace(temporal, `email-${kind}`);
    const client = new Client({ connection: temporal.connection, namespace });
    const taskQueue = 'caseflow';
    worker = await createCaseWorker({ connection: temporal.nativeConnection, namespace, taskQueue, db: database.db, workflowBundle, surveySecret: 'email-test-survey-secret', publicBaseUrl: 'http://caseflow.test' });
    running = worker.run();
    const caseRepository = createCaseRepository(database.db);
    const cases = createCaseService({ temporal: client, taskQueue, caseSettings: DEFAULT_CASE_SETTINGS, cases: caseRepository, customers: createCustomerRepository(database.db), recordWaitMs: 15_000 });
    const caseWork = createCaseWorkService({ temporal: client, db: database.db, cases: caseRepository });
    const intake = createEmailIntakeService({ db: database.db, cases, caseWork, logger, limits: { maxAttachmentBytes: ATTACHMENT_CAP } });
    const refusingIntake = createEmailIntakeService({ db: database.db, cases, caseWork, logger, rules: { unknownSenders: 'refuse' } });
    [listener, refusingListener] = await Promise.all([
      startSmtpListener({ port: 0, intake, logger, maxMessageBytes: 5 * 1024 * 1024 }),
      startSmtpListener({ port: 0, intake: refusingIntake, logger }),
    ]);
  });

  afterAll(async () => {
    await Promise.all([listener?.close(), refusingListener?.close()]);
    worker?.shutdown();
    await running;
    await database?.close();
  });

  function send(port: number, message: Mail.Options) {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    return transport.sendMail({ to: 'support@caseflow.example', ...message }).finally(() => transport.close());
  }

  function caseNumberIn(response: string): string {
    const match = /CAS-\d{5,}/.exec(response);
    if (!match) throw new Error(`no case number in ${response}`);
    return match[0];
  }

  const count = async (table: string, where: Record<string, unknown> = {}): Promise<number> => {
    const rows = await database.db(table).where(where).count<{ count: string }[]>('* as count');
    return Number(rows[0]?.count);
  };

  let goldCase: string;
  const firstMessageId = `<${randomUUID()}@contoso-gold.example>`;

  it('opens a case from a known contact, routed to the gold queue', async () => {
    const info = await send(listener.port, {
      from: `"Alice Gold" <${DEMO.goldContactEmail}>`,
      subject: 'Printer offline again',
      text: 'The office printer shows offline since this morning.',
      messageId: firstMessageId,
    });
    expect(info.response).toMatch(/^250 .*CAS-\d{5,} opened/);
    goldCase = caseNumberIn(info.response);

    const row = await database.db('cases').where({ case_number: goldCase }).first<{ id: string; channel: string; queue_id: string; title: string; description: string; customer_contact_id: string; created_by_user_id: string }>();
    const goldQueue = await database.db('queues').where({ name: DEMO.goldQueueName }).first<{ id: string }>('id');
    const alice = await database.db('contacts').where({ email: DEMO.goldContactEmail }).first<{ id: string }>('id');
    const aliceUser = await database.db('users').where({ username: DEMO.usernames.goldCustomer }).first<{ id: string }>('id');
    expect(row).toMatchObject({ channel: 'email', queue_id: goldQueue.id, title: 'Printer offline again', customer_contact_id: alice.id, created_by_user_id: aliceUser.id });
    expect(row.description).toContain('offline since this morning');

    const message = await database.db('email_messages').where({ message_id: firstMessageId }).first<{ case_id: string; direction: string; outcome: string; from_address: string; to_addresses: string[] }>();
    expect(message).toMatchObject({ case_id: row.id, direction: 'inbound', outcome: 'opened', from_address: DEMO.goldContactEmail, to_addresses: ['support@caseflow.example'] });
  });

  it('opens nothing new when the same Message-ID is delivered again', async () => {
    const before = await count('cases');
    const info = await send(listener.port, {
      from: `"Alice Gold" <${DEMO.goldContactEmail}>`,
      subject: 'Printer offline again',
      text: 'The office printer shows offline since this morning.',
      messageId: firstMessageId,
    });
    expect(caseNumberIn(info.response)).toBe(goldCase);
    expect(await count('cases')).toBe(before);
    expect(await count('email_messages', { message_id: firstMessageId })).toBe(1);
  });

  it('adds a reply with [CAS-xxxxx] in the subject to that case as the customer’s note', async () => {
    const before = await count('cases');
    const caseId = (await database.db('cases').where({ case_number: goldCase }).first<{ id: string }>('id')).id;
    const replyId = `<${randomUUID()}@contoso-gold.example>`;
    const reply = {
      from: `"Alice Gold" <${DEMO.goldContactEmail.toUpperCase()}>`,
      subject: `RE: [${goldCase}] Printer offline again`,
      text: `It is back online after the restart.\n\nOn Monday, Support wrote:\n> Please restart the spooler.`,
      messageId: replyId,
      inReplyTo: firstMessageId,
    };
    const info = await send(listener.port, reply);
    expect(info.response).toContain(`added to case ${goldCase}`);
    const notes = await database.db('activities').where({ case_id: caseId, type: 'note', direction: 'inbound' }).select<{ body: string }[]>('body');
    expect(notes).toHaveLength(1);
    expect(notes[0]?.body).toBe('It is back online after the restart.');
    expect(await count('cases')).toBe(before);
    expect(await database.db('email_messages').where({ message_id: replyId }).first()).toMatchObject({ case_id: caseId, outcome: 'appended' });

    // The same reply again: recognised by its Message-ID, no second note.
    const again = await send(listener.port, reply);
    expect(again.response).toContain(goldCase);
    expect(await count('activities', { case_id: caseId, type: 'note', direction: 'inbound' })).toBe(1);
  });

  it('does not add to another customer’s case named in the subject: a case of its own opens', async () => {
    const info = await send(listener.port, {
      from: `Bob Brown <${DEMO.standardContactEmail}>`,
      subject: `About [${goldCase}]`,
      text: 'Is this the printer case?',
    });
    const bobCase = caseNumberIn(info.response);
    expect(bobCase).not.toBe(goldCase);
    const row = await database.db('cases').where({ case_number: bobCase }).first<{ title: string }>('title');
    expect(row.title).toBe('About');

    // Once that case is closed, a reply to it opens a new case that mentions it.
    await database.db('cases').where({ case_number: bobCase }).update({ status: 'closed' });
    const followUp = await send(listener.port, { from: DEMO.standardContactEmail, subject: `Re: [${bobCase}] About`, text: 'It happened again.' });
    const next = caseNumberIn(followUp.response);
    expect(followUp.response).toContain('opened');
    expect(next).not.toBe(bobCase);
    const opened = await database.db('cases').where({ case_number: next }).first<{ title: string; description: string }>('title', 'description');
    expect(opened).toMatchObject({ title: 'About', description: `Follow-up to ${bobCase}, which is closed.\n\nIt happened again.` });
  });

  it('makes an unknown sender a contact with a customer login and opens a case', async () => {
    const address = `carol.new-${randomUUID().slice(0, 8)}@example.net`;
    const info = await send(listener.port, { from: `"Carol Newcomer" <${address}>`, subject: '', text: 'Hello, I need help with my invoice.' });
    const caseNumber = caseNumberIn(info.response);
    const contact = await database.db('contacts').where({ email: address }).first<{ id: string; first_name: string; last_name: string; account_id: string | null }>();
    expect(contact).toMatchObject({ first_name: 'Carol', last_name: 'Newcomer', account_id: null });
    const user = await database.db('users').where({ contact_id: contact.id }).first<{ id: string; username: string; role: string }>();
    expect(user).toMatchObject({ username: address, role: 'customer' });
    const row = await database.db('cases').where({ case_number: caseNumber }).first<{ customer_contact_id: string; created_by_user_id: string; title: string; channel: string }>();
    expect(row).toMatchObject({ customer_contact_id: contact.id, created_by_user_id: user.id, title: '(no subject)', channel: 'email' });
  });

  it('refuses an unknown sender with 550 under the refuse rule, and stores nothing', async () => {
    const address = `mallory-${randomUUID().slice(0, 8)}@example.org`;
    const [contacts, users, messages, cases] = await Promise.all([count('contacts'), count('users'), count('email_messages'), count('cases')]);
    const error = await send(refusingListener.port, { from: address, subject: 'Let me in', text: 'Hi' }).then(
      () => undefined,
      (e: unknown) => e as { responseCode?: number; response?: string },
    );
    expect(error?.responseCode).toBe(550);
    expect(error?.response).toContain('unknown-sender');
    expect([await count('contacts'), await count('users'), await count('email_messages'), await count('cases')]).toEqual([contacts, users, messages, cases]);

    // A known contact still gets through the refusing listener.
    const info = await send(refusingListener.port, { from: DEMO.silverContactEmail, subject: 'VPN drops', text: 'Every hour.' });
    expect(info.response).toMatch(/CAS-\d{5,} opened/);
  });

  it('stores attachments and notes the ones over the size cap', async () => {
    const small = Buffer.from('printer log\nerror 42\n');
    const big = Buffer.alloc(ATTACHMENT_CAP + 1, 7);
    const info = await send(listener.port, {
      from: DEMO.goldContactEmail,
      subject: 'Printer logs',
      text: 'Logs attached.',
      attachments: [
        { filename: 'printer.log', content: small, contentType: 'text/plain' },
        { filename: 'dump.bin', content: big, contentType: 'application/octet-stream' },
      ],
    });
    const caseNumber = caseNumberIn(info.response);
    const row = await database.db('cases').where({ case_number: caseNumber }).first<{ id: string; description: string }>('id', 'description');
    const stored = await database.db('attachments').where({ case_id: row.id }).select<{ filename: string; content_type: string; size_bytes: number; sha256: string; content: Buffer }[]>();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ filename: 'printer.log', content_type: 'text/plain', size_bytes: small.length, sha256: createHash('sha256').update(small).digest('hex') });
    expect(Buffer.from(stored[0]!.content).equals(small)).toBe(true);
    expect(row.description).toContain('Attachments: printer.log');
    expect(row.description).toMatch(/Attachment not stored \(larger than 64\.0 KB\): dump\.bin/);
  });

  it('writes an email notification to the outbox as an .eml with the case number in the subject, once', async () => {
    const outboxDir = await mkdtemp(join(tmpdir(), 'caseflow-outbox-'));
    try {
      const caseId = (await database.db('cases').where({ case_number: goldCase }).first<{ id: string }>('id')).id;
      const [notification] = await database
        .db('notifications')
        .insert({
          idempotency_key: `test:${randomUUID()}`,
          case_id: caseId,
          kind: 'agent_reply',
          channel: 'email',
          recipient_email: DEMO.goldContactEmail,
          payload: JSON.stringify({ caseNumber: goldCase, title: 'Printer offline again', text: 'Please restart the print spooler.', from: 'Gina Agent' }),
        })
        .returning<{ id: string }[]>('id');
      const delivery = createMailDelivery({ db: database.db, transport: 'outbox', from: 'support@caseflow.example', outboxDir, publicBaseUrl: 'http://caseflow.test', logger });
      const first = await delivery.deliverPending(50);
      expect(first.delivered).toBeGreaterThanOrEqual(1);
      const second = await delivery.deliverPending(50);
      expect(second.delivered).toBe(0);

      const files = (await readdir(outboxDir)).filter((f) => f.endsWith(`-${notification!.id}.eml`));
      expect(files).toHaveLength(1);
      const eml = await readFile(join(outboxDir, files[0]!), 'utf8');
      expect(eml).toContain(`Subject: [${goldCase}] Re: Printer offline again`);
      expect(eml).toContain('Please restart the print spooler.');
      expect(eml).toContain(`To: ${DEMO.goldContactEmail}`);
      const row = await database.db('notifications').where({ id: notification!.id }).first<{ delivered_at: Date | null; attempts: number }>();
      expect(row.delivered_at).not.toBeNull();
      const outbound = await database.db('email_messages').where({ notification_id: notification!.id }).first<{ direction: string; case_id: string; message_id: string }>();
      expect(outbound).toMatchObject({ direction: 'outbound', case_id: caseId });

      // The customer answers that email without the tag: In-Reply-To threads it to the case.
      const info = await send(listener.port, { from: DEMO.goldContactEmail, subject: 'Thanks', text: 'Restarted, works.', inReplyTo: outbound.message_id });
      expect(info.response).toContain(`added to case ${goldCase}`);
      delivery.close();
    } finally {
      await rm(outboxDir, { recursive: true, force: true });
    }
  });

  it('sends through an SMTP relay, and records failures for a retry', async () => {
    const received: string[] = [];
    const relay = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, _session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push(Buffer.concat(chunks).toString('utf8'));
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const relayPort = (relay.server.address() as { port: number }).port;
    try {
      const caseId = (await database.db('cases').where({ case_number: goldCase }).first<{ id: string }>('id')).id;
      const insert = async () =>
        (
          await database
            .db('notifications')
            .insert({
              idempotency_key: `test:${randomUUID()}`,
              case_id: caseId,
              kind: 'survey',
              channel: 'email',
              recipient_email: DEMO.goldContactEmail,
              payload: JSON.stringify({ caseNumber: goldCase, title: 'Printer offline again', link: 'http://caseflow.test/surveys/abc' }),
            })
            .returning<{ id: string }[]>('id')
        )[0]!.id;

      // Nothing listens on the relay port: the attempt is counted and postponed.
      const unreachable = createMailDelivery({ db: database.db, transport: { relayUrl: `smtp://127.0.0.1:${await closedPort()}` }, from: 'support@caseflow.example', outboxDir: '/nonexistent', publicBaseUrl: 'http://caseflow.test', logger });
      const failingId = await insert();
      const failing = await unreachable.deliverPending(50);
      expect(failing.failed).toBeGreaterThanOrEqual(1);
      const failed = await database.db('notifications').where({ id: failingId }).first<{ delivered_at: Date | null; attempts: number; last_error: string | null; next_attempt_at: Date | null }>();
      expect(failed).toMatchObject({ delivered_at: null, attempts: 1 });
      expect(failed.last_error).toBeTruthy();
      expect(failed.next_attempt_at).not.toBeNull();
      unreachable.close();

      // Due again: the loop delivers it through the relay that works.
      await database.db('notifications').where({ id: failingId }).update({ next_attempt_at: null });
      const delivery = createMailDelivery({ db: database.db, transport: { relayUrl: `smtp://127.0.0.1:${relayPort}` }, from: 'support@caseflow.example', outboxDir: '/nonexistent', publicBaseUrl: 'http://caseflow.test', logger });
      const loop = startMailDeliveryLoop({ delivery, intervalMs: 50, logger });
      try {
        await eventually(() => database.db('notifications').where({ id: failingId }).first<{ delivered_at: Date | null }>(), (row) => row.delivered_at !== null);
      } finally {
        await loop.stop();
        delivery.close();
      }
      const survey = received.find((m) => m.includes('caseflow.test/surveys/abc'));
      expect(survey).toContain(`Subject: [${goldCase}] How did we do?`);
    } finally {
      await new Promise<void>((resolve) => relay.close(resolve));
    }
  });
});

describe('rendering notification emails', () => {
  it('puts the case number in every subject and the essentials in the text', () => {
    const base = { caseNumber: 'CAS-01000', caseTitle: 'Printer offline', toStaff: true };
    const cases = [
      { kind: 'sla_warning', payload: { kpi: 'first_response', message: 'The first response of CAS-01000 is due 10:15' } },
      { kind: 'sla_failure', payload: { kpi: 'resolve', message: 'The resolution SLA of CAS-01000 has failed' } },
      { kind: 'case_flagged', payload: { reason: 'entitlement exhausted' } },
      { kind: 'survey', payload: { link: 'https://x.test/surveys/t' } },
      { kind: 'agent_reply', payload: { text: 'Try turning it off and on.' } },
      { kind: 'status_change', payload: { status: 'cancelled', reason: 'duplicate' } },
      { kind: 'article_sent', payload: { caseTitle: 'Printer offline', articleNumber: 'KA-01002', title: 'Printer offline fix', content: 'Restart the spooler.' } },
    ];
    for (const { kind, payload } of cases) {
      const email = renderNotificationEmail({ ...base, kind, payload }, 'https://support.test');
      expect(email.subject.startsWith('[CAS-01000] ')).toBe(true);
    }
    expect(renderNotificationEmail({ ...base, kind: 'survey', payload: cases[3]!.payload }, '').text).toContain('https://x.test/surveys/t');
    expect(renderNotificationEmail({ ...base, kind: 'agent_reply', payload: cases[4]!.payload }, '').text).toContain('Try turning it off and on.');
    const article = renderNotificationEmail({ ...base, kind: 'article_sent', payload: cases[6]!.payload }, '');
    expect(article.subject).toBe('[CAS-01000] Knowledge article KA-01002: Printer offline fix');
    expect(article.text).toContain('Restart the spooler.');
    expect(renderNotificationEmail({ ...base, kind: 'sla_warning', payload: cases[0]!.payload }, 'https://support.test').text).toContain('https://support.test/cases/CAS-01000');
  });
});

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
