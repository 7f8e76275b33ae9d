// The soak's short version runs with the tests (CI included): `npm run soak` for the full 60 s.
// 500 clients on a real server process for 15 s: 0 ops lost or duplicated, every client converged.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('npm run soak -- --seconds 15', () => {
  it('500 clients, steady op rate: 0 lost, all converge', () => {
    const r = spawnSync(process.execPath, ['scripts/soak.ts', '--seconds', '15', '--json'], { encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      clients: number; opsGiven: number; opsAcked: number; lost: number; duplicated: number; allConverged: boolean;
      serverRssMb: { start: number; end: number }; eventLoopLagP99Ms: { max: number };
    };
    console.log(`[figures] soak 15 s: ${JSON.stringify(result)}`);
    expect(result.clients).toBe(500);
    expect(result.opsGiven).toBeGreaterThan(0);
    expect(result.opsAcked).toBe(result.opsGiven);
    expect(result.lost).toBe(0);
    expect(result.duplicated).toBe(0);
    expect(result.allConverged).toBe(true);
    expect(result.serverRssMb.end).toBeGreaterThan(0);
  }, 300_000);
});
