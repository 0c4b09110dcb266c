import { Button, Card, Dropdown, Field, Input, makeStyles, Option, Text, tokens } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import { ProblemBar } from '../../components/ProblemBar';
import { api, type Me } from '../../lib/api-client';
import { priorityWords, roleWords } from '../../lib/format';
import { useQueues } from '../inbox/inbox.api';
import { actionParams, useCaseAction, useQueueMembers, type CaseRecord } from './case.api';
import type { CasePermissions } from './case-permissions';

const useStyles = makeStyles({
  card: { padding: '16px', display: 'flex', flexDirection: 'column', gap: '14px' },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  h3: { margin: 0, fontSize: tokens.fontSizeBase300, fontWeight: tokens.fontWeightSemibold },
  form: { display: 'flex', flexDirection: 'column', gap: '6px' },
  row: { display: 'flex', gap: '8px', flexWrap: 'wrap', alignItems: 'end', '& > .fui-Field': { flexGrow: 1, minWidth: '140px' } },
});

const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
type Priority = (typeof PRIORITIES)[number];

/** Who works the case, in words: "You", the member's name, or "another agent" when the name is not known here. */
export function ownerName(ownerUserId: string | null, me: Me, members: readonly { userId: string; displayName: string }[]): string {
  if (!ownerUserId) return 'Nobody yet';
  if (ownerUserId === me.userId) return 'You';
  return members.find((m) => m.userId === ownerUserId)?.displayName ?? 'Another agent';
}

/** One action that needs a reason (reject, cancel, reopen): a text field and its button. */
function ReasonAction({ label, button, hint, run }: { label: string; button: string; hint?: string; run: ReturnType<typeof useCaseAction<string>> }) {
  const styles = useStyles();
  const [reason, setReason] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    run.mutate(reason.trim(), { onSuccess: () => setReason('') });
  };
  return (
    <form className={styles.form} onSubmit={submit}>
      <div className={styles.row}>
        <Field label={label} hint={hint}>
          <Input value={reason} onChange={(_, d) => setReason(d.value)} />
        </Field>
        <Button type="submit" disabled={!reason.trim() || run.isPending}>
          {button}
        </Button>
      </div>
      <ProblemBar error={run.error} />
    </form>
  );
}

/**
 * Managing the case: priority, who works it (assign, take back, release to the queue), reject to its
 * creator, cancel and reopen. Each control appears only for someone the workflow lets do it.
 */
