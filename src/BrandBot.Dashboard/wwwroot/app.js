// The dashboard's pages. Everything a follower wrote reaches the page through textContent only —
// never innerHTML — so a text like <img onerror=…> shows as the characters it is.
// Every chart has its numbers in a table beside it (for reading, for screen readers and for tests).

const PAGES = [
  ['overview', 'Overview'], ['growth', 'Growth'], ['channels', 'Channels'], ['keywords', 'Keywords'],
  ['unanswered', 'Unanswered'], ['rules', 'Rules'], ['health', 'Health'], ['audit', 'Audit'],
  ['broadcasts', 'Broadcasts'], ['messages', 'Messages'],
];
const REFRESH_MS = 5000;
const page = document.body.dataset.page;
const params = new URLSearchParams(location.search);
let session = null;

// ---- small DOM helpers -------------------------------------------------------------------------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'text') node.textContent = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function section(title, ...children) {
  return el('section', {}, el('h2', { text: title }), ...children);
}

function percent(share) {
  return share === null || share === undefined ? '–' : `${Math.round(share * 100)}%`;
}

/** Every time on the pages, like every time the CLI prints (docs/dashboard.md#times-and-ranges): UTC, saying so; UtcTime.Format is its twin on the server. */
function utc(value) {
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? '–' : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function signed(n) {
  return n > 0 ? `+${n}` : String(n);
}

/** A count, a share, a duration or a dash for none: what lines up on the right of a column. */
const FIGURE = /^(?:[-+]?\d[\d.,]*\s?(?:%|ms|s)?|[–?-])$/;

/** A table from rows; columns are [header, row => value, attrs?(row)], a value text or an element (a button). */
function table(id, columns, rows, rowAttrs = () => ({})) {
  // Figures line up on the right, words (names, times, messages) read from the left.
  const figures = columns.map(([, value]) => rows.length > 0 && rows.every(row => FIGURE.test(String(value(row)))));
  const aligned = (i, attrs = {}) => (figures[i] ? { ...attrs, class: [attrs.class, 'figure'].filter(Boolean).join(' ') } : attrs);
  return el('table', { id, class: 'data by-column' },
    el('thead', {}, el('tr', {}, columns.map(([header], i) => el('th', aligned(i, { scope: 'col', text: header }))))),
    el('tbody', {}, rows.length === 0
      ? el('tr', {}, el('td', { colspan: columns.length, class: 'empty', text: 'nothing yet' }))
      : rows.map(row => el('tr', rowAttrs(row), columns.map(([, value, attrs], i) => {
        const cell = value(row);
        const cellAttrs = aligned(i, attrs ? attrs(row) : {});
        return cell instanceof Node ? el('td', cellAttrs, cell) : el('td', { ...cellAttrs, text: cell });
      })))));
}

// ---- talking to the API ------------------------------------------------------------------------

function withAccount(path) {
  const url = new URL(path, location.origin);
  if (session && session.account) url.searchParams.set('account', session.account);
  return url.pathname + url.search;
}

// Every timer on a page (its refresh, the header's badge) may learn of an ended session at the same tick;
// a second navigation would abort the first, so only the first goes to sign-in.
let leaving = false;
function toSignIn() {
  if (!leaving) {
    leaving = true;
    location.assign('/admin/login');
  }
}

async function api(path, options = {}) {
  const init = { credentials: 'same-origin', headers: {}, ...options };
  if (init.body !== undefined) {
    init.method = init.method || 'POST';
    init.headers['Content-Type'] = 'application/json';
    init.headers['X-CSRF-Token'] = session.csrf;
    init.body = JSON.stringify({ account: session.account, ...init.body });
  }
  const response = await fetch(withAccount(path), init);
  if (response.status === 401) {
    toSignIn();
    throw new Error('signed out');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.error || `${response.status}`);
    error.body = body;
    error.status = response.status;
    throw error;
  }
  return body;
}

// ---- charts --------------------------------------------------------------------------------------

const charts = new Map();

/** Draws (or redraws) a Chart.js chart in the canvas with this id; no animation, so it is drawn at once. */
function chart(id, type, labels, datasets, options = {}) {
  const canvas = document.getElementById(id);
  if (!canvas || !window.Chart) return;
  charts.get(id)?.destroy();
  // Counts: no 0.5 ticks on a value axis.
  window.Chart.defaults.scales.linear.ticks.precision = 0;
  const made = new window.Chart(canvas, {
    type,
    data: { labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: datasets.length > 1 } },
      ...options,
    },
  });
  charts.set(id, made);
  canvas.dataset.drawn = 'true';
}

function chartBox(id, label) {
  return el('div', { class: 'chart' }, el('canvas', { id, role: 'img', 'aria-label': label }));
}

// ---- the range picker shared by Growth, Channels, Keywords and Unanswered ------------------------

function rangeQuery() {
  if (params.get('from') && params.get('to')) return `from=${params.get('from')}&to=${params.get('to')}`;
  return `days=${params.get('days') || session.defaultDays}`;
}

