// Which files of the checkout a step's script writes (curl -o, cp, tee, sed -i, a redirection), read
// with step-env.ts's shell reading: whether it writes any (writesCheckout), and which ones by path
// from the checkout's root where every one is a literal path (writtenTargets), so that a later gate
// loses only where the files its chain reads or runs are among them (checkout-writes.ts).
import { parseScript, type Pipeline } from './shell-syntax.js';
import { unpacksInto } from './download-folders.js';
import { base } from './gitguard-call.js';
import { repoPath } from './ci-words.js';
import { redirectionsOnly } from './checkout-moves.js';
import { gitSubcommand } from './git-options.js';
import { SUBMODULES, submoduleWrites } from './submodule-writes.js';
import { PLACE, REDIRECT, runnerPlaces, scriptWords, RUNNER_TEMP_FILE, SAFE_TARGET, writtenPaths } from './step-env.js';

/** git commands that write files of the checkout from elsewhere (`git checkout x -- f`, `git apply p.diff`). */
const GIT_PATCHES =
  /^(?:checkout|restore|apply|am|stash|cherry-pick|merge|pull|rebase|reset|switch|revert|clean|checkout-index|read-tree|submodule|sparse-checkout|bisect)$/;
/** Commands that write or rewrite every path they name (shred overwrites it, `-u` removes it after). */
const EVERY_PATH = /^(?:shred|sponge|dos2unix|unix2dos|mac2unix|ed|red|ex|vi|vim|nvim|emacs)$/;
/** Commands that remove every path they name and write none (a chain sourcing a removed file runs without it). */
const REMOVES = /^(?:rm|unlink|rmdir|srm)$/;
/** The same only in place: `perl -pi`, `ruby -i`, gawk's `-i inplace`, `yq -i`. */
const IN_PLACE: Record<string, RegExp> = {
  perl: /^-[A-Za-z]*i/,
  ruby: /^-[A-Za-z]*i/,
  awk: /^(?:-i|--include)(?:=?inplace)?$|^-iinplace$/,
  gawk: /^(?:-i|--include)(?:=?inplace)?$|^-iinplace$/,
  yq: /^(?:-[A-Za-z]*i|--inplace)$/,
};
/** Options naming the file a command writes: `openssl -out f`, `gpg -o f`, `sort -o f`, `zstd -o f`. */
const OUT_OPTION: Record<string, RegExp> = {
  openssl: /^-out$/,
  gpg: /^(?:-o|--output)$/,
  gpg2: /^(?:-o|--output)$/,
  sort: /^(?:-o|--output)$/,
  shuf: /^(?:-o|--output)$/,
  iconv: /^(?:-o|--output)$/,
  uudecode: /^(?:-o|--output-file)$/,
  base64: /^(?:-o|--output)$/,
  zstd: /^-o$/,
  brotli: /^(?:-o|--output)$/,
  cc: /^-o$/,
  gcc: /^-o$/,
  'g++': /^-o$/,
  clang: /^-o$/,
  'clang++': /^-o$/,
  ld: /^-o$/,
  strip: /^-o$/,
  go: /^-o$/,
  rustc: /^-o$/,
};
/** Compressors: without `-c` (stdout), `-l` or `-t` they write the file without (or with) its suffix and remove the one named. */
const PACKS = /^(?:gzip|gunzip|xz|unxz|bzip2|bunzip2|lzma|unlzma|zstd|unzstd|brotli|compress|uncompress|pigz|unpigz)$/;
/** A command `find -exec` or `xargs` runs that writes the paths it is handed. */
const RUN_WRITERS =
  /^(?:rm|unlink|shred|mv|cp|tee|sed|perl|ruby|truncate|touch|install|dd|sponge|dos2unix|gzip|gunzip|split|csplit)$/;
/**
 * Commands that write names of their own making (an unpacking into the folder it runs in; objcopy's
 * output after options that take values): none is told.
 */
