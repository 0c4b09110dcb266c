import { Button, makeStyles, mergeClasses, Tab, TabList, Text, tokens } from '@fluentui/react-components';
import { useMutation, useQueries, useQueryClient } from '@tanstack/react-query';
import { useRef, useState } from 'react';
import { ProblemBar } from '../../components/ProblemBar';
import { api, idempotencyKey, unwrap, type Me } from '../../lib/api-client';
import { navigate } from '../../lib/router';
import { CaseTable } from './CaseTable';
import { useCaseListEvents, useCases, useQueues, type CaseListQuery } from './inbox.api';
import { filterQuery, InboxFilters, NO_FILTERS, type Filters } from './InboxFilters';
import { QueueCards } from './QueueCards';

const useStyles = makeStyles({
  heading: { display: 'flex', alignItems: 'center', justifyContent: 'space-between', gap: '12px', flexWrap: 'wrap', margin: '8px 0 16px' },
  title: { fontSize: tokens.fontSizeBase600, fontWeight: tokens.fontWeightSemibold, margin: 0 },
  actions: { display: 'flex', alignItems: 'center', gap: '12px', flexWrap: 'wrap' },
  live: { color: tokens.colorNeutralForeground3, display: 'flex', alignItems: 'center', gap: '6px' },
  dot: { width: '8px', height: '8px', borderRadius: '50%', backgroundColor: tokens.colorPaletteGreenBackground3 },
  dotOff: { backgroundColor: tokens.colorNeutralStroke1 },
  tabs: { overflowX: 'auto', maxWidth: '100%' },
});

type View = 'mine' | 'waiting' | 'open' | 'closed';
const VIEWS: Record<View, { label: string; query: (me: Me) => CaseListQuery }> = {
  mine: { label: 'My work', query: (me) => ({ ownerUserId: me.userId, status: ['active', 'on_hold', 'waiting_for_customer'] }) },
  waiting: { label: 'Waiting in my queues', query: () => ({ ownerUserId: 'none', status: ['active'] }) },
  open: { label: 'All open', query: () => ({ status: ['active', 'on_hold', 'waiting_for_customer'] }) },
  closed: { label: 'Resolved and closed', query: () => ({ status: ['resolved', 'cancelled', 'closed'] }) },
};

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

/** The agent's day: the queues they work with their counts, then the cases of the chosen view, kept live. */
export function InboxPage({ me }: { me: Me }) {
  const styles = useStyles();
  const queryClient = useQueryClient();
  const [view, setView] = useState<View>('waiting');
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const works = me.role !== 'operator';
  const live = useCaseListEvents();
  const queues = useQueues(works, live);
  const myQueues = (queues.data?.items ?? []).filter((q) => q.isMember || me.role !== 'agent');
  const people = usePeople(
    myQueues.map((q) => q.id),
    works,
  );
  const cases = useCases({ ...VIEWS[view].query(me), ...filterQuery(filters, me), limit: 50 }, live);
  const takeFrom = filters.queueId && myQueues.some((q) => q.id === filters.queueId && q.isMember) ? filters.queueId : undefined;

  /**
   * POST /cases/take-next: the server accepts the most urgent waiting case of the chosen (or all my)
   * queues; two agents never get the same one. The key is kept until a take succeeds, so clicking
   * again after a lost answer gets the case that request took, not a second one.
   */
  const takeKey = useRef<string | null>(null);
  const takeNext = useMutation({
    mutationFn: async () => {
      takeKey.current ??= idempotencyKey();
      return unwrap(await api.POST('/cases/take-next', { params: { header: { 'Idempotency-Key': takeKey.current } }, body: takeFrom ? { queueId: takeFrom } : {} })).caseNumber;
    },
    onSuccess: async (caseNumber) => {
      takeKey.current = null;
      await queryClient.invalidateQueries({ queryKey: ['cases'] });
      navigate(`/cases/${caseNumber}`);
    },
  });
  const ownerName = (id: string | null) => (id === null ? 'Nobody' : id === me.userId ? 'You' : (people.get(id) ?? 'Another agent'));

  return (
    <>
      <div className={styles.heading}>
        <h1 className={styles.title}>Inbox</h1>
        <div className={styles.actions}>
          <Text size={200} className={styles.live} aria-live="polite" title={live ? 'Lists refresh as soon as a case changes' : 'Lists refresh every 15 seconds'}>
            <span className={mergeClasses(styles.dot, !live && styles.dotOff)} aria-hidden="true" />
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
      <QueueCards queues={myQueues} selected={filters.queueId} onSelect={(queueId) => setFilters({ ...filters, queueId })} />
      <div className={styles.tabs}>
        <TabList selectedValue={view} onTabSelect={(_, d) => setView(d.value as View)} aria-label="Which cases">
          {(Object.keys(VIEWS) as View[]).map((v) => (
            <Tab key={v} value={v}>
              {VIEWS[v].label}
            </Tab>
          ))}
        </TabList>
      </div>
      <InboxFilters filters={filters} onChange={setFilters} queues={myQueues} people={people} me={me} />
      <ProblemBar error={cases.error} />
      <CaseTable
        label={`${VIEWS[view].label}: cases`}
        cases={cases.data}
        pending={cases.isPending}
        empty={`No cases here.${view === 'mine' ? ' Take the next case from your queues.' : ''}`}
        ownerName={ownerName}
      />
      {cases.data && cases.data.total > cases.data.items.length && (
        <Text size={200}>
          Showing {cases.data.items.length} of {cases.data.total} cases: narrow the search to see the others.
        </Text>
      )}
    </>
  );
}
