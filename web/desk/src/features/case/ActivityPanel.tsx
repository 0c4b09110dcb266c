import { Button, Checkbox, Dropdown, Field, Input, makeStyles, Option, Text, tokens } from '@fluentui/react-components';
import { useState, type FormEvent } from 'react';
import { ProblemBar } from '../../components/ProblemBar';
import { api } from '../../lib/api-client';
import { activityWords, localTime, relativeTime } from '../../lib/format';
import { actionParams, useCaseAction, type CaseState } from './case.api';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: '8px' },
  row: { display: 'flex', gap: '8px', flexWrap: 'wrap', alignItems: 'end' },
  grow: { flexGrow: 1, minWidth: '180px' },
  minutes: { width: '110px', flexShrink: 0 },
  minutesInput: { width: '100%', minWidth: 0 },
  heading: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  open: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '6px' },
  openItem: { display: 'flex', gap: '8px', flexWrap: 'wrap', alignItems: 'end', padding: '6px 8px', borderRadius: tokens.borderRadiusMedium, backgroundColor: tokens.colorPaletteYellowBackground1 },
  openText: { flexGrow: 1, minWidth: '160px', display: 'flex', flexDirection: 'column' },
});

const TYPES = ['phone_call', 'email', 'task', 'appointment', 'note'] as const;
type ActivityType = (typeof TYPES)[number];
type Direction = 'inbound' | 'outbound' | '';

interface NewActivity {
  type: ActivityType;
  subject: string;
  body: string;
  minutesSpent: number;
  direction: 'inbound' | 'outbound' | null;
  open: boolean;
  dueAt: string | null;
}

const minutesOf = (text: string): number => (/^\d{1,4}$/.test(text.trim()) ? Number(text.trim()) : NaN);

/** Completes one open activity, with the minutes it took. */
function OpenActivity({ caseNumber: n, activity }: { caseNumber: string; activity: NonNullable<CaseState['openActivities']>[number] }) {
  const styles = useStyles();
  const [minutes, setMinutes] = useState(activity.minutesSpent ? String(activity.minutesSpent) : '');
  const complete = useCaseAction(n, (key, minutesSpent: number | undefined) =>
    api.POST('/cases/{caseNumber}/activities/{activityId}/complete', {
      params: { path: { caseNumber: n, activityId: activity.id }, header: { 'Idempotency-Key': key } },
      body: minutesSpent === undefined ? {} : { minutesSpent },
    }),
  );
  const value = minutesOf(minutes);
  const invalid = minutes.trim() !== '' && (Number.isNaN(value) || value > 1440);
  return (
    <li>
      <div className={styles.openItem}>
        <span className={styles.openText}>
          <Text weight="semibold">{activity.subject}</Text>
          <Text size={200}>
            {activityWords(activity.type)}
            {activity.dueAt ? ` · due ${relativeTime(activity.dueAt)} (${localTime(activity.dueAt)})` : ''}
          </Text>
        </span>
        <Field label="Minutes" validationMessage={invalid ? '0 to 1440' : undefined} className={styles.minutes}>
          <Input className={styles.minutesInput} value={minutes} onChange={(_, d) => setMinutes(d.value)} inputMode="numeric" aria-label={`Minutes spent on ${activity.subject}`} />
        </Field>
        <Button onClick={() => complete.mutate(minutes.trim() === '' ? undefined : value)} disabled={invalid || complete.isPending} aria-label={`Complete ${activity.subject}`}>
          Complete
        </Button>
      </div>
      <ProblemBar error={complete.error} />
    </li>
  );
}

/** Activities: log a phone call, email, task, appointment or note with the minutes spent (or still to do), and complete the open ones. */
export function ActivityPanel({ caseNumber: n, state }: { caseNumber: string; state: CaseState | undefined }) {
  const styles = useStyles();
  const [type, setType] = useState<ActivityType>('phone_call');
  const [subject, setSubject] = useState('');
  const [body, setBody] = useState('');
  const [minutes, setMinutes] = useState('');
  const [direction, setDirection] = useState<Direction>('');
  const [open, setOpen] = useState(false);
  const [dueAt, setDueAt] = useState('');
  const log = useCaseAction(n, (key, vars: NewActivity) => api.POST('/cases/{caseNumber}/activities', { params: actionParams(n, key), body: vars }));
  const value = minutes.trim() === '' ? 0 : minutesOf(minutes);
  const invalidMinutes = Number.isNaN(value) || value > 1440;
  const reset = () => {
    setSubject('');
    setBody('');
    setMinutes('');
    setOpen(false);
    setDueAt('');
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    log.mutate(
      { type, subject: subject.trim(), body, minutesSpent: value, direction: type === 'phone_call' || type === 'email' ? direction || null : null, open, dueAt: open && dueAt ? new Date(dueAt).toISOString() : null },
      { onSuccess: reset },
    );
  };
  const openItems = state?.openActivities ?? [];
  return (
    <>
      {openItems.length > 0 && (
        <section className={styles.form} aria-labelledby="open-activities">
          <h2 id="open-activities" className={styles.heading}>
            Open activities ({openItems.length})
          </h2>
          <Text size={200}>The case can be resolved once these are complete.</Text>
          <ul className={styles.open}>
            {openItems.map((a) => (
              <OpenActivity key={a.id} caseNumber={n} activity={a} />
            ))}
          </ul>
        </section>
      )}
      <form className={styles.form} onSubmit={submit} aria-labelledby="log-activity">
        <h2 id="log-activity" className={styles.heading}>
          Log an activity
        </h2>
        <div className={styles.row}>
          <Field label="Type">
            <Dropdown value={activityWords(type)} selectedOptions={[type]} onOptionSelect={(_, d) => setType(d.optionValue as ActivityType)}>
              {TYPES.map((t) => (
                <Option key={t} value={t}>
                  {activityWords(t)}
                </Option>
              ))}
            </Dropdown>
          </Field>
          {(type === 'phone_call' || type === 'email') && (
            <Field label="Direction">
              <Dropdown value={direction === 'inbound' ? 'From the customer' : direction === 'outbound' ? 'To the customer' : 'Not said'} selectedOptions={[direction]} onOptionSelect={(_, d) => setDirection((d.optionValue ?? '') as Direction)}>
                <Option value="">Not said</Option>
                <Option value="outbound">To the customer</Option>
                <Option value="inbound">From the customer</Option>
              </Dropdown>
            </Field>
          )}
          <Field label="Minutes spent" validationMessage={invalidMinutes ? 'A whole number from 0 to 1440' : undefined} className={styles.minutes}>
            <Input className={styles.minutesInput} value={minutes} onChange={(_, d) => setMinutes(d.value)} inputMode="numeric" placeholder="0" />
          </Field>
        </div>
        <Field label="Summary" className={styles.grow}>
          <Input value={subject} onChange={(_, d) => setSubject(d.value)} placeholder="e.g. Called the customer about the scanner" />
        </Field>
        <Field label="Details of the activity">
          <Input value={body} onChange={(_, d) => setBody(d.value)} />
        </Field>
        <div className={styles.row}>
          <Checkbox checked={open} onChange={(_, d) => setOpen(d.checked === true)} label="Still to do (stays open until completed)" />
          {open && (
            <Field label="Due">
              <Input type="datetime-local" value={dueAt} onChange={(_, d) => setDueAt(d.value)} />
            </Field>
          )}
          <Button type="submit" disabled={!subject.trim() || invalidMinutes || log.isPending}>
            Log activity
          </Button>
        </div>
        <ProblemBar error={log.error} />
      </form>
    </>
  );
}
