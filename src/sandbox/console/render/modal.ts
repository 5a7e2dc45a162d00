/**
 * A person's open modal as an overlay dialog: title, ✕, the view's blocks (input blocks as form controls with
 * the entered values and the app's validation errors), Close/Cancel and Submit. Pushed views show a back hint.
 * `modalKey` changes whenever the page must redraw the modal (another view, an update, new errors).
 */
import type { OpenedView } from '../../slack-standin';
import { renderBlocks } from './blocks';
import type { RenderContext } from './context';
import { isObject, textObject } from './elements';
import { attrs } from './html';
import type { StateValues } from './inputs';

function stateOf(opened: OpenedView): StateValues {
  const state = opened.view.state;
  return isObject(state) && isObject(state.values) ? (state.values as StateValues) : {};
}

/** Identifies what is drawn: view id, hash (changes on update) and the errors shown. */
export function modalKey(opened: OpenedView): string {
  return JSON.stringify([opened.id, opened.view.hash, opened.errors ?? null]);
}

/** The modal overlay HTML; `depth` is how many views the person has stacked (1 = just this one). */
export function renderModal(opened: OpenedView, ctx: RenderContext, depth: number): string {
  const view = opened.view;
  const submit = view.submit
    ? `<button type="submit" class="bk-btn bk-btn-primary" data-testid="modal-submit" data-modal-submit>${textObject(view.submit, ctx)}</button>`
    : '';
  const closeLabel = view.close ? textObject(view.close, ctx) : view.submit ? 'Cancel' : 'Close';
  const back = depth > 1 ? `<span class="modal-depth" title="Pushed view">${depth} / 3</span>` : '';
  const dialog = attrs({
    class: 'modal',
    role: 'dialog',
    'aria-modal': 'true',
    'aria-labelledby': 'modal-title',
    'data-testid': 'modal',
    'data-container': 'view',
    'data-view-id': opened.id,
    'data-callback-id': typeof view.callback_id === 'string' ? view.callback_id : undefined,
  });
  const body = renderBlocks(view.blocks, ctx, {
    surface: 'modal',
    state: stateOf(opened),
    errors: opened.errors,
  });
  return (
    `<div class="modal-backdrop"><form${dialog} novalidate>` +
    `<div class="modal-head">${back}<h2 id="modal-title">${textObject(view.title, ctx)}</h2>` +
    `<button type="button" class="modal-x" data-modal-close aria-label="Close" data-testid="modal-x">✕</button></div>` +
    `<div class="modal-body">${body}</div>` +
    `<div class="modal-foot"><div class="modal-error" role="alert" data-testid="modal-error"></div>` +
    `<button type="button" class="bk-btn" data-modal-close data-testid="modal-close">${closeLabel}</button>${submit}</div>` +
    `</form></div>`
  );
}
