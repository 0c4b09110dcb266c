import { Badge, Button, Card, Checkbox, Link as FluentLink, makeStyles, Spinner, Switch, Text, tokens } from '@fluentui/react-components';
import { ArrowClockwiseRegular, OpenRegular } from '@fluentui/react-icons';
import { useMemo, useState } from 'react';
import { ProblemBar } from '../../components/ProblemBar';
import { Link } from '../../lib/router';
import { fullLocalTime, relativeIfNear, viewerTimeZone } from '../../lib/timeline-format';
import { RawEvents } from './RawEvents';
import { ReplayCheckCard } from './ReplayCheckCard';
import { useCaseTimeline, useCaseTitle, type CaseTimeline, type Milestone, type Visibility } from './timeline.api';

const useStyles = makeStyles({
  back: { marginBottom: '8px', display: 'inline-block' },
  header: { display: 'flex', flexDirection: 'column', gap: '4px', marginBottom: '16px' },
  number: { color: tokens.colorNeutralForeground3, fontWeight: tokens.fontWeightSemibold },
  h1: { fontSize: tokens.fontSizeBase600, fontWeight: tokens.fontWeightSemibold, margin: 0, overflowWrap: 'anywhere' },
  layout: { display: 'grid', gridTemplateColumns: 'minmax(0, 3fr) minmax(240px, 1fr)', gap: '16px', alignItems: 'start', '@media (max-width: 860px)': { gridTemplateColumns: 'minmax(0, 1fr)' } },
  column: { display: 'flex', flexDirection: 'column', gap: '16px', minWidth: 0 },
  card: { padding: '16px' },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  filters: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '4px 12px', border: 'none', padding: 0, margin: 0 },
  legend: { fontWeight: tokens.fontWeightSemibold, marginRight: '4px', float: 'left', paddingTop: '6px' },
  toolbar: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', justifyContent: 'space-between', gap: '8px' },
  runHeader: { display: 'flex', flexWrap: 'wrap', alignItems: 'baseline', gap: '4px 12px', marginBottom: '8px' },
  runId: { fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, color: tokens.colorNeutralForeground3, overflowWrap: 'anywhere' },
  list: { listStyle: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column' },
  entry: {
    display: 'grid',
    gridTemplateColumns: '150px minmax(0, 1fr)',
    gap: '2px 12px',
    padding: '8px 0',
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
    '@media (max-width: 600px)': { gridTemplateColumns: 'minmax(0, 1fr)' },
  },
  when: { display: 'flex', flexDirection: 'column', color: tokens.colorNeutralForeground2 },
  what: { display: 'flex', flexDirection: 'column', gap: '2px', minWidth: 0 },
  line: { display: 'flex', flexWrap: 'wrap', alignItems: 'center', gap: '4px 8px' },
  actor: { fontWeight: tokens.fontWeightSemibold },
  text: { overflowWrap: 'anywhere' },
  failed: { color: tokens.colorPaletteRedForeground1 },
  times: { margin: 0, paddingLeft: '18px', color: tokens.colorNeutralForeground2 },
  meta: { color: tokens.colorNeutralForeground3 },
  empty: { color: tokens.colorNeutralForeground3, padding: '8px 0' },
});

/** The filters, in the words an operator reads. */
const VISIBILITIES: readonly { value: Visibility; label: string; badge: string }[] = [
  { value: 'customer', label: 'Customer-visible', badge: 'Customer saw it' },
  { value: 'internal', label: 'Internal', badge: 'Internal' },
  { value: 'system', label: 'System', badge: 'System' },
];
const BADGE_COLOR: Record<Visibility, 'brand' | 'informative' | 'subtle'> = { customer: 'brand', internal: 'informative', system: 'subtle' };

