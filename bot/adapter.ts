import {
  type Activity,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  type InvokeResponse,
  type TurnContext,
} from 'botbuilder';
// botbuilder's own dependency (pinned by botbuilder 4.23.3 to the same version): the adapter's
// authentication and connector classes are not re-exported by botbuilder.
import {
  type AuthenticateRequestResult,
  AuthenticationConstants,
  BotFrameworkAuthentication,
  type BotFrameworkClient,
  type ClaimsIdentity,
  ConnectorClient,
  type ConnectorFactory,
  type UserTokenClient,
} from 'botframework-connector';
import type { Logger } from 'pino';

export type BotMode = 'development' | 'production' | 'test';

/**
 * A channel this app hosts itself (the Direct Line endpoint): the adapter sends replies for its
 * conversations to `serviceUrl` signed with `credentials`, never with a Microsoft Entra token.
 */
export interface SelfHostedConnector {
  /** Base URL of the connector, exactly as stamped on the channel's activities (`activity.serviceUrl`). */
  readonly serviceUrl: string;
  readonly credentials: ConstructorParameters<typeof ConnectorClient>[0];
}

export interface BotAdapterOptions {
  /** MICROSOFT_APP_ID; required in production (without it botbuilder accepts any caller). */
  readonly appId: string | undefined;
  readonly appPassword: string | undefined;
  readonly tenantId: string | undefined;
  readonly appType: 'MultiTenant' | 'SingleTenant' | 'UserAssignedMSI';
  readonly mode: BotMode;
  readonly logger: Logger;
  readonly selfHostedConnector?: SelfHostedConnector;
}

/** What the user sees when a turn fails: never the error itself. */
export const TURN_ERROR_MESSAGE = 'Sorry, something went wrong on our side. Please try again in a moment.';

/**
 * Claim carrying the signed-in caseflow user of a turn. Only processTrustedActivity adds it: claims
 * from /api/messages come from a token Microsoft signed (or are empty when authentication is off),
 * so a caller cannot forge it the way it could forge `from.id` or `channelData`.
 */
const CASEFLOW_USER_CLAIM = 'urn:caseflow:user-id';

/** The caseflow user a turn's channel has authenticated, when it is one of this app's own channels. */
export function signedInUserIdOf(context: TurnContext): string | undefined {
  const identity = context.turnState.get<ClaimsIdentity | undefined>(context.adapter.BotIdentityKey);
  return identity?.getClaimValue(CASEFLOW_USER_CLAIM) ?? undefined;
}

/** CloudAdapter plus an entry for activities that a channel of this app has already authenticated. */
export class BotAdapter extends CloudAdapter {
  constructor(
    private readonly authentication: BotFrameworkAuthentication,
    private readonly appId: string,
  ) {
    super(authentication);
  }

  /**
   * Runs a turn for an activity from the self-hosted Direct Line, which checked its own token: no
   * Bot Framework token exists for it, so /api/messages (which demands one when app credentials are
   * set) cannot take it. Replies go to the activity's serviceUrl through the connector factory, which
   * signs them for the self-hosted connector. `caseflowUserId` becomes signedInUserIdOf(context).
   */
  async processTrustedActivity(activity: Activity, logic: (context: TurnContext) => Promise<void>, caseflowUserId?: string): Promise<void> {
    const claimsIdentity = this.createClaimsIdentity(this.appId);
    if (caseflowUserId) claimsIdentity.claims.push({ type: CASEFLOW_USER_CLAIM, value: caseflowUserId });
    const result: AuthenticateRequestResult = {
      // What authenticateRequest gives a channel's activity; the self-hosted connector ignores it.
      audience: AuthenticationConstants.ToChannelFromBotOAuthScope,
      claimsIdentity,
      connectorFactory: this.authentication.createConnectorFactory(claimsIdentity),
    };
    await this.processActivity(result, activity, logic);
  }

  /**
   * Runs a turn for an activity a Bot Framework channel POSTed to /api/messages (bot/http/messages.route.ts):
   * authenticates its Bot Framework token first. Any failure to authenticate (a forged token, or the
   * Bot Framework's signing keys out of reach) is a ChannelAuthenticationError carrying the cause,
   * for the log; the caller answers 401 without it.
   */
  async processChannelActivity(activity: Activity, authHeader: string, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined> {
    let result: AuthenticateRequestResult;
    try {
      result = await this.authentication.authenticateRequest(activity, authHeader);
    } catch (error) {
      throw new ChannelAuthenticationError(error);
    }
    return this.processActivity(result, activity, logic);
  }
}

/** The Bot Framework token of a /api/messages request was refused or could not be checked; `cause` says why (log it, never send it). */
export class ChannelAuthenticationError extends Error {
  override readonly name = 'ChannelAuthenticationError';
  constructor(cause: unknown) {
    super('the request\'s Bot Framework token was not accepted', { cause });
  }
}

/**
 * Bot Framework authentication (ConfigurationBotFrameworkAuthentication) plus the app's own
 * connector: a connector client for the self-hosted service URL signs with the app's own
 * credentials, every other one with the Bot Framework's. Proactive messages and the Direct Line
 * endpoint's turns (createConnectorFactory) may reach the self-hosted connector; a channel's activity
 * on /api/messages (authenticateRequest, which builds its own connector factory) never may.
 */
class SelfHostedConnectorAuthentication extends BotFrameworkAuthentication {
  constructor(
    private readonly inner: BotFrameworkAuthentication,
    private readonly connector: SelfHostedConnector,
  ) {
    super();
  }

