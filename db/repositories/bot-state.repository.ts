import { randomUUID } from 'node:crypto';
import type { Database } from '../connection';

/** A write carried an eTag that no longer matches the stored item: someone else changed or deleted it since it was read. */
export class StorageConflictError extends Error {
  override readonly name = 'StorageConflictError';
  constructor(readonly key: string) {
    super(`Storage: error writing "${key}" due to eTag conflict.`);
  }
}

/** A stored bot state document and the eTag of its current version. */
export interface BotStateDocument {
  readonly key: string;
  readonly document: Record<string, unknown>;
  readonly etag: string;
}

/** One document to write: `expectedEtag` undefined overwrites; otherwise the write needs that eTag to be current. */
export interface BotStateWrite {
  readonly key: string;
  readonly document: Record<string, unknown>;
  readonly expectedEtag?: string;
}

/**
 * The `bot_state` table (db/migrations/0008_bot.ts): documents by key, each with an eTag that
 * changes on every write, for a botbuilder Storage (bot/bot-state-storage.ts).
 */
export function createBotStateRepository(db: Database) {
  return {
    async read(keys: readonly string[]): Promise<BotStateDocument[]> {
      if (keys.length === 0) return [];
      return db<BotStateDocument>('bot_state').whereIn('key', [...new Set(keys)]).select('key', 'document', 'etag');
    },

    /**
     * Writes every document in one transaction, all or nothing. A write with an expected eTag
     * updates the row only while that eTag is still current, otherwise StorageConflictError (also
     * when the row has since been deleted); one without overwrites (insert or update).
     */
    async write(writes: readonly BotStateWrite[]): Promise<void> {
      if (writes.length === 0) return;
      await db.transaction(async (trx) => {
        for (const { key, document, expectedEtag } of writes) {
          const json = JSON.stringify(document);
          const etag = randomUUID();
          if (expectedEtag === undefined) {
            await trx.raw(
              `insert into bot_state (key, document, etag, updated_at) values (?, ?::jsonb, ?, now())
               on conflict (key) do update set document = excluded.document, etag = excluded.etag, updated_at = excluded.updated_at`,
              [key, json, etag],
            );
          } else {
            // Under READ COMMITTED a concurrent writer's UPDATE waits for ours and then re-checks the
            // eTag against the committed row, so exactly one of two writers with the same eTag wins.
            const updated = await trx('bot_state')
              .where({ key, etag: expectedEtag })
              .update({ document: trx.raw('?::jsonb', [json]), etag, updated_at: trx.fn.now() });
            if (updated === 0) throw new StorageConflictError(key);
          }
        }
      });
    },

    async delete(keys: readonly string[]): Promise<void> {
      if (keys.length === 0) return;
      await db('bot_state').whereIn('key', [...keys]).delete();
    },
  };
}

export type BotStateRepository = ReturnType<typeof createBotStateRepository>;
