// A command that puts a package's programs where the runner looks for programs: a user or global
// install from a registry (`pip install --user x` into ~/.local/bin, `npm i -g x` into the global
// prefix that setup-node puts first on PATH, `cargo install` into ~/.cargo/bin, `go install` into
// GOPATH/bin, judged by the one name it builds, `pipx`, `uv tool`, `gem`, `dotnet tool -g`, `composer global`), or one that runs a
// registry's package at once (`pnpm dlx`, `uvx`, `pipx run`). The package chooses its programs'
// names (an `npx`, a `node`, a `gitguard`) and the CI file chooses the package: anyone can publish
// one, so its code is as unread as a download's. fetched-code.ts counts such a command as code run
// from the network (no gate before the audit, unless the same job ran the same line where the range
// starts). Not the distributions' package managers (apt-get, dnf, brew's own formulae): their
// packages are reviewed, and a program they install is the image's kind (a tap's is not).
import { base } from './gitguard-call.js';

/** A Python interpreter (`python`, `python3.12`, `py`), whose `-m pip` is pip. */
const PYTHON = /^(?:python[\d.]*|py)$/;
/** pip by its own name (`pip`, `pip3`, `pip3.12`). */
const PIP = /^pip[\d.]*$/;

/** The words from the first that is no option on (`-g install x` -> `install x`), options after it kept. */
function fromCommand(args: readonly string[]): string[] {
  const k = args.findIndex((a) => !a.startsWith('-'));
  return k < 0 ? [] : args.slice(k);
}

/**
 * A package named as the registry knows it (`evil`, `@scope/x@1`, `x@latest`): not a folder, tarball,
 * URL or git address, whose global install step-env.ts reads as a write (`npm install -g .` in the
 * clone of gitguard README's GitLab recipe makes is the gate's own install).
 */
const REGISTRY_PACKAGE = /^(?:@[\w.-]+\/)?[\w-][\w.-]*(?:@[^\s/:]*)?$/;

/**
 * Whether npm's (pnpm's, yarn's, bun's) `args` make it work on its global prefix: `-g`, `--global`
 * (`=true`), `--location=global`, `--location global` (npm's option parser reads each alike).
 */
export const nodeGlobal = (args: readonly string[]): boolean =>
  args.some(
    (a, k) =>
      /^(?:-g|--global(?:=true)?|--location=global)$/.test(a) || (a === '--location' && args[k + 1] === 'global'),
  );

/**
 * npm, pnpm, yarn and bun installing a registry's package into their global prefix, running one
 * (`pnpm dlx`), or adding one by name to the project (`npm install x`, `yarn add x`): its install
 * scripts run, and its programs land in node_modules/.bin, where npx looks first.
 */
function globalNode(tool: string, all: readonly string[]): boolean {
  const global = nodeGlobal(all);
  // `--location global`'s value is no command word.
  const args = all.filter((a, k) => !(a === 'global' && all[k - 1] === '--location'));
  const [verb, sub, ...named] = fromCommand(args);
  const yarnGlobal = tool === 'yarn' && verb === 'global';
  const packages = (yarnGlobal ? named : [sub, ...named]).filter((a): a is string => !!a && !a.startsWith('-'));
  if (!packages.some((p) => REGISTRY_PACKAGE.test(p) && !/\.(?:tgz|tar\.gz)$/.test(p))) return false;
  if (yarnGlobal) return /^(?:add|upgrade)$/.test(sub ?? '');
  if (tool === 'pnpm' && verb === 'dlx') return true;
  if (/^(?:i|in|ins|inst|insta|instal|install|isnt|isntall|add)$/.test(verb ?? '')) return true;
  return global && /^(?:update|up|upgrade|ci|link|ln)$/.test(verb ?? '');
}

/**
 * The names the gate's chain looks up on PATH: npx and what it runs (npm, node, corepack's shims),
 * gitguard, and the programs gitguard runs by name (git and its `git-*` helpers, gpg, ssh-keygen, a
 * shell). A program of another name in a PATH folder shadows none of them.
 */
