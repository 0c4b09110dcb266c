import type { Knex } from 'knex';
import * as customers from './0001_customers';
import * as sla from './0002_sla';
import * as entitlements from './0003_entitlements';
import * as queues from './0004_queues';
import * as cases from './0005_cases';
import * as knowledge from './0006_knowledge';
import * as engagement from './0007_engagement';
import * as bot from './0008_bot';
import * as notifications from './0009_notifications';
import * as userCredentials from './0010_user_credentials';
import * as email from './0011_email';
import * as directLine from './0012_direct_line';
import * as caseRequestFingerprint from './0013_case_request_fingerprint';
import * as caseProblems from './0014_case_problems';
import * as signInAudit from './0015_sign_in_audit';
import * as emailMessageSender from './0016_email_message_sender';
import * as casesUpdatedAt from './0017_cases_updated_at';
import * as takeNextRequests from './0018_take_next_requests';

/**
 * Every migration, keyed by the name recorded in knex_migrations. Keys are applied in sorted order
 * and must never be renamed once released: a database remembers migrations by these names.
 */
export const migrations: Record<string, Knex.Migration> = {
  '0001_customers': customers,
  '0002_sla': sla,
  '0003_entitlements': entitlements,
  '0004_queues': queues,
  '0005_cases': cases,
  '0006_knowledge': knowledge,
  '0007_engagement': engagement,
  '0008_bot': bot,
  '0009_notifications': notifications,
  '0010_user_credentials': userCredentials,
  '0011_email': email,
  '0012_direct_line': directLine,
  '0013_case_request_fingerprint': caseRequestFingerprint,
  '0014_case_problems': caseProblems,
  '0015_sign_in_audit': signInAudit,
  '0016_email_message_sender': emailMessageSender,
  '0017_cases_updated_at': casesUpdatedAt,
  '0018_take_next_requests': takeNextRequests,
};
