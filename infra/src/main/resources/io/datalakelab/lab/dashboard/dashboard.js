// The Data Lake Lab dashboard: polls /api/snapshot and draws it. No framework, no network but this server;
// every text goes in through textContent, never as HTML.
'use strict';

(function () {
  const SVG = 'http://www.w3.org/2000/svg';
  let refreshMs = 5000;
  let timer = null;

  // ---- small DOM helpers ----------------------------------------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined) continue;
      if (key === 'class') node.className = value;
      else if (key === 'title') node.title = value;
      else node.setAttribute(key, String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function replaceRows(tbody, rows) {
    tbody.replaceChildren(...rows);
  }

  function byId(id) {
    return document.getElementById(id);
  }

  // ---- formatting -----------------------------------------------------------------------------------------------

  function count(n) {
    return n === null || n === undefined ? '–' : Math.round(n).toLocaleString('en-US');
  }

  function bytes(n) {
    if (n === null || n === undefined) return '–';
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = n;
    let unit = 0;
    while (Math.abs(value) >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return (unit === 0 ? value.toFixed(0) : value.toFixed(1)) + ' ' + units[unit];
  }

  function duration(ms) {
    if (ms === null || ms === undefined) return '–';
    if (ms < 0) return 'for ever';
    const s = ms / 1000;
    if (s < 60) return s.toFixed(s < 10 ? 1 : 0) + ' s';
    if (s < 3600) return (s / 60).toFixed(s < 600 ? 1 : 0) + ' min';
    if (s < 172800) return (s / 3600).toFixed(s < 36000 ? 1 : 0) + ' h';
    return (s / 86400).toFixed(1) + ' d';
  }

  function time(ms) {
    if (ms === null || ms === undefined) return '–';
    const d = new Date(ms);
    const pad = (v) => String(v).padStart(2, '0');
    return d.getFullYear() + '-' + pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds());
  }

  function rate(n, unit) {
    if (n === null || n === undefined) return '–';
    return unit === 'B' ? bytes(n) + '/s' : (n >= 100 ? count(n) : n.toFixed(1)) + '/s';
  }

  // A small line chart of the last values, scaled to its own maximum.
  function sparkline(values, label) {
    const width = 120;
    const height = 26;
    const svg = document.createElementNS(SVG, 'svg');
    svg.setAttribute('class', 'spark');
    svg.setAttribute('width', width);
    svg.setAttribute('height', height);
    svg.setAttribute('viewBox', '0 0 ' + width + ' ' + height);
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
    const base = document.createElementNS(SVG, 'line');
    base.setAttribute('class', 'base');
    base.setAttribute('x1', 0);
    base.setAttribute('x2', width);
    base.setAttribute('y1', height - 1);
    base.setAttribute('y2', height - 1);
    svg.append(base);
    if (values.length > 1) {
      const max = Math.max(...values, 1e-9);
      const step = width / (values.length - 1);
      const points = values.map((v, i) => (i * step).toFixed(1) + ',' + (height - 1 - (v / max) * (height - 3)).toFixed(1));
      const line = document.createElementNS(SVG, 'polyline');
      line.setAttribute('points', points.join(' '));
      svg.append(line);
    }
    return svg;
  }

  // ---- sections -------------------------------------------------------------------------------------------------

  function drawHeader(s) {
    const overall = byId('overall');
    overall.textContent = s.healthy ? 'infrastructure healthy' : 'infrastructure not healthy';
    overall.className = 'pill ' + (s.healthy ? 'ok' : 'bad');
    const taken = byId('taken-at');
    taken.textContent = 'last look ' + time(s.takenAtMs) + ', every ' + duration(s.refreshMs);
    taken.dataset.takenAt = s.takenAtMs;
  }

  function drawBrokers(kafka) {
    const problem = byId('kafka-problem');
    problem.hidden = kafka.reachable;
    problem.textContent = kafka.problem || '';
    replaceRows(byId('brokers').tBodies[0], kafka.brokers.map((b) => el('tr', {'data-broker': b.id, 'data-healthy': b.healthy},
      el('td', {}, b.id),
      el('td', {}, b.host + ':' + b.port),
      el('td', {}, b.controller ? 'active controller' : ''),
      el('td', {class: 'muted'}, b.process + (b.pid ? ' (pid ' + b.pid + ')' : ' (not running)')),
      el('td', {}, el('span', {class: 'chip ' + (b.healthy ? 'UP' : 'DOWN')}, b.healthy ? 'up' : 'down')))));
  }

  function drawTopics(kafka) {
    const rows = [];
    for (const t of kafka.topics) {
      const history = t.history || [];
      rows.push(el('tr', {'data-topic': t.name},
        el('td', {}, el('details', {'data-key': 'topic ' + t.name}, el('summary', {}, t.name), partitionTable(t))),
        el('td', {class: 'num'}, t.partitions),
        el('td', {class: 'num'}, t.replication),
        el('td', {class: 'num ' + (t.underReplicated > 0 ? 'RED' : '')}, t.underReplicated),
        el('td', {class: 'num'}, duration(t.retentionMs)),
        el('td', {class: 'num'}, count(t.records)),
        el('td', {class: 'num'}, bytes(t.sizeBytes)),
        el('td', {}, sparkline(history.map((p) => p.recordsPerSecond), t.name + ' records per second'),
          el('span', {class: 'rate', 'data-records-per-second': t.recordsPerSecond}, rate(t.recordsPerSecond))),
        el('td', {}, sparkline(history.map((p) => p.bytesPerSecond), t.name + ' bytes per second'),
          el('span', {class: 'rate'}, rate(t.bytesPerSecond, 'B')))));
    }
    replaceRows(byId('topics').tBodies[0], rows);
  }

  function partitionTable(t) {
    return el('table', {class: 'partitions'},
      el('thead', {}, el('tr', {}, ['partition', 'leader', 'replicas', 'in sync', 'start', 'end', 'size'].map((h) => el('th', {}, h)))),
      el('tbody', {}, t.partitionDetail.map((p) => el('tr', {},
        el('td', {class: 'num'}, p.partition),
        el('td', {class: 'num ' + (p.leader === null ? 'RED' : '')}, p.leader === null ? 'none' : p.leader),
        el('td', {}, p.replicas.join(', ')),
        el('td', {class: p.underReplicated ? 'RED' : ''}, p.isr.join(', ')),
        el('td', {class: 'num'}, count(p.startOffset)),
        el('td', {class: 'num'}, count(p.endOffset)),
        el('td', {class: 'num'}, bytes(p.sizeBytes))))));
  }

  function riskText(p) {
    if (p.expired) return 'expired';
    if (p.retentionRatio === null) return 'measuring';
    if (p.retentionRatio === 0) return '0 %';
    return (p.retentionRatio * 100).toFixed(p.retentionRatio < 0.01 ? 3 : 1) + ' %';
  }

  function drawGroups(groups, lost) {
    const blocks = groups.map((g) => el('div', {class: 'group', 'data-group': g.group, 'data-lag': g.lag, 'data-risk': g.risk},
      el('div', {class: 'group-head'},
        el('span', {class: 'group-name'}, g.group),
        el('span', {class: 'muted'}, g.state + ', ' + g.members + ' member' + (g.members === 1 ? '' : 's')),
        el('span', {}, 'lag ', el('b', {class: 'lag'}, count(g.lag))),
        el('span', {class: 'chip ' + g.risk}, g.risk.toLowerCase())),
      // A group that is caught up and safe folds its partitions away; one that lags or is at risk shows them.
      el('details', {'data-key': 'group ' + g.group, open: g.lag > 0 || g.risk !== 'GREEN' ? '' : null},
        el('summary', {}, g.partitions.length + ' partition' + (g.partitions.length === 1 ? '' : 's')),
      el('table', {},
        el('thead', {}, el('tr', {}, ['topic', 'partition', 'committed', 'end', 'lag', 'oldest unconsumed', 'retention', 'risk']
          .map((h) => el('th', {}, h)))),
        el('tbody', {}, g.partitions.map((p) => el('tr', {'data-topic': p.topic, 'data-partition': p.partition, 'data-lag': p.lag},
          el('td', {}, p.topic),
          el('td', {class: 'num'}, p.partition),
          el('td', {class: 'num'}, p.committedOffset < 0 ? 'none yet' : count(p.committedOffset)),
          el('td', {class: 'num'}, count(p.endOffset)),
          el('td', {class: 'num lag'}, count(p.lag)),
          el('td', {class: 'num'}, p.expired ? 'expired' : p.lag === 0 ? 'none' : duration(p.oldestUnconsumedAgeMs) + ' old'),
          el('td', {class: 'num'}, duration(p.retentionMs)),
          el('td', {class: p.risk}, riskText(p)))))))));
    byId('groups').replaceChildren(...(blocks.length ? blocks : [el('p', {class: 'muted'}, 'No consumer group has committed offsets yet.')]));
    byId('lost').replaceChildren(lost.length
      ? el('table', {}, el('thead', {}, el('tr', {}, ['topic', 'partition', 'offsets', 'records'].map((h) => el('th', {}, h)))),
        el('tbody', {}, lost.map((r) => el('tr', {class: 'RED'}, el('td', {}, r.topic), el('td', {class: 'num'}, r.partition),
          el('td', {}, count(r.fromOffset) + ' to ' + count(r.toOffset)), el('td', {class: 'num'}, count(r.records))))))
      : el('p', {class: 'muted'}, 'None: no record expired in Kafka before a sink landed it.'));
  }

  function drawHdfs(hdfs) {
    byId('hdfs-summary').textContent = hdfs.reachable
      ? hdfs.liveDataNodes + ' live DataNode' + (hdfs.liveDataNodes === 1 ? '' : 's') + (hdfs.safeMode ? ', in safe mode' : '') + ', '
        + hdfs.topics.length + ' topic' + (hdfs.topics.length === 1 ? '' : 's') + ' landed'
      : hdfs.problem;
    byId('hdfs-summary').className = hdfs.reachable ? 'muted' : 'problem';
    byId('hdfs').replaceChildren(...hdfs.topics.map((t) => el('details', {'data-key': 'hdfs ' + t.topic, 'data-hdfs-topic': t.topic, 'data-files': t.files},
      el('summary', {}, t.topic + ': ' + count(t.files) + ' files, ' + bytes(t.bytes) + ', newest ' + time(t.newestFileMs)
        + ' (' + t.partitionCount + ' time partition' + (t.partitionCount === 1 ? '' : 's') + ')'),
      el('table', {},
        el('thead', {}, el('tr', {}, ['partition', 'files', 'size', 'newest file', 'complete'].map((h) => el('th', {}, h)))),
        el('tbody', {}, t.partitions.map((p) => el('tr', {},
          el('td', {}, p.path || '(topic root)'),
          el('td', {class: 'num'}, count(p.files)),
          el('td', {class: 'num'}, bytes(p.bytes)),
          el('td', {}, time(p.newestFileMs)),
          el('td', {}, p.complete ? '_SUCCESS' : ''))))))));
  }

  function drawServices(services) {
    replaceRows(byId('services').tBodies[0], services.map((s) => {
      const checks = Object.entries(s.checks || {});
      const failing = checks.filter(([, c]) => c.status !== 'UP');
      const summary = s.problem || (failing.length ? failing.map(([n, c]) => n + ': ' + c.detail).join('; ')
        : checks.length ? checks.length + ' check' + (checks.length === 1 ? '' : 's') + ' up' : '');
      return el('tr', {'data-service': s.name, 'data-state': s.state},
        el('td', {}, s.name),
        el('td', {class: 'muted'}, s.role),
        el('td', {class: 'num'}, s.port),
        el('td', {}, el('span', {class: 'chip ' + s.state}, s.state === 'NOT_RUNNING' ? 'not running' : s.state.toLowerCase())),
        el('td', {class: 'metrics'}, Object.entries(s.metrics || {}).map(([k, v]) =>
          el('span', {}, k + ' ', el('b', {}, k.includes('risk') ? (v * 100).toFixed(2) + ' %' : k.includes('%') ? v.toFixed(1) : count(v))))),
        el('td', {title: checks.map(([n, c]) => n + ' ' + c.status + ': ' + c.detail).join('\n')}, summary));
    }));
  }

  function drawDemo(demo) {
    const box = byId('demo');
    if (!demo) {
      box.replaceChildren(el('p', {class: 'muted'}, 'No demo has run on this lab yet: ', el('code', {}, './lab demo'), '.'));
      return;
    }
    if (!demo.report) {
      box.replaceChildren(el('p', {class: 'problem'}, demo.problem || 'unreadable demo report'));
      return;
    }
    const r = demo.report;
    const audit = r.audit;
    const cdc = r.changeCapture;
    box.replaceChildren(
      el('p', {'data-demo-passed': demo.passed},
        el('span', {class: demo.passed ? 'result-ok' : 'result-failed'}, demo.passed ? 'OK' : 'FAILED'),
        ' finished ' + time(demo.finishedAtMs) + ', site ' + r.site),
      el('table', {}, el('tbody', {},
        el('tr', {}, el('th', {}, 'readings produced'), el('td', {class: 'num'}, count(r.fleet.acknowledged))),
        el('tr', {}, el('th', {}, 'landed in HDFS'), el('td', {class: 'num'}, count(audit.records)), el('td', {class: 'muted'}, audit.files + ' files')),
        el('tr', {}, el('th', {}, 'lost'), el('td', {class: 'num ' + (audit.lost ? 'RED' : 'GREEN'), 'data-demo-lost': audit.lost}, count(audit.lost))),
        el('tr', {}, el('th', {}, 'duplicated'), el('td', {class: 'num ' + (audit.duplicated ? 'RED' : 'GREEN'), 'data-demo-duplicated': audit.duplicated},
          count(audit.duplicated))),
        el('tr', {}, el('th', {}, 'sink SIGKILLed mid-flow'), el('td', {class: 'num'}, r.sinkKills)),
        el('tr', {}, el('th', {}, 'first produce to all landed'), el('td', {class: 'num'}, duration(r.firstSendToVerifiedMs))),
        cdc ? el('tr', {}, el('th', {}, 'change events replay to the tables'),
          el('td', {class: cdc.mismatches.length ? 'RED' : 'GREEN'}, cdc.mismatches.length ? cdc.mismatches.length + ' mismatches' : 'exactly')) : null)),
      el('details', {'data-key': 'demo'}, el('summary', {}, 'the report as printed'), el('pre', {}, demo.text)));
  }

  // ---- polling --------------------------------------------------------------------------------------------------

  function draw(s) {
    refreshMs = s.refreshMs || refreshMs;
    drawHeader(s);
    drawBrokers(s.kafka);
    drawTopics(s.kafka);
    drawGroups(s.consumerGroups, s.lostRanges);
    drawHdfs(s.hdfs);
    drawServices(s.services);
    drawDemo(s.demo);
  }

  // Keeps open what the reader opened: the tables are redrawn on every look.
  function openDetails() {
    return new Set([...document.querySelectorAll('details[open]')].map((d) => d.dataset.key));
  }

  function reopen(open) {
    for (const details of document.querySelectorAll('details[data-key]')) {
      if (open.has(details.dataset.key)) details.open = true;
    }
  }

  async function poll() {
    const connection = byId('connection');
    try {
      const response = await fetch('/api/snapshot', {cache: 'no-store'});
      if (response.status === 200) {
        const open = openDetails();
        draw(await response.json());
        reopen(open);
        connection.textContent = '';
        connection.className = 'muted';
      } else {
        connection.textContent = 'the dashboard is taking its first look at the lab';
      }
    } catch (e) {
      connection.textContent = 'cannot reach the dashboard (is `./lab dashboard` still running?)';
      connection.className = 'problem';
    }
    timer = setTimeout(poll, refreshMs);
  }

  document.addEventListener('DOMContentLoaded', () => {
    if (timer === null) poll();
  });
})();
