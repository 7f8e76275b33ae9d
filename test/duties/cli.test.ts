// The duty flags of `warroom serve` and `warroom webhook secret`, through the real CLI process.
import { spawn, spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dutyConfigFromFlags } from '../../server/duties/cliFlags.ts';
import { webhookSecret } from '../../server/webhooks/sign.ts';
import { removeDir, tempDir } from '../server/helpers.ts';

const CLI = resolve(import.meta.dirname, '../../server/cli.ts');
const SECRET = 'x'.repeat(64);
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) removeDir(d);
});
const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, WARROOM_SECRET: SECRET, ...env }, timeout: 30_000 });

describe('duty flags', () => {
  it('parse decimals, declare rules and webhook specs, and refuse bad values with a sentence', () => {
    expect(dutyConfigFromFlags({ 'escalate-after-min': '0.5', 'declare-from-alerts': ['severity=critical,team=db'], webhook: ['slack:https://hooks.example/x', 'https://a.example/h'] })).toEqual({
      escalateAfterMin: 0.5, declareFromAlerts: [Object.assign(Object.create(null), { severity: 'critical', team: 'db' })],
      webhooks: [{ url: 'https://hooks.example/x', format: 'slack' }, { url: 'https://a.example/h', format: 'json' }],
    });
    expect(() => dutyConfigFromFlags({ 'escalate-after-min': '0' })).toThrow(/above 0/);
    expect(() => dutyConfigFromFlags({ 'declare-from-alerts': ['critical'] })).toThrow(/label=value/);
    expect(() => dutyConfigFromFlags({ webhook: ['ftp://x'] })).toThrow(/http\(s\) URL/);
  });

  it('serve refuses a bad --escalate-after-min with the usage, exit 2', () => {
    const dir = tempDir('warroom-cli-duty-');
    dirs.push(dir);
    const r = run(['serve', '--port', '0', '--data-dir', dir, '--escalate-after-min', 'soon']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--escalate-after-min must be a number of minutes/);
  });

  it('webhook secret prints the secret deliveries are signed with', () => {
    const dir = tempDir('warroom-cli-duty-');
    dirs.push(dir);
    const r = run(['webhook', 'secret', 'slack:https://hooks.example/x', '--data-dir', dir]);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(webhookSecret(SECRET, 'https://hooks.example/x'));
  });

  it('token create --role integration mints a token the alert webhook accepts', { timeout: 30_000 }, async () => {
    const dir = tempDir('warroom-cli-duty-');
    dirs.push(dir);
    const token = /integration invite token: (\S+)/.exec(run(['token', 'create', '--role', 'integration', '--data-dir', dir]).stdout)?.[1];
    expect(token).toBeTruthy();
    const child = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--data-dir', dir, '--log-level', 'warn', '--backup-every-min', '0', '--escalate-after-min', '0.5'], {
      stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WARROOM_SECRET: SECRET },
    });
    try {
      const url = await new Promise<string>((ok, fail) => {
        let out = '';
        const timer = setTimeout(() => fail(new Error(`no listening line: ${out}`)), 20_000);
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const m = /listening on (\S+)/.exec(out);
          if (m) {
            clearTimeout(timer);
            ok(m[1]!);
          }
        });
      });
      const body = { version: '4', alerts: [{ status: 'firing', labels: { alertname: 'X', warroom_incident: 'none' }, annotations: {}, startsAt: new Date().toISOString() }] };
      const post = (t: string) => fetch(`${url}/hooks/alertmanager`, { method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${t}` } });
      const res = await post(token!);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, incidents: [], unrouted: 1 });
      expect((await post('nope')).status).toBe(401);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
