import { Badge, Card, makeStyles, Text, tokens } from '@fluentui/react-components';
import type { CaseState } from './case.api';

const useStyles = makeStyles({
  card: { padding: '16px', display: 'flex', flexDirection: 'column', gap: '6px' },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  row: { display: 'flex', gap: '6px', alignItems: 'center', flexWrap: 'wrap' },
  muted: { color: tokens.colorNeutralForeground3 },
});

/**
 * The knowledge articles of a case: for staff every linked one, marked when it was sent to the
 * customer; for the customer the ones support sent them. Nothing shows while there are none.
 */
export function ArticlesCard({ state, forCustomer = false }: { state: CaseState | undefined; forCustomer?: boolean }) {
  const styles = useStyles();
  const articles = forCustomer
    ? (state?.articlesSent ?? []).map((a) => ({ ...a, sentToCustomer: true }))
    : (state?.linkedArticles ?? []);
  if (articles.length === 0) return null;
  return (
    <section aria-labelledby="articles-title">
      <Card className={styles.card}>
      <h2 id="articles-title" className={styles.h2}>
        {forCustomer ? 'Articles we sent you' : 'Articles'}
      </h2>
      {articles.map((a) => (
        <div key={a.articleNumber} className={styles.row}>
          <Text>
            {a.title} <span className={styles.muted}>({a.articleNumber})</span>
          </Text>
          {!forCustomer && (a.sentToCustomer ? <Badge appearance="tint" color="success">Sent to the customer</Badge> : <Badge appearance="outline">Linked</Badge>)}
        </div>
      ))}
      </Card>
    </section>
  );
}
