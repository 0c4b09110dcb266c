import type { Attachment } from 'botbuilder';
import type { CaseView } from '../../workflows/case-state';
import { card, showCard, submit, text, textInputId, type CardElement } from './adaptive-card';

/** The case card, and how the bot words a case's status and deadlines. */

const STATUS_LABELS: Record<string, string> = {
  active: 'Active',
  on_hold: 'On hold',
  waiting_for_customer: 'Waiting for customer',
  resolved: 'Resolved',
  cancelled: 'Cancelled',
  closed: 'Closed',
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status;
}

export function formatInstant(iso: string | null | undefined, timeZone = 'UTC'): string {
  if (!iso) return '—';
  const date = new Date(iso);
  const formatted = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', timeZone }).format(date);
  return `${formatted}${timeZone === 'UTC' ? ' UTC' : ''}`;
}

export interface CaseCardOptions {
  /** Staff see work actions; customers see theirs. */
  readonly staff: boolean;
  readonly ownerName?: string | null;
  readonly queueName?: string | null;
  readonly timeZone?: string;
}

/** The case: status, stage progress (Identify → Research → Resolve), the current stage's required steps, and actions. */
export function caseCard(view: CaseView, options: CaseCardOptions): Attachment {
  const caseNumber = view.caseNumber;
  const open = view.status === 'active' || view.status === 'on_hold' || view.status === 'waiting_for_customer';
  const firstResponse = view.kpis.find((k) => k.kpi === 'first_response');
  const resolve = view.kpis.find((k) => k.kpi === 'resolve');
  const facts = [
    { title: 'Status', value: statusLabel(view.status) },
    { title: 'Priority', value: view.priority },
    ...(options.queueName ? [{ title: 'Queue', value: options.queueName }] : []),
    { title: 'Owner', value: options.ownerName ?? (view.ownerUserId ? 'assigned' : 'nobody yet') },
    ...(firstResponse ? [{ title: 'First response', value: firstResponse.succeededAt ? 'done' : `by ${formatInstant(firstResponse.failureAt, options.timeZone)} (${firstResponse.status})` }] : []),
    ...(resolve && open ? [{ title: 'Resolve by', value: `${formatInstant(resolve.failureAt, options.timeZone)} (${resolve.status})` }] : []),
  ];
  const progress = view.stages.map((s) => {
    const index = view.stages.findIndex((x) => x.current);
    const mine = view.stages.indexOf(s);
    const mark = s.current ? '▶' : mine < index || view.status === 'resolved' ? '✔' : '○';
    return { type: 'Column', width: 'stretch', items: [text(`${mark} ${s.label}`, { weight: s.current ? 'Bolder' : 'Default', horizontalAlignment: 'Center' })] };
  });
  const current = view.stages.find((s) => s.current);
  const steps = (current?.steps ?? []).map((step) => text(`${step.done ? '☑' : '☐'} ${step.label}`, { spacing: 'Small' }));

  const data = (action: string, extra: Record<string, unknown> = {}) => ({ action, caseNumber, ...extra });
  const actions: CardElement[] = [];
  if (options.staff && open) {
    if (!view.ownerUserId) actions.push(submit('Accept', data('accept')));
    const confirm = current?.steps.find((s) => s.id === 'customer_confirmed' && !s.done);
    if (confirm) actions.push(submit('Customer confirmed', data('completeStep', { stepId: 'customer_confirmed' })));
    if (view.stage !== 'resolve') actions.push(submit('Advance stage', data('advanceStage')));
    if (view.status === 'active') actions.push(submit('Hold', data('hold')));
    else actions.push(submit('Resume', data('resume')));
    actions.push(showCard('Reply', textInputId('reply'), 'Your reply to the customer', data('reply'), 'Send reply'));
    if (view.stage === 'resolve') actions.push(showCard('Resolve', textInputId('resolve'), 'Resolution', data('resolve'), 'Resolve case'));
  } else if (!options.staff) {
    if (open) {
      actions.push(showCard('Add information', textInputId('addInfo'), 'What should the agent know?', data('addInfo'), 'Send'));
      actions.push(showCard('Cancel case', textInputId('cancelCase'), 'Why? (optional)', data('cancelCase'), 'Cancel the case'));
    } else if (view.status === 'resolved' || view.status === 'cancelled') {
      actions.push(showCard('Reopen', textInputId('reopen'), 'What is still wrong?', data('reopen'), 'Reopen the case'));
    }
  }

  const body: CardElement[] = [
    text(`${caseNumber} · ${view.title}`, { size: 'Medium', weight: 'Bolder' }),
    { type: 'FactSet', facts },
    { type: 'ColumnSet', columns: progress, spacing: 'Medium' },
    ...(steps.length && open ? [text(`Required in ${current?.label ?? 'this stage'}:`, { weight: 'Bolder', spacing: 'Small' }), ...steps] : []),
    ...(view.resolution ? [text(`Resolution: ${view.resolution.text}`)] : []),
  ];
  return card(body, actions);
}
