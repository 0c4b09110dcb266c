import type { Knex } from 'knex';
import type { Database } from '../connection';
import { hashPassword } from '../password-hash';

/**
 * Demo data that plays DOMAIN.md's canonical scenario: a gold customer with a 15-case contract,
 * routed to the gold queue under a 15-minute first-response SLA.
 *
 * Idempotent: every row is keyed by a natural key (username, code, name, article number) or, where
 * the record has none (accounts, entitlements, goals), by a fixed id, and inserted with
 * `on conflict do nothing`. A second run therefore changes nothing — in particular it never resets
 * state the app has since changed, such as an entitlement's remaining terms.
 */

export const DEMO = {
  goldAccountId: '6a0c1d2e-0001-4000-8000-00000000a001',
  goldAccountName: 'Contoso Gold Ltd',
  goldContactEmail: 'alice@contoso-gold.example',
  goldEntitlementId: '6a0c1d2e-0002-4000-8000-00000000e001',
  goldEntitlementName: 'Contoso Gold support: 15 cases a year',
  goldEntitlementChannels: ['phone', 'email', 'web'],
  standardAccountId: '6a0c1d2e-0001-4000-8000-00000000a002',
  standardAccountName: 'Fabrikam Retail',
  standardContactEmail: 'bob@fabrikam.example',
  silverAccountId: '6a0c1d2e-0001-4000-8000-00000000a003',
  silverAccountName: 'Northwind Traders',
  silverContactEmail: 'sven@northwind.example',
  silverEntitlementId: '6a0c1d2e-0002-4000-8000-00000000e002',
  silverEntitlementName: 'Northwind support: 600 minutes a year',
  goldQueueName: 'Gold support',
  standardQueueName: 'Standard support',
  businessCalendarName: 'Standard business hours',
  slaPolicyNames: { gold: 'Gold', standard: 'Standard', noContract: 'No contract' },
  usernames: {
    goldCustomer: 'alice',
    standardCustomer: 'bob',
    silverCustomer: 'sven',
    goldAgent: 'gina',
    standardAgent: 'sam',
    supervisor: 'sue',
    admin: 'adam',
    operator: 'otto',
  },
  productCodes: { printer: 'PRN-100', vpn: 'VPN-GW', billing: 'BILLING', desktopApp: 'APP-DESK' },
  firstArticleNumber: 'KA-01001',
  lastArticleNumber: 'KA-01012',
} as const;

export type DemoRole = 'customer' | 'agent' | 'supervisor' | 'admin' | 'operator';

export interface DemoUser {
  readonly username: string;
  readonly role: DemoRole;
  readonly displayName: string;
}

export interface DemoSummary {
  readonly users: readonly DemoUser[];
  readonly goldAccountId: string;
  readonly goldEntitlementId: string;
}

const CONTACTS = [
  { email: DEMO.goldContactEmail, first: 'Alice', last: 'Gold', accountId: DEMO.goldAccountId },
  { email: DEMO.standardContactEmail, first: 'Bob', last: 'Brown', accountId: DEMO.standardAccountId },
  { email: DEMO.silverContactEmail, first: 'Sven', last: 'Silver', accountId: DEMO.silverAccountId },
] as const;

interface SeedUser extends DemoUser {
  readonly email: string;
  /** Customers sign in as one of the contacts. */
  readonly contactEmail?: string;
}

const customer = (username: string, displayName: string, email: string): SeedUser => ({
  username,
  role: 'customer',
  displayName,
  email,
  contactEmail: email,
});
const staff = (username: string, role: DemoRole, displayName: string): SeedUser => ({
  username,
  role,
  displayName,
  email: `${username}@caseflow.example`,
});

const USERS: readonly SeedUser[] = [
  customer(DEMO.usernames.goldCustomer, 'Alice Gold', DEMO.goldContactEmail),
  customer(DEMO.usernames.standardCustomer, 'Bob Brown', DEMO.standardContactEmail),
  customer(DEMO.usernames.silverCustomer, 'Sven Silver', DEMO.silverContactEmail),
  staff(DEMO.usernames.goldAgent, 'agent', 'Gina Agent'),
  staff(DEMO.usernames.standardAgent, 'agent', 'Sam Agent'),
  staff(DEMO.usernames.supervisor, 'supervisor', 'Sue Supervisor'),
  staff(DEMO.usernames.admin, 'admin', 'Adam Admin'),
  staff(DEMO.usernames.operator, 'operator', 'Otto Operator'),
];