function rangePicker() {
  const go = (next) => {
    const url = new URL(location.href);
    for (const key of ['days', 'from', 'to']) url.searchParams.delete(key);
    for (const [key, value] of Object.entries(next)) url.searchParams.set(key, value);
    location.assign(url);
  };
  const current = params.get('from') ? null : Number(params.get('days') || session.defaultDays);
  const from = el('input', { type: 'date', id: 'range-from', value: params.get('from') || '' });
  const to = el('input', { type: 'date', id: 'range-to', value: params.get('to') || '' });
  return el('div', { class: 'range', id: 'range' },
    [7, 14, 30, 90].map(days => el('button', {
      type: 'button', 'data-days': days, class: days === current ? 'active' : '', text: `${days} days`, onclick: () => go({ days }),
    })),
    el('label', { for: 'range-from', text: 'from' }), from,
    el('label', { for: 'range-to', text: 'to' }), to,
    el('button', { type: 'button', id: 'range-apply', text: 'Show', onclick: () => from.value && to.value && go({ from: from.value, to: to.value }) }));
}

function csvLink(path, label = 'Download CSV') {
  const url = new URL(withAccount(path), location.origin);
  url.searchParams.set('format', 'csv');
  for (const [key, value] of new URLSearchParams(rangeQuery())) url.searchParams.set(key, value);
  return el('a', { class: 'csv', href: url.pathname + url.search, download: '', text: label });
}

// ---- pages ---------------------------------------------------------------------------------------

const OVERVIEW_FIGURES = [
  ['follows', 'Follows'], ['unfollows', 'Unfollows'], ['net', 'Net'], ['messages', 'Messages'],
  ['unanswered', 'Unanswered'], ['ruleHits', 'Rule hits'],
];
const METRIC_NAMES = { ruleHits: 'rule-hits' };

function kpis(day, suffix) {
  return el('div', { class: 'kpis', id: `kpis-${suffix}` }, OVERVIEW_FIGURES.map(([key, label]) => {
    const value = day.figures[key];
    const deltas = [['d1', '1 day'], ['d7', '7 days'], ['d30', '30 days']].map(([ago, name]) => {
      const change = value - day.compare[ago][key];
      return el('li', { class: change > 0 ? 'up' : change < 0 ? 'down' : '', text: `${signed(change)} vs ${name} before` });
    });
    return el('div', { class: 'kpi' },
      el('span', { class: 'label', text: label }),
      el('span', { class: 'value', 'data-metric': `${METRIC_NAMES[key] || key}-${suffix}`, text: value }),
      el('ul', { class: 'deltas' }, deltas));
  }));
}

async function overview(content) {
  const data = await api('/admin/api/overview');
  content.replaceChildren(
    section(`Today (${data.today.figures.day}, live)`, kpis(data.today, 'today'),
      el('p', { class: 'updated', id: 'updated', text: `updated ${utc(new Date())} · refreshes every ${REFRESH_MS / 1000} s` })),
    section(`Yesterday (${data.yesterday.figures.day})`, kpis(data.yesterday, 'yesterday')));
}

async function growth(content) {
  const data = await api(`/admin/api/growth?${rangeQuery()}`);
  const rows = data.rows;
  content.replaceChildren(
    rangePicker(),
    section(`Follows and unfollows, ${data.from} to ${data.to}`,
      chartBox('growth-chart', 'follows, unfollows and net per day'),
      csvLink('/admin/api/growth'),
      table('growth-table', [
        ['day', r => r.day], ['follows', r => r.follows, () => ({ 'data-metric': 'follows' })],
        ['unfollows', r => r.unfollows, () => ({ 'data-metric': 'unfollows' })], ['net', r => r.net, () => ({ 'data-metric': 'net' })],
        ['messages', r => r.messages], ['unanswered', r => r.unanswered],
      ], [...rows].reverse(), r => ({ 'data-day': r.day }))),
    el('p', { class: 'note', text: 'Follows and unfollows count events; a follower who follows, leaves and follows again on one day counts twice. Only follows BrandBot saw are counted: follows through search or articles are in WeChat\'s own statistics.' }));
  chart('growth-chart', 'line', rows.map(r => r.day), [
    { label: 'follows', data: rows.map(r => r.follows), borderColor: '#07c160' },
    { label: 'unfollows', data: rows.map(r => r.unfollows), borderColor: '#e64340' },
    { label: 'net', data: rows.map(r => r.net), borderColor: '#576b95' },
  ]);
}

