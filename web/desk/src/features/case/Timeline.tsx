import { Badge, makeStyles, mergeClasses, Text, tokens } from '@fluentui/react-components';
import type { ReactNode } from 'react';
import { activityWords, localTime, minutesWords, relativeTime, resolutionWords } from '../../lib/format';
import type { CaseActivity } from './case.api';

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '10px' },
  item: { borderLeft: `3px solid ${tokens.colorNeutralStroke1}`, padding: '6px 12px', backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium },
  customer: { borderLeftColor: tokens.colorPaletteGreenBorder2 },
  outbound: { borderLeftColor: tokens.colorBrandStroke1 },
  internal: { borderLeftColor: tokens.colorPaletteYellowBorder2, backgroundColor: tokens.colorPaletteYellowBackground1 },
  head: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
  body: { whiteSpace: 'pre-wrap', margin: '4px 0 0', overflowWrap: 'anywhere' },
  time: { color: tokens.colorNeutralForeground3 },
});

function who(a: CaseActivity, forCustomer: boolean): string {
  if (a.type === 'resolution') return 'Resolution';
  if (a.direction === 'inbound') return forCustomer ? 'You wrote' : 'From the customer';
  if (a.direction === 'outbound') return forCustomer ? 'Support replied' : 'To the customer';
  return 'Internal';
}

/** The case's activities, oldest first: what was said to and by the customer, and (for staff) the team's own record. */
export function Timeline({ items, forCustomer = false, actions }: { items: readonly CaseActivity[]; forCustomer?: boolean; actions?: (activity: CaseActivity) => ReactNode }) {
  const styles = useStyles();
  if (items.length === 0) return <Text>Nothing has happened on this case yet.</Text>;
  return (
    <ol className={styles.list} aria-label="Timeline">
      {items.map((a) => {
        const tone = a.direction === 'inbound' ? styles.customer : a.direction === 'outbound' || a.type === 'resolution' ? styles.outbound : styles.internal;
        return (
          <li key={a.id} className={mergeClasses(styles.item, tone)}>
            <div className={styles.head}>
              <Text weight="semibold">{who(a, forCustomer)}</Text>
              <Badge appearance="outline" size="small">
                {activityWords(a.type)}
              </Badge>
              {a.state === 'open' && (
                <Badge appearance="tint" color="warning" size="small">
                  Open
                </Badge>
              )}
              <Text size={200} className={styles.time} title={localTime(a.createdAt)}>
                {relativeTime(a.createdAt)} · {localTime(a.createdAt)}
                {!forCustomer && a.minutesSpent ? ` · ${minutesWords(a.minutesSpent)} spent` : ''}
              </Text>
            </div>
            {a.type === 'resolution' ? (
              <Text weight="medium">{resolutionWords(a.subject)}</Text>
            ) : (
              a.subject && !/^(Reply to the customer|Information from the customer)$/.test(a.subject) && <Text weight="medium">{a.subject}</Text>
            )}
            {a.body && <p className={styles.body}>{a.body}</p>}
            {actions?.(a)}
          </li>
        );
      })}
    </ol>
  );
}
