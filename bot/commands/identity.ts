import type { TurnContext } from 'botbuilder';
import type { Actor } from '../../domain/actor';
import { helpSuggestions } from '../help-texts';
import type { Identity, IdentitySource, IdentityState } from '../identity';
import type { Intent, IntentMatch } from '../intents';
import { reply } from '../replies';

/** Who is chatting: asking, linking this chat to an account (link codes, the demo link), unlinking. Run before anyone is known. */

/** What an identity command runs with: the turn, who is chatting if known and how, and the chat user's identity state. */
export interface IdentityCommandContext {
  readonly turn: TurnContext;
  readonly actor: Actor | undefined;
  readonly source: IdentitySource;
  readonly identity: Identity;
  readonly state: IdentityState;
  /** Binds the conversation to a user just linked, for proactive messages. */
  readonly onUserLinked?: (turn: TurnContext, userId: string) => Promise<void>;
}

export type IdentityCommandHandler = (ctx: IdentityCommandContext, match: IntentMatch) => Promise<void>;

const whoAmI: IdentityCommandHandler = async ({ turn, actor, source }) =>
  reply(turn, actor ? `You are ${actor.displayName} (${actor.role}), ${source === 'signed-in' ? 'signed in on the chat page' : 'linked in this chat'}.` : 'I don\'t know you yet. Type "link" and your link code (for example "link K7Q2M9XW"), or just describe your problem.');

const link: IdentityCommandHandler = async ({ turn, actor, source, identity, state, onUserLinked }, { entities }) => {
  if (source === 'signed-in') return reply(turn, `You are already signed in as ${actor?.displayName ?? 'yourself'}.`);
  const result = await identity.link(entities.code ?? '', state);
  if (result.ok) await onUserLinked?.(turn, result.actor.userId);
  return reply(
    turn,
    result.ok ? `Linked: you are ${result.actor.displayName} (${result.actor.role}).${result.how === 'username' ? ' (demo link by username — development mode only)' : ''}` : result.reason,
    result.ok ? helpSuggestions(result.actor) : [],
  );
};

const linkCode: IdentityCommandHandler = async ({ turn, actor, source, identity }) => {
  if (!actor || source !== 'signed-in') return reply(turn, 'Link codes are given to signed-in users: sign in on the chat page and type "link code" there.');
  const code = await identity.issueLinkCode(actor);
  return reply(turn, `Your one-time link code is **${code}** (valid 10 minutes). In the other chat, type "link ${code}".`);
};

const unlink: IdentityCommandHandler = async ({ turn, source, identity, state }) => {
  identity.unlink(state);
  return reply(turn, source === 'signed-in' ? 'You are signed in on the chat page; sign out there.' : 'This chat is no longer linked to your account.');
};

export const identityCommands: Partial<Record<Intent, IdentityCommandHandler>> = { whoAmI, link, linkCode, unlink };
