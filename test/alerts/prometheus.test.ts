// The whole monitoring chain, real: Prometheus scrapes a target, a rule fires, Alertmanager sends
// its webhook, the alert is an entry in the incident; the metric recovers and the resolve lands.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call, connect, op, removeDir, startServer, tempDir, until } from '../server/helpers.ts';
import { alertmanagerAvailable, startAlertmanager } from './alertmanager.ts';
import { freePort } from '../scaleout/services.ts';

const PROMETHEUS_BIN = process.env.WARROOM_TEST_PROMETHEUS ?? '/usr/bin/prometheus';
function prometheusAvailable(): boolean {
  if (existsSync(PROMETHEUS_BIN)) return true;
  const why = `${PROMETHEUS_BIN} is missing (Debian package prometheus)`;
  if (process.env.CI === 'true') throw new Error(`${why}; CI requires it.`);
  console.warn(`SKIPPING the Prometheus test: ${why}.`);
  return false;
}
const up = alertmanagerAvailable() && prometheusAvailable();

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe.skipIf(!up)('Prometheus → Alertmanager → War Room', () => {
  it('a rule firing on a scraped metric lands as an alert entry, and its recovery as a resolve', { timeout: 90_000 }, async () => {
    const dir = tempDir('warroom-prom-');
    const server = await startServer(dir);
    cleanup.push(async () => {
      await server.close();
      removeDir(dir);
    });
    const lead = await connect(server.url, { token: server.createToken('lead'), clientId: 'ana' });
    cleanup.push(() => void lead.close());
    await call(lead, 'incident:create', op('incident.create', 'checkout-503', 'ana', { title: 'Checkout 503s', severity: 'SEV2' }));

    let failing = 1;
    const target: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(`# TYPE checkout_failing gauge\ncheckout_failing ${failing}\n`);
    });
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', () => r()));
    cleanup.push(() => new Promise<void>((r) => target.close(() => r())));
    const targetPort = (target.address() as AddressInfo).port;

    const am = await startAlertmanager({ webhookUrl: `${server.url}/hooks/alertmanager`, token: server.createToken('integration'), repeatInterval: '1h' });
    cleanup.push(() => am.stop());

    const promDir = mkdtempSync(join(tmpdir(), 'warroom-prom-cfg-'));
    cleanup.push(() => rmSync(promDir, { recursive: true, force: true }));
    writeFileSync(join(promDir, 'rules.yml'), [
      'groups:',
      '  - name: checkout',
      '    interval: 1s',
      '    rules:',
      '      - alert: CheckoutFailing',
      '        expr: checkout_failing > 0',
      '        labels: { severity: critical, warroom_incident: checkout-503 }',
      '        annotations: { summary: "checkout is failing", description: "checkout_failing is {{ $value }}" }',
      '',
    ].join('\n'));
    writeFileSync(join(promDir, 'prometheus.yml'), [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: ['${join(promDir, 'rules.yml')}']`,
      `alerting: { alertmanagers: [ { static_configs: [ { targets: ['${am.url.replace('http://', '')}'] } ] } ] }`,
      `scrape_configs: [ { job_name: checkout, static_configs: [ { targets: ['127.0.0.1:${targetPort}'] } ] } ]`,
      '',
    ].join('\n'));
    const promPort = await freePort();
    let out = '';
    const prom = spawn(PROMETHEUS_BIN, [
      `--config.file=${join(promDir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(promDir, 'data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`, '--rules.alert.resend-delay=1s',
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    prom.stdout.on('data', (d: Buffer) => (out += d.toString()));
    prom.stderr.on('data', (d: Buffer) => (out += d.toString()));
    cleanup.push(() => new Promise<void>((r) => {
      if (prom.exitCode !== null) return r();
      prom.once('exit', () => r());
      prom.kill('SIGTERM');
    }));

    const alerts = () => server.incidentState('checkout-503')?.timeline.filter((e) => e.kind === 'alert') ?? [];
    try {
      await until(() => alerts().length === 1, 'the firing alert from Prometheus', 45_000);
      const firing = alerts()[0]!;
      expect(firing.alert).toMatchObject({ source: 'alertmanager', status: 'firing', name: 'CheckoutFailing', summary: 'checkout is failing', description: 'checkout_failing is 1' });
      expect(firing.alert!.generatorUrl).toMatch(/^http:\/\//);
      failing = 0;
      await until(() => alerts().length === 2, 'the resolve', 45_000);
      expect(alerts().map((e) => e.alert!.status)).toEqual(['firing', 'resolved']);
    } catch (e) {
      throw new Error(`${(e as Error).message}\n--- prometheus ---\n${out.slice(-3_000)}\n--- alertmanager ---\n${am.output().slice(-3_000)}`, { cause: e });
    }
  });
});
