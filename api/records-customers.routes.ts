import { STAFF, CUSTOMERS_AND_STAFF, notVisible, type RecordRouteDependencies } from './records-common.routes';
import {
  accountViewSchema,
  contactPageSchema,
  contactSearchQuery,
  contactViewSchema,
  idParams,
  productListSchema,
} from './records.schemas';
import { defineRoute, type RouteDefinition } from './route';

/** Customers (contacts, accounts) and the product catalogue. */
export function customerRoutes({ records }: RecordRouteDependencies): RouteDefinition[] {
  return [
    defineRoute({
      method: 'get',
      path: '/contacts',
      tag: 'Customers',
      summary: 'Search contacts by name or email',
      roles: STAFF,
      query: contactSearchQuery,
      responses: { 200: { description: 'A page of contacts, by last name', schema: contactPageSchema } },
      handler: async ({ actor, query }) => ({ status: 200, body: await records.searchContacts(actor!, query.q, { limit: query.limit, offset: query.offset }) }),
    }),
    defineRoute({
      method: 'get',
      path: '/contacts/{id}',
      tag: 'Customers',
      summary: "A contact with their open and resolved cases counts (a customer: only their own)",
      roles: CUSTOMERS_AND_STAFF,
      params: idParams,
      responses: { 200: { description: 'The contact', schema: contactViewSchema }, 404: { description: notVisible } },
      handler: async ({ actor, params }) => ({ status: 200, body: await records.getContact(actor!, params.id) }),
    }),
    defineRoute({
      method: 'get',
      path: '/accounts/{id}',
      tag: 'Customers',
      summary: 'An account with its contacts, its entitlements (contracted services) and open/resolved cases counts (a customer: only their own)',
      roles: CUSTOMERS_AND_STAFF,
      params: idParams,
      responses: { 200: { description: 'The account', schema: accountViewSchema }, 404: { description: notVisible } },
      handler: async ({ actor, params }) => ({ status: 200, body: await records.getAccount(actor!, params.id) }),
    }),
    defineRoute({
      method: 'get',
      path: '/products',
      tag: 'Products',
      summary: 'The product catalogue a case may relate to',
      roles: 'signed-in',
      responses: { 200: { description: 'Every product, by name', schema: productListSchema } },
      handler: async () => ({ status: 200, body: { items: await records.listProducts() } }),
    }),
  ];
}
