/**
 * The war room on this computer: dist/server/warroom-server.mjs run in Electron's utilityProcess
 * (a Node child Chromium supervises, without ELECTRON_RUN_AS_NODE, which the fuses turn off), on
 * the embedded SQLite store in <userData>/war-room. Main starts it on request, learns its address
 * and a lead token from its first message, and stops it (letting queued commits finish) at quit.
 */
import os from 'node:os';
import type { StartLocalServerRequest, StartLocalServerResult } from '../shared/bridge.ts';
import { LOCAL_SERVER_PREFERRED_PORT, LOCAL_SERVER_START_TIMEOUT_MS, LOCAL_SERVER_STOP_TIMEOUT_MS } from '../shared/constants.ts';
import { refuse, type ErrorCode } from '../shared/errors.ts';
import { webInviteLink } from '../shared/invite.ts';
import { localServerMessageSchema, type LocalServerReady } from '../shared/localServer.ts';
import type { SettingsStore } from './settings.ts';

/** The part of Electron's UtilityProcess used here. */
export interface UtilityLike {
  postMessage(message: unknown): void;
  kill(): boolean;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  once(event: 'exit', listener: (code: number) => void): unknown;
}

export interface LocalServerDeps {
  fork(modulePath: string, args: string[]): UtilityLike;
  bundlePath: string;
  dataDir: string;
  /** Built renderer, served to teammates who join from a browser. */
  staticDir: string;
  /** Called when the server dies after it was ready (not when we stopped it). */
  onUnexpectedExit(code: number): void;
  lanAddress?: () => string | null;
  startTimeoutMs?: number;
}

export interface LocalServerInfo extends LocalServerReady {
  shared: boolean;
}

