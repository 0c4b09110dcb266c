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
import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { PriorityBadge, SlaBadge, StatusBadge } from '../../components/Badges';
import { ProblemBar } from '../../components/ProblemBar';
import { api, unwrap, type Me } from '../../lib/api-client';
import { channelWords, localTime, priorityWords, relativeTime, slaWords, statusWords } from '../../lib/format';
import { Link, navigate } from '../../lib/router';
import { useCaseListEvents, useCases, useQueues, type CaseListQuery } from './inbox.api';

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
  filters: {
    display: 'flex',
    gap: '12px',
    flexWrap: 'wrap',
    alignItems: 'end',
    margin: '12px 0',
    // A phone: two filters a row, the search across both.
    '@media (max-width: 640px)': {
      display: 'grid',
      gridTemplateColumns: 'minmax(0, 1fr) minmax(0, 1fr)',
      gap: '8px',
      '& .fui-Dropdown, & .fui-SearchBox': { minWidth: 0, width: '100%' },
      '& > .fui-Field:first-child': { gridColumn: '1 / -1' },
    },
  },
  tabs: { overflowX: 'auto', maxWidth: '100%' },
  tableWrap: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium, boxShadow: tokens.shadow2 },
  wide: { '@media (max-width: 640px)': { display: 'none' } },
  caseTitle: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: '2px' },
  empty: { padding: '24px', textAlign: 'center', color: tokens.colorNeutralForeground3 },
  live: { color: tokens.colorNeutralForeground3, display: 'flex', alignItems: 'center', gap: '6px' },
  dot: { width: '8px', height: '8px', borderRadius: '50%', backgroundColor: tokens.colorPaletteGreenBackground3 },
  dotOff: { backgroundColor: tokens.colorNeutralStroke1 },
  actions: { display: 'flex', alignItems: 'center', gap: '12px', flexWrap: 'wrap' },
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
const SLA_STATES = ['noncompliant', 'nearing_noncompliance', 'in_progress', 'paused', 'succeeded'] as const;
type SlaState = (typeof SLA_STATES)[number];
const CHANNELS = ['email', 'web', 'chat', 'phone', 'facebook', 'twitter', 'iot'] as const;
type Channel = (typeof CHANNELS)[number];
/** The owner filter: anyone (the view decides), me, nobody (waiting), or one person's id. */
type Owner = '' | 'me' | 'none' | (string & {});

/** The names of the people in these queues (to show who works a case), from GET /queues/{id}/members. */
function usePeople(queueIds: readonly string[], enabled: boolean): Map<string, string> {
  const members = useQueries({
    queries: queueIds.map((id) => ({
      queryKey: ['queue', id, 'members'],
      enabled,
      queryFn: async () => unwrap(await api.GET('/queues/{id}/members', { params: { path: { id } } })).items,
      staleTime: 60_000,
    })),
  });
  const names = new Map<string, string>();
  for (const result of members) for (const m of result.data ?? []) names.set(m.userId, m.displayName);
  return names;
}

