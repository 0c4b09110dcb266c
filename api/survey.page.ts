/**
 * The survey page's HTML, rendered on the server: the link in the survey email must work in any
 * mail client's browser, without the desk's JavaScript and without signing in.
 */

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

const RATINGS: readonly [number, string][] = [
  [1, 'Very poor'],
  [2, 'Poor'],
  [3, 'Okay'],
  [4, 'Good'],
  [5, 'Excellent'],
];

const STYLE = `
:root { color-scheme: light; --brand: #0f6cbd; --brand-dark: #115ea3; --ink: #242424; --muted: #616161; --line: #d1d1d1; --bg: #f5f5f5; }
* { box-sizing: border-box; }
body { margin: 0; font-family: "Segoe UI", system-ui, -apple-system, Roboto, sans-serif; color: var(--ink); background: var(--bg); line-height: 1.45; }
header { background: var(--brand); color: #fff; padding: 12px 20px; font-weight: 600; font-size: 18px; }
main { max-width: 560px; margin: 32px auto; padding: 0 16px; }
.card { background: #fff; border-radius: 8px; box-shadow: 0 1px 2px rgba(0,0,0,.14), 0 0 2px rgba(0,0,0,.12); padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
.case { color: var(--muted); margin: 0 0 20px; }
fieldset { border: 0; padding: 0; margin: 0 0 20px; }
legend { font-weight: 600; margin-bottom: 8px; }
.scale { display: grid; grid-template-columns: repeat(5, 1fr); gap: 8px; }
.scale label { display: flex; flex-direction: column; align-items: center; gap: 2px; border: 1px solid var(--line); border-radius: 6px; padding: 10px 4px; cursor: pointer; font-size: 13px; text-align: center; }
.scale label strong { font-size: 22px; }
.scale input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.scale input:checked + label { border-color: var(--brand); background: #ebf3fc; color: var(--brand-dark); box-shadow: inset 0 0 0 1px var(--brand); }
.scale input:focus-visible + label { outline: 2px solid var(--ink); outline-offset: 2px; }
label.field { display: block; font-weight: 600; margin-bottom: 6px; }
textarea { width: 100%; min-height: 110px; font: inherit; padding: 8px 10px; border: 1px solid var(--line); border-bottom-color: #616161; border-radius: 4px; }
textarea:focus { outline: 2px solid var(--brand); outline-offset: 0; }
.hint { color: var(--muted); font-size: 13px; margin: 4px 0 20px; }
button { background: var(--brand); color: #fff; border: 0; border-radius: 4px; padding: 8px 20px; font: inherit; font-weight: 600; cursor: pointer; }
button:hover { background: var(--brand-dark); }
button:focus-visible { outline: 2px solid var(--ink); outline-offset: 2px; }
.error { background: #fdf3f4; border: 1px solid #eeacb2; color: #751d1f; border-radius: 4px; padding: 8px 12px; margin-bottom: 16px; }
.notice { font-size: 16px; }
.icon { font-size: 40px; line-height: 1; margin-bottom: 8px; color: var(--brand); }
@media (max-width: 420px) { .scale { grid-template-columns: repeat(5, 1fr); gap: 4px; } .scale label { font-size: 11px; padding: 8px 2px; } main { margin-top: 16px; } }
`;

/** The desk's icon (web/desk/src/favicon.svg), inline: the page needs no file and the browser asks for no /favicon.ico. */
const ICON = `data:image/svg+xml,${encodeURIComponent('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#0f6cbd"/><path d="M21.5 11.2a7 7 0 1 0 0 9.6" fill="none" stroke="#fff" stroke-width="3.2" stroke-linecap="round"/></svg>')}`;

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${escapeHtml(title)} · caseflow support</title>
<link rel="icon" type="image/svg+xml" href="${ICON}">
<style>${STYLE}</style>
</head>
<body>
<header role="banner">caseflow support</header>
<main>
${body}
</main>
</body>
</html>`;
}

export interface SurveyFormView {
  readonly token: string;
  readonly caseNumber: string;
  readonly caseTitle: string;
  readonly error?: string;
  readonly rating?: number;
  readonly comment?: string;
}

/** The survey itself: a 1–5 rating and a comment, posted back as a form. */
export function surveyFormPage(view: SurveyFormView): string {
  const scale = RATINGS.map(
    ([value, words]) =>
      `<input type="radio" name="rating" id="rating-${value}" value="${value}" required${view.rating === value ? ' checked' : ''}>` +
      `<label for="rating-${value}"><strong aria-hidden="true">${value}</strong>${words}</label>`,
  ).join('\n');
  return layout(
    'How did we do?',
    `<div class="card">
<h1>How did we do?</h1>
<p class="case">Case ${escapeHtml(view.caseNumber)} · ${escapeHtml(view.caseTitle)}</p>
${view.error ? `<div class="error" role="alert">${escapeHtml(view.error)}</div>` : ''}
<form method="post" action="/surveys/${encodeURIComponent(view.token)}">
<fieldset>
<legend>Your rating of our help (1 = very poor, 5 = excellent)</legend>
<div class="scale">
${scale}
</div>
</fieldset>
<label class="field" for="comment">Anything you would like to tell us? (optional)</label>
<textarea id="comment" name="comment" maxlength="2000" aria-describedby="comment-hint">${escapeHtml(view.comment ?? '')}</textarea>
<p class="hint" id="comment-hint">Up to 2000 characters. Your answer goes to the support team.</p>
<button type="submit">Send my answer</button>
</form>
</div>`,
  );
}

/** A page that only says something: thank you, already answered, expired, not valid. */
export function surveyNoticePage(title: string, text: string, icon: string): string {
  return layout(
    title,
    `<div class="card" role="status">
<div class="icon" aria-hidden="true">${icon}</div>
<h1>${escapeHtml(title)}</h1>
<p class="notice">${escapeHtml(text)}</p>
</div>`,
  );
}