const PRODUCTS = [
  { code: DEMO.productCodes.printer, name: 'OfficeJet 100 printer', description: 'Networked office laser printer.' },
  { code: DEMO.productCodes.vpn, name: 'SecureConnect VPN', description: 'Remote-access VPN gateway and client.' },
  { code: DEMO.productCodes.billing, name: 'Billing portal', description: 'Invoices, payment methods and refunds.' },
  { code: DEMO.productCodes.desktopApp, name: 'Caseflow Desktop', description: 'Windows and macOS desktop client.' },
] as const;

interface SeedArticle {
  readonly number: string;
  readonly title: string;
  readonly keywords: string;
  readonly content: string;
  readonly product?: string;
}

const ARTICLES: readonly SeedArticle[] = [
  {
    number: 'KA-01001',
    title: 'How to reset your password',
    keywords: 'password reset login locked sign-in',
    content:
      'If you forgot your password, choose "Forgot password" on the sign-in page and enter your email address. ' +
      'A reset link valid for 30 minutes is sent to you. After five failed attempts the account is locked for ' +
      '15 minutes; wait, or ask support to unlock it.',
  },
  {
    number: 'KA-01002',
    title: 'Printer shows "offline": bring it back online',
    keywords: 'printer offline spooler queue network',
    content:
      'Check that the printer is powered on and connected to the same network as your computer. Open the print ' +
      'queue, cancel stuck jobs and untick "Use printer offline". If it stays offline, restart the print spooler ' +
      'service, then remove and re-add the printer.',
    product: DEMO.productCodes.printer,
  },
  {
    number: 'KA-01003',
    title: 'Connecting to the VPN from home',
    keywords: 'vpn remote access tunnel home',
    content:
      'Install the SecureConnect client, sign in with your work account and choose the nearest gateway. If the ' +
      'connection drops, check that your home router allows UDP port 443 and that the system clock is correct; ' +
      'certificate checks fail when it is not.',
    product: DEMO.productCodes.vpn,
  },
  {
    number: 'KA-01004',
    title: 'Understanding your invoice',
    keywords: 'invoice billing charges tax line items',
    content:
      'Each invoice lists the subscription period, the number of seats and any usage charges. Taxes are shown per ' +
      'line. Invoices are issued on the first working day of the month and can be downloaded as PDF from the ' +
      'billing portal.',
    product: DEMO.productCodes.billing,
  },
  {
    number: 'KA-01005',
    title: 'Updating your payment method',
    keywords: 'billing payment card direct debit',
    content:
      'In the billing portal open "Payment methods", add the new card or bank account and mark it as default. ' +
      'The next invoice is charged to it. Remove the old method only after the new one shows as verified.',
    product: DEMO.productCodes.billing,
  },
  {
    number: 'KA-01006',
    title: 'Setting up multi-factor authentication',
    keywords: 'mfa 2fa authenticator security sign-in',
    content:
      'Open your profile, choose "Security" and scan the QR code with an authenticator app. Keep the recovery ' +
      'codes somewhere safe: they are the only way back in if you lose the phone.',
  },
  {
    number: 'KA-01007',
    title: 'Email not syncing on a mobile device',
    keywords: 'email sync mobile outlook phone mailbox',
    content:
      'Remove the account from the phone and add it again using the automatic setup. Make sure background data ' +
      'is allowed for the mail app and that the phone is not in battery-saver mode, which pauses synchronisation.',
  },
  {
    number: 'KA-01008',
    title: 'Wi-Fi keeps dropping in the office',
    keywords: 'wifi wireless network disconnect',
    content:
      'Forget the network and reconnect. Update the wireless adapter driver and turn off its power-saving option. ' +
      'If several devices drop at once, including the shared printer, report it to support with the time it ' +
      'happened.',
  },
  {
    number: 'KA-01009',
    title: 'Requesting a refund',
    keywords: 'refund credit cancellation billing',
    content:
      'Refunds for unused seats are issued as a credit note on the next invoice. Open a case from the billing ' +
      'portal with the invoice number; requests are handled within five working days.',
    product: DEMO.productCodes.billing,
  },
  {
    number: 'KA-01010',
    title: 'Installing Caseflow Desktop',
    keywords: 'install setup download desktop windows macos',
    content:
      'Download the installer for your system from the portal and run it with administrator rights. On macOS ' +
      'allow the app in "Privacy & Security" the first time it starts. Sign in with your work account.',
    product: DEMO.productCodes.desktopApp,
  },
  {
    number: 'KA-01011',
    title: 'Exporting your data to CSV',
    keywords: 'export csv data download report',
    content:
      'Open any list, choose "Export" and pick CSV. Exports over 50,000 rows are prepared in the background and ' +
      'emailed to you as a download link valid for seven days.',
    product: DEMO.productCodes.desktopApp,
  },
  {
    number: 'KA-01012',
    title: 'A slow laptop: first checks',
    keywords: 'slow performance laptop memory disk',
    content:
      'Restart the laptop, then check free disk space (keep at least 15 percent free) and close programs that ' +
      'start with the system. If it is still slow, run the built-in hardware diagnostics and attach the report ' +
      'to your case.',
  },
];

