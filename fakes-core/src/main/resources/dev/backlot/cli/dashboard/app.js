// Backlot dashboard: the launcher's live page (data over the admin port's event stream) and the
// JUnit extension's static report (data from script tags, so it opens from file:// with no server).
// Plain JS, no build step, no network beyond the admin port.
(function () {
  'use strict';
  var ROW = 24;          // px, fixed row height: the timeline renders only the rows in view
  var OVERSCAN = 10;
  var mode = document.body.getAttribute('data-mode') === 'report' ? 'report' : 'live';
  var $ = function (id) { return document.getElementById(id); };

  // ------------------------------------------------------------------ state
  var all = [];          // entries, in arrival order
  var byKey = new Map(); // fake#id -> index in all
  var view = [];         // indices of all that pass the filters
  var viewDirty = true;
  var methods = new Set();
  var fakeNames = [];
  var selectedKey = null;
  var renderQueued = false;
  var lastRange = '';
  var fakesState = [];   // cards of the fakes (state event, or the report)
  var reportData = null; // the selected test of a report
  var token = null;
  window.BACKLOT_STATS = { entries: 0, rendered: 0, renders: 0, ready: false };

  function key(e) { return e.fake + '#' + e.id; }

  function text(el, s) { el.textContent = s == null ? '' : String(s); return el; }
  function el(tag, attrs, children) {
    var n = document.createElement(tag);
    if (attrs) {
      for (var k in attrs) {
        if (k === 'text') { n.textContent = attrs[k]; }
        else if (k === 'class') { n.className = attrs[k]; }
        else if (attrs[k] !== null && attrs[k] !== undefined && attrs[k] !== false) { n.setAttribute(k, attrs[k] === true ? '' : attrs[k]); }
      }
    }
    (children || []).forEach(function (c) { if (c != null) { n.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); } });
    return n;
  }
  function pad(n, w) { n = String(n); while (n.length < w) { n = '0' + n; } return n; }
  function clockText(ms) {
    var d = new Date(ms);
    return pad(d.getUTCHours(), 2) + ':' + pad(d.getUTCMinutes(), 2) + ':' + pad(d.getUTCSeconds(), 2) + '.' + pad(d.getUTCMilliseconds(), 3);
  }
  function methodOf(e) {
    switch (e.kind) {
      case 'HTTP': return e.method;
      case 'WS_OPEN': return 'WS open';
      case 'WS_CLOSE': return 'WS close';
      case 'WS_IN': return 'WS in';
      case 'WS_OUT': return 'WS out';
      case 'SSE': return 'SSE';
      case 'COMMAND': return 'CMD';
      default: return e.kind;
    }
  }

  // ------------------------------------------------------------------ entries and filters
  function addEntries(list) {
    for (var i = 0; i < list.length; i++) {
      var e = list[i];
      var k = key(e);
      var at = byKey.get(k);
      var m = methodOf(e);
      if (!methods.has(m)) { methods.add(m); refreshMethodFilter(); }
      if (fakeNames.indexOf(e.fake) < 0) { fakeNames.push(e.fake); refreshFakeFilter(); }
      if (at !== undefined) {
        all[at] = e;
        viewDirty = true;
      } else {
        byKey.set(k, all.length);
        all.push(e);
        if (!viewDirty) {
          if (passes(e)) { view.push(all.length - 1); }
        }
      }
    }
    window.BACKLOT_STATS.entries = all.length;
    queueRender();
  }

  function removeFake(name) {
    all = all.filter(function (e) { return e.fake !== name; });
    rebuildKeys();
  }

  function clearEntries() {
    all = [];
    rebuildKeys();
  }

  function rebuildKeys() {
    byKey = new Map();
    all.forEach(function (e, i) { byKey.set(key(e), i); });
    viewDirty = true;
    window.BACKLOT_STATS.entries = all.length;
    queueRender();
  }

  var filters = { fake: '', method: '', path: '', status: null, fault: '' };

  function statusTest(s) {
    s = s.trim().toLowerCase();
    if (!s) { return null; }
    var m;
    if ((m = /^([1-5])xx$/.exec(s))) { var c = +m[1]; return function (v) { return Math.floor(v / 100) === c; }; }
    if ((m = /^(>=|<=|>|<)\s*(\d+)$/.exec(s))) {
      var n = +m[2];
      return { '>=': function (v) { return v >= n; }, '<=': function (v) { return v <= n; },
        '>': function (v) { return v > n; }, '<': function (v) { return v < n; } }[m[1]];
    }
    if (s === 'none' || s === 'pending') { return function (v) { return v === 0; }; }
    if (/^\d+$/.test(s)) { var x = +s; return function (v) { return v === x; }; }
    return function () { return false; };
  }

  function readFilters() {
    filters.fake = $('f-fake').value;
    filters.method = $('f-method').value;
    filters.path = $('f-path').value.trim().toLowerCase();
    filters.status = statusTest($('f-status').value);
    filters.fault = $('f-fault').value;
    viewDirty = true;
    queueRender();
  }

  function passes(e) {
    if (filters.fake && e.fake !== filters.fake) { return false; }
    if (filters.method && methodOf(e) !== filters.method) { return false; }
    if (filters.path && (e.path + (e.query ? '?' + e.query : '')).toLowerCase().indexOf(filters.path) < 0) { return false; }
    if (filters.status && !filters.status(e.status || 0)) { return false; }
    if (filters.fault === 'yes' && !e.fault) { return false; }
    if (filters.fault === 'no' && e.fault) { return false; }
    return true;
  }

  function refreshMethodFilter() {
    var sel = $('f-method');
    var cur = sel.value;
    while (sel.options.length > 1) { sel.remove(1); }
    Array.from(methods).sort().forEach(function (m) { sel.add(new Option(m, m)); });
    sel.value = cur;
  }
  function refreshFakeFilter() {
    var sel = $('f-fake');
    var cur = sel.value;
    while (sel.options.length > 1) { sel.remove(1); }
    fakeNames.forEach(function (m) { sel.add(new Option(m, m)); });
    sel.value = cur;
  }

  // ------------------------------------------------------------------ the virtual table
  function queueRender() {
    if (!renderQueued) {
      renderQueued = true;
      requestAnimationFrame(render);
    }
  }

  function render() {
    renderQueued = false;
    if (viewDirty) {
      view = [];
      for (var i = 0; i < all.length; i++) { if (passes(all[i])) { view.push(i); } }
      viewDirty = false;
      lastRange = '';
    }
    var sc = $('scroller');
    if ($('f-follow').checked) {
      var bottom = view.length * ROW + 40 - sc.clientHeight;
      if (sc.scrollTop < bottom) { sc.scrollTop = bottom; }
    }
    drawRows();
    var c = view.length === all.length ? all.length + ' entries' : 'showing ' + view.length + ' of ' + all.length + ' entries';
    if ($('count').textContent !== c) { text($('count'), c); }
    window.BACKLOT_STATS.renders++;
  }

  function drawRows() {
    var sc = $('scroller');
    var head = sc.querySelector('thead').offsetHeight || ROW;
    var top = Math.max(0, sc.scrollTop - head);
    var first = Math.max(0, Math.floor(top / ROW) - OVERSCAN);
    var count = Math.ceil(sc.clientHeight / ROW) + 2 * OVERSCAN;
    var last = Math.min(view.length, first + count);
    var range = first + ':' + last + ':' + view.length + ':' + selectedKey;
    if (range === lastRange) { return; }
    lastRange = range;
    var tb = $('rows');
    var frag = document.createDocumentFragment();
    frag.appendChild(spacer(first * ROW));
    for (var i = first; i < last; i++) { frag.appendChild(row(all[view[i]], i)); }
    frag.appendChild(spacer((view.length - last) * ROW));
    tb.replaceChildren(frag);
    $('timeline').setAttribute('aria-rowcount', String(view.length + 1));
    window.BACKLOT_STATS.rendered = last - first;
  }

  function spacer(h) {
    var tr = el('tr', { class: 'spacer', 'aria-hidden': 'true' });
    var td = el('td', { colspan: '9' });
    td.style.height = h + 'px';
    tr.appendChild(td);
    return tr;
  }

  function row(e, i) {
    var k = key(e);
    var tr = el('tr', { class: 'e' + (k === selectedKey ? ' sel' : ''), 'data-key': k, 'aria-rowindex': String(i + 2),
      'aria-selected': k === selectedKey ? 'true' : 'false' });
    var st = e.status || 0;
    var faultText = e.fault ? 'fault: ' + e.fault : (e.outcome || '');
    tr.appendChild(el('td', {}, [el('button', { type: 'button', class: 'rowbtn', 'data-key': k, text: '#' + e.id, 'aria-label': 'Show entry ' + e.id + ' of ' + e.fake, tabindex: '-1' })]));
    tr.appendChild(el('td', { class: 'mono', text: clockText(e.ts) }));
    tr.appendChild(el('td', { text: e.fake, title: e.fake }));
    tr.appendChild(el('td', { text: methodOf(e) }));
    tr.appendChild(el('td', { class: 'mono', text: e.path + (e.query ? '?' + e.query : ''), title: e.path + (e.query ? '?' + e.query : '') }));
    tr.appendChild(el('td', { class: 's' + Math.floor(st / 100), text: st ? String(st) : (e.kind === 'HTTP' ? '…' : '') }));
    tr.appendChild(el('td', { class: 'mono', text: e.latencyMs != null ? String(e.latencyMs) : '' }));
    tr.appendChild(el('td', { class: e.fault ? 'fault' : '', text: faultText, title: faultText }));
    tr.appendChild(el('td', { class: 'mono', text: e.body || '', title: e.body || '' }));
    return tr;
  }

  function select(k, scrollIntoView) {
    selectedKey = k;
    lastRange = '';
    var i = byKey.get(k);
    if (i === undefined) { return; }
    if (scrollIntoView) {
      var pos = view.indexOf(i);
      var sc = $('scroller');
      var head = sc.querySelector('thead').offsetHeight;
      if (pos >= 0) {
        var y = pos * ROW;
        if (y < sc.scrollTop) { sc.scrollTop = y; }
        else if (y + ROW + head > sc.scrollTop + sc.clientHeight) { sc.scrollTop = y + ROW + head - sc.clientHeight; }
      }
    }
    drawRows();
    showDetail(all[i]);
  }

  function moveSelection(delta) {
    if (!view.length) { return; }
    var cur = selectedKey == null ? -1 : view.indexOf(byKey.get(selectedKey));
    var next = Math.max(0, Math.min(view.length - 1, cur < 0 ? (delta > 0 ? 0 : view.length - 1) : cur + delta));
    $('f-follow').checked = false;
    select(key(all[view[next]]), true);
  }

  // ------------------------------------------------------------------ entry detail
  function showDetail(e) {
    var box = $('detail-body');
    if (mode === 'live' && e.kind) {
      api('GET', '/fakes/' + encodeURIComponent(e.fake) + '/journal/' + e.id).then(function (d) {
        if (selectedKey === key(e)) { drawDetail(d); }
      }, function (err) { drawDetail(e, String(err.message || err)); });
    } else {
      drawDetail(e);
    }
    box.setAttribute('data-key', key(e));
  }

  function drawDetail(d, note) {
    var box = $('detail-body');
    var dl = el('dl');
    function item(t, v) { if (v !== undefined && v !== null && v !== '') { dl.appendChild(el('dt', { text: t })); dl.appendChild(el('dd', { text: String(v) })); } }
    item('Entry', d.fake + ' #' + d.id + ' (' + d.kind + ')');
    item('Time', d.time || new Date(d.ts).toISOString());
    item('Request', methodOf(d) + ' ' + d.path + (d.query ? '?' + d.query : ''));
    item('Status', d.status || (d.kind === 'HTTP' ? 'no response yet' : ''));
    item('Latency (ms)', d.latencyMs);
    item('Fault', d.fault);
    item('Outcome', d.outcome);
    item('Body size (bytes)', d.bodySize);
    var parts = [dl];
    if (note) { parts.push(el('p', { class: 'muted', text: 'Detail unavailable: ' + note })); }
    if (d.headers && Object.keys(d.headers).length) {
      parts.push(el('h3', { text: 'Request headers' }));
      parts.push(el('pre', { text: Object.keys(d.headers).map(function (h) { return h + ': ' + d.headers[h]; }).join('\n') }));
    }
    if (d.body) { parts.push(el('h3', { text: 'Request body' })); parts.push(el('pre', { text: d.body })); }
    if (d.response) { parts.push(el('h3', { text: 'Response body' })); parts.push(el('pre', { text: d.response })); }
    box.replaceChildren.apply(box, parts);
  }

  // ------------------------------------------------------------------ fakes, faults, clock
  function renderFakes(fakes, live) {
    fakesState = fakes;
    var box = $('fake-list');
    if (!fakes.length) { box.replaceChildren(el('p', { class: 'muted', text: 'No fakes.' })); return; }
    var focused = document.activeElement && document.activeElement.id;
    box.replaceChildren.apply(box, fakes.map(function (f) { return fakeCard(f, live); }));
    if (focused && $(focused)) { $(focused).focus(); }
    fakes.forEach(function (f) { if (fakeNames.indexOf(f.name) < 0) { fakeNames.push(f.name); refreshFakeFilter(); } });
  }

  function fakeCard(f, live) {
    var id = 'fake-' + f.name;
    var state = f.running ? 'running' : 'stopped';
    var card = el('section', { class: 'card', id: id, 'aria-labelledby': id + '-h', 'data-fake': f.name });
    card.appendChild(el('h3', { id: id + '-h' }, [f.name, el('span', { class: 'badge', text: f.type }), el('span', { class: 'badge ' + state, text: state })]));
    if (f.url) {
      card.appendChild(el('div', { class: 'url' }, [live ? el('a', { href: f.url, text: f.url, target: '_blank', rel: 'noopener' }) : f.url]));
    }
    if (f.link) {
      var l = f.link;
      card.appendChild(el('div', { class: 'muted', text: 'behind a network link: ' + (l.partitioned ? 'partitioned' : l.up ? 'up' : 'down')
        + (l.toxics.length ? '; toxics: ' + l.toxics.join(', ') : '; no toxics') }));
    }
    if (f.faults && f.faults.seed != null) {
      card.appendChild(el('div', { class: 'muted', text: 'journal ' + (f.journalTotal || 0) + ' entries · fault seed ' + f.faults.seed
        + (f.clockManual ? ' · manual clock' : '') }));
    }
    if (live) {
      var actions = el('div', { class: 'actions' });
      actions.appendChild(el('button', { type: 'button', id: 'reset-' + f.name, 'data-act': 'reset', 'data-fake': f.name, text: 'Reset', 'aria-label': 'Reset ' + f.name }));
      actions.appendChild(el('button', { type: 'button', id: 'power-' + f.name, 'data-act': f.running ? 'stop' : 'start', 'data-fake': f.name,
        text: f.running ? 'Stop' : 'Start', 'aria-label': (f.running ? 'Stop ' : 'Start ') + f.name }));
      card.appendChild(actions);
    }
    var rules = (f.faults && f.faults.rules) || [];
    if (rules.length) {
      var t = el('table', { class: 'rules' });
      t.appendChild(el('caption', { text: 'Fault rules of ' + f.name }));
      t.appendChild(el('thead', {}, [el('tr', {}, [el('th', { scope: 'col', text: 'Rule' }), el('th', { scope: 'col', text: 'Matched' }),
        el('th', { scope: 'col', text: 'Fired' }), el('th', { scope: 'col', text: 'On' })])]));
      var tb = el('tbody');
      rules.forEach(function (r) {
        var cbId = 'rule-' + f.name + '-' + r.index;
        var cb = el('input', { type: 'checkbox', id: cbId, 'data-fake': f.name, 'data-rule': String(r.index), checked: r.enabled, disabled: !live,
          'aria-label': (r.enabled ? 'Disable' : 'Enable') + ' fault rule ' + r.rule });
        tb.appendChild(el('tr', { class: r.enabled ? '' : 'off' }, [el('td', { text: r.rule }), el('td', { class: 'num', text: String(r.matched) }),
          el('td', { class: 'num', id: cbId + '-fired', text: String(r.fired) }), el('td', {}, [cb])]));
      });
      t.appendChild(tb);
      card.appendChild(t);
    }
    if (f.jobCounts) {
      var counts = Object.keys(f.jobCounts).filter(function (s) { return f.jobCounts[s]; }).map(function (s) { return s.toLowerCase() + ' ' + f.jobCounts[s]; });
      card.appendChild(el('div', { class: 'muted', text: 'jobs: ' + (counts.length ? counts.join(', ') : 'none') }));
    }
    return card;
  }

  function renderClock(c) {
    var form = $('clock');
    form.hidden = !(c && c.manual);
    if (c) { text($('clock-now'), new Date(c.now).toISOString()); }
  }

  // ------------------------------------------------------------------ jobs
  var jobsShown = false;
  function showTab(which) {
    var jobs = which === 'jobs';
    $('tab-timeline').setAttribute('aria-selected', String(!jobs));
    $('tab-jobs').setAttribute('aria-selected', String(jobs));
    $('tab-timeline').tabIndex = jobs ? -1 : 0;
    $('tab-jobs').tabIndex = jobs ? 0 : -1;
    $('timeline-panel').hidden = jobs;
    $('jobs-panel').hidden = !jobs;
    jobsShown = jobs;
    if (jobs) { refreshJobs(); } else { lastRange = ''; queueRender(); }
  }

  function refreshJobs() {
    if (!jobsShown) { return; }
    var withJobs = fakesState.filter(function (f) { return f.jobCounts; });
    if (mode === 'report') {
      drawJobs(withJobs.map(function (f) { return { fake: f.name, jobs: f.jobs || [] }; }));
      return;
    }
    Promise.all(withJobs.map(function (f) {
      return api('GET', '/fakes/' + encodeURIComponent(f.name) + '/jobs').then(function (jobs) { return { fake: f.name, jobs: jobs }; });
    })).then(drawJobs, function (e) { status('jobs: ' + e.message, 'down'); });
  }

  function drawJobs(list) {
    var box = $('jobs-body');
    if (!list.length) { box.replaceChildren(el('p', { class: 'muted', text: 'No fake runs jobs.' })); return; }
    box.replaceChildren.apply(box, list.map(function (x) {
      var t = el('table', { class: 'jobs', 'data-fake': x.fake });
      t.appendChild(el('caption', { text: 'Jobs of ' + x.fake + ' (newest first)' }));
      t.appendChild(el('thead', {}, [el('tr', {}, ['Job', 'State', 'Progress', 'History'].map(function (h) { return el('th', { scope: 'col', text: h }); }))]));
      var tb = el('tbody');
      if (!x.jobs.length) { tb.appendChild(el('tr', {}, [el('td', { colspan: '4', class: 'muted', text: 'no jobs' })])); }
      x.jobs.forEach(function (j) {
        var hist = el('td', { class: 'hist' });
        j.history.forEach(function (h, i) {
          if (i) { hist.appendChild(document.createTextNode(' → ')); }
          hist.appendChild(el('span', { text: h.state + ' @ ' + clockText(h.ts) }));
        });
        tb.appendChild(el('tr', { 'data-job': j.id, 'data-state': j.state }, [el('td', { class: 'mono', text: j.id }),
          el('td', { text: j.state + (j.failure ? ': ' + j.failure : '') }), el('td', { text: j.progress }), hist]));
      });
      t.appendChild(tb);
      return t;
    }));
  }

  // ------------------------------------------------------------------ live: the admin API
  function status(s, cls) { var c = $('conn'); text(c, s); c.className = cls || ''; }

  function headers() {
    var h = { 'Content-Type': 'application/json' };
    if (token) { h.Authorization = 'Bearer ' + token; }
    return h;
  }

  function api(method, path, body) {
    return fetch(path, { method: method, headers: headers(), body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' })
      .then(function (r) {
        if (r.status === 401) { askToken(); }
        if (!r.ok) { return r.text().then(function (t) { throw new Error(r.status + ' ' + t); }); }
        return r.status === 204 ? null : r.json();
      });
  }

  function askToken() { $('token-form').hidden = false; $('token').focus(); }

  function connect() {
    status('connecting…');
    fetch('/events', { headers: headers(), cache: 'no-store' }).then(function (r) {
      if (r.status === 401) { askToken(); status('needs the admin token', 'down'); return; }
      if (!r.ok || !r.body) { throw new Error('events: ' + r.status); }
      clearEntries();
      var reader = r.body.getReader();
      var dec = new TextDecoder();
      var buf = '';
      function pump() {
        return reader.read().then(function (x) {
          if (x.done) { throw new Error('stream ended'); }
          buf += dec.decode(x.value, { stream: true });
          var i;
          while ((i = buf.indexOf('\n\n')) >= 0) {
            var block = buf.slice(0, i);
            buf = buf.slice(i + 2);
            onEvent(block);
          }
          return pump();
        });
      }
      return pump();
    }).catch(function (e) {
      status('disconnected (' + (e && e.message) + '), retrying…', 'down');
      window.BACKLOT_STATS.ready = false;
      setTimeout(connect, 1000);
    });
  }

  function onEvent(block) {
    var name = 'message';
    var data = [];
    block.split('\n').forEach(function (line) {
      if (line.indexOf('event:') === 0) { name = line.slice(6).trim(); }
      else if (line.indexOf('data:') === 0) { data.push(line.slice(5).replace(/^ /, '')); }
    });
    if (!data.length) { return; }
    var d = JSON.parse(data.join('\n'));
    if (name === 'state') {
      renderFakes(d.fakes, true);
      renderClock(d.clock);
      refreshJobs();
    } else if (name === 'entries') {
      addEntries(d);
    } else if (name === 'reset') {
      removeFake(d.fake);
    } else if (name === 'ready') {
      status('live', 'live');
      window.BACKLOT_STATS.ready = true;
    }
  }

  function wireLive() {
    document.querySelectorAll('.report-only').forEach(function (n) { n.hidden = true; });
    var m = /token=([^&]+)/.exec(location.hash);
    token = m ? decodeURIComponent(m[1]) : sessionStorage.getItem('backlot-token');
    if (m) { sessionStorage.setItem('backlot-token', token); history.replaceState(null, '', location.pathname); }
    $('token-form').addEventListener('submit', function (ev) {
      ev.preventDefault();
      token = $('token').value;
      sessionStorage.setItem('backlot-token', token);
      $('token-form').hidden = true;
      connect();
    });
    $('clock').addEventListener('submit', function (ev) {
      ev.preventDefault();
      var ms = parseInt($('advance-ms').value, 10);
      if (!(ms >= 0)) { status('advance: give a number of milliseconds >= 0', 'down'); return; }
      api('POST', '/clock/advance', { millis: ms }).then(function (r) { text($('clock-now'), r.now); },
        function (e) { status('advance failed: ' + e.message, 'down'); });
    });
    $('reset-all').addEventListener('click', function () {
      api('POST', '/reset').catch(function (e) { status('reset failed: ' + e.message, 'down'); });
    });
    $('fake-list').addEventListener('click', function (ev) {
      var b = ev.target.closest('button[data-act]');
      if (!b) { return; }
      var f = encodeURIComponent(b.getAttribute('data-fake'));
      api('POST', '/fakes/' + f + '/' + b.getAttribute('data-act')).catch(function (e) { status(e.message, 'down'); });
    });
    $('fake-list').addEventListener('change', function (ev) {
      var cb = ev.target;
      if (!cb.matches('input[data-rule]')) { return; }
      api('POST', '/fakes/' + encodeURIComponent(cb.getAttribute('data-fake')) + '/faults/' + cb.getAttribute('data-rule') + '/enabled',
        { enabled: cb.checked }).catch(function (e) { status('fault toggle failed: ' + e.message, 'down'); });
    });
    connect();
  }

  // ------------------------------------------------------------------ report: data from script tags
  function wireReport() {
    document.querySelectorAll('.live-only').forEach(function (n) { n.hidden = true; });
    $('tests').hidden = false;
    text($('subtitle'), 'test report');
    status('report (static)', 'live');
    var tests = dedupe(window.BACKLOT_TESTS || []);
    window.BACKLOT_LOAD = function (data) {
      reportData = data;
      clearEntries();
      methods = new Set(); fakeNames = [];
      refreshMethodFilter(); refreshFakeFilter();
      var t = $('test-title');
      t.hidden = false;
      text(t, data.class + ' › ' + data.test + ': ' + data.result + (data.failure ? '\n' + data.failure : ''));
      renderFakes(data.fakes, false);
      var entries = [];
      data.fakes.forEach(function (f) { (f.entries || []).forEach(function (e) { entries.push(e); }); });
      entries.sort(function (a, b) { return a.ts - b.ts; });
      addEntries(entries);
      refreshJobs();
      selectedKey = null;
      text($('detail-body'), '');
      $('detail-body').appendChild(el('p', { class: 'muted', text: 'Select an entry.' }));
      window.BACKLOT_STATS.ready = true;
    };
    function drawTests() {
      var only = $('only-failed').checked;
      var list = $('test-list');
      list.replaceChildren.apply(list, tests.filter(function (t) { return !only || t.result === 'failed'; }).map(function (t) {
        var b = el('button', { type: 'button', 'data-test': t.id, 'aria-current': reportData && reportData.id === t.id ? 'true' : 'false', title: t.class + ' › ' + t.test },
          [el('span', { class: 'badge ' + t.result, text: t.result }), el('span', { class: 'name', text: shortClass(t.class) + ' › ' + t.test })]);
        return el('li', {}, [b]);
      }));
      if (!tests.length) { list.replaceChildren(el('li', { class: 'muted', text: 'No tests recorded.' })); }
    }
    function open(id) {
      var t = tests.find(function (x) { return x.id === id; });
      if (!t) { return; }
      window.BACKLOT_STATS.ready = false;
      var s = document.createElement('script');
      s.src = t.file;
      s.onerror = function () { status('could not load ' + t.file, 'down'); };
      document.head.appendChild(s);
      s.onload = function () { s.remove(); drawTests(); };
    }
    $('test-list').addEventListener('click', function (ev) {
      var b = ev.target.closest('button[data-test]');
      if (b) { history.replaceState(null, '', '#test=' + encodeURIComponent(b.getAttribute('data-test'))); open(b.getAttribute('data-test')); }
    });
    $('only-failed').addEventListener('change', drawTests);
    drawTests();
    var m = /test=([^&]+)/.exec(location.hash);
    var first = m ? decodeURIComponent(m[1]) : (tests.find(function (t) { return t.result === 'failed'; }) || tests[0] || {}).id;
    if (first) { open(first); }
  }

  function shortClass(c) { var i = c.lastIndexOf('.'); return i < 0 ? c : c.slice(i + 1); }
  function dedupe(tests) {
    var seen = new Map();
    tests.forEach(function (t) { seen.set(t.id, t); }); // a rerun replaces the earlier run's row
    return Array.from(seen.values());
  }

  // ------------------------------------------------------------------ wiring shared by both
  ['f-fake', 'f-method', 'f-fault'].forEach(function (id) { $(id).addEventListener('change', readFilters); });
  ['f-path', 'f-status'].forEach(function (id) {
    $(id).addEventListener('input', readFilters);
    $(id).addEventListener('change', readFilters);
  });
  $('filters').addEventListener('submit', function (ev) { ev.preventDefault(); });
  $('f-follow').addEventListener('change', queueRender);
  $('scroller').addEventListener('scroll', function () { drawRows(); });
  $('scroller').addEventListener('wheel', function (ev) { if (ev.deltaY < 0) { $('f-follow').checked = false; } }, { passive: true });
  $('scroller').addEventListener('click', function (ev) {
    var tr = ev.target.closest('tr[data-key]');
    if (tr) { $('f-follow').checked = false; select(tr.getAttribute('data-key'), false); }
  });
  $('scroller').addEventListener('keydown', function (ev) {
    var moves = { ArrowDown: 1, ArrowUp: -1, PageDown: 20, PageUp: -20 };
    if (ev.key in moves) { ev.preventDefault(); moveSelection(moves[ev.key]); }
    else if (ev.key === 'Home') { ev.preventDefault(); moveSelection(-view.length); }
    else if (ev.key === 'End') { ev.preventDefault(); moveSelection(view.length); }
  });
  window.addEventListener('resize', function () { lastRange = ''; queueRender(); });
  $('tab-timeline').addEventListener('click', function () { showTab('timeline'); });
  $('tab-jobs').addEventListener('click', function () { showTab('jobs'); });
  document.querySelector('[role=tablist]').addEventListener('keydown', function (ev) {
    if (ev.key === 'ArrowRight' || ev.key === 'ArrowLeft') {
      var jobs = $('tab-timeline').getAttribute('aria-selected') === 'true';
      showTab(jobs ? 'jobs' : 'timeline');
      $(jobs ? 'tab-jobs' : 'tab-timeline').focus();
    }
  });

  if (mode === 'report') { wireReport(); } else { wireLive(); }
})();
