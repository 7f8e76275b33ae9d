// The webhook endpoint's contract without Alertmanager: tokens, bad and oversize payloads, the
// Grafana shape, the answer, idempotency by fingerprint + status + startsAt.
import { describe, expect, it } from 'vitest';
import { MAX_HOOK_BODY_BYTES } from '../../shared/constants.ts';
import { call, op, serverFixture } from '../server/helpers.ts';

const fx = serverFixture();
const T = '2026-12-03T05:00:00Z';

const amPayload = (status: 'firing' | 'resolved', extra: Record<string, string> = {}) => ({
  version: '4', groupKey: '{}:{alertname="DiskFull"}', truncatedAlerts: 0, status, receiver: 'warroom',
  groupLabels: { alertname: 'DiskFull' }, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am.local',
  alerts: [{
    status, labels: { alertname: 'DiskFull', instance: 'db-1', warroom_incident: 'inc-1', ...extra }, annotations: { summary: '/var 95%' },
    startsAt: T, endsAt: status === 'resolved' ? '2026-12-03T05:10:00Z' : '0001-01-01T00:00:00Z', generatorURL: 'http://prom.local/g', fingerprint: 'abc123',
  }],
});

async function post(body: unknown, token: string | null, path = '/hooks/alertmanager') {
  const res = await fetch(`${fx.server.url}${path}`, {
    method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function withIncident() {
  const lead = await fx.connectAs('ana', 'lead');
  await call(lead, 'incident:create', op('incident.create', 'inc-1', 'ana', { title: 'Disk', severity: 'SEV3' }));
  return fx.server.createToken('integration');
}

describe('POST /hooks/alertmanager', () => {
  it('records a firing alert, answers what happened, and a repeat records nothing', async () => {
    const token = await withIncident();
    expect(await post(amPayload('firing'), token)).toEqual({ status: 200, body: { ok: true, incidents: [{ id: 'inc-1', created: false, entries: 1 }], unrouted: 0 } });
    expect((await post(amPayload('firing'), token)).body).toMatchObject({ incidents: [{ id: 'inc-1', created: false, entries: 0 }] });
    expect((await post(amPayload('resolved'), token)).body).toMatchObject({ incidents: [{ id: 'inc-1', entries: 1 }] });
    const alerts = fx.server.incidentState('inc-1')!.timeline.filter((e) => e.kind === 'alert');
    expect(alerts.map((e) => [e.alert!.status, e.alert!.endsAt])).toEqual([['firing', null], ['resolved', Date.parse('2026-12-03T05:10:00Z')]]);
  });

  it('refuses a revoked or expired integration token with 401', async () => {
    await withIncident();
    const minted = await fx.server.access.issueInvite('integration');
    expect((await post(amPayload('firing'), minted.token)).status).toBe(200);
    await fx.server.access.registry.revoke(minted.claims.jti, Date.now());
    expect(await post(amPayload('firing'), minted.token)).toMatchObject({ status: 401, body: { code: 'HOOK_UNAUTHORIZED', message: expect.stringMatching(/revoked/) } });
    const short = await fx.server.access.issueInvite('integration', { ttlMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect((await post(amPayload('firing'), short.token)).body).toMatchObject({ message: expect.stringMatching(/expired/) });
  });

  it('refuses a missing, forged or non-integration token with 401', async () => {
    await withIncident();
    expect((await post(amPayload('firing'), null)).status).toBe(401);
    expect((await post(amPayload('firing'), 'x.y')).body).toMatchObject({ ok: false, code: 'HOOK_UNAUTHORIZED' });
    expect((await post(amPayload('firing'), fx.server.createToken('lead'))).status).toBe(401);
    expect(fx.server.incidentState('inc-1')!.timeline.some((e) => e.kind === 'alert')).toBe(false);
  });

  it.each([
    ['not JSON', '{nope'],
    ['no alerts', { version: '4', alerts: [] }],
    ['an unknown version', { ...amPayload('firing'), version: '9' }],
    ['a bad time', { ...amPayload('firing'), alerts: [{ ...amPayload('firing').alerts[0], startsAt: 'yesterday' }] }],
  ])('a payload with %s is a 400 with a code, and nothing is stored', async (_what, body) => {
    const token = await withIncident();
    const head = await fx.server.store.headSeq('inc-1');
    const r = await post(body, token);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ ok: false, code: 'HOOK_INVALID' });
    expect(await fx.server.store.headSeq('inc-1')).toBe(head);
  });

  it('an oversize body is a 413', async () => {
    const token = await withIncident();
    const huge = { ...amPayload('firing'), pad: 'x'.repeat(MAX_HOOK_BODY_BYTES) };
    const r = await post(huge, token);
    expect(r).toMatchObject({ status: 413, body: { code: 'HOOK_TOO_LARGE' } });
  });

  it('takes Grafana alerting\'s payload on the same endpoint and on /hooks/grafana', async () => {
    const token = await withIncident();
    const grafana = {
      receiver: 'warroom', status: 'firing', orgId: 1, version: '1', groupKey: 'g', truncatedAlerts: 0, title: '[FIRING:1] HighLatency', state: 'alerting', message: '…',
      groupLabels: {}, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://grafana.local/',
      alerts: [{
        status: 'firing', labels: { alertname: 'HighLatency', grafana_folder: 'SRE', warroom_incident: 'inc-1' }, annotations: { summary: 'p99 > 2 s' },
        startsAt: T, endsAt: '0001-01-01T00:00:00Z', generatorURL: 'http://grafana.local/alerting/x', fingerprint: 'g1', silenceURL: 'http://grafana.local/s', values: { B: 2.3 },
      }],
    };
    expect((await post(grafana, token, '/hooks/grafana')).body).toMatchObject({ ok: true, incidents: [{ id: 'inc-1', entries: 1 }] });
    expect((await post(grafana, token)).body).toMatchObject({ incidents: [{ id: 'inc-1', entries: 0 }] });
    const e = fx.server.incidentState('inc-1')!.timeline.find((x) => x.kind === 'alert')!;
    expect(e.alert).toMatchObject({ source: 'grafana', name: 'HighLatency', summary: 'p99 > 2 s' });
  });

  it('an alert naming no known incident, with no declare rule, is reported unrouted', async () => {
    const token = await withIncident();
    const r = await post(amPayload('firing', { warroom_incident: 'nope' }), token);
    expect(r.body).toEqual({ ok: true, incidents: [], unrouted: 1 });
  });

  it('an integration token scoped to an incident routes every alert there', async () => {
    await withIncident();
    const scoped = fx.server.createToken('integration', 'inc-1');
    const r = await post(amPayload('firing', { warroom_incident: 'other' }), scoped);
    expect(r.body).toMatchObject({ incidents: [{ id: 'inc-1', entries: 1 }] });
  });
});
