/**
 * The self-hosted Direct Line 3.0 channel: Web Chat talks to the app itself, so no cloud service is
 * needed to chat. Wiring (see registerDirectLine for the routes):
 *
 *   const tokens = new DirectLineTokens(secret);
 *   const serviceUrl = `${publicBaseUrl}/directline-connector`;
 *   const adapter = createBotAdapter({ ..., selfHostedConnector: { serviceUrl, credentials: directLineConnectorCredentials(tokens) } });
 *   const directLine = registerDirectLine(server, { tokens, transcripts: createDirectLineTranscripts(db),
 *     accounts: createUserAccountStatus(db), serviceUrl, bot, logger,
 *     deliver: (activity, caller) => adapter.processTrustedActivity(activity, (context) => bot.run(context), caller.caseflowUserId) });
 *   // on shutdown, before closing the HTTP server: await directLine.close();
 *
 * Transcripts live in `directline_conversations` (one row per conversation, holding the watermark
 * counter; `user_id` set null when the caseflow user is deleted) and `directline_activities` (one row
 * per activity, primary key (conversation_id, watermark), cascading with the conversation):
 * db/migrations/0012_direct_line.ts and db/repositories/direct-line-transcript.repository.ts. For a retention job,
 * `transcripts.pruneOlderThan(cutoff)` deletes conversations created before the cutoff (not scheduled).
 */
export { DIRECT_LINE_CHANNEL_ID, registerDirectLine, usesChannelAuthorization } from './direct-line.routes';
export type { DeliverActivity, DirectLineCaller, DirectLineDependencies, DirectLineHandle } from './direct-line.routes';
export { DirectLineTokens, directLineConnectorCredentials } from './tokens';
export type { DirectLineClaims, DirectLineTokenScope, RequestSigner } from './tokens';
// The transcript store is a repository (db/); re-exported so Direct Line is wired from one module.
export type { ActivityPage, DirectLineConversation, DirectLineTranscripts } from '../../db/repositories/direct-line-transcript.repository';
