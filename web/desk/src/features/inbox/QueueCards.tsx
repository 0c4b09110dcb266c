import { Card, makeStyles, mergeClasses, Text, tokens } from '@fluentui/react-components';
import type { QueueList } from './inbox.api';

const useStyles = makeStyles({
  queues: { display: 'grid', gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))', gap: '12px', marginBottom: '16px' },
  queue: { padding: '12px' },
  queueSelected: { outline: `2px solid ${tokens.colorBrandStroke1}` },
  counts: { display: 'flex', gap: '16px', marginTop: '4px' },
  count: { display: 'flex', flexDirection: 'column' },
  number: { fontSize: tokens.fontSizeBase500, fontWeight: tokens.fontWeightSemibold },
  risk: { color: tokens.colorPaletteRedForeground1 },
});

/** The queues with their waiting, in-progress and SLA-at-risk counts; pressing one filters the list by it. */
export function QueueCards({ queues, selected, onSelect }: { queues: QueueList['items']; selected: string; onSelect: (queueId: string) => void }) {
  const styles = useStyles();
  const toggle = (id: string) => onSelect(selected === id ? '' : id);
  return (
    <section aria-label="My queues" className={styles.queues}>
      {queues.map((q) => (
        <Card
          key={q.id}
          className={mergeClasses(styles.queue, selected === q.id && styles.queueSelected)}
          onClick={() => toggle(q.id)}
          aria-pressed={selected === q.id}
          role="button"
          tabIndex={0}
          onKeyDown={(e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              toggle(q.id);
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
              <span className={mergeClasses(styles.count, q.counts.slaAtRisk > 0 && styles.risk)}>
                <span className={styles.number}>{q.counts.slaAtRisk}</span>
                <Text size={200}>SLA at risk</Text>
              </span>
            </div>
          )}
        </Card>
      ))}
    </section>
  );
}
