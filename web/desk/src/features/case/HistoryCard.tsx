import { Badge, Button, Card, Field, Link as FluentLink, makeStyles, Select, Spinner, Text, tokens } from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { ProblemBar } from '../../components/ProblemBar';
import { api, unwrap } from '../../lib/api-client';
import { localTime } from '../../lib/format';

const useStyles = makeStyles({
  card: { padding: '16px' },
  h2: { margin: '0 0 8px', fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  list: { listStyle: 'none', padding: 0, margin: '8px 0 0', display: 'flex', flexDirection: 'column', gap: '4px', maxHeight: '360px', overflowY: 'auto' },
  failed: { color: tokens.colorPaletteRedForeground1 },
  time: { color: tokens.colorNeutralForeground3, marginRight: '6px' },
  actor: { fontWeight: tokens.fontWeightSemibold, marginRight: '6px' },
  badge: { marginLeft: '6px' },
});

type Visibility = 'customer' | 'internal' | 'system';

interface Milestone {
  readonly at: string;
  readonly actor: string;
  readonly kind: string;
  readonly text: string;
  readonly visibility: Visibility;
  readonly eventIds: readonly number[];
  readonly runId: string;
}

interface Timeline {
  readonly webUiUrl: string | null;
  readonly entries: readonly Milestone[];
}

const VISIBILITY_WORDS: Record<Visibility, string> = { customer: 'seen by the customer', internal: 'internal', system: 'system' };

/** For operators, supervisors and administrators: the case's workflow history as a business timeline (loaded on demand). */
export function HistoryCard({ caseNumber }: { caseNumber: string }) {
  const styles = useStyles();
  const [open, setOpen] = useState(false);
  const [shown, setShown] = useState<'all' | Visibility>('all');
  const history = useQuery({
    queryKey: ['case', caseNumber, 'history'],
    enabled: open,
    queryFn: async () => unwrap<unknown>(await api.GET('/cases/{caseNumber}/history', { params: { path: { caseNumber } } })) as Timeline,
  });
  return (
    <Card className={styles.card}>
      <h2 className={styles.h2}>Workflow history</h2>
      {!open ? (
        <Button onClick={() => setOpen(true)}>Show the workflow history</Button>
      ) : (
        <>
          <ProblemBar error={history.error} />
          {history.isPending && <Spinner size="small" />}
          {history.data?.webUiUrl && (
            <FluentLink href={history.data.webUiUrl} target="_blank" rel="noreferrer">
              Open in the Temporal Web UI
            </FluentLink>
          )}
          <Field label="Show">
            <Select value={shown} onChange={(_e, data) => setShown(data.value as 'all' | Visibility)}>
              <option value="all">Everything</option>
              <option value="customer">What the customer saw</option>
              <option value="internal">Internal work</option>
              <option value="system">System events</option>
            </Select>
          </Field>
          <ol className={styles.list} tabIndex={0} aria-label="Workflow history entries">
            {(history.data?.entries ?? [])
              .filter((e) => shown === 'all' || e.visibility === shown)
              .map((e) => (
                <li key={`${e.runId}:${e.eventIds.join('-')}:${e.kind}`} className={e.kind === 'refused-write' || e.kind === 'workflow-ended' ? styles.failed : undefined}>
                  <Text size={200} className={styles.time}>
                    {localTime(e.at)}
                  </Text>
                  <Text size={200} className={styles.actor}>
                    {e.actor}
                  </Text>
                  <Text size={200}>{e.text}</Text>
                  <Badge size="small" appearance="outline" className={styles.badge}>
                    {VISIBILITY_WORDS[e.visibility]}
                  </Badge>
                </li>
              ))}
          </ol>
        </>
      )}
    </Card>
  );
}
