import type { ParsedMail } from 'mailparser';
import type { CaseOwnership } from '../../db/repositories/case.repository';
import { caseNumbersIn } from '../../domain/case-number';
import type { Sender } from './sender';
import type { EmailIntakeDependencies } from './types';

/** Cases the message names (subject first, then the messages it answers) that belong to this customer. */
export async function namedCases(deps: Pick<EmailIntakeDependencies, 'emails' | 'caseRecords'>, mail: ParsedMail, sender: Sender): Promise<CaseOwnership[]> {
  const numbers = caseNumbersIn(mail.subject ?? '');
  const references = [...new Set([mail.inReplyTo, ...(Array.isArray(mail.references) ? mail.references : [mail.references])].filter((r): r is string => typeof r === 'string' && r !== ''))];
  if (references.length > 0) {
    const threaded = await deps.emails.caseNumbersOf(references);
    for (const number of threaded) if (!numbers.includes(number)) numbers.push(number);
  }
  if (numbers.length === 0) return [];
  const rows = await deps.caseRecords.findOwnership(numbers);
  const own = rows.filter(
    (k) =>
      k.customerContactId === sender.contactId ||
      (sender.accountId !== null && (k.customerAccountId === sender.accountId || k.contactAccountId === sender.accountId)),
  );
  return numbers.map((n) => own.find((k) => k.caseNumber === n)).filter((k): k is CaseOwnership => k !== undefined);
}
