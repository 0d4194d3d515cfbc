"""The exported page's stylesheet, inlined into every HTML export (no external assets).

It lives in a module rather than a `.css` file so it ships with the package without any
package-data rule; it uses only system fonts and no `url()`.
"""

STYLESHEET = """\
:root {
  --ink: #1f2430; --muted: #5c6370; --line: #dde1e8; --paper: #ffffff; --page: #f4f5f8;
  --positive: #1f7a45; --positive-bg: #e3f4e8; --negative: #a8322d; --negative-bg: #fbe5e3;
  --neutral: #55606e; --neutral-bg: #eceff3; --accent: #2f5fa8; --volunteer-bg: #eaf1fb;
  --mid: #b7791f;
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--page); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
}
main { max-width: 920px; margin: 0 auto; padding: 24px 20px 48px; }
header, section { background: var(--paper); border: 1px solid var(--line); border-radius: 10px;
  padding: 20px 24px; margin-bottom: 18px; }
h1 { font-size: 24px; margin: 0 0 12px; }
h2 { font-size: 19px; margin: 0 0 14px; }
h3 { font-size: 15px; margin: 20px 0 8px; text-transform: uppercase; letter-spacing: .04em;
  color: var(--muted); }
.kicker { margin: 0; color: var(--muted); font-size: 13px; text-transform: uppercase;
  letter-spacing: .06em; }
.facts { display: flex; flex-wrap: wrap; gap: 8px 28px; margin: 0; }
.facts dt { font-size: 12px; color: var(--muted); }
.facts dd { margin: 0; font-weight: 600; }
.muted { color: var(--muted); }
.summary { display: flex; gap: 28px; align-items: center; flex-wrap: wrap; }
.overall { display: flex; align-items: baseline; gap: 6px; padding: 10px 18px;
  border-radius: 10px; background: var(--neutral-bg); }
.overall-label { display: block; font-size: 12px; color: var(--muted); text-transform: uppercase;
  letter-spacing: .05em; margin-right: 6px; }
.overall-score { font-size: 44px; font-weight: 700; line-height: 1; }
.overall-max { color: var(--muted); }
.overall.readiness-ready { background: var(--positive-bg); }
.overall.readiness-not_yet { background: var(--negative-bg); }
.badge { display: inline-block; padding: 3px 12px; border-radius: 999px; font-weight: 600;
  background: var(--neutral-bg); }
.badge.readiness-ready { background: var(--positive-bg); color: var(--positive); }
.badge.readiness-almost { background: #fdf1dc; color: #8a5a12; }
.badge.readiness-not_yet { background: var(--negative-bg); color: var(--negative); }
.outcome { margin: 6px 0 0; color: var(--muted); font-size: 14px; }
.dimensions { display: grid; gap: 10px; }
.dimension { display: grid; grid-template-columns: 150px 1fr 40px; align-items: center;
  gap: 4px 12px; }
.dimension-name { font-weight: 600; }
.dimension-score { text-align: right; font-weight: 700; font-variant-numeric: tabular-nums; }
.bar { height: 12px; background: var(--neutral-bg); border-radius: 6px; overflow: hidden; }
.bar .fill { display: block; height: 100%; border-radius: 6px; }
.fill.high { background: var(--positive); }
.fill.mid { background: var(--mid); }
.fill.low { background: var(--negative); }
.evidence { grid-column: 2 / 4; margin: 0; padding-left: 18px; font-size: 13px;
  color: var(--muted); }
.turn-ref { font-size: 12px; color: var(--muted); white-space: nowrap; }
.hard-fails, .blockers { border-left: 4px solid var(--negative); background: var(--negative-bg);
  padding: 4px 16px 8px; border-radius: 6px; margin-top: 18px; }
.hard-fails h3, .blockers h3 { color: var(--negative); }
.no-hard-fails { margin: 0; color: var(--positive); font-weight: 600; }
.hard-fails ul, .blockers ul { margin: 0; padding-left: 18px; }
.metrics { display: flex; flex-wrap: wrap; gap: 10px; }
.metric { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 120px; }
.metric-value { display: block; font-size: 20px; font-weight: 700; }
.metric-name { font-size: 12px; color: var(--muted); }
.suggestions { margin: 0; padding-left: 22px; }
.suggestion { margin-bottom: 12px; }
.suggestion p { margin: 2px 0; }
.suggestion .quote { font-style: italic; }
.why-label, .try-label { font-weight: 600; }
.suggestion .try { color: var(--positive); }
.turn { display: flex; flex-direction: column; margin: 0 0 12px; break-inside: avoid;
  page-break-inside: avoid; }
.turn.volunteer { align-items: flex-end; }
.who { font-size: 12px; color: var(--muted); margin: 0 4px 2px; }
.turn-index { display: inline-block; min-width: 1.6em; text-align: center; border-radius: 4px;
  background: var(--neutral-bg); font-variant-numeric: tabular-nums; }
.bubble { max-width: 78%; padding: 10px 14px; border-radius: 12px; border: 1px solid var(--line);
  background: var(--paper); }
.volunteer .bubble { background: var(--volunteer-bg); border-color: #c9d9f1; }
.bubble .text { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.chips { margin-top: 6px; display: flex; flex-wrap: wrap; gap: 4px; font-size: 12px;
  color: var(--muted); }
.chip { display: inline-block; padding: 1px 9px; border-radius: 999px; font-size: 12px;
  font-weight: 600; background: #f3f4f7; color: var(--neutral); border: 1px solid #c9cfd8; }
.chip.positive { background: var(--positive-bg); color: var(--positive); border-color: #b9e0c6; }
.chip.negative { background: var(--negative-bg); color: var(--negative); border-color: #f0bdb8; }
mark { border-radius: 3px; padding: 0 2px; color: inherit; }
mark.positive { background: #c8ecd4; }
mark.negative { background: #f7c9c4; }
mark.neutral { background: #e6e6e6; }
.state { margin-top: 6px; display: flex; flex-wrap: wrap; gap: 4px 14px; font-size: 12px;
  color: var(--muted); }
.gauge { white-space: nowrap; }
.gauge-bar { display: inline-block; width: 46px; height: 6px; background: var(--neutral-bg);
  border-radius: 3px; vertical-align: middle; overflow: hidden; }
.gauge-bar span { display: block; height: 100%; background: var(--accent); }
.gauge.irritation .gauge-bar span { background: var(--negative); }
.source { font-style: italic; }
footer { text-align: center; color: var(--muted); font-size: 12px; }
* { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
@media print {
  body { background: #fff; font-size: 11pt; }
  main { max-width: none; padding: 0; }
  header, section { border: none; padding: 0; margin-bottom: 14pt; }
  section.transcript { break-before: page; }
  .bubble { max-width: 90%; }
  h2, h3 { break-after: avoid; }
  .dimension, .suggestion, .metric { break-inside: avoid; }
}
"""
