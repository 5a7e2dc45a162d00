/**
 * Console CSS, part 1: the Slack-like frame — top bar, aubergine sidebar (workspace, user switcher, channels),
 * channel header, message list, composer, thread panel, toasts, inject menu. Light theme, no web fonts.
 */
export const LAYOUT_CSS = `
:root {
  --aubergine: #3f0e40; --aubergine-dark: #350d36; --active: #1164a3; --text: #1d1c1d; --muted: #616061;
  --border: #dddddd; --link: #1264a3; --primary: #007a5a; --danger: #e01e5a; --hover: #f8f8f8;
  --font: -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", "Liberation Sans", Arial, sans-serif;
  --mono: "SFMono-Regular", Menlo, Consolas, "Liberation Mono", "DejaVu Sans Mono", monospace;
}
* { box-sizing: border-box; }
html, body { height: 100%; margin: 0; }
body { font: 15px/1.46668 var(--font); color: var(--text); background: #fff; -webkit-font-smoothing: antialiased; }
button { font: inherit; }
[hidden] { display: none !important; }
.sr-only { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.muted { color: var(--muted); }
.app { display: grid; height: 100vh; grid-template-columns: 260px minmax(0, 1fr) auto; grid-template-rows: 44px minmax(0, 1fr); }
.topbar { grid-column: 1 / -1; display: flex; align-items: center; gap: 16px; padding: 0 16px; background: var(--aubergine-dark); color: #fff; }
.topbar-title { font-weight: 700; font-size: 14px; white-space: nowrap; }
.topbar-search { flex: 1; max-width: 560px; margin: 0 auto; height: 26px; border-radius: 6px; background: rgba(255,255,255,.18); color: rgba(255,255,255,.75); font-size: 13px; display: flex; align-items: center; padding: 0 10px; }
.topbar-actions { display: flex; gap: 8px; margin-left: auto; }
.sidebar { background: var(--aubergine); color: rgba(255,255,255,.8); display: flex; flex-direction: column; overflow-y: auto; padding-bottom: 12px; }
.ws-name { color: #fff; font-weight: 900; font-size: 18px; padding: 14px 16px 10px; border-bottom: 1px solid rgba(255,255,255,.12); }
.ws-sub { display: block; font-weight: 400; font-size: 13px; color: rgba(255,255,255,.7); }
.acting { padding: 12px 16px; border-bottom: 1px solid rgba(255,255,255,.12); }
.acting label { display: block; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; margin-bottom: 4px; }
.acting select { width: 100%; padding: 6px 8px; border-radius: 6px; border: 0; font: inherit; font-size: 14px; color: var(--text); }
.acting-as { margin-top: 8px; display: flex; align-items: center; gap: 8px; color: #fff; font-size: 14px; }
.acting-as .presence { width: 9px; height: 9px; border-radius: 50%; background: #2bac76; display: inline-block; }
.side-section { padding: 16px 16px 4px; font-size: 14px; color: rgba(255,255,255,.7); }
.side-list { list-style: none; margin: 0; padding: 0 8px; }
.chan { width: 100%; display: flex; gap: 8px; align-items: center; text-align: left; background: none; border: 0; color: rgba(255,255,255,.8); padding: 4px 10px; border-radius: 6px; cursor: pointer; font-size: 15px; }
.chan:hover { background: rgba(255,255,255,.08); }
.chan.active { background: var(--active); color: #fff; font-weight: 700; }
.chan .hash { opacity: .7; width: 14px; text-align: center; }
.side-foot { margin-top: auto; padding: 16px; font-size: 12px; color: rgba(255,255,255,.6); white-space: pre-line; }
.main { display: flex; flex-direction: column; min-width: 0; min-height: 0; }
.channel-head { display: flex; align-items: baseline; gap: 12px; padding: 10px 20px; border-bottom: 1px solid var(--border); min-height: 49px; }
.channel-head h1 { margin: 0; font-size: 18px; font-weight: 900; }
.channel-topic { color: var(--muted); font-size: 13px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.messages { flex: 1; overflow-y: auto; padding: 8px 0 16px; display: flex; flex-direction: column; }
.messages > :first-child { margin-top: auto; }
.empty { color: var(--muted); padding: 40px 20px; text-align: center; }
.composer { margin: 0 20px 16px; border: 1px solid #bbbabb; border-radius: 8px; background: #fff; }
.composer:focus-within { border-color: #868686; box-shadow: 0 0 0 1px #868686; }
.composer textarea { display: block; width: 100%; border: 0; resize: none; padding: 10px 12px 4px; font: inherit; outline: none; background: transparent; min-height: 42px; max-height: 180px; }
.composer-hint { font-size: 12px; color: var(--muted); padding: 2px 12px 6px; }
.composer-thread { margin: 8px 16px 16px; }
.thread { width: 400px; display: flex; flex-direction: column; min-height: 0; background: #fff; border-left: 1px solid var(--border); }
.thread > #thread-content { flex: 1; overflow-y: auto; min-height: 0; }
.thread-head { position: sticky; top: 0; z-index: 1; background: #fff; display: flex; justify-content: space-between; align-items: center; padding: 12px 16px; border-bottom: 1px solid var(--border); font-size: 18px; }
.thread-head strong { font-weight: 900; }
.thread-sep { display: flex; align-items: center; gap: 12px; color: var(--muted); font-size: 13px; padding: 4px 20px; }
.thread-sep::after { content: ""; flex: 1; border-top: 1px solid var(--border); }
.icon-btn { background: none; border: 0; cursor: pointer; font-size: 16px; color: var(--muted); border-radius: 6px; width: 32px; height: 32px; }
.icon-btn:hover { background: var(--hover); color: var(--text); }
.menu { position: relative; }
.menu-btn { background: rgba(255,255,255,.15); color: #fff; border: 1px solid rgba(255,255,255,.3); border-radius: 6px; padding: 3px 12px; font-size: 13px; font-weight: 700; cursor: pointer; }
.menu-btn:hover { background: rgba(255,255,255,.25); }
.menu-list { position: absolute; right: 0; top: calc(100% + 6px); z-index: 30; background: #fff; color: var(--text); border: 1px solid var(--border); border-radius: 8px; box-shadow: 0 4px 12px rgba(0,0,0,.15); padding: 6px 0; min-width: 240px; }
.menu-item { display: block; width: 100%; text-align: left; border: 0; background: none; padding: 6px 20px; font-size: 14px; cursor: pointer; }
.menu-item:hover, .menu-item:focus { background: var(--active); color: #fff; outline: none; }
.toasts { position: fixed; left: 50%; bottom: 24px; transform: translateX(-50%); display: flex; flex-direction: column; gap: 8px; z-index: 100; align-items: center; }
.toast { display: flex; gap: 12px; align-items: flex-start; max-width: 560px; padding: 10px 14px; border-radius: 8px; background: #1d1c1d; color: #fff; box-shadow: 0 4px 12px rgba(0,0,0,.25); font-size: 14px; }
.toast-error { background: #fff; color: var(--text); border-left: 4px solid var(--danger); }
.toast-error::before { content: "⚠"; color: var(--danger); font-weight: 700; }
.toast button { background: none; border: 0; color: inherit; opacity: .6; cursor: pointer; margin-left: auto; }
`;