async function channels(content) {
  const data = await api(`/admin/api/channels?${rangeQuery()}`);
  const rows = data.rows;
  const qr = (row, format) => row.code
    ? el('a', { href: withAccount(`/admin/api/channels/${encodeURIComponent(row.scene)}/qr.${format}`), download: '', text: format.toUpperCase() })
    : null;
  content.replaceChildren(
    rangePicker(),
    section(`Channels (QR scenes), ${data.from} to ${data.to}`,
      chartBox('channels-chart', 'follows per scene'),
      csvLink('/admin/api/channels'),
      el('table', { id: 'channels-table', class: 'data' },
        el('thead', {}, el('tr', {}, ['scene', 'scans', 'follows', 'unfollows', 'net', 'still following after 1 day', '7 days', '30 days', 'code'].map(h => el('th', { scope: 'col', text: h })))),
        el('tbody', {}, rows.length === 0
          ? el('tr', {}, el('td', { colspan: 9, class: 'empty', text: 'no scenes yet' }))
          : rows.map(row => el('tr', { 'data-scene': row.scene },
            el('td', { text: row.scene }),
            el('td', { 'data-metric': 'scans', text: row.scans }),
            el('td', { 'data-metric': 'follows', text: row.follows }),
            el('td', { 'data-metric': 'unfollows', text: row.unfollows }),
            el('td', { 'data-metric': 'net', text: row.net }),
            el('td', { text: percent(row.retained1d) }), el('td', { text: percent(row.retained7d) }), el('td', { text: percent(row.retained30d) }),
            el('td', { class: 'qr' }, row.code ? [qr(row, 'png'), ' ', qr(row, 'svg')] : '–')))))),
    el('p', { class: 'note', text: 'Scans: every scan of the code — by someone who already follows (SCAN) and by someone who follows through it, so each follow is a scan too. Follows: new followers who came through the code (subscribe with a scene). Unfollows: followers the scene brought who left in the range. Still following: of the followers a scene brought at least N days ago, the share that did not leave within N days. Codes are minted by account apply.' }));
  chart('channels-chart', 'bar', rows.map(r => r.scene), [
    { label: 'follows', data: rows.map(r => r.follows), backgroundColor: '#07c160' },
    { label: 'scans', data: rows.map(r => r.scans), backgroundColor: '#576b95' },
  ]);
}

async function keywords(content) {
  const data = await api(`/admin/api/keywords?${rangeQuery()}`);
  const result = el('p', { id: 'test-result', role: 'status' });
  const input = el('input', { id: 'test-text', type: 'text', placeholder: 'a follower\'s message' });
  const test = async (event) => {
    event.preventDefault();
    const answer = await api(`/admin/api/rules/test?text=${encodeURIComponent(input.value)}`);
    const says = answer.reply ? `: “${answer.reply}”` : '';
    result.textContent = answer.answered ? `rule ${answer.rule} answers (version ${answer.version})${says}`
      : answer.flow ? `flow ${answer.flow} starts (version ${answer.version})`
        : answer.reply ? `no rule answers; the default reply goes out (version ${answer.version})${says}`
          : `no rule answers and there is no default reply: the follower gets nothing (version ${answer.version})`;
    result.dataset.rule = answer.rule || '';
  };
  content.replaceChildren(
    rangePicker(),
    section(`Rule hits, ${data.from} to ${data.to}`,
      chartBox('keywords-chart', 'hits per rule'),
      csvLink('/admin/api/keywords'),
      table('keywords-table', [['rule', r => r.rule], ['hits', r => r.hits, () => ({ 'data-metric': 'hits' })], ['share', r => `${r.share.toFixed(1)}%`, () => ({ 'data-metric': 'share' })]],
        data.rules, r => ({ 'data-rule': r.rule }))),
    section('Rules with no hits in the range',
      el('ul', { id: 'no-hits' }, data.noHits.length ? data.noHits.map(name => el('li', { 'data-rule': name, text: name })) : el('li', { class: 'empty', text: 'every rule was hit' }))),
    section('Menu taps (CLICK key or VIEW link)',
      table('menu-table', [['key or link', r => r.key], ['taps', r => r.clicks, () => ({ 'data-metric': 'clicks' })]], data.menu, r => ({ 'data-key': r.key }))),
    section('Conversations (started → completed)',
      table('flows-table', [['flow', r => r.flow], ['started', r => r.events.started], ['completed', r => r.events.completed],
        ['invalid answers', r => r.events.step_invalid], ['cancelled', r => r.events.cancelled], ['timed out', r => r.events.timed_out]], data.flows)),
    section('Test a text', el('form', { id: 'test-form', onsubmit: test }, input, el('button', { type: 'submit', text: 'Test' })), result));
  chart('keywords-chart', 'bar', data.rules.map(r => r.rule), [{ label: 'hits', data: data.rules.map(r => r.hits), backgroundColor: '#07c160' }], { indexAxis: 'y' });
}

// ---- the rules editor: Ace (vendored from npm, see docs/dashboard.md#the-rules-editor) -----------

let editorLibrary = null;

/**
 * Loads Ace the first time a page shows an editor (only Unanswered and Rules do): half a megabyte no
 * other page needs. Strict-CSP mode, so Ace injects no <style> element (the CSP forbids them) and its
 * look comes from the vendored ace.css and textmate.css instead.
 */
