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
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCaseWorker } from '../../app/wiring/worker.wiring';
import { migrateToLatest } from '../../db/migrate';
import { createCaseRepository } from '../../db/repositories/case.repository';
import { createCustomerRepository } from '../../db/repositories/customer.repository';
import { createDirectoryRepository } from '../../db/repositories/directory.repository';
import { createEmailRepository } from '../../db/repositories/email.repository';
import { createNotificationOutbox } from '../../db/repositories/notification-outbox.repository';
import { createKnowledgeRepository } from '../../db/repositories/knowledge.repository';
import { createQueueRepository } from '../../db/repositories/queue.repository';
import { createUserRepository } from '../../db/repositories/user.repository';
import { DEMO, seedDemoData } from '../../db/seeds/demo';
import { createCaseService } from '../../services/case.service';
import { createCaseWorkService, type CaseWorkService } from '../../services/case-work.service';
import { createEmailIntakeService } from '../../email/email-intake.service';
import { createMailDelivery, renderNotificationEmail, startMailDeliveryLoop } from '../../email/mail-delivery';
import { startSmtpListener, type SmtpListener } from '../../email/smtp-listener';
import { DEFAULT_CASE_SETTINGS, type CaseSettings } from '../../workflows/case-state';
import { actorFor } from '../support/actors';
import { databaseKinds, openTestDatabase, type DatabaseKind, type TestDatabase } from '../support/databases';
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
const ALICE = `"Alice Gold" <${DEMO.goldContactEmail}>`;

/**
 * One email channel as `npm start` wires it, over a fresh seeded database with a worker of its own:
 * the listener, one that refuses unknown senders, and one whose cases close as soon as they are
 * cancelled or resolved (CASE_REOPEN_WINDOW_MINUTES=0, a valid setting), so a test can reach a closed
 * case through the workflow instead of writing the status.
 */
interface EmailWorld {
  readonly db: TestDatabase['db'];
  readonly caseWork: CaseWorkService;
  readonly listener: SmtpListener;
  readonly refusingListener: SmtpListener;
  readonly closingListener: SmtpListener;
  stop(): Promise<void>;
}

async function startEmailWorld(kind: DatabaseKind): Promise<EmailWorld> {
  const database = await openTestDatabase(kind);
  await migrateToLatest(database.db);
  await seedDemoData(database.db);
  const namespace = await createNamespace(temporal, `email-${kind}`);
  const client = new Client({ connection: temporal.connection, namespace });
  const taskQueue = 'caseflow';
  const worker: Worker = await createCaseWorker({ connection: temporal.nativeConnection, namespace, taskQueue, db: database.db, workflowBundle, surveySecret: 'email-test-survey-secret', publicBaseUrl: 'http://caseflow.test' });
  const running = worker.run();
  const caseRepository = createCaseRepository(database.db);
  const customers = createCustomerRepository(database.db);
  const casesWith = (caseSettings: CaseSettings) => createCaseService({ temporal: client, taskQueue, caseSettings, cases: caseRepository, customers, products: createDirectoryRepository(database.db), recordWaitMs: 15_000 });
  const cases = casesWith(DEFAULT_CASE_SETTINGS);
  const users = createUserRepository(database.db);
  const caseWork = createCaseWorkService({
    temporal: client,
    cases: caseRepository,
    queues: createQueueRepository(database.db),
    users,
    knowledge: createKnowledgeRepository(database.db),
    products: createDirectoryRepository(database.db),
  });
  const records = { customers, users, emails: createEmailRepository(database.db), caseRecords: caseRepository };
  const intake = createEmailIntakeService({ ...records, cases, caseWork, logger, limits: { maxAttachmentBytes: ATTACHMENT_CAP } });
  const refusingIntake = createEmailIntakeService({ ...records, cases, caseWork, logger, rules: { unknownSenders: 'refuse' } });
  const closingIntake = createEmailIntakeService({ ...records, cases: casesWith({ ...DEFAULT_CASE_SETTINGS, reopenWindowMinutes: 0 }), caseWork, logger });
  const [listener, refusingListener, closingListener] = await Promise.all([
    startSmtpListener({ port: 0, intake, logger, maxMessageBytes: 5 * 1024 * 1024 }),
    startSmtpListener({ port: 0, intake: refusingIntake, logger }),
    startSmtpListener({ port: 0, intake: closingIntake, logger }),
  ]);
  return {
    db: database.db,
    caseWork,
    listener,
    refusingListener,
    closingListener,
    async stop() {
      await Promise.all([listener.close(), refusingListener.close(), closingListener.close()]);
      worker.shutdown();
      await running;
      await database.close();
    },
  };
}

