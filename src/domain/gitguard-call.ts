// What a command that names gitguard does (domain/shell-gate.ts): runs a check that fails when
// gitguard finds something (`gitguard audit`, `npx -y gitguard@1 verify`, a script or make target
// named after it), or nothing that can fail on a finding (`--version`, `--help`, `rules`, `init`, an
// install, an `echo`).

import { auditGates, verifyGates } from './audit-options.js';
import { inCheckout, ROOT, type Place } from './step-folder.js';
import { wrappedStart } from './command-wrappers.js';
import { expressionWords } from './expression-words.js';

export const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'ash', 'mksh']);
export const base = (w: string): string => w.slice(w.lastIndexOf('/') + 1);

/**
 * Commands that print or look up their words, read the files they name and run none of them (`grep
 * -q x ci/gate.sh`, `sha256sum ci/gate.sh`, `shellcheck ci/gate.sh`), or copy, move, make or remove
 * them (`cp g node_modules/.bin/gitguard` runs nothing): gitguard among them is data. Not a reader
 * that may run a program it is given (awk, sed's `e`, rg's `--pre`, less's LESSOPEN).
 */
const INERT = new Set([
  ...['echo', 'printf', 'cat', 'which', 'type', 'hash', 'test', '[', '[[', 'ls', 'export'],
  ...['grep', 'egrep', 'fgrep', 'zgrep', 'head', 'tail', 'wc', 'nl', 'od', 'hexdump', 'strings', 'file', 'stat'],
  ...['md5sum', 'sha1sum', 'sha224sum', 'sha256sum', 'sha384sum', 'sha512sum', 'b2sum', 'shasum', 'cksum', 'sum'],
  ...['diff', 'cmp', 'comm', 'shellcheck', 'readlink', 'realpath', 'basename', 'dirname', 'du'],
  ...['cp', 'mv', 'ln', 'rm', 'mkdir', 'chmod', 'chown', 'touch', 'tee', 'rsync'],
]);
const INSTALLS = new Set(['install', 'i', 'add', 'ci', 'global', 'upgrade', 'update']);
const INSTALLERS = new Set([
  ...['npm', 'pnpm', 'yarn', 'bun', 'pip', 'pip3', 'pipx', 'brew', 'apt', 'apt-get', 'apk', 'dnf', 'yum'],
  ...['go', 'cargo', 'gem', 'volta', 'asdf', 'mise'],
]);
/** gitguard's commands that judge something and fail on it; the others (rules, init, baseline, ledger) do not. */
const CHECKS = new Set(['audit', 'verify']);

/** A gitguard command line among a program's words (`find . -exec gitguard audit \;`, `ssh h 'npx gitguard verify'`). */
const CARRIED =
  /(?:^|\s)(?:\S*\/)?(?:(?:npx|bunx|pnpx)\s+(?:-\S+\s+)*)?(?:@[\w.-]+\/)?gitguard(?:\.js|@\S*)?\s+(?:audit|verify|hook|-|\$)/;
/** gitguard's package by name, maybe with a registry version or range. */
const PACKAGE = /^(?:@[\w.-]+\/)?gitguard(?:@[\w.^~-]*)?$/;
/** A runner's options that change neither which package it runs nor where it gets it from (not `--package=`, `--registry=`). */
const QUIET = /^(?:-y|--yes|-q|--quiet|-s|--silent|--no-install|--prefer-offline|--prefer-online|--offline)$/;
const RUNNERS = ['npx', 'bunx', 'pnpx', 'npm', 'pnpm', 'yarn'];
/** A folder made new and empty for the one command, as the shell expands it: `"$(mktemp -d)"`. */
const FRESH_DIR = /^\$\(mktemp -d\)$/;

/**
 * `options` (a runner's words before the package) without npm's `--cache` given a fresh folder
 * (`--cache "$(mktemp -d)"`, `--cache=$(mktemp -d)`): it changes no package, only that npx reads no
 * cache an earlier step restored (`~/.npm`). `fresh`: whether one was there.
 */
export function withoutFreshCache(options: readonly string[]): { rest: string[]; fresh: boolean } {
  const rest: string[] = [];
  let fresh = false;
  for (let k = 0; k < options.length; k += 1) {
    const w = options[k]!;
    if (w === '--cache' && FRESH_DIR.test(options[k + 1] ?? '')) [fresh, k] = [true, k + 1];
    else if (w.startsWith('--cache=') && FRESH_DIR.test(w.slice(8))) fresh = true;
    else rest.push(w);
  }
  return { rest, fresh };
}

/**
 * The command past its wrappers and gitguard's own arguments where the command names gitguard as the
 * program it runs (`gitguard`, `npx -y gitguard@1`, `npm exec -- gitguard`, `node .../gitguard.js`;
 * `args` undefined: another program, a file or script named after it); `none` where a wrapper runs it
 * otherwise, or the command prints or installs.
 */
