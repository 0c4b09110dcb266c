import { Button, Card, Field, makeStyles, Spinner, Text, Textarea, tokens } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import { StatusBadge } from '../../components/Badges';
import { ProblemBar } from '../../components/ProblemBar';
import { api } from '../../lib/api-client';
import { localTime, relativeTime } from '../../lib/format';
import { Link } from '../../lib/router';
import { ArticlesCard } from '../case/ArticlesCard';
import { actionParams, useCase, useCaseAction, useCaseActivities, useCaseEvents, useCaseState } from '../case/case.api';
import { useCaseStyles } from '../case/CasePage';
import { Timeline } from '../case/Timeline';
import { CancelCase, ReopenCase } from './PortalCaseChoices';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: '8px', padding: '16px' },
  muted: { color: tokens.colorNeutralForeground3 },
});

const OPEN = ['active', 'on_hold', 'waiting_for_customer'];

/** The customer's view of one case: where it stands, what support said, and a place to add information. */
export function PortalCasePage({ caseNumber }: { caseNumber: string }) {
  const styles = { ...useCaseStyles(), ...useStyles() };
  const record = useCase(caseNumber);
  const state = useCaseState(caseNumber);
  const activities = useCaseActivities(caseNumber);
  useCaseEvents(caseNumber);
  const [text, setText] = useState('');
  const addInformation = useCaseAction(caseNumber, (key, note: string) => api.POST('/cases/{caseNumber}/notes', { params: actionParams(caseNumber, key), body: { text: note } }));
  if (record.error) return <ProblemBar error={record.error} />;
  if (!record.data) return <Spinner label={`Loading ${caseNumber}…`} />;
  const c = record.data;
  const open = OPEN.includes(c.status);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    addInformation.mutate(text.trim(), { onSuccess: () => setText('') });
  };
  return (
    <>
      <Link to="/portal" className={styles.back}>
        ← My cases
      </Link>
      <div className={styles.header}>
        <span className={styles.number}>{c.caseNumber}</span>
        <h1 className={styles.title}>{c.title}</h1>
        <div className={styles.badges}>
          <StatusBadge status={c.status} />
        </div>
        <Text className={styles.muted}>
          Opened {relativeTime(c.createdAt)} ({localTime(c.createdAt)})
          {open && c.firstRespondedAt === null && c.firstResponseBy ? ` · we will answer ${relativeTime(c.firstResponseBy)}` : ''}
          {c.resolvedAt ? ` · resolved ${relativeTime(c.resolvedAt)}` : ''}
        </Text>
      </div>
      <div className={styles.layout}>
        <section className={styles.column} aria-labelledby="timeline-title">
          <h2 id="timeline-title" className={styles.h2}>
            Conversation
          </h2>
          {c.description && (
            <Card className={styles.card}>
              <Text weight="semibold">You wrote when opening the case</Text>
              <p className={styles.description}>{c.description}</p>
            </Card>
          )}
          <ProblemBar error={activities.error} />
          {activities.data ? <Timeline items={activities.data} forCustomer /> : <Spinner size="small" />}
        </section>
        <div className={styles.column}>
          <ArticlesCard state={state.data} forCustomer />
          {open ? (
            <Card>
              <form className={styles.form} onSubmit={submit}>
                <Field label="Add information" hint="Support sees it at once; a case waiting for you goes back to them.">
                  <Textarea value={text} onChange={(_, d) => setText(d.value)} rows={4} resize="vertical" />
                </Field>
                <ProblemBar error={addInformation.error} />
                <Button appearance="primary" type="submit" disabled={!text.trim() || addInformation.isPending}>
                  {addInformation.isPending ? 'Sending…' : 'Send'}
                </Button>
              </form>
            </Card>
          ) : (
            <ReopenCase caseNumber={c.caseNumber} status={c.status} />
          )}
          {open && <CancelCase caseNumber={c.caseNumber} />}
        </div>
      </div>
    </>
  );
}
