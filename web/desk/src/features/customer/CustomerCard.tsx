import { Badge, Card, makeStyles, Spinner, Text, tokens } from '@fluentui/react-components';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../lib/api-client';
import { localDate, termsWords, tierWords } from '../../lib/customer-format';

const useStyles = makeStyles({
  card: { padding: '16px', display: 'flex', flexDirection: 'column', gap: '8px' },
  h2: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  facts: { display: 'grid', gridTemplateColumns: 'max-content minmax(0, 1fr)', gap: '4px 12px', margin: 0, '& dd': { margin: 0, overflowWrap: 'anywhere' }, '& dt': { color: tokens.colorNeutralForeground3 } },
  row: { display: 'flex', gap: '6px', alignItems: 'center', flexWrap: 'wrap' },
  warning: { color: tokens.colorPaletteRedForeground1 },
});

export interface CaseCustomerFacts {
  readonly caseNumber: string;
  readonly customer: { readonly type: 'contact' | 'account'; readonly id: string };
  readonly entitlementId: string | null;
  readonly isEntitled: boolean;
  readonly channel: string;
}

/** Who the customer is: the contact, their account, its tier, and what they are entitled to. */
function useCustomerFacts(caseNumber: string, customer: CaseCustomerFacts['customer']) {
  return useQuery({
    queryKey: ['case', caseNumber, 'customer', customer.type, customer.id],
    staleTime: 60_000,
    queryFn: async () => {
      const contact = customer.type === 'contact' ? unwrap(await api.GET('/contacts/{id}', { params: { path: { id: customer.id } } })) : null;
      const accountId = customer.type === 'account' ? customer.id : contact?.accountId;
      const account = accountId ? unwrap(await api.GET('/accounts/{id}', { params: { path: { id: accountId } } })) : null;
      return { contact, account };
    },
  });
}

/** Keyed under the case: when the case moves (its event stream refreshes ['case', n]), so do the remaining terms. */
function useEntitlement(caseNumber: string, id: string | null) {
  return useQuery({
    queryKey: ['case', caseNumber, 'entitlement', id],
    enabled: id !== null,
    // The remaining terms change when a case is resolved: keep it fresh.
    staleTime: 10_000,
    queryFn: async () => unwrap(await api.GET('/entitlements/{id}', { params: { path: { id: id! } } })),
  });
}

/**
 * The customer card of a case page: the contact and how to reach them, the account with its tier,
 * and the entitlement the case draws on with what remains of it (for the case's channel too when
 * that channel has an allowance of its own) — or that the case is not entitled.
 */
export function CustomerCard({ facts }: { facts: CaseCustomerFacts }) {
  const styles = useStyles();
  const who = useCustomerFacts(facts.caseNumber, facts.customer);
  const entitlement = useEntitlement(facts.caseNumber, facts.entitlementId);
  const contact = who.data?.contact;
  const account = who.data?.account;
  const e = entitlement.data;
  const channel = e?.channels.find((c) => c.channel === facts.channel && c.remainingTerms !== null);
  return (
    <Card className={styles.card}>
      <h2 className={styles.h2}>Customer</h2>
      {who.error || entitlement.error ? <Text size={200}>Some of the customer's details are not shown to your role.</Text> : null}
      {who.isPending && <Spinner size="tiny" label="Loading the customer…" />}
      <dl className={styles.facts}>
        {contact && (
          <>
            <dt>Contact</dt>
            <dd>
              {contact.fullName}
              {contact.email ? ` · ${contact.email}` : ''}
              {contact.phone ? ` · ${contact.phone}` : ''}
            </dd>
          </>
        )}
        {account && (
          <>
            <dt>Account</dt>
            <dd className={styles.row}>
              {account.name}
              <Badge appearance="tint" color={account.tier === 'gold' ? 'warning' : account.tier === 'silver' ? 'informative' : 'subtle'}>
                {tierWords(account.tier)}
              </Badge>
            </dd>
            <dt>Cases</dt>
            <dd>
              {account.cases.open} open · {account.cases.resolved} resolved
            </dd>
          </>
        )}
        <dt>Entitlement</dt>
        <dd>
          {facts.entitlementId === null ? (
            <Text className={styles.warning}>{facts.isEntitled ? 'None recorded' : 'Not entitled: no active entitlement covers this case'}</Text>
          ) : e ? (
            <>
              {e.name}: <strong>{termsWords(e.remainingTerms, e.allocationType)}</strong> left of {termsWords(e.totalTerms, e.allocationType)}
              {channel ? ` (${termsWords(channel.remainingTerms ?? 0, e.allocationType)} left by ${facts.channel})` : ''}, until {localDate(e.endDate)}
              {e.status !== 'active' ? ` · ${e.status}` : ''}
            </>
          ) : (
            <Spinner size="tiny" />
          )}
        </dd>
      </dl>
    </Card>
  );
}