function calledArgs(
  split: readonly string[],
): 'none' | { name: string; words: readonly string[]; args: readonly string[] | undefined; named: boolean } {
  // Past the wrappers that run it once with its status (command-wrappers.ts); another program that
  // runs it (`find -exec`, `xargs`, `docker run`, `ssh`, `sudo -b`) is no gate.
  const all = expressionWords(split);
  const { start, unfaithful } = wrappedStart(all);
  if (unfaithful) return 'none';
  const words = all.slice(start);
  const name = base(words[0] ?? '');
  if (INERT.has(name)) return 'none';
  if (INSTALLERS.has(name) && INSTALLS.has(words.find((w, k) => k > 0 && !w.startsWith('-')) ?? '')) return 'none';
  let args: readonly string[] | undefined;
  // `named`: by its name alone (PATH, a package runner's package), not by a path to a file.
  let named = words[0] === 'gitguard';
  if (name === 'gitguard' || /\bgitguard(?:\.js)?$/.test(words[0] ?? '')) args = words.slice(1);
  else if (RUNNERS.includes(name) || (name === 'node' && words[1])) {
    // `npx -y gitguard@1 audit`, `pnpm dlx gitguard`, `npm exec -- gitguard`, `node node_modules/gitguard/bin/gitguard.js`.
    const pos = words.findIndex((w, k) => k > 0 && /^(?:@[\w.-]+\/)?gitguard(?:@\S*)?$|\/gitguard(?:\.js)?$/.test(w));
    const before = withoutFreshCache(words.slice(1, pos)).rest;
    const runner = before.every(
      (w) => w.startsWith('-') || ['exec', 'x', 'dlx', '--'].includes(w) || w.includes('gitguard'),
    );
    if (pos > 0 && runner) args = words.slice(pos + 1);
    const plain = before.every((w) => QUIET.test(w) || ['exec', 'x', 'dlx', '--'].includes(w));
    // A registry version or range (`gitguard@1`), not a spec naming a folder or file (`gitguard@file:./x`).
    named = pos > 0 && plain && name !== 'node' && words[0] === name && PACKAGE.test(words[pos]!);
  }
  return { name, words, args, named };
}

/**
 * Whether the command `split` (its words past any NAME=VALUE in front) is gitguard itself called by
 * its name to `audit` or `verify` (whether that gates, where it runs, is gitguardCall's to say):
 * `gitguard audit` from PATH, `npx gitguard audit`; not a file
 * (`./bin/gitguard`, `node node_modules/gitguard/...`), package script or make target named after it.
 */
export const directCheck = (split: readonly string[]): boolean => {
  const called = calledArgs(split);
  return called !== 'none' && called.named && !!called.args?.some((a) => CHECKS.has(a));
};

/** The script runners a launcher may start, each running package scripts (package-run.ts scriptRunner). */
const SCRIPT_RUNNERS = new Set(['run-s', 'run-p', 'npm-run-all', 'concurrently']);

/**
 * Whether `words` launch a package other than gitguard's (calledArgs found none named gitguard):
 * `npx eslint -o gitguard.xml .`, `npx gitguard-lookalike audit`, `pnpm dlx @acme/gitguard-cli`,
 * `npm exec -- x`. That package's code runs, not gitguard, whatever its words name; a script runner
 * (`npx run-s gitguard`) runs package scripts, read as such.
 */
function launchesOther(name: string, words: readonly string[]): boolean {
  const rest = words.slice(1).filter((w) => !w.startsWith('-'));
  const launcher =
    ['npx', 'bunx', 'pnpx'].includes(name) || (RUNNERS.includes(name) && /^(?:exec|x|dlx)$/.test(rest[0] ?? ''));
  const pkg = rest.find((w) => !['exec', 'x', 'dlx'].includes(w));
  return launcher && !SCRIPT_RUNNERS.has(base(pkg ?? '').replace(/(?<=.)@[^/]*$/, ''));
}

/**
 * What a command naming gitguard is: a check that fails with it, or no check (help, an install, a
 * print, a run that opens another repository than the checkout: `at`, where it runs, step-folder.ts).
 * `leads`, where the checkout is read: whether the chain of files the command runs reaches gitguard
 * (shell-state.ts Checkout.leads), asked of a command that runs gitguard by no name of its own;
 * without it such a command is none (the direct reading: ci-gate-kept reads its chain at the commit).
 */
export function gitguardCall(
  split: readonly string[],
  at: Place = ROOT,
  leads?: (words: readonly string[]) => boolean,
): 'check' | 'none' {
  const called = calledArgs(split);
  if (called === 'none') return 'none';
  const { name, words, args } = called;
  // A script, a make target, a package script, a file another program runs: a gate only where the
  // checkout is read and its chain reaches gitguard there (`make gitguard` with a recipe running it).
  // A name alone is none (`bash ci/gitguard.sh` not there, `-o gitguard.xml`), as is a program not
  // known to hand gitguard's command line on faithfully, another package a launcher runs
  // (`npx gitguard-lookalike`) and git (`git clone URL /tmp/gitguard`).
  if (!args) {
    const hands = !RUNNERS.includes(name) && name !== 'node' && CARRIED.test(words.slice(1).join(' '));
    if (hands || name === 'git' || launchesOther(name, words) || !leads?.(words)) return 'none';
    return inCheckout(at) ? 'check' : 'none';
  }
  if (args.some((a) => ['--help', '-h', '--version', '-V', 'help'].includes(a))) return 'none';
  const rest = args.filter((a, k) => !a.startsWith('-') && !['-C', '--repo'].includes(args[k - 1] ?? ''));
  const sub = rest[0];
  if (sub === undefined) return 'none'; // prints its help
  // `audit --rule security-policy-present`, `--fail-on critical`, `--base HEAD`, `-C ci/clean.git`,
  // `verify HEAD..HEAD`: runs, fails on nothing a change brings. Program options (`-C x`) come before.
  const k = args.indexOf(sub);
  const [global, own] = [args.slice(0, k), args.slice(k + 1)];
  if (sub === 'audit') return auditGates(own, global, at) ? 'check' : 'none';
  if (sub === 'verify') return verifyGates(own, global, at) ? 'check' : 'none';
  if (CHECKS.has(sub) || sub.includes('$') || (sub === 'hook' && rest[1] === 'run'))
    return inCheckout(at) ? 'check' : 'none';
  return 'none';
}
