import { Badge } from '@fluentui/react-components';
import { priorityWords, slaWords, statusWords } from '../lib/format';

const STATUS_COLOR: Record<string, 'brand' | 'warning' | 'success' | 'informative' | 'subtle' | 'danger'> = {
  active: 'brand',
  on_hold: 'warning',
  waiting_for_customer: 'informative',
  resolved: 'success',
  cancelled: 'subtle',
  closed: 'subtle',
};

export const StatusBadge = ({ status }: { status: string }) => (
  <Badge appearance="tint" color={STATUS_COLOR[status] ?? 'informative'}>
    {statusWords(status)}
  </Badge>
);

export const PriorityBadge = ({ priority }: { priority: string }) => (
  <Badge appearance={priority === 'urgent' ? 'filled' : 'outline'} color={priority === 'urgent' || priority === 'high' ? 'danger' : 'informative'}>
    {priorityWords(priority)}
  </Badge>
);

export const SlaBadge = ({ state }: { state: string | null | undefined }) =>
  state ? (
    <Badge appearance="tint" color={state === 'noncompliant' ? 'danger' : state === 'nearing_noncompliance' ? 'warning' : state === 'succeeded' ? 'success' : 'informative'}>
      SLA {slaWords(state).toLowerCase()}
    </Badge>
  ) : null;