function send(port: number, message: Mail.Options) {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  return transport.sendMail({ to: 'support@caseflow.example', ...message }).finally(() => transport.close());
}

function caseNumberIn(response: string): string {
  const match = /CAS-\d{5,}/.exec(response);
  if (!match) throw new Error(`no case number in ${response}`);
  return match[0];
}

async function count(db: EmailWorld['db'], table: string, where: Record<string, unknown> = {}): Promise<number> {
  const rows = await db(table).where(where).count<{ count: string }[]>('* as count');
  return Number(rows[0]?.count);
}

async function caseIdOf(db: EmailWorld['db'], caseNumber: string): Promise<string> {
  return (await db('cases').where({ case_number: caseNumber }).first<{ id: string }>('id')).id;
}

/** Alice mails support about her printer: a case of her own, opened by the listener. */
async function aliceMailsSupport(world: EmailWorld): Promise<{ caseNumber: string; caseId: string; messageId: string }> {
  const messageId = `<${randomUUID()}@contoso-gold.example>`;
  const info = await send(world.listener.port, { from: ALICE, subject: 'Printer offline again', text: 'The office printer shows offline since this morning.', messageId });
  expect(info.response).toMatch(/^250 .*CAS-\d{5,} opened/);
  const caseNumber = caseNumberIn(info.response);
  return { caseNumber, caseId: await caseIdOf(world.db, caseNumber), messageId };
}

interface EmailNotice {
  id: string;
  kind: string;
  recipient_email: string;
}

/**
 * Gina takes Alice's case and answers her through the case's workflow, which puts two emails for
 * Alice in the outbox: "an agent has taken your case" and the reply. Returns them once both are there.
 */
async function ginaAnswers(world: EmailWorld, caseNumber: string, caseId: string, text: string): Promise<{ accepted: EmailNotice; reply: EmailNotice }> {
  const gina = await actorFor(world.db, DEMO.usernames.goldAgent);
  await world.caseWork.act(caseNumber, gina, 'accept', {});
  await world.caseWork.act(caseNumber, gina, 'reply', { text });
  const notices = await eventually(
    () => world.db('notifications').where({ case_id: caseId, channel: 'email' }).orderBy([{ column: 'created_at' }, { column: 'id' }]).select<EmailNotice[]>('id', 'kind', 'recipient_email'),
    (rows) => rows.some((n) => n.kind === 'agent_reply'),
  );
  expect(notices.map((n) => [n.kind, n.recipient_email])).toEqual([
    ['status_change', DEMO.goldContactEmail],
    ['agent_reply', DEMO.goldContactEmail],
  ]);
  return { accepted: notices[0]!, reply: notices[1]! };
}

