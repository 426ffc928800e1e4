// Program text of another language that an earlier step runs from the CI file itself: `python -c`,
// `node -e`, `perl -e`, `ruby -e`, a here-document or a pipe fed to an interpreter, a step whose
// `shell:` is no POSIX shell (`shell: python`, pwsh). Such code reaches the runner's files as a
// shell's `>> $GITHUB_PATH` does, by names it builds (`os.environ['GITHUB_' + 'PATH']`), and writes
// where programs are looked for (`shutil.copy(x, '/usr/local/bin/npx')`) with no word a shell
// reading sees. It is not read as a language: code keeps the gate only when every name it uses is
// one of a few that print (a version, a value of JSON) and reach neither the environment, nor a
// file, nor another program; any other, a string that interpolates, or a quote not closed, is
// judged as a step that writes the runner's files (fail closed).

/** Interpreters whose code may come from the command line or stdin. */
const INTERPRETER =
  /^(?:py|python[\d.]*|pypy[\d.]*|node|nodejs|deno|bun|perl[\d.]*|ruby[\d.]*|php[\d.]*|lua[\d.]*|luajit|Rscript|pwsh|powershell|osascript|tclsh|wish|julia)$/;
/** awk, whose program is its first word past the options (`-F:`, `-v x=1`). */
const AWK = /^[gmn]?awk$/;
/** What lets an awk program write a file, run a program or read the environment. */
const AWK_REACHES = /[>|@]|\b(?:system|ENVIRON|getline|close|fflush|PROCINFO)\b/;
/** Python modules run by `-m` that are programs of the image or the registry (pip, venv) or run the change's tests. */
const MODULES =
  /^(?:pip|venv|ensurepip|virtualenv|pipx|build|twine|wheel|pytest|unittest|tox|nox|coverage|mypy|black|flake8|pylint|ruff|isort|poetry|json\.tool)$/;
/** Options that only print the interpreter's version or help. */
const VERSION = /^(?:-V|-v|--version|-version|--help|-h)$/;
/** Options whose next word is their value (a folder, a module), not the script: `perl -I lib`, `node --require x`. */
const VALUED = /^(?:-[IMWXx]|--require|--import|--loader|--experimental-loader)$/;
/** Options whose next word (or the rest of the word: `-c'...'`) is code. */
const CODE = /^(?:-[lnaw]*[ceEpr]|--eval|--print|-Command|-command|eval)$/;

/** The names code may use: printing, versions, JSON, the interpreter's argv and exit, keywords. */
const SAFE = new Set(
  (
    'import from as sys print version version_info versions python_version platform json load loads dumps ' +
    'stdin stdout stderr argv exit console log error info warn process node arch JSON parse stringify ' +
    'len str int float split strip join lower upper true false True False None null undefined if else ' +
    'for in and or not of return puts say'
  ).split(' '),
);

/**
 * Whether `code` may reach the runner's files or another program: a name not in SAFE (`open`,
 * `environ`, `ENV`, `require` but of a checkout file), `__`, a backquote, a string that interpolates
 * or escapes (`${}`, `#{}`, `@{}`, `\x`), `import(` or `import '...'`, a property read by a string
 * (`process['env']`), or a quote not closed.
 */
export function codeReaches(code: string): boolean {
  if (/`|__|\bimport\s*[('"]|\]\s*\[|\b(?:process|console|sys|JSON|json|platform)\s*\[/.test(code)) return true;
  // `require('./package.json')`: the checkout's file, read as the change's own code (README's residual risk).
  let rest = code.replace(/\brequire\(\s*(["'])\.{1,2}\/[^"'$`\\]*\1\s*\)/g, ' ');
  // Strings: inert when they hold no interpolation nor escape but \n, \t and the quote's own.
  const STRING = /"((?:[^"\\]|\\["\\nt])*)"|'((?:[^'\\]|\\['\\nt])*)'/g;
  for (const m of rest.matchAll(STRING)) if (/[$@{}#%]/.test(m[1] ?? m[2]!)) return true;
  rest = rest.replace(STRING, ' ');
  if (/["'\\]/.test(rest)) return true;
  for (const name of rest.match(/[A-Za-z_]\w*/g) ?? []) if (!SAFE.has(name)) return true;
  return /[$@%]/.test(rest);
}

/**
 * Whether the command `name args` (past its wrappers) runs code of another language from the CI
 * file that may reach the runner's files (codeReaches): its inline code, a here-document it reads,
 * or stdin (a pipe, the step's input: not read, so it may). A version query keeps the gate; a
 * script file of the checkout is the change's own code (README's residual risk); one elsewhere
 * (`/tmp/x.py`, `/dev/stdin`, `$RUNNER_TEMP/x.js`) was written by the step: it counts.
 */
export function interpreterReaches(name: string, args: readonly string[], heredocs: readonly string[]): boolean {
  const tool = name.replace(/^.*\//, '');
  if (AWK.test(tool)) return awkReaches(args);
  if (!INTERPRETER.test(tool)) return false;
  if (args.length && args.every((a) => VERSION.test(a))) return false;
  // Code from the network (`node --import https://...`, `deno run https://...`): not in the CI file.
  if (args.some((a) => /:\/\//.test(a))) return true;
  const code: string[] = [];
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i]!;
    if (CODE.test(a)) code.push(args[(i += 1)] ?? '');
    else if (/^-[ceEr]./.test(a)) code.push(a.slice(2));
    else if (a === '-m' && /^python|^pypy/.test(tool)) return !MODULES.test(args[i + 1] ?? '');
    else if (a === '-') break;
    else if (a.startsWith('-')) return true;
    else if (code.length) break;
    // A script file: the checkout's (a relative path, no `..`) is the change's own code.
    else return !/^(?:\.\/)?[\w@+-][\w.@+-]*(?:\/[\w.@+-]+)*$/.test(a) || /(?:^|\/)\.\.(?:\/|$)/.test(a);
  }
  if (code.length) return code.some(codeReaches);
  return heredocs.length ? heredocs.some(codeReaches) : true;
}

/** Whether an awk command may write a file, run a program or read the environment (AWK_REACHES), or reads its program from a file. */
function awkReaches(args: readonly string[]): boolean {
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i]!;
    if (a === '-F' || a === '-v') i += 1;
    else if (/^-[Fv]./.test(a)) continue;
    else return a.startsWith('-') || AWK_REACHES.test(a);
  }
  return true;
}

/** Whether a step's `shell:` runs its script as no POSIX shell does (`python {0}`, pwsh, cmd): its text is such code. */
export const foreignShell = (shell: unknown): boolean =>
  typeof shell === 'string' && !/^\s*(?:bash|sh)(?:\s|$)/.test(shell);

/**
 * Whether an interpreter takes its program from an option (`perl -pi -e '...'`, `ruby -e`, `node -p`,
 * `python -c` or `-m fileinput`) before any word that is no option: the words after it are the
 * program's input (the file `perl -pi -e` edits), not a script it runs.
 */
export function programInOption(name: string, args: readonly string[]): boolean {
  if (!INTERPRETER.test(name.replace(/^.*\//, ''))) return false;
  for (let i = 0; i < args.length; i += 1) {
    const a = args[i]!;
    if (CODE.test(a) || /^-[ceEr]./.test(a) || a === '-m' || /^-m./.test(a)) return true;
    if (!a.startsWith('-') || a === '-' || a === '--') return false;
    if (VALUED.test(a)) i += 1; // `-I lib`, `--require x`: its value is no script
  }
  return false;
}