const UNPACKS = /^(?:cpio|ar|7z|7za|unrar|jar|rename|prename|objcopy)$/;
/** split's and csplit's options that take the next word as their value. */
const SPLIT_VALUED: Record<string, RegExp> = { split: /^-[abClnt]$/, csplit: /^-[bfn]$/ };
/**
 * A path under the runner's home by `$HOME` (`"$HOME/.npm"`), read as `~/.npm` is: plain names, no
 * expansion nor `..` that could climb to the workspace.
 */
const HOME_FILE = /^\$\{?HOME\}?(?!.*\/\.\.(?:\/|$))\/[\w.+@%=,/-]+$/;
/** A path a step writes that is in the checkout: relative, `.`, the workspace's, or one not read (`$X/y`). */
const inCheckout = (p: string): boolean =>
  !RUNNER_TEMP_FILE.test(p) && !HOME_FILE.test(p) && !/^[/~]/.test(p.replace(PLACE, './'));
/** The workspace's root by its runner's name (`$GITHUB_WORKSPACE/x`, `${CI_PROJECT_DIR}/x`). */
const WORKSPACE = /^\$\{?(?:GITHUB_WORKSPACE|CI_PROJECT_DIR)\}?\//;
/** A word the shell may make another path of: an expansion, a pattern, a brace, a quote or escape left. */
const UNSURE = /[$`*?[\]{}~\\"']/;
/** Where a folder moves or a link is made, the paths after it name other files: none is told. */
const MOVES = /^(?:cd|pushd|popd|ln)$/;
/** A package manager's command that rewrites package.json (and its lock) in its folder. */
const PACKAGE_EDITS = /^(?:version|pkg)$/;
/** Options that send a package manager to another folder or package. */
const ELSEWHERE =
  /^(?:-w|--workspaces?(?:=.*)?|--prefix(?:=.*)?|-C|--dir(?:=.*)?|--cwd(?:=.*)?|-r|--recursive|--filter(?:=.*)?)$/;

/**
 * Whether `written`, an earlier step's script, writes a file of the checkout (curl -o, wget -O, cp,
 * tee, sed -i, tar x, a redirection into a relative path, `.` or $GITHUB_WORKSPACE, one not read) or
 * patches it (`git checkout x -- f`, `git apply`, `patch`): a later step running a checkout file
 * (`bash ci/gate.sh`, `make audit`) runs what was written there, not the file at the commit.
 */
export function writesCheckout(written: string): boolean {
  return writes(written, '') !== 'none';
}

/**
 * The files of the checkout a script touches, as paths from the root: those it writes (copies,
 * fetches, unpacks, edits, redirections, `mv`'s destination) apart from those it only removes (`rm`,
 * `unlink`, `rmdir`, `mv`'s and `git mv`'s sources, `git rm`, `git clean`'s folder). A reading of
 * what runs from the checkout (a chain, a restore) counts both: a chain sourcing a removed file runs
 * without it. npx's lookup counts the writes only: a removal plants nothing there.
 */
export interface Targets {
  written: readonly string[];
  removed: readonly string[];
}

/** Every path `t` touches, written or removed. */
export const touched = (t: Targets): string[] => [...new Set([...t.written, ...t.removed])];

/**
 * The files of the checkout `written` writes or removes, run in `folder` (null: not known), as paths
 * from the root (a folder written into by its path: `cp a out/` is `out`); undefined where one is not
 * told: a path by a variable or pattern, `.` (tar x, curl -O, unzip), a patch or git's checkout, a link
 * made or a `cd` first, a folder not known. `npm version` and `npm pkg` write package.json and its lock;
 * `git submodule update --init` the commit's submodule folders, told as SUBMODULES (submodule-writes.ts).
 */
export function writtenTargets(written: string, folder: string | null): Targets | undefined {
  const w = writes(written, folder);
  return w === 'none' ? { written: [], removed: [] } : w;
}

/** writes' answers by script and folder: each step's script is asked once per reader and folder. */
const ANSWERS = new Map<string, Map<string | null, Targets | undefined | 'none'>>();
/** What ANSWERS may hold before it starts over, in bytes: each script's text and some 400 for its entry and answers. */
const ANSWER_BYTES = 2 * 1024 * 1024;
let answerBytes = 0;

function writes(written: string, folder: string | null): Targets | undefined | 'none' {
  let byFolder = ANSWERS.get(written);
  if (byFolder?.has(folder)) return byFolder.get(folder);
  const w = readWrites(written, folder);
  const answer =
    typeof w === 'object' ? Object.freeze({ written: Object.freeze(w.written), removed: Object.freeze(w.removed) }) : w;
  // The text once, each folder's answer on its own.
  const [text, own] = [2 * written.length, 400 + 2 * (folder?.length ?? 0)];
  if (text + own > ANSWER_BYTES / 4) return answer;
  if (answerBytes + text + own > ANSWER_BYTES) {
    ANSWERS.clear();
    answerBytes = 0;
    byFolder = undefined;
  }
  if (!byFolder) ANSWERS.set(written, (byFolder = new Map<string | null, Targets | undefined | 'none'>()));
  answerBytes += (byFolder.size ? 0 : text) + own;
  byFolder.set(folder, answer);
  return answer;
}

function readWrites(written: string, folder: string | null): Targets | undefined | 'none' {
  const script = runnerPlaces(written);
  // Each path with the folder it counts from, marked where an unpacking writes under it (`/`), and whether it is only removed.
  const raw: Array<[path: string, dir: string | null, unpacked: boolean, removed?: true]> = [];
  let moved = false;
  let patched = false;
  let followed = false;
  let submodules = false;
  for (const [words, dir, cd] of placedCommands(script, folder)) {
    const tool = base(words[0] ?? '');
    followed ||= cd;
    if (cd) continue;
    moved ||= MOVES.test(tool);
    // `git submodule update --init`: the commit's submodule folders (submodule-writes.ts), in a checkout known.
    if (tool === 'git' && submoduleWrites(words.slice(1))) {
      if (dir === null) patched = true;
      else submodules = true;
    } else if (tool === 'patch' || (tool === 'git' && gitPatches(words.slice(1)))) patched = true;
    const told = writtenPaths(words).filter(inCheckout);
    // An unpacking's folders: kept apart, each marked by its `/` (unpackedFolder).
    const unpacks = unpacksInto(tool, words.slice(1));
    raw.push(...told.map((p): [string, string | null, boolean] => [p, dir, unpacks && p !== '.']));
    for (const p of [...morePaths(tool, words.slice(1)).filter(inCheckout), ...packageEdits(tool, words.slice(1))])
      raw.push([p, dir, false]);
    for (const p of removedPaths(tool, words.slice(1)).filter(inCheckout)) raw.push([p, dir, false, true]);
  }
  const redirections = redirectionsOnly(script);
  for (const m of redirections.matchAll(REDIRECT)) {
    if (SAFE_TARGET.test(m[2]!) || !inCheckout(m[2]!)) continue;
    // A target the match stops short of (`> c"i/gate.sh"`, `> ci\/x`): not told; after a cd, its folder is not read.
    const after = redirections[m.index + m[0].length];
    raw.push([!followed && (after === undefined || /[\s;&|()<>]/.test(after)) ? m[2]! : '$', folder, false]);
  }
  if (!patched && !raw.length && !submodules) return 'none';
  if (patched || moved || folder === null) return undefined;
  const out: string[] = submodules ? [SUBMODULES] : [];
  const removed = new Set<string>();
  for (const [r, dir, unpacked, gone] of raw) {
    // The workspace's own name counts from its root, `$PWD` from the folder the command runs in.
    const root = WORKSPACE.test(r);
    const q = root ? r.replace(WORKSPACE, '') : r.replace(PLACE, './');
    const at = root ? '' : dir;
    // A removal of the folder a command runs in (`git clean`) is that folder, the root too.
    const here = gone && /^\.\/?$/.test(q) ? at : undefined;
    const p = here ?? (UNSURE.test(q) || at === null ? undefined : repoPath(q, at)?.replace(/\/+$/, ''));
    if (p === undefined) return undefined;
    if (gone) removed.add(p);
    else out.push(unpacked && p ? `${p}/` : p);
  }
  const joined = joinWritten({ written: [], removed: [] }, { written: out, removed: [...removed] });
  return joined === true ? undefined : joined;
}

/**
 * Each command of `script` (step-env.ts scriptWords) with the folder it runs in and whether it is a
 * `cd` followed: in a list joined by `&&` alone (`mkdir b && cd b && tar -xf x.tgz`), a literal
 * `cd` moves the commands after it there, which run only where it succeeded; any other `cd` is read
 * as a command (MOVES: the paths after it are not told).
 */
function* placedCommands(
  script: string,
  folder: string | null,
): Generator<[words: readonly string[], dir: string | null, cd: boolean]> {
  // After a list that moved, where the next one runs is not known (the cd may have failed).
  let moved = false;
  for (const ao of parseScript(script)) {
    const chained = !ao.background && ao.ops.every((o) => o === '&&');
    let dir = moved ? null : folder;
    for (const pipeline of ao.pipelines) {
      const to = chained ? literalCd(pipeline) : undefined;
      if (to !== undefined) {
        dir = dir === null ? null : (repoPath(to, dir) ?? null);
        moved = true;
        yield [['cd', to], dir, true];
      } else for (const words of scriptWords(pipeline)) yield [words, dir, false];
    }
  }
}

/** Each command of `script` (begun in `folder`) but its `cd`s, with the folder it runs in (null: not known). */
export const commandFolders = (script: string, folder: string | null): Array<[readonly string[], string | null]> =>
  [...placedCommands(script, folder)].filter(([, , cd]) => !cd).map(([words, dir]) => [words, dir]);

/** The folders a command after `script` (begun in `folder`) may run in: `folder` and each a `cd` of it moves to (placedCommands). */
export function cdFolders(script: string, folder: string | null): Array<string | null> {
  const out = [folder];
  for (const [, dir, cd] of placedCommands(script, folder)) if (cd) out.push(dir);
  return out;
}

/** The folder a pipeline that is one `cd` of a literal path moves to (else undefined). */
function literalCd(pipeline: Pipeline): string | undefined {
  const [only, more] = pipeline.commands;
  if (more !== undefined || pipeline.negated || only?.kind !== 'simple' || only.words.length !== 2) return;
  const [cd, to] = only.words;
  const literal = !cd!.substitutions.length && !to!.substitutions.length && !UNSURE.test(to!.value);
  return cd!.value === 'cd' && literal && to!.value !== '-' ? to!.value : undefined;
}

/**
 * Whether the command `words` (past its wrappers) writes files: those it names (`cp x ci/gate.sh`,
 * `tee f`, `curl -o f`, `rm f`, `sed -i`, `gcc -o f`) or of its own making (an unpacking, a patch,
 * `npm version`). It copies, fetches, edits or removes them and runs none: a gate's reading, which
 * takes a command of another kind naming a file of its chain for a run of it (`node ci/gate.js`),
 * does not take this one (the step after it runs what it wrote).
 */
export function writesFiles(words: readonly string[]): boolean {
  const tool = base(words[0] ?? '');
  const args = words.slice(1);
  if (tool === 'patch' || (tool === 'git' && gitPatches(args))) return true;
  return [writtenPaths(words), morePaths(tool, args), packageEdits(tool, args), removedPaths(tool, args)].some(
    (p) => p.length > 0,
  );
}

/**
 * Whether git's `args` change files of the checkout (GIT_PATCHES), but for a branch made at HEAD
 * (`git checkout -b work`, `git switch -c work`, `-B`/`-C`, `-q`): it moves HEAD and writes no file;
 * and `git clean` with no option before it, which removes untracked files and writes none (removedPaths).
 */
function gitPatches(args: readonly string[]): boolean {
  if (!args.some((a) => GIT_PATCHES.test(a)) || args[0] === 'clean') return false;
  const [sub, ...rest] = args.filter((a) => a !== '-q' && a !== '--quiet');
  const made = sub === 'checkout' ? /^-[bB]$/ : sub === 'switch' ? /^(?:-[cC]|--create|--force-create)$/ : undefined;
  return !(
    made &&
    rest.length === 2 &&
    made.test(rest[0]!) &&
    /^[\w./-]+$/.test(rest[1]!) &&
    !rest[1]!.startsWith('-')
  );
}

/** `npm version patch`, `npm pkg set x=y`: package.json and its locks in the folder, as named paths. */
function packageEdits(tool: string, args: readonly string[]): string[] {
  if (!/^(?:npm|pnpm|yarn)$/.test(tool)) return [];
  const command = args.find((a) => !a.startsWith('-'));
  if (command === undefined || !PACKAGE_EDITS.test(command)) return [];
  if (args.some((a) => ELSEWHERE.test(a))) return ['$'];
  return ['package.json', 'package-lock.json', 'npm-shrinkwrap.json'];
}

/**
 * The paths of the checkout a command only removes: `rm`, `unlink`, `rmdir`, `mv`'s operands (its
 * destination is writtenPaths'), `git rm` (not `--cached`), `git mv`'s sources, and the folder `git
 * clean` runs in (untracked files under it, whatever its paths; `-n` removes none); after an option
 * of git's before its command (`-C`, `--work-tree`, `-c`) or one git does not know, not told (`$`).
 */
function removedPaths(tool: string, args: readonly string[]): string[] {
  if (REMOVES.test(tool) || tool === 'mv') return args.filter((a) => !a.startsWith('-'));
  if (tool !== 'git') return [];
  const git = gitSubcommand(args);
  if (git === 'unknown') return ['$'];
  if (git.sub !== 'rm' && git.sub !== 'mv' && git.sub !== 'clean') return [];
  if (git.sub === 'clean' && args.some((a) => /^(?:-[A-Za-z]*n|--dry-run)$/.test(a))) return [];
  if (git.options.length) return ['$'];
  if (git.sub === 'clean') return ['.'];
  const rest = git.rest.filter((a) => !a.startsWith('-'));
  if (git.sub === 'rm') return args.some((a) => /^(?:--cached|-n|--dry-run)$/.test(a)) ? [] : rest;
  return rest.slice(0, -1);
}

/**
 * The paths of the checkout a command writes that writtenPaths (which looks for program places) leaves:
 * in-place editors, an output option's file, an unpacking's (`$`: not told), a compressor's file and
 * its name without the suffix, `git mv`'s destination.
 */
function morePaths(tool: string, args: readonly string[]): string[] {
  const named = args.filter((a) => !a.startsWith('-'));
  const inPlace = IN_PLACE[tool];
  if (EVERY_PATH.test(tool)) return named;
  if (inPlace && args.some((a) => inPlace.test(a))) return editedFiles(tool, args);
  const out = OUT_OPTION[tool];
  if (out) return args.flatMap((a, i) => (out.test(a) ? [args[i + 1] ?? '$'] : []));
  if (tool === 'xxd' || tool === 'uniq') return named.slice(1, 2);
  if (PACKS.test(tool)) {
    if (args.some((a) => /^-[A-Za-z]*[clt]|^--(?:stdout|to-stdout|list|test)$/.test(a))) return [];
    if (args.some((a) => /^(?:-S|--suffix)/.test(a))) return ['$'];
    return named.flatMap((p) => [p, p.replace(/\.(?:gz|tgz|xz|bz2|lzma|zst|br|Z|z)$/, '')]);
  }
  if (UNPACKS.test(tool) || (tool === 'gh' && args.includes('download'))) return ['$'];
  if (SPLIT_VALUED[tool]) return [`${splitPrefix(tool, args)}$`];
  // `find -delete`, `find -exec rm {} +`, `xargs sed -i`: the paths come from elsewhere.
  if (tool === 'find' && args.some((a) => /^-(?:delete|fprint)/.test(a))) return ['$'];
  if ((tool === 'find' || tool === 'xargs') && args.some((a) => RUN_WRITERS.test(base(a)))) return ['$'];
  if (tool === 'git') return gitMoved(args);
  return [];
}

/** `git mv a b`: its destination (the last path), written; after an option of git's (`-C`, `--work-tree`, `-c`), not told. */
function gitMoved(args: readonly string[]): string[] {
  const git = gitSubcommand(args);
  if (git === 'unknown') return ['$'];
  if (git.sub !== 'mv') return [];
  if (git.options.length) return ['$'];
  return git.rest.filter((a) => !a.startsWith('-')).slice(-1);
}

/**
 * The files an in-place editor names, its program left out: perl's and ruby's `-e` value (`-pie`
 * too), awk's and yq's first word where no awk `-f` or yq `--from-file` gives it (`yq -i '.a = "b"' f`).
 */
function editedFiles(tool: string, args: readonly string[]): string[] {
  if (/^(?:perl|ruby)$/.test(tool))
    return args.filter((a, i) => !a.startsWith('-') && !/^-[A-Za-z]*[eE]$/.test(args[i - 1] ?? ''));
  const awk = tool !== 'yq';
  const valued = (a: string | undefined): boolean => awk && /^(?:-i|--include|-v)$/.test(a ?? '');
  const named = args.filter((a, i) => !a.startsWith('-') && !valued(args[i - 1]));
  // yq's command word (`yq e -i '.a = 1' f`) comes before its expression.
  if (!awk && /^(?:e|eval|ea|eval-all)$/.test(named[0] ?? '')) named.shift();
  const file = awk ? /^(?:-f|--file)(?:=|$)/ : /^--from-file(?:=|$)/;
  return args.some((a) => file.test(a)) ? named : named.slice(1);
}

/**
 * The prefix split and csplit put before the suffix they choose for each file they write (the suffix
 * is theirs: `--additional-suffix=.sh`, hex suffixes, csplit's `-b 'sh%.0d'` make `ci/gate.sh` of
 * `ci/gat` or `ci/gate.`): split's second operand, csplit's `-f`/`--prefix`; `x` and `xx` by default.
 */
function splitPrefix(tool: string, args: readonly string[]): string {
  const valued = SPLIT_VALUED[tool]!;
  if (tool === 'split') return args.filter((a, i) => !a.startsWith('-') && !valued.test(args[i - 1] ?? ''))[1] ?? 'x';
  let prefix = 'xx';
  args.forEach((a, i) => {
    if (a === '-f' || a === '--prefix') prefix = args[i + 1] ?? '$';
    else if (/^-f./.test(a)) prefix = a.slice(2);
    else if (a.startsWith('--prefix=')) prefix = a.slice(9);
  });
  return prefix;
}

/**
 * The files of the checkout `had` and `more` write and remove (writtenTargets' paths), each once; true
 * (not told) where an unpacking's folder (`build/`) is written twice: the links the first makes are a
 * way out for the second (GNU tar writes through a link an earlier run made).
 */
export function joinWritten(had: Targets, more: Targets): Targets | true {
  const out = new Set(had.written);
  for (const p of more.written) {
    if (p.endsWith('/') && out.has(p)) return true;
    out.add(p);
  }
  return { written: [...out], removed: [...new Set([...had.removed, ...more.removed])] };
}
