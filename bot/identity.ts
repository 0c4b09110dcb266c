import { randomInt } from 'node:crypto';
import type { Storage, TurnContext } from 'botbuilder';
import type { UserAccountStatusRepository, UserRepository } from '../db/repositories/user.repository';
import type { Actor } from '../domain/actor';
import { signedInUserIdOf, type BotMode } from './adapter';

/**
 * Who is chatting.
 *
 * 1. The signed-in caseflow user of our own Web Chat page (`signedInUserIdOf`: a claim only the
 *    self-hosted Direct Line adds, so it cannot be forged from /api/messages).
 * 2. Otherwise the user this chat user linked to, kept in user state:
 *    - `link <code>` with a one-time code that a signed-in user got by typing `link code` in Web Chat
 *      (8 characters, valid 10 minutes, usable once; kept in the bot Storage, so any process can redeem it);
 *    - `link <username>`: a DEMO CONVENIENCE, accepted only in development and test mode, so the
 *      Bot Framework Emulator can act as any seeded user. Production refuses it.
 * 3. Nobody: the chat user may still open a case as a new contact (name and email asked).
 *
 * A disabled account (users.disabled) is `source: 'disabled'` on its next turn, whichever way it was
 * reached (signed in or linked), and cannot be linked to: the bot answers that the account is disabled
 * and runs nothing (caseflow-bot.ts).
 *
 * Out of scope: confirming an email address (no code is mailed). Because of that, an email
 * address that already belongs to a contact or user is refused for a new contact instead of being
 * linked to it: typing someone's address must never show you their cases.
 */

/** What user state keeps about the chat user. */
export interface IdentityState {
  linkedUserId?: string;
}

export interface IdentityDependencies {
  readonly users: Pick<UserRepository, 'findActor' | 'findActorByUsername' | 'isAddressKnown' | 'createContactUser'>;
  /** Whether an account is disabled, asked on every turn of a signed-in or linked user. */
  readonly accounts: Pick<UserAccountStatusRepository, 'findAccountStatus'>;
  readonly storage: Storage;
  readonly mode: BotMode;
  /** Defaults to `signedInUserIdOf` (the adapter's claim). */
  readonly signedInUserId?: (context: TurnContext) => string | undefined;
  readonly now?: () => number;
}

/** `disabled`: the signed-in or linked user's account is disabled; `actor` is then undefined. */
export type IdentitySource = 'signed-in' | 'linked' | 'none' | 'disabled';

export interface ChatIdentity {
  readonly actor: Actor | undefined;
  readonly source: IdentitySource;
}

export type LinkResult = { readonly ok: true; readonly actor: Actor; readonly how: 'code' | 'username' } | { readonly ok: false; readonly reason: string };
export type NewContactResult = { readonly ok: true; readonly actor: Actor } | { readonly ok: false; readonly reason: string };