export function ManageCard({ record, status, owner, priority, me, can }: { record: CaseRecord; status: string; owner: string | null; priority: string; me: Me; can: CasePermissions }) {
  const styles = useStyles();
  const n = record.caseNumber;
  const members = useQueueMembers(record.queueId, can.assign);
  const queues = useQueues(can.assign);
  const [newPriority, setNewPriority] = useState<Priority | ''>('');
  const [assignee, setAssignee] = useState('');

  const changePriority = useCaseAction(n, (key, value: Priority) => api.POST('/cases/{caseNumber}/priority', { params: actionParams(n, key), body: { priority: value } }));
  const assign = useCaseAction(n, (key, userId: string) => api.POST('/cases/{caseNumber}/assign', { params: actionParams(n, key), body: { userId } }));
  const yank = useCaseAction(n, (key) => api.POST('/cases/{caseNumber}/yank', { params: actionParams(n, key), body: {} }));
  const release = useCaseAction(n, (key, queueId: string) => api.POST('/cases/{caseNumber}/dispatch', { params: actionParams(n, key), body: { queueId } }));
  const reject = useCaseAction(n, (key, reason: string) => api.POST('/cases/{caseNumber}/reject', { params: actionParams(n, key), body: { reason } }));
  const cancel = useCaseAction(n, (key, reason: string) => api.POST('/cases/{caseNumber}/cancel', { params: actionParams(n, key), body: { reason } }));
  const reopen = useCaseAction(n, (key, reason: string) => api.POST('/cases/{caseNumber}/reopen', { params: actionParams(n, key), body: { reason } }));

  // The people who may get the case: the queue's agents and supervisors, and the signed-in manager.
  const people = [...(members.data ?? []).filter((m) => m.role !== 'customer' && m.role !== 'operator')];
  if (can.assign && !people.some((m) => m.userId === me.userId)) people.push({ userId: me.userId, username: '', displayName: me.displayName, role: me.role });
  const assignable = people.filter((m) => m.userId !== owner);
  const queueName = (queues.data?.items ?? []).find((q) => q.id === record.queueId)?.name;
  const anything = can.work || can.assign || can.yank || can.reject || can.reopen;
  if (!anything) return null;

  return (
    <Card className={styles.card} aria-labelledby="manage-title">
      <h2 id="manage-title" className={styles.h2}>
        Manage case
      </h2>
      {can.assign && (
        <Text>
          Works it: <strong>{ownerName(owner, me, people)}</strong>
          {queueName ? ` · Queue: ${queueName}` : ''}
        </Text>
      )}
      {can.work && (
        <form
          className={styles.form}
          onSubmit={(e) => {
            e.preventDefault();
            if (newPriority) changePriority.mutate(newPriority, { onSuccess: () => setNewPriority('') });
          }}
        >
          <div className={styles.row}>
            <Field label="Priority" hint={`Now ${priorityWords(priority).toLowerCase()}; the SLA deadlines are re-planned`}>
              <Dropdown value={newPriority ? priorityWords(newPriority) : ''} placeholder={priorityWords(priority)} selectedOptions={[newPriority]} onOptionSelect={(_, d) => setNewPriority((d.optionValue ?? '') as Priority | '')}>
                {PRIORITIES.filter((p) => p !== priority).map((p) => (
                  <Option key={p} value={p}>
                    {priorityWords(p)}
                  </Option>
                ))}
              </Dropdown>
            </Field>
            <Button type="submit" disabled={!newPriority || changePriority.isPending}>
              Change priority
            </Button>
          </div>
          <ProblemBar error={changePriority.error} />
        </form>
      )}
      {can.assign && (
        <form
          className={styles.form}
          onSubmit={(e) => {
            e.preventDefault();
            if (assignee) assign.mutate(assignee, { onSuccess: () => setAssignee('') });
          }}
        >
          <div className={styles.row}>
            <Field label="Assign to" hint={record.queueId ? 'The members of the case’s queue' : undefined}>
              <Dropdown
                value={assignable.find((m) => m.userId === assignee)?.displayName ?? ''}
                placeholder="Choose a person"
                selectedOptions={[assignee]}
                onOptionSelect={(_, d) => setAssignee(d.optionValue ?? '')}
              >
                {assignable.map((m) => (
                  <Option key={m.userId} value={m.userId} text={m.displayName}>
                    {m.userId === me.userId ? `${m.displayName} (you)` : `${m.displayName} · ${roleWords(m.role)}`}
                  </Option>
                ))}
              </Dropdown>
            </Field>
            <Button type="submit" appearance="primary" disabled={!assignee || assign.isPending}>
              Assign
            </Button>
          </div>
          <ProblemBar error={assign.error} />
        </form>
      )}
      {(can.yank || (can.work && owner === me.userId && record.queueId)) && (
        <div className={styles.form}>
          <div className={styles.row}>
            {can.yank && (
              <Button onClick={() => yank.mutate(undefined)} disabled={yank.isPending}>
                Take back from {ownerName(owner, me, people) === 'You' ? 'yourself' : ownerName(owner, me, people)}
              </Button>
            )}
            {can.work && owner === me.userId && record.queueId && (
              <Button onClick={() => release.mutate(record.queueId!)} disabled={release.isPending}>
                Release to the queue
              </Button>
            )}
          </div>
          <ProblemBar error={yank.error ?? release.error} />
        </div>
      )}
      {can.reject && <ReasonAction label="Why reject it" hint="Sends the case back to whoever opened it" button="Reject to its creator" run={reject} />}
      {can.work && <ReasonAction label="Why cancel it" hint="Consumes nothing of the customer’s entitlement" button="Cancel case" run={cancel} />}
      {can.reopen && <ReasonAction label="Why reopen it" hint={`The case is ${status === 'cancelled' ? 'cancelled' : 'resolved'}; reopening works within the reopen window`} button="Reopen case" run={reopen} />}
    </Card>
  );
}
