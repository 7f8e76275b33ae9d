/**
 * 5. Export: Markdown, HTML, JSON and CSV of a 10k-entry incident with the shared formatters
 * (the same code the renderer and the CLI's export command run), against JSON.stringify of the
 * same data: the cheapest way to turn it into text at all.
 */
import { formatCsv, formatHtml, formatJson, formatMarkdown } from '../../shared/export/index.ts';
import { barChart } from '../lib/svg.ts';
import { fmt, fmtRatio, repeated, timeAsync, timeSync } from '../lib/stats.ts';
import type { BenchContext, BenchOutput } from '../lib/report.ts';
import { fastFold, logWithEntries, T0 } from '../lib/data.ts';

export async function runExport(ctx: BenchContext): Promise<BenchOutput> {
  const entries = 10_000;
  const ops = logWithEntries('export-bench', entries);
  const { state } = fastFold(ops);
  const exportedAt = T0 + 86_400_000;
  const options = { exportedAt, timeZone: 'Europe/Paris' };
  const reps = ctx.quick ? 5 : 15;
  // Each repeat of the whole set interleaves formats, so a noisy moment hits all of them.
  const samples: Record<string, number[]> = { stringifyState: [], stringifyOps: [], md: [], html: [], csv: [], json: [] };
  const sizes: Record<string, number> = {};
  for (let r = 0; r < ctx.repeats; r++) {
    samples.stringifyState!.push(...timeSync(() => (sizes.stringifyState = JSON.stringify(state).length), reps));
    samples.stringifyOps!.push(...timeSync(() => (sizes.stringifyOps = JSON.stringify(ops).length), reps));
    samples.md!.push(...timeSync(() => (sizes.md = formatMarkdown(state, options).length), reps));
    samples.html!.push(...timeSync(() => (sizes.html = formatHtml(state, options).length), reps));
    samples.csv!.push(...timeSync(() => (sizes.csv = formatCsv(state, options).length), reps));
    samples.json!.push(...(await timeAsync(async () => (sizes.json = (await formatJson({ ops, exportedAt })).length), reps)));
  }
  const med = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, repeated(v)]));
  const base = med.stringifyState!.median;
  const baseOps = med.stringifyOps!.median;
  const label: Record<string, string> = {
    stringifyState: 'baseline: JSON.stringify(state)', stringifyOps: 'baseline: JSON.stringify(op log)',
    md: 'Markdown postmortem', html: 'HTML (self-contained)', csv: 'CSV timeline', json: 'JSON op log (with checksum)',
  };
  const rows = Object.keys(samples).map((k) => {
    const m = med[k]!;
    const b = k === 'json' || k === 'stringifyOps' ? baseOps : base;
    return [label[k]!, fmt(m.median), `${fmt(m.min)}–${fmt(m.max)}`, `${(sizes[k]! / 1e6).toFixed(2)} MB`, fmtRatio(m.median / b)];
  });
  const md = med.md!.median;
  return {
    name: 'export',
    title: 'Export of a 10k-entry incident',
    method: [
      `State: ${state.timeline.length} timeline entries, ${Object.keys(state.tasks).length} tasks, ${Object.keys(state.members).length} members, from a ${ops.length}-op synthetic log folded by the shared reducer.`,
      `Each formatter runs ${reps} times per repeat after 2 warm-up calls, ${ctx.repeats} repeats interleaved across formats; median and min–max of all calls. One process, in-memory, no file writes.`,
      'Markdown, HTML and CSV format the state with a second time zone (Europe/Paris) beside UTC; JSON exports the op log and its sha256 checksum. Ratios compare with JSON.stringify of the same state (or op log).',
    ],
    tables: [{ columns: ['output', 'ms (median)', 'min–max', 'size', 'vs JSON.stringify'], rows }],
    checks: [{ what: 'Markdown of 10k entries', value: `${fmt(md)} ms`, target: '≤ 100 ms', pass: md <= 100 }],
    chart: barChart('Export of a 10k-entry incident (median ms, whiskers min–max)', 'ms', ['ms'],
      Object.keys(samples).map((k) => ({ label: label[k]!.replace('baseline: ', '').slice(0, 22), values: [med[k]!.median], spread: [[med[k]!.min, med[k]!.max]] as [number, number][] }))),
    notes: [],
    data: { entries: state.timeline.length, ops: ops.length, samples: Object.fromEntries(Object.entries(med).map(([k, v]) => [k, { median: v.median, min: v.min, max: v.max }])), sizes },
  };
}
