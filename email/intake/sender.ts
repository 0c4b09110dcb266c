import type { Actor } from '../../domain/actor';
import type { EmailIntakeDependencies, EmailRefusal, UnknownSenderRule } from './types';

/** The contact a message is from, by address. */
export interface Sender {
  readonly contactId: string;
  readonly accountId: string | null;
  readonly userId: string | null;
}

/** The sender as a customer who acts on cases: their contact, their sign-in and its actor. */
export interface ResolvedSender {
  readonly sender: Sender;
  readonly userId: string;
  readonly actor: Actor;
}

type SenderDependencies = Pick<EmailIntakeDependencies, 'customers' | 'users' | 'logger'>;

/**
 * The sender's contact (created for an unknown address unless the rule is `refuse`) and its customer
 * sign-in (created when missing). Refused when the address is a staff user's or another user's sign-in.
 */
export async function resolveSender(deps: SenderDependencies, unknownSenders: UnknownSenderRule, from: string, displayName: string): Promise<ResolvedSender | EmailRefusal> {
  let sender = await findSender(deps, from);
  if (await addressTakenByOtherUser(deps, from, sender?.contactId ?? null)) {
    return { kind: 'refused', reason: 'address-in-use', detail: `${from} belongs to a staff user` };
  }
  if (!sender) {
    if (unknownSenders === 'refuse') {
      return { kind: 'refused', reason: 'unknown-sender', detail: `no contact has the address ${from}` };
    }
    sender = await createSender(deps, from, displayName);
    deps.logger?.info({ contactId: sender.contactId, from }, 'email from an unknown sender: contact created');
  }
  const userId = await ensureUser(deps, sender, from, displayName);
  if (!userId) return { kind: 'refused', reason: 'address-in-use', detail: `${from} is another user's sign-in name` };
  return { sender, userId, actor: await actorOf(deps, userId) };
}

async function findSender(deps: SenderDependencies, address: string): Promise<Sender | undefined> {
  const contact = await deps.customers.findContactByEmail(address);
  return contact && { contactId: contact.id, accountId: contact.accountId, userId: contact.userId };
}

/** A user with this address that is not the contact's own sign-in: a staff member's address. */
async function addressTakenByOtherUser(deps: SenderDependencies, address: string, contactId: string | null): Promise<boolean> {
  const user = await deps.users.findByEmail(address);
  return user !== undefined && (contactId === null || user.contactId !== contactId);
}

/** A new contact and its customer sign-in, in one transaction; a concurrent message from the same address finds them. */
async function createSender(deps: SenderDependencies, address: string, displayName: string): Promise<Sender> {
  const { first, last } = splitName(displayName, address);
  await deps.customers.insertContact({ firstName: first, lastName: last, email: address });
  const sender = await findSender(deps, address);
  if (!sender) throw new Error(`contact for ${address} could not be created`);
  return sender;
}

/** The contact's sign-in user (username = the address), created for a contact that has none. */
async function ensureUser(deps: SenderDependencies, sender: Sender, address: string, displayName: string): Promise<string | undefined> {
  if (sender.userId) return sender.userId;
  const contact = await deps.customers.findContactName(sender.contactId);
  if (!contact) throw new Error(`contact ${sender.contactId} not found`);
  const name = `${contact.firstName} ${contact.lastName}`.trim() || displayName || address;
  await deps.users.insertCustomerUser({ username: address, displayName: name, email: address, contactId: sender.contactId });
  // Undefined when another user already has the address as username or email.
  return deps.users.findIdByContact(sender.contactId);
}

async function actorOf(deps: SenderDependencies, userId: string): Promise<Actor> {
  const actor = await deps.users.findActor(userId);
  if (!actor) throw new Error(`user ${userId} not found`);
  return actor;
}

/** "Alice Gold" → Alice / Gold; "Gold, Alice" → Alice / Gold; no name → the address's local part. */
export function splitName(displayName: string, address: string): { first: string; last: string } {
  const name = displayName.replace(/^"|"$/g, '').trim();
  if (name === '' || name.toLowerCase() === address) return { first: address.split('@')[0] || address, last: '' };
  const comma = /^([^,]+),\s*(.+)$/.exec(name);
  if (comma) return { first: comma[2]!.trim(), last: comma[1]!.trim() };
  const parts = name.split(/\s+/);
  return { first: parts[0]!, last: parts.slice(1).join(' ') };
}
