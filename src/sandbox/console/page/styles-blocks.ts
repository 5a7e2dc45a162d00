/**
 * Console CSS, part 2: messages (avatars, heads, ephemerals, thread summaries, day dividers, file cards), mrkdwn,
 * Block Kit blocks and buttons, confirm dialogs, modals and their inputs.
 */
export const BLOCKS_CSS = `
.day-divider { position: relative; text-align: center; margin: 12px 0 4px; }
.day-divider::before { content: ""; position: absolute; left: 0; right: 0; top: 50%; border-top: 1px solid var(--border); }
.day-divider span { position: relative; display: inline-block; background: #fff; border: 1px solid var(--border); border-radius: 24px; padding: 2px 14px; font-size: 13px; font-weight: 700; }
.msg { display: flex; gap: 8px; padding: 8px 20px; }
.msg:hover { background: var(--hover); }
.msg-body { min-width: 0; flex: 1; }
.avatar { flex: none; width: 36px; height: 36px; border-radius: 6px; color: #fff; font-weight: 700; font-size: 14px; display: flex; align-items: center; justify-content: center; margin-top: 3px; }
.avatar-xs { width: 20px; height: 20px; font-size: 9px; border-radius: 4px; margin: 0; }
.avatar-gone { background: #e8e8e8; }
.av-0 { background: #4a154b; } .av-1 { background: #1264a3; } .av-2 { background: #2bac76; } .av-3 { background: #e01e5a; }
.av-4 { background: #d9822b; } .av-5 { background: #0b4c8c; } .av-6 { background: #7c3085; } .av-7 { background: #148567; }
.msg-head { display: flex; align-items: baseline; gap: 6px; }
.author { font-weight: 900; }
.badge { font-size: 10px; font-weight: 700; color: var(--muted); background: #e8e8e8; border-radius: 3px; padding: 1px 4px; }
.msg-time { font-size: 12px; color: var(--muted); }
.msg-note { font-size: 13px; color: var(--muted); }
.msg-content { word-wrap: break-word; overflow-wrap: anywhere; }
.edited { display: block; font-size: 12px; color: var(--muted); margin-top: -2px; }
.msg-files { display: flex; flex-direction: column; gap: 6px; margin: 4px 0; max-width: 560px; }
.file-card { border: 1px solid var(--border); border-radius: 8px; background: #fff; padding: 8px 12px; }
.file-head { display: flex; align-items: center; gap: 10px; }
.file-icon { font-size: 24px; line-height: 1; }
.file-meta { flex: 1; min-width: 0; }
.file-title { font-weight: 700; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.file-sub { font-size: 12px; color: var(--muted); }
.file-download { font-size: 13px; font-weight: 700; color: var(--link); text-decoration: none; }
.file-download:hover { text-decoration: underline; }
.file-preview { margin-top: 6px; }
.file-preview summary { cursor: pointer; font-size: 13px; color: var(--link); }
.file-text { max-height: 360px; overflow: auto; }
.file-note { font-size: 12px; margin-top: 4px; }
.msg-ephemeral { background: #f8f8f8; border-left: 3px solid #c7c7c7; }
.eph-note { font-size: 13px; color: var(--muted); margin-bottom: 2px; }
.thread-summary { display: flex; width: fit-content; align-items: center; gap: 6px; margin-top: 4px; padding: 3px 6px 3px 3px; border: 1px solid transparent; border-radius: 6px; font-size: 13px; }
.thread-summary:hover { background: #fff; border-color: var(--border); }
.thread-link { background: none; border: 0; padding: 0; color: var(--link); font-weight: 700; cursor: pointer; font-size: 13px; }
.thread-link:hover { text-decoration: underline; }
.msg-content a, .modal a, .confirm a { color: var(--link); text-decoration: none; }
.msg-content a:hover { text-decoration: underline; }
code { font-family: var(--mono); font-size: 12px; color: #c01343; background: #f6f6f6; border: 1px solid #e2e2e2; border-radius: 3px; padding: 1px 3px; }
pre { font-family: var(--mono); font-size: 12px; background: #f8f8f8; border: 1px solid #e2e2e2; border-radius: 4px; padding: 8px; margin: 4px 0; white-space: pre-wrap; }
blockquote { margin: 4px 0; padding-left: 12px; border-left: 4px solid #dddddd; }
.mention { color: var(--link); background: rgba(29,155,209,.1); border-radius: 3px; padding: 0 2px; }
.mention-me { color: #1d1c1d; background: rgba(242,199,68,.4); }
.bk { margin: 4px 0; }
.bk-header { font-size: 18px; font-weight: 900; line-height: 1.3; margin: 4px 0 2px; }
.bk-section { display: flex; gap: 12px; align-items: flex-start; }
.bk-section-body { flex: 1; min-width: 0; }
.bk-fields { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); gap: 8px 16px; margin-top: 4px; max-width: 640px; }
.bk-text + .bk-fields { margin-top: 8px; }
.bk-context { display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px; font-size: 12px; color: var(--muted); }
.bk-context code { font-size: 11px; }
.bk-divider { border: 0; border-top: 1px solid var(--border); margin: 8px 0; }
.bk-actions { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 2px; }
.bk-btn { display: inline-flex; align-items: center; gap: 6px; height: 28px; padding: 0 12px; border-radius: 4px; border: 1px solid rgba(29,28,29,.3); background: #fff; color: var(--text); font-size: 13px; font-weight: 700; cursor: pointer; white-space: nowrap; }
.bk-btn:hover { background: var(--hover); box-shadow: 0 1px 3px rgba(0,0,0,.08); }
.bk-btn:focus-visible { outline: 2px solid var(--active); outline-offset: 1px; }
.bk-btn-primary { background: var(--primary); border-color: var(--primary); color: #fff; }
.bk-btn-primary:hover { background: #148567; }
.bk-btn-danger { background: var(--danger); border-color: var(--danger); color: #fff; }
.bk-btn-danger:hover { background: #e23067; }
.bk-btn[disabled], .bk-btn.is-pending { opacity: .55; cursor: progress; }
.bk-btn .ext { font-size: 11px; opacity: .7; }
.bk-unsupported { display: inline-block; font-size: 13px; color: var(--muted); border: 1px dashed #bbb; border-radius: 4px; padding: 2px 8px; }
.bk-img, .bk-img-small, .bk-img-tiny { display: inline-flex; align-items: center; justify-content: center; background: #f4f4f4; border: 1px solid #e2e2e2; border-radius: 6px; color: var(--muted); font-size: 12px; }
.bk-img { min-width: 240px; min-height: 80px; padding: 8px; }
.bk-img-small { width: 88px; height: 88px; text-align: center; }
.bk-img-tiny { padding: 0 4px; }
.bk-image-title { font-size: 13px; font-weight: 700; }
.rt-list { margin: 2px 0; padding-left: 22px; }
.confirm-backdrop, .modal-backdrop { position: fixed; inset: 0; background: rgba(0,0,0,.45); display: flex; align-items: center; justify-content: center; z-index: 50; }
.confirm-backdrop { z-index: 60; }
.confirm { background: #fff; border-radius: 8px; width: 440px; max-width: calc(100vw - 32px); padding: 20px 24px; box-shadow: 0 18px 48px rgba(0,0,0,.35); }
.confirm-title { font-size: 22px; font-weight: 900; margin: 0 0 12px; }
.confirm-buttons, .modal-foot { display: flex; justify-content: flex-end; gap: 8px; margin-top: 20px; }
.confirm .bk-btn, .modal .bk-btn { height: 36px; padding: 0 16px; font-size: 15px; }
.modal { background: #fff; border-radius: 8px; width: 520px; max-width: calc(100vw - 32px); max-height: calc(100vh - 64px); display: flex; flex-direction: column; box-shadow: 0 18px 48px rgba(0,0,0,.35); margin: 0; }
.modal-head { display: flex; align-items: center; gap: 8px; padding: 16px 16px 12px 28px; border-bottom: 1px solid var(--border); }
.modal-head h2 { flex: 1; margin: 0; font-size: 22px; font-weight: 900; }
.modal-x { background: none; border: 0; cursor: pointer; font-size: 18px; color: var(--muted); width: 36px; height: 36px; border-radius: 6px; }
.modal-x:hover { background: var(--hover); }
.modal-depth { font-size: 12px; color: var(--muted); }
.modal-body { padding: 12px 28px 4px; overflow-y: auto; }
.modal-foot { margin: 0; padding: 16px 24px; border-top: 1px solid var(--border); align-items: center; }
.modal-error { flex: 1; color: var(--danger); font-size: 13px; }
.bk-input { margin: 12px 0; }
.input-label { display: block; font-weight: 700; margin-bottom: 6px; }
.optional { font-weight: 400; color: var(--muted); }
.bk-input input[type=text], .bk-input input[type=number], .bk-input input[type=email], .bk-input input[type=url],
.bk-input input[type=date], .bk-input input[type=time], .bk-input textarea, .bk-input select, .bk-inline-input select, .bk-inline-input input {
  width: 100%; font: inherit; padding: 8px 10px; border: 1px solid #bbbabb; border-radius: 6px; background: #fff; color: var(--text); }
.bk-inline-input select, .bk-inline-input input { width: auto; }
.bk-input select[multiple] { min-height: 84px; }
.bk-input textarea { resize: vertical; }
.bk-input :focus { outline: none; border-color: var(--active); box-shadow: 0 0 0 2px rgba(17,100,163,.3); }
.choices { border: 0; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 6px; }
.choice { display: flex; gap: 8px; align-items: flex-start; cursor: pointer; }
.choice input { margin-top: 4px; }
.choice-desc { display: block; font-size: 13px; color: var(--muted); }
.input-hint { font-size: 13px; color: var(--muted); margin-top: 4px; }
.input-error { font-size: 13px; color: var(--danger); margin-top: 4px; }
.input-error:empty { display: none; }
.has-error input, .has-error textarea, .has-error select { border-color: var(--danger); }
`;