/** Milestone kinds as short labels; an unknown kind shows as its words. */
const KIND_WORDS: Record<string, string> = {
  opened: 'Opened',
  continued: 'New run',
  entitlement: 'Entitlement',
  routed: 'Routing',
  'sla-started': 'SLA',
  'sla-warning': 'SLA warning',
  'sla-failure': 'SLA failed',
  'sla-met': 'SLA met',
  'sla-met-late': 'SLA met late',
  'sla-paused': 'SLA paused',
  'sla-resumed': 'SLA resumed',
  'sla-cancelled': 'SLA stopped',
  accepted: 'Taken',
  dispatched: 'Dispatched',
  rejected: 'Handed back',
  transferred: 'Transferred',
  assigned: 'Assigned',
  yanked: 'Taken over',
  hold: 'Paused',
  resumed: 'Resumed',
  priority: 'Priority',
  details: 'Details',
  activity: 'Activity',
  note: 'Note',
  'activity-done': 'Activity done',
  article: 'Article',
  'knowledge-search': 'Knowledge search',
  reply: 'Reply',
  step: 'Step',
  stage: 'Stage',
  resolved: 'Resolved',
  charged: 'Entitlement',
  cancelled: 'Cancelled',
  reopened: 'Reopened',
  'customer-note': 'Customer note',
  'survey-sent': 'Survey',
  'survey-answered': 'Survey answer',
  status: 'Status',
  closed: 'Closed',
  'refused-write': 'Refused write',
  'workflow-completed': 'Workflow completed',
  'workflow-ended': 'Workflow ended',
  action: 'Action',
};
const kindWords = (kind: string): string => KIND_WORDS[kind] ?? kind.replaceAll('-', ' ');
const FAILED_KINDS = new Set(['refused-write', 'workflow-ended', 'sla-failure']);

/** An instant as the viewer reads it: the full local time, with "12 min ago" when it is near. */
function When({ iso }: { iso: string }) {
  const near = relativeIfNear(iso);
  return (
    <time dateTime={iso} title={iso}>
      {fullLocalTime(iso)}
      {near ? ` (${near})` : ''}
    </time>
  );
}

function Entry({ entry }: { entry: Milestone }) {
  const styles = useStyles();
  const badge = VISIBILITIES.find((v) => v.value === entry.visibility);
  return (
    <li className={styles.entry}>
      <div className={styles.when}>
        <Text size={200}>
          <When iso={entry.at} />
        </Text>
      </div>
      <div className={styles.what}>
        <div className={styles.line}>
          <Text className={styles.actor}>{entry.actor}</Text>
          <Badge appearance="tint" color={FAILED_KINDS.has(entry.kind) ? 'danger' : 'informative'} size="small">
            {kindWords(entry.kind)}
          </Badge>
          <Badge appearance="outline" color={BADGE_COLOR[entry.visibility]} size="small">
            {badge?.badge ?? entry.visibility}
          </Badge>
        </div>
        <Text className={FAILED_KINDS.has(entry.kind) ? `${styles.text} ${styles.failed}` : styles.text}>{entry.text}</Text>
        {entry.times.length > 0 && (
          <ul className={styles.times}>
            {entry.times.map((t) => (
              <li key={`${t.label}:${t.at}`}>
                <Text size={200}>
                  {t.label.charAt(0).toUpperCase() + t.label.slice(1)} <When iso={t.at} />
                </Text>
              </li>
            ))}
          </ul>
        )}
        <Text size={100} className={styles.meta}>
          {entry.eventIds.length === 1 ? 'Event' : 'Events'} {entry.eventIds.join(', ')}
        </Text>
      </div>
    </li>
  );
}