  /**
   * `trusted`: the self-hosted connector's URL gets its credentials (Direct Line turns, proactive
   * messages). Otherwise (an activity a channel sent to /api/messages) a client for this app's own
   * origin is refused, whatever its serviceUrl said: its replies would land in whichever Direct Line
   * conversation it named. Other paths of the app's origin are never a connector.
   */
  private route(inner: ConnectorFactory | undefined, trusted: boolean): ConnectorFactory {
    const { serviceUrl, credentials } = this.connector;
    const own = serviceUrl.replace(/\/+$/, '');
    const ownOrigin = new URL(serviceUrl).origin;
    return {
      create: (url: string, audience?: string): Promise<ConnectorClient> => {
        if (sameOrigin(url, ownOrigin)) {
          if (!trusted || url.replace(/\/+$/, '') !== own) return Promise.reject(new Error(`no connector of a channel at ${url}: only the Direct Line endpoint's own turns reach this app's connector`));
          return Promise.resolve(new ConnectorClient(credentials, { baseUri: url }));
        }
        if (!inner) return Promise.reject(new Error(`no connector for ${url}`));
        return inner.create(url, audience);
      },
    };
  }

  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    return { ...result, connectorFactory: this.route(result.connectorFactory, false) };
  }

  override async authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
    return { ...result, connectorFactory: this.route(result.connectorFactory, false) };
  }

  /** Proactive messages and processTrustedActivity: stored references and the Direct Line endpoint's own turns. */
  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.route(this.inner.createConnectorFactory(claimsIdentity), true);
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.inner.createUserTokenClient(claimsIdentity);
  }

  override createBotFrameworkClient(): BotFrameworkClient {
    return this.inner.createBotFrameworkClient();
  }

  override getOriginatingAudience(): string {
    return this.inner.getOriginatingAudience();
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }
}

function sameOrigin(url: string, origin: string): boolean {
  try {
    return new URL(url).origin === origin;
  } catch {
    return false;
  }
}

/**
 * CloudAdapter with ConfigurationBotFrameworkAuthentication. With MICROSOFT_APP_ID (and its
 * password or managed identity) it accepts only requests carrying a Bot Framework token for this
 * bot; with none, botbuilder turns authentication off entirely and serves any caller, which is what
 * the Bot Framework Emulator needs locally, so that is refused outside development and test.
 */
export function createBotAdapter(options: BotAdapterOptions): BotAdapter {
  const { appId, appPassword, tenantId, appType, mode, logger } = options;
  if (mode === 'production') {
    if (!appId) throw new Error('MICROSOFT_APP_ID must be set in production: without an app id the bot endpoint accepts any caller');
    if (appType !== 'UserAssignedMSI' && !appPassword) throw new Error(`MICROSOFT_APP_PASSWORD must be set in production for a ${appType} bot`);
  }
  if (appId && appType !== 'MultiTenant' && !tenantId) throw new Error(`MICROSOFT_APP_TENANT_ID must be set for a ${appType} bot`);

  const configuration = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: appId ?? '',
    MicrosoftAppPassword: appPassword ?? '',
    MicrosoftAppTenantId: tenantId ?? '',
    MicrosoftAppType: appType,
  });
  const authentication = options.selfHostedConnector ? new SelfHostedConnectorAuthentication(configuration, options.selfHostedConnector) : configuration;
  const adapter = new BotAdapter(authentication, appId ?? '');

  adapter.onTurnError = async (context, error) => {
    const { activity } = context;
    logger.error(
      { err: error, channelId: activity.channelId, conversationId: activity.conversation?.id, activityType: activity.type, activityId: activity.id },
      'bot turn failed',
    );
    try {
      await context.sendActivity(TURN_ERROR_MESSAGE);
    } catch (sendError) {
      logger.warn({ err: sendError, conversationId: activity.conversation?.id }, 'could not tell the user that the turn failed');
    }
  };
  return adapter;
}
