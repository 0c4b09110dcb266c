import { ComponentDialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { ReplyText } from '../help-texts';
import { matchIntent } from '../intents';
import { reply } from '../replies';

/** What a dialog says when the user interrupts it. */
export interface Interruptions {
  /** After "cancel", "stop", "never mind" (without a case number): the dialog has ended. */
  readonly cancelled: ReplyText;
  /** After "help": then the current question is asked again. */
  readonly help: string;
}

/**
 * A dialog the user can leave or ask about at any question (as in the Bot Framework core-bot
 * sample): "cancel" ends it, "help" explains and asks the question again; anything else is the
 * answer. "cancel CAS-01000" is an answer too: it names a case, so it is not about the dialog.
 */
export abstract class CancelAndHelpDialog extends ComponentDialog {
  protected constructor(
    dialogId: string,
    private readonly interruptions: Interruptions,
  ) {
    super(dialogId);
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    return (await this.interrupt(innerDc)) ?? super.onContinueDialog(innerDc);
  }

  private async interrupt(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    const text: unknown = innerDc.context.activity.text;
    if (typeof text !== 'string') return undefined;
    const match = matchIntent(text);
    if (match.intent === 'cancelCase' && !match.entities.caseNumber) {
      const cancelled = await innerDc.cancelAllDialogs();
      await reply(innerDc.context, this.interruptions.cancelled.text, this.interruptions.cancelled.suggestions);
      return cancelled;
    }
    if (match.intent === 'help') {
      await reply(innerDc.context, this.interruptions.help);
      await innerDc.repromptDialog();
      return { status: DialogTurnStatus.waiting };
    }
    return undefined;
  }
}
