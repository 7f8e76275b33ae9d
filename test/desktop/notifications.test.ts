import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, type NotifyRequest, type ShellCommand } from '../../shared/bridge.ts';
import { MAX_NAME_CHARS, MAX_TEXT_CHARS, MAX_TITLE_CHARS, NOTIFY_BODY_MAX_CHARS, NOTIFY_TITLE_MAX_CHARS } from '../../shared/constants.ts';
import { replay } from '../../shared/reducer.ts';
import { logFor } from '../../shared/testkit.ts';
import { APP_ORIGIN } from '../../main/appProtocol.ts';
import { IPC } from '../../main/channels.ts';
import { registerIpcHandlers, type SenderEvent } from '../../main/ipc.ts';
import { showNotification, truncateText, type NotifyDeps } from '../../main/notifications.ts';
import { notifyForOps } from '../../renderer/sync/notify.ts';
import type { StoreCtx } from '../../renderer/store/context.ts';
import type { WarRoomState } from '../../renderer/store/types.ts';
import { serverOriginChanged } from '../../main/settings.ts';

function deps(supported = true) {
  const clicks: (() => void)[] = [];
  const shown = vi.fn();
  const sent: ShellCommand[] = [];
  const d = {
    isSupported: () => supported,
    create: vi.fn(() => ({ on: (_e: 'click', l: () => void) => clicks.push(l), show: shown })),
    focusWindow: vi.fn(),
    sendCommand: (c: ShellCommand) => sent.push(c),
  } satisfies NotifyDeps;
  return { d, clicks, shown, sent };
}

describe('desktop notifications', () => {
  it('shows the title and body; a click focuses the window and opens the incident', () => {
    const { d, clicks, shown, sent } = deps();
    expect(showNotification(d, { title: 'Help requested', body: 'Ana needs a DBA', incidentId: 'INC-9' })).toBe(true);
    expect(d.create).toHaveBeenCalledWith({ title: 'Help requested', body: 'Ana needs a DBA', silent: false });
    expect(shown).toHaveBeenCalled();
    expect(d.focusWindow).not.toHaveBeenCalled();
    clicks.forEach((c) => c());
    expect(d.focusWindow).toHaveBeenCalled();
    expect(sent).toEqual([{ type: 'open-incident', incidentId: 'INC-9' }]);
  });

  it('a click without an incident only focuses the window', () => {
    const { d, clicks, sent } = deps();
    showNotification(d, { title: 'Update due', body: 'Post a stakeholder update' });
    clicks.forEach((c) => c());
    expect(d.focusWindow).toHaveBeenCalled();
    expect(sent).toEqual([]);
  });

  it('does nothing where the OS has no notifications', () => {
    const { d } = deps(false);
    expect(showNotification(d, { title: 't', body: 'b' })).toBe(false);
    expect(d.create).not.toHaveBeenCalled();
  });
});

describe('server origin changes (the window reloads for its CSP)', () => {
  it.each([
    [null, 'http://127.0.0.1:4000', true],
    ['http://127.0.0.1:4000', 'http://127.0.0.1:4000/', false],
    ['http://127.0.0.1:4000', 'http://127.0.0.1:4001', true],
    ['http://h:4000', 'https://h:4000', true],
    ['https://h', null, true],
  ])('%s → %s: %s', (a, b, changed) => {
    expect(serverOriginChanged({ serverUrl: a }, { serverUrl: b })).toBe(changed);
  });
});

describe('long notifications are cut, never dropped', () => {
  it('truncates by code points with an ellipsis, and leaves short text alone', () => {
    expect(truncateText('Help requested', 120)).toBe('Help requested');
    expect(truncateText('a'.repeat(10), 5)).toBe('aaaa…');
    // An emoji is one character to a person; never half of one.
    expect(truncateText('🔥'.repeat(10), 5)).toBe('🔥🔥🔥🔥…');
    expect(truncateText('line one\n\nline   two', 50)).toBe('line one line two');
  });

  it('the renderer\u2019s longest help page (200-character title + prefix, 10,000-character ask) reaches the OS, cut to fit', async () => {
    // The renderer's own notification builder, feeding main's real IPC handler and notifier.
    const created: { title: string; body: string }[] = [];
    const handlers = new Map<string, (event: SenderEvent, ...a: unknown[]) => Promise<unknown>>();
    registerIpcHandlers({ handle: (c, l) => handlers.set(c, l as never), on: () => undefined }, {
      appOrigin: APP_ORIGIN,
      saveFile: vi.fn(), printToPdf: vi.fn(), startLocalServer: vi.fn(), onCommandsReady: vi.fn(),
      settings: { get: () => DEFAULT_SETTINGS, update: vi.fn() },
      notify: (req) => void showNotification({
        isSupported: () => true,
        create: (o) => (created.push(o), { on: () => undefined, show: () => undefined }),
        focusWindow: () => undefined, sendCommand: () => undefined,
      }, req),
    });
    const answers: unknown[] = [];
    const platform = {
      notify: async (req: NotifyRequest) => {
        answers.push(await handlers.get(IPC.notify)!({ senderFrame: { url: 'app://warroom/index.html', parent: null } }, req));
      },
    };
    const log = logFor('INC-1', 'ana');
    log.add('incident.create', { title: 'T'.repeat(MAX_TITLE_CHARS), severity: 'SEV1' });
    log.add('member.join', { name: 'N'.repeat(MAX_NAME_CHARS), timeZone: 'UTC' });
    log.add('member.join', { name: 'Ben', timeZone: 'UTC', skills: ['postgres'] }, 'ben');
    const ask = log.add('help.ask', { helpId: 'h1', skills: ['postgres'], memberIds: [], urgency: 'now', text: 'x'.repeat(MAX_TEXT_CHARS) });
    const r = replay(log.ops);
    if (!r.ok) throw new Error(r.message);
    const s = { committed: r.state, prefs: { clientId: 'ben', notifications: true, skills: ['postgres'] } } as unknown as WarRoomState;
    notifyForOps(s, { platform } as unknown as StoreCtx, [ask]);
    await vi.waitUntil(() => answers.length === 1);
    expect(answers).toEqual([{ ok: true, value: null }]);
    expect(created).toHaveLength(1);
    expect(created[0]!.title.startsWith('Help needed now: TTT')).toBe(true);
    expect(created[0]!.title.endsWith('…')).toBe(true);
    expect(Array.from(created[0]!.title)).toHaveLength(NOTIFY_TITLE_MAX_CHARS);
    expect(created[0]!.body.startsWith('NNN')).toBe(true);
    expect(Array.from(created[0]!.body)).toHaveLength(NOTIFY_BODY_MAX_CHARS);
  });
});
