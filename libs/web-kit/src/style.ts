/**
 * One stylesheet for both apps. Colours meet WCAG 2.1 AA contrast on white (text #1a1a1a,
 * links #0b4f9c, error #a4161a, warning text #6b4a00); focus is always visible; the print
 * rules turn an evidence page into a document (no navigation, no forms, page breaks kept).
 */
export const STYLESHEET = `
:root { --fg:#1a1a1a; --muted:#4a4a4a; --link:#0b4f9c; --err:#a4161a; --warn:#6b4a00; --ok:#1e5e2a; --line:#c9c9c9; --bg2:#f3f4f6; }
* { box-sizing: border-box; }
body { font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); margin: 0; background: #fff; }
a { color: var(--link); }
a:focus, button:focus, input:focus, select:focus, textarea:focus, summary:focus { outline: 3px solid #ffbf47; outline-offset: 2px; }
.skip { position: absolute; left: -9999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 10; }
header.top { background: #10243e; color: #fff; padding: .6rem 1.2rem; display: flex; gap: 1.5rem; align-items: center; flex-wrap: wrap; }
header.top a { color: #fff; } header.top .brand { font-weight: 700; font-size: 1.1rem; text-decoration: none; }
header.top nav ul { list-style: none; display: flex; gap: 1rem; margin: 0; padding: 0; flex-wrap: wrap; }
header.top .right { margin-left: auto; display: flex; gap: 1rem; align-items: center; }
header.top form { margin: 0; } header.top button { background: none; border: 1px solid #fff; color: #fff; padding: .2rem .6rem; border-radius: 3px; cursor: pointer; }
main { max-width: 72rem; margin: 0 auto; padding: 1rem 1.2rem 3rem; }
h1 { font-size: 1.6rem; margin: .8rem 0; } h2 { font-size: 1.25rem; margin: 1.6rem 0 .6rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; } h3 { font-size: 1.05rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0 1rem; font-size: .95rem; }
th, td { border-bottom: 1px solid var(--line); padding: .35rem .5rem; text-align: left; vertical-align: top; }
th { background: var(--bg2); }
tr.overdue td { background: #fde8e8; } tr.due-soon td { background: #fff4d6; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 3px; font-size: .85rem; font-weight: 600; border: 1px solid currentColor; }
.badge.overdue { color: var(--err); } .badge.due-soon { color: var(--warn); } .badge.ok { color: var(--ok); }
.muted { color: var(--muted); } .mono { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .9em; word-break: break-all; }
form.stack { display: grid; gap: .8rem; max-width: 40rem; }
form.inline { display: flex; gap: .6rem; align-items: end; flex-wrap: wrap; }
label { font-weight: 600; display: block; } .hint { font-weight: 400; color: var(--muted); font-size: .9rem; display: block; }
input[type=text], input[type=email], input[type=tel], input[type=date], input[type=password], input[type=datetime-local], select, textarea { font: inherit; padding: .4rem .5rem; border: 2px solid #5a5a5a; border-radius: 3px; width: 100%; max-width: 40rem; }
input[aria-invalid=true], select[aria-invalid=true], textarea[aria-invalid=true] { border-color: var(--err); }
textarea { min-height: 5rem; }
div.choice { display: flex; gap: .5rem; align-items: baseline; margin: .25rem 0; } div.choice label { display: inline; font-weight: 400; }
div.choice input { width: 1.1rem; height: 1.1rem; }
fieldset { border: 1px solid var(--line); padding: .6rem 1rem 1rem; margin: 0; } legend { font-weight: 700; padding: 0 .3rem; }
button, .button { font: inherit; background: #0b4f9c; color: #fff; border: 0; padding: .5rem 1rem; border-radius: 3px; cursor: pointer; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: #0b4f9c; border: 2px solid #0b4f9c; }
button.danger { background: var(--err); }
.error-summary { border: 3px solid var(--err); padding: .6rem 1rem; margin: 1rem 0; } .error-summary h2 { border: 0; margin: 0 0 .3rem; color: var(--err); }
.field-error { color: var(--err); font-weight: 600; display: block; }
.notice { border-left: 5px solid #0b4f9c; background: var(--bg2); padding: .6rem 1rem; margin: 1rem 0; }
.notice.ok { border-color: var(--ok); }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(12rem, 1fr)); gap: 1rem; margin: 1rem 0; }
.card { border: 1px solid var(--line); border-radius: 4px; padding: .8rem 1rem; } .card .n { font-size: 2rem; font-weight: 700; display: block; }
details.decision { border: 1px solid var(--line); border-radius: 4px; padding: .5rem 1rem; margin: .5rem 0; } details.decision summary { font-weight: 600; cursor: pointer; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; } dl.facts dt { font-weight: 600; } dl.facts dd { margin: 0; }
.actions-bar { display: flex; gap: .6rem; flex-wrap: wrap; margin: .6rem 0; }
[hidden] { display: none !important; }
@media print {
  header.top, nav, form, .no-print, details.decision, .actions-bar { display: none !important; }
  body { font-size: 11pt; } main { max-width: none; padding: 0; }
  a { color: inherit; text-decoration: none; }
  table { page-break-inside: auto; } tr { page-break-inside: avoid; } h2 { page-break-after: avoid; }
  .print-only { display: block !important; }
}
.print-only { display: none; }
`;
