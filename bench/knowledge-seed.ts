import type { Knex } from 'knex';

/**
 * The knowledge benchmark's articles: `count` published articles of made-up but word-like support
 * text, the same every run (a seeded generator), numbered from KA-200001 so they never meet the
 * demo's KA-01xxx.
 */

const TOPICS = [
  'printer', 'spooler', 'toner', 'scanner', 'driver', 'laptop', 'battery', 'charger', 'monitor', 'display',
  'keyboard', 'mouse', 'dock', 'bluetooth', 'wifi', 'network', 'router', 'firewall', 'vpn', 'proxy',
  'email', 'outlook', 'calendar', 'mailbox', 'attachment', 'password', 'account', 'login', 'token', 'certificate',
  'update', 'upgrade', 'install', 'license', 'activation', 'backup', 'restore', 'sync', 'storage', 'disk',
  'memory', 'processor', 'fan', 'screen', 'camera', 'microphone', 'speaker', 'headset', 'meeting', 'teams',
  'invoice', 'billing', 'refund', 'subscription', 'order', 'shipping', 'delivery', 'warranty', 'repair', 'replacement',
  'browser', 'cookie', 'cache', 'plugin', 'extension', 'download', 'upload', 'folder', 'share', 'permission',
  'database', 'report', 'export', 'import', 'spreadsheet', 'document', 'template', 'signature', 'archive', 'server',
];
const VERBS = [
  'restart', 'reset', 'reinstall', 'configure', 'check', 'replace', 'clean', 'enable', 'disable', 'connect',
  'disconnect', 'remove', 'rename', 'verify', 'renew', 'unlock', 'recover', 'sign', 'clear', 'pair',
];
const STATES = [
  'offline', 'slow', 'frozen', 'blank', 'missing', 'expired', 'locked', 'broken', 'noisy', 'jammed',
  'disconnected', 'unresponsive', 'corrupted', 'blocked', 'overheating', 'flickering', 'stuck', 'failing', 'denied', 'duplicated',
];
const FILLER = [
  'the', 'a', 'your', 'then', 'after', 'before', 'when', 'if', 'it', 'is', 'and', 'or', 'to', 'from', 'with',
  'again', 'first', 'settings', 'menu', 'option', 'step', 'button', 'window', 'message', 'error', 'device', 'user', 'system',
];

/** mulberry32: a small, fast, seeded generator; the same articles every run. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export interface SeededArticle {
  readonly article_number: string;
  readonly title: string;
  readonly keywords: string;
  readonly content: string;
  readonly status: 'published';
}

export function benchArticles(count: number, seed = 13): SeededArticle[] {
  const random = generator(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const sentence = (): string => {
    const words = [pick(VERBS), pick(FILLER), pick(TOPICS), pick(FILLER), pick(FILLER), pick(TOPICS), pick(STATES), pick(FILLER), pick(TOPICS)];
    const text = words.join(' ');
    return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
  };
  return Array.from({ length: count }, (_, index) => {
    const topic = pick(TOPICS);
    const sentences = 8 + Math.floor(random() * 16);
    return {
      article_number: `KA-${String(200_001 + index)}`,
      title: `${topic.charAt(0).toUpperCase()}${topic.slice(1)} ${pick(STATES)}: how to ${pick(VERBS)} the ${pick(TOPICS)}`,
      keywords: [topic, pick(TOPICS), pick(TOPICS), pick(STATES)].join(', '),
      content: Array.from({ length: sentences }, sentence).join(' '),
      status: 'published',
    };
  });
}

/** Inserts the articles in batches; returns how many the table holds afterwards. */
export async function seedArticles(db: Knex, count: number): Promise<number> {
  const articles = benchArticles(count);
  for (let start = 0; start < articles.length; start += 500) {
    await db('knowledge_articles').insert(articles.slice(start, start + 500));
  }
  const [row] = await db('knowledge_articles').count<{ n: string }[]>('* as n');
  return Number(row!.n);
}

/** What people type into the search box: common and rare words, a phrase, an exclusion, `or`, a sentence, an article number. */
export const BENCH_QUERIES: readonly string[] = [
  'printer offline',
  'reset password',
  '"restart the printer"',
  'vpn -certificate',
  'outlook or mailbox',
  'my laptop screen is flickering after the update and the dock is disconnected',
  'toner jammed',
  'KA-200042',
];
