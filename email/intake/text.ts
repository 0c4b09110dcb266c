import { withoutCaseNumberTags } from '../../domain/case-number';

/** Longest case title (as the API allows) and longest description or note text (as the workflow allows). */
const MAX_TITLE = 200;
const MAX_TEXT = 10_000;

/** The subject without reply prefixes and case tags; "(no subject)" when nothing is left. */
export function caseTitle(subject: string | undefined): string {
  let title = withoutCaseNumberTags(subject ?? '').replace(/\s+/g, ' ').trim();
  for (let previous = ''; previous !== title; ) {
    previous = title;
    title = title.replace(/^(re|fw|fwd|aw|sv|wg|tr)\s*(\[\d+\])?\s*:\s*/i, '').trim();
  }
  if (title === '') return '(no subject)';
  return title.length > MAX_TITLE ? `${title.slice(0, MAX_TITLE - 1)}…` : title;
}

/** The new part of a reply: the text above "On … wrote:" / "-----Original Message-----", without "> " lines. */
export function stripQuoted(text: string): string {
  const lines = text.split('\n');
  const kept: string[] = [];
  for (const line of lines) {
    if (/^\s*(On\s.+wrote:|-{2,}\s*Original Message\s*-{2,}|_{5,})\s*$/i.test(line)) break;
    if (/^\s*>/.test(line)) continue;
    kept.push(line);
  }
  return kept.join('\n').trim() || text.trim();
}

/** The text, cut to leave room for the attachments' lines, within what the workflow accepts. */
export function fit(text: string, footer: string): string {
  const room = MAX_TEXT - (footer ? footer.length + 2 : 0);
  const body = text.length > room ? `${text.slice(0, Math.max(0, room - 1))}…` : text;
  return [body, footer].filter(Boolean).join('\n\n').slice(0, MAX_TEXT);
}