function loadEditorLibrary() {
  editorLibrary ??= (async () => {
    for (const href of ['/admin/assets/ace.css', '/admin/assets/textmate.css']) {
      document.head.append(el('link', { rel: 'stylesheet', href }));
    }
    for (const src of ['/admin/assets/ace.js', '/admin/assets/mode-yaml.js']) {
      await new Promise((resolve, reject) => document.head.append(el('script', { src, onload: resolve, onerror: () => reject(new Error(`could not load ${src}`)) })));
    }
    window.ace.config.set('useStrictCSP', true);
  })();
  return editorLibrary;
}

/** The editor's draft → validate → diff → publish panel, used by Unanswered and Rules. */
async function rulesEditor(yaml, baseVersion, onPublished) {
  await loadEditorLibrary();
  const host = el('div', { id: 'draft-yaml', class: 'yaml-editor', 'aria-label': 'rules file (YAML)' });
  const editor = window.ace.edit(host, {
    // Before the mode: a mode set first would start its checker in a worker, which the CSP refuses
    // (the dashboard validates on the server, with line numbers, anyway).
    useWorker: false,
    theme: 'ace/theme/textmate',
    minLines: 18,
    maxLines: 40,
    tabSize: 2,
    useSoftTabs: true,
    showPrintMargin: false,
    // Their icons are images the vendored CSS names but the dashboard does not ship.
    showFoldWidgets: false,
    displayIndentGuides: false,
    fontSize: '13px',
  });
  editor.session.setUseWorker(false);
  editor.session.setMode('ace/mode/yaml');
  editor.session.setValue(yaml);
  const Range = window.ace.require('ace/range').Range;
  let marks = [];
  const clearMarks = () => {
    for (const mark of marks) {
      editor.session.removeGutterDecoration(mark.row, mark.css);
      editor.session.removeMarker(mark.marker);
    }
    marks = [];
  };
  /** Colours the line a problem names, in the gutter and across the text. */
  const markLine = (line, severity) => {
    const row = line - 1;
    if (row < 0 || row >= editor.session.getLength()) return;
    const css = `line-${severity}`;
    editor.session.addGutterDecoration(row, css);
    marks.push({ row, css, marker: editor.session.addMarker(new Range(row, 0, row, 1), `${css}-text`, 'fullLine') });
  };
  const problems = el('ul', { id: 'draft-problems', class: 'problems' });
  const diff = el('pre', { id: 'draft-diff', class: 'diff' });
  const status = el('p', { id: 'draft-status', role: 'status' });
  let validated = null;
  const publish = el('button', { type: 'button', id: 'draft-publish', disabled: true, text: 'Publish' });
  const message = el('input', { type: 'text', id: 'draft-message', maxlength: 500, size: 60, placeholder: 'what changed and why (kept in the history)', 'aria-label': 'publish message' });
  editor.session.on('change', () => { publish.disabled = true; validated = null; });
  const validate = async () => {
    problems.replaceChildren();
    diff.replaceChildren();
    status.textContent = '';
    clearMarks();
    const result = await api('/admin/api/rules/validate', { body: { yaml: editor.getValue() } });
    problems.append(...result.problems.map(p => el('li', { class: p.severity, 'data-line': p.line },
      el('button', { type: 'button', class: 'goto-line', text: `line ${p.line}`, onclick: () => { editor.gotoLine(p.line, 0, true); editor.focus(); } }),
      `: ${p.severity}: ${p.message}`)));
    for (const p of result.problems) markLine(p.line, p.severity);
    if (!result.ok) {
      const first = result.problems.find(p => p.severity === 'error');
      if (first) editor.scrollToLine(first.line - 1, true, false);
      status.textContent = 'Fix the errors above, then validate again.';
      return;
    }
    baseVersion = result.liveVersion;
    diff.append(...result.lines.filter(l => l.op !== ' ').map(l => el('span', { class: l.op === '+' ? 'added' : 'removed', text: `${l.op} ${l.text}\n` })));
    const changes = [['added', result.added], ['changed', result.changed], ['removed', result.removed]].filter(([, names]) => names.length)
      .map(([what, names]) => `${what}: ${names.join(', ')}`).join('; ');
    status.textContent = `Valid against live version ${result.liveVersion}. ${changes || 'No rule changes.'}`;
    validated = editor.getValue();
    publish.disabled = false;
  };
  publish.addEventListener('click', async () => {
    if (validated === null) return;
    try {
      const result = await api('/admin/api/rules/publish', { body: { yaml: validated, baseVersion, message: message.value } });
      status.textContent = result.unchanged ? `No changes: version ${result.version} is already this content; nothing was published.` : `Published version ${result.version}.`;
      status.dataset.version = result.version;
      publish.disabled = true;
      onPublished?.(result.version);
    } catch (error) {
      status.textContent = error.message;
    }
  });
  const panel = el('div', { class: 'editor', id: 'rules-editor' }, host,
    el('div', { class: 'actions' }, el('button', { type: 'button', id: 'draft-validate', text: 'Validate and diff', onclick: validate }), message, publish),
    problems, diff, status);
  panel.editor = editor;
  return panel;
}

