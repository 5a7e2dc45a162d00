/**
 * manifest.yml against the code (issue #7): the slash commands the code registers are exactly the ones
 * declared, every Slack Web API method the code calls is covered by a declared bot scope, and no declared
 * scope is unused.
 *
 * What the code does with Slack is read from the source, not listed by hand: every `.ts` file under src/
 * (except src/sandbox/, the local Slack stand-in) is parsed with the TypeScript compiler, comments and all
 * ignored, and these are collected:
 *   - Web API calls: `client.chat.postMessage(…)`, `app.client.views.update(…)`, `client.usergroups.users.list(…)`
 *     (any call whose callee chain has a Slack method family after its first segment, so a local
 *     `views.get(…)` on a Map is not one), `client.apiCall('<method>', …)`, and the method names given to
 *     `slackCall('<method>', …)` (src/slack/call.ts);
 *   - Bolt's `say` (a chat.postMessage) when a listener destructures it; `respond`/`ack` post to the
 *     response_url or the ack and need no scope;
 *   - `app.command(X, …)` with X a string literal or a `const X = '/…'` declared anywhere in src/;
 *   - `app.action/view/shortcut/options(…)` (interactivity) and `app.event/message(…)` (event subscriptions).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { parse } from 'yaml';
import { z } from 'zod';
import { GENERATE_COMMAND } from '../../../src/policy-generation/command';
import { IAM_FINDINGS_COMMAND } from '../../../src/slack/ids';

const ROOT = path.resolve(__dirname, '../../..');
const SRC = path.join(ROOT, 'src');
const EXCLUDED = [path.join(SRC, 'sandbox')];

/**
 * Bot scopes each Web API method needs, from Slack's method reference (https://docs.slack.dev/reference/methods/<method>,
 * "Required scopes", bot token). Every scope listed is required for how this bot calls the method:
 *   - chat.postMessage: chat:write, plus chat:write.public because `/iam-generate` posts its progress message in the
 *     channel the command was typed in (command.channel_id), which may be a public channel the bot has not joined;
 *   - conversations.history: channels:history for a public channel, groups:history for a private one. It reads
 *     FINDINGS_CHANNEL_ID, which a team may make private (common for security channels), so both are declared;
 *     groups:history only reaches private channels the bot was invited to. im:/mpim:history are not needed
 *     (the bot never reads DMs);
 *   - files.uploadV2 is the SDK helper over files.getUploadURLExternal + files.completeUploadExternal (files:write);
 *   - views.* need no scope (a trigger_id or view id is the authorisation); auth.test needs none.
 * A method the code calls that is not in this table fails the test: add it here with its documented scopes.
 */
const METHOD_SCOPES: Readonly<Record<string, readonly string[]>> = {
  'auth.test': [],
  'chat.postMessage': ['chat:write', 'chat:write.public'],
  'chat.update': ['chat:write'],
  'chat.postEphemeral': ['chat:write'],
  'chat.delete': ['chat:write'],
  'conversations.history': ['channels:history', 'groups:history'],
  'conversations.replies': ['channels:history', 'groups:history'],
  'conversations.info': ['channels:read', 'groups:read'],
  'files.uploadV2': ['files:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  'usergroups.list': ['usergroups:read'],
  'usergroups.users.list': ['usergroups:read'],
  'users.info': ['users:read'],
  'reactions.add': ['reactions:write'],
  'views.open': [],
  'views.update': [],
  'views.push': [],
  'views.publish': [],
};
/** Slash commands need the `commands` scope (https://docs.slack.dev/reference/scopes/commands). */
const COMMANDS_SCOPE = 'commands';

/** Web API method families (the first segment of a method name), to tell `client.chat.x()` from `map.get()`. */
const SLACK_FAMILIES = new Set([
  'admin',
  'api',
  'apps',
  'assistant',
  'auth',
  'bookmarks',
  'bots',
  'calls',
  'canvases',
  'chat',
  'conversations',
  'dialog',
  'dnd',
  'emoji',
  'files',
  'functions',
  'oauth',
  'openid',
  'pins',
  'reactions',
  'reminders',
  'rtm',
  'search',
  'stars',
  'team',
  'usergroups',
  'users',
  'views',
  'workflows',
]);

// ---------- reading the source ----------

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (EXCLUDED.includes(full)) continue;
    if (entry.isDirectory()) out.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) out.push(full);
  }
  return out;
}

