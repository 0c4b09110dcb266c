import { Card, makeStyles, Text, tokens } from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api-client';

const useStyles = makeStyles({
  card: { padding: '16px', display: 'flex', flexDirection: 'column', gap: '6px', marginBottom: '16px' },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '4px' },
  muted: { color: tokens.colorNeutralForeground3 },
});

const UNITS: Record<string, string> = { cases: 'cases', minutes: 'minutes' };
const until = (date: string) => new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(`${date}T12:00:00`));

/** The customer's active support contracts and what is left of them (GET /entitlements: their own only). */
export function EntitlementsCard() {
  const styles = useStyles();
  const entitlements = useQuery({
    queryKey: ['entitlements', 'mine'],
    queryFn: async () => unwrap(await api.GET('/entitlements')),
    refetchInterval: 60_000,
  });
  const items = (entitlements.data?.items ?? []).filter((e) => e.status === 'active');
  if (items.length === 0) return null;
  return (
    <Card className={styles.card}>
      <h2 className={styles.h2}>My support contract</h2>
      <ul className={styles.list}>
        {items.map((e) => (
          <li key={e.id}>
            <Text weight="semibold">{e.name}</Text>
            <br />
            <Text>
              {e.remainingTerms} of {e.totalTerms} {UNITS[e.allocationType] ?? e.allocationType} left
            </Text>
            <Text size={200} className={styles.muted}>
              {' '}
              · until {until(e.endDate)}
            </Text>
          </li>
        ))}
      </ul>
    </Card>
  );
}