async function unanswered(content) {
  const data = await api(`/admin/api/unanswered?${rangeQuery()}`);
  const editorSlot = el('div', { id: 'editor-slot' });
  const makeRule = async (row) => {
    const draft = await api('/admin/api/rules/draft', { body: { text: row.text } });
    const panel = await rulesEditor(draft.yaml, draft.baseVersion);
    editorSlot.replaceChildren(section(`New rule for “${row.text}”`,
      el('p', { class: 'note', text: 'The live rules with one rule added at the end of rules:. Write the answer, validate, read the diff, publish.' }),
      panel));
    // Straight to the placeholder the operator has to replace.
    const found = panel.editor.find('TODO: write the answer');
    if (!found) panel.editor.focus();
  };
  const columns = [['text', r => r.text, () => ({ class: 'follower-text' })], ['times', r => r.count, () => ({ 'data-metric': 'count' })]];
  const rows = el('tbody', {}, data.rows.length === 0
    ? el('tr', {}, el('td', { colspan: 3, class: 'empty', text: 'nothing unanswered' }))
    : data.rows.map(row => el('tr', { class: 'unanswered-row' },
      columns.map(([, value, attrs]) => el('td', { ...attrs(row), text: value(row) })),
      el('td', {}, session.canWrite ? el('button', { type: 'button', class: 'make-rule', text: 'Make a rule', onclick: () => makeRule(row) }) : null))));
  content.replaceChildren(
    rangePicker(),
    section(`Texts no rule answered, ${data.from} to ${data.to} (${data.total} in all)`,
      chartBox('unanswered-chart', 'times each text was sent'),
      csvLink('/admin/api/unanswered'),
      el('table', { id: 'unanswered-table', class: 'data' },
        el('thead', {}, el('tr', {}, ['text', 'times', ''].map(h => el('th', { scope: 'col', text: h })))), rows)),
    el('p', { class: 'note', text: 'Texts are shown as followers wrote them, lower-cased, with phone- and ID-like numbers masked.' }),
    editorSlot);
  chart('unanswered-chart', 'bar', data.rows.slice(0, 15).map(r => r.text), [{ label: 'times', data: data.rows.slice(0, 15).map(r => r.count), backgroundColor: '#fa9d3b' }], { indexAxis: 'y' });
}

/** Whether every instance answers with the same version, and the list of them. */
function instancesView(instances) {
  const versions = new Set(instances.map(i => i.version));
  return [
    el('p', { id: 'instances-agree', class: versions.size > 1 ? 'warn' : 'ok', text: versions.size > 1 ? 'Instances answer with different versions: a publish is still spreading, or an instance cannot reach Redis.' : `All ${instances.length} instance(s) answer with this version.` }),
    table('instances-table', [['instance', i => i.instance + (i.self ? ' (this one)' : '')], ['version', i => i.version, () => ({ 'data-metric': 'version' })]], instances, i => ({ 'data-instance': i.instance })),
  ];
}

let instancesTimer = null;

/** The instance list follows starts and stops without redrawing the page (an editor may be open below it). */
function refreshInstances() {
  if (instancesTimer !== null) return;
  instancesTimer = setInterval(async () => {
    try {
      const data = await api('/admin/api/rules');
      const [agree, list] = instancesView(data.instances);
      document.getElementById('instances-agree')?.replaceWith(agree);
      document.getElementById('instances-table')?.replaceWith(list);
    } catch {
      // The next tick tries again.
    }
  }, REFRESH_MS);
}

async function rules(content) {
  const data = await api('/admin/api/rules');
  const live = data.live;
  const rollbackSlot = el('div', { id: 'rollback-slot' });
  const startRollback = (version) => {
    const phrase = `roll back to version ${version}`;
    const input = el('input', { id: 'rollback-confirm', type: 'text', autocomplete: 'off' });
    const message = el('input', { id: 'rollback-message', type: 'text', maxlength: 500, size: 60, placeholder: 'why (kept in the history)', 'aria-label': 'rollback message' });
    const status = el('p', { id: 'rollback-status', role: 'status' });
    const go = el('button', { type: 'button', id: 'rollback-go', disabled: true, text: 'Roll back' });
    input.addEventListener('input', () => { go.disabled = input.value.trim() !== phrase; });
    go.addEventListener('click', async () => {
      try {
        const result = await api('/admin/api/rules/rollback', { body: { version, confirm: input.value, message: message.value } });
        status.textContent = `Version ${result.version} is live, with the content of version ${version}.`;
        setTimeout(() => render(), 1000);
      } catch (error) {
        status.textContent = error.message;
      }
    });
    rollbackSlot.replaceChildren(section(`Roll back to version ${version}`,
      el('p', {}, 'Type ', el('code', { text: phrase }), ' to confirm. The content of that version becomes a new version; nothing is deleted.'),
      input, ' ', message, go, status));
    input.focus();
  };
  const history = table('history-table', [
    ['version', h => h.version], ['when', h => utc(h.at), () => ({ class: 'time' })], ['by', h => h.by || '–'], ['action', h => h.action],
    ['message', h => h.message || ''], ['added', h => h.added.join(', ')], ['changed', h => h.changed.join(', ')], ['removed', h => h.removed.join(', ')],
  ], data.history, h => ({ 'data-version': h.version }));
  if (session.canWrite) {
    for (const row of history.querySelectorAll('tbody tr[data-version]')) {
      const version = Number(row.dataset.version);
      row.append(el('td', {}, live && version !== live.version ? el('button', { type: 'button', class: 'rollback', text: 'Roll back to this', onclick: () => startRollback(version) }) : ''));
    }
  }
  const yaml = el('pre', { id: 'live-yaml', class: 'yaml', text: live ? live.yaml : '' });
  content.replaceChildren(
    section('Live version',
      el('p', { id: 'live-version', 'data-version': live ? live.version : 0, text: live ? `Version ${live.version}, published ${utc(live.publishedAt)} by ${live.by || '–'}` : 'No version published yet.' }),
      ...instancesView(data.instances)),
    section('History', history),
    rollbackSlot,
    // replaceChildren writes a null as the text "null": a viewer gets no section at all instead.
    session.canWrite && live ? section('Edit and publish', await rulesEditor(live.yaml, live.version, () => setTimeout(() => render(), 1000))) : '',
    section('Live rules file', yaml));
  refreshInstances();
}

