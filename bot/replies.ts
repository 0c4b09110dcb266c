import { MessageFactory, type TurnContext } from 'botbuilder';
import type { Actor } from '../domain/actor';
import { helpSuggestions, helpText } from './help-texts';

/** A text reply, with suggested actions (buttons) when there are any. */
export async function reply(turn: TurnContext, text: string, suggestions: readonly string[] = []): Promise<void> {
  const activity = suggestions.length ? MessageFactory.suggestedActions([...suggestions], text) : MessageFactory.text(text);
  await turn.sendActivity(activity);
}

/** The help text for this user, after `prefix` (why it is shown) when given. */
export async function help(turn: TurnContext, actor: Actor | undefined, prefix?: string): Promise<void> {
  await reply(turn, `${prefix ? `${prefix}\n\n` : ''}${helpText(actor)}`, helpSuggestions(actor));
}
