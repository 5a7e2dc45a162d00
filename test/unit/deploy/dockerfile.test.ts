/**
 * The Dockerfile cannot be built here (no Docker), so this checks its properties instead: multi-stage on
 * Node 22, production dependencies only, non-root, a HEALTHCHECK, and that the artefact it copies (dist/main.js)
 * is exactly what `npm run build` produces (and what .ci/run builds and checks).
 */
import { readFileSync } from 'node:fs';
import { join, posix, relative, resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '../../..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

interface Stage {
  image: string;
  name?: string;
  instructions: Instruction[];
}

/** Logical instructions: `\` continuations joined, comments and blank lines dropped (as Docker does). */
function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { parts: string[]; line: number } | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const trimmed = raw.trim();
    if (trimmed.startsWith('#') || (trimmed === '' && !pending)) return;
    const continues = /\\\s*$/.test(raw);
    const part = continues ? raw.replace(/\\\s*$/, '') : raw;
    pending ??= { parts: [], line: i + 1 };
    pending.parts.push(part.trim());
    if (continues) return;
    const joined = pending.parts.filter((p) => p !== '').join(' ');
    const m = /^(\S+)\s*(.*)$/.exec(joined);
    if (m?.[1]) out.push({ keyword: m[1].toUpperCase(), args: m[2] ?? '', line: pending.line });
    pending = undefined;
  });
  if (pending) throw new Error(`line ${pending.line}: continuation runs past the end of the file`);
  return out;
}

function stagesOf(instructions: Instruction[]): Stage[] {
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const words = ins.args.split(/\s+/).filter((w) => !w.startsWith('--'));
      const as = words.findIndex((w) => w.toUpperCase() === 'AS');
      stages.push({ image: words[0] ?? '', name: as > 0 ? words[as + 1] : undefined, instructions: [] });
    } else if (stages.length > 0) stages[stages.length - 1]?.instructions.push(ins);
    else if (ins.keyword !== 'ARG') throw new Error(`line ${ins.line}: ${ins.keyword} before the first FROM`);
  }
  return stages;
}

/** Exec form (JSON array) or shell form, as argv. */
function argv(args: string): string[] {
  const t = args.trim();
  if (t.startsWith('[')) return JSON.parse(t) as string[];
  return ['/bin/sh', '-c', t];
}

/** COPY/ADD: flags (--from=…, --chown=…) and sources/destination. */
function copyParts(args: string): { flags: Record<string, string>; sources: string[]; dest: string } {
  const words = args.trim().startsWith('[') ? (JSON.parse(args) as string[]) : args.trim().split(/\s+/);
  const flags: Record<string, string> = {};
  const rest: string[] = [];
  for (const w of words) {
    const f = /^--([a-z-]+)(?:=(.*))?$/.exec(w);
    if (f?.[1] && rest.length === 0) flags[f[1]] = f[2] ?? '';
    else rest.push(w);
  }
  return { flags, sources: rest.slice(0, -1), dest: rest[rest.length - 1] ?? '' };
}

/** The stage's working directory at the end (WORKDIR, relative ones resolved), default `/`. */
function workdirOf(stage: Stage): string {
  let dir = '/';
  for (const ins of stage.instructions)
    if (ins.keyword === 'WORKDIR') dir = posix.resolve(dir, ins.args.trim());
  return dir;
}

const runs = (stage: Stage) => stage.instructions.filter((i) => i.keyword === 'RUN').map((i) => i.args);
const installs = (stage: Stage) => runs(stage).filter((r) => /\bnpm (ci|install|i)\b/.test(r));
const prodOnly = (cmd: string) => /\bnpm ci\b/.test(cmd) && /--omit[= ]dev\b/.test(cmd);

const instructions = parseDockerfile(read('Dockerfile'));
const stages = stagesOf(instructions);
const final = stages[stages.length - 1] as Stage;
const finalOf = (keyword: string) => final.instructions.filter((i) => i.keyword === keyword);
const stageNamed = (name: string) => stages.find((s) => s.name === name);
/** Absolute path in the image for a COPY source or destination. */
const inImage = (p: string, dir: string) => posix.resolve(dir, p).replace(/\/+$/, '') || '/';

