import nodemailer from 'nodemailer';
import { caseWorkflowId } from '../../domain/case-number';
import { DEMO } from '../../db/seeds/demo';
import { check, type SoakContext } from './context';
import { detailOf } from './http';
import { sleep } from './processes';

/**
 * Phase 6: poison input through the chat and email channels (phase c covers the REST API). A
 * customer opens cases in Web Chat's Direct Line with a NUL and with a lone surrogate in the text;
 * mails with NULs and lone surrogates in subject and body (and a case tag and product code nobody
 * knows) reach the SMTP listener. Each must end in a clear refusal or a case with storable text —
 * never a 5xx, a "something went wrong", or an SMTP 451 (the sending server would retry it for
 * ever) — and no case may be wedged: none in the cases needing attention, no workflow with an
 * activity failing again and again, and every case opened goes on to be resolved.
 */

const TURN_ERROR = /something went wrong/i;
const CASE_OPENED = /Your case \*\*(CAS-\d+)\*\* is (?:open|being created)/;
/** What the caseflow bot asks while opening a case, and what the customer answers. */
const ANSWERS: readonly [RegExp, string][] = [
  [/Did this solve it\?/, 'No'],
  [/Which product is it about\?/, 'Skip'],
  [/How urgent is it\?/, 'high'],
  [/Shall I open the case\?/, 'Yes'],
];
const MAX_TURNS = 8;

interface Outcome {
  readonly what: string;
  /** The case it opened, or why not. */
  readonly caseNumber: string | null;
  readonly answer: string;
  /** A clear refusal or a case: not an error. */
  readonly clean: boolean;
}

export async function channelPoison(ctx: SoakContext, phase: string): Promise<void> {
  const outcomes: Outcome[] = [];
  for (const [what, text] of [
    ['chat: NUL in the problem', 'my printer\u0000 is offline and will not print'],
    ['chat: lone surrogate in the problem', 'the scanner \ud83d jams on every \udc00 page'],
  ] as const) {
    outcomes.push(await chatOpening(ctx, phase, what, text));
  }
  outcomes.push(...(await mails(ctx)));
  for (const o of outcomes) ctx.say(`${phase}: ${o.what}: ${o.answer}`);

  const clean = outcomes.filter((o) => o.clean).length;
  ctx.addCheck(check(`${phase}: each chat/mail refused clearly or opened a case`, `${outcomes.length} clean`, `${clean} clean${clean < outcomes.length ? ` (${outcomes.filter((o) => !o.clean).map((o) => `${o.what}: ${o.answer}`).join('; ').slice(0, 240)})` : ''}`, clean === outcomes.length));

  // The cases opened are recorded (their first write stored), and with storable text.
  const opened = outcomes.filter((o) => o.caseNumber !== null).map((o) => o.caseNumber!);
  for (const caseNumber of opened) await ctx.adoptCase(phase, ctx.sue.token, caseNumber);
  const unstorable = opened.length === 0 ? [] : await ctx.db('cases').whereIn('case_number', opened).whereRaw(`position(chr(65533) in title || coalesce(description, '')) > 0`).pluck<string[]>('case_number');

  // Nothing wedged: no write refused for good, no activity retrying.
  const attention = await ctx.client.call(phase, 'GET', '/operations/cases-needing-attention', { token: ctx.sue.token });
  const items = Array.isArray(attention.body.items) ? (attention.body.items as { caseNumber: string; effect: string; error: string }[]) : [];
  const retrying = await retryingActivities(ctx, opened);
  ctx.addCheck(
    check(
      `${phase}: nothing wedged (cases needing attention, activities retrying)`,
      '200: 0 cases; 0 retrying',
      `${attention.status}: ${items.length} cases${items.length ? ` (${items[0]!.caseNumber} ${items[0]!.effect}: ${items[0]!.error.slice(0, 100)})` : ''}; ${retrying.length} retrying${retrying.length ? ` (${retrying[0]})` : ''}`,
    ),
  );
  // Every case opened is worked to resolved, as all the soak's cases are.
  for (const [i, caseNumber] of opened.entries()) await ctx.resolveCase(phase, ctx.gina, caseNumber, `${ctx.runId}-channel-poison-${i}`);
  const refused = outcomes.filter((o) => o.clean && o.caseNumber === null).length;
  const note = `${opened.length} cases opened (${unstorable.length} with U+FFFD in place of the bad text), ${refused} refused, ${outcomes.length - clean} failed`;
  ctx.note(phase, note);
}

