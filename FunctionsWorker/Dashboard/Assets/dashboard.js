// FunctionsWorker dashboard: reads the worker's own HTTP triggers (status, workers, jobs, poison) and nothing else.
// Everything it shows comes from those answers; the queue chart keeps its samples of /status in sessionStorage.
'use strict';

const apiBase = document.body.dataset.api ?? '/api';
const refreshMs = 2500;
const rateRefreshMs = 10000;
const hourMs = 3600000;
const keyStore = 'functions-worker.key';
const sampleStore = 'functions-worker.samples';
const finishedStates = new Set(['Succeeded', 'Poisoned', 'Cancelled']);
const cancellableStates = new Set(['Running', 'Retrying', 'Released']);

const $ = (id) => document.getElementById(id);
const page = {
  key: sessionStorage.getItem(keyStore) ?? '',
  keyNeeded: false,
  timer: 0,
  detailJob: null,
  rateJobs: [],
  rateAt: 0,
  samples: readSamples(),
  pipelines: new Set(),
};

/** An answer from the API that is not a success, with the ProblemDetails text when there is one. */
class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, method = 'GET') {
  // X-Requested-With: the worker refuses changes without it (or a key), which a page on another site cannot make a browser send.
  const headers = { accept: 'application/json', 'x-requested-with': 'functions-worker-dashboard' };
  if (page.key) {
    headers['x-functions-key'] = page.key;
  }

  let response;
  try {
    response = await fetch(apiBase + path, { method, headers, cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'The worker does not answer.');
  }

  if (response.status === 401) {
    askForKey(page.key
      ? 'The key was refused: check it and try again.'
      : 'This worker needs its function key (app setting FunctionKey, or the default function key it keeps in blob azure-webjobs-secrets/<hostId>/host.json) to show its status and act on jobs.');
    throw new ApiError(401, 'A function key is required.');
  }

  if (!response.ok) {
    let detail = `${response.status} ${response.statusText}`;
    try {
      const problem = await response.json();
      detail = problem.detail ?? problem.title ?? detail;
    } catch {
      // Not a ProblemDetails body: the status line says enough.
    }

    throw new ApiError(response.status, detail);
  }

  return response.status === 204 ? null : response.json();
}

// ---- the key --------------------------------------------------------------------------------------------------

function askForKey(reason) {
  page.keyNeeded = true;
  $('key-reason').textContent = reason;
  const form = $('key-form');
  if (form.hidden) {
    form.hidden = false;
    $('key-input').value = '';
    $('key-input').focus();
  }
}

$('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  page.key = $('key-input').value.trim();
  sessionStorage.setItem(keyStore, page.key);
  page.keyNeeded = false;
  $('key-form').hidden = true;
  $('forget-key').hidden = false;
  refreshNow();
});

$('forget-key').hidden = !page.key;
$('forget-key').addEventListener('click', () => {
  page.key = '';
  sessionStorage.removeItem(keyStore);
  $('forget-key').hidden = true;
  refreshNow();
});

// ---- small DOM helpers ----------------------------------------------------------------------------------------

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) {
    node.className = className;
  }

  if (text !== undefined) {
    node.textContent = text;
  }

  return node;
}

function svg(tag, attributes, text) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [name, value] of Object.entries(attributes)) {
    node.setAttribute(name, String(value));
  }

  if (text !== undefined) {
    node.textContent = text;
  }

  return node;
}

/** Sets text only when it changed, so a refresh repaints nothing that stayed the same. */
function setText(node, text) {
  const value = text ?? '';
  if (node.textContent !== value) {
    node.textContent = value;
  }
}

function setClass(node, className) {
  if (node.className !== className) {
    node.className = className;
  }
}

function badge(cell, text, tone) {
  let span = cell.firstElementChild;
  if (!span) {
    span = cell.appendChild(el('span'));
  }

  setClass(span, `badge ${tone}`);
  setText(span, text);
}

