/**
 * Inline stylesheet of the HTML export: light, readable on screen and on A4/Letter paper. No web
 * fonts (no requests). `:host` lets the app preview the page inside a shadow root.
 */
export const HTML_CSS = `
:root, :host { color-scheme: light; --ink: #1b1f24; --muted: #5b6470; --line: #d8dde3; --soft: #f4f6f8; --accent: #0b5cad; }
* { box-sizing: border-box; }
body, :host { margin: 0; background: #fff; color: var(--ink); font: 14px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", "Liberation Sans", sans-serif; }
main { max-width: 1000px; margin: 0 auto; padding: 32px 28px 48px; }
h1 { font-size: 26px; line-height: 1.25; margin: 4px 0 16px; }
h2 { font-size: 19px; margin: 32px 0 10px; padding-bottom: 4px; border-bottom: 2px solid var(--line); }
h3 { font-size: 15px; margin: 20px 0 8px; }
h3.day { color: var(--accent); }
p { margin: 0 0 10px; }
.eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); margin: 0; }
.note { color: var(--muted); font-size: 13px; }
.empty { color: var(--muted); font-style: italic; }
.muted, .local { color: var(--muted); }
.warning { background: #fff4d6; border: 1px solid #e8c35a; padding: 8px 12px; border-radius: 6px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 0 0 14px; padding: 12px 16px; background: var(--soft); border-radius: 8px; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
code { font: 12.5px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; background: var(--soft); padding: 1px 4px; border-radius: 4px; }
.sev { font-weight: 700; padding: 1px 8px; border-radius: 4px; color: #fff; background: #6b7280; }
.sev-sev1 { background: #b42318; } .sev-sev2 { background: #c4520f; } .sev-sev3 { background: #a27300; } .sev-sev4 { background: #3a6ea5; }
table { width: 100%; border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { text-align: left; vertical-align: top; padding: 5px 8px; border-bottom: 1px solid var(--line); }
th { background: var(--soft); font-weight: 600; white-space: nowrap; }
table.timeline { table-layout: fixed; }
table.timeline th.time { width: 6.5em; }
table.timeline th.who { width: 9.5em; }
table.timeline th.kind { width: 7.5em; }
table.timeline th.local { width: 9.5em; }
table.help { table-layout: fixed; }
table.help th.asked { width: 11em; }
table.help th.of { width: 10em; }
table.help th.ack { width: 8.5em; }
table.help th.outcome { width: 10.5em; }
table.roles { width: auto; min-width: 60%; }
td.time { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.who { overflow-wrap: anywhere; }
td.kind { color: var(--muted); overflow-wrap: anywhere; }
td.time.local { white-space: normal; }
.text { white-space: pre-wrap; overflow-wrap: anywhere; }
tr.sys td { color: var(--muted); }
tr.status td { font-weight: 600; }
tr.pinned td { background: #fff8e1; }
tr.pinned td:first-child { box-shadow: inset 3px 0 0 #e0a800; }
.badge { display: inline-block; font-size: 11px; font-weight: 600; line-height: 1.5; padding: 0 6px; border-radius: 9px; border: 1px solid; vertical-align: 1px; }
.badge.pinned { color: #7a5200; border-color: #e0a800; background: #fff1c2; }
.badge.edited { color: var(--muted); border-color: var(--line); font-weight: 500; }
.badge.unsynced { color: #8a2c0d; border-color: #f0a27a; background: #fff0e8; }
.badge.backdated { color: #5a3d8a; border-color: #b9a3e0; background: #f3eefc; font-weight: 500; }
.badge.late { color: #b42318; border-color: #f3a09a; background: #fdeceb; }
.badge.overdue { color: #b42318; border-color: #f3a09a; background: #fdeceb; }
ul.key { padding-left: 20px; }
ul.key .time, ol.versions .time { font-variant-numeric: tabular-nums; color: var(--muted); white-space: nowrap; }
.appendix { color: #333a44; }
details.system { margin: 0 0 16px; }
details.system summary { cursor: pointer; color: var(--muted); }
table.facts-table { width: auto; min-width: 60%; }
ul.actions > li, ul.help > li { margin-bottom: 10px; }
ul.meta { list-style: none; padding-left: 0; margin: 2px 0; color: var(--muted); font-size: 13px; }
ul.meta li { display: inline; margin-right: 14px; }
footer { margin-top: 36px; padding-top: 10px; border-top: 1px solid var(--line); color: var(--muted); font-size: 12px; }
@page { size: A4; margin: 16mm 14mm; }
@media print {
  body { font-size: 11pt; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  h3 { break-after: avoid; }
  tr, li { break-inside: avoid; }
  thead { display: table-header-group; }
  details.system::details-content { content-visibility: visible; display: block; }
  details.system > summary { display: none; }
  dl.facts, tr.pinned td, .badge, .sev { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
`;
