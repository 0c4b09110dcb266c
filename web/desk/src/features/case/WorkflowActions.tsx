import { Button, Dropdown, Field, Input, makeStyles, Option, tokens } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import { ProblemBar } from '../../components/ProblemBar';
import { api } from '../../lib/api-client';
import { statusWords } from '../../lib/format';
import { useQueues } from '../inbox/inbox.api';
import { actionParams, useCaseAction } from './case.api';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: '8px' },
  row: { display: 'flex', gap: '8px', flexWrap: 'wrap', alignItems: 'end' },
  heading: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
});

type HoldStatus = 'on_hold' | 'waiting_for_customer';

/** Hold (or wait for the customer) and resume; transfer to another queue. */
export function WorkflowActions({ caseNumber: n, status, queueId: currentQueueId }: { caseNumber: string; status: string; queueId: string | null }) {
  const styles = useStyles();
  const queues = useQueues();
  const [holdStatus, setHoldStatus] = useState<HoldStatus>('waiting_for_customer');
  const [reason, setReason] = useState('');
  const [queueId, setQueueId] = useState('');
  const hold = useCaseAction(n, (key, vars: { status: HoldStatus; reason: string }) => api.POST('/cases/{caseNumber}/hold', { params: actionParams(n, key), body: vars }));
  const resume = useCaseAction(n, (key) => api.POST('/cases/{caseNumber}/resume', { params: actionParams(n, key), body: {} }));
  const transfer = useCaseAction(n, (key, target: string) => api.POST('/cases/{caseNumber}/transfer', { params: actionParams(n, key), body: { queueId: target } }));
  const others = (queues.data?.items ?? []).filter((q) => q.id !== currentQueueId);
  const onHold = status === 'on_hold' || status === 'waiting_for_customer';
  const submitHold = (event: FormEvent) => {
    event.preventDefault();
    hold.mutate({ status: holdStatus, reason: reason.trim() }, { onSuccess: () => setReason('') });
  };
  return (
    <>
      {onHold ? (
        <div className={styles.form}>
          <h2 className={styles.heading}>{statusWords(status)}</h2>
          <div className={styles.row}>
            <Button onClick={() => resume.mutate(undefined)} disabled={resume.isPending}>
              Resume work
            </Button>
          </div>
          <ProblemBar error={resume.error} />
        </div>
      ) : (
        <form className={styles.form} onSubmit={submitHold}>
          <h2 className={styles.heading}>Pause</h2>
          <div className={styles.row}>
            <Field label="Status">
              <Dropdown value={statusWords(holdStatus)} selectedOptions={[holdStatus]} onOptionSelect={(_, d) => setHoldStatus(d.optionValue as HoldStatus)}>
                <Option value="waiting_for_customer">{statusWords('waiting_for_customer')}</Option>
                <Option value="on_hold">{statusWords('on_hold')}</Option>
              </Dropdown>
            </Field>
            <Field label="Reason">
              <Input value={reason} onChange={(_, d) => setReason(d.value)} placeholder="e.g. asked for the serial number" />
            </Field>
            <Button type="submit" disabled={!reason.trim() || hold.isPending}>
              Pause case
            </Button>
          </div>
          <ProblemBar error={hold.error} />
        </form>
      )}
      <form
        className={styles.form}
        onSubmit={(e) => {
          e.preventDefault();
          transfer.mutate(queueId, { onSuccess: () => setQueueId('') });
        }}
      >
        <h2 className={styles.heading}>Transfer</h2>
        <div className={styles.row}>
          <Field label="To queue">
            <Dropdown value={others.find((q) => q.id === queueId)?.name ?? ''} placeholder="Choose a queue" selectedOptions={[queueId]} onOptionSelect={(_, d) => setQueueId(d.optionValue ?? '')}>
              {others.map((q) => (
                <Option key={q.id} value={q.id}>
                  {q.name}
                </Option>
              ))}
            </Dropdown>
          </Field>
          <Button type="submit" disabled={!queueId || transfer.isPending}>
            Transfer case
          </Button>
        </div>
        <ProblemBar error={transfer.error} />
      </form>
    </>
  );
}
