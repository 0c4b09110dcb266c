import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../app/process/config';
import { acceptsInboundServiceUrl, defaultServiceUrlAllowList, isAllowedServiceUrl } from '../../bot/service-urls';

const OWN = 'http://127.0.0.1:3000';
/** Given, so loading the configuration writes no development secrets anywhere. */
const SECRETS = { NODE_ENV: 'test', JWT_SECRET: 'a-test-jwt-secret-of-at-least-32-characters', SURVEY_SECRET: 'a-test-survey-secret' };

describe('the service-URL allow list', () => {
  it('test and development: the Emulator\'s default (localhost, any port), not other loopback addresses unless configured', () => {
    for (const mode of ['test', 'development'] as const) {
      const list = defaultServiceUrlAllowList(mode, OWN);
      expect(isAllowedServiceUrl('http://localhost:51234/', list)).toBe(true);
      expect(isAllowedServiceUrl('http://127.0.0.1:51234/', list)).toBe(false);
      expect(isAllowedServiceUrl('http://[::1]:51234/', list)).toBe(false);
      expect(isAllowedServiceUrl('https://webchat.botframework.com/', list)).toBe(true);
    }
  });

  it('production: the Bot Framework\'s channels and Teams, nothing on loopback', () => {
    const list = defaultServiceUrlAllowList('production', 'https://support.example.com');
    expect(isAllowedServiceUrl('https://smba.trafficmanager.net/amer/', list)).toBe(true);
    expect(isAllowedServiceUrl('https://europe.directline.botframework.com/', list)).toBe(true);
    expect(isAllowedServiceUrl('http://localhost:51234/', list)).toBe(false);
    expect(isAllowedServiceUrl('https://smba.trafficmanager.net.evil.example/', list)).toBe(false);
  });

  it('a configured list replaces the defaults; the app\'s own origin stays on it', () => {
    const list = defaultServiceUrlAllowList('production', 'https://support.example.com', ['https://directline.example.org/*', 'http://127.0.0.1:*']);
    expect(isAllowedServiceUrl('https://directline.example.org/v3/', list)).toBe(true);
    expect(isAllowedServiceUrl('http://127.0.0.1:9000/', list)).toBe(true);
    expect(isAllowedServiceUrl('https://webchat.botframework.com/', list)).toBe(false);
    expect(isAllowedServiceUrl('https://support.example.com/directline-connector', list)).toBe(true);
  });

  it('never accepts the app\'s own origin (its Direct Line connector) for an activity arriving at /api/messages', () => {
    const list = defaultServiceUrlAllowList('development', OWN);
    expect(isAllowedServiceUrl(`${OWN}/directline-connector`, list)).toBe(true);
    expect(acceptsInboundServiceUrl(`${OWN}/directline-connector`, list, OWN)).toBe(false);
    expect(acceptsInboundServiceUrl(`${OWN}/`, list, OWN)).toBe(false);
    expect(acceptsInboundServiceUrl('http://localhost:51234/', list, OWN)).toBe(true);
    expect(acceptsInboundServiceUrl('http://127.0.0.1:3001/', list, OWN)).toBe(false);
    expect(acceptsInboundServiceUrl(undefined, list, OWN)).toBe(false);
  });

  it('BOT_ALLOWED_SERVICE_URLS: comma-separated origins, a bad entry named in one line', () => {
    expect(loadConfig({ ...SECRETS, BOT_ALLOWED_SERVICE_URLS: ' https://*.botframework.com , http://127.0.0.1:* ' }).bot.allowedServiceUrls).toEqual([
      'https://*.botframework.com',
      'http://127.0.0.1:*',
    ]);
    expect(loadConfig(SECRETS).bot.allowedServiceUrls).toBeUndefined();
    expect(() => loadConfig({ ...SECRETS, BOT_ALLOWED_SERVICE_URLS: 'https://ok.example,ftp://files.example' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...SECRETS, BOT_ALLOWED_SERVICE_URLS: 'https://ok.example,ftp://files.example' })).toThrow(/BOT_ALLOWED_SERVICE_URLS .*ftp:\/\/files\.example/);
  });
});
