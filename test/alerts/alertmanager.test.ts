// A real Prometheus Alertmanager sends its webhook to a real War Room server: alerts land as
// `alert` entries exactly once despite repeats, a resolve lands as a resolve, and an alert no
// incident claims declares one when a rule says so.
import { afterEach, describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../shared/model.ts';
import type { WarRoomServer } from '../../server/createServer.ts';
import { parseDeclareRule } from '../../server/hooks/route.ts';
import { call, connect, memoryLogger, op, removeDir, startServer, tempDir, until } from '../server/helpers.ts';
import { alertmanagerAvailable, startAlertmanager, type Alertmanager } from './alertmanager.ts';

const amUp = alertmanagerAvailable();
const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

async function setUp(declare: string[] = []): Promise<{ server: WarRoomServer; am: Alertmanager; calls: () => number }> {
  const dir = tempDir('warroom-alerts-');
  const { logger, lines } = memoryLogger();
  const server = await startServer(dir, { declareFromAlerts: declare.map(parseDeclareRule) }, { logger });
  cleanup.push(async () => {
    await server.close();
    removeDir(dir);
  });
  const am = await startAlertmanager({ webhookUrl: `${server.url}/hooks/alertmanager`, token: server.createToken('integration') });
  cleanup.push(() => am.stop());
  return { server, am, calls: () => lines.filter((l) => l.msg === 'alerts recorded').length };
}

const alertsIn = (s: WarRoomServer, id: string): TimelineEntry[] => s.incidentState(id)?.timeline.filter((e) => e.kind === 'alert') ?? [];

describe.skipIf(!amUp)('Prometheus Alertmanager webhook', () => {
  it('firing alerts land once in the labelled incident, repeats do not duplicate, a resolve lands as a resolve', { timeout: 60_000 }, async () => {
    const { server, am, calls } = await setUp();
    const lead = await connect(server.url, { token: server.createToken('lead'), clientId: 'ana' });
    cleanup.push(() => void lead.close());
    await call(lead, 'incident:create', op('incident.create', 'checkout-503', 'ana', { title: 'Checkout 503s', severity: 'SEV2' }));
    const startsAt = new Date(Date.now() - 60_000).toISOString();
    const labels = { alertname: 'CheckoutErrorRate', severity: 'warning', service: 'checkout', warroom_incident: 'checkout-503' };
    await am.push([{ labels, annotations: { summary: '5% of checkouts fail', description: 'HTTP 503 from payments' }, startsAt, generatorURL: 'http://prometheus.local/graph?g0.expr=x' }]);
    await until(() => alertsIn(server, 'checkout-503').length === 1, 'the firing alert entry', 20_000);
    // repeat_interval is 1 s: wait for at least two more notifications of the same group.
    const seen = calls();
    await until(() => calls() >= seen + 2, 'repeated notifications', 20_000);
    // Alertmanager re-sending the alert itself (a Prometheus re-evaluation) is no new entry either.
    await am.push([{ labels, annotations: { summary: '5% of checkouts fail', description: 'HTTP 503 from payments' }, startsAt }]);
    await until(() => calls() >= seen + 3, 'another notification', 20_000);
    const firing = alertsIn(server, 'checkout-503');
    expect(firing).toHaveLength(1);
    expect(firing[0]!.alert).toMatchObject({
      source: 'alertmanager', status: 'firing', name: 'CheckoutErrorRate', summary: '5% of checkouts fail', description: 'HTTP 503 from payments',
      startsAt: Date.parse(startsAt), generatorUrl: 'http://prometheus.local/graph?g0.expr=x',
    });
    expect(firing[0]!.alert!.labels).toContainEqual({ name: 'service', value: 'checkout' });
    expect(firing[0]!.occurredAt).toBe(Date.parse(startsAt));

    await am.push([{ labels, annotations: { summary: '5% of checkouts fail' }, startsAt, endsAt: new Date(Date.now() - 1_000).toISOString() }]);
    await until(() => alertsIn(server, 'checkout-503').length === 2, 'the resolved entry', 20_000);
    const resolvedSeen = calls();
    await new Promise((r) => setTimeout(r, 1_500));
    const entries = alertsIn(server, 'checkout-503');
    expect(entries.map((e) => e.alert!.status)).toEqual(['firing', 'resolved']);
    expect(entries[1]!.text).toMatch(/^Alert resolved: CheckoutErrorRate/);
    expect(calls()).toBeGreaterThanOrEqual(resolvedSeen);
  });

  it('an alert no incident claims declares one when it matches --declare-from-alerts, once', { timeout: 60_000 }, async () => {
    const { server, am, calls } = await setUp(['severity=critical']);
    const startsAt = new Date(Date.now() - 30_000).toISOString();
    await am.push([
      { labels: { alertname: 'PaymentsDown', severity: 'critical', service: 'payments' }, annotations: { summary: 'No successful payment for 2 min' }, startsAt },
      { labels: { alertname: 'Noise', severity: 'info' }, annotations: { summary: 'not for us' }, startsAt },
    ]);
    const lead = await connect(server.url, { token: server.createToken('lead'), clientId: 'ana' });
    cleanup.push(() => void lead.close());
    const list = async () => (await call<{ ok: true; incidents: { id: string; title: string; severity: string }[] }>(lead, 'incident:list')).incidents;
    const end = Date.now() + 20_000;
    while ((await list()).length === 0 && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
    const seen = calls();
    await until(() => calls() >= seen + 2, 'repeated notifications', 20_000);
    const incidents = await list();
    expect(incidents).toHaveLength(1);
    expect(incidents[0]).toMatchObject({ title: 'PaymentsDown: No successful payment for 2 min', severity: 'SEV1' });
    const state = server.incidentState(incidents[0]!.id)!;
    expect(state.createdBy).toBe('warroom-server');
    expect(state.services).toEqual(['payments']);
    // The info alert is grouped apart (group_by alertname) and matches no rule: it is not recorded anywhere.
    expect(alertsIn(server, incidents[0]!.id).map((e) => e.alert!.name)).toEqual(['PaymentsDown']);
  });
});