/** `a.b.c` → ['a', 'b', 'c']; a root that is not an identifier (`this`, a call…) becomes '<expr>'. */
function calleeChain(expr: ts.Expression): string[] {
  if (ts.isPropertyAccessExpression(expr)) return [...calleeChain(expr.expression), expr.name.text];
  if (ts.isIdentifier(expr)) return [expr.text];
  if (ts.isParenthesizedExpression(expr) || ts.isNonNullExpression(expr) || ts.isAwaitExpression(expr)) {
    return calleeChain(expr.expression);
  }
  return ['<expr>'];
}

const stringArg = (call: ts.CallExpression, i = 0): string | undefined => {
  const a = call.arguments[i];
  return a && (ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a)) ? a.text : undefined;
};

interface Where {
  file: string;
  line: number;
}

interface CodeUsage {
  /** Web API method → where it is called. */
  methods: Map<string, Where[]>;
  /** Arguments of `app.command(…)`, unresolved: a literal or an identifier. */
  commandArgs: { literal?: string; identifier?: string; where: Where }[];
  /** Top-level `const NAME = '…'` of every file, to resolve command constants. */
  stringConsts: Map<string, string[]>;
  interactive: number;
  events: { name: string | undefined; kind: 'event' | 'message'; where: Where }[];
}

