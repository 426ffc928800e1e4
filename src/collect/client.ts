// Installed client versions: git, gpg, ssh/ssh-keygen and git-lfs. Programs come from PATH (or
// --git, or the gpg.program of the user's global/system config), never from the audited
// repository: PATH entries that are relative or inside the repository are skipped, and a
// configured gpg.program that lives inside it is reported but not run. Each program runs in a
// neutral folder with the hardened environment.
import { readBounded } from './safe-fs.js';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type { ConfigEntry, RepositoryInfo, ToolVersion } from '../domain/model.js';
import { getGitBinary } from './git.js';
import { executable, realpathOr, versionOutput } from './run-program.js';
import { configuredPrograms } from './config-programs.js';
import { distroRecord, expectLookups, type PackageTools } from './distro-package.js';
import { collectConfig } from './config.js';
import { runEnv } from './run-context.js';
import { insideAuditedRepository, within } from './audited-folders.js';
import { userHome } from './user-home.js';

/** The first line a version query printed (ssh -V prints on stderr), or undefined when it did not run. */
async function firstOutputLine(program: string, args: string[]): Promise<string | undefined> {
  const out = await versionOutput(program, args);
  if (!out) return undefined;
  const line = `${out.text}\n${out.errText}`.split('\n').find((l) => l.trim());
  return line?.trim().slice(0, 500);
}

/** Is `path` the repository's folder or inside it? */
export function insideRepository(path: string, repo: RepositoryInfo | undefined): boolean {
  if (insideAuditedRepository(path)) return true;
  if (!repo) return false;
  return within(
    [repo.workTree, repo.gitDir, repo.commonDir, repo.path].filter((r): r is string => !!r).map((r) => resolve(r)),
    path,
  );
}

/** The first `name` on PATH, skipping relative entries and entries inside the audited repository. */
export function findOnPath(name: string, repo?: RepositoryInfo, path = runEnv().PATH ?? ''): string | undefined {
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of path.split(delimiter)) {
    if (!dir || !isAbsolute(dir) || insideRepository(dir, repo)) continue;
    for (const ext of exts) {
      const candidate = join(dir, name + ext);
      if (executable(candidate)) return candidate;
    }
  }
  return undefined;
}

function osName(): string | undefined {
  try {
    const rel = readBounded('/etc/os-release', 64 * 1024, { follow: true }).toString('utf8');
    const id = /^ID=("?)([^"\n]*)\1$/m.exec(rel)?.[2] ?? '';
    const ver = /^VERSION_ID=("?)([^"\n]*)\1$/m.exec(rel)?.[2] ?? '';
    return `${id}${ver ? ` ${ver}` : ''}`.trim() || undefined;
  } catch {
    return undefined;
  }
}

/** Adds the distribution's record (package, version, changelog) of the program judged. */
async function withRecord(t: ToolVersion, tools: PackageTools | false | undefined): Promise<ToolVersion> {
  if (tools === false) return t;
  const record = await distroRecord(t.program, t.raw, tools);
  t.record = record;
  if (record.kind === 'changelog')
    t.distribution = `${osName() ?? process.platform}: ${record.package} ${record.version}`;
  return t;
}

export interface ClientOptions {
  /** The audited repository: nothing inside it is run. */
  repository?: RepositoryInfo;
  /** The environment whose global/system git config names gpg.program. */
  env?: NodeJS.ProcessEnv;
  /** The user's config entries, when already collected (else read here when a repository is given). */
  config?: ConfigEntry[];
  /** Where the package tools are (tests); default the system's. */
  packageTools?: PackageTools;
  /** Read each program's distribution record (package, changelog). Default true; the pre-push gate only compares versions. */
  records?: boolean;
}

function expandHome(p: string): string {
  const home = p === '~' || p.startsWith('~/') ? userHome(runEnv()) : undefined;
  return home === undefined ? p : join(home, p.slice(1));
}

async function probe(
  tool: ToolVersion['tool'],
  program: string,
  args: string[],
  source: string,
  tools?: PackageTools | false,
): Promise<ToolVersion | undefined> {
  const raw = await firstOutputLine(program, args);
  if (raw === undefined) return undefined;
  return withRecord({ tool, program, raw, source }, tools);
}

/** ssh-keygen prints no version: it is judged by the ssh installed beside it (same package). */
async function keygenVersion(keygen: string, source: string, tools?: PackageTools | false): Promise<ToolVersion> {
  const sibling = join(dirname(keygen), process.platform === 'win32' ? 'ssh.exe' : 'ssh');
  if (!executable(sibling))
    return {
      tool: 'ssh-keygen',
      program: keygen,
      raw: '',
      source,
      notRun: 'ssh-keygen prints no version and no ssh is installed beside it',
    };
  const raw = await firstOutputLine(sibling, ['-V']);
  if (raw === undefined)
    return {
      tool: 'ssh-keygen',
      program: keygen,
      raw: '',
      source: `${source} (version of ${sibling})`,
      notRun: 'the ssh beside it printed no version',
    };
  return withRecord({ tool: 'ssh-keygen', program: keygen, raw, source: `${source} (version of ${sibling})` }, tools);
}

