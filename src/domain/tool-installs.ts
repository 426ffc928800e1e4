// A command that puts a package's programs where the runner looks for programs: a user or global
// install from a registry (`pip install --user x` into ~/.local/bin, `npm i -g x` into the global
// prefix that setup-node puts first on PATH, `cargo install` into ~/.cargo/bin, `go install` into
// GOPATH/bin, judged by the one name it builds, `pipx`, `uv tool`, `gem`, `dotnet tool -g`, `composer global`), or one that runs a
// registry's package at once (`pnpm dlx`, `pnpx`, `bun x`, `uvx`, `uv run --with`, `pipx run`, `deno run npm:x`). The package chooses its programs'
// names (an `npx`, a `node`, a `gitguard`) and the CI file chooses the package; `yarn dlx` and npx
// of a git host's or URL's package (`npx owner/repo`), which is never a dependency of the project: anyone can publish
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
export const REGISTRY_PACKAGE = /^(?:@[\w.-]+\/)?[\w-][\w.-]*(?:@[^\s/:]*)?$/;

/**
 * A package spec npm resolves to no dependency of the project by name, always fetched: a git host's
 * shorthand (`owner/repo`, `github:owner/repo`), a git or http URL (a tarball's too). A scoped name
 * (`@scope/x`) is a registry name; a folder or `file:` spec is the checkout's.
 */
