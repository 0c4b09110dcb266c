import { Button, Card, Field, makeStyles, Text, Textarea, tokens } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import { ProblemBar } from '../../components/ProblemBar';
import { api } from '../../lib/api-client';
import { actionParams, useCaseAction } from '../case/case.api';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: '8px', padding: '16px' },
  row: { display: 'flex', gap: '8px', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** What the customer can still decide about a finished case: reopen it (within the reopen window) with a reason. */
export function ReopenCase({ caseNumber, status }: { caseNumber: string; status: string }) {
  const styles = useStyles();
  const [reason, setReason] = useState('');
  const reopen = useCaseAction(caseNumber, (key, text: string) => api.POST('/cases/{caseNumber}/reopen', { params: actionParams(caseNumber, key), body: { reason: text } }));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    reopen.mutate(reason.trim(), { onSuccess: () => setReason('') });
  };
  if (status === 'closed') {
    return (
      <Card className={styles.form}>
        <Text>This case is closed. If the problem comes back, open a new case: we will see this one beside it.</Text>
      </Card>
    );
  }
  return (
    <Card>
      <form className={styles.form} onSubmit={submit} aria-labelledby="reopen-title">
        <Text id="reopen-title" weight="semibold">
          {status === 'resolved' ? 'Not solved after all?' : 'Need help with this after all?'}
        </Text>
        <Text size={200} className={styles.muted}>
          You can reopen the case for a few days after it was {status === 'resolved' ? 'resolved' : 'cancelled'}; after that it closes.
        </Text>
        <Field label="What is still wrong?" required>
          <Textarea value={reason} onChange={(_, d) => setReason(d.value)} rows={3} resize="vertical" />
        </Field>
        <ProblemBar error={reopen.error} />
        <div className={styles.row}>
          <Button appearance="primary" type="submit" disabled={!reason.trim() || reopen.isPending}>
            {reopen.isPending ? 'Reopening…' : 'Reopen the case'}
          </Button>
        </div>
      </form>
    </Card>
  );
}

/** Withdraw an open case the customer no longer needs help with (it consumes nothing). */
export function CancelCase({ caseNumber }: { caseNumber: string }) {
  const styles = useStyles();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const cancel = useCaseAction(caseNumber, (key, text: string) => api.POST('/cases/{caseNumber}/cancel', { params: actionParams(caseNumber, key), body: { reason: text } }));
  if (!asking) {
    return (
      <div>
        <Button appearance="subtle" onClick={() => setAsking(true)}>
          I no longer need help with this
        </Button>
      </div>
    );
  }
  const submit = (event: FormEvent) => {
    event.preventDefault();
    cancel.mutate(reason.trim() || 'No longer needed', { onSuccess: () => setAsking(false) });
  };
  return (
    <Card>
      <form className={styles.form} onSubmit={submit} aria-labelledby="cancel-title">
        <Text id="cancel-title" weight="semibold">
          Cancel this case?
        </Text>
        <Field label="Why (optional)">
          <Textarea value={reason} onChange={(_, d) => setReason(d.value)} rows={2} resize="vertical" placeholder="e.g. It works again" />
        </Field>
        <ProblemBar error={cancel.error} />
        <div className={styles.row}>
          <Button appearance="primary" type="submit" disabled={cancel.isPending}>
            {cancel.isPending ? 'Cancelling…' : 'Cancel the case'}
          </Button>
          <Button onClick={() => setAsking(false)}>Keep it open</Button>
        </div>
      </form>
    </Card>
  );
}
