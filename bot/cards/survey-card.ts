import type { Attachment } from 'botbuilder';
import { card, submit, text } from './adaptive-card';

/** The satisfaction survey: 1–5 stars and a comment. */
export function surveyCard(caseNumber: string, title: string): Attachment {
  return card(
    [
      text(`How did we do on ${caseNumber} · ${title}?`, { weight: 'Bolder' }),
      {
        type: 'Input.ChoiceSet',
        id: 'rating',
        label: 'Your rating',
        style: 'expanded',
        // Web Chat refuses to render a required input without a label and an error message.
        isRequired: true,
        errorMessage: 'Please pick 1 to 5 stars.',
        choices: [5, 4, 3, 2, 1].map((n) => ({ title: `${'★'.repeat(n)}${'☆'.repeat(5 - n)} ${n}`, value: String(n) })),
      },
      { type: 'Input.Text', id: 'comment', placeholder: 'Anything to add? (optional)', isMultiline: true, maxLength: 2000 },
    ],
    [submit('Send', { action: 'answerSurvey', caseNumber })],
  );
}
