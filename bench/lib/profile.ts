/** Reading V8 .cpuprofile files: the functions with the most self time. */
import { Session } from 'node:inspector/promises';
export interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export function topSelfTime(p: CpuProfile, count = 25): string[] {
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const byFn = new Map<string, number>();
  for (const n of p.nodes) {
    const us = self.get(n.id) ?? 0;
    const file = n.callFrame.url.split('/').slice(-2).join('/');
    const key = `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`;
    byFn.set(key, (byFn.get(key) ?? 0) + us);
  }
  const totalMs = (p.endTime - p.startTime) / 1000;
  return [...byFn.entries()].filter(([k]) => !k.startsWith('(idle)') && !k.startsWith('(program)')).sort((a, b) => b[1] - a[1]).slice(0, count)
    .map(([k, us]) => `${(us / 1000).toFixed(1).padStart(8)} ms  ${((us / 1000 / totalMs) * 100).toFixed(1).padStart(5)}%  ${k}`);
}

/**
 * Benchmark-process commands to profile a window of a run (not the whole process, as --cpu-prof
 * does): profileStart, then profileStop answers the V8 CPU profile.
 */
export function profiler() {
  let session: Session | null = null;
  return {
    profileStart: async () => {
      if (session) throw new Error('already profiling');
      session = new Session();
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
      return true;
    },
    profileStop: async (): Promise<CpuProfile> => {
      if (!session) throw new Error('not profiling');
      const { profile } = await session.post('Profiler.stop');
      session.disconnect();
      session = null;
      return profile as unknown as CpuProfile;
    },
  };
}

/** Where the self time went, by origin: War Room's server/ and shared/, each npm package, Node internals, GC (ms, largest first). */
export function selfTimeByOrigin(p: CpuProfile): [string, number][] {
  const self = new Map<number, number>();
  p.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0)));
  const out = new Map<string, number>();
  for (const n of p.nodes) {
    const us = self.get(n.id) ?? 0;
    if (!us) continue;
    const { url, functionName } = n.callFrame;
    let origin: string;
    if (functionName === '(idle)' || functionName === '(program)') continue;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
    if (!url) origin = functionName.startsWith('(') ? functionName : 'native (socket writes, crypto, …)';
    else if (pkg) origin = pkg[1]!;
    else if (url.startsWith('node:')) origin = 'Node internals';
    else if (/\/server\//.test(url)) origin = 'War Room server/';
    else if (/\/shared\//.test(url)) origin = 'War Room shared/';
    else if (/\/bench\//.test(url)) origin = 'benchmark harness';
    else origin = 'other';
    out.set(origin, (out.get(origin) ?? 0) + us / 1000);
  }
  return [...out.entries()].sort((a, b) => b[1] - a[1]);
}