function scanSource(): CodeUsage {
  const usage: CodeUsage = {
    methods: new Map(),
    commandArgs: [],
    stringConsts: new Map(),
    interactive: 0,
    events: [],
  };
  const addMethod = (m: string, where: Where) => {
    usage.methods.set(m, [...(usage.methods.get(m) ?? []), where]);
  };

  for (const file of sourceFiles(SRC)) {
    const sf = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const rel = path.relative(ROOT, file);
    const at = (n: ts.Node): Where => ({
      file: rel,
      line: sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1,
    });

    const visit = (node: ts.Node): void => {
      if (
        ts.isVariableDeclaration(node) &&
        ts.isIdentifier(node.name) &&
        node.initializer &&
        (ts.isStringLiteral(node.initializer) || ts.isNoSubstitutionTemplateLiteral(node.initializer))
      ) {
        const name = node.name.text;
        usage.stringConsts.set(name, [...(usage.stringConsts.get(name) ?? []), node.initializer.text]);
      }
      // Bolt's say() posts with chat.postMessage.
      if (ts.isBindingElement(node) && (node.propertyName ?? node.name).getText(sf) === 'say') {
        addMethod('chat.postMessage', at(node));
      }
      if (ts.isCallExpression(node)) {
        const chain = calleeChain(node.expression);
        const last = chain[chain.length - 1];
        if (chain.length === 1 && last === 'slackCall') {
          const m = stringArg(node);
          if (m === undefined) throw new Error(`${rel}:${at(node).line}: slackCall without a literal method`);
          addMethod(m, at(node));
        } else if (last === 'apiCall' && chain.length >= 2) {
          const m = stringArg(node);
          if (m === undefined) throw new Error(`${rel}:${at(node).line}: apiCall without a literal method`);
          addMethod(m, at(node));
        } else {
          const family = chain.findIndex((seg, i) => i >= 1 && SLACK_FAMILIES.has(seg));
          if (family >= 1 && chain.length - family >= 2) addMethod(chain.slice(family).join('.'), at(node));
        }
        if (chain.length === 2 && chain[0] === 'app') {
          if (last === 'command') {
            const a = node.arguments[0];
            usage.commandArgs.push({
              ...(a && ts.isIdentifier(a) ? { identifier: a.text } : { literal: stringArg(node) }),
              where: at(node),
            });
          }
          if (last === 'action' || last === 'view' || last === 'shortcut' || last === 'options') {
            usage.interactive++;
          }
          if (last === 'event' || last === 'message') {
            usage.events.push({ name: stringArg(node), kind: last, where: at(node) });
          }
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sf);
  }
  return usage;
}

/** The slash commands `app.command(…)` registers, resolved to their text. @throws when one cannot be resolved */
function registeredCommands(usage: CodeUsage): string[] {
  return usage.commandArgs.map(({ literal, identifier, where }) => {
    if (literal !== undefined) return literal;
    const values = [...new Set(identifier ? (usage.stringConsts.get(identifier) ?? []) : [])];
    if (values.length !== 1 || !values[0]) {
      throw new Error(
        `${where.file}:${where.line}: cannot resolve the app.command argument ${identifier ?? '(not a literal)'} ` +
          `to one string constant (found ${JSON.stringify(values)})`,
      );
    }
    return values[0];
  });
}

// ---------- the check itself ----------

interface Needed {
  /** scope → what needs it */
  scopes: Map<string, string[]>;
  /** methods called that METHOD_SCOPES does not know */
  unknown: string[];
}

/** The bot scopes the calls and commands need, per METHOD_SCOPES. */
function neededScopes(methods: ReadonlyMap<string, readonly Where[]>, commands: readonly string[]): Needed {
  const scopes = new Map<string, string[]>();
  const unknown: string[] = [];
  const need = (scope: string, why: string) => scopes.set(scope, [...(scopes.get(scope) ?? []), why]);
  for (const [method, wheres] of methods) {
    const forMethod = METHOD_SCOPES[method];
    const first = wheres[0];
    const loc = first ? ` (called at ${first.file}:${first.line})` : '';
    if (!forMethod) {
      unknown.push(
        `Web API method ${method}${loc} is not in METHOD_SCOPES: add it with the scopes Slack's method docs list`,
      );
      continue;
    }
    for (const s of forMethod) need(s, method);
  }
  if (commands.length > 0) need(COMMANDS_SCOPE, `slash commands ${commands.join(', ')}`);
  return { scopes, unknown };
}

/** What is wrong between the declared bot scopes and the calls; empty when they match exactly. */
function scopeProblems(
  declared: readonly string[],
  methods: ReadonlyMap<string, readonly Where[]>,
  commands: readonly string[],
): string[] {
  const { scopes: needed, unknown } = neededScopes(methods, commands);
  const problems = [...unknown];
  for (const [scope, why] of needed) {
    if (!declared.includes(scope)) {
      problems.push(
        `scope ${scope} is missing from manifest.yml oauth_config.scopes.bot: needed by ${why.join(', ')}`,
      );
    }
  }
  for (const scope of declared) {
    if (!needed.has(scope)) {
      problems.push(
        `scope ${scope} is declared in manifest.yml but unused: no Web API method the code calls needs it`,
      );
    }
  }
  const dupes = declared.filter((s, i) => declared.indexOf(s) !== i);
  if (dupes.length) problems.push(`scopes declared twice: ${dupes.join(', ')}`);
  return problems;
}

// ---------- the manifest ----------

const slashCommand = z
  .object({
    command: z.string().regex(/^\/[a-z0-9_-]{1,31}$/),
    description: z.string().min(1).max(2000),
    usage_hint: z.string().min(1).max(1000).optional(),
    url: z.url().optional(),
    should_escape: z.boolean().optional(),
  })
  .strict();

const manifestSchema = z.object({
  _metadata: z.object({ major_version: z.literal(1), minor_version: z.number().optional() }).optional(),
  display_information: z.object({
    name: z.string().min(1).max(35),
    description: z.string().min(1).max(140).optional(),
    long_description: z.string().optional(),
    background_color: z
      .string()
      .regex(/^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/)
      .optional(),
  }),
  features: z.object({
    app_home: z.record(z.string(), z.boolean()).optional(),
    bot_user: z.object({
      display_name: z.string().regex(/^[a-z0-9._-]{1,80}$/),
      always_online: z.boolean().optional(),
    }),
    slash_commands: z.array(slashCommand).optional(),
  }),
  oauth_config: z.object({
    redirect_urls: z.array(z.string()).optional(),
    scopes: z.object({
      bot: z.array(z.string().min(1)).min(1),
      user: z.array(z.string()).optional(),
    }),
  }),
  settings: z.object({
    event_subscriptions: z
      .object({
        request_url: z.string().optional(),
        bot_events: z.array(z.string()).optional(),
        user_events: z.array(z.string()).optional(),
      })
      .optional(),
    interactivity: z.object({
      is_enabled: z.boolean(),
      request_url: z.string().optional(),
      message_menu_options_url: z.string().optional(),
    }),
    org_deploy_enabled: z.boolean(),
    socket_mode_enabled: z.boolean(),
    token_rotation_enabled: z.boolean(),
  }),
});
type Manifest = z.infer<typeof manifestSchema>;

function loadManifest(): Manifest {
  const raw: unknown = parse(fs.readFileSync(path.join(ROOT, 'manifest.yml'), 'utf8'));
  const r = manifestSchema.safeParse(raw);
  if (!r.success)
    throw new Error(`manifest.yml does not have the required shape:\n${z.prettifyError(r.error)}`);
  return r.data;
}

// ---------- tests ----------

describe('manifest.yml', () => {
  const manifest = loadManifest();
  const usage = scanSource();
  const commands = registeredCommands(usage);
  const declaredScopes = manifest.oauth_config.scopes.bot;

  it('has the required keys: name, bot user, interactivity on, Socket Mode by default', () => {
    expect(manifest.display_information.name).toBe('iam-findings-bot');
    expect(manifest.features.bot_user.display_name).toBeTruthy();
    expect(manifest.features.bot_user.always_online).toBe(true);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
    expect(manifest.settings.org_deploy_enabled).toBe(false);
    expect(manifest.settings.token_rotation_enabled).toBe(false);
    expect(declaredScopes.length).toBeGreaterThan(0);
    // A bot: no user-token scopes.
    expect(manifest.oauth_config.scopes.user ?? []).toEqual([]);
  });

  it('has no HTTP Request URLs while Socket Mode is on (the YAML comment says how to switch)', () => {
    expect(manifest.settings.interactivity.request_url).toBeUndefined();
    for (const c of manifest.features.slash_commands ?? []) expect(c.url).toBeUndefined();
    expect(manifest.settings.event_subscriptions?.request_url).toBeUndefined();
  });

  it('reads the code as expected (the scanner finds the known calls and commands)', () => {
    // Guards the scanner itself: if a refactor changed the call patterns so nothing is found, fail here.
    expect(commands).toEqual(expect.arrayContaining([IAM_FINDINGS_COMMAND, GENERATE_COMMAND]));
    expect([...usage.methods.keys()]).toEqual(expect.arrayContaining(['chat.postMessage', 'views.open']));
    expect(usage.methods.has('views.get')).toBe(false); // a Map named `views`, not Slack
    expect(usage.interactive).toBeGreaterThan(0);
  });

  it('declares exactly the slash commands the code registers, each with a description and usage hint', () => {
    const declared = (manifest.features.slash_commands ?? []).map((c) => c.command);
    const missing = commands.filter((c) => !declared.includes(c));
    const extra = declared.filter((c) => !commands.includes(c));
    expect({ missing, extra }).toEqual({ missing: [], extra: [] });
    expect(new Set(declared).size).toBe(declared.length);
    for (const c of manifest.features.slash_commands ?? []) {
      expect({ command: c.command, hasUsageHint: Boolean(c.usage_hint) }).toEqual({
        command: c.command,
        hasUsageHint: true,
      });
    }
  });

  it('turns interactivity on because the code registers actions or views', () => {
    expect(usage.interactive > 0).toBe(manifest.settings.interactivity.is_enabled);
  });

  it('subscribes to exactly the events the code listens to (none today)', () => {
    const declaredEvents = manifest.settings.event_subscriptions?.bot_events ?? [];
    if (usage.events.length === 0) {
      expect(manifest.settings.event_subscriptions).toBeUndefined();
      return;
    }
    for (const e of usage.events) {
      // app.message needs message.* events; which ones depends on the channels, so only require some.
      if (e.kind === 'message') expect(declaredEvents.some((d) => d.startsWith('message.'))).toBe(true);
      else expect(declaredEvents).toContain(e.name);
    }
  });

  it('covers every Web API method the code calls with a declared scope, and declares no unused scope', () => {
    expect(scopeProblems(declaredScopes, usage.methods, commands)).toEqual([]);
  });

  describe('the scope check itself (on the scopes the code needs, whatever manifest.yml says)', () => {
    const needed = [...neededScopes(usage.methods, commands).scopes.keys()];

    it('starts from a clean baseline', () => {
      expect(scopeProblems(needed, usage.methods, commands)).toEqual([]);
    });

    it.each(needed)('fails when %s is removed from the manifest', (scope) => {
      const problems = scopeProblems(
        needed.filter((s) => s !== scope),
        usage.methods,
        commands,
      );
      expect(problems).toEqual([expect.stringContaining(`scope ${scope} is missing`)]);
    });

    it('fails when an unused scope is added', () => {
      expect(scopeProblems([...needed, 'users:read'], usage.methods, commands)).toEqual([
        expect.stringContaining('scope users:read is declared in manifest.yml but unused'),
      ]);
    });

    it('fails on a called method it has no scopes for, naming it', () => {
      const methods = new Map(usage.methods);
      methods.set('pins.add', [{ file: 'src/x.ts', line: 1 }]);
      expect(scopeProblems(needed, methods, commands)).toEqual([
        expect.stringContaining('Web API method pins.add (called at src/x.ts:1) is not in METHOD_SCOPES'),
      ]);
    });
  });
});