describe.each(databaseKinds)('email intake on a real Temporal server (%s)', (kind) => {
  let world: EmailWorld;

  beforeAll(async () => {
    world = await startEmailWorld(kind);
  });

  afterAll(async () => {
    await world?.stop();
  });

  it('opens a case from a known contact, routed to the gold queue', async () => {
    const messageId = `<${randomUUID()}@contoso-gold.example>`;
    const before = await count(world.db, 'cases');
    const info = await send(world.listener.port, {
      from: ALICE,
      subject: 'Printer offline again',
      text: 'The office printer shows offline since this morning.',
      messageId,
    });
    expect(info.response).toMatch(/^250 .*CAS-\d{5,} opened/);
    const caseNumber = caseNumberIn(info.response);
    expect(await count(world.db, 'cases')).toBe(before + 1);

    const { db } = world;
    const row = await db('cases').where({ case_number: caseNumber }).first<{ id: string; channel: string; queue_id: string; title: string; description: string; customer_contact_id: string; created_by_user_id: string }>();
    const goldQueue = await db('queues').where({ name: DEMO.goldQueueName }).first<{ id: string }>('id');
    const alice = await db('contacts').where({ email: DEMO.goldContactEmail }).first<{ id: string }>('id');
    const aliceUser = await db('users').where({ username: DEMO.usernames.goldCustomer }).first<{ id: string }>('id');
    expect(row).toMatchObject({ channel: 'email', queue_id: goldQueue.id, title: 'Printer offline again', customer_contact_id: alice.id, created_by_user_id: aliceUser.id });
    expect(row.description).toContain('offline since this morning');

    const message = await db('email_messages').where({ message_id: messageId }).first<{ case_id: string; direction: string; outcome: string; from_address: string; to_addresses: string[] }>();
    expect(message).toMatchObject({ case_id: row.id, direction: 'inbound', outcome: 'opened', from_address: DEMO.goldContactEmail, to_addresses: ['support@caseflow.example'] });
  });

  it('opens nothing new when the same Message-ID is delivered again', async () => {
    const first = await aliceMailsSupport(world);
    const before = await count(world.db, 'cases');
    const info = await send(world.listener.port, {
      from: ALICE,
      subject: 'Printer offline again',
      text: 'The office printer shows offline since this morning.',
      messageId: first.messageId,
    });
    expect(caseNumberIn(info.response)).toBe(first.caseNumber);
    expect(await count(world.db, 'cases')).toBe(before);
    expect(await count(world.db, 'email_messages', { message_id: first.messageId })).toBe(1);
  });

  it('keys Message-IDs by sender: another sender reusing one gets a case of their own', async () => {
    const bobs = `<${randomUUID()}@fabrikam.example>`;
    const bobInfo = await send(world.listener.port, { from: `Bob Brown <${DEMO.standardContactEmail}>`, subject: 'Scanner jams', text: 'The scanner jams on every page.', messageId: bobs });
    // Alice's mail carries the same Message-ID (a forger's, or a broken client's): still her own case.
    const aliceInfo = await send(world.listener.port, { from: ALICE, subject: 'Printer offline again', text: 'The office printer shows offline.', messageId: bobs });
    const [bobCase, aliceCase] = [caseNumberIn(bobInfo.response), caseNumberIn(aliceInfo.response)];
    expect(aliceCase).not.toBe(bobCase);
    const alice = await world.db('contacts').where({ email: DEMO.goldContactEmail }).first<{ id: string }>('id');
    const row = await eventually(() => world.db('cases').where({ case_number: aliceCase }).first<{ customer_contact_id: string; title: string }>(), (r) => r !== undefined);
    expect(row).toMatchObject({ customer_contact_id: alice.id, title: 'Printer offline again' });
    expect(await world.db('email_messages').where({ message_id: bobs }).orderBy('from_address').pluck('from_address')).toEqual([DEMO.goldContactEmail, DEMO.standardContactEmail]);
  });

  it('opens the case of a mail whose subject holds a NUL, with U+FFFD in its place, instead of a temporary failure', async () => {
    // Found by the soak: the message row failed to insert and the sender was told 451 (retry), for days.
    const info = await send(world.listener.port, { from: ALICE, subject: 'Printer\u0000 offline', text: 'It says offline.\u0000' });
    const caseNumber = caseNumberIn(info.response);
    const row = await eventually(() => world.db('cases').where({ case_number: caseNumber }).first<{ title: string; description: string }>(), (r) => r !== undefined);
    expect(row.title).toBe('Printer\uFFFD offline');
    expect(row.description).toContain('It says offline.');
  });

  it('refuses a message whose sender failed DMARC by the receiving MTA, opening nothing', async () => {
    const before = await count(world.db, 'cases');
    const sending = send(world.listener.port, {
      from: ALICE,
      subject: 'Please change my bank details',
      text: 'Forged in Alice’s name.',
      headers: { 'Authentication-Results': 'mx.caseflow.example; spf=pass smtp.mailfrom=evil.example; dkim=none; dmarc=fail (p=reject) header.from=contoso-gold.example' },
    });
    await expect(sending).rejects.toThrow(/550 5\.7\.1 message refused \(failed-authentication\).*dmarc=fail/);
    expect(await count(world.db, 'cases')).toBe(before);

    // The same with DMARC passing is Alice's mail as usual.
    const info = await send(world.listener.port, {
      from: ALICE,
      subject: 'Toner low',
      text: 'The toner is low.',
      headers: { 'Authentication-Results': 'mx.caseflow.example; spf=pass smtp.mailfrom=contoso-gold.example; dkim=pass header.d=contoso-gold.example; dmarc=pass' },
    });
    expect(info.response).toMatch(/CAS-\d{5,}/);
  });

  it('adds a reply with [CAS-xxxxx] in the subject to that case as the customer’s note', async () => {
    const { caseNumber, caseId, messageId } = await aliceMailsSupport(world);
    const before = await count(world.db, 'cases');
    const replyId = `<${randomUUID()}@contoso-gold.example>`;
    const reply = {
      from: `"Alice Gold" <${DEMO.goldContactEmail.toUpperCase()}>`,
      subject: `RE: [${caseNumber}] Printer offline again`,
      text: `It is back online after the restart.\n\nOn Monday, Support wrote:\n> Please restart the spooler.`,
      messageId: replyId,
      inReplyTo: messageId,
    };
    const info = await send(world.listener.port, reply);
    expect(info.response).toContain(`added to case ${caseNumber}`);
    const notes = await world.db('activities').where({ case_id: caseId, type: 'note', direction: 'inbound' }).select<{ body: string }[]>('body');
    expect(notes.map((n) => n.body)).toEqual(['It is back online after the restart.']);
    expect(await count(world.db, 'cases')).toBe(before);
    expect(await world.db('email_messages').where({ message_id: replyId }).first()).toMatchObject({ case_id: caseId, outcome: 'appended' });

    // The same reply again: recognised by its Message-ID, no second note.
    const again = await send(world.listener.port, reply);
    expect(again.response).toContain(caseNumber);
    expect(await count(world.db, 'activities', { case_id: caseId, type: 'note', direction: 'inbound' })).toBe(1);
  });

  it('does not add to another customer’s case named in the subject: a case of its own opens', async () => {
    const alices = await aliceMailsSupport(world);
    const before = await count(world.db, 'cases');
    const info = await send(world.listener.port, {
      from: `Bob Brown <${DEMO.standardContactEmail}>`,
      subject: `About [${alices.caseNumber}]`,
      text: 'Is this the printer case?',
    });
    expect(info.response).toContain('opened');
    const bobCase = caseNumberIn(info.response);
    expect(bobCase).not.toBe(alices.caseNumber);
    expect(await count(world.db, 'cases')).toBe(before + 1);
    const bob = await world.db('contacts').where({ email: DEMO.standardContactEmail }).first<{ id: string }>('id');
    const row = await world.db('cases').where({ case_number: bobCase }).first<{ title: string; description: string; customer_contact_id: string }>('title', 'description', 'customer_contact_id');
    // Nothing of Alice's case reaches Bob's, not even its number.
    expect(row).toEqual({ title: 'About', description: 'Is this the printer case?', customer_contact_id: bob.id });
    expect(await count(world.db, 'activities', { case_id: alices.caseId, type: 'note', direction: 'inbound' })).toBe(0);
  });

  it('opens a new case that names the old one when the customer answers a case that has closed', async () => {
    // Bob's case is cancelled; with no reopen window its workflow closes it at once.
    const opened = await send(world.closingListener.port, { from: DEMO.standardContactEmail, subject: 'Till printer jams', text: 'It jams on every receipt.' });
    const closedCase = caseNumberIn(opened.response);
    const bob = await actorFor(world.db, DEMO.usernames.standardCustomer);
    await world.caseWork.act(closedCase, bob, 'cancel', { reason: 'It sorted itself out' });
    await eventually(
      () => world.db('cases').where({ case_number: closedCase }).first<{ status: string }>('status'),
      (row) => row.status === 'closed',
    );

    const before = await count(world.db, 'cases');
    const followUp = await send(world.listener.port, { from: DEMO.standardContactEmail, subject: `Re: [${closedCase}] Till printer jams`, text: 'It happened again.' });
    expect(followUp.response).toContain('opened');
    const next = caseNumberIn(followUp.response);
    expect(next).not.toBe(closedCase);
    expect(await count(world.db, 'cases')).toBe(before + 1);
    const row = await world.db('cases').where({ case_number: next }).first<{ title: string; description: string; status: string }>('title', 'description', 'status');
    expect(row).toEqual({ title: 'Till printer jams', description: `Follow-up to ${closedCase}, which is closed.\n\nIt happened again.`, status: 'active' });
    expect(await count(world.db, 'activities', { case_id: await caseIdOf(world.db, closedCase), type: 'note', direction: 'inbound' })).toBe(0);
  });

  it('makes an unknown sender a contact with a customer login and opens a case', async () => {
    const { db } = world;
    const address = `carol.new-${randomUUID().slice(0, 8)}@example.net`;
    const info = await send(world.listener.port, { from: `"Carol Newcomer" <${address}>`, subject: '', text: 'Hello, I need help with my invoice.' });
    const caseNumber = caseNumberIn(info.response);
    const contact = await db('contacts').where({ email: address }).first<{ id: string; first_name: string; last_name: string; account_id: string | null }>();
    expect(contact).toMatchObject({ first_name: 'Carol', last_name: 'Newcomer', account_id: null });
    const user = await db('users').where({ contact_id: contact.id }).first<{ id: string; username: string; role: string }>();
    expect(user).toMatchObject({ username: address, role: 'customer' });
    const row = await db('cases').where({ case_number: caseNumber }).first<{ customer_contact_id: string; created_by_user_id: string; title: string; channel: string }>();
    expect(row).toMatchObject({ customer_contact_id: contact.id, created_by_user_id: user.id, title: '(no subject)', channel: 'email' });
  });

  it('refuses an unknown sender with 550 under the refuse rule, and stores nothing', async () => {
    const address = `mallory-${randomUUID().slice(0, 8)}@example.org`;
    const counts = () => Promise.all(['contacts', 'users', 'email_messages', 'cases'].map((table) => count(world.db, table)));
    const before = await counts();
    const error = await send(world.refusingListener.port, { from: address, subject: 'Let me in', text: 'Hi' }).then(
      () => undefined,
      (e: unknown) => e as { responseCode?: number; response?: string },
    );
    expect(error?.responseCode).toBe(550);
    expect(error?.response).toContain('unknown-sender');
    expect(await counts()).toEqual(before);

    // A known contact still gets through the refusing listener.
    const info = await send(world.refusingListener.port, { from: DEMO.silverContactEmail, subject: 'VPN drops', text: 'Every hour.' });
    expect(info.response).toMatch(/CAS-\d{5,} opened/);
  });

  it('stores attachments and notes the ones over the size cap', async () => {
    const small = Buffer.from('printer log\nerror 42\n');
    const big = Buffer.alloc(ATTACHMENT_CAP + 1, 7);
    const info = await send(world.listener.port, {
      from: DEMO.goldContactEmail,
      subject: 'Printer logs',
      text: 'Logs attached.',
      attachments: [
        { filename: 'printer.log', content: small, contentType: 'text/plain' },
        { filename: 'dump.bin', content: big, contentType: 'application/octet-stream' },
      ],
    });
    const caseNumber = caseNumberIn(info.response);
    const row = await world.db('cases').where({ case_number: caseNumber }).first<{ id: string; description: string }>('id', 'description');
    const stored = await world.db('attachments').where({ case_id: row.id }).select<{ filename: string; content_type: string; size_bytes: number; sha256: string; content: Buffer }[]>();
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ filename: 'printer.log', content_type: 'text/plain', size_bytes: small.length, sha256: createHash('sha256').update(small).digest('hex') });
    expect(Buffer.from(stored[0]!.content).equals(small)).toBe(true);
    expect(row.description).toContain('Attachments: printer.log');
    expect(row.description).toMatch(/Attachment not stored \(larger than 64\.0 KB\): dump\.bin/);
  });
});

