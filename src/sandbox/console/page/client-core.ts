/**
 * Browser script 1/3 (served as `/console/assets/core.js`): page state, the JSON API, toasts, and rendering
 * of the server's state — sidebar (user switcher, channels), channel timeline and thread panel. Live updates
 * come from the Server-Sent Events feed (with polling while it is down); bursts of changes coalesce into one
 * re-fetch. Server HTML is already escaped; everything this script writes itself goes through textContent.
 * Plain ES2020, no template literals (this file is a TypeScript template string).
 */
export const CORE_JS = String.raw`(function () {
  'use strict';
  var C = (window.sandboxConsole = window.sandboxConsole || {});
  var params = new URLSearchParams(location.search);
  var stored = null;
  try { stored = localStorage.getItem('sandbox.as'); } catch (e) { stored = null; }
  C.view = {
    user: params.get('as') || stored || '',
    channel: params.get('channel') || '',
    thread: '',
    tz: (Intl.DateTimeFormat().resolvedOptions().timeZone) || 'UTC'
  };
  C.state = null;
  C.$ = function (sel, root) { return (root || document).querySelector(sel); };
  C.el = function (tag, props, text) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (k) { node.setAttribute(k, props[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  };

  C.toast = function (text, level) {
    var box = C.$('#toasts');
    var item = C.el('div', { class: 'toast toast-' + (level || 'info'), 'data-testid': 'toast', role: level === 'error' ? 'alert' : 'status' });
    item.appendChild(C.el('span', {}, text));
    var close = C.el('button', { type: 'button', 'aria-label': 'Dismiss' }, '✕');
    close.addEventListener('click', function () { item.remove(); });
    item.appendChild(close);
    box.appendChild(item);
    setTimeout(function () { item.remove(); }, level === 'error' ? 12000 : 6000);
  };

  C.post = function (action, body) {
    return fetch('/console/api/' + action, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () {
        return { ok: false, level: 'error', notice: 'The console server answered HTTP ' + res.status };
      });
    }, function (err) {
      return { ok: false, level: 'error', notice: 'The sandbox is not reachable: ' + err.message };
    }).then(function (answer) {
      if (answer.notice) C.toast(answer.notice, answer.level || (answer.ok ? 'info' : 'error'));
      C.refresh();
      return answer;
    });
  };

  var inflight = null;
  var again = false;
  C.refresh = function () {
    if (inflight) { again = true; return inflight; }
    inflight = load().catch(function (err) {
      C.toast('Could not load the channel: ' + err.message, 'error');
    }).then(function () {
      inflight = null;
      if (again) { again = false; return C.refresh(); }
    });
    return inflight;
  };

  function load() {
    var q = new URLSearchParams({ user: C.view.user, channel: C.view.channel, thread: C.view.thread, tz: C.view.tz });
    return fetch('/console/api/state?' + q.toString()).then(function (res) {
      if (!res.ok) throw new Error('HTTP ' + res.status);
      return res.json();
    }).then(apply);
  }

  function apply(s) {
    C.state = s;
    C.view.user = s.me;
    C.view.channel = s.channel.id;
    C.view.thread = s.thread || '';
    sidebar(s);
    main(s);
    thread(s);
    if (C.renderModal) C.renderModal(s.modal);
    document.body.setAttribute('data-ready', '1');
  }

  function sidebar(s) {
    var select = C.$('#user-switcher');
    var wanted = s.users.map(function (u) { return u.id + '|' + u.name; }).join(',');
    if (select.getAttribute('data-users') !== wanted) {
      select.replaceChildren();
      s.users.forEach(function (u) { select.appendChild(C.el('option', { value: u.id }, u.name + ' (' + u.title + ')')); });
      select.setAttribute('data-users', wanted);
    }
    select.value = s.me;
    var me = s.users.filter(function (u) { return u.id === s.me; })[0];
    var acting = C.$('[data-testid="acting-as"]');
    acting.replaceChildren(C.el('span', { class: 'presence', 'aria-hidden': 'true' }), C.el('span', {}, 'You are ' + (me ? me.name : s.me)));
    list('#channel-list', s.channels.filter(function (c) { return !c.dm; }), s.channel.id, '#');
    list('#dm-list', s.channels.filter(function (c) { return c.dm; }), s.channel.id, '●');
    C.$('#dms-label').hidden = !s.channels.some(function (c) { return c.dm; });
  }

  function list(sel, channels, active, mark) {
    var ul = C.$(sel);
    ul.replaceChildren();
    channels.forEach(function (c) {
      var b = C.el('button', { type: 'button', class: 'chan' + (c.id === active ? ' active' : ''), 'data-channel': c.id, 'data-testid': 'channel-' + c.name });
      if (c.id === active) b.setAttribute('aria-current', 'page');
      b.appendChild(C.el('span', { class: 'hash', 'aria-hidden': 'true' }, mark));
      b.appendChild(C.el('span', {}, c.name));
      var li = C.el('li');
      li.appendChild(b);
      ul.appendChild(li);
    });
  }

  var lastMessages = null;
  function main(s) {
    var title = (s.channel.dm ? '' : '# ') + s.channel.name;
    C.$('#channel-title').textContent = title;
    C.$('#channel-topic').textContent = s.channel.dm ? 'Direct messages with the app' : 'Findings from IAM Access Analyzer';
    C.$('#message-box').setAttribute('placeholder', 'Message ' + title + ' — or run /command');
    var html = s.messages || '<div class="empty">No messages yet. Inject a sample finding from the menu at the top right.</div>';
    if (html === lastMessages) return;
    var box = C.$('#messages');
    var open = openPreviews(box);
    box.innerHTML = html;
    reopen(box, open);
    lastMessages = html;
    if (stick) box.scrollTop = box.scrollHeight;
  }

  /** File previews the person opened stay open when the timeline or thread is re-rendered. */
  function openPreviews(root) {
    return Array.prototype.map.call(root.querySelectorAll('details[data-keep-open][open]'), function (d) {
      return d.getAttribute('data-keep-open');
    });
  }
  function reopen(root, keys) {
    root.querySelectorAll('details[data-keep-open]').forEach(function (d) {
      if (keys.indexOf(d.getAttribute('data-keep-open')) >= 0) d.open = true;
    });
  }

  /** Like Slack, the channel stays scrolled to the newest message unless the person scrolled up. */
  var stick = true;
  function keepAtBottom() {
    var box = C.$('#messages');
    box.addEventListener('scroll', function () {
      stick = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    });
    if (window.ResizeObserver) {
      new ResizeObserver(function () { if (stick) box.scrollTop = box.scrollHeight; }).observe(box);
    }
  }

  var lastThread = null;
  function thread(s) {
    var panel = C.$('#thread');
    panel.hidden = !s.thread;
    if (s.threadHtml === lastThread) return;
    var body = C.$('#thread-content');
    var atBottom = body.scrollHeight - body.scrollTop - body.clientHeight < 80;
    var open = openPreviews(body);
    body.innerHTML = s.threadHtml;
    reopen(body, open);
    if (atBottom || lastThread === '' || lastThread === null) body.scrollTop = body.scrollHeight;
    lastThread = s.threadHtml;
  }

  var poller = null;
  function poll(on) {
    if (on && !poller) poller = setInterval(C.refresh, 2000);
    if (!on && poller) { clearInterval(poller); poller = null; }
  }
  function live() {
    if (!window.EventSource) return poll(true);
    var feed = new EventSource('/console/api/events');
    feed.addEventListener('change', function () { C.refresh(); });
    feed.onopen = function () { poll(false); C.refresh(); };
    feed.onerror = function () { poll(true); };
  }

  document.addEventListener('DOMContentLoaded', function () {
    keepAtBottom();
    C.refresh();
    live();
  });
})();
`;
