/**
 * Browser script 2/3 (`/console/assets/interactions.js`): what people do on the page — click Block Kit buttons
 * (after the confirm dialog when the button has one; URL buttons also open their link), open/close threads,
 * switch channel or user, type in the message boxes (`/command args` runs a slash command), and pick a sample
 * finding from the Inject menu. Plain ES2020, no template literals.
 */
export const INTERACTIONS_JS = String.raw`(function () {
  'use strict';
  var C = window.sandboxConsole;

  /** Shows the confirm dialog cloned from the button's template; resolves true on confirm. */
  C.confirm = function (template) {
    return new Promise(function (resolve) {
      var backdrop = C.el('div', { class: 'confirm-backdrop' });
      var dialog = C.el('div', { class: 'confirm', role: 'alertdialog', 'aria-modal': 'true', 'data-testid': 'confirm-dialog' });
      dialog.appendChild(template.content.cloneNode(true));
      var title = dialog.querySelector('.confirm-title');
      if (title) { title.id = 'confirm-title'; dialog.setAttribute('aria-labelledby', 'confirm-title'); }
      backdrop.appendChild(dialog);
      document.body.appendChild(backdrop);
      function done(answer) {
        document.removeEventListener('keydown', onKey, true);
        backdrop.remove();
        resolve(answer);
      }
      function onKey(e) { if (e.key === 'Escape') { e.stopPropagation(); done(false); } }
      document.addEventListener('keydown', onKey, true);
      dialog.addEventListener('click', function (e) {
        var b = e.target.closest('[data-confirm-answer]');
        if (b) done(b.getAttribute('data-confirm-answer') === 'confirm');
      });
      backdrop.addEventListener('click', function (e) { if (e.target === backdrop) done(false); });
      var yes = dialog.querySelector('[data-confirm-answer="confirm"]');
      if (yes) yes.focus();
    });
  };

  function clickButton(button) {
    var container = button.closest('[data-container]');
    if (!container) return;
    var kind = container.getAttribute('data-container');
    var body = { user: C.view.user, container: kind, actionId: button.getAttribute('data-action-id') };
    if (button.hasAttribute('data-value')) body.value = button.getAttribute('data-value');
    if (kind === 'view') {
      body.viewId = container.getAttribute('data-view-id');
      body.values = C.collectValues(container);
    } else {
      body.channel = container.getAttribute('data-channel');
      body.ts = container.getAttribute('data-ts');
    }
    var send = function () {
      var url = button.getAttribute('data-url');
      if (url) window.open(url, '_blank', 'noopener,noreferrer');
      button.classList.add('is-pending');
      button.setAttribute('aria-busy', 'true');
      return C.post('click', body).then(function () {
        button.classList.remove('is-pending');
        button.removeAttribute('aria-busy');
      });
    };
    if (button.hasAttribute('data-confirm')) {
      var template = button.nextElementSibling;
      C.confirm(template).then(function (yes) { if (yes) send(); });
    } else {
      send();
    }
  }

  function toggleMenu(open) {
    var list = C.$('#inject-list');
    var trigger = C.$('[data-testid="inject-menu"]');
    if (!list || !trigger) return;
    list.hidden = !open;
    trigger.setAttribute('aria-expanded', open ? 'true' : 'false');
    if (open) { var first = list.querySelector('[data-inject]'); if (first) first.focus(); }
  }

  document.addEventListener('click', function (e) {
    var t = e.target;
    if (!(t instanceof Element)) return;
    var b;
    if ((b = t.closest('[data-action-id]')) && b.tagName === 'BUTTON') return clickButton(b);
    if ((b = t.closest('[data-open-thread]'))) { C.view.thread = b.getAttribute('data-open-thread'); return C.refresh(); }
    if (t.closest('[data-close-thread]')) { C.view.thread = ''; return C.refresh(); }
    if ((b = t.closest('[data-channel].chan'))) {
      C.view.channel = b.getAttribute('data-channel');
      C.view.thread = '';
      return C.refresh();
    }
    if ((b = t.closest('[data-inject]'))) {
      toggleMenu(false);
      return C.post('inject', { kind: b.getAttribute('data-inject') });
    }
    if (t.closest('[data-testid="inject-menu"]')) return toggleMenu(C.$('#inject-list').hidden);
    if (!t.closest('#inject')) toggleMenu(false);
  });

  document.addEventListener('keydown', function (e) {
    if (e.key === 'Escape' && C.$('#inject-list') && !C.$('#inject-list').hidden) toggleMenu(false);
  });

  document.addEventListener('change', function (e) {
    if (!(e.target instanceof Element) || e.target.id !== 'user-switcher') return;
    C.view.user = e.target.value;
    C.view.thread = '';
    try { localStorage.setItem('sandbox.as', C.view.user); } catch (err) { /* private mode */ }
    var url = new URL(location.href);
    url.searchParams.set('as', C.view.user);
    history.replaceState(null, '', url.toString());
    C.refresh();
  });

  function composer(formSel, boxSel, inThread) {
    var form = C.$(formSel);
    var box = C.$(boxSel);
    function send() {
      var text = box.value.trim();
      if (!text) return;
      box.value = '';
      if (text.charAt(0) === '/') {
        C.post('command', { user: C.view.user, channel: C.view.channel, text: text });
      } else {
        var body = { user: C.view.user, channel: C.view.channel, text: text };
        if (inThread) body.threadTs = C.view.thread;
        C.post('message', body);
      }
    }
    form.addEventListener('submit', function (e) { e.preventDefault(); send(); });
    box.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); send(); }
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    composer('#composer', '#message-box', false);
    composer('#thread-composer', '#thread-reply-box', true);
  });
})();
`;