export interface SeedOptions {
  /** The password given to demo users that have none yet (config DEMO_PASSWORD); default 'demo'. */
  readonly demoPassword?: string;
}

/** The demo users' password unless DEMO_PASSWORD says otherwise. */
export const DEFAULT_DEMO_PASSWORD = 'demo';

/** Seeds the demo records; safe to run on every start. */
export async function seedDemoData(db: Database, options: SeedOptions = {}): Promise<DemoSummary> {
  // One transaction: a seed interrupted halfway leaves nothing behind to confuse the next run.
  await db.transaction(async (trx) => {
    await seedCustomers(trx);
    await seedUsersAndQueues(trx);
    await seedDemoPasswords(trx, options.demoPassword ?? DEFAULT_DEMO_PASSWORD);
    const sla = await seedServiceLevels(trx);
    await seedEntitlements(trx, sla);
    await seedRoutingAndGoals(trx);
    await seedArticles(trx);
  });
  return {
    users: USERS.map(({ username, role, displayName }) => ({ username, role, displayName })),
    goldAccountId: DEMO.goldAccountId,
    goldEntitlementId: DEMO.goldEntitlementId,
  };
}

/** The id of the row whose unique `column` equals `value`; the seed has just made sure it exists. */
async function idOf(trx: Knex.Transaction, table: string, column: string, value: string): Promise<string> {
  const row = await trx(table).where(column, value).first<{ id: string } | undefined>('id');
  if (!row) throw new Error(`demo seed: no ${table} row with ${column} = ${value}`);
  return row.id;
}

async function seedCustomers(trx: Knex.Transaction): Promise<void> {
  const accounts = [
    [DEMO.goldAccountId, DEMO.goldAccountName, 'gold', 'it@contoso-gold.example'],
    [DEMO.standardAccountId, DEMO.standardAccountName, 'standard', 'office@fabrikam.example'],
    [DEMO.silverAccountId, DEMO.silverAccountName, 'silver', 'admin@northwind.example'],
  ] as const;
  await trx('accounts')
    .insert(accounts.map(([id, name, tier, email]) => ({ id, name, tier, email })))
    .onConflict('id')
    .ignore();
  // No conflict target: the contacts' unique key is the expression index on lower(email).
  await trx('contacts')
    .insert(
      CONTACTS.map((c) => ({
        account_id: c.accountId,
        first_name: c.first,
        last_name: c.last,
        email: c.email,
      })),
    )
    .onConflict()
    .ignore();
  await trx('products').insert([...PRODUCTS]).onConflict('code').ignore();
}

async function seedUsersAndQueues(trx: Knex.Transaction): Promise<void> {
  for (const user of USERS) {
    const contactId = user.contactEmail ? await idOf(trx, 'contacts', 'email', user.contactEmail) : null;
    await trx('users')
      .insert({
        username: user.username,
        display_name: user.displayName,
        email: user.email,
        role: user.role,
        contact_id: contactId,
      })
      .onConflict()
      .ignore();
  }
  await trx('queues')
    .insert([
      {
        name: DEMO.goldQueueName,
        email: 'gold-support@caseflow.example',
        description: 'Cases from gold-tier customers.',
        is_default: false,
      },
      {
        name: DEMO.standardQueueName,
        email: 'support@caseflow.example',
        description: 'Every other case.',
        is_default: true,
      },
    ])
    .onConflict()
    .ignore();
  const membership = [
    [DEMO.goldQueueName, DEMO.usernames.goldAgent],
    [DEMO.standardQueueName, DEMO.usernames.goldAgent],
    [DEMO.standardQueueName, DEMO.usernames.standardAgent],
    [DEMO.goldQueueName, DEMO.usernames.supervisor],
    [DEMO.standardQueueName, DEMO.usernames.supervisor],
  ] as const;
  for (const [queue, username] of membership) {
    const row = {
      queue_id: await idOf(trx, 'queues', 'name', queue),
      user_id: await idOf(trx, 'users', 'username', username),
    };
    await trx('queue_members').insert(row).onConflict(['queue_id', 'user_id']).ignore();
  }
}

