import { describe, expect, it } from 'vitest';
import { deepInviteLink, parseInvite, webInviteLink } from './invite.ts';

const token = 'eyJyb2xlIjoibGVhZCJ9.c2lnbmF0dXJl';

describe('invite links', () => {
  it.each([
    [webInviteLink('http://127.0.0.1:4000', token, 'inc-1'), { serverUrl: 'http://127.0.0.1:4000', token, incidentId: 'inc-1' }],
    [webInviteLink('https://war.example.com/some/path', token), { serverUrl: 'https://war.example.com', token, incidentId: null }],
    [deepInviteLink('http://10.0.0.5:4000/', token, 'x'), { serverUrl: 'http://10.0.0.5:4000', token, incidentId: 'x' }],
  ])('round-trips %s', (link, invite) => {
    expect(parseInvite(link)).toEqual({ ok: true, invite });
  });

  it('puts the token in the fragment, never in the query string', () => {
    for (const link of [webInviteLink('http://h:4000', token, 'inc-1'), deepInviteLink('http://h:4000', token, 'inc-1')]) {
      const u = new URL(link);
      expect(u.search).not.toContain(token);
      expect(u.searchParams.has('token')).toBe(false);
      expect(u.hash).toBe(`#token=${token}&incident=inc-1`);
    }
  });

  it.each([
    ['http://127.0.0.1:4000/?token=' + token + '&incident=inc-1', { serverUrl: 'http://127.0.0.1:4000', token, incidentId: 'inc-1' }],
    ['warroom://join?server=http%3A%2F%2F10.0.0.5%3A4000&token=' + token, { serverUrl: 'http://10.0.0.5:4000', token, incidentId: null }],
  ])('still reads the old query form %s', (link, invite) => {
    expect(parseInvite(link)).toEqual({ ok: true, invite });
  });

  it.each([
    ['not a link', 'it is not a link'],
    ['ftp://host/?token=' + token, 'not supported'],
    ['warroom://join?token=' + token, 'does not name a server'],
    ['warroom://join?server=javascript:alert(1)&token=' + token, 'http or https'],
    ['warroom://other?server=http://h&token=' + token, 'not a join link'],
    ['http://h:4000/?token=short', 'no valid token'],
    ['http://h:4000/#token=short', 'no valid token'],
    ['http://h:4000/#token=' + token + '&incident=../../etc', 'incident id'],
    ['http://h:4000/?token=' + token + '&incident=../../etc', 'incident id'],
  ])('refuses %s with a sentence', (link, why) => {
    const r = parseInvite(link);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.code).toBe('INVITE_INVALID');
      expect(r.message).toContain(why);
    }
  });
});
