import type { Connector } from './connector';

/**
 * Bot turns are offered at this rate: /api/messages has no signed-in user, so the API's rate
 * limiter gives it one bucket per client IP (20/s, burst 50), and every turn here comes from 127.0.0.1.
 */
export const CHAT_TURNS_PER_SECOND = 15;

export interface ChatTurn {
  /** How long /api/messages took to answer 200 (the bot's replies are sent within the turn). */
  readonly ms: number;
  /** The text of the bot's last reply to this turn ('' if none). */
  readonly reply: string;
}

/**
 * Sends messages to a bot's /api/messages as a Bot Framework channel would, from a user in a
 * conversation, paced to CHAT_TURNS_PER_SECOND over all callers; replies go to the loopback Connector.
 */
export function createChatTurns(connector: Connector, prefix: string): (botUrl: string, conversationId: string, user: { id: string; name: string }, text: string) => Promise<ChatTurn> {
  let sequence = 0;
  let nextTurnAt = 0;
  const paced = async (): Promise<void> => {
    const now = performance.now();
    const at = Math.max(now, nextTurnAt);
    nextTurnAt = at + 1_000 / CHAT_TURNS_PER_SECOND;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  };
  return async (botUrl, conversationId, user, text) => {
    await paced();
    const id = `${prefix}-${(sequence += 1)}`;
    const started = performance.now();
    const response = await fetch(`${botUrl}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'message',
        id,
        timestamp: new Date().toISOString(),
        channelId: 'emulator',
        serviceUrl: connector.url,
        from: { ...user, role: 'user' },
        conversation: { id: conversationId },
        recipient: { id: 'caseflow-bot', name: 'caseflow', role: 'bot' },
        locale: 'en-US',
        text,
      }),
    });
    if (response.status !== 200) throw new Error(`a chat turn (${text}): ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
    return { ms: performance.now() - started, reply: connector.replyTo(id) };
  };
}
