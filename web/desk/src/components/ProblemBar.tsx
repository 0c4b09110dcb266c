import { MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { ApiProblem } from '../lib/api-client';
import { stageWords } from '../lib/format';

/** A refusal as the server explained it (problem+json): the title, the detail and what is missing. */
export function ProblemBar({ error }: { error: unknown }) {
  if (!error) return null;
  const problem = error instanceof ApiProblem ? error.problem : { title: 'Something went wrong', detail: error instanceof Error ? error.message : 'The request failed.' };
  const context = (problem as { context?: unknown }).context;
  const reasons: string[] = [];
  if (context && typeof context === 'object') {
    const c = context as Record<string, unknown>;
    if (Array.isArray(c.missingSteps)) reasons.push(`Steps still to do: ${c.missingSteps.map(String).map((s) => s.replaceAll('_', ' ')).join(', ')}`);
    if (Array.isArray(c.openActivities)) reasons.push(`Open activities: ${(c.openActivities as { subject?: string }[]).map((a) => a.subject ?? '').join(', ')}`);
    if (typeof c.stage === 'string') reasons.push(`Current stage: ${stageWords(c.stage)}`);
  }
  for (const e of ('errors' in problem && problem.errors) || []) if (e.detail) reasons.push(`${(e.pointer ?? '').replace('/body/', '')}: ${e.detail}`);
  return (
    <MessageBar intent="error" role="alert">
      <MessageBarBody>
        <MessageBarTitle>{problem.title ?? 'Not possible'}</MessageBarTitle>
        {problem.detail}
        {reasons.length > 0 && (
          <ul style={{ margin: '4px 0 0', paddingLeft: 20 }}>
            {reasons.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
        )}
      </MessageBarBody>
    </MessageBar>
  );
}
