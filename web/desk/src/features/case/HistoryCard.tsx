import { Card, makeStyles, Text, tokens } from '@fluentui/react-components';
import { HistoryRegular } from '@fluentui/react-icons';
import { Link } from '../../lib/router';

const useStyles = makeStyles({
  card: { padding: '16px', display: 'flex', flexDirection: 'column', gap: '6px' },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold, display: 'flex', alignItems: 'center', gap: '6px' },
  help: { color: tokens.colorNeutralForeground2 },
});

/** For operators, supervisors and administrators: the way to the case's workflow history page (loaded there, not here). */
export function HistoryCard({ caseNumber }: { caseNumber: string }) {
  const styles = useStyles();
  return (
    <Card className={styles.card}>
      <h2 className={styles.h2}>
        <HistoryRegular aria-hidden /> Workflow history
      </h2>
      <Text size={200} className={styles.help}>
        Every milestone of the case&apos;s workflow in words, run by run, with links to the Temporal Web UI and the replay check.
      </Text>
      <Link to={`/cases/${caseNumber}/history`}>Open the workflow history</Link>
    </Card>
  );
}
