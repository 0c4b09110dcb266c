import type { ParsedMail } from 'mailparser';
import type { EmailIntakeLimits } from './types';

/** Which attachments are stored, and which are not (and why): within the size limits, in order. */
export interface AttachmentPlan {
  readonly stored: readonly { filename: string; contentType: string; content: Buffer }[];
  readonly skipped: readonly { filename: string; size: number; why: string }[];
}

export function planAttachments(mail: ParsedMail, limits: EmailIntakeLimits): AttachmentPlan {
  const stored: { filename: string; contentType: string; content: Buffer }[] = [];
  const skipped: { filename: string; size: number; why: string }[] = [];
  let total = 0;
  mail.attachments.forEach((attachment, index) => {
    const filename = (attachment.filename ?? '').trim() || `attachment-${index + 1}`;
    const size = attachment.content.length;
    if (size > limits.maxAttachmentBytes) {
      skipped.push({ filename, size, why: `larger than ${formatBytes(limits.maxAttachmentBytes)}` });
    } else if (total + size > limits.maxTotalAttachmentBytes) {
      skipped.push({ filename, size, why: `attachments over ${formatBytes(limits.maxTotalAttachmentBytes)} in total` });
    } else {
      total += size;
      stored.push({ filename, contentType: attachment.contentType || 'application/octet-stream', content: attachment.content });
    }
  });
  return { stored, skipped };
}

/** The lines the case note gets about the attachments: those stored, and those not (with why). */
export function describeAttachments(plan: AttachmentPlan): string {
  const lines: string[] = [];
  if (plan.stored.length > 0) lines.push(`Attachments: ${plan.stored.map((f) => `${f.filename} (${formatBytes(f.content.length)})`).join(', ')}`);
  for (const file of plan.skipped) lines.push(`Attachment not stored (${file.why}): ${file.filename} (${formatBytes(file.size)})`);
  return lines.join('\n');
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