/** The first private IPv4 address of this computer, the one teammates on the LAN can reach. */
export function lanAddress(interfaces = os.networkInterfaces()): string | null {
  for (const list of Object.values(interfaces)) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

export function localServerArgs(o: { port: number; shareOnLan: boolean; lanHost: string | null; dataDir: string; staticDir: string }): string[] {
  const args = ['--port', String(o.port), '--data-dir', o.dataDir, '--static-dir', o.staticDir];
  if (o.shareOnLan) {
    args.push('--host', '0.0.0.0');
    if (o.lanHost && o.port !== 0) args.push('--public-url', `http://${o.lanHost}:${o.port}`);
  } else {
    args.push('--host', '127.0.0.1');
  }
  return args;
}

export function createLocalServer(deps: LocalServerDeps) {
  let child: UtilityLike | null = null;
  let info: LocalServerInfo | null = null;
  let stopping = false;

  function once(port: number, shareOnLan: boolean): Promise<LocalServerInfo> {
    const lanHost = shareOnLan ? (deps.lanAddress ?? lanAddress)() : null;
    const proc = deps.fork(deps.bundlePath, localServerArgs({ port, shareOnLan, lanHost, dataDir: deps.dataDir, staticDir: deps.staticDir }));
    child = proc;
    return new Promise((resolve, reject) => {
      let ready = false;
      const timer = setTimeout(() => {
        proc.kill();
        reject(new Error(`it did not report ready within ${(deps.startTimeoutMs ?? LOCAL_SERVER_START_TIMEOUT_MS) / 1000} s`));
      }, deps.startTimeoutMs ?? LOCAL_SERVER_START_TIMEOUT_MS);
      proc.on('message', (raw) => {
        const m = localServerMessageSchema.safeParse(raw);
        if (!m.success || ready) return;
        clearTimeout(timer);
        if (m.data.type === 'failed') {
          reject(new Error(m.data.message));
          return;
        }
        ready = true;
        let { publicUrl } = m.data;
        // Port 0 was asked for: only now is the real port known, so the LAN address is built here.
        if (shareOnLan && lanHost) publicUrl = `http://${lanHost}:${new URL(m.data.url).port}`;
        resolve({ ...m.data, publicUrl, shared: shareOnLan });
      });
      proc.on('exit', (code) => {
        clearTimeout(timer);
        if (child === proc) child = null;
        if (!ready) reject(new Error(`it exited with code ${code} before it was ready`));
        else if (!stopping) {
          info = null;
          deps.onUnexpectedExit(code);
        }
      });
    });
  }

  return {
    current: () => info,
    /** Starts it (or returns the running one when the sharing matches). Tries `port`, then any free port. */
    async start(opts: { shareOnLan: boolean; port: number }): Promise<LocalServerInfo> {
      if (info && info.shared === opts.shareOnLan) return info;
      if (info) await this.stop();
      stopping = false;
      try {
        info = await once(opts.port, opts.shareOnLan);
      } catch (err) {
        if (opts.port === 0 || !/EADDRINUSE|address already in use/i.test((err as Error).message)) throw err;
        info = await once(0, opts.shareOnLan);
      }
      return info;
    },
    /** Asks the server to finish its commits and exit; kills it if it does not within the timeout. */
    async stop(timeoutMs = LOCAL_SERVER_STOP_TIMEOUT_MS): Promise<void> {
      const proc = child;
      info = null;
      if (!proc) return;
      stopping = true;
      await new Promise<void>((done) => {
        const timer = setTimeout(() => {
          proc.kill();
          done();
        }, timeoutMs);
        proc.once('exit', () => {
          clearTimeout(timer);
          done();
        });
        proc.postMessage({ type: 'stop' });
      });
    },
  };
}
export type LocalServer = ReturnType<typeof createLocalServer>;

/** Teammates' link to the shared war room, or null when it is not shared (or not running). */
export function teammateInvite(server: LocalServer): string | null {
  const l = server.current();
  return l?.inviteToken ? webInviteLink(l.publicUrl, l.inviteToken) : null;
}

export interface GlueDeps {
  server: LocalServer;
  settings: Pick<SettingsStore, 'get' | 'update' | 'localShareOnLan' | 'setLocalShareOnLan'>;
  /** Menu and tray follow the server (its invite link). */
  changed(): void;
  notice(code: ErrorCode, message: string): void;
}

/** "Start a war room on this computer", as the renderer asks for it. */
export async function startForRenderer(d: GlueDeps, req: StartLocalServerRequest): Promise<StartLocalServerResult> {
  try {
    const info = await d.server.start({ shareOnLan: req.shareOnLan, port: LOCAL_SERVER_PREFERRED_PORT });
    await d.settings.setLocalShareOnLan(req.shareOnLan);
    d.changed();
    // The renderer connects with this through setSettings, which reloads the window for the new CSP.
    return { ok: true, serverUrl: info.url, token: info.leadToken, inviteLink: teammateInvite(d.server) };
  } catch (err) {
    return refuse('LOCAL_SERVER_FAILED', (err as Error).message);
  }
}

/** When the saved server is the one this computer runs, it is started before the window loads. */
export async function resumeAtStart(d: GlueDeps): Promise<void> {
  const s = d.settings.get();
  const saved = s.serverUrl ? s.servers.find((x) => x.serverUrl === new URL(s.serverUrl!).origin) : undefined;
  if (!saved?.local) return;
  try {
    const port = Number(new URL(saved.serverUrl).port) || LOCAL_SERVER_PREFERRED_PORT;
    const info = await d.server.start({ shareOnLan: d.settings.localShareOnLan(), port });
    // Another program took the port: the server moved, and main (which owns the setting) follows it.
    if (new URL(info.url).origin !== saved.serverUrl) await d.settings.update({ serverUrl: info.url, token: info.leadToken }, { local: true });
    d.changed();
  } catch (err) {
    d.notice('LOCAL_SERVER_FAILED', refuse('LOCAL_SERVER_FAILED', (err as Error).message).message);
  }
}