const FETCHED_SPEC = /^(?:\w[\w.-]*\/[\w.-]+(?:#\S*)?|(?:github|gitlab|bitbucket|gist|git(?:\+[\w]+)?|https?):.*)$/;
/** npx's and `npm exec`'s options that take a value (`-p` names a package to fetch or find). */
const NPX_VALUED = /^(?:-p|--package|-c|--call|--cache|--registry|--userconfig|-w|--workspace)$/;

/**
 * The names a commit's package.json declares (collect/commit-packages.ts): its dependencies, the
 * programs its lock says they install, its own name and programs. undefined: not read for this reading.
 */
export type Declared = ReadonlySet<string>;

/**
 * Whether npx (or `npm exec`, `bunx`) with `args` runs a package spec that is always fetched
 * (FETCHED_SPEC): the command's own spec or one `-p`/`--package` names. Where the commit's `declared`
 * names are read, a registry name none of them is (`npx cowsay`) is fetched too: npx runs the
 * project's program of that name, else the registry's package, which anyone may publish. gitguard's
 * own package is the one the gate runs.
 */
function npxFetches(args: readonly string[], declared?: Declared): boolean {
  const specs: string[] = [];
  for (let k = 0; k < args.length; k += 1) {
    const a = args[k]!;
    if (a === '--') {
      if (args[k + 1] !== undefined) specs.push(args[k + 1]!);
      break;
    }
    const joined = /^--package=(.*)$/.exec(a);
    if (joined) specs.push(joined[1]!);
    else if (NPX_VALUED.test(a)) {
      if (a === '-p' || a === '--package') specs.push(args[k + 1] ?? '');
      k += 1;
    } else if (!a.startsWith('-')) {
      specs.push(a);
      break;
    }
  }
  // With `-p`, the command word is a program of the packages it names, not a package.
  const packages = args.some((a) => /^(?:-p|--package(?:=.*)?)$/.test(a)) ? specs.slice(0, -1) : specs;
  return specs.some((p) => FETCHED_SPEC.test(p)) || (!!declared && packages.some((p) => undeclared(p, declared)));
}

/** Whether registry spec `p` (`x`, `@s/x@1`) names a package or program not in `declared`. */
function undeclared(p: string, declared: Declared): boolean {
  if (!REGISTRY_PACKAGE.test(p)) return false;
  const name = p.replace(/^(@?[^@]+)@.*$/, '$1');
  return name !== 'gitguard' && !declared.has(name);
}

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
 * The verbs npm reads as `install` or `install-test` (npm's cmd-list: its short names and typos, `it`),
 * and `add` (npm's, pnpm's, yarn's, bun's); bun's `a` is its `add`.
 */
export const INSTALL_VERB = /^(?:i|in|ins|inst|insta|instal|install|isnt|isnta|isntal|isntall|add|it|install-test)$/;

/**
 * npm, pnpm, yarn and bun installing a registry's package into their global prefix, running one
 * (`pnpm dlx`), or adding one by name to the project (`npm install x`, `yarn add x`): its install
 * scripts run, and its programs land in node_modules/.bin, where npx looks first.
 */
function globalNode(tool: string, all: readonly string[], declared?: Declared): boolean {
  const global = nodeGlobal(all);
  // `--location global`'s value is no command word.
  const args = all.filter((a, k) => !(a === 'global' && all[k - 1] === '--location'));
  const [verb, sub, ...named] = fromCommand(args);
  // Yarn's dlx installs the package into a temporary project and runs it: always fetched, as pnpm's.
  if (tool === 'yarn' && verb === 'dlx') return true;
  if (tool === 'npm' && /^(?:exec|x)$/.test(verb ?? ''))
    return npxFetches(args.slice(args.indexOf(verb!) + 1), declared);
  // `bun x` is bunx, which fetches what it does not find.
  if (tool === 'bun' && verb === 'x') return true;
  const yarnGlobal = tool === 'yarn' && verb === 'global';
  const packages = (yarnGlobal ? named : [sub, ...named]).filter((a): a is string => !!a && !a.startsWith('-'));
  if (!packages.some((p) => REGISTRY_PACKAGE.test(p) && !/\.(?:tgz|tar\.gz)$/.test(p))) return false;
  if (yarnGlobal) return /^(?:add|upgrade)$/.test(sub ?? '');
  if (tool === 'pnpm' && verb === 'dlx') return true;
  if (INSTALL_VERB.test(verb ?? '') || (tool === 'bun' && verb === 'a')) return true;
  return global && /^(?:update|u|up|upgrade|udpate|ci|link|ln)$/.test(verb ?? '');
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

/** pip's options of `install` that take a value (the value is no package). */
const PIP_VALUED =
  /^(?:-[rcetibf]|--(?:requirement|constraint|editable|target|prefix|root|index-url|extra-index-url|find-links|src|platform|python-version|implementation|abi|upgrade-strategy|progress-bar|cache-dir|log|proxy|retries|timeout|exists-action|trusted-host|cert|client-cert|config-settings|global-option|no-binary|only-binary|report|python|keyring-provider|build|group))$/;

/**
 * Whether pip with `args` (past `-m pip`, `--user` aside) installs anything: setup-python's pip puts
 * a package's console scripts in its bin folder, which is on PATH (a package may ship an `npx`), and
 * without setup-python pip falls back to the user's folder; a source package's build runs its code.
 * A requirements file (`-r`) or a folder (`.`, `-e .`) is the change's own file naming what is
 * fetched, and a build backend runs code: counted the same, vouched for only by the start's same line.
 * PyPA's own packaging tools alone from the default index (`pip install -U pip setuptools wheel`:
 * names no one else can publish) install no program the gate looks up. Where a global option
 * before the verb takes a value (`pip --python x install`), `install` is looked for among the words.
 */
function pipInstalls(args: readonly string[]): boolean {
  const at = args.indexOf('install');
  if (at < 0) return false;
  const words = args.slice(at);
  if (pipUser(args)) return true;
  const named: string[] = [];
  for (let k = 1; k < words.length; k += 1) {
    const a = words[k]!;
    if (PIP_VALUED.test(a)) return true;
    if (
      /^--(?:requirement|constraint|editable|target|prefix|root|index-url|extra-index-url|find-links)=|^-[rcetif]./.test(
        a,
      )
    )
      return true;
    if (!a.startsWith('-')) named.push(a);
  }
  return named.length === 0 || !named.every((n) => /^(?:pip|setuptools|wheel)(?:[<>=~!]=?[\w.*]+)?$/i.test(n));
}

/**
 * Whether the command `words` (its name first, past wrappers) installs a registry's programs where
 * the runner looks for programs, or runs a registry's package (see above).
 */
export function installsTools(words: readonly string[], declared?: Declared): boolean {
  const [name, ...args] = words;
  if (name === undefined) return false;
  const tool = base(name);
  const [verb, sub] = fromCommand(args);
  if (PIP.test(tool)) return pipInstalls(args);
  if (PYTHON.test(tool)) {
    // `python -m pip`, `-m pipx`, `-m uv`: the module read as the program of its name.
    const m = args.indexOf('-m');
    return m >= 0 && /^(?:pip|pipx|uv)$/.test(args[m + 1] ?? '') && installsTools(args.slice(m + 1), declared);
  }
  // corepack runs the package manager it names (`corepack pnpm@9 dlx x`) with the words after it.
  if (tool === 'corepack' && /^(?:npm|npx|pnpm|pnpx|yarn|yarnpkg)(?:@\S*)?$/.test(verb ?? ''))
    return installsTools(
      [verb!.replace(/@.*$/, '').replace(/^yarnpkg$/, 'yarn'), ...args.slice(args.indexOf(verb!) + 1)],
      declared,
    );
  if (/^(?:npm|pnpm|yarn|bun)$/.test(tool)) return globalNode(tool, args, declared);
  switch (tool) {
    case 'pipx':
      return /^(?:install|install-all|inject|run|upgrade|upgrade-all|reinstall|reinstall-all)$/.test(verb ?? '');
    case 'uvx':
    case 'bunx':
    case 'pnpx':
      return true;
    case 'deno':
      // A registry's or a URL's module named (`deno run npm:x`, `deno install -g jsr:@y/z`, `deno x`).
      return args.some((a) => /^(?:npm|jsr|https?):/i.test(a));
    case 'npx':
      return npxFetches(args, declared);
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
        (verb === 'tool' && /^(?:install|run|upgrade)$/.test(sub ?? '')) ||
        // `uv pip install x` into the environment uv finds (a source package's build runs its code), as pip's.
        (verb === 'pip' && pipInstalls(args.slice(args.indexOf('pip') + 1))) ||
        // `uv run --with x` installs x (into a throwaway environment) before it runs the command.
        (verb === 'run' && args.some((a) => /^--with(?:-requirements|-editable)?(?:=|$)/.test(a)))
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