const LOOKED_UP =
  /^(?:npx|npm|node|nodejs|corepack|pnpm|yarn|gitguard|git|git-.*|gpg2?|gpgsm|ssh|ssh-keygen|ssh-agent|sh|bash|dash|env)$/;

/**
 * Whether `go install` with `args` may write a program the gate looks up: go names the program it
 * builds after the package's path (its last element, a `/vN` major version skipped), and a build
 * runs no code of the package; a folder of the checkout (`./cmd/x`, `./...`) names the change's own
 * packages (the residual risk README states); a remote pattern (`x.org/tools/cmd/...`) names none.
 */
function goInstallsLookedUp(args: readonly string[]): boolean {
  const paths = args.filter((a) => !a.startsWith('-'));
  return paths.some((p) => {
    if (/^\.{1,2}(?:\/|$)/.test(p)) return false;
    if (p.includes('...')) return true;
    const parts = p.replace(/@.*$/, '').split('/');
    const last = /^v\d+$/.test(parts.at(-1) ?? '') ? parts.at(-2) : parts.at(-1);
    return !/^[\w.-]+$/.test(last ?? '') || LOOKED_UP.test(last!) || /[$`*?[]/.test(p);
  });
}

/** pip with `args` (past `-m pip`): an install into the user's folder or, by uv, the system's. */
const pipUser = (args: readonly string[]): boolean =>
  fromCommand(args)[0] === 'install' && args.some((a) => a === '--user' || a === '--system');

/**
 * Whether the command `words` (its name first, past wrappers) installs a registry's programs where
 * the runner looks for programs, or runs a registry's package (see above).
 */
export function installsTools(words: readonly string[]): boolean {
  const [name, ...args] = words;
  if (name === undefined) return false;
  const tool = base(name);
  const [verb, sub] = fromCommand(args);
  if (PIP.test(tool)) return pipUser(args);
  if (PYTHON.test(tool)) {
    const m = args.indexOf('-m');
    return m >= 0 && args[m + 1] === 'pip' && pipUser(args.slice(m + 2));
  }
  if (/^(?:npm|pnpm|yarn|bun)$/.test(tool)) return globalNode(tool, args);
  switch (tool) {
    case 'pipx':
      return /^(?:install|install-all|inject|run|upgrade|upgrade-all|reinstall|reinstall-all)$/.test(verb ?? '');
    case 'uvx':
    case 'bunx':
      return true;
    case 'volta':
      // A node package's programs into ~/.volta/bin, which Volta's setup puts on PATH.
      return /^(?:install|fetch|run)$/.test(verb ?? '');
    case 'mise':
    case 'rtx':
      // A tool named here (`mise use -g npm:x`, `mise x ubi:y -- z`) or a plugin (its code runs); a bare
      // `mise install` installs what the checkout's mise files name (read as their own: mise-file deps).
      return (
        /^(?:plugins?|plugin-install)$/.test(verb ?? '') ||
        (/^(?:install|i|use|u|exec|x)$/.test(verb ?? '') && fromCommand(args.slice(args.indexOf(verb!) + 1)).length > 0)
      );
    case 'asdf':
      // A plugin is a third party's scripts, run by each install.
      return /^(?:plugin|plugin-add|plugin-update|install)$/.test(verb ?? '');
    case 'uv':
      return (
        (verb === 'tool' && /^(?:install|run|upgrade)$/.test(sub ?? '')) || (verb === 'pip' && pipUser(args.slice(1)))
      );
    case 'cargo':
      return verb === 'install' || verb === 'binstall';
    case 'go':
      return verb === 'install' && goInstallsLookedUp(args.slice(args.indexOf('install') + 1));
    case 'gem':
      return /^(?:install|update)$/.test(verb ?? '');
    case 'dotnet':
      return (
        verb === 'tool' &&
        /^(?:install|update)$/.test(sub ?? '') &&
        args.some((a) => /^(?:-g|--global|--tool-path)$/.test(a))
      );
    case 'composer':
      return verb === 'global';
    case 'brew':
      // A tap is a third party's formulae; `brew install user/tap/x` taps it.
      return (
        verb === 'tap' || (/^(?:install|reinstall|upgrade)$/.test(verb ?? '') && args.some((a) => a.includes('/')))
      );
  }
  return false;
}
