import { makeStyles, mergeClasses, Spinner, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, tokens } from '@fluentui/react-components';
import { PriorityBadge, SlaBadge, StatusBadge } from '../../components/Badges';
import { channelWords, localTime, relativeTime } from '../../lib/format';
import { Link } from '../../lib/router';
import type { CaseList } from './inbox.api';

const useStyles = makeStyles({
  tableWrap: { overflowX: 'auto', backgroundColor: tokens.colorNeutralBackground1, borderRadius: tokens.borderRadiusMedium, boxShadow: tokens.shadow2 },
  wide: { '@media (max-width: 640px)': { display: 'none' } },
  stack: { display: 'flex', flexDirection: 'column', alignItems: 'flex-start', gap: '2px' },
  channel: { color: tokens.colorNeutralForeground3 },
  empty: { padding: '24px', textAlign: 'center', color: tokens.colorNeutralForeground3 },
});

const CLOSED = ['resolved', 'cancelled', 'closed'];

/** The cases of a view: number and title, status, priority, who works it, the next deadline with its SLA state, when opened. */
export function CaseTable({ label, cases, pending, empty, ownerName }: { label: string; cases: CaseList | undefined; pending: boolean; empty: string; ownerName: (userId: string | null) => string }) {
  const styles = useStyles();
  return (
    <div className={styles.tableWrap}>
      <Table aria-label={label} size="medium">
        <TableHeader>
          <TableRow>
            <TableHeaderCell>Case</TableHeaderCell>
            <TableHeaderCell>Status</TableHeaderCell>
            <TableHeaderCell className={styles.wide}>Priority</TableHeaderCell>
            <TableHeaderCell className={styles.wide}>Owner</TableHeaderCell>
            <TableHeaderCell>Due</TableHeaderCell>
            <TableHeaderCell className={styles.wide}>Opened</TableHeaderCell>
          </TableRow>
        </TableHeader>
        <TableBody>
          {(cases?.items ?? []).map((c) => {
            const due = c.firstRespondedAt ? c.resolveBy : (c.firstResponseBy ?? c.resolveBy);
            return (
              <TableRow key={c.caseNumber}>
                <TableCell>
                  <div className={styles.stack}>
                    <Link to={`/cases/${c.caseNumber}`}>{c.caseNumber}</Link>
                    <Text>{c.title}</Text>
                    <Text size={200} className={mergeClasses(styles.wide, styles.channel)}>
                      {channelWords(c.channel)}
                    </Text>
                  </div>
                </TableCell>
                <TableCell>
                  <StatusBadge status={c.status} />
                </TableCell>
                <TableCell className={styles.wide}>
                  <PriorityBadge priority={c.priority} />
                </TableCell>
                <TableCell className={styles.wide}>{ownerName(c.ownerUserId)}</TableCell>
                <TableCell>
                  <div className={styles.stack}>
                    <span title={localTime(due)}>{CLOSED.includes(c.status) ? '—' : relativeTime(due)}</span>
                    <SlaBadge state={c.slaState} />
                  </div>
                </TableCell>
                <TableCell className={styles.wide}>{localTime(c.createdAt)}</TableCell>
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
      {pending && <Spinner label="Loading cases…" style={{ padding: 24 }} />}
      {cases && cases.items.length === 0 && <div className={styles.empty}>{empty}</div>}
    </div>
  );
}