export async function collectClient(opts: ClientOptions = {}): Promise<ToolVersion[]> {
  const repo = opts.repository;
  const tools = opts.records === false ? false : opts.packageTools;
  const out: Array<Promise<ToolVersion | undefined>> = [];

  // git: --git, else PATH.
  const gitBinary = getGitBinary();
  if (gitBinary !== 'git') out.push(probe('git', gitBinary, ['--version'], '--git', tools));
  else {
    const git = findOnPath('git', repo);
    if (git) out.push(probe('git', git, ['--version'], 'PATH', tools));
  }

  // gpg on PATH, and gpg.program / gpg.openpgp.program of the global or system config.
  const gpg = findOnPath('gpg', repo);
  if (gpg) out.push(probe('gpg', gpg, ['--version'], 'PATH', tools));
  // The programs on PATH judged below, named now: their packages are then found by one search.
  const onPath = {
    ssh: findOnPath('ssh', repo),
    keygen: findOnPath('ssh-keygen', repo),
    lfs: findOnPath('git-lfs', repo),
  };
  if (tools === undefined)
    expectLookups(
      [gitBinary === 'git' ? findOnPath('git', repo) : gitBinary, gpg, ...Object.values(onPath)].filter(
        (p): p is string => p !== undefined,
      ),
    );
  let config = opts.config;
  if (!config && repo) {
    try {
      config = await collectConfig(repo, opts.env ?? runEnv());
    } catch {
      config = [];
    }
  }
  // The signing programs and the transport's ssh that the config and environment name
  // (config-programs.ts). The user's own are run for their version; one the audited repository's
  // config names is never run: the same file as a program judged already needs nothing more, any
  // other is reported unjudged.
  const seen = new Set<string>(gpg ? [gpg] : []);
  const keygenOnPath = onPath.keygen;
  if (keygenOnPath) seen.add(keygenOnPath);
  if (onPath.ssh) seen.add(onPath.ssh);
  const judgedFiles = (): Set<string> =>
    new Set([...seen].map((p) => realpathOr(p)).filter((p): p is string => p !== undefined));
  const named = configuredPrograms(config ?? [], opts.env ?? runEnv(), (f) => insideRepository(f, repo));
  for (const n of named) {
    const { tool, source } = n;
    const unjudged = (program: string, notRun: string): void => {
      out.push(Promise.resolve<ToolVersion>({ tool, program, raw: '', source, notRun }));
    };
    if (n.unreadable) {
      unjudged(n.value, n.unreadable);
      continue;
    }
    const value = expandHome(n.value);
    const relativePath = !isAbsolute(value) && (value.includes('/') || value.includes('\\'));
    const program = isAbsolute(value) ? value : relativePath ? resolve(value) : findOnPath(value, repo);
    if (!program) {
      unjudged(n.value, 'not found on PATH');
      continue;
    }
    if (seen.has(program)) continue;
    const real = realpathOr(program);
    if (n.byRepository && real && judgedFiles().has(real)) continue;
    seen.add(program);
    if (insideRepository(program, repo) || relativePath || n.byRepository) {
      unjudged(
        program,
        insideRepository(program, repo)
          ? 'it lives inside the audited repository'
          : relativePath
            ? 'a relative path depends on the folder git runs in'
            : "the audited repository's own config names it, and gitguard never runs a program the repository names: its version is unknown",
      );
      continue;
    }
    out.push(
      tool === 'gpg'
        ? probe('gpg', program, ['--version'], source, tools)
        : tool === 'ssh'
          ? probe('ssh', program, ['-V'], source, tools)
          : keygenVersion(program, source, tools),
    );
  }

  // ssh -V; ssh-keygen has no version flag: it is judged by the ssh beside it.
  const ssh = onPath.ssh;
  if (ssh) out.push(probe('ssh', ssh, ['-V'], 'PATH', tools));
  const keygen = keygenOnPath;
  if (keygen && (!ssh || dirname(keygen) !== dirname(ssh))) out.push(keygenVersion(keygen, 'PATH', tools));

  // git-lfs, if installed.
  const lfs = onPath.lfs;
  if (lfs) out.push(probe('git-lfs', lfs, ['version'], 'PATH', tools));

  return (await Promise.all(out)).filter((t): t is ToolVersion => t !== undefined);
}