function toneOf(state) {
  switch (state) {
    case 'Succeeded': case 'ready': case 'Ready': return 'ok';
    case 'Running': case 'warming': case 'starting': case 'Loading': case 'Fetching': case 'Verifying': case 'WarmingUp': return 'run';
    case 'Retrying': case 'Released': case 'draining': case 'circuit-open': return 'warn';
    case 'Poisoned': case 'Failed': return 'bad';
    default: return '';
  }
}

/**
 * Keyed rows: each item keeps its row between refreshes (found by data-key), cells are updated in place and rows are
 * moved only when the order changed, so nothing flickers and an open hover or focus survives a refresh.
 */
function syncRows(table, items, key, columns, emptyText, onNewRow) {
  const body = table.tBodies[0];
  const rows = new Map();
  for (const row of [...body.rows]) {
    if (row.dataset.key === undefined) {
      row.remove();
    } else {
      rows.set(row.dataset.key, row);
    }
  }

  let previous = null;
  for (const item of items) {
    const id = key(item);
    let row = rows.get(id);
    if (row) {
      rows.delete(id);
    } else {
      row = el('tr');
      row.dataset.key = id;
      for (const column of columns) {
        const cell = row.appendChild(el('td', column.className));
        cell.dataset.label = column.label;
      }

      onNewRow?.(row, id);
    }

    columns.forEach((column, index) => column.render(row.cells[index], item, row));
    const expected = previous ? previous.nextSibling : body.firstChild;
    if (expected !== row) {
      body.insertBefore(row, expected);
    }

    previous = row;
  }

  for (const row of rows.values()) {
    row.remove();
  }

  if (items.length === 0) {
    const row = body.appendChild(el('tr'));
    const cell = row.appendChild(el('td', 'empty', emptyText));
    cell.colSpan = columns.length;
  }
}

// ---- formatting -----------------------------------------------------------------------------------------------

const text = (render) => (cell, item) => setText(cell, render(item));

function ago(iso) {
  if (!iso) {
    return '';
  }

  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 90) {
    return `${seconds} s ago`;
  }

  return seconds < 5400 ? `${Math.round(seconds / 60)} min ago` : `${Math.round(seconds / 3600)} h ago`;
}

function clock(iso) {
  return iso ? new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' }) : '';
}

