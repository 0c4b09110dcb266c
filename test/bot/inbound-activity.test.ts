import { describe, expect, it } from 'vitest';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../../bot/http/json-bounds';
import { checkInboundActivity } from '../../bot/http/inbound-activity';

const deep = (depth: number): unknown => JSON.parse(`${'['.repeat(depth)}${']'.repeat(depth)}`);

describe('jsonDepthExceeds', () => {
  it('counts levels of objects and arrays, without recursing', () => {
    expect(jsonDepthExceeds('text')).toBe(false);
    expect(jsonDepthExceeds({ a: { b: [1] } }, 3)).toBe(false);
    expect(jsonDepthExceeds({ a: { b: [1] } }, 2)).toBe(true);
    expect(jsonDepthExceeds(deep(MAX_JSON_DEPTH))).toBe(false);
    expect(jsonDepthExceeds(deep(MAX_JSON_DEPTH + 1))).toBe(true);
    expect(jsonDepthExceeds(deep(100_000))).toBe(true);
  });
});

describe('checkInboundActivity', () => {
  const valid = { type: 'message', channelId: 'emulator', serviceUrl: 'http://localhost:1', conversation: { id: 'c' }, from: { id: 'u' } };

  it('accepts an activity with what a reply needs', () => {
    expect(checkInboundActivity(valid)).toMatchObject({ ok: true });
  });

  it('names every missing field of an empty body', () => {
    const check = checkInboundActivity({});
    expect(check.ok).toBe(false);
    if (check.ok) return;
    expect(check.problem.status).toBe(400);
    expect(check.problem.errors?.map((e) => e.pointer)).toEqual(['/body/type', '/body/channelId', '/body/serviceUrl', '/body/conversation/id', '/body/from/id']);
    expect(check.problem.detail).toMatch(/^type is required/);
  });

  it('refuses what is not an object, a field of the wrong type, and a body nested too deeply', () => {
    for (const body of [null, [valid], 'message', 42]) expect(checkInboundActivity(body)).toMatchObject({ ok: false, problem: { status: 400 } });
    const typed = checkInboundActivity({ ...valid, conversation: { id: 7 } });
    expect(typed).toMatchObject({ ok: false, problem: { errors: [{ pointer: '/body/conversation/id', detail: expect.stringMatching(/non-empty string/) as unknown }] } });
    expect(checkInboundActivity({ ...valid, channelData: deep(40) })).toMatchObject({ ok: false, problem: { detail: expect.stringMatching(/nested too deeply/) as unknown } });
  });
});