describe('Dockerfile parser', () => {
  it('joins continuations and drops comments', () => {
    const ins = parseDockerfile('# c\nFROM a AS b\nRUN x \\\n  # inside\n  && y\n\nCMD ["z"]\n');
    expect(ins).toEqual([
      { keyword: 'FROM', args: 'a AS b', line: 2 },
      { keyword: 'RUN', args: 'x && y', line: 3 },
      { keyword: 'CMD', args: '["z"]', line: 7 },
    ]);
  });
});

describe('Dockerfile', () => {
  it('is multi-stage: at least two named stages', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    for (const s of stages) expect(s.name).toMatch(/^[a-z][a-z0-9_.-]*$/);
  });

  it('bases every stage on a pinned Node 22 image (or on an earlier stage)', () => {
    for (const [i, s] of stages.entries()) {
      if (stages.slice(0, i).some((earlier) => earlier.name === s.image)) continue;
      expect(s.image).toMatch(/^node:22\.\d+\.\d+-(bookworm-slim|alpine(3\.\d+)?)(@sha256:[0-9a-f]{64})?$/);
    }
  });

  it('builds with the full install and `npm run build` in a build stage', () => {
    const builder = stages.find((s) => runs(s).some((r) => /\bnpm run build\b/.test(r)));
    expect(builder).toBeDefined();
    expect(builder).not.toBe(final);
    expect(installs(builder as Stage).some((r) => /\bnpm ci\b/.test(r) && !/--omit/.test(r))).toBe(true);
  });

  it('runs as a non-root user in the final stage', () => {
    const cmdAt = finalOf('CMD')[0]?.line ?? Infinity;
    const users = finalOf('USER').filter((u) => u.line < cmdAt);
    expect(users.length).toBeGreaterThan(0);
    // The effective user is the last USER; later ones (after CMD) must not switch back either.
    for (const u of finalOf('USER')) {
      const name = u.args.trim().split(':')[0];
      expect(['root', '0', '']).not.toContain(name);
    }
  });

  it('has a HEALTHCHECK on /healthz that needs no curl or wget', () => {
    const hc = finalOf('HEALTHCHECK');
    expect(hc).toHaveLength(1);
    const args = (hc[0] as Instruction).args;
    const cmd = /\bCMD\s+(.*)$/s.exec(args)?.[1] ?? '';
    const command = argv(cmd);
    expect(command[0]).toBe('node');
    expect(command.join(' ')).toMatch(/127\.0\.0\.1:.*process\.env\.PORT \|\| 3000.*\/healthz/);
    expect(args).not.toMatch(/\b(curl|wget)\b/);
  });

  it('runs `node dist/main.js` with NODE_ENV=production and exposes port 3000', () => {
    expect(finalOf('CMD')).toHaveLength(1);
    expect(argv((finalOf('CMD')[0] as Instruction).args)).toEqual(['node', 'dist/main.js']);
    expect(finalOf('ENTRYPOINT')).toHaveLength(0);
    expect(finalOf('ENV').some((e) => /\bNODE_ENV=production\b/.test(e.args))).toBe(true);
    expect(finalOf('EXPOSE').map((e) => e.args.trim())).toContain('3000');
    // SIGTERM is Docker's default stop signal and the bot handles it; nothing overrides it.
    expect(finalOf('STOPSIGNAL').every((s) => s.args.trim() === 'SIGTERM')).toBe(true);
  });

  it('has production dependencies only in the final stage', () => {
    // Any install in the final stage omits dev dependencies…
    for (const r of installs(final)) expect(prodOnly(r)).toBe(true);
    // …and node_modules either comes from such an install or from a stage whose every install is prod-only.
    const copiedModules = [...finalOf('COPY'), ...finalOf('ADD')]
      .map((c) => copyParts(c.args))
      .filter((c) => c.sources.some((s) => /(^|\/)node_modules\/?$/.test(s)));
    expect(installs(final).length + copiedModules.length).toBeGreaterThan(0);
    for (const c of copiedModules) {
      const from = stageNamed(c.flags.from ?? '');
      expect(from).toBeDefined();
      expect(installs(from as Stage).length).toBeGreaterThan(0);
      for (const r of installs(from as Stage)) expect(prodOnly(r)).toBe(true);
    }
  });

  it('copies only dist/, package files and node_modules into the final stage (no src/ or test/)', () => {
    const copies = [...finalOf('COPY'), ...finalOf('ADD')].map((c) => copyParts(c.args));
    expect(finalOf('ADD')).toHaveLength(0);
    const copied = copies.flatMap((c) => {
      const from = c.flags.from === undefined ? undefined : stageNamed(c.flags.from);
      if (c.flags.from !== undefined) expect(from).toBeDefined();
      const dir = from ? workdirOf(from) : '/';
      // Paths relative to the source's root: the build context, or the source stage's WORKDIR.
      return c.sources.map((s) => posix.relative(dir, inImage(s, dir)) || '.');
    });
    for (const p of copied) expect(p).not.toMatch(/^(\.|src|test)(\/|$)/);
    expect(new Set(copied)).toEqual(new Set(['package.json', 'package-lock.json', 'node_modules', 'dist']));
  });

  it('puts dist/ where CMD looks for it: <WORKDIR>/dist from the stage that runs the build', () => {
    const dir = workdirOf(final);
    const dist = finalOf('COPY')
      .map((c) => copyParts(c.args))
      .find((c) => c.sources.some((s) => /(^|\/)dist\/?$/.test(s)));
    expect(dist).toBeDefined();
    const { flags, sources, dest } = dist as ReturnType<typeof copyParts>;
    expect(inImage(dest, dir)).toBe(posix.join(dir, 'dist'));
    const builder = stageNamed(flags.from ?? '') as Stage;
    expect(runs(builder).some((r) => /\bnpm run build\b/.test(r))).toBe(true);
    expect(inImage(sources[0] as string, workdirOf(builder))).toBe(posix.join(workdirOf(builder), 'dist'));
    // The build stage has every input the build reads.
    const inputs = builder.instructions
      .filter((i) => i.keyword === 'COPY')
      .flatMap((c) => copyParts(c.args).sources.map((s) => s.replace(/^\.\/|\/$/g, '')));
    for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src']) {
      expect(inputs).toContain(f);
    }
  });
});