/**
 * Gives every demo user without a password the demo password. A password already set (by an earlier
 * seed or changed since) is kept: neither a second run nor a new DEMO_PASSWORD resets it.
 */
async function seedDemoPasswords(trx: Knex.Transaction, password: string): Promise<void> {
  const missing = await trx('users')
    .whereIn('username', USERS.map((u) => u.username))
    .whereNull('password_hash')
    .pluck<string[]>('username');
  // Hashed concurrently: scrypt runs on libuv's thread pool.
  const hashes = await Promise.all(missing.map((username) => hashPassword(password).then((hash) => [username, hash] as const)));
  for (const [username, hash] of hashes) {
    await trx('users').where({ username }).whereNull('password_hash').update({ password_hash: hash });
  }
}

interface SlaIds {
  readonly gold: string;
  readonly standard: string;
}

const HOURS = 60;
/** The business calendar's day is 09:00–18:00, so a business day of resolve time is nine hours. */
const BUSINESS_DAY = 9 * HOURS;

async function seedServiceLevels(trx: Knex.Transaction): Promise<SlaIds> {
  const weekday = [['09:00', '18:00']];
  // England and Wales bank holidays.
  const holidays = ['2026-12-25', '2026-12-28', '2027-01-01', '2027-03-26', '2027-03-29', '2027-05-03', '2027-05-31'];
  await trx('business_calendars')
    .insert({
      name: DEMO.businessCalendarName,
      time_zone: 'Europe/London',
      weekly_hours: JSON.stringify({ mon: weekday, tue: weekday, wed: weekday, thu: weekday, fri: weekday }),
      holidays: JSON.stringify(holidays),
    })
    .onConflict('name')
    .ignore();
  const calendarId = await idOf(trx, 'business_calendars', 'name', DEMO.businessCalendarName);
  const names = DEMO.slaPolicyNames;
  const paused = JSON.stringify(['on_hold', 'waiting_for_customer']);
  await trx('sla_policies')
    .insert([
      {
        name: names.gold,
        description: 'Gold contract: first contact within 15 minutes, around the clock.',
        business_calendar_id: null,
        pause_on: JSON.stringify(['waiting_for_customer']),
      },
      {
        name: names.standard,
        description: 'Standard contract, counted in business hours.',
        business_calendar_id: calendarId,
        pause_on: paused,
      },
      {
        name: names.noContract,
        description: 'Customers without a contract still get support, at a generous pace.',
        applies_when_no_entitlement: true,
        business_calendar_id: calendarId,
        pause_on: paused,
      },
    ])
    .onConflict()
    .ignore();
  const gold = await idOf(trx, 'sla_policies', 'name', names.gold);
  const standard = await idOf(trx, 'sla_policies', 'name', names.standard);
  const noContract = await idOf(trx, 'sla_policies', 'name', names.noContract);
  const kpis = [
    [gold, 'first_response', 10, 15],
    [gold, 'resolve', 6 * HOURS, 8 * HOURS],
    [standard, 'first_response', 3 * HOURS, 4 * HOURS],
    [standard, 'resolve', 2 * BUSINESS_DAY, 3 * BUSINESS_DAY],
    [noContract, 'first_response', 6 * HOURS, 8 * HOURS],
    [noContract, 'resolve', 4 * BUSINESS_DAY, 5 * BUSINESS_DAY],
  ] as const;
  // No conflict target: the unique key is an expression index over the nullable priority and tier.
  await trx('sla_kpis')
    .insert(
      kpis.map(([policy, kpi, warn, fail]) => ({
        sla_policy_id: policy,
        kpi,
        warn_after_minutes: warn,
        fail_after_minutes: fail,
      })),
    )
    .onConflict()
    .ignore();
  return { gold, standard };
}

const GOLD_TEMPLATE = 'Gold: 15 cases a year';
const SILVER_TEMPLATE = 'Silver: 600 minutes a year';

