// Which distribution package owns a judged binary, and what that package's own changelog says it
// fixed (see src/vulndb/distro-changelog.ts for the parsing). Only the system's package tools are
// run (/usr/bin or /bin, never PATH, so nothing from the audited repository), each with a timeout;
// the changelog is read from /usr/share/doc, following symlinks only within it, size-bounded.
import { existsSync, lstatSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join, relative, isAbsolute } from 'node:path';
import { cveMentions, parseDebianChangelog, parseRpmChangelog, type DistroRecord } from '../vulndb/distro-changelog.js';
import { fileIdentity, programOutput, realpathOr } from './run-program.js';

/** Where the package tools and documentation are; tests point these elsewhere (a machine without dpkg). */
export interface PackageTools {
  /** Absolute paths of dpkg-query and rpm; null: treat as absent. Default: /usr/bin or /bin. */
  dpkgQuery?: string | null;
  rpm?: string | null;
  /** Default /usr/share/doc. */
  docRoot?: string;
  /** A file whose presence marks Alpine. Default /etc/alpine-release. */
  alpineRelease?: string;
}

const MAX_COMPRESSED = 4 * 1024 * 1024;
const PACKAGE_DATABASES = ['/var/lib/dpkg/status', '/var/lib/rpm', '/usr/share/doc'];
const MAX_TEXT = 16 * 1024 * 1024;

function systemProgram(name: string): string | undefined {
  return [`/usr/bin/${name}`, `/bin/${name}`].find((p) => existsSync(p));
}

