/**
 * README's "Alerts in" by hand (an Alertmanager v4 payload POSTed with an integration token), then
 * README's "From the server's store" export command in every format, and the JSON read back
 * with the app's own importer (README: "Open an export…" reopens it; the CLI has no import).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importJson } from '../../shared/export/json.ts';
import { htmlFindings, markdownFindings } from '../export/lintKit.ts';
import { ask, cli, connect, op, startServer, type Client, type Running } from './stranger.ts';

let srv: Running;
let lead: Client;
let integration: string;
const INC = 'checkout-503';
const STARTS = '2026-12-03T06:58:00.000Z';

const alertmanager = (status: 'firing' | 'resolved', labels: Record<string, string>) => ({
  version: '4', groupKey: '{}:{alertname="CheckoutErrors"}', truncatedAlerts: 0, status, receiver: 'warroom',
  groupLabels: { alertname: 'CheckoutErrors' }, commonLabels: labels, commonAnnotations: {}, externalURL: 'http://alertmanager.local:9093',
  alerts: [{
    status, labels, annotations: { summary: 'Checkout 5xx above 5 %', description: 'checkout-api returns 503 for 7 % of requests' },
    startsAt: STARTS, endsAt: status === 'resolved' ? '2026-12-03T07:05:00.000Z' : '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.local:9090/graph?g0.expr=x', fingerprint: 'c0ffee0012345678',
  }],
});
const post = (body: unknown, token: string | null, path = '/hooks/alertmanager') => fetch(`${srv.url}${path}`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

beforeAll(async () => {
  srv = await startServer();
  integration = srv.mint(['--role', 'integration']);
  lead = await connect(srv.url, { protocol: 1, token: srv.mint(['--role', 'lead']), clientId: 'ana' });
  expect(await ask(lead, 'incident:create', op(INC, 'ana', 'incident.create', { title: 'Checkout 503s', severity: 'SEV1' }))).toMatchObject({ ok: true });
  expect(await ask(lead, 'incident:join', { incidentId: INC, sinceSeq: 0 })).toMatchObject({ ok: true });
  expect(await ask(lead, 'op:submit', op(INC, 'ana', 'member.join', { name: 'Ana', timeZone: 'America/New_York' }))).toMatchObject({ ok: true });
  expect(await ask(lead, 'op:submit', op(INC, 'ana', 'timeline.add', { entryId: 'e-1', kind: 'decision', text: 'Roll back checkout-api to v41' }))).toMatchObject({ ok: true });
  expect(await ask(lead, 'op:submit', op(INC, 'ana', 'postmortem.action.add', { actionId: 'a-1', title: 'Canary checkout deploys', priority: 'P1', type: 'prevent' }))).toMatchObject({ ok: true });
});
afterAll(async () => {
  lead?.socket.close();
  await srv?.stop();
});

describe('POST /hooks/alertmanager (README "Alerts in")', () => {
  it('a firing alert labelled warroom_incident lands in that incident once; a repeat adds nothing', async () => {
    const labels = { alertname: 'CheckoutErrors', severity: 'critical', service: 'checkout', warroom_incident: INC };
    const res = await post(alertmanager('firing', labels), integration);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, incidents: [{ id: INC, created: false, entries: 1 }], unrouted: 0 });
    const again = await post(alertmanager('firing', labels), integration);
    expect(await again.json()).toEqual({ ok: true, incidents: [{ id: INC, created: false, entries: 0 }], unrouted: 0 });
    const resolved = await post(alertmanager('resolved', labels), integration);
    expect(await resolved.json()).toMatchObject({ ok: true, incidents: [{ id: INC, entries: 1 }] });

    const page = await ask<{ ops: { type: string; actorId: string; payload: Record<string, unknown> }[] }>(lead, 'incident:ops', { incidentId: INC, afterSeq: 0, limit: 1000 });
    const alerts = page.ops.filter((o) => o.type === 'alert.record');
    expect(alerts.map((o) => [o.actorId, o.payload.status, o.payload.name])).toEqual([
      ['warroom-server', 'firing', 'CheckoutErrors'], ['warroom-server', 'resolved', 'CheckoutErrors'],
    ]);
    expect(alerts[0]!.payload.startsAt).toBe(Date.parse(STARTS));
  });

  it('an alert nobody routes is answered unrouted and stored nowhere', async () => {
    const res = await post(alertmanager('firing', { alertname: 'DiskFull', severity: 'warning' }), integration);
    expect(await res.json()).toEqual({ ok: true, incidents: [], unrouted: 1 });
  });

  it('a bad or missing token is 401, a responder invite too; a bad payload 400; over 1 MiB 413; each with a code and a sentence', async () => {
    const labels = { alertname: 'X', warroom_incident: INC };
    for (const token of ['not-a-token', null, srv.mint(['--role', 'responder'])]) {
      const res = await post(alertmanager('firing', labels), token);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ ok: false, code: 'HOOK_UNAUTHORIZED', message: expect.any(String) });
    }
    for (const body of ['{not json', { version: '4' }, { ...alertmanager('firing', labels), version: '9' }]) {
      const res = await post(body, integration);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ ok: false, code: 'HOOK_INVALID', message: expect.any(String) });
    }
    const huge = await post({ ...alertmanager('firing', labels), pad: 'x'.repeat(1_100_000) }, integration);
    expect(huge.status).toBe(413);
    expect(await huge.json()).toMatchObject({ ok: false, code: 'HOOK_TOO_LARGE', message: expect.any(String) });
  });
});

describe('node server/cli.ts export (README "From the server\'s store")', () => {
  const run = (format: string, extra: string[] = []) => {
    const out = join(srv.dataDir, `export.${format}`);
    const r = cli(['export', '--incident', INC, '--format', format, '--out', out, '--data-dir', srv.dataDir, '--tz', 'Europe/Paris', ...extra]);
    expect(r.stderr).toMatch(/^Exported "Checkout 503s" \(/);
    expect(r.status).toBe(0);
    return readFileSync(out, 'utf8');
  };

  it('Markdown and HTML postmortems carry the alert, the decision and the action item', () => {
    for (const text of [run('md'), run('html')]) {
      expect(text).toContain('Checkout 503s');
      expect(text).toContain('CheckoutErrors');
      expect(text).toContain('Roll back checkout-api to v41');
      expect(text).toContain('Canary checkout deploys');
    }
    expect(run('html')).toMatch(/^<!DOCTYPE html>/i);
  });

  it('README: markdownlint and html-validate pass on these exports (alert rows, action item, a local zone)', async () => {
    expect(markdownFindings(run('md'))).toEqual([]);
    expect(await htmlFindings(run('html'))).toEqual([]);
  });

  it('CSV has a header and one row per entry, with the local column', () => {
    const rows = run('csv').trim().split(/\r?\n/);
    expect(rows[0]).toMatch(/Europe\/Paris|local/i);
    expect(rows.some((r) => r.includes('Roll back checkout-api to v41'))).toBe(true);
    expect(rows.some((r) => r.includes('CheckoutErrors'))).toBe(true);
  });

  it('JSON is re-importable: the app\'s importer reads it back with the same log; a changed byte is refused', async () => {
    const text = run('json');
    const page = await ask<{ headSeq: number }>(lead, 'incident:ops', { incidentId: INC, afterSeq: 0, limit: 1 });
    const back = await importJson(text);
    expect(back.ok).toBe(true);
    if (!back.ok) return;
    expect(back.value.state.title).toBe('Checkout 503s');
    expect(back.value.ops.length).toBe(page.headSeq);
    const tampered = text.replace('Roll back checkout-api to v41', 'Roll back checkout-api to v42');
    expect(await importJson(tampered)).toMatchObject({ ok: false, code: 'IMPORT_CHECKSUM' });
  });

  it('an unknown incident is a clear error with a non-zero exit', () => {
    const r = cli(['export', '--incident', 'nope', '--format', 'md', '--data-dir', srv.dataDir]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/nope/);
  });
});

describe('README: --declare-from-alerts and a token scoped with --incident', () => {
  let declaring: Running;
  beforeAll(async () => {
    declaring = await startServer(['--declare-from-alerts', 'severity=critical']);
  });
  afterAll(async () => {
    await declaring?.stop();
  });
  const postTo = (body: unknown, token: string, path = '/hooks/alertmanager') => fetch(`${declaring.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body),
  });

  it('an unclaimed critical alert declares a SEV1 incident; its repeat lands there; a warning stays unrouted', async () => {
    const token = declaring.mint(['--role', 'integration']);
    const first = await (await postTo(alertmanager('firing', { alertname: 'CheckoutErrors', severity: 'critical' }), token)).json() as { incidents: { id: string; created: boolean; entries: number }[] };
    expect(first).toMatchObject({ ok: true, incidents: [{ created: true, entries: 1 }], unrouted: 0 });
    const again = await (await postTo(alertmanager('firing', { alertname: 'CheckoutErrors', severity: 'critical' }), token)).json();
    expect(again).toEqual({ ok: true, incidents: [{ id: first.incidents[0]!.id, created: false, entries: 0 }], unrouted: 0 });
    expect(await (await postTo(alertmanager('firing', { alertname: 'Disk', severity: 'warning' }), token)).json()).toEqual({ ok: true, incidents: [], unrouted: 1 });

    const viewer = await connect(declaring.url, { protocol: 1, token: declaring.mint(['--role', 'viewer']), clientId: 'watcher' });
    const list = await ask<{ incidents: { id: string; severity: string; title: string }[] }>(viewer, 'incident:list');
    viewer.socket.close();
    expect(list.incidents.find((i) => i.id === first.incidents[0]!.id)).toMatchObject({ severity: 'SEV1', title: expect.stringContaining('CheckoutErrors') });
  });

  it('a token scoped to an incident sends everything there, also through /hooks/grafana', async () => {
    const lead2 = await connect(declaring.url, { protocol: 1, token: declaring.mint(['--role', 'lead']), clientId: 'lee' });
    expect(await ask(lead2, 'incident:create', op('scoped-1', 'lee', 'incident.create', { title: 'Scoped', severity: 'SEV3' }))).toMatchObject({ ok: true });
    lead2.socket.close();
    const token = declaring.mint(['--role', 'integration', '--incident', 'scoped-1']);
    const res = await postTo(alertmanager('firing', { alertname: 'Latency', severity: 'warning' }), token, '/hooks/grafana');
    expect(await res.json()).toEqual({ ok: true, incidents: [{ id: 'scoped-1', created: false, entries: 1 }], unrouted: 0 });
  });
});
