import { PostRateLimit } from './post-rate';
import type { AnyBlock } from '@slack/types';
import { DEFAULT_BOT_TOKEN, DEFAULT_CHANNELS, DEFAULT_USER_GROUPS, DEFAULT_USERS } from './defaults';
import { ACK_TIMEOUT_MS, deliver } from './delivery';
import { applyCommandReply, FORM, formBody, parseRawPayload } from './delivery-bodies';
import type { Json } from './element-limits';
import { Failures } from './failures';
import { fileRoutes } from './file-routes';
import { FileStore, type ExportedFile } from './files';
import {
  buildBlockActions,
  buildSlashCommand,
  type ButtonClick,
  type SlashCommandInput,
} from './interactions';
import {
  applyViewResponse,
  buildViewBlockActions,
  buildViewClosed,
  buildViewInputAction,
  buildViewSubmission,
  visibleModal,
  type ViewDeps,
  type ViewInputDispatch,
  type ViewSubmissionInput,
} from './view-interactions';
import { ResponseUrls } from './response-urls';
import { json, StandinServer, type Route } from './server';
import { Triggers } from './triggers';
import type {
  ApiFailure,
  ChangeListener,
  DeliveryResult,
  Ephemeral,
  OpenedView,
  RecordedCall,
  RecordedDelivery,
  SlackStandinOptions,
  StandinChannel,
  StandinFile,
  StandinIdentity,
  StandinUser,
  StoredMessage,
  ViewSubmissionResult,
} from './types';
import { ViewsStore } from './views-store';
import { WebApi } from './web-api';
import { SocketModeHub } from './socket-mode';
import { Workspace, type StandinUserGroup } from './workspace';

export { DEFAULT_BOT_TOKEN, DEFAULT_CHANNELS, DEFAULT_USER_GROUPS, DEFAULT_USERS };

/** A channel with its messages and threads as `exportMessages` saves it, plus the files shared in it. */
export type ExportedChannel = ReturnType<Workspace['exportChannels']>[number] & { files?: ExportedFile[] };

/**
 * The Slack stand-in: Web API at `/api/<method>`, response_urls at `/response/<id>`, file upload URLs at
 * `/upload/<file id>` and files' `url_private` at `/files-pri/…` (see `file-routes.ts`), and the Slack side of
 * interactivity (signed deliveries to the bot). State lives in `Workspace`/`ViewsStore`/`FileStore`; `onChange`
 * feeds a console.
 */
export class SlackStandin {
  readonly calls: RecordedCall[] = [];
  readonly deliveries: RecordedDelivery[] = [];
  readonly identity: StandinIdentity;
  url = '';
  apiUrl = '';
  private botUrl: string | undefined;
  private readonly ws: Workspace;
  private readonly viewsStore: ViewsStore;
  private readonly triggers: Triggers;
  private readonly fileStore: FileStore;
  private readonly failures = new Failures();
  /** Per method, the delays (ms) of the next answers (`stallNext`). */
  private readonly stalls = new Map<string, number[]>();
  private readonly postRate: PostRateLimit;
  private readonly responseUrls: ResponseUrls;
  private readonly server = new StandinServer();
  private readonly now: () => number;
  private readonly verificationToken = 'sandboxVerificationToken0';
  private readonly socketMode: SocketModeHub;

