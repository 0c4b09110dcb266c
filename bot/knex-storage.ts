import { randomUUID } from 'node:crypto';
import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import type { Database } from '../db/connection';

/** A write carried an eTag that no longer matches the stored item: someone else changed or deleted it since it was read. */
export class StorageConflictError extends Error {
  override readonly name = 'StorageConflictError';
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
  }
}

interface BotStateRow {
  key: string;
  document: Record<string, unknown>;
  etag: string;
}

/**
 * botbuilder `Storage` over the `bot_state` table (db/migrations/0008_bot.ts), so conversation,
 * user and dialog state survive a restart and any server process can continue any conversation.
 *
 * Optimistic concurrency as botbuilder expects: a read item carries the row's eTag; writing it back
 * succeeds only while that eTag is still current, otherwise StorageConflictError (BotState then
 * fails the turn instead of silently overwriting another process's changes). An item without an
 * eTag, or with '*', overwrites. Unlike MemoryStorage, a specific eTag on an item that has since
 * been deleted is a conflict too, and a write of several items is all or nothing.
 */
export class KnexStorage implements Storage {
  constructor(private readonly db: Database) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    if (keys.length === 0) return items;
    const rows = await this.db<BotStateRow>('bot_state').whereIn('key', [...new Set(keys)]).select('key', 'document', 'etag');
    for (const row of rows) items[row.key] = { ...row.document, eTag: row.etag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const entries = Object.entries(changes) as [string, StoreItem][];
    if (entries.length === 0) return;
    await this.db.transaction(async (trx) => {
      for (const [key, item] of entries) {
        const { eTag, ...document } = item;
        const json = JSON.stringify(document);
        const etag = randomUUID();
        if (eTag === undefined || eTag === null || eTag === '' || eTag === '*') {
          await trx.raw(
            `insert into bot_state (key, document, etag, updated_at) values (?, ?::jsonb, ?, now())
             on conflict (key) do update set document = excluded.document, etag = excluded.etag, updated_at = excluded.updated_at`,
            [key, json, etag],
          );
        } else {
          // Under READ COMMITTED a concurrent writer's UPDATE waits for ours and then re-checks the
          // eTag against the committed row, so exactly one of two writers with the same eTag wins.
          const updated = await trx('bot_state')
            .where({ key, etag: eTag })
            .update({ document: trx.raw('?::jsonb', [json]), etag, updated_at: trx.fn.now() });
          if (updated === 0) throw new StorageConflictError(key);
        }
      }
    });
  }

  async delete(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db('bot_state').whereIn('key', keys).delete();
  }
}
