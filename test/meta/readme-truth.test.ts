// Keeps what the README (the user's manual) names in step with the code, where that can be exact:
// the environment variables gitguard reads, the commands and options commander defines (the audit
// options table, verify's option list, every `gitguard …` command line written in the README or
// docs/), the formats, threats and exit codes, the composite action's inputs the recipes use, and
// every link and anchor. Reads files and builds the commander program; runs no git.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Command, Option } from 'commander';
import { parse } from 'yaml';
import { buildProgram } from '../../src/cli/program.js';
import type { Io } from '../../src/cli/io.js';
import { THREATS } from '../../src/domain/model.js';
import { EXIT } from '../../src/errors.js';
import { FORMATS } from '../../src/report/formats.js';
import { ROOT } from '../helpers/cli.js';

const read = (rel: string): string => readFileSync(join(ROOT, rel), 'utf8');
const readme = read('README.md');
const docs = readdirSync(join(ROOT, 'docs'))
  .filter((f) => f.endsWith('.md'))
  .map((f) => `docs/${f}`);

/** The text of a `## ` or `### ` section, up to the next heading of the same or a higher level. */
function section(heading: string): string {
  const level = /^#+/.exec(heading)![0].length;
  const start = readme.indexOf(`\n${heading}\n`);
  if (start < 0) throw new Error(`README has no heading "${heading}"`);
  const rest = readme.slice(start + heading.length + 2);
  const end = rest.search(new RegExp(`\\n#{1,${level}} `));
  return end < 0 ? rest : rest.slice(0, end);
}