export const LINK_CODE_TTL_MS = 10 * 60_000;
const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const LINK_CODE = /^[A-Z2-9]{8}$/;
const EMAIL = /^[^\s@<>()[\]\\,;:"]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

interface LinkCodeItem {
  userId: string;
  expiresAt: number;
}

const codeKey = (code: string) => `caseflow/link-code/${code}`;

export const ACCOUNT_DISABLED_REASON = 'That account is disabled, so this chat cannot be linked to it. Please contact your caseflow administrator.';

export function createIdentity(deps: IdentityDependencies) {
  const signedIn = deps.signedInUserId ?? signedInUserIdOf;
  const now = deps.now ?? Date.now;
  const isDisabled = async (userId: string): Promise<boolean> => (await deps.accounts.findAccountStatus(userId))?.disabled === true;

  return {
    async identify(context: TurnContext, state: IdentityState): Promise<ChatIdentity> {
      const userId = signedIn(context);
      if (userId) {
        if (await isDisabled(userId)) return { actor: undefined, source: 'disabled' };
        const actor = await deps.users.findActor(userId);
        if (actor) return { actor, source: 'signed-in' };
      }
      if (state.linkedUserId) {
        // The link is kept: should the account be enabled again, the chat is linked again.
        if (await isDisabled(state.linkedUserId)) return { actor: undefined, source: 'disabled' };
        const actor = await deps.users.findActor(state.linkedUserId);
        if (actor) return { actor, source: 'linked' };
        delete state.linkedUserId;
      }
      return { actor: undefined, source: 'none' };
    },

    /** A one-time code that links another chat (Teams, the Emulator) to this user. */
    async issueLinkCode(actor: Actor): Promise<string> {
      let code = '';
      for (let i = 0; i < 8; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
      await deps.storage.write({ [codeKey(code)]: { userId: actor.userId, expiresAt: now() + LINK_CODE_TTL_MS, eTag: '*' } });
      return code;
    },

    async link(codeOrUsername: string, state: IdentityState): Promise<LinkResult> {
      const input = codeOrUsername.trim();
      const upper = input.toUpperCase();
      if (LINK_CODE.test(upper)) {
        const key = codeKey(upper);
        const items = await deps.storage.read([key]);
        const item = items[key] as Partial<LinkCodeItem> | undefined;
        if (item) await deps.storage.delete([key]); // one use, whatever the outcome
        if (item && typeof item.userId === 'string' && typeof item.expiresAt === 'number' && item.expiresAt > now()) {
          const actor = await deps.users.findActor(item.userId);
          if (actor && (await isDisabled(actor.userId))) return { ok: false, reason: ACCOUNT_DISABLED_REASON };
          if (actor) {
            state.linkedUserId = actor.userId;
            return { ok: true, actor, how: 'code' };
          }
        }
        return { ok: false, reason: 'That link code is not valid or has expired. Sign in on the chat page and type "link code" for a new one.' };
      }
      if (deps.mode !== 'production' && /^[\w.@+-]{1,100}$/.test(input)) {
        const actor = await deps.users.findActorByUsername(input);
        if (actor && (await isDisabled(actor.userId))) return { ok: false, reason: ACCOUNT_DISABLED_REASON };
        if (actor) {
          state.linkedUserId = actor.userId;
          return { ok: true, actor, how: 'username' };
        }
      }
      return { ok: false, reason: 'I don\'t recognise that link code. Sign in on the chat page and type "link code" to get one, then type "link" and that code here.' };
    },

    unlink(state: IdentityState): void {
      delete state.linkedUserId;
    },

    /**
     * A new contact and its customer user for an unknown chat user, as email intake does for an
     * unknown sender; the chat is linked to it. An address already known is refused (see above).
     */
    async createContact(name: string, email: string, state: IdentityState): Promise<NewContactResult> {
      const cleanName = name.replace(/\s+/g, ' ').trim();
      const address = email.trim().toLowerCase();
      if (cleanName === '' || cleanName.length > 100) return { ok: false, reason: 'Please give a name of 1 to 100 characters.' };
      if (address.length > 254 || !EMAIL.test(address)) return { ok: false, reason: 'That does not look like an email address.' };
      if (await deps.users.isAddressKnown(address)) {
        return {
          ok: false,
          reason: 'That address already belongs to a customer. Please sign in on the chat page (or type "link" and your link code) so I know it is you.',
        };
      }
      const [first, ...others] = cleanName.split(' ');
      const userId = await deps.users.createContactUser({ firstName: first ?? cleanName, lastName: others.join(' '), email: address, displayName: cleanName });
      const actor = await deps.users.findActor(userId);
      if (!actor) throw new Error('new contact not found');
      state.linkedUserId = actor.userId;
      return { ok: true, actor };
    },
  };
}

export type Identity = ReturnType<typeof createIdentity>;

export function isEmailAddress(text: string): boolean {
  return EMAIL.test(text.trim());
}
