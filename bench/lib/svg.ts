/** Small hand-written SVG charts (grouped bars, lines): enough to read a result, no dependency. */

const W = 720;
const H = 380;
const M = { top: 40, right: 20, bottom: 80, left: 70 };
const COLORS = ['#7a869a', '#e8590c', '#1c7ed6', '#2f9e44', '#ae3ec9', '#f08c00'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

const tickLabel = (v: number) => (Math.abs(v) >= 1000 ? `${+(v / 1000).toFixed(1)}k` : `${+v.toPrecision(2)}`);

interface Tick { y: number; label: string }

function frame(title: string, yLabel: string, ticks: Tick[], body: string, legend: string[]): string {
  const plotH = H - M.top - M.bottom;
  let grid = '';
  for (const t of ticks) {
    grid += `<line x1="${M.left}" x2="${W - M.right}" y1="${t.y}" y2="${t.y}" stroke="#e9ecef"/>`;
    grid += `<text x="${M.left - 6}" y="${t.y + 4}" text-anchor="end" font-size="11">${t.label}</text>`;
  }
  // Legend entries flow left to right and wrap onto a second row.
  let x = M.left;
  let row = legend.reduce((w, l) => w + 34 + l.length * 6.6, M.left) > W ? 1 : 0;
  const leg = legend.map((l, i) => {
    const w = 34 + l.length * 6.6;
    if (x + w > W && x > M.left) {
      x = M.left;
      row--;
    }
    const y = H - 8 - row * 16;
    const out = `<rect x="${x}" y="${y - 10}" width="12" height="12" fill="${COLORS[i % COLORS.length]}"/>` +
      `<text x="${x + 16}" y="${y}" font-size="12">${esc(l)}</text>`;
    x += w;
    return out;
  }).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif">
<rect width="${W}" height="${H}" fill="#fff"/>
<text x="${W / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${esc(title)}</text>
<text transform="translate(16 ${M.top + plotH / 2}) rotate(-90)" text-anchor="middle" font-size="12">${esc(yLabel)}</text>
${grid}${body}${leg}
</svg>
`;
}

function linearTicks(yMax: number, Y: (v: number) => number): Tick[] {
  return Array.from({ length: 6 }, (_, i) => (yMax * i) / 5).map((v) => ({ y: Y(v), label: tickLabel(v) }));
}

/** 1, 2, 5, 10, 20, 50… from lo up to yMax. */
function logTicks(lo: number, yMax: number, Y: (v: number) => number): Tick[] {
  const out: Tick[] = [];
  for (let d = lo; d <= yMax * 1.0001; d *= 10) for (const m of [1, 2, 5]) if (d * m <= yMax * 1.0001) out.push({ y: Y(d * m), label: tickLabel(d * m) });
  return out;
}

export interface BarGroup {
  label: string;
  values: number[];
  /** Optional min..max whiskers per value (spread of repeats). */
  spread?: [number, number][];
}

/** Grouped bars: one group per label, one bar per series. */
export function barChart(title: string, yLabel: string, series: string[], groups: BarGroup[]): string {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const all = groups.flatMap((g) => [...g.values, ...(g.spread?.map((s) => s[1]) ?? [])]).filter(Number.isFinite);
  const yMax = niceMax(Math.max(0, ...all));
  const gw = plotW / Math.max(1, groups.length);
  const bw = Math.min(40, (gw * 0.8) / Math.max(1, series.length));
  const y = (v: number) => M.top + plotH - (plotH * Math.max(0, v)) / yMax;
  let body = '';
  groups.forEach((g, gi) => {
    const x0 = M.left + gi * gw + (gw - bw * series.length) / 2;
    g.values.forEach((v, si) => {
      if (!Number.isFinite(v)) return;
      const x = x0 + si * bw;
      body += `<rect x="${x}" y="${y(v)}" width="${bw - 2}" height="${M.top + plotH - y(v)}" fill="${COLORS[si % COLORS.length]}"><title>${esc(`${g.label} ${series[si]}: ${v}`)}</title></rect>`;
      const s = g.spread?.[si];
      if (s && Number.isFinite(s[0]) && Number.isFinite(s[1])) {
        const cx = x + (bw - 2) / 2;
        body += `<line x1="${cx}" x2="${cx}" y1="${y(s[0])}" y2="${y(s[1])}" stroke="#212529"/>`;
      }
    });
    body += `<text x="${M.left + gi * gw + gw / 2}" y="${M.top + plotH + 16}" text-anchor="middle" font-size="11">${esc(g.label)}</text>`;
  });
  return frame(title, yLabel, linearTicks(yMax, y), body, series);
}

export interface Line { name: string; points: [number, number][] }

/** Lines over a numeric x axis (optionally log-scaled on both axes). */
export function lineChart(title: string, xLabel: string, yLabel: string, lines: Line[], opts: { log?: boolean; hLine?: { y: number; label: string } } = {}): string {
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const pts = lines.flatMap((l) => l.points).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  const xs = pts.map((p) => p[0]);
  const ys = [...pts.map((p) => p[1]), opts.hLine?.y ?? 0];
  const log = opts.log ?? false;
  const tx = (v: number) => (log ? Math.log10(Math.max(v, 1e-9)) : v);
  const xMin = Math.min(...xs.map(tx));
  const xMax = Math.max(...xs.map(tx));
  const yMax = niceMax(Math.max(...ys));
  const positive = ys.filter((v) => v > 0);
  const lo = 10 ** Math.floor(Math.log10(Math.min(1, ...positive)));
  const span = Math.log10(Math.max(yMax, lo * 10)) - Math.log10(lo);
  const ty = (v: number) => (log ? (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / span : v / yMax);
  const X = (v: number) => M.left + (xMax === xMin ? plotW / 2 : ((tx(v) - xMin) / (xMax - xMin)) * plotW);
  const Y = (v: number) => M.top + plotH - plotH * Math.min(1, Math.max(0, ty(v)));
  let body = '';
  lines.forEach((l, i) => {
    const c = COLORS[i % COLORS.length];
    const good = l.points.filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
    body += `<polyline fill="none" stroke="${c}" stroke-width="2" points="${good.map(([a, b]) => `${X(a)},${Y(b)}`).join(' ')}"/>`;
    for (const [a, b] of good) body += `<circle cx="${X(a)}" cy="${Y(b)}" r="3.5" fill="${c}"><title>${esc(`${l.name}: ${a} → ${b}`)}</title></circle>`;
  });
  for (const x of [...new Set(xs)]) body += `<text x="${X(x)}" y="${M.top + plotH + 16}" text-anchor="middle" font-size="11">${tickLabel(x)}</text>`;
  body += `<text x="${M.left + plotW / 2}" y="${M.top + plotH + 34}" text-anchor="middle" font-size="12">${esc(xLabel)}</text>`;
  if (opts.hLine) {
    const y = Y(opts.hLine.y);
    body += `<line x1="${M.left}" x2="${W - M.right}" y1="${y}" y2="${y}" stroke="#c92a2a" stroke-dasharray="5 4"/><text x="${W - M.right}" y="${y - 4}" text-anchor="end" font-size="11" fill="#c92a2a">${esc(opts.hLine.label)}</text>`;
  }
  return frame(title, yLabel + (log ? ' (log scale)' : ''), log ? logTicks(lo, yMax, Y) : linearTicks(yMax, Y), body, lines.map((l) => l.name));
}
