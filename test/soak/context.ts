import type { Client } from '@temporalio/client';
import type { Database } from '../../db/connection';
import type { Answer, SoakClient } from './http';
import type { Child, Workers } from './processes';

/** What a phase of the soak works with: the running processes, the API as users, the database, and where its checks go. */

export interface SoakUser {
  readonly username: string;
  readonly token: string;
}

export interface SoakCheck {
  readonly name: string;
  readonly expected: string;
  readonly actual: string;
  readonly ok: boolean;
}

export const check = (name: string, expected: string, actual: string, ok = expected === actual): SoakCheck => ({ name, expected, actual, ok });
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export interface SoakContext {
  readonly runId: string;
  readonly client: SoakClient;
  /** The soak's own handle on the app's database (application_name caseflow-soak). */
  readonly db: Database;
  readonly temporal: Client;
  readonly workers: Workers;
  readonly server: Child;
  /** PostgreSQL as the administrator, and the name of the soak's database there. */
  readonly adminUrl: string;
  readonly databaseName: string;
  /** The server's inbound SMTP listener. */
  readonly smtpPort: number;
  readonly alice: SoakUser;
  readonly gina: SoakUser;
  /** A supervisor (an operator role). */
  readonly sue: SoakUser;
  readonly agents: readonly SoakUser[];
  readonly customers: readonly SoakUser[];
  readonly resolution: { readonly resolutionText: string; readonly resolutionType: string };
  say(line: string): void;
  addCheck(check: SoakCheck): void;
  /** A line in the phase's "notes" column of the report. */
  note(phase: string, text: string): void;
  remainingMs(): number;
  /** Opens a case through the API and waits until it is recorded. */
  openCase(phase: string, customer: SoakUser, key: string, title: string): Promise<string>;
  /** A case opened another way (chat, email): counted among the soak's cases once it is recorded. */
  adoptCase(phase: string, token: string, caseNumber: string): Promise<void>;
  act(phase: string, user: SoakUser, caseNumber: string, action: string, body: unknown, key: string, expect?: readonly number[]): Promise<Answer>;
  /** From the queue (or, `accepted`, from the agent's work in progress) to resolved. */
  resolveCase(phase: string, agent: SoakUser, caseNumber: string, key: string, accepted?: boolean): Promise<void>;
  /** `count` concurrent lifecycles as one phase of the report. */
  lifecyclePhase(name: string, count: number): Promise<void>;
  /** Wraps `body` as a phase of the report. */
  phase(name: string, body: () => Promise<void>): Promise<void>;
}
