import { Card, makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import { ProblemBar } from '../../components/ProblemBar';
import { fullLocalTime } from '../../lib/timeline-format';
import { useRawHistory } from './timeline.api';

const useStyles = makeStyles({
  card: { padding: '16px' },
  h2: { margin: '0 0 8px', fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  list: { listStyle: 'none', padding: 0, margin: 0, display: 'flex', flexDirection: 'column', gap: '6px' },
  head: { display: 'flex', flexWrap: 'wrap', gap: '4px 10px' },
  id: { fontFamily: tokens.fontFamilyMonospace, color: tokens.colorNeutralForeground3 },
  details: { margin: '2px 0 0', fontSize: tokens.fontSizeBase200 },
  pre: { margin: 0, whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, maxHeight: '240px', overflowY: 'auto' },
});

/** The current run's events nearly as recorded, for digging deeper than the milestones. */
export function RawEvents({ caseNumber }: { caseNumber: string }) {
  const styles = useStyles();
  const raw = useRawHistory(caseNumber, true);
  return (
    <Card className={styles.card}>
      <h2 className={styles.h2}>Raw events of the current run</h2>
      <ProblemBar error={raw.error} />
      {raw.isPending && <Spinner size="small" label="Reading the events…" />}
      <ol className={styles.list} aria-label="Raw events">
        {(raw.data?.entries ?? []).map((e) => (
          <li key={e.eventId}>
            <div className={styles.head}>
              <Text className={styles.id}>#{e.eventId}</Text>
              <Text size={200}>
                <time dateTime={e.at}>{fullLocalTime(e.at)}</time>
              </Text>
              <Text weight="semibold">{e.title}</Text>
            </div>
            {e.details !== undefined && (
              <details className={styles.details}>
                <summary>Details</summary>
                <pre className={styles.pre}>{JSON.stringify(e.details, null, 2)}</pre>
              </details>
            )}
          </li>
        ))}
      </ol>
    </Card>
  );
}
