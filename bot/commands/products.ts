import { isStaff } from '../../domain/actor';
import { PRODUCTS_TEXT } from '../help-texts';
import { reply } from '../replies';
import type { CommandHandler, CommandHandlers } from './command-context';

/** "products": the active products' codes and names, the codes "set product …" takes (anyone signed in may read the catalogue, as on GET /products). */
const products: CommandHandler = async (ctx) => {
  const { actor, services, turn } = ctx;
  const active = (await services.products.listProducts()).filter((product) => product.active);
  if (active.length === 0) return reply(turn, PRODUCTS_TEXT.none);
  const lines = [...active].sort((a, b) => a.code.localeCompare(b.code)).map((product) => `- **${product.code}** ${product.name}`);
  return reply(turn, `${PRODUCTS_TEXT.heading(isStaff(actor))}\n\n${lines.join('\n')}`);
};

export const productCommands: CommandHandlers = { products };
