import { DEMO } from '../db/seeds/demo';
import { openCase } from './api-client';
import { CHAT_TURNS_PER_SECOND, createChatTurns } from './chat-turns';
import { measureValues, runCalls } from './measure';
import { compare, limitsFor, type PhaseContext, type PhaseResults } from './phases';
import { say } from './progress';
import { inPool } from './pool';

/**
 * Benchmark 3, the agent's side: "take next" in chat (the bot accepts the most urgent waiting case
 * of the agent's queues through the accept Update, then shows it), against an echo bot's turn on
 * the same server, adapter and route. The demo gold agent takes cases the bench customers opened
 * just before into the Gold queue, one conversation per load connection.
 */
export async function botTakeNext(context: PhaseContext, results: PhaseResults): Promise<void> {
  const { baseUrl, tokens, database } = context;
  const { connector, echoUrl } = context.bot;
  say(`${database}: bot turns ("take next" by an agent through /api/messages)`);
  const send = createChatTurns(connector, `bench-take-${database}`);
  const agent = (slot: number) => ({ conversation: `bench-take-next-${database}-${slot}`, user: { id: `bench-agent-${database}-${slot}`, name: DEMO.usernames.goldAgent } });
  const turn = (url: string, slot: number, text: string) => send(url, agent(slot).conversation, agent(slot).user, text);
  const slots = Math.max(...context.settings.concurrencies);
  for (let slot = 0; slot < slots; slot += 1) await turn(baseUrl, slot, `link ${DEMO.usernames.goldAgent}`);

  // Enough waiting cases for every turn at the paced rate (each take next accepts one), and a few spare.
  const perLoad = Math.min(context.settings.maxCount, Math.ceil((context.settings.durationMs / 1_000) * CHAT_TURNS_PER_SECOND) + 1);
  const needed = perLoad * context.settings.concurrencies.length + 5;
  say(`  opening ${needed} cases for the agent to take`);
  let opened = 0;
  await inPool(needed, 8, async (index) => {
    await openCase(baseUrl, tokens[index % tokens.length]!, `Waiting for take next ${index + 1}`);
    opened += 1;
  });
  const took = (reply: string): boolean => /You took/.test(reply);
  const warm = await turn(baseUrl, 0, 'take next');
  if (!took(warm.reply)) throw new Error(`"take next" took nothing: ${JSON.stringify(warm.reply.slice(0, 200))}`);

  for (const concurrency of context.settings.concurrencies) {
    const echoLimits = limitsFor(context, 'echo bot turn (take next)', concurrency);
    const appLimits = limitsFor(context, 'bot take next turn', concurrency);
    if (!echoLimits || !appLimits) {
      results.skipped.push({ database, benchmark: 'bot turn (take next)', concurrency, why: 'the --max-minutes budget was spent' });
      continue;
    }
    // runCalls drives the load; the latencies are the turns' own (the pacing wait before each is left out).
    const echoTurns: number[] = [];
    const echoLoad = await runCalls({ ...echoLimits, maxCount: perLoad }, async (caller) => {
      echoTurns.push((await turn(echoUrl, caller, 'take next')).ms);
    });
    const echo = { ...measureValues(echoTurns, echoLoad.failures, echoLoad.outcomes), seconds: echoLoad.seconds, perSecond: echoLoad.perSecond };
    let nothing = 0;
    const instead = new Set<string>();
    const appTurns: number[] = [];
    const appLoad = await runCalls({ ...appLimits, maxCount: perLoad }, async (caller) => {
      const answered = await turn(baseUrl, caller, 'take next');
      if (!took(answered.reply)) {
        nothing += 1;
        // What the bot said instead, a few distinct answers, for the report.
        const said = answered.reply.slice(0, 160) || '(no reply)';
        if (instead.size < 3) instead.add(said);
        throw new Error(`"take next" took nothing: ${answered.reply.slice(0, 120)}`);
      }
      appTurns.push(answered.ms);
    });
    const app = { ...measureValues(appTurns, appLoad.failures, appLoad.outcomes), seconds: appLoad.seconds, perSecond: appLoad.perSecond };
    results.comparisons.push(
      compare(
        database,
        'bot turn (take next)',
        concurrency,
        { what: '"take next" by the gold agent at /api/messages (accepts the most urgent waiting case, then shows it; 200 once the reply is sent)', measured: app },
        { what: 'echo ActivityHandler behind the same restify server, adapter and route', kind: 'echo', measured: echo },
        `both paced at ${CHAT_TURNS_PER_SECOND} turns/s (the API's per-IP limit on /api/messages), so compare latencies, not rates; ${opened} cases were opened for it${nothing > 0 ? `; ${nothing} turns took no case; the bot said: ${[...instead].map((text) => JSON.stringify(text)).join(', ')}` : ''}`,
      ),
    );
  }
}
