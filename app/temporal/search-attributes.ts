import type { Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { CASE_SEARCH_ATTRIBUTES } from '../../workflows/search-attributes';

const KEYWORD = temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD;

/** What registering the case's search attributes on a namespace came to. */
export type SearchAttributeRegistration =
  | { readonly outcome: 'present' }
  | { readonly outcome: 'registered'; readonly added: readonly string[] }
  /** Names another application registered with another type than Keyword: upserts would stall cases. */
  | { readonly outcome: 'taken'; readonly names: readonly string[] }
  /** The server refused to add them and they are not there: upserts would stall cases. */
  | { readonly outcome: 'refused'; readonly missing: readonly string[]; readonly reason: string }
  /** The server would not say which attributes it has (no operator rights, an old server). */
  | { readonly outcome: 'unknown'; readonly reason: string };

/**
 * Makes sure the namespace has the case's search attributes (workflows/search-attributes.ts), all
 * Keyword: adds the missing ones (idempotent: an attribute already there is left alone) and waits
 * until the server lists them. A name already taken with another type is refused.
 */
export async function registerCaseSearchAttributes(
  connection: Pick<Connection, 'operatorService'>,
  namespace: string,
  options: { readonly waitMs?: number } = {},
): Promise<SearchAttributeRegistration> {
  const registered = async (): Promise<Record<string, temporal.api.enums.v1.IndexedValueType>> =>
    (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
  const missingFrom = (attributes: Record<string, unknown>): string[] => CASE_SEARCH_ATTRIBUTES.filter((name) => attributes[name] === undefined);
  let attributes: Record<string, temporal.api.enums.v1.IndexedValueType>;
  try {
    attributes = await registered();
  } catch (error) {
    return { outcome: 'unknown', reason: reasonOf(error) };
  }
  // A name another application registered with another type cannot be ours.
  const taken = CASE_SEARCH_ATTRIBUTES.filter((name) => attributes[name] !== undefined && attributes[name] !== KEYWORD);
  if (taken.length > 0) return { outcome: 'taken', names: taken };
  const missing = missingFrom(attributes);
  if (missing.length === 0) return { outcome: 'present' };
  try {
    await connection.operatorService.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])),
    });
  } catch (error) {
    // Another process may have added them meanwhile ("already exists"): look again.
    const still = await registered().then(missingFrom, () => missing);
    if (still.length === 0) return { outcome: 'present' };
    return { outcome: 'refused', missing: still, reason: reasonOf(error) };
  }
  const deadline = Date.now() + (options.waitMs ?? 10_000);
  for (;;) {
    const still = missingFrom(await registered());
    if (still.length === 0) return { outcome: 'registered', added: missing };
    if (Date.now() > deadline) return { outcome: 'refused', missing: still, reason: 'added, but the server does not list them yet' };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** The command an operator runs to register them by hand. */
export function registrationCommand(namespace: string): string {
  return `temporal operator search-attribute create --namespace ${namespace} ${CASE_SEARCH_ATTRIBUTES.map((name) => `--name ${name}`).join(' ')} --type Keyword`;
}

function reasonOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
}