async function health(content) {
  const data = await api('/admin/api/health');
  const banner = document.getElementById('banner');
  banner.hidden = !data.degraded;
  banner.dataset.state = data.degraded ? 'degraded' : 'ok';
  banner.textContent = data.degraded ? 'Degraded: Redis is unreachable. Followers are answered with the last loaded rules; counts wait in memory.' : '';
  const latency = data.latency;
  const ms = (v) => v === null || v === undefined ? '–' : `${v} ms`;
  const rows = [['p50', latency.p50Ms], ['p95', latency.p95Ms], ['p99', latency.p99Ms], ['max', latency.maxMs]];
  content.replaceChildren(
    section('This instance',
      el('p', { id: 'store-state', 'data-state': data.store, text: `Store: ${data.store}. Instance ${data.instance}.` }),
      table('rules-versions', [['account', r => r.account], ['rules version', r => r.version]], data.rules)),
    section(`Push latency (latest ${latency.pushes} pushes, against the ${data.budgetMs} ms budget and WeChat's ${data.deadlineMs} ms deadline)`,
      chartBox('latency-chart', 'push latency percentiles in milliseconds'),
      table('latency-table', [['percentile', r => r[0]], ['latency', r => ms(r[1]), r => ({ 'data-metric': r[0] })]], rows)),
    section('Since this instance started',
      table('health-counts', [['what', r => r[0]], ['count', r => r[1], r => ({ 'data-metric': r[2] })]], [
        ['answered success because the budget ran out', data.budgetFallbacks, 'budget-fallbacks'],
        ['retries answered from the first attempt', data.dedupHits, 'dedup-hits'],
        ['rate-limited messages', data.rateLimited, 'rate-limited'],
        ['Redis calls answered from memory', data.redisErrors, 'redis-errors'],
      ]),
      table('rejections-table', [['rejected because', r => r[0]], ['count', r => r[1]]], Object.entries(data.rejections))));
  // A logarithmic axis: pushes take a millisecond or two while the budget and the deadline are
  // thousands, so on a linear axis every percentile would be an invisible sliver beside them.
  chart('latency-chart', 'bar', rows.map(r => r[0]).concat(['budget', 'deadline']), [{
    label: 'ms',
    // Under the axis's 0.1 ms floor a bar would vanish: drawn at the floor (the table has the number).
    data: rows.map(r => r[1] === null || r[1] === undefined ? null : Math.max(r[1], 0.1)).concat([data.budgetMs, data.deadlineMs]),
    backgroundColor: ['#07c160', '#07c160', '#fa9d3b', '#e64340', '#999', '#555'],
  }], {
    indexAxis: 'y',
    scales: { x: {
      type: 'logarithmic', min: 0.1, max: Math.max(10000, data.deadlineMs * 2), title: { display: true, text: 'milliseconds (log scale)' },
      // Chart.js picks which ticks carry a label; written as plain numbers (1, 1,000), not "1,000.0".
      ticks: { callback(value, index, ticks) { return window.Chart.Ticks.formatters.logarithmic.call(this, value, index, ticks) === '' ? '' : Number(value).toLocaleString('en'); } },
    } },
  });
}

async function audit(content) {
  const data = await api('/admin/api/audit');
  content.replaceChildren(section('Audit (sign-ins, refused writes, exports, rule changes)',
    csvLink('/admin/api/audit'),
    table('audit-table', [['when', e => utc(e.at), () => ({ class: 'time' })], ['who', e => e.who], ['action', e => e.action, () => ({ class: 'action' })],
      ['account', e => e.account || ''], ['what', e => e.detail], ['client', e => e.client]], data.entries, e => ({ 'data-action': e.action }))),
  section('Refused sign-ins (this instance, per client per minute)',
    table('refusals-table', [['minute', r => utc(r.minute), () => ({ class: 'time' })], ['client', r => r.client], ['refused', r => r.count],
      ['why', r => r.reasons]], data.refusals, r => ({ 'data-client': r.client }))));
}

