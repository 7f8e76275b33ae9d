import { describe, expect, it, vi } from 'vitest';
import type { ShellCommand } from '../../shared/bridge.ts';
import { showNotification, type NotifyDeps } from '../../main/notifications.ts';
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
