/** Starting a server (War Room or the relay baseline) and client swarms, each in its own process. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WarRoomProcessArgs } from '../servers/warroom.ts';
import { startChild, type Child } from './proc.ts';

export type Kind = 'relay' | 'warroom';
export const KINDS: readonly Kind[] = ['relay', 'warroom'];
export const KIND_LABEL: Record<Kind, string> = { relay: 'bare socket.io relay', warroom: 'War Room (SQLite, durable)' };

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
const SERVER_ENTRY: Record<Kind, string> = { relay: here('../baseline/relay.ts'), warroom: here('../servers/warroom.ts') };
/** The relay as a node of a cluster (with options.fanout). */
const RELAY_CLUSTER_ENTRY = here('../baseline/relayCluster.ts');
const SWARM_ENTRY = here('../clients/swarm.ts');

export interface ServerHandle {
  kind: Kind;
  child: Child;
  url: string;
  token: string;
  pid: number;
  startMs: number;
  dataDir: string | null;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Reuse a seeded data dir instead of a fresh one (it is then not deleted). */
  dataDir?: string;
  limits?: WarRoomProcessArgs['limits'];
  postgres?: WarRoomProcessArgs['postgres'];
  staticDir?: string;
  dutyScanMs?: WarRoomProcessArgs['dutyScanMs'];
  execArgv?: string[];
  /** A node of a cluster: the socket.io Redis adapter on this channel (the relay then runs bench/baseline/relayCluster.ts). */
  fanout?: WarRoomProcessArgs['fanout'];
  /** War Room: the signing secret the nodes of a cluster share. */
  secret?: string;
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export async function startServer(kind: Kind, options: ServerOptions = {}): Promise<ServerHandle> {
  const owned = kind === 'warroom' && !options.dataDir ? tempDir('warroom-bench-') : null;
  const dataDir = options.dataDir ?? owned;
  const args: string[] = kind === 'warroom'
    ? [JSON.stringify({ dataDir: dataDir ?? undefined, limits: options.limits, postgres: options.postgres, staticDir: options.staticDir, fanout: options.fanout, secret: options.secret, dutyScanMs: options.dutyScanMs } satisfies Partial<WarRoomProcessArgs>)]
    : options.fanout ? [JSON.stringify({ fanout: options.fanout })] : [];
  const entry = kind === 'relay' && options.fanout ? RELAY_CLUSTER_ENTRY : SERVER_ENTRY[kind];
  const { child, ready } = await startChild<{ url: string; token: string; pid: number; startMs?: number }>(
    entry, args, { execArgv: ['--expose-gc', ...(options.execArgv ?? [])], readyTimeoutMs: 300_000 });
  return {
    kind, child, url: ready.url, token: ready.token, pid: ready.pid, startMs: ready.startMs ?? 0, dataDir,
    async stop() {
      await child.stop(15_000);
      if (owned) rmSync(owned, { recursive: true, force: true });
    },
  };
}

export interface Swarm { child: Child; ids: string[] }

/** Starts `procs` swarm processes holding `n` clients between them (ids prefix0, prefix1…). */
export async function startSwarms(n: number, procs: number, prefix: string): Promise<Swarm[]> {
  const per = Math.ceil(n / Math.max(1, procs));
  const out: Swarm[] = [];
  for (let p = 0; p < procs && p * per < n; p++) {
    const ids = Array.from({ length: Math.min(per, n - p * per) }, (_, i) => `${prefix}${p * per + i}`);
    const { child } = await startChild(SWARM_ENTRY, [], { execArgv: [] });
    out.push({ child, ids });
  }
  return out;
}

export async function connectSwarms(swarms: Swarm[], server: ServerHandle, incidentId: string, create = false) {
  const r = await Promise.all(swarms.map((s, i) => s.child.call<{ connected: number; failed: number; firstError: string; joinedMs: number }>(
    'connect', { url: server.url, token: server.token, ids: s.ids, incidentId, create: create && i === 0 }, 600_000)));
  const failed = r.reduce((a, x) => a + x.failed, 0);
  if (failed > 0) throw new Error(`${failed} clients failed to connect to ${server.kind}: ${r.find((x) => x.firstError)?.firstError}`);
  return { connected: r.reduce((a, x) => a + x.connected, 0), joinedMs: Math.max(...r.map((x) => x.joinedMs)) };
}

export const stopAll = (children: { stop(): Promise<void> }[]) => Promise.all(children.map((c) => c.stop().catch(() => undefined)));

/** CPU time (user+system, ms) a process used between two cpu() answers. */
export function cpuMs(a: { user: number; system: number }, b: { user: number; system: number }): number {
  return (b.user - a.user + b.system - a.system) / 1000;
}
