/**
 * The platform bridge in a plain browser: downloads for files, the print dialog for PDF, the
 * Notification API, settings in localStorage. Same interface as the Electron preload.
 */
import { DEFAULT_SETTINGS, type PlatformBridge, type Settings, type ShellCommand } from '../../shared/bridge.ts';
import { refuse } from '../../shared/errors.ts';

const SETTINGS_KEY = 'warroom.settings';

function readSettings(): Settings {
  try {
    const raw = globalThis.localStorage?.getItem(SETTINGS_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (typeof parsed !== 'object' || parsed === null) return { ...DEFAULT_SETTINGS };
    const p = parsed as Partial<Record<keyof Settings, unknown>>;
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    return {
      serverUrl: str(p.serverUrl), token: str(p.token), displayName: str(p.displayName), timeZone: str(p.timeZone),
      skills: Array.isArray(p.skills) ? p.skills.filter((s): s is string => typeof s === 'string') : [],
      showUtc: p.showUtc === true,
      servers: [],
    };
  } catch {
    return { ...DEFAULT_SETTINGS };
  }
}

export function createBrowserBridge(win: Window = window): PlatformBridge {
  const doc = win.document;
  return {
    kind: 'browser',
    async saveFile(req) {
      try {
        const blob = new Blob([req.data as BlobPart], { type: req.mimeType });
        const url = URL.createObjectURL(blob);
        const a = doc.createElement('a');
        a.href = url;
        a.download = req.suggestedName;
        a.rel = 'noopener';
        a.style.display = 'none';
        doc.body.appendChild(a);
        a.click();
        a.remove();
        // Revoke later: some browsers read the URL after click() returns.
        win.setTimeout(() => URL.revokeObjectURL(url), 60_000);
        return { ok: true, path: null };
      } catch (err) {
        return { ok: false, cancelled: false, message: `The file could not be saved: ${err instanceof Error ? err.message : String(err)}` };
      }
    },
    async printToPdf(req) {
      const frame = doc.createElement('iframe');
      frame.setAttribute('aria-hidden', 'true');
      frame.style.cssText = 'position:fixed;right:0;bottom:0;width:0;height:0;border:0;visibility:hidden';
      frame.srcdoc = req.html;
      doc.body.appendChild(frame);
      try {
        await new Promise<void>((resolve) => {
          frame.addEventListener('load', () => resolve(), { once: true });
          win.setTimeout(resolve, 5_000);
        });
        const w = frame.contentWindow;
        if (!w) return { ok: false, cancelled: false, message: 'The print view could not be opened.' };
        w.document.title = req.suggestedName.replace(/\.pdf$/i, '');
        w.focus();
        // The browser's dialog offers "Save as PDF"; we cannot know what the user chose.
        w.print();
        return { ok: true, path: null };
      } catch (err) {
        return { ok: false, cancelled: false, message: `Printing failed: ${err instanceof Error ? err.message : String(err)}` };
      } finally {
        win.setTimeout(() => frame.remove(), 1_000);
      }
    },
    async notify(req) {
      const N = (win as Window & { Notification?: typeof Notification }).Notification;
      if (!N) return;
      let permission = N.permission;
      if (permission === 'default') permission = await N.requestPermission().catch(() => 'denied' as NotificationPermission);
      if (permission !== 'granted') return;
      const n = new N(req.title, { body: req.body, tag: req.incidentId ? `warroom-${req.incidentId}` : undefined });
      n.onclick = () => win.focus();
    },
    async getSettings() {
      return readSettings();
    },
    async setSettings(patch) {
      const next: Settings = { ...readSettings(), ...patch, servers: [] };
      try {
        globalThis.localStorage?.setItem(SETTINGS_KEY, JSON.stringify(next));
      } catch {
        // Storage disabled: settings last for this page only.
      }
      return next;
    },
    async startLocalServer() {
      return refuse('SHELL_NOT_DESKTOP');
    },
    onCommand(_listener: (command: ShellCommand) => void) {
      // A browser has no menus or deep links; the page's own shortcuts cover these commands.
      return () => undefined;
    },
  };
}
