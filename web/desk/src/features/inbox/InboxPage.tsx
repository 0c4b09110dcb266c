import {
  Button,
  Card,
  Dropdown,
  Field,
  makeStyles,
  Option,
  SearchBox,
  Spinner,
  Tab,
  TabList,
  Table,
  TableBody,
  TableCell,
  TableHeader,
  TableHeaderCell,
  TableRow,
  Text,
  tokens,
} from '@fluentui/react-components';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { PriorityBadge, SlaBadge, StatusBadge } from '../../components/Badges';
import { ProblemBar } from '../../components/ProblemBar';
import { api, idempotencyKey, unwrap, type Me } from '../../lib/api-client';
import { localTime, priorityWords, relativeTime, statusWords } from '../../lib/format';
import { Link, navigate } from '../../lib/router';
import { useCases, useQueues, type CaseListQuery } from './inbox.api';

const useStyles = makeStyles({
  heading: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: '12px', flexWrap: 'wrap', margin: '8px 0 16px' },
  title: { fontSize: tokens.fontSizeBase600, fontWeight: tokens.fontWeightSemibold, margin: 0 },
  queues: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))', gap: '12px', marginBottom: '16px' },
  queue: { padding: '12px' },
  queueSelected: { outline: `2px solid ${tokens.colorBrandStroke1}` },
  counts: { display: 'flex', gap: '16px', marginTop: '4px' },
  count: { display: 'flex', flexDirection: 'column' },
  number: { fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  risk: { color: tokens.colorPaletteRedForeground1 },
  filters: { display: 'flex', gap: '12px', flexWrap: 'wrap', alignItems: 'end', margin: '12px 0' },
  tableWrap: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium, boxShadow: tokens.shadow2 },
  wide: { '@media (max-width: 640px)': { display: 'none' } },
  caseTitle: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: '2px' },
  empty: { padding: '24px', textAlign: 'center', color: tokens.colorNeutralForeground3 },
});

type View = 'mine' | 'waiting' | 'open' | 'closed';
const VIEWS: Record<View, { label: string; query: (me: Me) => CaseListQuery }> = {
  mine: { label: 'My work', query: (me) => ({ ownerUserId: me.userId, status: ['active', 'on_hold', 'waiting_for_customer'] }) },
  waiting: { label: 'Waiting in my queues', query: () => ({ ownerUserId: 'none', status: ['active'] }) },
  open: { label: 'All open', query: () => ({ status: ['active', 'on_hold', 'waiting_for_customer'] }) },
  closed: { label: 'Resolved and closed', query: () => ({ status: ['resolved', 'cancelled', 'closed'] }) },
};
const SORTS = [
  ['firstResponseBy', 'First response due (soonest)'],
  ['resolveBy', 'Resolution due (soonest)'],
  ['-priority', 'Priority (highest)'],
  ['-createdAt', 'Newest'],
  ['createdAt', 'Oldest'],
] as const;
type Sort = (typeof SORTS)[number][0];
const STATUSES = ['active', 'on_hold', 'waiting_for_customer', 'resolved', 'cancelled', 'closed'] as const;
type Status = (typeof STATUSES)[number];
const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
type Priority = (typeof PRIORITIES)[number];

