import { describe, expect, it, vi } from 'vitest';
import { deepInviteLink, webInviteLink } from '../../shared/invite.ts';
import { findDeepLink, isLoopbackUrl, openDeepLink, parseDeepLink, type Question } from '../../main/deepLinks.ts';

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
  /** `answers` are the person's replies to the questions, in order. */
  const deps = (...answers: boolean[]) => {
    const questions: Question[] = [];
    return {
      questions,
      confirm: vi.fn(async (q: Question) => {
        questions.push(q);
        return answers.shift() ?? false;
      }),
      saveInvite: vi.fn(async () => undefined), sendCommand: vi.fn(), showError: vi.fn(), focusWindow: vi.fn(),
    };
  };

  it('asks first, naming the server, then saves the server and token and sends the join command', async () => {
    const d = deps(true);
    await openDeepLink(d, deepInviteLink('http://127.0.0.1:4000', TOKEN, 'INC-7'));
    expect(d.questions).toHaveLength(1);
    expect(d.questions[0]!.message).toContain('http://127.0.0.1:4000');
    expect(d.questions[0]!.detail).toContain('INC-7');
    expect(d.saveInvite).toHaveBeenCalledWith('http://127.0.0.1:4000', TOKEN);
    expect(d.sendCommand).toHaveBeenCalledWith({ type: 'join', serverUrl: 'http://127.0.0.1:4000', token: TOKEN, incidentId: 'INC-7' });
    expect(d.showError).not.toHaveBeenCalled();
    expect(d.focusWindow).toHaveBeenCalled();
  });

  it('changes nothing when the person says no', async () => {
    const d = deps(false);
    const out = await openDeepLink(d, deepInviteLink('https://evil.example', TOKEN));
    expect(out).toMatchObject({ ok: false, cancelled: true });
    expect(d.saveInvite).not.toHaveBeenCalled();
    expect(d.sendCommand).not.toHaveBeenCalled();
  });

  it('asks a second time for plain http to another computer, and refuses unless confirmed', async () => {
    const lan = deepInviteLink('http://10.0.0.5:4000', TOKEN);
    const no = deps(true, false);
    expect(await openDeepLink(no, lan)).toMatchObject({ ok: false, cancelled: true });
    expect(no.questions.map((q) => q.title)).toEqual(['Join a war room?', 'Unencrypted server']);
    expect(no.questions[1]!.message).toContain('http://10.0.0.5:4000');
    expect(no.saveInvite).not.toHaveBeenCalled();
    const yes = deps(true, true);
    expect(await openDeepLink(yes, lan)).toMatchObject({ ok: true });
    expect(yes.saveInvite).toHaveBeenCalledWith('http://10.0.0.5:4000', TOKEN);
    // https, or http to this computer, needs no second question.
    for (const server of ['https://wr.example.com', 'http://localhost:4000', 'http://[::1]:4000']) {
      const d = deps(true);
      expect(await openDeepLink(d, deepInviteLink(server, TOKEN))).toMatchObject({ ok: true });
      expect(d.questions).toHaveLength(1);
    }
  });

  it('knows which addresses are this computer', () => {
    expect(['http://127.0.0.1:1', 'http://127.8.9.1', 'http://localhost', 'http://[::1]:3'].every(isLoopbackUrl)).toBe(true);
    expect(['http://10.0.0.5', 'http://localhost.evil.example', 'http://127.0.0.1.nip.io', 'http://[::2]'].some(isLoopbackUrl)).toBe(false);
  });

  it('shows a bad link\u2019s reason and changes nothing, without asking', async () => {
    const d = deps(true);
    const out = await openDeepLink(d, 'warroom://join?server=http%3A%2F%2Fh%3A4000&token=short');
    expect(out.ok).toBe(false);
    expect(d.confirm).not.toHaveBeenCalled();
    expect(d.showError).toHaveBeenCalledWith('Invite not opened', expect.stringMatching(/no valid token/));
    expect(d.saveInvite).not.toHaveBeenCalled();
    expect(d.sendCommand).not.toHaveBeenCalled();
  });
});