/** One run of the workflow: its milestones and its link to the Temporal Web UI. */
function RunSection({ run, index, count, entries }: { run: CaseTimeline['runs'][number]; index: number; count: number; entries: readonly Milestone[] }) {
  const styles = useStyles();
  const headingId = `run-${run.runId}`;
  return (
    <Card className={styles.card} aria-labelledby={headingId}>
      <div className={styles.runHeader}>
        <h2 className={styles.h2} id={headingId}>
          Run {index + 1} of {count}
          {index === count - 1 ? ' (current)' : ''}
        </h2>
        {run.startedAt && (
          <Text size={200}>
            started <When iso={run.startedAt} />
          </Text>
        )}
        {run.webUiUrl && (
          <FluentLink href={run.webUiUrl} target="_blank" rel="noreferrer">
            Open run {index + 1} in the Temporal Web UI <OpenRegular aria-label="(opens in a new tab)" />
          </FluentLink>
        )}
      </div>
      <Text className={styles.runId}>Run id {run.runId}</Text>
      {entries.length === 0 ? (
        <Text className={styles.empty}>Nothing in this run matches the filters.</Text>
      ) : (
        <ol className={styles.list} aria-label={`Milestones of run ${index + 1}`}>
          {entries.map((e) => (
            <Entry key={`${e.eventIds.join('-')}:${e.kind}:${e.text}`} entry={e} />
          ))}
        </ol>
      )}
    </Card>
  );
}

/**
 * For operators, supervisors and administrators: a case's workflow history as a business timeline,
 * run by run (continue-as-new), filtered by who could see each milestone, with the replay check.
 */
export function CaseHistoryPage({ caseNumber }: { caseNumber: string }) {
  const styles = useStyles();
  const timeline = useCaseTimeline(caseNumber);
  const title = useCaseTitle(caseNumber);
  const [shown, setShown] = useState<ReadonlySet<Visibility>>(new Set(['customer', 'internal', 'system']));
  const [raw, setRaw] = useState(false);
  const byRun = useMemo(() => {
    const groups = new Map<string, Milestone[]>();
    for (const e of timeline.data?.entries ?? []) if (shown.has(e.visibility)) groups.set(e.runId, [...(groups.get(e.runId) ?? []), e]);
    return groups;
  }, [timeline.data, shown]);
  const toggle = (value: Visibility, on: boolean) =>
    setShown((before) => {
      const next = new Set(before);
      if (on) next.add(value);
      else next.delete(value);
      return next;
    });
  const runs = timeline.data?.runs ?? [];

  return (
    <>
      <Link to={`/cases/${caseNumber}`} className={styles.back}>
        ← Back to {caseNumber}
      </Link>
      <header className={styles.header}>
        <Text className={styles.number}>{caseNumber}</Text>
        <h1 className={styles.h1}>Workflow history{title.data ? `: ${title.data.title}` : ''}</h1>
        <Text size={200} className={styles.meta}>
          Times in your time zone ({viewerTimeZone()}).{' '}
          {timeline.data?.webUiUrl && (
            <FluentLink href={timeline.data.webUiUrl} target="_blank" rel="noreferrer">
              The workflow {timeline.data.workflowId} in the Temporal Web UI
            </FluentLink>
          )}
        </Text>
      </header>
      <div className={styles.layout}>
        <div className={styles.column}>
          <Card className={styles.card}>
            <div className={styles.toolbar}>
              <fieldset className={styles.filters} disabled={raw}>
                <legend className={styles.legend}>Show</legend>
                {VISIBILITIES.map((v) => (
                  <Checkbox key={v.value} label={v.label} checked={shown.has(v.value)} onChange={(_e, data) => toggle(v.value, data.checked === true)} />
                ))}
              </fieldset>
              <div className={styles.line}>
                <Switch label="Raw events" checked={raw} onChange={(_e, data) => setRaw(data.checked)} />
                <Button icon={<ArrowClockwiseRegular />} onClick={() => void timeline.refetch()} disabled={timeline.isFetching}>
                  Refresh
                </Button>
              </div>
            </div>
          </Card>
          <ProblemBar error={timeline.error} />
          {timeline.isPending && <Spinner label="Reading the workflow history…" />}
          {raw ? (
            <RawEvents caseNumber={caseNumber} />
          ) : (
            runs.map((run, index) => <RunSection key={run.runId} run={run} index={index} count={runs.length} entries={byRun.get(run.runId) ?? []} />)
          )}
        </div>
        <div className={styles.column}>
          <ReplayCheckCard caseNumber={caseNumber} />
        </div>
      </div>
    </>
  );
}