// Broadcasts (docs/broadcasts.md): state, WeChat's counts, and the unfollow rate within 7 days beside
// the account's baseline daily rate; an editor may cancel one that has not reached WeChat.
async function broadcasts(content) {
  const data = await api('/admin/api/broadcasts');
  const rate = r => (r === null || r === undefined ? '–' : `${(r * 100).toFixed(3)} %`);
  const count = n => (n === null || n === undefined ? '?' : n);
  const cancel = b => {
    if (!b.cancellable || session.role !== 'editor' || session.readOnly) return '';
    const button = el('button', { type: 'button', class: 'cancel', 'data-cancel': b.id, text: 'Cancel' });
    button.addEventListener('click', async () => {
      if (!confirm(`Cancel broadcast ${b.id}?`)) return;
      try {
        await api(`/admin/api/broadcasts/${encodeURIComponent(b.id)}/cancel`, { body: {} });
      } catch (error) {
        alert(error.message);
      }
      await render();
    });
    return button;
  };
  const list = data.broadcasts;
  content.replaceChildren(section('Unfollow rate within 7 days, against the baseline',
    chartBox('broadcasts-chart', 'unfollow rate per broadcast against the account baseline')),
  section('Broadcasts',
    list.length === 0 ? el('p', { text: 'No broadcasts yet: brandbot broadcast send FILE --account A' }) :
    table('broadcasts-table', [['id', b => b.id], ['state', b => b.state, () => ({ class: 'state' })], ['', cancel], ['audience', b => b.audience],
      ['due', b => utc(b.dueAt), () => ({ class: 'due time' })], ['recipients', b => count(b.recipients)],
      // The unfollow cost first, WeChat's own counts after it: the page's question is what each push cost.
      ['unfollows 24 h', b => b.unfollows24h], ['unfollows 7 d', b => b.unfollows7d], ['rate 7 d', b => rate(b.unfollowRate7d)], ['baseline / day', b => rate(b.baselineDailyUnfollowRate)],
      ['total', b => count(b.total)], ['after filters', b => count(b.filtered)], ['sent', b => count(b.sent)], ['errors', b => count(b.errors)], ['what', b => b.summary]], list, b => ({ 'data-id': b.id, 'data-state': b.state }))));
  const shown = list.filter(b => b.sentAt).reverse();
  chart('broadcasts-chart', 'bar', shown.map(b => b.id), [
    { label: 'unfollow rate within 7 d (%)', data: shown.map(b => (b.unfollowRate7d ?? 0) * 100), backgroundColor: '#e64340' },
    { label: 'baseline daily rate (%)', data: shown.map(b => (b.baselineDailyUnfollowRate ?? 0) * 100), backgroundColor: '#999' },
  ], { scales: { y: { ticks: { precision: 3 } } } });
}

// Messages (docs/outbound-messages.md): what became of the brand backend's messages, per day, and the
// latest failures with WeChat's code and the reason in words. Followers only ever arrive masked.
const MESSAGE_SERIES = [
  ['queued', 'queued', '#576b95'], ['sent', 'sent (WeChat took it)', '#10aeff'], ['delivered', 'delivered', '#07c160'],
  ['failed', 'failed', '#e64340'], ['unknown', 'unknown', '#fa9d3b'],
];

