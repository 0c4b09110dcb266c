import { ActivityTypes, type Middleware, type TurnContext } from 'botbuilder';

/** How a turn ended: `failed` when the bot's logic (or a middleware after this one) threw; the adapter's onTurnError then apologises to the user. */
export type BotTurnOutcome = 'ok' | 'failed';

const KNOWN_TYPES: ReadonlySet<string> = new Set(Object.values(ActivityTypes));

/**
 * The activity type a metric may carry: one of Bot Framework's own, else `other`. A channel (or
 * anyone posting to /api/messages in development) chooses the type, so it never becomes a label as is.
 */
export function turnActivityType(type: string | undefined): string {
  return type !== undefined && KNOWN_TYPES.has(type) ? type : 'other';
}

/**
 * The adapter middleware every turn passes, whichever channel brought it (/api/messages and the
 * Direct Line endpoint both run turns through the adapter): reports each turn once it ends. Register
 * it first, so a failure in any later middleware counts too. A failure is passed on unchanged.
 */
export function createTurnCountingMiddleware(onTurn: (activityType: string, outcome: BotTurnOutcome) => void): Middleware {
  return {
    async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
      const activityType = turnActivityType(context.activity.type);
      try {
        await next();
      } catch (error) {
        onTurn(activityType, 'failed');
        throw error;
      }
      onTurn(activityType, 'ok');
    },
  };
}