/** Prose and code apart: fenced blocks' lines, and the rest (code spans stay in it). */
function split(text: string): { code: string[]; prose: string } {
  const code: string[] = [];
  const prose = text.replace(/^(```|~~~)[^\n]*\n([\s\S]*?)^\1\s*$/gm, (_, _f: string, body: string) => {
    code.push(...body.split('\n'));
    return '';
  });
  return { code, prose };
}

// ---- the commander program, as `gitguard --help` prints it ----

const io: Io = {
  stdout: () => undefined,
  stderr: () => undefined,
  env: {},
  isTTY: false,
  stdin: () => Promise.resolve(''),
  gitguard: () => undefined,
};
const program = buildProgram(io, { exitCode: 0 });
const visible = (cmd: Command): Option[] => cmd.options.filter((o) => !o.hidden);
const subcommands = (cmd: Command): Command[] => cmd.commands.filter((c) => c.name() !== 'help');
const leaves = (cmd: Command, path: string[] = []): { path: string; cmd: Command }[] =>
  subcommands(cmd).flatMap((c) =>
    subcommands(c).length ? leaves(c, [...path, c.name()]) : [{ path: [...path, c.name()].join(' '), cmd: c }],
  );
const commandAt = (words: string[]): Command | undefined =>
  words.reduce<Command | undefined>((c, w) => c && subcommands(c).find((s) => s.name() === w), program);
/** The option a flag (`-C`, `--repo`) names on this command or, as commander allows, the program. */
const optionFor = (cmd: Command, flag: string): Option | undefined =>
  [...cmd.options, ...program.options].find((o) => o.short === flag || o.long === flag) ??
  (flag === '--help' || flag === '-h' ? ({ long: '--help' } as Option) : undefined);

/** Words after `gitguard` on a command line: the command path, then the flags (up to a comment or `&&`). */
function commandLine(rest: string): { words: string[]; flags: string[] } {
  const line = rest.split(/\s#|\s&&|\s\|\||;|\s\|\s/)[0]!;
  const tokens = line.trim().split(/\s+/);
  const words: string[] = [];
  while (tokens.length && /^[a-z][a-z-]*$/.test(tokens[0]!) && commandAt([...words, tokens[0]!]))
    words.push(tokens.shift()!);
  const flags = [...tokens.join(' ').matchAll(/(?:^|[\s[(])(--?[A-Za-z][\w-]*)/g)].map((m) => m[1]!);
  return { words, flags };
}

describe('README: commands and options', () => {
  const usage = /## Usage\n\n```\n([\s\S]*?)```/.exec(readme)![1]!.split('\n');
  const usageLines = usage.filter((l) => l.startsWith('gitguard '));

  test("the Usage block lists every command, and nothing else, with each listed flag the command's", () => {
    const listed = usageLines.map((l) => commandLine(l.slice('gitguard '.length)));
    const paths = new Set(listed.map((l) => l.words.join(' ')));
    expect([...leaves(program).map((l) => l.path), ''].filter((p) => !paths.has(p))).toEqual([]);
    const unknown = usageLines.filter((l, i) => !listed[i]!.words.length && !l.startsWith('gitguard -'));
    expect(unknown).toEqual([]);
    for (const { words, flags } of listed) {
      const cmd = commandAt(words)!;
      expect([words.join(' '), flags.filter((f) => !optionFor(cmd, f))]).toEqual([words.join(' '), []]);
    }
  });

  test('a Usage line without [options] lists every option of its command but -C (which every command takes)', () => {
    for (const line of usageLines.filter((l) => !l.includes('[options]'))) {
      const { words, flags } = commandLine(line.slice('gitguard '.length));
      if (!words.length) continue;
      const cmd = commandAt(words)!;
      const missing = visible(cmd)
        .filter((o) => o.long !== '--repo' && !flags.includes(o.long!) && !(o.short && flags.includes(o.short)))
        .map((o) => o.long);
      expect([words.join(' '), missing]).toEqual([words.join(' '), []]);
    }
  });

  test('every command takes -C PATH, as the README says', () => {
    expect(leaves(program).filter(({ cmd }) => !cmd.options.some((o) => o.long === '--repo'))).toEqual([]);
  });

  const auditTable = (() => {
    const after = readme.split('\n`audit` options:\n')[1]!.trimStart();
    return after
      .slice(0, after.indexOf('\n\n'))
      .split('\n')
      .filter((l) => l.startsWith('| `'))
      .map((l) => {
        const [flagsCell, meaning] = l.slice(1).split(' | ');
        return { flags: [...flagsCell!.matchAll(/`(-[^`]+)`/g)].map((m) => m[1]!), meaning: meaning! };
      });
  })();
  const audit = commandAt(['audit'])!;

  test("the audit options table has a row for each of audit's options and --debug, and no other", () => {
    const longs = auditTable.flatMap((r) => r.flags.map((f) => /--[a-z][a-z-]*/.exec(f)![0]));
    expect([...longs].sort()).toEqual([...visible(audit).map((o) => o.long!), '--debug'].sort());
  });

  test('the table gives each option its short form, and an option with choices exactly its choices and default', () => {
    for (const row of auditTable)
      for (const f of row.flags) {
        const o = optionFor(audit, /--[a-z][a-z-]*/.exec(f)![0])!;
        expect([f, /^-[A-Za-z]\b/.exec(f)?.[0]]).toEqual([f, o.short]);
        if (!o.argChoices) continue;
        const words = [...row.meaning.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
        expect([o.long, words]).toEqual([o.long, o.argChoices]);
        expect([o.long, /`([^`]+)` \(default\)/.exec(row.meaning)?.[1]]).toEqual([o.long, o.defaultValue]);
      }
    const threat = auditTable.find((r) => r.flags.some((f) => f.includes('--threat')))!;
    expect([...threat.meaning.matchAll(/`([a-z]+)`/g)].map((m) => m[1])).toEqual([...THREATS]);
  });

  test("verify's option list names each of its options and no other", () => {
    const text = section('### gitguard verify').replace(/\s+/g, ' ');
    const list = /Options: ((?:`[^`]+`(?: \([^)]*\))?(?:, )?)+)/.exec(text)![1]!.replace(/\([^)]*\)/g, '');
    const named = [...list.matchAll(/`(-[A-Za-z-]+)/g)].map(
      (m) => optionFor(commandAt(['verify'])!, m[1]!)?.long ?? m[1],
    );
    expect(named.sort()).toEqual(
      visible(commandAt(['verify'])!)
        .map((o) => o.long!)
        .sort(),
    );
  });

  test('baseline write: the Baselines section names each of its options that audit shares', () => {
    const cmd = commandAt(['baseline', 'write'])!;
    const text = section('### Baselines');
    const keyOptions = ['--keyring', '--allowed-signers', '--revoked-keys'];
    const missing = visible(cmd)
      .filter(
        (o) => !keyOptions.includes(o.long!) && !text.includes(`\`${o.long}\``) && !text.includes(`\`${o.short}\``),
      )
      .map((o) => o.long);
    expect(missing).toEqual([]);
  });

  test('every `gitguard …` command line in the README and docs/ names a real command and its real options', () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const file of ['README.md', ...docs]) {
      const { code, prose } = split(read(file));
      const spans = [...prose.matchAll(/`(gitguard [^`]+)`/g)].map((m) => m[1]!);
      const lines = code.flatMap((l) =>
        [...l.replace(/(^|\s)#.*$/, '').matchAll(/(?:^|[\s(`$])gitguard( [^\n]*)/g)].map((m) => `gitguard${m[1]}`),
      );
      for (const text of [...spans, ...lines]) {
        const rest = text.slice('gitguard '.length);
        if (!/^(-|[a-z])/.test(rest) || /^[a-z]+:/.test(rest)) continue; // prose such as `gitguard: <message>`
        const { words, flags } = commandLine(rest);
        if (!words.length && !rest.startsWith('-')) {
          wrong.push(`${file}: ${text} (no such command)`);
          continue;
        }
        const cmd = commandAt(words)!;
        checked++;
        for (const f of flags) if (!optionFor(cmd, f)) wrong.push(`${file}: ${text} (${f})`);
      }
    }
    expect(checked).toBeGreaterThan(50);
    expect(wrong).toEqual([]);
  });
});

