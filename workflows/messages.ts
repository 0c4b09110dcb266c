import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type * as Commands from '../domain/case-commands';
import type { CaseView } from './case-state';

/**
 * Every message of the case workflow; clients import these definitions. Agent and customer
 * actions are Updates: their validators refuse (with a typed ApplicationFailure) before anything
 * reaches history, and each returns the case as it is once the change is recorded.
 */
export const getCaseStateQuery = defineQuery<CaseView>('getCaseState');

/**
 * Answers once the case is recorded (its row written): whoever opens a case sends it with the start
 * (Update-with-Start) and then reads the row, instead of polling the read model until it appears.
 * Not an action: it changes nothing, so it needs no actor; it answers nothing, the row is the answer.
 */
export const caseRecordedUpdate = defineUpdate<void, []>('caseRecorded');

export const acceptCaseUpdate = defineUpdate<CaseView, [Commands.AcceptCase]>('acceptCase');
export const dispatchCaseUpdate = defineUpdate<CaseView, [Commands.DispatchCase]>('dispatchCase');
export const rejectCaseUpdate = defineUpdate<CaseView, [Commands.RejectCase]>('rejectCase');
export const transferCaseUpdate = defineUpdate<CaseView, [Commands.TransferCase]>('transferCase');
export const assignCaseUpdate = defineUpdate<CaseView, [Commands.AssignCase]>('assignCase');
export const yankCaseUpdate = defineUpdate<CaseView, [Commands.YankCase]>('yankCase');
export const holdCaseUpdate = defineUpdate<CaseView, [Commands.HoldCase]>('holdCase');
export const resumeCaseUpdate = defineUpdate<CaseView, [Commands.ResumeCase]>('resumeCase');
export const changePriorityUpdate = defineUpdate<CaseView, [Commands.ChangePriority]>('changePriority');
export const updateCaseDetailsUpdate = defineUpdate<CaseView, [Commands.UpdateCaseDetails]>('updateCaseDetails');
export const addActivityUpdate = defineUpdate<CaseView, [Commands.AddActivity]>('addActivity');
export const completeActivityUpdate = defineUpdate<CaseView, [Commands.CompleteActivity]>('completeActivity');
export const linkArticleUpdate = defineUpdate<CaseView, [Commands.LinkArticle]>('linkArticle');
export const recordKnowledgeSearchUpdate = defineUpdate<CaseView, [Commands.RecordKnowledgeSearch]>('recordKnowledgeSearch');
export const replyToCustomerUpdate = defineUpdate<CaseView, [Commands.ReplyToCustomer]>('replyToCustomer');
export const completeStepUpdate = defineUpdate<CaseView, [Commands.CompleteStep]>('completeStep');
export const advanceStageUpdate = defineUpdate<CaseView, [Commands.AdvanceStage]>('advanceStage');
export const resolveCaseUpdate = defineUpdate<CaseView, [Commands.ResolveCase]>('resolveCase');
export const cancelCaseUpdate = defineUpdate<CaseView, [Commands.CancelCase]>('cancelCase');
export const reopenCaseUpdate = defineUpdate<CaseView, [Commands.ReopenCase]>('reopenCase');
export const addCustomerNoteUpdate = defineUpdate<CaseView, [Commands.AddCustomerNote]>('addCustomerNote');
export const answerSurveyUpdate = defineUpdate<CaseView, [Commands.AnswerSurvey]>('answerSurvey');

/** The ApplicationFailure types a refused action carries; channels map them to 403/409/422 and chat replies. */
export const REFUSAL_TYPES = ['NotAllowed', 'IllegalTransition', 'InvalidInput', 'NotReady'] as const;
export type RefusalType = (typeof REFUSAL_TYPES)[number];