/** The agent's day: the queues they work with their counts, then the cases of the chosen view. */
export function InboxPage({ me }: { me: Me }) {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const [view, setView] = useState<View>('waiting');
  const [queueId, setQueueId] = useState<string | undefined>();
  const [status, setStatus] = useState<Status | undefined>();
  const [priority, setPriority] = useState<Priority | undefined>();
  const [sort, setSort] = useState<Sort>('firstResponseBy');
  const [text, setText] = useState('');
  const works = me.role !== 'operator';
  const queues = useQueues(works);
  const myQueues = (queues.data?.items ?? []).filter((q) => q.isMember || me.role !== 'agent');
  const query: CaseListQuery = { ...VIEWS[view].query(me), ...(status ? { status: [status] } : {}), ...(priority ? { priority: [priority] } : {}), ...(queueId ? { queueId } : {}), ...(text.trim() ? { q: text.trim() } : {}), sort, limit: 50 };
  const cases = useCases(query);

  /** There is no "take next" route: the most urgent waiting case of the chosen (or any of my) queues, accepted. */
  const takeNext = useMutation({
    mutationFn: async () => {
      const next = unwrap(await api.GET('/cases', { params: { query: { ownerUserId: 'none', status: ['active'], sort: 'firstResponseBy', limit: 1, ...(queueId ? { queueId } : {}) } } })).items[0];
      if (!next) throw new Error('No case is waiting in your queues.');
      unwrap(await api.POST('/cases/{caseNumber}/accept', { params: { path: { caseNumber: next.caseNumber }, header: { 'Idempotency-Key': idempotencyKey() } }, body: {} }));
      return next.caseNumber;
    },
    onSuccess: async (caseNumber) => {
      await queryClient.invalidateQueries({ queryKey: ['cases'] });
      navigate(`/cases/${caseNumber}`);
    },
  });

  return (
    <>
      <div className={styles.heading}>
        <h1 className={styles.title}>Inbox</h1>
        {works && (
          <Button appearance="primary" onClick={() => takeNext.mutate()} disabled={takeNext.isPending}>
            {takeNext.isPending ? 'Taking…' : 'Take next case'}
          </Button>
        )}
      </div>
      <ProblemBar error={takeNext.error} />
      <section aria-label="My queues" className={styles.queues}>
        {myQueues.map((q) => (
          <Card
            key={q.id}
            className={`${styles.queue} ${queueId === q.id ? styles.queueSelected : ''}`}
            onClick={() => setQueueId(queueId === q.id ? undefined : q.id)}
            aria-pressed={queueId === q.id}
            role="button"
            tabIndex={0}
            onKeyDown={(e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                setQueueId(queueId === q.id ? undefined : q.id);
              }
            }}
          >
            <Text weight="semibold">{q.name}</Text>
            {q.counts && (
              <div className={styles.counts}>
                <span className={styles.count}>
                  <span className={styles.number}>{q.counts.waiting}</span>
                  <Text size={200}>waiting</Text>
                </span>
                <span className={styles.count}>
                  <span className={styles.number}>{q.counts.inProgress}</span>
                  <Text size={200}>in progress</Text>
                </span>
                <span className={`${styles.count} ${q.counts.slaAtRisk > 0 ? styles.risk : ''}`}>
                  <span className={styles.number}>{q.counts.slaAtRisk}</span>
                  <Text size={200}>SLA at risk</Text>
                </span>
              </div>
            )}
          </Card>
        ))}
      </section>
      <TabList selectedValue={view} onTabSelect={(_, d) => setView(d.value as View)} aria-label="Which cases">
        {(Object.keys(VIEWS) as View[]).map((v) => (
          <Tab key={v} value={v}>
            {VIEWS[v].label}
          </Tab>
        ))}
      </TabList>
      <div className={styles.filters}>
        <Field label="Search titles">
          <SearchBox value={text} onChange={(_, d) => setText(d.value)} placeholder="e.g. printer" />
        </Field>
        <Field label="Queue">
          <Dropdown value={myQueues.find((q) => q.id === queueId)?.name ?? 'All my queues'} selectedOptions={[queueId ?? '']} onOptionSelect={(_, d) => setQueueId(d.optionValue || undefined)}>
            <Option value="">All my queues</Option>
            {myQueues.map((q) => (
              <Option key={q.id} value={q.id}>
                {q.name}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label="Status">
          <Dropdown value={status ? statusWords(status) : 'Any in this view'} selectedOptions={[status ?? '']} onOptionSelect={(_, d) => setStatus((d.optionValue || undefined) as Status | undefined)}>
            <Option value="">Any in this view</Option>
            {STATUSES.map((s) => (
              <Option key={s} value={s}>
                {statusWords(s)}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label="Priority">
          <Dropdown value={priority ? priorityWords(priority) : 'Any priority'} selectedOptions={[priority ?? '']} onOptionSelect={(_, d) => setPriority((d.optionValue || undefined) as Priority | undefined)}>
            <Option value="">Any priority</Option>
            {PRIORITIES.map((p) => (
              <Option key={p} value={p}>
                {priorityWords(p)}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label="Sort by">
          <Dropdown value={SORTS.find(([s]) => s === sort)?.[1] ?? ''} selectedOptions={[sort]} onOptionSelect={(_, d) => setSort(d.optionValue as Sort)}>
            {SORTS.map(([value, label]) => (
              <Option key={value} value={value}>
                {label}
              </Option>
            ))}
          </Dropdown>
        </Field>
      </div>
      <ProblemBar error={cases.error} />
      <div className={styles.tableWrap}>
        <Table aria-label={`${VIEWS[view].label}: cases`} size="medium">
          <TableHeader>
            <TableRow>
              <TableHeaderCell>Case</TableHeaderCell>
              <TableHeaderCell>Status</TableHeaderCell>
              <TableHeaderCell className={styles.wide}>Priority</TableHeaderCell>
              <TableHeaderCell>Due</TableHeaderCell>
              <TableHeaderCell className={styles.wide}>Opened</TableHeaderCell>
            </TableRow>
          </TableHeader>
          <TableBody>
            {(cases.data?.items ?? []).map((c) => {
              const due = c.firstRespondedAt ? c.resolveBy : (c.firstResponseBy ?? c.resolveBy);
              return (
                <TableRow key={c.caseNumber}>
                  <TableCell>
                    <div className={styles.caseTitle}>
                      <Link to={`/cases/${c.caseNumber}`}>{c.caseNumber}</Link>
                      <Text>{c.title}</Text>
                    </div>
                  </TableCell>
                  <TableCell>
                    <StatusBadge status={c.status} />
                  </TableCell>
                  <TableCell className={styles.wide}>
                    <PriorityBadge priority={c.priority} />
                  </TableCell>
                  <TableCell>
                    <div className={styles.caseTitle}>
                      <span title={localTime(due)}>{c.status === 'resolved' || c.status === 'closed' || c.status === 'cancelled' ? '—' : relativeTime(due)}</span>
                      <SlaBadge state={c.slaState} />
                    </div>
                  </TableCell>
                  <TableCell className={styles.wide}>{localTime(c.createdAt)}</TableCell>
                </TableRow>
              );
            })}
          </TableBody>
        </Table>
        {cases.isPending && <Spinner label="Loading cases…" style={{ padding: 24 }} />}
        {cases.data && cases.data.items.length === 0 && <div className={styles.empty}>No cases here. {view === 'mine' ? 'Take the next case from your queues.' : ''}</div>}
      </div>
      {cases.data && cases.data.total > cases.data.items.length && (
        <Text size={200}>
          Showing {cases.data.items.length} of {cases.data.total} cases: narrow the search to see the others.
        </Text>
      )}
    </>
  );
}
