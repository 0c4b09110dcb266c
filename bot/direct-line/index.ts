/**
 * The self-hosted Direct Line 3.0 channel: Web Chat talks to the app itself, so no cloud service is
 * needed to chat. Wiring (see registerDirectLine for the routes):
 *
 *   const tokens = new DirectLineTokens(secret);
 *   const serviceUrl = `${publicBaseUrl}/directline-connector`;
 *   const adapter = createBotAdapter({ ..., selfHostedConnector: { serviceUrl, credentials: directLineConnectorCredentials(tokens) } });
 *   const directLine = registerDirectLine(server, { tokens, transcripts: createDirectLineTranscripts(db), serviceUrl, bot, logger,
 *     deliver: (activity, caller) => adapter.processTrustedActivity(activity, (context) => bot.run(context), caller.caseflowUserId) });
 *   // on shutdown, before closing the HTTP server: await directLine.close();
 *
 * Transcripts live in `bot_state` for now (transcript.repository.ts). Proposed tables, for a later
 * migration and a table-backed DirectLineTranscripts with the same interface:
 *
 *   directline_conversations (id text primary key, chat_user_id text not null,
 *     user_id uuid null references users(id) on delete set null, watermark integer not null default 0,
 *     created_at timestamptz not null default now(), index (created_at) for a retention job)
 *   directline_activities (conversation_id text not null references directline_conversations(id) on delete cascade,
 *     watermark integer not null, activity jsonb not null, created_at timestamptz not null default now(),
 *     primary key (conversation_id, watermark))
 */
export { DIRECT_LINE_CHANNEL_ID, registerDirectLine, usesChannelAuthorization } from './direct-line.routes';
export type { DeliverActivity, DirectLineCaller, DirectLineDependencies, DirectLineHandle } from './direct-line.routes';
export { DirectLineTokens, directLineConnectorCredentials } from './tokens';
export type { DirectLineClaims, DirectLineTokenScope, RequestSigner } from './tokens';
export { createDirectLineTranscripts } from './transcript.repository';
export type { ActivityPage, DirectLineConversation, DirectLineTranscripts } from './transcript.repository';
