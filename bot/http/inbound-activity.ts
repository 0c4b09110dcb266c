import type { Activity } from 'botbuilder';
import { findUnstorableText } from '../../domain/text';
import type { BotProblem } from './problem';
import { jsonDepthExceeds, TOO_DEEP_DETAIL } from './json-bounds';

/**
 * The fields a channel's activity must carry before /api/messages hands it to botbuilder: without
 * them botbuilder threw (a 500) or the reply had nowhere to go. Checked before authentication, so a
 * caller learns what is wrong without a turn running.
 */
const REQUIRED: ReadonlyArray<{ readonly path: readonly string[]; readonly detail: string }> = [
  { path: ['type'], detail: 'is required: the activity type, e.g. "message" or "conversationUpdate"' },
  { path: ['channelId'], detail: 'is required: the channel the activity comes from' },
  { path: ['serviceUrl'], detail: 'is required: the channel\'s Connector service, where replies go' },
  { path: ['conversation', 'id'], detail: 'is required: the conversation the activity belongs to' },
  { path: ['from', 'id'], detail: 'is required: who sent the activity' },
];

const MAX_FIELD_CHARS = 2_048;

export type InboundActivityCheck = { readonly ok: true; readonly activity: Activity } | { readonly ok: false; readonly problem: BotProblem };

function at(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const badRequest = (detail: string, errors?: BotProblem['errors']): InboundActivityCheck => ({
  ok: false,
  problem: { status: 400, slug: 'bad-request', title: 'Not a Bot Framework activity', detail, ...(errors ? { errors } : {}) },
});

export function checkInboundActivity(body: unknown): InboundActivityCheck {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return badRequest('the body must be a JSON object: a Bot Framework activity with type, channelId, serviceUrl, conversation.id and from.id');
  }
  if (jsonDepthExceeds(body)) return badRequest(TOO_DEEP_DETAIL);
  const errors = REQUIRED.flatMap(({ path, detail }) => {
    const value = at(body, path);
    if (typeof value === 'string' && value.trim() !== '' && value.length <= MAX_FIELD_CHARS) return [];
    const why = value === undefined ? detail : `must be a non-empty string of at most ${MAX_FIELD_CHARS} characters`;
    return [{ pointer: `/body/${path.join('/')}`, detail: why }];
  });
  if (errors.length > 0) return badRequest(errors.map((e) => `${e.pointer.slice('/body/'.length).replace('/', '.')} ${e.detail}`).join('; '), errors);
  // Bot state and transcripts are stored as jsonb: text PostgreSQL cannot keep is refused here.
  const unstorable = findUnstorableText(body);
  if (unstorable) return badRequest(`${unstorable.field} ${unstorable.problem}`, [{ pointer: `/body/${unstorable.field.replaceAll('.', '/')}`, detail: unstorable.problem }]);
  return { ok: true, activity: body as Activity };
}