function within(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

const none = (reason: string): DistroRecord => ({ kind: 'none', reason: `no distribution record: ${reason}` });

/** The owner of `file` from `dpkg-query -S` output ("git: /usr/bin/git", "a:amd64, b: /x"), or undefined. */
export function dpkgOwner(output: string, file: string): string | undefined {
  for (const line of output.split('\n')) {
    if (line.startsWith('diversion ')) continue;
    const i = line.lastIndexOf(': ');
    if (i < 0 || line.slice(i + 2).trim() !== file) continue;
    const first = line.slice(0, i).split(',')[0]?.trim();
    if (first) return first;
  }
  return undefined;
}

/** The changelog.Debian.gz of a package's documentation folder, resolved within docRoot, or undefined. */
function debianChangelogFile(docRoot: string, pkg: string): string | undefined {
  const root = realpathOr(docRoot);
  if (!root || !/^[a-z0-9][a-z0-9+.-]*$/.test(pkg)) return undefined;
  // The folder may be a symlink to another package's (openssh-client -> openssh-... on some releases).
  const dir = realpathOr(join(docRoot, pkg));
  if (!dir || !within(root, dir)) return undefined;
  const file = realpathOr(join(dir, 'changelog.Debian.gz'));
  if (!file || !within(root, file)) return undefined;
  try {
    return lstatSync(file).isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

function readGzipText(file: string): string | undefined {
  try {
    if (statSync(file).size > MAX_COMPRESSED) return undefined;
    return gunzipSync(readFileSync(file), { maxOutputLength: MAX_TEXT }).toString('utf8');
  } catch {
    return undefined;
  }
}

// `dpkg-query -S` reads every package's file list (~50 ms of CPU) however many files it is asked
// about. The client collector names the programs it is about to judge (expectLookups); the first
// search asks about all of them at once, and the later lookups take their answer from it (only
// while the package databases are as they were when it was given). The packages it finds are then
// asked for their versions by one `dpkg-query -W` too.
interface OwnerSearch {
  /** The paths asked about. */
  paths: string[];
  /** `dpkg-query -S` output, undefined when it failed. */
  text: Promise<string | undefined>;
  /** Package -> [version, source package] of the owners found, once asked. */
  versions?: Promise<Map<string, string[]>>;
}
const expected = new Set<string>();
const searches = new Map<string, OwnerSearch>();
const searchKey = (dpkgQuery: string, path: string): string =>
  JSON.stringify([dpkgQuery, path, PACKAGE_DATABASES.map(fileIdentity)]);

/** The programs (and the files they resolve to) whose packages a lookup may soon ask for. */
export function expectLookups(programs: string[]): void {
  // Absolute paths only: anything else is searched on its own, as a pattern of its own.
  for (const p of programs) {
    if (isAbsolute(p)) expected.add(p);
    const real = realpathOr(p);
    if (real && isAbsolute(real)) expected.add(real);
  }
}

/** A `dpkg-query -S` search that covers `path`, shared with the expected paths. */
function ownerSearch(dpkgQuery: string, path: string): OwnerSearch {
  const run = (paths: string[]): OwnerSearch => ({
    paths,
    text: programOutput(dpkgQuery, ['-S', ...paths], { maxBytes: 1024 * 1024 }).then((out) =>
      // 1: some path belongs to no package (the others are still listed).
      out && (out.code === 0 || (out.code === 1 && paths.length > 1)) ? out.text : undefined,
    ),
  });
  if (!isAbsolute(path)) return run([path]);
  const found = searches.get(searchKey(dpkgQuery, path));
  if (found) {
    searches.delete(searchKey(dpkgQuery, path));
    return found;
  }
  const others = [...expected].filter((p) => p !== path && !searches.has(searchKey(dpkgQuery, p)));
  expected.clear();
  const search = run([path, ...others]);
  for (const p of others) searches.set(searchKey(dpkgQuery, p), search);
  return search;
}

// Names as dpkg prints them ("git", "libc6:amd64"); anything else is never put on a command line.
const PACKAGE_NAME = /^[a-z0-9][a-z0-9+.-]*(?::[a-z0-9-]+)?$/;

/** [version, source package] of `pkg`, asked in one `dpkg-query -W` with the other owners `search` found. */
async function packageVersion(dpkgQuery: string, search: OwnerSearch, pkg: string): Promise<string[]> {
  search.versions ??= search.text.then(async (text) => {
    const owners = search.paths.map((p) => (text === undefined ? undefined : dpkgOwner(text, p)));
    const names = [...new Set([pkg, ...owners])].filter((n): n is string => !!n && PACKAGE_NAME.test(n));
    const out = await programOutput(dpkgQuery, [
      '-W',
      '-f',
      '${binary:Package}\\t${Version}\\t${source:Package}\\n',
      ...names,
    ]);
    // 1: some name is not installed (the others are still listed).
    const lines = out && (out.code === 0 || out.code === 1) ? out.text.split('\n') : [];
    const versions = new Map<string, string[]>();
    for (const [name, ...rest] of lines.map((l) => l.split('\t')))
      if (name && !versions.has(name)) versions.set(name, rest);
    return versions;
  });
  const batched = (await search.versions).get(pkg);
  if (batched?.[0]) return batched;
  const info = await programOutput(dpkgQuery, ['-W', '-f', '${Version}\\t${source:Package}\\n', pkg]);
  return (info?.code === 0 ? (info.text.split('\n')[0] ?? '') : '').split('\t');
}

async function fromDpkg(dpkgQuery: string, program: string, real: string, docRoot: string): Promise<DistroRecord> {
  let pkg: string | undefined;
  let search: OwnerSearch | undefined;
  for (const path of [...new Set([real, program])]) {
    search = ownerSearch(dpkgQuery, path);
    const text = await search.text;
    if (text !== undefined) pkg = dpkgOwner(text, path);
    if (pkg) break;
  }
  if (!pkg || !search)
    return none(
      `${real} belongs to no Debian package (dpkg does not know it): a self-built or separately installed program, judged by its upstream version`,
    );
  const [version, source] = await packageVersion(dpkgQuery, search, pkg);
  if (!version) return none(`dpkg-query cannot tell the version of package ${pkg}`);
  const name = pkg.replace(/:.*$/, '');
  // The package's own documentation, else that of another binary package built from the same
  // source (gpg's changelog may live under gnupg's): cveMentions() drops entries above `version`
  // and those another source package wrote.
  let file = debianChangelogFile(docRoot, name);
  if (!file && source) {
    const all = await programOutput(dpkgQuery, ['-W', '-f', '${binary:Package}\\t${source:Package}\\t${Version}\\n'], {
      maxBytes: 4 * 1024 * 1024,
    });
    const siblings = (all?.text ?? '')
      .split('\n')
      .map((l) => l.split('\t'))
      .filter((f) => f[1] === source && f[0] && f[0].replace(/:.*$/, '') !== name)
      .sort((a, b) => Number(b[2] === version) - Number(a[2] === version));
    for (const s of siblings) {
      file = debianChangelogFile(docRoot, (s[0] as string).replace(/:.*$/, ''));
      if (file) break;
    }
  }
  if (!file)
    return none(
      `package ${name} ${version} has no changelog.Debian.gz under ${docRoot} (its documentation is not installed, as in container images that exclude ${docRoot}): the upstream version is judged as is`,
    );
  const text = readGzipText(file);
  if (text === undefined)
    return none(`cannot read ${file} (unreadable, not gzip, or larger than ${MAX_TEXT / 1024 / 1024} MiB)`);
  return {
    kind: 'changelog',
    manager: 'dpkg',
    package: name,
    version,
    source: file,
    mentions: cveMentions(parseDebianChangelog(text), version, source || undefined),
  };
}

async function fromRpm(rpm: string, real: string): Promise<DistroRecord> {
  const owner = await programOutput(rpm, ['-qf', '--qf', '%{NAME}\\n', real]);
  const pkg = owner?.code === 0 ? owner.text.split('\n')[0]?.trim() : undefined;
  if (!pkg || /\s/.test(pkg))
    return none(
      `${real} belongs to no RPM package: a self-built or separately installed program, judged by its upstream version`,
    );
  const v = await programOutput(rpm, ['-q', '--qf', '%{VERSION}-%{RELEASE}\\n', pkg]);
  const version = v?.code === 0 ? v.text.split('\n')[0]?.trim() : undefined;
  if (!version) return none(`rpm cannot tell the version of package ${pkg}`);
  const log = await programOutput(rpm, ['-q', '--changelog', pkg], { maxBytes: MAX_TEXT });
  if (!log || log.code !== 0) return none(`rpm -q --changelog ${pkg} failed`);
  // The changelog of the installed package itself: every entry is at or below its version.
  return {
    kind: 'changelog',
    manager: 'rpm',
    package: pkg,
    version,
    source: `rpm -q --changelog ${pkg}`,
    mentions: cveMentions(parseRpmChangelog(log.text)),
  };
}

// With the system's package tools, one lookup per program file for the life of the process: main()
// may run many times in one process (the CLI tests run hundreds of audits in-process), and
// `dpkg-query -S` reads every package's file list (~60 ms of CPU each time). The key holds what an
// answer depends on: the program file as it is now (an upgrade writes a new file) and the change
// times of the package databases and of the documentation folder.
const records = new Map<string, Promise<DistroRecord>>();

/**
 * The distribution's record for the program gitguard judged (`raw`: what it printed, to recognise
 * Apple Git). Never throws: where there is no record, says why.
 */
export function distroRecord(program: string, raw: string, tools: PackageTools = {}): Promise<DistroRecord> {
  const real = realpathOr(program);
  if (!real || Object.keys(tools).length > 0) return lookUp(program, raw, tools);
  const key = JSON.stringify([program, real, fileIdentity(real), raw, PACKAGE_DATABASES.map(fileIdentity)]);
  let record = records.get(key);
  if (!record) {
    if (records.size >= 64) records.clear();
    record = lookUp(program, raw, tools);
    records.set(key, record);
  }
  // A copy for each caller: a run may add to what it was given.
  return record.then((r) => structuredClone(r));
}

async function lookUp(program: string, raw: string, tools: PackageTools): Promise<DistroRecord> {
  const real = realpathOr(program);
  if (!real) return none(`cannot resolve ${program}`);
  if (process.platform === 'win32') {
    return none(
      'Windows builds (Git for Windows, Gpg4win, Win32-OpenSSH) carry no per-CVE changelog on the machine: the upstream version is judged as is',
    );
  }
  if (process.platform === 'darwin') {
    if (/Apple Git/i.test(raw) || /^\/(?:Library\/Developer|Applications\/Xcode)/.test(real))
      return none(
        "Apple's git (Xcode or Command Line Tools) comes with no list of the CVEs Apple patched: it is judged by its upstream version",
      );
    if (/\/Cellar\/|^\/opt\/homebrew\//.test(real))
      return none('Homebrew builds upstream releases without backports: the upstream version is the whole story');
    return none('macOS keeps no package changelog for this program: it is judged by its upstream version');
  }
  const dpkgQuery = tools.dpkgQuery === undefined ? systemProgram('dpkg-query') : (tools.dpkgQuery ?? undefined);
  const rpm = tools.rpm === undefined ? systemProgram('rpm') : (tools.rpm ?? undefined);
  // A machine may have both (dpkg on Fedora, rpm on Debian): the one that owns the program answers.
  const fromDeb = dpkgQuery ? await fromDpkg(dpkgQuery, program, real, tools.docRoot ?? '/usr/share/doc') : undefined;
  if (fromDeb && (fromDeb.kind === 'changelog' || !rpm || !fromDeb.reason.includes('belongs to no Debian package')))
    return fromDeb;
  if (rpm) {
    const fromRpmDb = await fromRpm(rpm, real);
    if (fromRpmDb.kind === 'changelog' || !fromDeb) return fromRpmDb;
    return none(
      `${real} belongs to no Debian or RPM package: a self-built or separately installed program, judged by its upstream version`,
    );
  }
  if (existsSync(tools.alpineRelease ?? '/etc/alpine-release'))
    return none("Alpine's apk keeps no changelog on the machine: check https://security.alpinelinux.org for each CVE");
  return none(
    'neither dpkg nor rpm is installed, so no package records which fixes this build carries: it is judged by its upstream version',
  );
}