// Delivery reports count every pending email in the database, so each test gets a database whose
// outbox holds only what that test caused: the counts can then be exact.
describe.each(databaseKinds)('email delivery on a real Temporal server (%s)', (kind) => {
  let world: EmailWorld;

  beforeEach(async () => {
    world = await startEmailWorld(kind);
  });

  afterEach(async () => {
    await world?.stop();
  });

  it('writes the agent’s reply to the outbox as an .eml with the case number in the subject, once; answering it threads to the case', async () => {
    const outboxDir = await mkdtemp(join(tmpdir(), 'caseflow-outbox-'));
    try {
      const { caseNumber, caseId } = await aliceMailsSupport(world);
      const { reply } = await ginaAnswers(world, caseNumber, caseId, 'Please restart the print spooler.');
      const delivery = createMailDelivery({ outbox: createNotificationOutbox(world.db), transport: 'outbox', from: 'support@caseflow.example', outboxDir, publicBaseUrl: 'http://caseflow.test', logger });
      try {
        expect(await delivery.deliverPending(50)).toEqual({ delivered: 2, failed: 0, gaveUp: 0 });
        expect(await delivery.deliverPending(50)).toEqual({ delivered: 0, failed: 0, gaveUp: 0 });
      } finally {
        delivery.close();
      }

      const files = await readdir(outboxDir);
      expect(files.filter((f) => f.endsWith('.eml'))).toHaveLength(2);
      const replyFiles = files.filter((f) => f.endsWith(`-${reply.id}.eml`));
      expect(replyFiles).toHaveLength(1);
      const eml = await readFile(join(outboxDir, replyFiles[0]!), 'utf8');
      expect(eml).toContain(`Subject: [${caseNumber}] Re: Printer offline again`);
      expect(eml).toContain('Please restart the print spooler.');
      expect(eml).toContain(`To: ${DEMO.goldContactEmail}`);
      const row = await world.db('notifications').where({ id: reply.id }).first<{ delivered_at: Date | null; attempts: number }>();
      expect(row.delivered_at).not.toBeNull();
      expect(row.attempts).toBe(1);
      const outbound = await world.db('email_messages').where({ notification_id: reply.id }).select<{ direction: string; case_id: string; message_id: string }[]>('direction', 'case_id', 'message_id');
      expect(outbound).toHaveLength(1);
      expect(outbound[0]).toMatchObject({ direction: 'outbound', case_id: caseId });

      // The customer answers that email without the tag: In-Reply-To threads it to the case.
      const before = await count(world.db, 'cases');
      const info = await send(world.listener.port, { from: DEMO.goldContactEmail, subject: 'Thanks', text: 'Restarted, works.', inReplyTo: outbound[0]!.message_id });
      expect(info.response).toContain(`added to case ${caseNumber}`);
      expect(await count(world.db, 'cases')).toBe(before);
      const notes = await world.db('activities').where({ case_id: caseId, type: 'note', direction: 'inbound' }).pluck<string[]>('body');
      expect(notes).toEqual(['Restarted, works.']);
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
      const { caseNumber, caseId } = await aliceMailsSupport(world);
      const { accepted, reply } = await ginaAnswers(world, caseNumber, caseId, 'We are replacing the toner cartridge.');
      const ids = [accepted.id, reply.id];
      type Attempt = { id: string; delivered_at: Date | null; attempts: number; last_error: string | null; next_attempt_at: Date | null };
      const attempts = () => world.db('notifications').whereIn('id', ids).orderBy('created_at').select<Attempt[]>('id', 'delivered_at', 'attempts', 'last_error', 'next_attempt_at');

      // Nothing listens on the relay port: both attempts are counted and postponed.
      const unreachable = createMailDelivery({ outbox: createNotificationOutbox(world.db), transport: { relayUrl: `smtp://127.0.0.1:${await closedPort()}` }, from: 'support@caseflow.example', outboxDir: '/nonexistent', publicBaseUrl: 'http://caseflow.test', logger });
      try {
        expect(await unreachable.deliverPending(50)).toEqual({ delivered: 0, failed: 2, gaveUp: 0 });
      } finally {
        unreachable.close();
      }
      const failed = await attempts();
      expect(failed.map((f) => ({ id: f.id, delivered_at: f.delivered_at, attempts: f.attempts }))).toEqual(ids.map((id) => ({ id, delivered_at: null, attempts: 1 })));
      for (const f of failed) {
        expect(f.last_error).toBeTruthy();
        expect(f.next_attempt_at).not.toBeNull();
      }

      // Due again (the retry delay has passed): the loop delivers both through the relay that works.
      await world.db('notifications').whereIn('id', ids).update({ next_attempt_at: null });
      const delivery = createMailDelivery({ outbox: createNotificationOutbox(world.db), transport: { relayUrl: `smtp://127.0.0.1:${relayPort}` }, from: 'support@caseflow.example', outboxDir: '/nonexistent', publicBaseUrl: 'http://caseflow.test', logger });
      const loop = startMailDeliveryLoop({ delivery, intervalMs: 50, logger });
      try {
        await eventually(attempts, (rows) => rows.every((row) => row.delivered_at !== null));
      } finally {
        await loop.stop();
        delivery.close();
      }
      expect((await attempts()).map((row) => row.attempts)).toEqual([2, 2]);
      expect(received).toHaveLength(2);
      const replyMail = received.find((m) => m.includes(`X-Caseflow-Notification: ${reply.id}`));
      expect(replyMail).toContain(`Subject: [${caseNumber}] Re: Printer offline again`);
      expect(replyMail).toContain('We are replacing the toner cartridge.');
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
