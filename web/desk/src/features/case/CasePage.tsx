import { Badge, Card, makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import { CheckmarkCircleRegular, CircleRegular } from '@fluentui/react-icons';
import { PriorityBadge, SlaBadge, StatusBadge } from '../../components/Badges';
import { ProblemBar } from '../../components/ProblemBar';
import { type Me } from '../../lib/api-client';
import { channelWords, kpiWords, localTime, relativeTime, slaWords, stageWords, statusWords } from '../../lib/format';
import { Link } from '../../lib/router';
import { ArticlesCard } from './ArticlesCard';
import { CaseActions } from './CaseActions';
import { HistoryCard } from './HistoryCard';
import { useCase, useCaseActivities, useCaseEvents, useCaseState, useQueueMembers, type CaseState } from './case.api';
import { casePermissions } from './case-permissions';
import { CustomerCard } from '../customer/CustomerCard';
import { ManageCard, ownerName } from './ManageCard';
import { Timeline } from './Timeline';

export const useCaseStyles = makeStyles({
  back: { marginBottom: '8px', display: 'inline-block' },
  header: { display: 'flex', flexDirection: 'column', gap: '6px', marginBottom: '16px' },
  number: { color: tokens.colorNeutralForeground3, fontWeight: tokens.fontWeightSemibold },
  title: { fontSize: tokens.fontSizeBase600, fontWeight: tokens.fontWeightSemibold, margin: 0, overflowWrap: 'anywhere' },
  badges: { display: 'flex', gap: '6px', flexWrap: 'wrap' },
  layout: { display: 'grid', gridTemplateColumns: 'minmax(0, 2fr) minmax(260px, 1fr)', gap: '16px', '@media (max-width: 800px)': { gridTemplateColumns: 'minmax(0, 1fr)' } },
  column: { display: 'flex', flexDirection: 'column', gap: '16px', minWidth: 0 },
  card: { padding: '16px' },
  h2: { margin: '0 0 8px', fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  facts: { display: 'grid', gridTemplateColumns: 'auto 1fr', gap: '4px 12px', margin: 0, '& dt': { color: tokens.colorNeutralForeground3 }, '& dd': { margin: 0, overflowWrap: 'anywhere' } },
  steps: { listStyle: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: '4px' },
  step: { display: 'flex', gap: '6px', alignItems: 'center' },
  done: { color: tokens.colorPaletteGreenForeground1 },
  description: { whiteSpace: 'pre-wrap', margin: 0, overflowWrap: 'anywhere' },
});

/** The SLA clocks: when each is due, relative and in the viewer's time zone, or how it ended. */
export function SlaCard({ state }: { state: CaseState | undefined }) {
  const styles = useCaseStyles();
  const kpis = state?.kpis ?? [];
  return (
    <Card className={styles.card}>
      <h2 className={styles.h2}>Service level</h2>
      {kpis.length === 0 ? (
        <Text>No SLA applies to this case.</Text>
      ) : (
        <dl className={styles.facts}>
          {kpis.map((k) => (
            <div key={k.kpi} style={{ display: 'contents' }}>
              <dt>{kpiWords(k.kpi)}</dt>
              <dd>
                {k.succeededAt ? `Met ${relativeTime(k.succeededAt)}` : k.pausedAt ? 'Paused' : k.failureAt ? `Due ${relativeTime(k.failureAt)} (${localTime(k.failureAt)})` : slaWords(k.status)}
                {k.status === 'noncompliant' || k.status === 'nearing_noncompliance' ? ` · ${slaWords(k.status)}` : ''}
              </dd>
            </div>
          ))}
        </dl>
      )}
    </Card>
  );
}

export function StagesCard({ state }: { state: CaseState | undefined }) {
  const styles = useCaseStyles();
  return (
    <Card className={styles.card}>
      <h2 className={styles.h2}>Process</h2>
      {(state?.stages ?? []).map((s) => (
        <div key={s.stage} style={{ marginBottom: 8 }}>
          <Text weight={s.current ? 'bold' : 'regular'}>
            {s.label} {s.current && <Badge size="small">current</Badge>}
          </Text>
          <ul className={styles.steps}>
            {s.steps.map((step) => (
              <li key={step.id} className={styles.step}>
                {step.done ? <CheckmarkCircleRegular className={styles.done} aria-label="done" /> : <CircleRegular aria-label="to do" />}
                <Text size={200}>{step.label}</Text>
              </li>
            ))}
          </ul>
        </div>
      ))}
    </Card>
  );
}

/** One case for the agent: what it is, who it is for, where it stands, what happened, and what to do next. */
export function CasePage({ caseNumber, me }: { caseNumber: string; me: Me }) {
  const styles = useCaseStyles();
  const record = useCase(caseNumber);
  const state = useCaseState(caseNumber);
  const activities = useCaseActivities(caseNumber);
  useCaseEvents(caseNumber);
  const staff = me.role !== 'operator';
  const members = useQueueMembers(state.data?.queueId ?? record.data?.queueId ?? null, staff && !!record.data);
  if (record.error) return <ProblemBar error={record.error} />;
  if (!record.data) return <Spinner label={`Loading ${caseNumber}…`} />;
  const c = record.data;
  // The workflow's own view first (an action's answer, or /state); the read model may lag a moment.
  const owner = state.data?.ownerUserId !== undefined ? state.data.ownerUserId : c.ownerUserId;
  const status = state.data?.status ?? c.status;
  const priority = state.data?.priority ?? c.priority;
  const queueId = state.data?.queueId !== undefined ? state.data.queueId : c.queueId;
  const can = casePermissions(me, { customer: c.customer, customerAccountId: null, queueId, ownerUserId: owner, status });
  return (
    <>
      <Link to="/inbox" className={styles.back}>
        ← Inbox
      </Link>
      <div className={styles.header}>
        <span className={styles.number}>{c.caseNumber}</span>
        <h1 className={styles.title}>{c.title}</h1>
        <div className={styles.badges}>
          <StatusBadge status={status} />
          <PriorityBadge priority={priority} />
          <Badge appearance="outline">Stage: {stageWords(state.data?.stage ?? c.stage)}</Badge>
          <SlaBadge state={c.slaState} />
        </div>
      </div>
      <div className={styles.layout}>
        <div className={styles.column}>
          <Card className={styles.card}>
            {me.role === 'operator' ? <Text>Operators look; agents act. The workflow history is below.</Text> : <CaseActions record={{ ...c, queueId }} state={state.data} can={can} />}
            {!['active', 'on_hold', 'waiting_for_customer'].includes(status) && <Text>This case is {statusWords(status).toLowerCase()}.</Text>}
          </Card>
          <section aria-labelledby="timeline-title">
            <h2 id="timeline-title" className={styles.h2}>
              Timeline
            </h2>
            <ProblemBar error={activities.error} />
            {activities.data ? <Timeline items={activities.data} /> : <Spinner size="small" />}
          </section>
        </div>
        <div className={styles.column}>
          {staff && <ManageCard record={{ ...c, queueId }} status={status} owner={owner} priority={priority} me={me} can={can} />}
          <Card className={styles.card}>
            <h2 className={styles.h2}>Details</h2>
            <dl className={styles.facts}>
              {!staff && (
                <>
                  <dt>Customer</dt>
                  <dd>A {c.customer.type} (details not shown to operators)</dd>
                </>
              )}
              <dt>Owner</dt>
              <dd>{ownerName(owner, me, members.data ?? [])}</dd>
              <dt>Channel</dt>
              <dd>{channelWords(c.channel)}</dd>
              <dt>Opened</dt>
              <dd>
                {relativeTime(c.createdAt)} ({localTime(c.createdAt)})
              </dd>
              {c.subject && (
                <>
                  <dt>Subject</dt>
                  <dd>{c.subject}</dd>
                </>
              )}
            </dl>
            {c.description && (
              <>
                <h3 className={styles.h2} style={{ marginTop: 12 }}>
                  Description
                </h3>
                <p className={styles.description}>{c.description}</p>
              </>
            )}
          </Card>
          {staff && <CustomerCard facts={c} />}
          <SlaCard state={state.data} />
          <ArticlesCard state={state.data} />
          <StagesCard state={state.data} />
          {(me.role === 'operator' || me.role === 'supervisor' || me.role === 'admin') && <HistoryCard caseNumber={c.caseNumber} />}
        </div>
      </div>
    </>
  );
}
