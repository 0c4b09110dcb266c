import nodemailer from 'nodemailer';
import { measureValues, runCalls } from './measure';
import { compare, limitsFor, measureBareStarts, uniqueId, type PhaseContext, type PhaseResults } from './phases';
import { benchContactEmail } from './records';
import { say } from './progress';
import { CHAT_TURNS_PER_SECOND, createChatTurns, type ChatTurn } from './chat-turns';

/**
 * Benchmark 1, by the other two doors: a case opened by email (an SMTP transaction to the app's
 * listener, which answers 250 once the case is opened) and by chat (the open-case dialog at
 * /api/messages, whose last turn opens the case), each against a bare `workflow.start` measured
 * just before it.
 */

/** Enough turns for the longest dialog (new case, description, solved?, product, urgency, confirm). */
const MAX_DIALOG_TURNS = 8;

function bareStarts(context: PhaseContext, concurrency: number, label: string) {
  const limits = limitsFor(context, `bare workflow.start (${label})`, concurrency);
  return limits ? measureBareStarts(context.baseline, limits) : Promise.resolve(undefined);
}

/** Cases opened by email: one SMTP connection per message, as a sending MTA makes it, from a known contact. */
export async function emailOpenings(context: PhaseContext, results: PhaseResults, smtpPort: number): Promise<void> {
  const { database } = context;
  say(`${database}: case opening by email (SMTP)`);
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  let sent = 0;
  const send = async (caller: number): Promise<void> => {
    sent += 1;
    const info = await transport.sendMail({
      from: benchContactEmail('gold', caller % context.tokens.length),
      to: 'support@caseflow.local',
      subject: `Bench mail ${sent}: the scanner stops`,
      text: 'Opened by npm run bench, by email.',
      messageId: `<${uniqueId('bench-mail')}@bench.example>`,
    });
    if (!/case CAS-\d+ opened/.test(info.response)) throw new Error(`the SMTP listener answered ${info.response}`);
  };
  await send(0); // warm-up: the first connection and the intake's first queries
  try {
    for (const concurrency of context.settings.concurrencies) {
      const bare = await bareStarts(context, concurrency, 'email');
      const limits = limitsFor(context, 'SMTP message opening a case', concurrency);
      if (!bare || !limits) {
        results.skipped.push({ database, benchmark: 'case opening by email', concurrency, why: 'the --max-minutes budget was spent' });
        continue;
      }
      const app = await runCalls(limits, send);
      results.comparisons.push(
        compare(
          database,
          'case opening by email',
          concurrency,
          { what: 'one SMTP transaction (connect … DATA) to the listener, answered 250 "case … opened"', measured: app },
          { what: 'bare client.workflow.start (empty workflow)', kind: 'start', measured: bare },
        ),
      );
    }
  } finally {
    transport.close();
  }
}

/** What the customer answers to the bot's last message in the open-case dialog; undefined once the case is open. */
function answerTo(lastText: string, description: string): string | undefined {
  if (/Your case \*\*CAS-\d+\*\* (is open|is being created)/.test(lastText)) return undefined;
  if (/describe the problem/i.test(lastText)) return description;
  if (/Did this solve it\?/.test(lastText)) return 'No';
  if (/Which product/.test(lastText)) return 'Skip';
  if (/How urgent/.test(lastText)) return 'normal';
  if (/Shall I open the case\?/.test(lastText)) return 'Yes';
  throw new Error(`the open-case dialog said something the bench does not know how to answer: ${JSON.stringify(lastText.slice(0, 200))}`);
}

/**
 * Cases opened in chat: each caller is a signed-in customer's conversation that runs the open-case
 * dialog from "new case" to "Your case … is open". The measured latency is the confirming turn's
 * ("Yes": the bot opens the case, reads its SLA and answers); the whole dialog's is in the note.
 */
export async function chatOpenings(context: PhaseContext, results: PhaseResults): Promise<void> {
  const { baseUrl, tokens, database } = context;
  const { connector } = context.bot;
  say(`${database}: case opening by chat (the open-case dialog at /api/messages)`);
  const conversation = (slot: number): string => `bench-chat-open-${database}-${slot}`;
  const send = createChatTurns(connector, `bench-open-${database}`);
  const turn = (slot: number, text: string): Promise<ChatTurn> => send(baseUrl, conversation(slot), { id: `bench-chat-user-${database}-${slot}`, name: `bench-customer-${slot + 1}` }, text);
  const confirmingTurns: number[] = [];
  const dialogs: number[] = [];
  let opened = 0;
  const openInChat = async (slot: number): Promise<void> => {
    const began = performance.now();
    const description = `The bench scanner ${(opened += 1)} stops with error E${opened}`;
    let { reply } = await turn(slot, 'new case');
    for (let turns = 1; turns <= MAX_DIALOG_TURNS; turns += 1) {
      const answer = answerTo(reply, description);
      if (answer === undefined) {
        dialogs.push(performance.now() - began);
        return;
      }
      const answered = await turn(slot, answer);
      if (answer === 'Yes') confirmingTurns.push(answered.ms);
      reply = answered.reply;
    }
    throw new Error(`the open-case dialog did not open a case in ${MAX_DIALOG_TURNS} turns; last: ${JSON.stringify(reply.slice(0, 200))}`);
  };
  // Each conversation is linked to a bench customer, as a signed-in Web Chat user is.
  for (const [slot] of tokens.entries()) await turn(slot, `link bench-customer-${slot + 1}`);
  await openInChat(0); // warm-up
  for (const concurrency of context.settings.concurrencies) {
    const bare = await bareStarts(context, concurrency, 'chat');
    const limits = limitsFor(context, 'chat dialog opening a case', concurrency);
    if (!bare || !limits) {
      results.skipped.push({ database, benchmark: 'case opening by chat', concurrency, why: 'the --max-minutes budget was spent' });
      continue;
    }
    confirmingTurns.length = 0;
    dialogs.length = 0;
    const whole = await runCalls(limits, (caller) => openInChat(caller % tokens.length));
    const confirming = measureValues(confirmingTurns, whole.failures, whole.outcomes);
    const dialog = measureValues(dialogs, whole.failures, whole.outcomes);
    results.comparisons.push(
      compare(
        database,
        'case opening by chat',
        concurrency,
        { what: 'the confirming turn ("Yes") of the open-case dialog at /api/messages: opens the case, reads its SLA, replies', measured: { ...confirming, seconds: whole.seconds, perSecond: whole.perSecond } },
        { what: 'bare client.workflow.start (empty workflow)', kind: 'start', measured: bare },
        `turns paced at ${CHAT_TURNS_PER_SECOND}/s (the API's per-IP limit on /api/messages), so compare latencies, not rates; the whole dialog (4–5 turns, with the pacing) took p50 ${dialog.latencyMs.p50.toFixed(0)} ms, p99 ${dialog.latencyMs.p99.toFixed(0)} ms`,
      ),
    );
  }
}
