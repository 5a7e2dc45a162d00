import type { Json } from './element-limits';
import type { StoredMessage } from './types';
import type { WorkspaceIdentity } from './workspace';

/**
 * A stored message as the Web API returns it (`chat.postMessage`'s `message`, `conversations.history` items):
 * `type: 'message'`, `team`, `bot_id`/`app_id`/`bot_profile` for app posts, thread fields on parents
 * (`reply_count`, `reply_users`, `latest_reply`) and replies (`parent_user_id`), shared `files` (with `upload` and
 * `display_as_bot`), and `metadata` only when asked for (history/replies need `include_all_metadata=true`).
 */
export function toApiMessage(
  msg: StoredMessage,
  id: WorkspaceIdentity,
  opts: { includeMetadata: boolean; parentUser?: string },
): Json {
  const out: Json = {
    type: 'message',
    ...(msg.subtype ? { subtype: msg.subtype } : {}),
    user: msg.user,
    text: msg.text,
    ts: msg.ts,
    team: id.teamId,
  };
  if (msg.bot_id) {
    Object.assign(out, {
      bot_id: msg.bot_id,
      app_id: id.appId,
      bot_profile: {
        id: msg.bot_id,
        app_id: id.appId,
        name: id.botName,
        deleted: false,
        team_id: id.teamId,
        icons: {},
      },
    });
  }
  if (msg.blocks.length > 0) out.blocks = structuredClone(msg.blocks);
  if (msg.files && msg.files.length > 0) {
    Object.assign(out, { files: structuredClone(msg.files), upload: true, display_as_bot: false });
  }
  if (msg.edited) out.edited = { ...msg.edited };
  if (msg.thread_ts) {
    out.thread_ts = msg.thread_ts;
    if (msg.thread_ts === msg.ts) {
      const users = [...new Set(msg.replies.map((r) => r.user))];
      Object.assign(out, {
        reply_count: msg.replies.length,
        reply_users_count: users.length,
        latest_reply: msg.replies[msg.replies.length - 1]?.ts ?? msg.ts,
        reply_users: users,
        is_locked: false,
        subscribed: false,
      });
    } else {
      out.parent_user_id = opts.parentUser ?? msg.user;
    }
  }
  if (opts.includeMetadata && msg.metadata) out.metadata = structuredClone(msg.metadata);
  return out;
}