/** The agent's day: the queues they work with their counts, then the cases of the chosen view. */
export function InboxPage({ me }: { me: Me }) {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const [view, setView] = useState<View>('waiting');
  const [queueId, setQueueId] = useState<string | undefined>();
  const [status, setStatus] = useState<Status | undefined>();
  const [priority, setPriority] = useState<Priority | undefined>();
  const [sort, setSort] = useState<Sort>('firstResponseBy');
  const [slaState, setSlaState] = useState<SlaState | undefined>();
  const [channel, setChannel] = useState<Channel | undefined>();
  const [owner, setOwner] = useState<Owner>('');
  const [text, setText] = useState('');
  const works = me.role !== 'operator';
  const manages = me.role === 'supervisor' || me.role === 'admin';
  const live = useCaseListEvents();
  const queues = useQueues(works, live);
  const myQueues = (queues.data?.items ?? []).filter((q) => q.isMember || me.role !== 'agent');
  const people = usePeople(
    myQueues.map((q) => q.id),
    works,
  );
  const ownerFilter = owner === '' ? {} : { ownerUserId: owner === 'me' ? me.userId : owner };
  const query: CaseListQuery = {
    ...VIEWS[view].query(me),
    ...ownerFilter,
    ...(status ? { status: [status] } : {}),
    ...(priority ? { priority: [priority] } : {}),
    ...(slaState ? { slaState } : {}),
    ...(channel ? { channel: [channel] } : {}),
    ...(queueId ? { queueId } : {}),
    ...(text.trim() ? { q: text.trim() } : {}),
    sort,
    limit: 50,
  };
  const cases = useCases(query, live);
  const takeFrom = queueId && (queues.data?.items ?? []).some((q) => q.id === queueId && q.isMember) ? queueId : undefined;

  /** POST /cases/take-next: the server accepts the most urgent waiting case of the chosen (or all my) queues; two agents never get the same one. */
  const takeNext = useMutation({
    mutationFn: async () => unwrap(await api.POST('/cases/take-next', { body: takeFrom ? { queueId: takeFrom } : {} })).caseNumber,
    onSuccess: async (caseNumber) => {
      await queryClient.invalidateQueries({ queryKey: ['cases'] });
      navigate(`/cases/${caseNumber}`);
    },
  });
  const ownerLabel = (id: string | null) => (id === null ? 'Nobody' : id === me.userId ? 'You' : (people.get(id) ?? 'Another agent'));
  const ownerOptions: [Owner, string][] = [
    ['', 'Anyone in this view'],
    ['me', 'Me'],
    ['none', 'Nobody (waiting)'],
    ...(manages ? [...people].filter(([id]) => id !== me.userId).sort((a, b) => a[1].localeCompare(b[1])) : []),
  ];

  return (
    <>
      <div className={styles.heading}>
        <h1 className={styles.title}>Inbox</h1>
        <div className={styles.actions}>
          <Text size={200} className={styles.live} aria-live="polite" title={live ? 'Lists refresh as soon as a case changes' : 'Lists refresh every 15 seconds'}>
            <span className={`${styles.dot} ${live ? '' : styles.dotOff}`} aria-hidden="true" />
            {live ? 'Live' : 'Refreshing every 15 s'}
          </Text>
          {works && (
            <Button appearance="primary" onClick={() => takeNext.mutate()} disabled={takeNext.isPending}>
              {takeNext.isPending ? 'Taking…' : takeFrom ? `Take next from ${myQueues.find((q) => q.id === takeFrom)?.name ?? 'this queue'}` : 'Take next case'}
            </Button>
          )}
        </div>
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
      <div className={styles.tabs}>
        <TabList selectedValue={view} onTabSelect={(_, d) => setView(d.value as View)} aria-label="Which cases">
          {(Object.keys(VIEWS) as View[]).map((v) => (
            <Tab key={v} value={v}>
              {VIEWS[v].label}
            </Tab>
          ))}
        </TabList>
      </div>
      <div className={styles.filters}>
        <Field label="Search titles">
          <SearchBox value={text} onChange={(_, d) => setText(d.value)} placeholder="e.g. printer" />
        </Field>
        <Field label="Queue">
          <Dropdown value={myQueues.find((q) => q.id === queueId)?.name ?? 'All my queues'} selectedOptions={[queueId ?? '']} onOptionSelect={(_, d) => setQueueId(d.optionValue || undefined)}>
            <Option value="">All my queues</Option>
            {myQueues.map((q) => (
              <Option key={q.id} value={q.id} text={q.name}>
                {q.counts ? `${q.name} (${q.counts.waiting} waiting)` : q.name}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label="Owner">
          <Dropdown value={ownerOptions.find(([v]) => v === owner)?.[1] ?? ''} selectedOptions={[owner]} onOptionSelect={(_, d) => setOwner((d.optionValue ?? ''))}>
            {ownerOptions.map(([value, label]) => (
              <Option key={value || 'any'} value={value}>
                {label}
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
        <Field label="SLA">
          <Dropdown value={slaState ? slaWords(slaState) : 'Any SLA state'} selectedOptions={[slaState ?? '']} onOptionSelect={(_, d) => setSlaState((d.optionValue || undefined) as SlaState | undefined)}>
            <Option value="">Any SLA state</Option>
            {SLA_STATES.map((v) => (
              <Option key={v} value={v}>
                {slaWords(v)}
              </Option>
            ))}
          </Dropdown>
        </Field>
        <Field label="Channel">
          <Dropdown value={channel ? channelWords(channel) : 'Any channel'} selectedOptions={[channel ?? '']} onOptionSelect={(_, d) => setChannel((d.optionValue || undefined) as Channel | undefined)}>
            <Option value="">Any channel</Option>
            {CHANNELS.map((v) => (
              <Option key={v} value={v}>
                {channelWords(v)}
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
              <TableHeaderCell className={styles.wide}>Owner</TableHeaderCell>
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
                      <Text size={200} className={styles.wide}>
                        {channelWords(c.channel)}
                      </Text>
                    </div>
                  </TableCell>
                  <TableCell>
                    <StatusBadge status={c.status} />
                  </TableCell>
                  <TableCell className={styles.wide}>
                    <PriorityBadge priority={c.priority} />
                  </TableCell>
                  <TableCell className={styles.wide}>{ownerLabel(c.ownerUserId)}</TableCell>
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
