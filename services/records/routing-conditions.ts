import type { RoutingConditions } from '../../domain/case-context';
import { isUuid } from '../../domain/ids';
import { validateRoutingConditions } from '../../domain/routing';
import type { DirectoryRepository } from '../../db/repositories/directory.repository';
import { ValidationError } from '../errors';

/** A JSON-pointer segment (RFC 6901) for a key typed by the caller. */
const pointerSegment = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Checks conditions with the domain's own validator (the one routing uses), one field at a time so
 * the error names the field as a pointer (conditions/customerTier/0); product ids must exist.
 */
export async function cleanConditions(directory: Pick<DirectoryRepository, 'existingProductIds'>, input: unknown): Promise<RoutingConditions> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new ValidationError('must be an object', 'conditions');
  for (const [key, value] of Object.entries(input as Record<string, unknown>)) checkCondition(key, value);
  const conditions = validateRoutingConditions(input);
  const productIds = conditions.productId ?? [];
  const malformed = productIds.findIndex((id) => !isUuid(id));
  if (malformed >= 0) throw new ValidationError('must be a product id (a UUID)', `conditions/productId/${malformed}`);
  const known = await directory.existingProductIds(productIds);
  const unknown = productIds.findIndex((id) => !known.has(id));
  if (unknown >= 0) throw new ValidationError(`no product ${productIds[unknown]}`, `conditions/productId/${unknown}`);
  return conditions;
}

/** One condition through the domain's validator; its error becomes a ValidationError naming the field. */
function checkCondition(key: string, value: unknown): void {
  try {
    validateRoutingConditions({ [key]: value });
  } catch (error) {
    const prefix = `Invalid routing conditions: ${key}`;
    const message = error instanceof Error ? error.message : String(error);
    const rest = message.startsWith(prefix) ? message.slice(prefix.length) : ` ${message}`;
    const index = /^\[(\d+)\]/.exec(rest);
    const field = `conditions/${pointerSegment(key)}${index ? `/${index[1]}` : ''}`;
    throw new ValidationError(rest.slice(index?.[0].length ?? 0).trim(), field);
  }
}