async function messages(content) {
  const data = await api(`/admin/api/messages?${rangeQuery()}`);
  if (!data.available) {
    content.replaceChildren(rangePicker(), section('Messages from the brand\'s backend', el('p', { id: 'messages-off', class: 'note', text: data.note })));
    return;
  }
  const days = data.days;
  const total = key => days.reduce((sum, d) => sum + d[key], 0);
  const notes = [];
  if (!data.apiOn) notes.push('The outbound API is off on this instance (BrandBot:Api:Urls); these figures are the shared store\'s, written by the instances that run it.');
  if (!data.durable) notes.push('Embedded store: these figures live in this process\'s memory and start again at zero when it restarts; use Redis to keep them.');
  const empty = days.every(d => MESSAGE_SERIES.every(([key]) => d[key] === 0)) && data.queue.depth === 0;
  const queue = data.queue.depth === 0 ? 'Nothing waiting to be sent.'
    : `${data.queue.depth} waiting to be sent (queued, sending or to be retried), the oldest accepted ${utc(data.queue.oldestCreatedAt)}.`;
  content.replaceChildren(
    rangePicker(),
    section(`Messages per day, ${data.from} to ${data.to}`,
      empty ? el('p', { id: 'messages-empty', class: 'note', text: `No messages in these days. The brand's backend sends with POST /api/v1/${data.account}/messages (or an operator with brandbot messages send); each message then counts here on the day it was queued, sent, delivered or failed.` }) : '',
      // An empty week draws no chart: the sentence above says why, the table below shows the zeros.
      empty ? '' : chartBox('messages-chart', 'messages queued, sent, delivered, failed and unknown per day'),
      csvLink('/admin/api/messages'),
      table('messages-table', [['day', d => d.day]].concat(MESSAGE_SERIES.map(([key]) => [key, d => d[key], () => ({ 'data-metric': key })])),
        [...days].reverse(), d => ({ 'data-day': d.day })),
      el('p', { id: 'messages-totals', class: 'note', text: `In these days: ${MESSAGE_SERIES.map(([key]) => `${total(key)} ${key}`).join(', ')}. ${queue}` }),
      notes.map(text => el('p', { class: 'note', text }))),
    section('Latest failures',
      data.failures.length === 0 ? el('p', { id: 'failures-none', class: 'note', text: 'No failed or unknown messages kept (they are kept 30 days).' }) :
        table('failures-table', [
          ['when', f => utc(f.at), () => ({ class: 'time' })], ['id', f => f.id], ['kind', f => f.kind], ['to', f => f.to, () => ({ class: 'to' })],
          ['status', f => f.status, () => ({ class: 'status' })], ['WeChat code', f => (f.errcode === null || f.errcode === undefined ? '–' : String(f.errcode)), () => ({ class: 'errcode' })],
          ['WeChat said', f => f.errmsg || '–'], ['what it means', f => f.error || '–', () => ({ class: 'reason' })],
        ], data.failures, f => ({ 'data-id': f.id, 'data-status': f.status }))),
    el('p', { class: 'note', text: 'A day counts each message once for every step it reached that day: accepted (queued), taken by WeChat (sent), reported delivered or failed by WeChat\'s TEMPLATESENDJOBFINISH, or unknown — a call that may have reached WeChat and is never repeated blindly. Only templates are ever delivered; customer-service and subscription messages end at sent. Followers are shown masked. Details of one message: brandbot messages status ID --account ' + data.account + '.' }));
  chart('messages-chart', 'bar', days.map(d => d.day), MESSAGE_SERIES.map(([key, label, color]) => ({ label, data: days.map(d => d[key]), backgroundColor: color })));
}

const RENDERERS = { overview, growth, channels, keywords, unanswered, rules, health, audit, broadcasts, messages };
const LIVE_PAGES = new Set(['overview', 'health']);

async function render() {
  const content = document.getElementById('content');
  try {
    await RENDERERS[page](content);
    content.dataset.loaded = String(Date.now());
  } catch (error) {
    if (error.message !== 'signed out') {
      content.replaceChildren(el('p', { class: 'error', role: 'alert', text: `Could not load: ${error.message}` }));
    }
  }
}

function frame() {
  document.getElementById('nav').replaceChildren(...PAGES.map(([name, label]) =>
    el('a', { href: withAccount(`/admin/${name}`), class: name === page ? 'current' : '', 'aria-current': name === page ? 'page' : null, text: label })));
  // A named operator by name and role; a shared role token by its role, as before operators had names.
  document.getElementById('who').textContent = `${session.named ? `${session.who} · ${session.role}` : session.role}${session.readOnly ? ' · read-only' : ''}`;
  document.getElementById('offset').textContent = `${session.statsUtcOffsetHours >= 0 ? '+' : ''}${session.statsUtcOffsetHours}`;
  if (session.accounts.length > 1) {
    const picker = el('select', { id: 'account', 'aria-label': 'account' }, session.accounts.map(name => el('option', { value: name, selected: name === session.account, text: name })));
    picker.addEventListener('change', () => { params.set('account', picker.value); location.search = params.toString(); });
    document.getElementById('account-picker').replaceChildren(picker);
  }
  document.getElementById('logout').addEventListener('click', async () => {
    await fetch('/admin/api/logout', { method: 'POST', credentials: 'same-origin', headers: { 'X-CSRF-Token': session.csrf } });
    toSignIn();
  });
}

/** The header's live rules version, on every page, so a publish elsewhere shows without a reload. */
async function refreshBadge() {
  try {
    const data = await api('/admin/api/health');
    const mine = data.rules.find(r => r.account === session.account);
    document.querySelector('#rules-badge [data-metric=rules-version]').textContent = mine ? mine.version : '–';
  } catch {
    // The next tick tries again.
  }
}

async function start() {
  const response = await fetch('/admin/api/session', { credentials: 'same-origin' });
  if (!response.ok) {
    toSignIn();
    return;
  }
  session = await response.json();
  session.account = params.get('account') && session.accounts.includes(params.get('account')) ? params.get('account') : session.accounts[0];
  frame();
  await render();
  await refreshBadge();
  setInterval(refreshBadge, REFRESH_MS);
  if (LIVE_PAGES.has(page)) {
    setInterval(render, REFRESH_MS);
  }
}

// Chart.js is a deferred classic script; modules run after deferred scripts, so window.Chart is there.
start();