async function seedEntitlements(trx: Knex.Transaction, sla: SlaIds): Promise<void> {
  await trx('entitlement_templates')
    .insert([
      { name: GOLD_TEMPLATE, allocation_type: 'cases', total: 15, duration_days: 365 },
      { name: SILVER_TEMPLATE, allocation_type: 'minutes', total: 600, duration_days: 365 },
    ])
    .onConflict('name')
    .ignore();
  // Active for a year from the day of the first seed; later runs keep those dates (and the balance).
  const period = {
    start_date: trx.raw('current_date'),
    end_date: trx.raw("(current_date + interval '1 year')::date"),
    status: 'active',
    is_default: true,
  };
  await trx('entitlements')
    .insert([
      {
        ...period,
        id: DEMO.goldEntitlementId,
        name: DEMO.goldEntitlementName,
        customer_account_id: DEMO.goldAccountId,
        template_id: await idOf(trx, 'entitlement_templates', 'name', GOLD_TEMPLATE),
        allocation_type: 'cases',
        total_terms: 15,
        remaining_terms: 15,
        sla_policy_id: sla.gold,
      },
      {
        ...period,
        id: DEMO.silverEntitlementId,
        name: DEMO.silverEntitlementName,
        customer_account_id: DEMO.silverAccountId,
        template_id: await idOf(trx, 'entitlement_templates', 'name', SILVER_TEMPLATE),
        allocation_type: 'minutes',
        total_terms: 600,
        remaining_terms: 600,
        sla_policy_id: sla.standard,
      },
    ])
    .onConflict('id')
    .ignore();
  // Null per-channel terms: the channels share the entitlement's allowance.
  const channels = [
    ...DEMO.goldEntitlementChannels.map((channel) => ({ entitlement_id: DEMO.goldEntitlementId, channel })),
    ...['phone', 'email', 'web', 'chat'].map((channel) => ({ entitlement_id: DEMO.silverEntitlementId, channel })),
  ];
  await trx('entitlement_channels').insert(channels).onConflict(['entitlement_id', 'channel']).ignore();
}

const AGENT_GOAL_ID = '6a0c1d2e-0003-4000-8000-00000000f001';
const TEAM_GOAL_ID = '6a0c1d2e-0003-4000-8000-00000000f002';

async function seedRoutingAndGoals(trx: Knex.Transaction): Promise<void> {
  const goldQueue = await idOf(trx, 'queues', 'name', DEMO.goldQueueName);
  const standardQueue = await idOf(trx, 'queues', 'name', DEMO.standardQueueName);
  await trx('routing_rules')
    .insert([
      {
        name: 'Gold customers to the gold queue',
        position: 10,
        conditions: JSON.stringify({ customerTier: ['gold'] }),
        queue_id: goldQueue,
      },
      { name: 'Everything else to standard support', position: 1000, conditions: '{}', queue_id: standardQueue },
    ])
    .onConflict('position')
    .ignore();
  // The calendar month of the first seed.
  const month = {
    period_start: trx.raw("date_trunc('month', current_date)::date"),
    period_end: trx.raw("(date_trunc('month', current_date) + interval '1 month' - interval '1 day')::date"),
  };
  await trx('goals')
    .insert([
      {
        ...month,
        id: AGENT_GOAL_ID,
        name: 'Gina: resolve 20 cases this month',
        owner_user_id: await idOf(trx, 'users', 'username', DEMO.usernames.goldAgent),
        metric: 'cases_resolved',
        target: 20,
      },
      {
        ...month,
        id: TEAM_GOAL_ID,
        name: 'Standard support: fewer than 25 cases in progress',
        queue_id: standardQueue,
        metric: 'cases_in_progress',
        target: 25,
      },
    ])
    .onConflict('id')
    .ignore();
}

async function seedArticles(trx: Knex.Transaction): Promise<void> {
  const productIds = new Map<string, string>();
  for (const { code } of PRODUCTS) productIds.set(code, await idOf(trx, 'products', 'code', code));
  const rows = ARTICLES.map((a) => ({
    article_number: a.number,
    title: a.title,
    keywords: a.keywords,
    content: a.content,
    status: 'published',
    product_id: a.product === undefined ? null : (productIds.get(a.product) ?? null),
  }));
  await trx('knowledge_articles').insert(rows).onConflict('article_number').ignore();
}
