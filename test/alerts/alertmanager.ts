// A real Prometheus Alertmanager for tests: a temp config whose only receiver is the test server's
// webhook (bearer token in http_config.authorization), tiny group/repeat intervals, loopback port.
// A missing binary skips the tests with a sentence, and fails them under CI=true.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../scaleout/services.ts';

export const ALERTMANAGER_BIN = process.env.WARROOM_TEST_ALERTMANAGER ?? '/usr/bin/prometheus-alertmanager';

export function alertmanagerAvailable(): boolean {
  if (existsSync(ALERTMANAGER_BIN)) return true;
  const why = `${ALERTMANAGER_BIN} is missing (Debian package prometheus-alertmanager)`;
  if (process.env.CI === 'true') throw new Error(`${why}; CI requires it.`);
  console.warn(`SKIPPING Alertmanager tests: ${why}. Install it to run them.`);
  return false;
}


export interface Alertmanager {
  url: string;
  push(alerts: unknown[]): Promise<void>;
  stop(): Promise<void>;
  output(): string;
}

export async function startAlertmanager(opts: { webhookUrl: string; token: string; groupBy?: string[]; repeatInterval?: string }): Promise<Alertmanager> {
  const dir = mkdtempSync(join(tmpdir(), 'warroom-am-'));
  const config = [
    'route:',
    '  receiver: warroom',
    `  group_by: [${(opts.groupBy ?? ['alertname']).map((g) => `'${g}'`).join(', ')}]`,
    '  group_wait: 100ms',
    '  group_interval: 300ms',
    `  repeat_interval: ${opts.repeatInterval ?? '1s'}`,
    'receivers:',
    '  - name: warroom',
    '    webhook_configs:',
    `      - url: '${opts.webhookUrl}'`,
    '        send_resolved: true',
    '        http_config:',
    '          authorization:',
    '            type: Bearer',
    `            credentials: '${opts.token}'`,
    '',
  ].join('\n');
  writeFileSync(join(dir, 'alertmanager.yml'), config);
  const port = await freePort();
  let out = '';
  const child: ChildProcess = spawn(ALERTMANAGER_BIN, [
    `--config.file=${join(dir, 'alertmanager.yml')}`, `--storage.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`, '--cluster.listen-address=', '--log.level=debug',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) {
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const end = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`alertmanager exited (${child.exitCode}):\n${out}`);
    }
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > end) {
      await stop();
      throw new Error(`alertmanager did not become ready:\n${out}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    async push(alerts) {
      const res = await fetch(`${url}/api/v2/alerts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(alerts) });
      if (!res.ok) throw new Error(`alertmanager refused the alerts: ${res.status} ${await res.text()}`);
    },
    stop,
    output: () => out,
  };
}