  constructor(private readonly opts: SlackStandinOptions) {
    this.now = opts.now ?? Date.now;
    this.postRate = new PostRateLimit(this.now);
    this.botUrl = opts.botUrl;
    const teamId = opts.teamId ?? 'T0SANDBOX';
    this.identity = {
      teamId,
      teamDomain: opts.teamDomain ?? 'sandbox',
      botUserId: 'U0BOT',
      botId: 'B0BOT',
      appId: 'A0SANDBOX',
      botName: 'iam-findings-bot',
    };
    this.ws = new Workspace(
      this.identity,
      opts.users ?? DEFAULT_USERS,
      opts.channels ?? DEFAULT_CHANNELS,
      this.now,
      DEFAULT_USER_GROUPS,
    );
    this.viewsStore = new ViewsStore(this.ws);
    this.triggers = new Triggers(this.now, 4242);
    this.fileStore = new FileStore(this.identity, () => this.url, this.now);
    const record = (call: RecordedCall) => {
      this.calls.push(call);
      this.ws.emit({ kind: 'api_call', method: call.method });
    };
    this.responseUrls = new ResponseUrls(this.ws, () => this.url, this.failures, record);
    const botToken = opts.botToken ?? DEFAULT_BOT_TOKEN;
    const webApi = new WebApi(
      { ws: this.ws, views: this.viewsStore, triggers: this.triggers, files: this.fileStore },
      { botToken, failures: this.failures, record, postRate: this.postRate },
    );
    this.socketMode = new SocketModeHub(this.server.httpServer, this.identity.appId);
    this.server.addRoute((req) => {
      if (req.path !== '/api/apps.connections.open') return undefined;
      // Socket Mode: only an app-level token (xapp-…) may open a connection.
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      const ok = this.opts.appToken ? token === this.opts.appToken : token.startsWith('xapp-');
      const body = ok
        ? { ok: true, url: this.socketMode.openUrl(this.url) }
        : { ok: false, error: token ? 'invalid_auth' : 'not_authed' };
      return { status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
    });
    this.server.addRoute((req) => {
      const api = /^\/api\/([A-Za-z0-9._]+)$/.exec(req.path);
      if (api?.[1] && (req.method === 'POST' || req.method === 'GET')) {
        const { body, query, headers } = req;
        const answer = webApi.handle({
          method: api[1],
          rawBody: body,
          query,
          contentType: headers['content-type'],
          authorization: headers.authorization,
        });
        const stall = this.stalls.get(api[1])?.shift();
        if (stall === undefined) return answer;
        return new Promise((resolve) => setTimeout(() => resolve(answer), stall));
      }
      const response = /^\/response\/([0-9a-f]+)$/.exec(req.path);
      if (response?.[1]) {
        return req.method === 'POST'
          ? this.responseUrls.handle(response[1], req.body)
          : json(405, { ok: false });
      }
      return undefined;
    });
    this.server.addRoute(
      fileRoutes({ files: this.fileStore, failures: this.failures, record, now: this.now, botToken }),
    );
  }

  async start(): Promise<this> {
    this.url = await this.server.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1');
    this.apiUrl = `${this.url}/api/`;
    return this;
  }

  close(): Promise<void> {
    this.socketMode.close();
    return this.server.close();
  }

  setBotUrl(url: string): void {
    this.botUrl = url;
  }

  /** Extra HTTP routes on the same server (a later browser console). */
  addRoute(route: Route): void {
    this.server.addRoute(route);
  }

  // ---- state -------------------------------------------------------------------------------------------

  callsTo(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  users(): StandinUser[] {
    return this.ws.allUsers().map((u) => ({ ...u }));
  }

  channels(): StandinChannel[] {
    return this.ws.allChannels();
  }

  /** The workspace's user groups (`S…`), disabled ones included; copies. */
  userGroups(): StandinUserGroup[] {
    return this.ws.allUserGroups();
  }

  /**
   * Creates a user group or replaces one by id — its handle, name and members, as an admin editing it in Slack
   * would (`disabled: true` hides it from the Web API unless a call passes `include_disabled`). Members must be
   * people of the workspace, as in Slack.
   */
  setUserGroup(group: StandinUserGroup): void {
    if (!/^S[A-Z0-9]+$/.test(group.id)) throw new Error(`Slack stand-in: not a user group id: ${group.id}`);
    const unknown = group.users.filter((u) => !this.ws.user(u));
    if (unknown.length > 0) throw new Error(`Slack stand-in: unknown user(s) ${unknown.join(', ')}`);
    this.ws.setUserGroup(group);
  }

  /**
   * The channels' messages and threads as plain data, for the sandbox to save between runs; each channel also
   * lists the files shared in it with their content (base64), so shared files keep their content.
   */
  exportMessages(): ExportedChannel[] {
    return this.ws.exportChannels().map((c) => {
      const files = this.fileStore.exportShared(c.id);
      return files.length > 0 ? { ...c, files } : c;
    });
  }

  /** Restores what exportMessages returned. */
  importMessages(channels: ExportedChannel[]): void {
    for (const c of channels) this.fileStore.importFiles(c.files);
    this.ws.importChannels(channels);
  }

  /** How many top-level messages the channel has (cheap: no copy, for polling loops). */
  messageCount(channel: string): number {
    return this.ws.history(this.channelId(channel)).length;
  }

  /** Top-level messages (incl. thread broadcasts), oldest first; snapshots. */
  messages(channel: string): StoredMessage[] {
    return structuredClone(this.ws.history(this.channelId(channel)));
  }

  message(channel: string, ts: string): StoredMessage | undefined {
    const msg = this.ws.find(this.channelId(channel), ts);
    return msg ? structuredClone(msg) : undefined;
  }

  replies(channel: string, threadTs: string): StoredMessage[] {
    return structuredClone(this.ws.root(this.channelId(channel), threadTs)?.replies ?? []);
  }

  ephemerals(filter: { channel?: string; user?: string } = {}): Ephemeral[] {
    const channel = filter.channel ? this.channelId(filter.channel) : undefined;
    return structuredClone(
      this.ws
        .ephemerals()
        .filter((e) => (!channel || e.channel === channel) && (!filter.user || e.user === filter.user)),
    );
  }

  /** A completed upload's file object (`files.completeUploadExternal`), with where it is shared; a copy. */
  file(id: string): StandinFile | undefined {
    return this.fileStore.file(id);
  }

  /**
   * The bytes uploaded for a file id (a copy; also before the upload is completed), undefined when none arrived.
   * @example standin.fileContent(msg.files[0].id)?.toString('utf8')
   */
  fileContent(id: string): Buffer | undefined {
    return this.fileStore.content(id);
  }

  views(): OpenedView[] {
    return structuredClone(this.viewsStore.list());
  }

  /** A person's open modals, bottom first: the last one is what they see. */
  modalStack(userId: string): OpenedView[] {
    return structuredClone(this.viewsStore.stack(userId));
  }

  onChange(listener: ChangeListener): () => void {
    return this.ws.onChange(listener);
  }

  /**
   * Enforces Slack's posting limit per channel (chat.postMessage, thread replies included): posts closer than
   * 1000/perSecond ms apart in one channel get HTTP 429 `Retry-After: 1`. `undefined` turns it off (default).
   */
  limitPostRate(perSecond: number | undefined): void {
    this.postRate.set(perSecond);
  }

  /** Posts refused by `limitPostRate`, and the times of the accepted posts per channel. */
  postRateStats(): { refused: number; accepted: Record<string, number[]> } {
    return this.postRate.stats();
  }

  /**
   * The next `times` calls of `method` take effect at once but are answered `ms` later: what a client that
   * times out first sees of a slow Slack (the work may be done although the caller saw no answer).
   */
  stallNext(method: string, ms: number, times = 1): void {
    if (!Number.isFinite(ms) || ms < 0) throw new Error('stallNext: ms must be a non-negative number');
    const list = this.stalls.get(method) ?? [];
    for (let i = 0; i < times; i++) list.push(ms);
    this.stalls.set(method, list);
  }

  failNext(method: string, failure: ApiFailure, times = 1): void {
    this.failures.add(method, failure, times);
  }

  /** A person writes in a channel or thread (messages the bot may not edit: `cant_update_message`). */
  postUserMessage(args: { channel: string; userId: string; text: string; threadTs?: string }): StoredMessage {
    if (!this.ws.user(args.userId)) throw new Error(`Slack stand-in: unknown user ${args.userId}`);
    const blocks: AnyBlock[] = [];
    const msg = this.ws.post({ ...args, channel: this.channelId(args.channel), user: args.userId, blocks });
    return structuredClone(msg);
  }

  // ---- Slack → bot ---------------------------------------------------------------------------------------

  /** A person clicks a button in a message, an ephemeral they see, or (with `viewId`) their open modal. */
  async clickButton(args: ButtonClick): Promise<DeliveryResult> {
    const payload =
      'viewId' in args ? buildViewBlockActions(this.deps(), args) : buildBlockActions(this.deps(), args);
    return this.send('block_actions', payload, formBody(payload), FORM);
  }

  /**
   * A person changes an input of their open modal whose block has `dispatch_action: true` (picks an option,
   * ticks a box, presses Enter): the app gets a signed `block_actions` with the element's new value.
   */
  async dispatchInput(args: ViewInputDispatch): Promise<DeliveryResult> {
    const payload = buildViewInputAction(this.deps(), args);
    return this.send('block_actions', payload, formBody(payload), FORM);
  }

  /**
   * A person runs a slash command. The app's immediate HTTP answer (text or JSON) shows up like a response_url
   * message — ephemeral unless `response_type: 'in_channel'` — and later response_url posts land the same way.
   */
  async slashCommand(args: SlashCommandInput): Promise<DeliveryResult> {
    const { fields, target } = buildSlashCommand(this.deps(), args);
    const body = new URLSearchParams(fields).toString();
    const result = await this.send('slash_command', fields, body, FORM);
    if (result.status === 200) applyCommandReply(this.responseUrls, target, result.body);
    return result;
  }

  /**
   * A person submits their open modal with what they entered: a signed `view_submission`, then the app's answer
   * is applied like Slack (`errors` keep the modal open with messages in `views()[i].errors`, `update`, `push`,
   * `clear`, or a plain 200 closes it). Throws where Slack's client would refuse (required input left empty).
   */
  async submitView(args: ViewSubmissionInput): Promise<ViewSubmissionResult> {
    const deps = this.deps();
    const payload = buildViewSubmission(deps, args);
    const opened = visibleModal(deps, args.viewId, args.userId);
    const result = await this.send('view_submission', payload, formBody(payload), FORM);
    if (result.error)
      return { ...result, outcome: 'failed', problems: [`no acknowledgement: ${result.error}`] };
    const applied = applyViewResponse(this.viewsStore, opened, result.body);
    return { ...result, ...applied, ...(applied.view ? { view: structuredClone(applied.view) } : {}) };
  }

  /**
   * A person dismisses a modal (✕ / Cancel): it closes with the views pushed above it — the whole stack when it
   * has `clear_on_close` — and, if it asked with `notify_on_close`, the app gets a signed `view_closed`.
   */
  async closeView(viewId: string): Promise<DeliveryResult | undefined> {
    const opened = this.viewsStore.get(viewId);
    if (!opened?.open) return undefined;
    const root = this.viewsStore.stack(opened.user)[0];
    const clear = opened.view.clear_on_close === true && root !== undefined;
    this.viewsStore.close(clear ? root.id : viewId);
    if (opened.view.notify_on_close !== true || !this.botUrl) return undefined;
    const payload = buildViewClosed(this.deps(), opened, clear);
    return this.send('view_closed', payload, formBody(payload), FORM);
  }

  async deliverRaw(args: {
    body: string;
    contentType: string;
    timestamp?: number;
    signature?: string;
  }): Promise<DeliveryResult> {
    return this.send('raw', parseRawPayload(args.body, args.contentType), args.body, args.contentType, args);
  }

  private async send(
    kind: RecordedDelivery['kind'],
    payload: Json,
    body: string,
    contentType: string,
    override: { timestamp?: number; signature?: string } = {},
  ): Promise<DeliveryResult> {
    const at = this.now();
    if (this.socketMode.connected && kind !== 'raw') {
      // Socket Mode: the payload goes over the app's WebSocket; its ack (with any response) is the answer.
      const type = kind === 'slash_command' ? 'slash_commands' : 'interactive';
      const acked = await this.socketMode.deliver(type, payload, this.opts.ackTimeoutMs ?? ACK_TIMEOUT_MS);
      const result: DeliveryResult = { ...acked, payload };
      this.deliveries.push({ kind, payload, result, at });
      this.ws.emit({ kind: 'interaction_delivered' });
      return result;
    }
    if (!this.botUrl) throw new Error('Slack stand-in: no bot URL — pass botUrl or call setBotUrl() first');
    const outcome = await deliver({
      url: this.botUrl,
      body,
      contentType,
      signingSecret: this.opts.signingSecret,
      timestampSec: override.timestamp ?? Math.floor(at / 1000),
      signature: override.signature,
      ackTimeoutMs: this.opts.ackTimeoutMs ?? ACK_TIMEOUT_MS,
    });
    const result: DeliveryResult = { ...outcome, payload };
    this.deliveries.push({ kind, payload, result, at });
    this.ws.emit({ kind: 'interaction_delivered' });
    return result;
  }

  private deps(): ViewDeps {
    return {
      ws: this.ws,
      views: this.viewsStore,
      triggers: this.triggers,
      responseUrls: this.responseUrls,
      verificationToken: this.verificationToken,
    };
  }

  /** Accepts ids and `#names` for convenience in tests. */
  private channelId(channel: string): string {
    return this.ws.resolveForPost(channel)?.id ?? channel;
  }
}