describe('the artefact the image copies', () => {
  const pkg = JSON.parse(read('package.json')) as { main?: string; scripts?: Record<string, string> };

  it('is dist/main.js, which `npm run build` produces from src/main.ts', () => {
    expect(pkg.main).toBe('dist/main.js');
    expect(pkg.scripts?.build).toBe('tsc -p tsconfig.build.json');
    const file = join(ROOT, 'tsconfig.build.json');
    const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
    expect(error).toBeUndefined();
    const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, file);
    const { outDir, rootDir, noEmit, outFile } = parsed.options;
    expect(noEmit).toBeFalsy();
    expect(outFile).toBeUndefined();
    expect(relative(ROOT, outDir ?? '')).toBe('dist');
    expect(relative(ROOT, rootDir ?? '')).toBe('src');
    const main = join(ROOT, 'src/main.ts');
    expect(parsed.fileNames.map((f) => resolve(f))).toContain(main);
    const emitted = join(outDir as string, relative(rootDir as string, main)).replace(/\.ts$/, '.js');
    expect(relative(ROOT, emitted).split('\\').join('/')).toBe('dist/main.js');
  });

  it('is built and checked by .ci/run', () => {
    const ci = read('.ci/run').split('\n');
    const build = ci.findIndex((l) => /^\s*npm run build\b/.test(l));
    const check = ci.findIndex((l) => /test -f dist\/main\.js/.test(l));
    expect(build).toBeGreaterThanOrEqual(0);
    expect(check).toBeGreaterThan(build);
  });
});

describe('.dockerignore', () => {
  const patterns = read('.dockerignore')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
  /** Docker's pattern syntax, enough for these files: `**` any path, `*` and `?` within a segment. */
  const glob = (p: string) =>
    new RegExp(
      `^${p
        .split(/(\*\*\/?|\*|\?)/)
        .map((t) =>
          t.startsWith('**')
            ? '(.*/)?'
            : t === '*'
              ? '[^/]*'
              : t === '?'
                ? '[^/]'
                : t.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
        )
        .join('')}(/.*)?$`,
    );
  const excluded = (p: string) => patterns.some((x) => x.replace(/^\/|\/$/g, '') === p);

  it('keeps node_modules, .git and local artefacts out of the build context', () => {
    for (const p of ['node_modules', '.git', 'dist', '.sandbox', 'test-artifacts', 'coverage', '.env']) {
      expect(excluded(p)).toBe(true);
    }
  });

  it('does not exclude anything the build stage copies', () => {
    expect(patterns.some((p) => p.startsWith('!'))).toBe(false);
    for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'src']) {
      const hit = patterns.find((p) => glob(p.replace(/^\/|\/$/g, '')).test(f));
      expect(hit).toBeUndefined();
    }
  });
});
