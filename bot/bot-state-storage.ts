import type { Storage, StoreItem, StoreItems } from 'botbuilder';
import type { BotStateRepository } from '../db/repositories/bot-state.repository';

export { StorageConflictError } from '../db/repositories/bot-state.repository';

/**
 * botbuilder `Storage` over the bot state repository (the `bot_state` table), so conversation,
 * user and dialog state survive a restart and any server process can continue any conversation.
 *
 * Optimistic concurrency as botbuilder expects: a read item carries the row's eTag; writing it back
 * succeeds only while that eTag is still current, otherwise StorageConflictError (BotState then
 * fails the turn instead of silently overwriting another process's changes). An item without an
 * eTag, or with '*', overwrites. Unlike MemoryStorage, a specific eTag on an item that has since
 * been deleted is a conflict too, and a write of several items is all or nothing.
 */
export class BotStateStorage implements Storage {
  constructor(private readonly states: BotStateRepository) {}

  async read(keys: string[]): Promise<StoreItems> {
    const items: StoreItems = {};
    for (const row of await this.states.read(keys)) items[row.key] = { ...row.document, eTag: row.etag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    const writes = (Object.entries(changes) as [string, StoreItem][]).map(([key, item]) => {
      const { eTag, ...document } = item;
      const overwrite = eTag === undefined || eTag === null || eTag === '' || eTag === '*';
      return { key, document, ...(overwrite ? {} : { expectedEtag: eTag }) };
    });
    await this.states.write(writes);
  }

  async delete(keys: string[]): Promise<void> {
    await this.states.delete(keys);
  }
}