function duration(ms) {
  if (ms === null || ms === undefined) {
    return '';
  }

  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }

  return ms < 120000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 60000)} min`;
}

function bytes(count) {
  if (count === null || count === undefined) {
    return '';
  }

  const units = ['B', 'KB', 'MB', 'GB'];
  let value = count;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }

  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function ms(value) {
  return value === null || value === undefined ? '–' : `${value} ms`;
}

function reason(errorType, errorMessage) {
  return [errorType, errorMessage].filter(Boolean).join(': ');
}

// ---- overview -------------------------------------------------------------------------------------------------

function renderStatus(status) {
  const summary = $('summary');
  const tone = status.ready ? 'ok' : status.status === 'unhealthy' ? 'bad' : 'warn';
  setClass(summary, `badge ${tone}`);
  setText(summary, status.ready ? 'ready' : 'not ready');
  summary.title = (status.notReadyReasons ?? []).join('\n');
  setText($('identity'), `${status.workerId} · v${status.version}`);

  const counts = status.counts ?? {};
  const metrics = [
    ['Status', status.ready ? 'ready' : 'not ready', (status.notReadyReasons ?? []).join('; ') || `up ${duration(status.uptimeMs)}`],
    ['Queue', status.queue?.length ?? '?', status.queue?.name ?? ''],
    ['Poison', status.queue?.poisonLength ?? '?', status.queue?.poisonName ?? ''],
    ['In flight', status.inFlight ?? 0, status.listener?.circuitOpenUntil ? `circuit open until ${clock(status.listener.circuitOpenUntil)}`
      : status.listener?.running ? 'listener running' : 'listener stopped'],
    ['Succeeded', counts.Succeeded ?? 0, 'by this worker'],
    ['Failed', (counts.Poisoned ?? 0) + (counts.Retrying ?? 0) + (counts.Released ?? 0),
      `${counts.Poisoned ?? 0} poisoned · ${counts.Retrying ?? 0} retrying · ${counts.Released ?? 0} released`],
    ['Storage', status.storage?.reachable ? 'reachable' : 'unreachable', status.storage?.error ?? status.storage?.account ?? ''],
    ['Fleet', status.fleet ? `${status.fleet.ready}/${status.fleet.total}` : '?', status.fleet ? `ready · ${status.fleet.stale} stale` : 'unknown'],
  ];
  const overview = $('overview');
  metrics.forEach(([label, value, note], index) => {
    let card = overview.children[index];
    if (!card) {
      card = overview.appendChild(el('div', 'metric'));
      card.append(el('div', 'label', label), el('div', 'value'), el('div', 'note'));
      card.dataset.metric = label.toLowerCase().replace(' ', '-');
    }

    setText(card.children[1], String(value));
    setText(card.children[2], note);
  });

  renderModels(status.inference);
  recordSample(status);
}

// ---- fleet ----------------------------------------------------------------------------------------------------

function renderFleet(workers) {
  syncRows($('fleet'), workers, (w) => w.workerId, [
    { label: 'Worker', render: (cell, w) => { setText(cell, w.workerId); cell.title = `${w.host ?? ''} · v${w.version ?? ''}`; } },
    { label: 'State', className: 'state', render: (cell, w, row) => {
      badge(cell, w.stale ? `${w.state} · stale` : w.state, w.stale ? 'bad' : toneOf(w.state));
      row.classList.toggle('stale', Boolean(w.stale));
    } },
    { label: 'Device', render: text((w) => w.device ?? '') },
    { label: 'In flight', render: text((w) => `${w.inFlight} / ${w.concurrency}`) },
    { label: 'Processed', render: text((w) => `${w.processed} ok · ${w.failed} failed`) },
    { label: 'Last beat', className: 'beat', render: text((w) => ago(w.lastBeatAt)) },
  ], 'No worker has written a heartbeat yet.');
}

// ---- jobs -----------------------------------------------------------------------------------------------------

function jobsQuery() {
  const query = new URLSearchParams({ top: '50' });
  const state = $('filter-state').value;
  const pipeline = $('filter-pipeline').value.trim();
  if (state) {
    query.set('state', state);
  }

  if (pipeline) {
    query.set('pipeline', pipeline);
  }

  return `/jobs?${query}`;
}

function progress(cell, job) {
  let wrap = cell.firstElementChild;
  if (!wrap) {
    wrap = cell.appendChild(el('div', 'progress'));
    wrap.append(el('div', 'bar'), el('small'));
    wrap.firstChild.append(el('span'));
  }

  const done = job.state === 'Succeeded';
  const fraction = done ? 1 : job.state === 'Running' ? (job.progressFraction ?? 0) : 0;
  const bar = wrap.firstChild;
  setClass(bar, done ? 'bar done' : 'bar');
  const width = `${Math.round(fraction * 100)}%`;
  if (bar.firstChild.style.width !== width) {
    bar.firstChild.style.width = width;
  }

  const label = done ? 'done' : job.state === 'Running'
    ? [job.progressStage, `${Math.round(fraction * 100)}%`, job.progressMessage].filter(Boolean).join(' · ') : '';
  setText(wrap.lastChild, label);
}

function renderJobs(list) {
  const jobs = list.jobs ?? [];
  for (const job of jobs) {
    if (job.pipeline && !page.pipelines.has(job.pipeline)) {
      page.pipelines.add(job.pipeline);
      $('pipelines').append(el('option', '', job.pipeline));
    }
  }

  syncRows($('jobs'), jobs, (j) => j.jobId, [
    { label: 'Job', render: (cell, j) => {
      if (!cell.firstChild) {
        cell.append(el('button', 'link'));
        cell.firstChild.type = 'button';
      }

      setText(cell.firstChild, j.jobId);
    } },
    { label: 'State', className: 'state', render: (cell, j) => badge(cell, j.cancelRequested && !finishedStates.has(j.state) ? `${j.state} · cancelling` : j.state, toneOf(j.state)) },
    { label: 'Pipeline', render: text((j) => j.pipeline ?? '') },
    { label: 'Progress', className: 'progress-cell', render: progress },
    { label: 'Started', render: (cell, j) => { setText(cell, clock(j.startedAt ?? j.enqueuedAt)); cell.title = j.startedAt ?? ''; } },
    { label: 'Duration', render: text((j) => j.durationMs !== null && j.durationMs !== undefined ? duration(j.durationMs)
      : j.state === 'Running' && j.startedAt ? duration(Date.now() - Date.parse(j.startedAt)) : '') },
    { label: 'Error', className: 'error', render: text((j) => reason(j.errorType, j.errorMessage)) },
  ], $('filter-state').value || $('filter-pipeline').value ? 'No job matches the filter.' : 'No job has run yet.', (row, id) => {
    row.classList.add('clickable');
    row.addEventListener('click', () => openDetail(id));
  });
}

for (const input of [$('filter-state'), $('filter-pipeline')]) {
  input.addEventListener('change', refreshNow);
}

$('filter').addEventListener('submit', (event) => {
  event.preventDefault();
  refreshNow();
});

// ---- the job's record -----------------------------------------------------------------------------------------

const detailFields = [
  'state', 'pipeline', 'attempt', 'workerId', 'messageId', 'enqueuedAt', 'startedAt', 'completedAt', 'queueWaitMs', 'durationMs',
  'progressStage', 'progressFraction', 'progressMessage', 'errorType', 'errorMessage', 'permanent', 'cancelRequested', 'replays',
  'note', 'workerStale', 'inputUri', 'outputUri',
];

function openDetail(jobId) {
  page.detailJob = jobId;
  $('detail').hidden = false;
  setText($('detail-title'), jobId);
  loadDetail();
}

$('detail-close').addEventListener('click', () => {
  page.detailJob = null;
  $('detail').hidden = true;
});

document.addEventListener('keydown', (event) => {
  if (event.key === 'Escape' && page.detailJob) {
    $('detail-close').click();
  }
});

async function loadDetail() {
  const jobId = page.detailJob;
  if (!jobId) {
    return;
  }

  try {
    renderDetail(await api(`/jobs/${encodeURIComponent(jobId)}`));
  } catch (error) {
    if (page.detailJob === jobId && error.status !== 401) {
      setText($('detail-links'), error.message);
    }
  }
}

function renderDetail(job) {
  if (job.jobId !== page.detailJob) {
    return;
  }

  const list = $('detail-fields');
  const present = detailFields.filter((name) => job[name] !== null && job[name] !== undefined && job[name] !== '');
  if ([...list.querySelectorAll('dt')].map((dt) => dt.textContent).join() !== present.join()) {
    list.replaceChildren(...present.flatMap((name) => [el('dt', '', name), el('dd')]));
  }

  present.forEach((name, index) => setText(list.children[index * 2 + 1], String(job[name])));

  const links = $('detail-links');
  links.replaceChildren();
  if (job.outputUri) {
    const result = links.appendChild(el('a', '', 'result.json'));
    result.href = job.outputUri;
    result.target = '_blank';
    result.rel = 'noopener';
    const folder = links.appendChild(el('a', '', 'outputs'));
    folder.href = job.outputUri.replace(/[^/]*$/, '');
    folder.target = '_blank';
    folder.rel = 'noopener';
  }

  if (job.inputUri) {
    const input = links.appendChild(el('a', '', 'input'));
    input.href = job.inputUri;
    input.target = '_blank';
    input.rel = 'noopener';
  }

  $('detail-cancel').hidden = !cancellableStates.has(job.state) || job.cancelRequested;
}

$('detail-cancel').addEventListener('click', (event) => {
  const jobId = page.detailJob;
  act(event.currentTarget, 'DELETE', `/jobs/${encodeURIComponent(jobId)}`, (answer) => answer?.detail ?? `Cancellation of ${jobId} requested.`);
});

// ---- poison ---------------------------------------------------------------------------------------------------

function renderPoison(messages) {
  syncRows($('poison'), messages, (m) => m.messageId, [
    { label: 'Job', render: (cell, m) => {
      if (!cell.firstChild) {
        const button = cell.appendChild(el('button', 'link'));
        button.type = 'button';
        button.addEventListener('click', () => cell.dataset.job && openDetail(cell.dataset.job));
      }

      cell.dataset.job = m.jobId ?? '';
      setText(cell.firstChild, m.jobId ?? `message ${m.messageId}`);
      cell.firstChild.disabled = !m.jobId;
    } },
    { label: 'Reason', className: 'error reason', render: text((m) => reason(m.errorType, m.errorMessage) || 'no record says why') },
    { label: 'Poisoned', render: (cell, m) => { setText(cell, ago(m.insertedOn)); cell.title = m.insertedOn ?? ''; } },
    { label: 'Replays', render: text((m) => String(m.replays ?? 0)) },
    { label: 'Actions', className: 'actions', render: (cell, m) => {
      if (cell.firstChild) {
        return;
      }

      const replay = cell.appendChild(el('button', 'small replay', 'Replay'));
      replay.type = 'button';
      replay.addEventListener('click', () => act(replay, 'POST', `/poison/replay?messageId=${encodeURIComponent(m.messageId)}`,
        (answer) => `Replayed ${answer?.replayed ?? 0} message(s) to the jobs queue.`
          + (answer?.failed ?? []).map((f) => ` Not replayed ${f.messageId}: ${f.error}.`).join('')));
      cell.append(' ');
      const remove = cell.appendChild(el('button', 'small secondary delete', 'Delete'));
      remove.type = 'button';
      remove.addEventListener('click', () => {
        // Two steps: a message deleted from poison is gone for good.
        if (remove.dataset.armed !== 'true') {
          remove.dataset.armed = 'true';
          remove.textContent = 'Delete for good';
          setClass(remove, 'small danger delete');
          setTimeout(() => {
            remove.dataset.armed = 'false';
            remove.textContent = 'Delete';
            setClass(remove, 'small secondary delete');
          }, 4000);
          return;
        }

        act(remove, 'DELETE', `/poison/${encodeURIComponent(m.messageId)}`, () => `Deleted message ${m.messageId}.`);
      });
    } },
  ], 'The poison queue is empty.');
}

// ---- models ---------------------------------------------------------------------------------------------------

function renderModels(inference) {
  const device = inference?.device;
  setText($('device'), device
    ? `Device: ${device.effective ?? 'none'} (asked for ${device.requested})${device.reason ? ` · ${device.reason}` : ''}`
    : 'This worker reports no inference section.');
  syncRows($('models'), inference?.models ?? [], (m) => m.name, [
    { label: 'Model', render: (cell, m) => { setText(cell, `${m.name} (${m.kind})`); cell.title = m.sha256 ?? ''; } },
    { label: 'State', className: 'state', render: (cell, m) => badge(cell, m.state, toneOf(m.state)) },
    { label: 'Device', render: text((m) => m.device ?? '') },
    { label: 'Size', render: text((m) => bytes(m.bytes)) },
    { label: 'Fetch / verify', className: 'nums', render: text((m) => `${ms(m.fetchMs)} / ${ms(m.verifyMs)}`) },
    { label: 'Load / warm-up', className: 'nums', render: text((m) => `${ms(m.loadMs)} / ${ms(m.warmupMs)}`) },
    { label: 'Source', className: 'error', render: (cell, m) => {
      const origin = m.healed ? 'healed from source' : m.fromCache ? 'from cache' : 'fetched';
      setText(cell, m.error ? `${origin} · ${m.error}` : `${origin} · ${m.source ?? ''}`);
      setClass(cell, m.error ? 'error' : '');
    } },
  ], 'No models in the catalog.');
}

// ---- charts ---------------------------------------------------------------------------------------------------

function readSamples() {
  try {
    const samples = JSON.parse(sessionStorage.getItem(sampleStore) ?? '[]');
    return Array.isArray(samples) ? samples.filter((s) => s.t > Date.now() - hourMs) : [];
  } catch {
    return [];
  }
}

function recordSample(status) {
  if (typeof status.queue?.length !== 'number') {
    return;
  }

  const now = Date.now();
  page.samples.push({ t: now, q: status.queue.length, p: status.queue.poisonLength ?? 0 });
  page.samples = page.samples.filter((s) => s.t > now - hourMs);
  try {
    sessionStorage.setItem(sampleStore, JSON.stringify(page.samples));
  } catch {
    // A full sessionStorage loses the history, not the page.
  }

  renderQueueChart();
}

const chart = { width: 600, height: 160, left: 34, right: 8, top: 14, bottom: 22 };

/** A round number at or above the largest value, so the axis reads 5, 10, 50 rather than 37. */
function ceiling(value) {
  if (value <= 4) {
    return 4;
  }

  const step = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((m) => m * step).find((v) => v >= value);
}

function axes(node, max, leftLabel, rightLabel) {
  const plotHeight = chart.height - chart.top - chart.bottom;
  for (const fraction of [0, 0.5, 1]) {
    const y = chart.top + plotHeight * (1 - fraction);
    node.append(svg('line', { class: 'grid', x1: chart.left, x2: chart.width - chart.right, y1: y, y2: y }));
    node.append(svg('text', { x: chart.left - 6, y: y + 4, 'text-anchor': 'end' }, String(Math.round(max * fraction))));
  }

  node.append(svg('text', { x: chart.left, y: chart.height - 4 }, leftLabel));
  node.append(svg('text', { x: chart.width - chart.right, y: chart.height - 4, 'text-anchor': 'end' }, rightLabel));
}

function renderQueueChart() {
  const node = $('queue-chart');
  const samples = page.samples;
  const now = Date.now();
  // The span grows with the history kept, up to an hour: a fresh tab shows its first minutes across the width.
  const start = Math.max(now - hourMs, Math.min(samples[0]?.t ?? now, now - 60000));
  const max = ceiling(Math.max(0, ...samples.map((s) => Math.max(s.q, s.p))));
  const plotWidth = chart.width - chart.left - chart.right;
  const plotHeight = chart.height - chart.top - chart.bottom;
  const x = (t) => chart.left + plotWidth * (t - start) / (now - start);
  const y = (v) => chart.top + plotHeight * (1 - v / max);
  const minutes = Math.round((now - start) / 60000);
  node.replaceChildren();
  axes(node, max, `${minutes} min ago`, 'now');
  for (const [field, className] of [['q', 'queue'], ['p', 'poison']]) {
    const points = samples.map((s) => `${x(s.t).toFixed(1)},${y(s[field]).toFixed(1)}`).join(' ');
    node.append(svg('polyline', { class: `line ${className}`, points }));
    const last = samples[samples.length - 1];
    if (last) {
      // The latest value as a dot too: a tab opened a moment ago has one sample, which no line can show.
      node.append(svg('circle', { class: `dot ${className}`, cx: x(last.t).toFixed(1), cy: y(last[field]).toFixed(1), r: 3 }));
    }
  }

  const last = samples[samples.length - 1];
  setText($('queue-span'), last ? `· now ${last.q} queued, ${last.p} poisoned · ${samples.length} sample${samples.length === 1 ? '' : 's'}` : '');
}

function renderRateChart() {
  const node = $('rate-chart');
  const now = Date.now();
  const minute = 60000;
  const end = Math.floor(now / minute) * minute + minute;
  const buckets = Array.from({ length: 60 }, () => ({ succeeded: 0, retrying: 0, poisoned: 0, cancelled: 0 }));
  for (const job of page.rateJobs) {
    const at = Date.parse(job.completedAt ?? '');
    const index = 59 - Math.floor((end - 1 - at) / minute);
    if (Number.isNaN(at) || index < 0 || index > 59) {
      continue;
    }

    const outcome = { Succeeded: 'succeeded', Retrying: 'retrying', Released: 'retrying', Poisoned: 'poisoned', Cancelled: 'cancelled' }[job.state];
    if (outcome) {
      buckets[index][outcome]++;
    }
  }

  const max = ceiling(Math.max(0, ...buckets.map((b) => b.succeeded + b.retrying + b.poisoned + b.cancelled)));
  const plotWidth = chart.width - chart.left - chart.right;
  const plotHeight = chart.height - chart.top - chart.bottom;
  const barWidth = plotWidth / 60;
  node.replaceChildren();
  axes(node, max, '60 min ago', 'now');
  buckets.forEach((bucket, index) => {
    let base = chart.top + plotHeight;
    const at = new Date(end - (60 - index) * minute);
    const group = svg('g', {});
    group.append(svg('title', {}, `${at.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}: ${bucket.succeeded} succeeded, `
      + `${bucket.retrying} retrying/released, ${bucket.poisoned} poisoned, ${bucket.cancelled} cancelled`));
    for (const outcome of ['succeeded', 'retrying', 'poisoned', 'cancelled']) {
      if (bucket[outcome] === 0) {
        continue;
      }

      const height = plotHeight * bucket[outcome] / max;
      base -= height;
      group.append(svg('rect', { class: outcome, x: (chart.left + index * barWidth + 1).toFixed(1), y: base.toFixed(1),
        width: Math.max(1, barWidth - 2).toFixed(1), height: height.toFixed(1) }));
    }

    node.append(group);
  });
}

// ---- actions --------------------------------------------------------------------------------------------------

let toastTimer = 0;

function toast(message, isError = false) {
  const node = $('toast');
  node.hidden = false;
  setText(node, message);
  setClass(node, isError ? 'error' : '');
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => { node.hidden = true; }, isError ? 8000 : 4000);
}

/** A button that changes something: the API's key rule decides, and a refusal is said, never swallowed. */
async function act(button, method, path, done) {
  button.disabled = true;
  try {
    toast(done(await api(path, method)));
    refreshNow();
  } catch (error) {
    toast(error.status === 401 ? 'Refused: this needs the function key.' : `Refused: ${error.message}`, true);
  } finally {
    button.disabled = false;
  }
}

// ---- the refresh loop -----------------------------------------------------------------------------------------

function showBanner(message) {
  const banner = $('banner');
  banner.hidden = !message;
  setText(banner, message ?? '');
}

async function refresh() {
  if (page.keyNeeded) {
    return;
  }

  const rateDue = Date.now() - page.rateAt > rateRefreshMs;
  const since = new Date(Date.now() - hourMs).toISOString();
  const [status, workers, jobs, poison, rate] = await Promise.allSettled([
    api('/status'),
    api('/workers'),
    api(jobsQuery()),
    api('/poison'),
    rateDue ? api(`/jobs?top=500&since=${encodeURIComponent(since)}`) : Promise.resolve(null),
  ]);
  if (page.keyNeeded) {
    return;
  }

  const failures = [];
  const take = (result, name, render) => {
    if (result.status === 'fulfilled') {
      if (result.value !== null) {
        render(result.value);
      }
    } else {
      failures.push(`${name}: ${result.reason.message}`);
    }
  };
  take(status, 'status', renderStatus);
  take(workers, 'workers', renderFleet);
  take(jobs, 'jobs', renderJobs);
  take(poison, 'poison', renderPoison);
  take(rate, 'job rate', (list) => {
    page.rateJobs = list.jobs ?? [];
    page.rateAt = Date.now();
  });
  renderRateChart();
  await loadDetail();
  showBanner(failures.length ? failures.join(' · ') : null);
  setText($('updated'), failures.length ? 'last refresh failed' : `updated ${clock(new Date().toISOString())}`);
}

let refreshing = false;
let refreshAgain = false;

/** One refresh at a time: a refresh asked for while one runs follows it at once instead of overlapping it. */
async function loop() {
  clearTimeout(page.timer);
  if (refreshing) {
    refreshAgain = true;
    return;
  }

  refreshing = true;
  try {
    await refresh();
  } finally {
    refreshing = false;
    page.timer = setTimeout(loop, refreshAgain ? 0 : refreshMs);
    refreshAgain = false;
  }
}

function refreshNow() {
  page.rateAt = 0;
  loop();
}

loop();
