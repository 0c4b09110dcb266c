import type { Actor } from './actor';
import type { Priority } from './case';
import type { StepId } from './process-flow';

/** What an agent, supervisor or customer asks of a case. Each becomes one workflow Update. */
export const ACTIVITY_TYPES = ['phone_call', 'email', 'task', 'appointment', 'note'] as const;
export type ActivityType = (typeof ACTIVITY_TYPES)[number];

/** An activity logged on a case; the workflow chooses its id, so every write of it is keyed. */
export interface CaseActivityItem {
  readonly id: string;
  readonly type: ActivityType;
  readonly subject: string;
  readonly body: string;
  readonly direction: 'inbound' | 'outbound' | null;
  readonly state: 'open' | 'closed';
  readonly minutesSpent: number;
  readonly dueAt: string | null;
  readonly createdAt: string;
  readonly closedAt: string | null;
  readonly createdByUserId: string | null;
}

export const RESOLUTION_TYPES = ['problem_solved', 'information_provided', 'workaround'] as const;
export type ResolutionType = (typeof RESOLUTION_TYPES)[number];

export const HOLD_STATUSES = ['on_hold', 'waiting_for_customer'] as const;
export type HoldStatus = (typeof HOLD_STATUSES)[number];

interface ByActor {
  readonly actor: Actor;
}

export type AcceptCase = ByActor;
export interface DispatchCase extends ByActor { readonly queueId: string }
export interface RejectCase extends ByActor { readonly reason: string }
export interface TransferCase extends ByActor { readonly queueId: string }
export interface AssignCase extends ByActor { readonly userId: string }
export type YankCase = ByActor;
export interface HoldCase extends ByActor { readonly status: HoldStatus; readonly reason: string }
export type ResumeCase = ByActor;
export interface ChangePriority extends ByActor { readonly priority: Priority }
export interface UpdateCaseDetails extends ByActor { readonly productId?: string | null; readonly subject?: string | null }
export interface AddActivity extends ByActor {
  readonly type: ActivityType;
  readonly subject: string;
  readonly body: string;
  readonly direction: 'inbound' | 'outbound' | null;
  readonly minutesSpent: number;
  /** Open: still to be done (a task, a call to make); closed: done and logged. */
  readonly open: boolean;
  readonly dueAt: string | null;
}
export interface CompleteActivity extends ByActor { readonly activityId: string; readonly minutesSpent?: number }
export interface LinkArticle extends ByActor {
  readonly articleId: string;
  readonly articleNumber: string;
  readonly title: string;
  readonly sendToCustomer: boolean;
}
export interface RecordKnowledgeSearch extends ByActor { readonly query: string }
export interface ReplyToCustomer extends ByActor { readonly text: string; readonly minutesSpent?: number }
export interface CompleteStep extends ByActor { readonly stepId: StepId }
export type AdvanceStage = ByActor;
export interface ResolveCase extends ByActor { readonly resolutionText: string; readonly resolutionType: ResolutionType }
export interface CancelCase extends ByActor { readonly reason: string }
export interface ReopenCase extends ByActor { readonly reason: string }
export interface AddCustomerNote extends ByActor { readonly text: string }
export interface AnswerSurvey extends ByActor { readonly rating: number; readonly comment: string }
