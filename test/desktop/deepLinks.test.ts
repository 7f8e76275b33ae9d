import { describe, expect, it, vi } from 'vitest';
import { deepInviteLink, webInviteLink } from '../../shared/invite.ts';
import { findDeepLink, openDeepLink, parseDeepLink } from '../../main/deepLinks.ts';

const TOKEN = 'tok_abcdefghijklmnop';

describe('findDeepLink', () => {
  it('finds the warroom: argument among executable, flags and app path', () => {
    const link = deepInviteLink('http://10.0.0.5:4000', TOKEN, 'INC-7');
    expect(findDeepLink(['/opt/War Room/warroom', '--no-sandbox', link])).toBe(link);
    expect(findDeepLink(['electron', 'dist/main/main.cjs', '--flag'])).toBeNull();
  });
});

describe('parseDeepLink', () => {
  it('turns a valid invite into a join command for the renderer', () => {
    const link = deepInviteLink('https://wr.example.com:8443/ignored', TOKEN, 'INC-7');
    expect(parseDeepLink(link)).toEqual({
      ok: true,
      command: { type: 'join', serverUrl: 'https://wr.example.com:8443', token: TOKEN, incidentId: 'INC-7' },
    });
    expect(parseDeepLink(`warroom://join?server=http%3A%2F%2F127.0.0.1%3A4000&token=${TOKEN}`)).toMatchObject({
      ok: true, command: { incidentId: null, serverUrl: 'http://127.0.0.1:4000' },
    });
  });

  it.each([
    ['a web link', webInviteLink('http://127.0.0.1:4000', TOKEN), /not a warroom:\/\/ link/],
    ['another action', `warroom://delete?server=http%3A%2F%2Fh&token=${TOKEN}`, /not a join link/],
    ['no server', `warroom://join?token=${TOKEN}`, /does not name a server/],
    ['a file: server', `warroom://join?server=file%3A%2F%2F%2Fetc&token=${TOKEN}`, /must be http or https/],
    ['no token', 'warroom://join?server=http%3A%2F%2Fh%3A4000', /no valid token/],
    ['a bad incident id', `warroom://join?server=http%3A%2F%2Fh&token=${TOKEN}&incident=%3Cscript%3E`, /incident id/],
    ['garbage', 'warroom:::', /cannot be used/],
  ])('refuses %s with a sentence', (_what, link, why) => {
    const out = parseDeepLink(link);
    expect(out.ok).toBe(false);
    if (!out.ok) {
      expect(out.message).toMatch(why);
      expect(out.message).toMatch(/^This invite link cannot be used: .*Ask the incident lead/);
    }
  });
});

describe('openDeepLink', () => {
  const deps = () => ({ saveInvite: vi.fn(async () => undefined), sendCommand: vi.fn(), showError: vi.fn(), focusWindow: vi.fn() });

  it('saves the server and token, then sends the join command', async () => {
    const d = deps();
    await openDeepLink(d, deepInviteLink('http://127.0.0.1:4000', TOKEN, 'INC-7'));
    expect(d.saveInvite).toHaveBeenCalledWith('http://127.0.0.1:4000', TOKEN);
    expect(d.sendCommand).toHaveBeenCalledWith({ type: 'join', serverUrl: 'http://127.0.0.1:4000', token: TOKEN, incidentId: 'INC-7' });
    expect(d.showError).not.toHaveBeenCalled();
    expect(d.focusWindow).toHaveBeenCalled();
  });

  it('shows a bad link\u2019s reason and changes nothing', async () => {
    const d = deps();
    const out = await openDeepLink(d, 'warroom://join?server=http%3A%2F%2Fh%3A4000&token=short');
    expect(out.ok).toBe(false);
    expect(d.showError).toHaveBeenCalledWith('Invite not opened', expect.stringMatching(/no valid token/));
    expect(d.saveInvite).not.toHaveBeenCalled();
    expect(d.sendCommand).not.toHaveBeenCalled();
  });
});