describe('README: npm scripts', () => {
  test('every `npm run <script>` the README and docs/ name is a script of package.json', () => {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    const named = ['README.md', 'CONTRIBUTING.md', ...docs].flatMap((f) =>
      [...read(f).matchAll(/npm run ([a-z][a-z:-]*[a-z])/g)].map((m) => m[1]!),
    );
    expect(named.length).toBeGreaterThan(10);
    expect([...new Set(named)].filter((n) => !scripts.includes(n))).toEqual([]);
  });
});

describe('README: names the code defines', () => {
  test('the four threats', () => {
    const rows = readme.split('\n## ')[0]!.matchAll(/^\| \*\*([a-z]+)\*\* \|/gm);
    expect([...rows].map((m) => m[1])).toEqual([...THREATS]);
  });

  test('the report formats, one bullet each under Reports', () => {
    const bullets = [...section('## Reports').matchAll(/^- \*\*([a-z]+)\*\*:/gm)].map((m) => m[1]);
    expect(bullets.sort()).toEqual([...FORMATS].sort());
  });

  test('the exit codes table has the codes gitguard returns', () => {
    const codes = [...section('### Exit codes').matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    expect([...new Set(codes)].sort()).toEqual(Object.values(EXIT).sort());
  });
});

describe('README: environment variables', () => {
  /** GITGUARD_* names src/ and bin/ read from the environment. */
  const read_ = (() => {
    const files = (dir: string): string[] =>
      readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
        e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|js)$/.test(e.name) ? [join(dir, e.name)] : [],
      );
    const names = new Set<string>();
    for (const f of [...files('src'), ...files('bin')])
      for (const m of read(f).matchAll(/(?:env\.|env\[\s*'|envLimit\(\s*')(GITGUARD_[A-Z0-9_]+)/g)) names.add(m[1]!);
    return names;
  })();
  const documented = new Set([...readme.matchAll(/`(GITGUARD_[A-Z0-9_]+)/g)].map((m) => m[1]!));

  test('is found', () => {
    expect(read_).toContain('GITGUARD_TIMEOUT');
  });

  test('every GITGUARD_* variable gitguard reads is named in the README', () => {
    expect([...read_].filter((n) => !documented.has(n))).toEqual([]);
  });

  test('every GITGUARD_* variable the README names is read by gitguard or set by the CI templates it shows', () => {
    const action = parse(read('action.yml')) as { runs: { steps: { env?: Record<string, string> }[] } };
    const gitlab = parse(read('ci/gitlab-ci.yml')) as { gitguard: { variables: Record<string, string> } };
    const templates = new Set([
      ...action.runs.steps.flatMap((s) => Object.keys(s.env ?? {})),
      ...Object.keys(gitlab.gitguard.variables),
    ]);
    // A repository secret's name is the user's choice (`secrets.GITGUARD_FORGE_TOKEN`).
    const secrets = new Set([...readme.matchAll(/secrets\.(GITGUARD_[A-Z0-9_]+)/g)].map((m) => m[1]!));
    const all = new Set([...readme.matchAll(/\b(GITGUARD_[A-Z0-9_]+)/g)].map((m) => m[1]!));
    expect([...all].filter((n) => !read_.has(n) && !templates.has(n) && !secrets.has(n))).toEqual([]);
  });
});

describe('README and docs/: YAML examples', () => {
  test('every ```yaml block parses (they are meant to be pasted)', () => {
    const bad: string[] = [];
    let count = 0;
    for (const file of ['README.md', ...docs])
      for (const m of read(file).matchAll(/^```yaml\n([\s\S]*?)^```$/gm)) {
        count++;
        try {
          parse(m[1]!);
        } catch (e) {
          bad.push(`${file}: ${(e as Error).message.split('\n')[0]}`);
        }
      }
    expect(count).toBeGreaterThan(10);
    expect(bad).toEqual([]);
  });
});

describe('README: the GitHub Actions recipes', () => {
  test("use only the action's inputs", () => {
    const inputs = Object.keys((parse(read('action.yml')) as { inputs: Record<string, unknown> }).inputs);
    const used: string[] = [];
    const lines = split(readme).code;
    lines.forEach((l, i) => {
      if (!/uses: <owner>\/gitguard@/.test(l)) return;
      const indent = /^\s*/.exec(l)![0].length + 2;
      if (!/^\s*with:\s*$/.test(lines[i + 1] ?? '')) return;
      for (const w of lines.slice(i + 2)) {
        const m = /^(\s*)(?:# )?([a-z-]+):/.exec(w);
        if (!m || m[1]!.length <= indent) break;
        used.push(m[2]!);
      }
    });
    expect(used.length).toBeGreaterThan(3);
    expect(used.filter((u) => !inputs.includes(u))).toEqual([]);
  });
});

describe('README: the GitLab recipe that includes the template', () => {
  test('sets every variable the template leaves as a placeholder (where to get gitguard from)', () => {
    const job = (parse(read('ci/gitlab-ci.yml')) as { gitguard: { variables: Record<string, unknown> } }).gitguard;
    const placeholders = Object.entries(job.variables)
      .filter(([, v]) => /example\.invalid/.test(String(v)))
      .map(([k]) => k);
    expect(placeholders).toContain('GITGUARD_REPO');
    const recipe = [...readme.matchAll(/^```yaml\n([\s\S]*?)^```$/gm)]
      .map((m) => parse(m[1]!) as { include?: unknown; gitguard?: { variables?: Record<string, unknown> } })
      .find((y) => JSON.stringify(y?.include ?? '').includes('ci/gitlab-ci.yml'))!;
    // On the template's job: GitLab lets a job's own variables outrank global ones (cleanpass160).
    expect(placeholders.filter((k) => !(k in (recipe.gitguard?.variables ?? {})))).toEqual([]);
  });
});

// ---- links ----

/** GitHub's heading anchors: lower case, punctuation but `-` and `_` dropped, spaces to `-`, repeats numbered. */
function anchors(text: string): Set<string> {
  const out = new Set<string>();
  const seen = new Map<string, number>();
  for (const m of split(text).prose.matchAll(/^#{1,6} +(.+?) *$/gm)) {
    const slug = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n ? `${slug}-${n}` : slug);
  }
  return out;
}

describe('README and docs/: links', () => {
  const files = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', ...docs].filter((f) => existsSync(join(ROOT, f)));

  test('every link resolves: a public URL, or a file of the repository and a heading in it', () => {
    const bad: string[] = [];
    let count = 0;
    for (const file of files) {
      for (const m of split(read(file)).prose.matchAll(/\]\(([^)\s]+)\)/g)) {
        count++;
        const link = m[1]!;
        if (/^https:\/\//.test(link)) continue;
        const [path, anchor] = link.split('#') as [string, string | undefined];
        const target = path ? resolve(ROOT, dirname(file), path) : join(ROOT, file);
        if (/^[a-z]+:/.test(link) || relative(ROOT, target).startsWith('..') || !existsSync(target))
          bad.push(`${file}: ${link} (not a file of the repository)`);
        else if (anchor !== undefined && !anchors(readFileSync(target, 'utf8')).has(anchor))
          bad.push(`${file}: ${link} (no such heading)`);
      }
    }
    expect(count).toBeGreaterThan(20);
    expect(bad).toEqual([]);
  });
});
