import { Button, Dropdown, Field, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Option, Text, Textarea, tokens } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import { ProblemBar } from '../../components/ProblemBar';
import { api } from '../../lib/api-client';
import { ActivityPanel } from './ActivityPanel';
import { actionParams, useCaseAction, type CaseRecord, type CaseState } from './case.api';
import type { CasePermissions } from './case-permissions';
import { DetailsForm } from './DetailsForm';
import { KnowledgePanel } from './KnowledgePanel';
import { WorkflowActions } from './WorkflowActions';

const useStyles = makeStyles({
  panel: { display: 'flex', flexDirection: 'column', gap: '16px' },
  form: { display: 'flex', flexDirection: 'column', gap: '8px' },
  row: { display: 'flex', gap: '8px', flexWrap: 'wrap', alignItems: 'center' },
  heading: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
});

const RESOLUTION_TYPES = [
  ['problem_solved', 'Problem solved'],
  ['information_provided', 'Information provided'],
  ['workaround', 'Workaround'],
] as const;
type ResolutionType = (typeof RESOLUTION_TYPES)[number][0];

/**
 * What the agent can do next: accept; reply, note, log and complete activities, tick steps, advance,
 * resolve. Only what `can` allows is shown; refusals come back with the workflow's reasons.
 */
export function CaseActions({ record, state, can }: { record: CaseRecord; state: CaseState | undefined; can: CasePermissions }) {
  const styles = useStyles();
  const n = record.caseNumber;
  const [reply, setReply] = useState('');
  const [note, setNote] = useState('');
  const [resolution, setResolution] = useState('');
  const [resolutionType, setResolutionType] = useState<ResolutionType>('problem_solved');

  const accept = useCaseAction(n, (key) => api.POST('/cases/{caseNumber}/accept', { params: actionParams(n, key), body: {} }));
  const sendReply = useCaseAction(n, (key, text: string) => api.POST('/cases/{caseNumber}/replies', { params: actionParams(n, key), body: { text } }));
  const addNote = useCaseAction(n, (key, text: string) =>
    api.POST('/cases/{caseNumber}/activities', { params: actionParams(n, key), body: { type: 'note', subject: text.split('\n')[0]!.slice(0, 200), body: text, minutesSpent: 0 } }),
  );
  // Only the steps an agent ticks (completion 'agent') can be completed by hand; the others follow from the case.
  const completeStep = useCaseAction(n, (key, stepId: 'customer_confirmed') =>
    api.POST('/cases/{caseNumber}/steps/{stepId}/complete', { params: { path: { caseNumber: n, stepId }, header: { 'Idempotency-Key': key } }, body: {} }),
  );
  const advance = useCaseAction(n, (key) => api.POST('/cases/{caseNumber}/stage/advance', { params: actionParams(n, key), body: {} }));
  const resolve = useCaseAction(n, (key, vars: { resolutionText: string; resolutionType: ResolutionType }) => api.POST('/cases/{caseNumber}/resolve', { params: actionParams(n, key), body: vars }));

  const status = state?.status ?? record.status;
  const open = ['active', 'on_hold', 'waiting_for_customer'].includes(status);
  const owner = state?.ownerUserId ?? record.ownerUserId;
  const openActivities = state?.openActivities ?? [];
  const current = state?.stages?.find((s) => s.current);
  const tickable = (current?.steps ?? []).filter((s) => s.completion === 'agent' && !s.done);
  const submit = (event: FormEvent, run: () => void) => {
    event.preventDefault();
    run();
  };

  if (!open) return null;
  return (
    <section className={styles.panel} aria-label="Actions">
      {!owner && (
        <div className={styles.form}>
          <h2 className={styles.heading}>This case is waiting in its queue</h2>
          {can.accept ? (
            <div className={styles.row}>
              <Button appearance="primary" onClick={() => accept.mutate(undefined)} disabled={accept.isPending}>
                {accept.isPending ? 'Accepting…' : 'Accept case'}
              </Button>
            </div>
          ) : (
            <Text>{can.assign ? 'Assign it to someone under Manage case.' : 'Only members of its queue can accept it.'}</Text>
          )}
          <ProblemBar error={accept.error} />
        </div>
      )}
      {can.work && (
        <>
          <form className={styles.form} onSubmit={(e) => submit(e, () => sendReply.mutate(reply.trim(), { onSuccess: () => setReply('') }))}>
            <Field label="Reply to the customer">
              <Textarea value={reply} onChange={(_, d) => setReply(d.value)} resize="vertical" rows={3} placeholder="The customer gets this by email and in chat" />
            </Field>
            <div className={styles.row}>
              <Button appearance="primary" type="submit" disabled={!reply.trim() || sendReply.isPending}>
                {sendReply.isPending ? 'Sending…' : 'Send reply'}
              </Button>
            </div>
            <ProblemBar error={sendReply.error} />
          </form>
          <form className={styles.form} onSubmit={(e) => submit(e, () => addNote.mutate(note.trim(), { onSuccess: () => setNote('') }))}>
            <Field label="Internal note" hint="Only the team sees it">
              <Textarea value={note} onChange={(_, d) => setNote(d.value)} resize="vertical" rows={2} />
            </Field>
            <div className={styles.row}>
              <Button type="submit" disabled={!note.trim() || addNote.isPending}>
                Add note
              </Button>
            </div>
            <ProblemBar error={addNote.error} />
          </form>
          <div className={styles.form}>
            <h2 className={styles.heading}>Process: {current?.label ?? 'stage'}</h2>
            {state?.stage === 'identify' && <DetailsForm record={record} />}
            <div className={styles.row}>
              {tickable.map((step) => (
                <Button key={step.id} onClick={() => completeStep.mutate(step.id as 'customer_confirmed')} disabled={completeStep.isPending}>
                  Mark done: {step.label}
                </Button>
              ))}
              {state?.stage !== 'resolve' && (
                <Button onClick={() => advance.mutate(undefined)} disabled={advance.isPending}>
                  Advance to the next stage
                </Button>
              )}
            </div>
            <ProblemBar error={completeStep.error ?? advance.error} />
          </div>
          <ActivityPanel caseNumber={n} state={state} />
          <form className={styles.form} onSubmit={(e) => submit(e, () => resolve.mutate({ resolutionText: resolution.trim(), resolutionType }))}>
            <h2 className={styles.heading}>Resolve</h2>
            {openActivities.length > 0 && (
              <MessageBar intent="warning">
                <MessageBarBody>
                  <MessageBarTitle>Complete the open activities first</MessageBarTitle>
                  {openActivities.map((a) => `“${a.subject}”`).join(', ')}
                </MessageBarBody>
              </MessageBar>
            )}
            <Field label="Resolution">
              <Textarea value={resolution} onChange={(_, d) => setResolution(d.value)} resize="vertical" rows={2} placeholder="What fixed it" />
            </Field>
            <div className={styles.row}>
              <Field label="Resolution type">
                <Dropdown value={RESOLUTION_TYPES.find(([v]) => v === resolutionType)?.[1] ?? ''} selectedOptions={[resolutionType]} onOptionSelect={(_, d) => setResolutionType(d.optionValue as ResolutionType)}>
                  {RESOLUTION_TYPES.map(([value, label]) => (
                    <Option key={value} value={value}>
                      {label}
                    </Option>
                  ))}
                </Dropdown>
              </Field>
              <Button type="submit" appearance="primary" disabled={!resolution.trim() || resolve.isPending} style={{ alignSelf: 'end' }}>
                Resolve case
              </Button>
            </div>
            <ProblemBar error={resolve.error} />
          </form>
          <WorkflowActions caseNumber={n} status={status} queueId={record.queueId} />
          <KnowledgePanel caseNumber={n} />
        </>
      )}
      {owner && !can.work && <p>Another agent works this case.</p>}
    </section>
  );
}
