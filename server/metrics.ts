/** Prometheus metrics, one registry per server so several servers can live in one process (tests). */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { clusterMetrics, dropTotalGauges } from './cluster/metrics.ts';

export function createMetrics() {
  const registry = new Registry();
  // Default metrics include the event-loop lag (monitorEventLoopDelay) as warroom_nodejs_eventloop_lag_*.
  collectDefaultMetrics({ register: registry, prefix: 'warroom_' });
  const registers = [registry];
  dropTotalGauges(registry);
  return {
    registry,
    connectedClients: new Gauge({ name: 'warroom_connected_clients', help: 'Sockets connected to this node.', registers }),
    opsCommitted: new Counter({ name: 'warroom_ops_committed_total', help: 'Ops committed to the store by this node.', registers }),
    commitLatency: new Histogram({
      name: 'warroom_op_commit_latency_seconds', help: 'From receiving an op to its durable commit and broadcast.',
      buckets: [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers,
    }),
    commitBatchSize: new Histogram({
      name: 'warroom_commit_batch_ops', help: 'Ops written per store transaction (group commit).',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers,
    }),
    opsRejected: new Counter({ name: 'warroom_ops_rejected_total', help: 'Ops refused, by error code.', labelNames: ['code'] as const, registers }),
    connectionsRefused: new Counter({ name: 'warroom_connections_refused_total', help: 'Connections refused by the handshake, by code.', labelNames: ['code'] as const, registers }),
    quarantined: new Gauge({ name: 'warroom_quarantined_records', help: 'Stored records moved to quarantine because they failed validation.', registers }),
    // Stored data integrity (server/integrity): a loss found on start, and rows failing their checks.
    missingOps: new Gauge({ name: 'warroom_store_missing_ops', help: 'Seqs below an incident head with no row and no quarantine record, found by the last start check (lost ops).', registers }),
    integrityFailures: new Counter({ name: 'warroom_store_integrity_failures_total', help: 'Stored records that failed their integrity check, by when it was found (open, read).', labelNames: ['when'] as const, registers }),
    backups: new Counter({ name: 'warroom_backups_total', help: 'Automatic backups, by result.', labelNames: ['result'] as const, registers }),
    ...clusterMetrics(registers),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
