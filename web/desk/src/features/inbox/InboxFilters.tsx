import { Dropdown, Field, makeStyles, Option, SearchBox } from '@fluentui/react-components';
import type { Me } from '../../lib/api-client';
import { channelWords, priorityWords, slaWords, statusWords } from '../../lib/format';
import type { CaseListQuery, QueueList } from './inbox.api';

const useStyles = makeStyles({
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
});

const SORTS = [
  ['firstResponseBy', 'First response due (soonest)'],
  ['resolveBy', 'Resolution due (soonest)'],
  ['-priority', 'Priority (highest)'],
  ['-createdAt', 'Newest'],
  ['createdAt', 'Oldest'],
] as const;
const STATUSES = ['active', 'on_hold', 'waiting_for_customer', 'resolved', 'cancelled', 'closed'] as const;
const PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
const SLA_STATES = ['noncompliant', 'nearing_noncompliance', 'in_progress', 'paused', 'succeeded'] as const;
const CHANNELS = ['email', 'web', 'chat', 'phone', 'facebook', 'twitter', 'iot'] as const;

/** The inbox's filters; '' is "any". `owner`: '', 'me', 'none' (waiting) or a person's id. */
export interface Filters {
  readonly text: string;
  readonly queueId: string;
  readonly owner: string;
  readonly status: '' | (typeof STATUSES)[number];
  readonly priority: '' | (typeof PRIORITIES)[number];
  readonly slaState: '' | (typeof SLA_STATES)[number];
  readonly channel: '' | (typeof CHANNELS)[number];
  readonly sort: (typeof SORTS)[number][0];
}

export const NO_FILTERS: Filters = { text: '', queueId: '', owner: '', status: '', priority: '', slaState: '', channel: '', sort: 'firstResponseBy' };

/** The filters as GET /cases parameters, over the view's own (a filter narrows or replaces the view's owner and status). */
export function filterQuery(filters: Filters, me: Me): Partial<CaseListQuery> {
  return {
    ...(filters.owner ? { ownerUserId: filters.owner === 'me' ? me.userId : filters.owner } : {}),
    ...(filters.status ? { status: [filters.status] } : {}),
    ...(filters.priority ? { priority: [filters.priority] } : {}),
    ...(filters.slaState ? { slaState: filters.slaState } : {}),
    ...(filters.channel ? { channel: [filters.channel] } : {}),
    ...(filters.queueId ? { queueId: filters.queueId } : {}),
    ...(filters.text.trim() ? { q: filters.text.trim() } : {}),
    sort: filters.sort,
  };
}

/** One filter: a labelled dropdown of (value, words) choices. */
function Choice<T extends string>({ label, value, choices, onChange }: { label: string; value: T; choices: readonly (readonly [T, string])[]; onChange: (value: T) => void }) {
  return (
    <Field label={label}>
      <Dropdown value={choices.find(([v]) => v === value)?.[1] ?? ''} selectedOptions={[value]} onOptionSelect={(_, d) => onChange((d.optionValue ?? '') as T)}>
        {choices.map(([v, words]) => (
          <Option key={v || 'any'} value={v} text={words}>
            {words}
          </Option>
        ))}
      </Dropdown>
    </Field>
  );
}

const withAny = <T extends string>(any: string, values: readonly T[], words: (code: T) => string): readonly (readonly ['' | T, string])[] => [['', any], ...values.map((v) => [v, words(v)] as const)];

/** Search, queue (with its waiting count), owner, status, priority, SLA state, channel and sort. */
export function InboxFilters({ filters, onChange, queues, people, me }: { filters: Filters; onChange: (next: Filters) => void; queues: QueueList['items']; people: ReadonlyMap<string, string>; me: Me }) {
  const styles = useStyles();
  const set = <K extends keyof Filters>(key: K) => (value: Filters[K]) => onChange({ ...filters, [key]: value });
  const manages = me.role === 'supervisor' || me.role === 'admin';
  const owners: (readonly [string, string])[] = [
    ['', 'Anyone in this view'],
    ['me', 'Me'],
    ['none', 'Nobody (waiting)'],
    ...(manages ? [...people].filter(([id]) => id !== me.userId).sort((a, b) => a[1].localeCompare(b[1])) : []),
  ];
  return (
    <div className={styles.filters}>
      <Field label="Search titles">
        <SearchBox value={filters.text} onChange={(_, d) => set('text')(d.value)} placeholder="e.g. printer" />
      </Field>
      <Choice label="Queue" value={filters.queueId} choices={[['', 'All my queues'], ...queues.map((q) => [q.id, q.counts ? `${q.name} (${q.counts.waiting} waiting)` : q.name] as const)]} onChange={set('queueId')} />
      <Choice label="Owner" value={filters.owner} choices={owners} onChange={set('owner')} />
      <Choice label="Status" value={filters.status} choices={withAny('Any in this view', STATUSES, statusWords)} onChange={set('status')} />
      <Choice label="Priority" value={filters.priority} choices={withAny('Any priority', PRIORITIES, priorityWords)} onChange={set('priority')} />
      <Choice label="SLA" value={filters.slaState} choices={withAny('Any SLA state', SLA_STATES, slaWords)} onChange={set('slaState')} />
      <Choice label="Channel" value={filters.channel} choices={withAny('Any channel', CHANNELS, channelWords)} onChange={set('channel')} />
      <Choice label="Sort by" value={filters.sort} choices={SORTS} onChange={set('sort')} />
    </div>
  );
}
