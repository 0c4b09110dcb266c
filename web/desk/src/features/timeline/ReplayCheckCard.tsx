import { Button, Card, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Spinner, Text, tokens } from '@fluentui/react-components';
import { ProblemBar } from '../../components/ProblemBar';
import { useReplayCheck } from './timeline.api';

const useStyles = makeStyles({
  card: { padding: '16px', display: 'flex', flexDirection: 'column', gap: '8px' },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  help: { color: tokens.colorNeutralForeground2 },
  problem: { margin: '4px 0 0', whiteSpace: 'pre-wrap', overflowWrap: 'anywhere', fontFamily: tokens.fontFamilyMonospace, fontSize: tokens.fontSizeBase200, maxHeight: '280px', overflowY: 'auto' },
});

/** Replays the case's current run against the workflow code this server would run (POST /cases/{n}/replay-check). */
export function ReplayCheckCard({ caseNumber }: { caseNumber: string }) {
  const styles = useStyles();
  const check = useReplayCheck(caseNumber);
  const verdict = check.data;
  return (
    <Card className={styles.card}>
      <h2 className={styles.h2}>Replay check</h2>
      <Text size={200} className={styles.help}>
        Replays this case&apos;s current run against the workflow code this server runs, without changing anything. Run it before deploying a workflow change.
      </Text>
      <div>
        <Button appearance="primary" onClick={() => check.mutate()} disabled={check.isPending}>
          {check.isPending ? 'Replaying…' : 'Run the replay check'}
        </Button>
      </div>
      {check.isPending && <Spinner size="tiny" label="Replaying the history" />}
      <ProblemBar error={check.error} />
      <div aria-live="polite">
        {verdict &&
          (verdict.ok ? (
            <MessageBar intent="success">
              <MessageBarBody>
                <MessageBarTitle>Replays cleanly</MessageBarTitle>
                The current code makes exactly the decisions this run recorded.
              </MessageBarBody>
            </MessageBar>
          ) : (
            <MessageBar intent="error" layout="multiline">
              <MessageBarBody>
                <MessageBarTitle>Would not replay</MessageBarTitle>
                <pre className={styles.problem}>{verdict.problem ?? 'No reason given'}</pre>
              </MessageBarBody>
            </MessageBar>
          ))}
        {verdict?.runId && (
          <Text size={100} className={styles.help}>
            Run {verdict.runId}
          </Text>
        )}
      </div>
    </Card>
  );
}
