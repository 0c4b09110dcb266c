import { Button, Card, Field, Input, makeStyles, Spinner, Text, Textarea, tokens } from '@fluentui/react-components';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useRef, useState, type FormEvent } from 'react';
import { StatusBadge } from '../../components/Badges';
import { ProblemBar } from '../../components/ProblemBar';
import { api, idempotencyKey, unwrap, type Me } from '../../lib/api-client';
import { localTime, relativeTime } from '../../lib/format';
import { Link, navigate } from '../../lib/router';
import { ArticleSuggestions } from './ArticleSuggestions';
import { EntitlementsCard } from './EntitlementsCard';

const useStyles = makeStyles({
  layout: { display: 'grid', gridTemplateColumns: 'minmax(0, 3fr) minmax(260px, 2fr)', gap: '16px', '@media (max-width: 800px)': { gridTemplateColumns: 'minmax(0, 1fr)' } },
  title: { fontSize: tokens.fontSizeBase600, fontWeight: tokens.fontWeightSemibold, margin: '8px 0 16px' },
  h2: { margin: '0 0 8px', fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '8px' },
  item: { padding: '12px 16px', display: 'flex', flexDirection: 'column', gap: '4px' },
  row: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
  form: { display: 'flex', flexDirection: 'column', gap: '12px', padding: '16px' },
});

/** Whose case it is, when it is not the signed-in contact's own: the account's cases show too. */
function whose(customer: { type: 'contact' | 'account'; id: string }, me: Me): string | null {
  if (customer.type === 'account') return 'For your company';
  return customer.id === me.contactId ? null : 'Opened by a colleague';
}

/** The customer's cases (their own and their account's), newest first, and a form to open a new one. */
export function PortalHome({ me }: { me: Me }) {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const cases = useQuery({ queryKey: ['cases', 'mine'], queryFn: async () => unwrap(await api.GET('/cases', { params: { query: { sort: '-createdAt', limit: 50 } } })), refetchInterval: 20_000 });
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const key = useRef<string | null>(null);
  const open = useMutation({
    mutationFn: async () => {
      key.current ??= idempotencyKey();
      return unwrap(await api.POST('/cases', { params: { header: { 'Idempotency-Key': key.current } }, body: { title: title.trim(), description: description.trim(), channel: 'web' } }));
    },
    onSuccess: async (opened) => {
      key.current = null;
      setTitle('');
      setDescription('');
      await queryClient.invalidateQueries({ queryKey: ['cases'] });
      navigate(`/portal/cases/${opened.caseNumber}`);
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    open.mutate();
  };
  return (
    <>
      <h1 className={styles.title}>My cases</h1>
      <EntitlementsCard />
      <div className={styles.layout}>
        <section aria-label="My cases">
          <ProblemBar error={cases.error} />
          {cases.isPending && <Spinner label="Loading your cases…" />}
          {cases.data && cases.data.items.length === 0 && <Text>You have no cases yet. Tell us what is wrong and we will help.</Text>}
          <ul className={styles.list}>
            {(cases.data?.items ?? []).map((c) => (
              <li key={c.caseNumber}>
                <Card className={styles.item}>
                  <div className={styles.row}>
                    <Link to={`/portal/cases/${c.caseNumber}`}>
                      {c.caseNumber}: {c.title}
                    </Link>
                    <StatusBadge status={c.status} />
                    {whose(c.customer, me) && (
                      <Text size={200} className={styles.muted}>
                        {whose(c.customer, me)}
                      </Text>
                    )}
                  </div>
                  <Text size={200} className={styles.muted}>
                    Opened {relativeTime(c.createdAt)} ({localTime(c.createdAt)}){c.resolvedAt ? ` · resolved ${relativeTime(c.resolvedAt)}` : ''}
                  </Text>
                </Card>
              </li>
            ))}
          </ul>
        </section>
        <Card>
          <form className={styles.form} onSubmit={submit} aria-labelledby="new-case-title">
            <h2 id="new-case-title" className={styles.h2}>
              Open a new case
            </h2>
            <Field label="What is the problem?" required hint="A short title, e.g. “Printer offline since this morning”">
              <Input value={title} onChange={(_, d) => setTitle(d.value)} maxLength={200} />
            </Field>
            <Field label="Details">
              <Textarea value={description} onChange={(_, d) => setDescription(d.value)} rows={4} resize="vertical" placeholder="What happened, since when, what you tried" />
            </Field>
            <ArticleSuggestions text={`${title} ${description.slice(0, 200)}`} />
            <ProblemBar error={open.error} />
            <Button appearance="primary" type="submit" disabled={title.trim().length < 3 || open.isPending}>
              {open.isPending ? 'Opening…' : 'Open case'}
            </Button>
          </form>
        </Card>
      </div>
    </>
  );
}
