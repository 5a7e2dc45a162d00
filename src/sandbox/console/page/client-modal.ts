/**
 * Browser script 3/3 (`/console/assets/modal.js`): the person's open modal. Redraws it only when the server's
 * modal key changes (another view, an update, new errors) or after a submission, so typing is never lost to a
 * live refresh. Reads values back from the controls, runs Slack's client-side checks (required fields,
 * min length) before submitting, sends Close/✕/Escape as a close, and a change of an input with
 * `dispatch_action` (select, checkbox, Enter in a text field) as a dispatch. Plain ES2020, no template literals.
 */
export const MODAL_JS = String.raw`(function () {
  'use strict';
  var C = window.sandboxConsole;
  var shownKey = null;
  var redraw = false;

  C.renderModal = function (modal) {
    var host = C.$('#modal-host');
    if (!modal) {
      if (shownKey !== null) host.replaceChildren();
      shownKey = null;
      return;
    }
    if (modal.key === shownKey && !redraw) return;
    var first = shownKey === null || !host.querySelector('[data-view-id="' + modal.viewId + '"]');
    redraw = false;
    shownKey = modal.key;
    host.innerHTML = modal.html;
    var target = host.querySelector('.has-error [data-el-type]') || (first ? host.querySelector('[data-el-type]') : null);
    if (target && target.focus) target.focus();
  };

  function valueOf(control) {
    var type = control.getAttribute('data-el-type');
    if (type === 'checkboxes') {
      return Array.prototype.map.call(control.querySelectorAll('input:checked'), function (i) { return i.value; });
    }
    if (type === 'radio_buttons') {
      var picked = control.querySelector('input:checked');
      return picked ? picked.value : null;
    }
    if (control.tagName === 'SELECT' && control.multiple) {
      return Array.prototype.map.call(control.selectedOptions, function (o) { return o.value; });
    }
    return control.value === '' ? null : control.value;
  }

  /** values[block_id][action_id] = raw value, for every control in the modal. */
  C.collectValues = function (root) {
    var values = {};
    root.querySelectorAll('[data-el-type]').forEach(function (control) {
      var block = control.getAttribute('data-block-id');
      values[block] = values[block] || {};
      values[block][control.getAttribute('data-action-id')] = valueOf(control);
    });
    return values;
  };

  function isEmpty(v) { return v === null || v === '' || (Array.isArray(v) && v.length === 0); }

  /** Slack's own checks before a submission reaches the app; shows messages like Slack's client does. */
  function check(modal) {
    var ok = true;
    modal.querySelectorAll('[data-input-block]').forEach(function (block) {
      var control = block.querySelector('[data-el-type]');
      var error = block.querySelector('.input-error');
      if (!control || !error) return;
      var v = valueOf(control);
      var message = '';
      if (isEmpty(v)) {
        if (!block.hasAttribute('data-optional')) message = 'Please complete this required field.';
      } else if (control.hasAttribute('data-min-length') && String(v).length < Number(control.getAttribute('data-min-length'))) {
        message = 'Please enter at least ' + control.getAttribute('data-min-length') + ' characters.';
      }
      error.textContent = message;
      block.classList.toggle('has-error', message !== '');
      if (message && ok) { ok = false; control.focus(); }
    });
    return ok;
  }

  function submit(modal) {
    var button = modal.querySelector('[data-modal-submit]');
    modal.querySelector('.modal-error').textContent = '';
    if (!check(modal)) return;
    if (button) { button.disabled = true; button.classList.add('is-pending'); }
    var body = { user: C.view.user, viewId: modal.getAttribute('data-view-id'), values: C.collectValues(modal) };
    C.post('submit', body).then(function (answer) {
      if (answer.outcome === 'failed') {
        var box = modal.querySelector('.modal-error');
        if (box) box.textContent = 'We had some trouble connecting. Try again?';
      } else {
        redraw = true;
        C.refresh();
      }
      if (button && button.isConnected) { button.disabled = false; button.classList.remove('is-pending'); }
    });
  }

  /** An input block with dispatch_action changed: Slack sends the app a block_actions with its new value. */
  function dispatch(control) {
    var block = control.closest('[data-input-block][data-dispatch]');
    var modal = control.closest('[data-testid="modal"]');
    if (!block || !modal) return;
    C.post('dispatch', {
      user: C.view.user,
      viewId: modal.getAttribute('data-view-id'),
      blockId: block.getAttribute('data-input-block'),
      value: valueOf(control),
      values: C.collectValues(modal)
    });
  }

  function controlOf(target) {
    return target instanceof Element ? target.closest('[data-input-block][data-dispatch] [data-el-type]') : null;
  }

  document.addEventListener('change', function (e) {
    var control = controlOf(e.target);
    if (control && (control.tagName === 'SELECT' || control.tagName === 'FIELDSET')) dispatch(control);
  });

  document.addEventListener('keydown', function (e) {
    var control = controlOf(e.target);
    if (e.key !== 'Enter' || !control || control.tagName !== 'INPUT') return;
    e.preventDefault();
    dispatch(control);
  });

  function close(modal) {
    C.post('close', { user: C.view.user, viewId: modal.getAttribute('data-view-id') });
  }

  document.addEventListener('submit', function (e) {
    var modal = e.target instanceof Element && e.target.closest('[data-testid="modal"]');
    if (!modal) return;
    e.preventDefault();
    submit(modal);
  });

  document.addEventListener('click', function (e) {
    var t = e.target instanceof Element ? e.target.closest('[data-modal-close]') : null;
    if (t) close(t.closest('[data-testid="modal"]'));
  });

  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape' || document.querySelector('.confirm-backdrop')) return;
    var modal = C.$('#modal-host [data-testid="modal"]');
    if (modal) close(modal);
  });
})();
`;
