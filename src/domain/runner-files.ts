// What a step writes to the files GitHub's runner reads after it: $GITHUB_ENV (variables for the
// later steps) and $GITHUB_PATH (folders searched before the image's). Only literal lines are read;
// anything else is taken as changing what a later gitguard runs (step-env.ts).
import { startupEnv } from './checkout-runs.js';
import { unfollowedAssignment } from './shell-state.js';
import { gitVariableLoses } from './env-names.js';

/** A `NAME=value` line for $GITHUB_ENV: no escape that could write a second line, expansions only of RUNNER_VARS. */
const ENV_LINE = /^([A-Za-z_]\w*)=([^`\\\n]*)$/;
/** The runner's own variables, one line each: their expansion in a $GITHUB_ENV value writes no second line. */
const RUNNER_VARS = /\$\{?(?:HOME|PWD|PATH|RUNNER_TEMP|RUNNER_TOOL_CACHE|GITHUB_WORKSPACE)\}?(?![\w{])/g;

/** Whether a line `text` written to $GITHUB_ENV may change what a later gitguard runs (BASH_ENV as startupEnv reads it). */
function envLineLoses(text: string): boolean {
  const line = ENV_LINE.exec(text.trim());
  if (!line || /\$/.test(line[2]!.replace(RUNNER_VARS, ''))) return true;
  const [, name, value] = line as unknown as [string, string, string];
  if (name === 'BASH_ENV') return startupEnv([name], value);
  // Go's folder moved for the steps after it, where the reading of their `$(go env GOPATH)` cannot see.
  if (movesGoPath(name)) return true;
  // git's config, a program of its (`GIT_EXTERNAL_DIFF=x`) or another repository (`GIT_DIR=ci/x.git`):
  // the steps after it run git with it, actions/checkout's included (env-names.ts).
  return unfollowedAssignment(`${name}=${value}`) || gitVariableLoses(name, value);
}
/** The target `>> $GITHUB_ENV` (quoted or braced). */
const TO_ENV = String.raw`>>?\s*["']?\$\{?GITHUB_ENV\}?["']?`;
/** `echo "NAME=value" >> $GITHUB_ENV` (or printf, or the target first). */
const ECHO_TO_ENV = new RegExp(String.raw`^\s*(?:echo|printf)\s+(["']?)([^"'\x60\\]*)\1\s*${TO_ENV}\s*$`);
/** `cat >> $GITHUB_ENV <<EOF` / `cat <<'EOF' >> "$GITHUB_ENV"`: the lines up to EOF are written. */
const CAT_TO_ENV = new RegExp(
  String.raw`^\s*cat\s+(?:${TO_ENV}\s*<<-?\s*(["']?)(\w+)\1|<<-?\s*(["']?)(\w+)\3\s*${TO_ENV})\s*$`,
);

/**
 * Whether the lines a script writes to $GITHUB_ENV may set a variable of env-names.ts for the steps
 * after it: each write must be a literal `NAME=value` (echo, printf, or a here-document's lines) of
 * another name; a value with an expansion may hold a newline, and so any second line (`NAME<<EOF`
 * writes a value of many lines: its name is read too).
 */
export function writesEnvFile(script: string): boolean {
  const lines = script.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    for (const part of lines[i]!.split(/;|&&|\|\|/)) {
      if (!/GITHUB_ENV/.test(part)) continue;
      const echo = ECHO_TO_ENV.exec(part);
      if (echo) {
        if (envLineLoses(echo[2]!)) return true;
        continue;
      }
      const cat = CAT_TO_ENV.exec(part);
      if (!cat) return true;
      const end = cat[2] ?? cat[4]!;
      for (i += 1; i < lines.length && lines[i]!.trim() !== end; i += 1) {
        if (envLineLoses(lines[i]!)) return true;
      }
    }
  }
  return false;
}

/** `echo "$HOME/.local/bin" >> $GITHUB_PATH` (or printf, the target quoted or braced): the folder it adds. */
const ECHO_TO_PATH = new RegExp(
  String.raw`^\s*(?:echo|printf)\s+(["']?)([^"'\x60\\\s]*)\1\s*>>?\s*["']?\$\{?GITHUB_PATH\}?["']?\s*$`,
);
/**
 * Where tools installed from a registry put their programs, and never the checkout (whose files are
 * the change's): a hidden folder of $HOME (`.local/bin`: pip, pipx; `.cargo/bin`, `.bun/bin`) or
 * Go's `$HOME/go/bin`, or /usr/local. A workspace may lie anywhere else on a self-hosted runner
 * (`/opt/runner/_work/...`, `$HOME/work/...` on GitHub's), as may /tmp's and $RUNNER_TEMP's.
 */
const TOOL_FOLDER = /^(?:(?:\$\{?HOME\}?|~)\/(?:\.[\w-]+|go)|\/usr\/local)(?:\/[\w.+-]+)*\/?$/;

/**
 * `$(go env GOPATH)` (or in backquotes): Go's $HOME/go while nothing the CI file shows moves it: no
 * GOPATH, GOENV, GOROOT nor another Go variable that may move it (movesGoPath) set for the step (`env:` above it: movesGo) or named in its
 * script, and none written to $GITHUB_ENV before it (envLineLoses); `go env -w` in an earlier step
 * is a write of Go's settings (step-env.ts).
 */
const GO_PATH = /\$\(\s*go\s+env\s+GOPATH\s*\)|`\s*go\s+env\s+GOPATH\s*`/g;
/** The variables that move the folder `go env GOPATH` prints (GOENV: Go's settings file; GOROOT: its go.env). */
const GO_SETTINGS = /^(?:GOPATH|GOENV|GOROOT)$/;
/**
 * Go's variables that change nothing of what `go env` prints or which go program prints it: the
 * target platform, the runtime's tuning, the build cache, module mode. Any other GO* variable may
 * (GOTOOLCHAIN names another toolchain, which go runs in its place, from PATH or downloaded by
 * GOPROXY, GOSUMDB, GONOSUMDB, GOFLAGS, GOINSECURE...; GOMODCACHE: where an extracted toolchain is
 * taken from unchecked), so with one set `$(go env GOPATH)` is not known.
 */
const GO_INERT =
  /^(?:GOOS|GOARCH|GOAMD64|GOARM|GOARM64|GO386|GOMIPS|GOMIPS64|GOPPC64|GORISCV64|GOWASM|GOMAXPROCS|GOGC|GOMEMLIMIT|GOCACHE|GOTMPDIR|GO111MODULE)$/;
/** Whether setting `name` may change what `$(go env GOPATH)` prints (GO_SETTINGS, or a GO* variable not in GO_INERT). */
const movesGoPath = (name: string): boolean =>
  GO_SETTINGS.test(name) || (/^GO[A-Z0-9_]*$/.test(name) && !GO_INERT.test(name));

/**
 * Whether a step's `env:` (plain data, maps as Map), or the variables set above it (`above`), set a
 * variable that may move Go's folder (movesGoPath): an `env:` that is no map (an expression) may set any.
 */
export function movesGo(env: unknown, above: ReadonlyMap<string, string>): boolean {
  if ([...above.keys()].some(movesGoPath)) return true;
  if (env === undefined || env === null) return false;
  return !(env instanceof Map) || [...(env as Map<unknown, unknown>).keys()].some((k) => movesGoPath(String(k)));
}

/**
 * Whether every mention of $GITHUB_PATH in `script` is a line adding a tool folder (TOOL_FOLDER) to
 * PATH: what an earlier step puts there by a command the CI file shows is judged as any write where
 * programs are looked for (programPlace: $HOME is one), what the change's own code run first may put
 * there as anywhere else (README's residual risk). `goMoved`: a movesGoPath variable is set for the
 * step (movesGo), so `$(go env GOPATH)` may print any folder, as it may where the script names one.
 */
export function addsToolFolders(script: string, goMoved = false): boolean {
  const goHome = !goMoved && !(script.replace(GO_PATH, '').match(/\bGO[A-Z0-9_]*\b/g) ?? []).some(movesGoPath);
  for (const line of script.split('\n'))
    for (const part of line.split(/;|&&|\|\|/)) {
      if (!/GITHUB_PATH/.test(part)) continue;
      const folder = ECHO_TO_PATH.exec(goHome ? part.replace(GO_PATH, '$HOME/go') : part)?.[2];
      if (folder === undefined || !TOOL_FOLDER.test(folder) || /(?:^|\/)\.\.(?:\/|$)/.test(folder)) return false;
    }
  return true;
}
