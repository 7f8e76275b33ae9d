/** Reading V8 .cpuprofile files: the functions with the most self time. */
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
