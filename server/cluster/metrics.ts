/** The cluster's operator metrics: dependencies, conflicts, drain, admission and slow consumers. */
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * prom-client's default metrics add three gauges named `…_total`, a suffix Prometheus reserves for
 * counters (`promtool check metrics` rejects them). Each only sums the per-type gauge of the same
 * name without the suffix (`warroom_nodejs_active_handles{type}` …), so they go: `sum()` gives them.
 */
export function dropTotalGauges(registry: Registry): void {
  for (const name of ['warroom_nodejs_active_handles_total', 'warroom_nodejs_active_requests_total', 'warroom_nodejs_active_resources_total']) {
    registry.removeSingleMetric(name);
  }
}

export function clusterMetrics(registers: Registry[]) {
  return {
    fanoutUp: new Gauge({ name: 'warroom_fanout_up', help: 'Cross-node fan-out (adapter) connections are live: 1 yes, 0 no (always 1 without an adapter).', registers }),
    fanoutErrors: new Counter({ name: 'warroom_fanout_errors_total', help: 'Errors of the fan-out adapter connections (LISTEN client, Redis pub/sub, its pool).', labelNames: ['kind'] as const, registers }),
    storeErrors: new Counter({ name: 'warroom_store_errors_total', help: 'Store failures (connection lost, database down…), apart from other internal errors.', labelNames: ['op'] as const, registers }),
    storeRetries: new Counter({ name: 'warroom_store_retries_total', help: 'Store transactions retried inside the store, by reason (deadlock, serialization).', labelNames: ['reason'] as const, registers }),
    seqConflicts: new Counter({ name: 'warroom_seq_conflicts_total', help: 'Appends that lost the race for a seq to another node, and were retried after catching up.', registers }),
    seqConflictsExhausted: new Counter({ name: 'warroom_seq_conflicts_exhausted_total', help: 'Batches refused SEQ_CONFLICT after every retry lost the race.', registers }),
    catchUps: new Counter({ name: 'warroom_catch_ups_total', help: 'Joins that caught a client up (sinceSeq > 0), by what they carried (ops, snapshot, partial).', labelNames: ['kind'] as const, registers }),
    joinBytes: new Counter({ name: 'warroom_join_bytes_total', help: 'Bytes of join answers (ops and snapshots) sent.', registers }),
    slowConsumerDrops: new Counter({ name: 'warroom_slow_consumer_drops_total', help: 'Sockets disconnected because they stopped reading and their unsent bytes passed the cap.', registers }),
    socketBufferedMaxBytes: new Gauge({ name: 'warroom_socket_buffered_max_bytes', help: 'Largest unsent byte count of one socket at the last check.', registers }),
    admissionRefused: new Counter({ name: 'warroom_admission_refused_total', help: 'Work refused OVERLOADED by admission control, by the threshold that tripped.', labelNames: ['reason'] as const, registers }),
    overloaded: new Gauge({ name: 'warroom_overloaded', help: '1 while admission control refuses new work.', registers }),
    draining: new Gauge({ name: 'warroom_draining', help: '1 while the node drains for shutdown.', registers }),
  };
}