/** A signed-in customer opens a case in Web Chat (Direct Line), answering the bot's questions. */
async function chatOpening(ctx: SoakContext, phase: string, what: string, problem: string): Promise<Outcome> {
  const generated = await ctx.client.call(phase, 'POST', '/v3/directline/tokens/generate', { token: ctx.alice.token });
  if (generated.status !== 200) return { what, caseNumber: null, answer: `token ${generated.status}`, clean: false };
  const token = String(generated.body.token);
  const conversationId = String(generated.body.conversationId);
  const started = await ctx.client.call(phase, 'POST', '/v3/directline/conversations', { token });
  if (started.status !== 201 && started.status !== 200) return { what, caseNumber: null, answer: `conversation ${started.status}`, clean: false };
  const path = `/v3/directline/conversations/${encodeURIComponent(conversationId)}/activities`;
  let text = problem;
  for (let turn = 0; turn < MAX_TURNS; turn++) {
    // A 400 or 422 for the bad text is a clear refusal at the door.
    const posted = await ctx.client.call(phase, 'POST', path, { token, body: { type: 'message', text }, expect: [400, 422] });
    if (posted.status !== 200) {
      const clean = posted.status === 400 || posted.status === 422;
      return { what, caseNumber: null, answer: `${clean ? 'refused' : 'failed'} with ${posted.status}: ${detailOf(posted.body) || JSON.stringify(posted.body).slice(0, 120)}`, clean };
    }
    const activityId = typeof posted.body.id === 'string' ? posted.body.id : '';
    const watermark = activityId.split('|')[1] ?? '0';
    const page = await ctx.client.call(phase, 'GET', `${path}?watermark=${watermark}`, { token });
    const replies = ((page.body.activities ?? []) as { text?: string; from?: { role?: string } }[]).filter((a) => a.from?.role === 'bot');
    const said = replies.map((r) => r.text ?? '').join('\n');
    if (TURN_ERROR.test(said)) return { what, caseNumber: null, answer: `the bot failed: ${said.slice(0, 120)}`, clean: false };
    const opened = CASE_OPENED.exec(said);
    if (opened) return { what, caseNumber: opened[1]!, answer: `case ${opened[1]} opened`, clean: true };
    const next = ANSWERS.find(([prompt]) => prompt.test(said));
    // Anything else the bot says instead of its next question is its refusal (turn 0: it did not take the text as a problem).
    if (!next) return { what, caseNumber: null, answer: `refused: ${said.replace(/\s+/g, ' ').slice(0, 160)}`, clean: said.trim() !== '' };
    text = next[1];
  }
  return { what, caseNumber: null, answer: `no case after ${MAX_TURNS} turns`, clean: false };
}

/** Mails from the gold contact to the SMTP listener: 250 with a case, or a 550 refusal, is clean. */
async function mails(ctx: SoakContext): Promise<Outcome[]> {
  const transport = nodemailer.createTransport({ host: '127.0.0.1', port: ctx.smtpPort, secure: false, ignoreTLS: true });
  const from = `Alice Gold <${DEMO.goldContactEmail}>`;
  const to = 'support@caseflow.example';
  const id = (n: number): string => `<${ctx.runId}-poison-${n}@contoso-gold.example>`;
  // A raw message (nodemailer would encode a lone surrogate as U+FFFD): the CESU-8 bytes of one in
  // the body, and a case tag and a product code nobody knows (the intake reads no product from mail).
  const raw = Buffer.concat([
    Buffer.from(
      [`From: ${from}`, `To: ${to}`, `Message-ID: ${id(3)}`, 'Subject: Re: [CAS-99999] Fax broken', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit', '', 'Product: NOPE-0000. Half a pair: '].join('\r\n'),
    ),
    Buffer.from([0xed, 0xa0, 0x80]),
    Buffer.from(' end.\r\n'),
  ]);
  const messages: [string, Parameters<typeof transport.sendMail>[0]][] = [
    ['mail: NUL in subject and body', { from, to, messageId: id(1), subject: 'Printer\u0000 offline', text: 'It stopped\u0000 printing.' }],
    ['mail: lone surrogates in subject and body', { from, to, messageId: id(2), subject: 'Scanner \ud800 jams', text: 'Every page \udc00 jams.' }],
    ['mail (raw): surrogate bytes, unknown case tag and product', { envelope: { from: DEMO.goldContactEmail, to: [to] }, raw }],
    ['mail: HTML only, NUL and surrogate entities', { from, to, messageId: id(4), subject: 'Monitor flickers', html: '<p>It flickers &#0; then &#xD800; goes dark.</p>' }],
  ];
  const outcomes: Outcome[] = [];
  try {
    for (const [what, message] of messages) {
      try {
        const info = (await transport.sendMail(message)) as { response: string };
        const opened = /case (CAS-\d+)/.exec(info.response);
        outcomes.push({ what, caseNumber: opened?.[1] ?? null, answer: info.response, clean: opened !== null });
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode;
        // 550: refused for good, the sender is told; 451 would make the sending server retry a message that can never pass.
        outcomes.push({ what, caseNumber: null, answer: `${code ?? 'no answer'}: ${(error as Error).message.slice(0, 160)}`, clean: code === 550 });
      }
    }
  } finally {
    transport.close();
  }
  return outcomes;
}

/** Workflows of these cases with a pending activity on its second attempt or later, looked at a few times over ~6 s. */
async function retryingActivities(ctx: SoakContext, caseNumbers: readonly string[]): Promise<string[]> {
  const found = new Map<string, string>();
  for (let look = 0; look < 3; look++) {
    for (const caseNumber of caseNumbers) {
      const description = await ctx.temporal.workflow.getHandle(caseWorkflowId(caseNumber)).describe();
      for (const activity of description.raw.pendingActivities ?? []) {
        if ((activity.attempt ?? 0) > 1) found.set(caseNumber, `${caseNumber} ${activity.activityType?.name ?? '?'} attempt ${activity.attempt}: ${activity.lastFailure?.message?.slice(0, 100) ?? ''}`);
      }
    }
    await sleep(2_000);
  }
  return [...found.values()];
}
