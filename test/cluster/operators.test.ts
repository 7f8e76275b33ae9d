// What operators rely on: /metrics passes `promtool check metrics` and has the cluster metrics,
// every log line names its node, host and pid, and a crash is one JSON log line.
import { execFileSync, spawnSync } from 'node:child_process';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/logger.ts';
import { call, connect, op, removeDir, startServer, tempDir } from '../server/helpers.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

function hasPromtool(): boolean {
  try {
    execFileSync('promtool', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    if (process.env.CI === 'true') throw new Error('promtool (Debian package prometheus) is required in CI');
    console.warn('SKIPPING promtool check: promtool not found (apt-get install prometheus).');
    return false;
  }
}

describe('/metrics', () => {
  it('has the cluster metrics, and passes promtool check metrics', async () => {
    const dir = tempDir('warroom-ops-');
    const server = await startServer(dir);
    cleanup.push(async () => {
      await server.close();
      removeDir(dir);
    });
    const c = await connect(server.url, { token: server.createToken('lead'), clientId: 'lia' });
    cleanup.push(() => void c.close());
    await call(c, 'incident:create', op('incident.create', 'inc-1', 'lia', { title: 'Metrics', severity: 'SEV3' }));
    await call(c, 'incident:join', { incidentId: 'inc-1', sinceSeq: 0 });
    await call(c, 'incident:join', { incidentId: 'inc-1', sinceSeq: 1 });
    const text = await (await fetch(`${server.url}/metrics`)).text();
    for (const name of [
      'warroom_fanout_up', 'warroom_fanout_errors_total', 'warroom_store_errors_total', 'warroom_store_retries_total',
      'warroom_seq_conflicts_total', 'warroom_seq_conflicts_exhausted_total', 'warroom_catch_ups_total', 'warroom_slow_consumer_drops_total',
      'warroom_admission_refused_total', 'warroom_overloaded', 'warroom_draining', 'warroom_join_bytes_total',
    ]) expect(text, name).toContain(`# TYPE ${name} `);
    expect(text).toMatch(/^warroom_fanout_up 1$/m);
    expect(text).toMatch(/^warroom_catch_ups_total\{kind="current"\} 1$/m);
    expect(text).not.toMatch(/^# TYPE \S+_total gauge$/m);
    if (!hasPromtool()) return;
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    expect(`${r.stdout}${r.stderr}`.trim()).toBe('');
    expect(r.status).toBe(0);
  });
});

describe('logs', () => {
  it('every line names the node, the host and the pid', () => {
    const lines: Record<string, unknown>[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _e, done) {
        for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
        done();
      },
    });
    const logger = createLogger('info', 'node-7', sink);
    logger.info('one');
    logger.child({ incidentId: 'x' }).warn('two');
    expect(lines).toHaveLength(2);
    for (const l of lines) expect(l).toMatchObject({ nodeId: 'node-7', hostname: expect.any(String), pid: process.pid, service: 'warroom' });
  });

  for (const [kind, code] of [['uncaughtException', 'setTimeout(() => { throw new Error("boom") })'], ['unhandledRejection', 'Promise.reject(new Error("boom"))']] as const) {
    it(`a crash (${kind}) is one JSON line at level fatal, then exit code 1`, () => {
      const script = `import { createLogger, logCrashes } from './server/logger.ts'; logCrashes(createLogger('info', 'n1')); ${code};`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, WARROOM_NODE_ID: '' } });
      expect(r.status).toBe(1);
      const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { level: number; kind: string; err: { message: string; stack: string }; nodeId: string });
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatchObject({ level: 60, kind, nodeId: 'n1', err: { message: 'boom' } });
      expect(lines[0]!.err.stack).toContain('Error: boom');
    });
  }
});
