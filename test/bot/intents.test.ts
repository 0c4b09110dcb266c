import { describe, expect, it } from 'vitest';
import { matchIntent, type Entities, type Intent } from '../../bot/intents';

const table: readonly [string, Intent, Entities?][] = [
  ['help', 'help'],
  ['What can you do?', 'help'],
  ['hi', 'greeting'],
  ['my printer is broken', 'openCase', { text: 'my printer is broken', described: true }],
  ['new case', 'openCase', {}],
  ['I have a problem', 'openCase', {}],
  ['open a case about the VPN dropping', 'openCase', { text: 'the VPN dropping' }],
  ['VPN keeps failing every hour', 'openCase', { text: 'VPN keeps failing every hour', described: true }],
  ['my cases', 'myCases'],
  ['show my cases', 'myCases'],
  ['status of CAS-01000', 'status', { caseNumber: 'CAS-01000' }],
  ["what's the status of my case?", 'status', {}],
  ['any news on my Outlook problem?', 'status', {}],
  ['I tried that, it is still offline', 'openCase', { text: 'I tried that, it is still offline', described: true }],
  ["what's the status of cas 1000?", 'status', { caseNumber: 'CAS-01000' }],
  ['CAS-01002', 'status', { caseNumber: 'CAS-01002' }],
  ['add info to CAS-01000: it also smells of smoke', 'addInfo', { caseNumber: 'CAS-01000', text: 'it also smells of smoke' }],
  ['add information the model is X200', 'addInfo', { text: 'the model is X200' }],
  ['cancel', 'cancelCase', {}],
  ['cancel CAS-01000 because it works now', 'cancelCase', { caseNumber: 'CAS-01000', text: 'it works now' }],
  ['reopen CAS-01000 it is broken again', 'reopen', { caseNumber: 'CAS-01000', text: 'it is broken again' }],
  ['5', 'surveyAnswer', { rating: 5 }],
  ['4 stars great service', 'surveyAnswer', { rating: 4, text: 'great service' }],
  ['rate CAS-01000 3 slow but fine', 'surveyAnswer', { caseNumber: 'CAS-01000', rating: 3, text: 'slow but fine' }],
  ['my queues', 'myQueues'],
  ['queues', 'myQueues'],
  ['next case', 'takeNext'],
  ['take next', 'takeNext'],
  ['accept CAS-01003', 'accept', { caseNumber: 'CAS-01003' }],
  ['show CAS-01003', 'showCase', { caseNumber: 'CAS-01003' }],
  ['complete step customer confirmed', 'completeStep', { step: 'customer_confirmed' }],
  ['confirm customer CAS-01003', 'completeStep', { caseNumber: 'CAS-01003', step: 'customer_confirmed' }],
  ['advance', 'advance'],
  ['advance CAS-01003', 'advance', { caseNumber: 'CAS-01003' }],
  ['log call 15 min', 'logActivity', { activityType: 'phone_call', minutes: 15 }],
  ['log call 15 min talked to Alice about the spooler', 'logActivity', { activityType: 'phone_call', minutes: 15, text: 'talked to Alice about the spooler' }],
  ['log note 5 minutes checked logs', 'logActivity', { activityType: 'note', minutes: 5, text: 'checked logs' }],
  ['log email 1h', 'logActivity', { activityType: 'email', minutes: 60 }],
  ['search knowledge printer offline', 'searchKnowledge', { text: 'printer offline' }],
  ['search kb vpn', 'searchKnowledge', { text: 'vpn' }],
  ['send article KA-01002', 'sendArticle', { articleNumber: 'KA-01002' }],
  ['send KA-01002 to CAS-01003', 'sendArticle', { articleNumber: 'KA-01002', caseNumber: 'CAS-01003' }],
  ['reply Hello Alice, we are on it', 'reply', { text: 'Hello Alice, we are on it' }],
  ['reply to CAS-01003: on it', 'reply', { caseNumber: 'CAS-01003', text: 'on it' }],
  ['hold waiting for parts', 'hold', { holdStatus: 'on_hold', text: 'waiting for parts' }],
  ['waiting for customer', 'hold', { holdStatus: 'waiting_for_customer' }],
  ['resume', 'resume'],
  ['transfer to Standard support', 'transfer', { queue: 'Standard support' }],
  ['transfer CAS-01003 to standard support queue', 'transfer', { caseNumber: 'CAS-01003', queue: 'standard support' }],
  ['dispatch to Gold support', 'dispatch', { queue: 'Gold support' }],
  ['reject CAS-01003 not a support question', 'reject', { caseNumber: 'CAS-01003', text: 'not a support question' }],
  ['resolve restarted the spooler', 'resolve', { text: 'restarted the spooler' }],
  ['resolve CAS-01003 with: replaced the cable', 'resolve', { caseNumber: 'CAS-01003', text: 'replaced the cable' }],
  ['set product PRN-100', 'setDetails', { product: 'PRN-100' }],
  ['products', 'products'],
  ['Product codes?', 'products'],
  ['list products', 'products'],
  ['show me the product list', 'products'],
  ['which products are there?', 'products'],
  ['what products can I choose', 'products'],
  ['set product products', 'setDetails', { product: 'products' }],
  ['set subject Printing', 'setDetails', { subject: 'Printing' }],
  ['assign CAS-01003 to gina', 'assign', { caseNumber: 'CAS-01003', user: 'gina' }],
  ['yank CAS-01003', 'yank', { caseNumber: 'CAS-01003' }],
  ['at-risk cases', 'atRisk'],
  ['show cases at risk', 'atRisk'],
  ['link 123456', 'link', { code: '123456' }],
  ['link alice', 'link', { code: 'alice' }],
  ['link code', 'linkCode'],
  ['who am i', 'whoAmI'],
  ['', 'none'],
  ['asdf qwerty', 'none'],
  ['banana', 'none'],
];

describe('the intent matcher', () => {
  it.each(table)('%j → %s', (text, intent, entities) => {
    const match = matchIntent(text);
    expect(match.intent).toBe(intent);
    if (entities) expect(match.entities).toEqual(entities);
  });

  it('never throws on odd input', () => {
    for (const text of ['   ', '\u0000', 'x'.repeat(10_000), '🙂', 'CAS-', 'KA-', 'assign', 'transfer to', 'rate']) {
      expect(() => matchIntent(text)).not.toThrow();
    }
  });
});
