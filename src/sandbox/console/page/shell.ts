/**
 * The console page's static frame: top bar (title, Inject sample finding menu), sidebar (workspace, "Acting
 * as" user switcher, channel and DM lists, footer), channel pane with the message box, the thread panel, and
 * hosts for modals and toasts. The scripts fill it from `/console/api/state`.
 */
import { attrs, esc } from '../render/html';

export interface ShellOptions {
  title: string;
  workspace: string;
  botName: string;
  injectKinds: { kind: string; label: string }[];
  footer?: string;
  scripts: string[];
}

function injectMenu(kinds: ShellOptions['injectKinds']): string {
  if (kinds.length === 0) return '';
  const items = kinds
    .map(
      (k) =>
        `<button${attrs({
          type: 'button',
          class: 'menu-item',
          role: 'menuitem',
          'data-inject': k.kind,
          'data-testid': `inject-${k.kind}`,
        })}>${esc(k.label)}</button>`,
    )
    .join('');
  return (
    `<div class="menu" id="inject">` +
    `<button type="button" class="menu-btn" data-testid="inject-menu" aria-haspopup="menu" aria-expanded="false" aria-controls="inject-list">Inject sample finding ▾</button>` +
    `<div class="menu-list" id="inject-list" role="menu" hidden>${items}</div></div>`
  );
}

export function renderShell(o: ShellOptions): string {
  const scripts = o.scripts.map((s) => `<script${attrs({ src: s })}></script>`).join('');
  const footer = o.footer ? `<div class="side-foot">${esc(o.footer)}</div>` : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(o.title)}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/assets/console.css">
</head>
<body>
<div class="app">
  <header class="topbar">
    <div class="topbar-title">${esc(o.title)}</div>
    <div class="topbar-search" aria-hidden="true">Search ${esc(o.workspace)}</div>
    <div class="topbar-actions">${injectMenu(o.injectKinds)}</div>
  </header>
  <nav class="sidebar" aria-label="Workspace">
    <div class="ws-name">${esc(o.workspace)}<span class="ws-sub">Slack sandbox · ${esc(o.botName)}</span></div>
    <div class="acting">
      <label for="user-switcher">Acting as</label>
      <select id="user-switcher" data-testid="user-switcher"></select>
      <div class="acting-as" data-testid="acting-as" aria-live="polite"></div>
    </div>
    <div class="side-section" id="channels-label">Channels</div>
    <ul class="side-list" id="channel-list" aria-labelledby="channels-label"></ul>
    <div class="side-section" id="dms-label">Direct messages</div>
    <ul class="side-list" id="dm-list" aria-labelledby="dms-label"></ul>
    ${footer}
  </nav>
  <main class="main">
    <div class="channel-head"><h1 id="channel-title" data-testid="channel-title"></h1><span class="channel-topic" id="channel-topic"></span></div>
    <div id="messages" class="messages" role="log" aria-label="Messages" data-testid="messages"></div>
    <form id="composer" class="composer">
      <label class="sr-only" for="message-box">Message</label>
      <textarea id="message-box" data-testid="message-box" rows="1"></textarea>
      <div class="composer-hint">Enter to send · Shift+Enter for a new line · <strong>/command</strong> runs a slash command</div>
    </form>
  </main>
  <aside id="thread" class="thread" data-testid="thread" aria-label="Thread" hidden>
    <div id="thread-content"></div>
    <form id="thread-composer" class="composer composer-thread">
      <label class="sr-only" for="thread-reply-box">Reply in thread</label>
      <textarea id="thread-reply-box" data-testid="thread-reply-box" rows="1" placeholder="Reply…"></textarea>
    </form>
  </aside>
</div>
<div id="modal-host"></div>
<div id="toasts" class="toasts" aria-live="polite"></div>
${scripts}
</body>
</html>`;
}
