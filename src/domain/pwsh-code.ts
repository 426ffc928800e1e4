// A script an earlier step runs in pwsh or Windows PowerShell (`shell: pwsh`, `powershell`, or no
// `shell:` on a Windows runner): it reaches the runner's files by its own commands (`Invoke-WebRequest
// -OutFile`, `Add-Content $env:GITHUB_PATH`, `Copy-Item`, `New-Item -ItemType SymbolicLink`, `$env:PATH
// = ...`), none of which a POSIX reading sees. It is not parsed as PowerShell: it keeps the gate only
// when every statement is one of a few that only print (`Write-Host`, `Write-Output`, a `Get-*`
// cmdlet, a program's version query: `node --version`, the `$PSVersionTable` it prints, a `git config`
// of a setting that runs nothing: `git config --global core.autocrlf false`), or a package manager's
// command both shells read alike (`npm ci`: the POSIX reading of the step judges it), its words
// plain (no `$`, backquote, parenthesis, brace, bracket, `@`, `&`, redirection); a double-quoted
// string holding no `$` or backquote is as literal as a single-quoted one (pwsh expands nothing else
// in it). pwsh also takes the typographic quotes ‘ ’ ‚ ‛ “ ” „ for quotes: a script holding one is not
// read. Anything else may write them (fail closed).
import { codeReaches } from './inline-code.js';
import { setsQuietGitSetting } from './checkout-moves.js';

/** The commands a statement may start with and only print. */
const PRINTS = /^(?:Write-Host|Write-Output|Write-Information|Write-Verbose|echo|Get-[A-Za-z]+)$/i;
/** A program's version query: the only words after its plain name. */
const VERSION = /^(?:-v|-V|--version|-version|version)$/;
/** A word as written: plain characters, or a single-quoted string (no escape in it). */
const WORD = /^(?:[\w.,:/\\=+-]+|'[^']*')$/;

/**
 * A package manager's install or script run that pwsh and a POSIX shell read as the same words
 * (`npm ci`, `pnpm install --frozen-lockfile`, `yarn install --immutable`): a program of that name,
 * which pwsh has as no alias, function or cmdlet, so it runs the one on PATH (pwsh looks in no
 * current folder), each word letters, digits, `.` and `-` alone and no option holding `.` (pwsh hands
 * `-Dx.y` to a program as two words). The POSIX reading of the step's same text judges what it runs
 * (package scripts at the commit, .npmrc's script-shell...), as a bash step's.
 */
const PACKAGE_COMMAND = /^(?:npm|pnpm|yarn)(?:[ \t]+(?:[A-Za-z0-9][\w.-]*|--?[A-Za-z][\w-]*))*$/;

/** Whether a pwsh line is a package manager's command that bash reads alike (PACKAGE_COMMAND). */
export const plainPackageLine = (line: string): boolean => PACKAGE_COMMAND.test(line.trim());

/** pwsh's quote characters besides ASCII's, which end a string ASCII's opened as well. */
const TYPOGRAPHIC_QUOTES = /[\u2018-\u201e]/;
/** The automatic variable holding pwsh's version, or a property of it: reading it only prints. */
const VERSION_TABLE = /\$PSVersionTable(?:\.\w+)*(?![\w:])/gi;

/**
 * The script with each quoted string that expands nothing written `''`, read left to right as pwsh
 * reads quotes (a quote inside the other kind's string is a character); undefined where a string is
 * not closed or a double-quoted one expands (`$`, backquote).
 */
function literalsBlanked(script: string): string | undefined {
  let out = '';
  for (const [token] of script.matchAll(/'[^']*'|"[^"]*"|[^'"]+|['"]/g)) {
    if (token === "'" || token === '"') return undefined;
    if (token.startsWith("'") || token.startsWith('"')) {
      if (token.startsWith('"') && /[$`]/.test(token)) return undefined;
      out += "''";
    } else out += token.replace(VERSION_TABLE, 'Write-Output');
  }
  return out;
}

/** Whether a pwsh script may do more than print (see above). */
function pwshReaches(original: string): boolean {
  if (TYPOGRAPHIC_QUOTES.test(original)) return true;
  const script = literalsBlanked(original);
  if (script === undefined || /[$`(){}[\]@&<>"]/.test(script)) return true;
  for (const statement of script.split(/[\r\n;]+/)) {
    // Judged by the POSIX reading of the same line (PACKAGE_COMMAND): no string in it, so as written.
    if (plainPackageLine(statement)) continue;
    for (const command of statement.split('|')) {
      const words = command.match(/'[^']*'|[^\s']+/g) ?? [];
      if (!words.length) continue;
      if (!words.every((w) => WORD.test(w))) return true;
      const [name, ...args] = words;
      if (PRINTS.test(name!)) continue;
      if (/^[\w.-]+$/.test(name!) && args.length === 1 && VERSION.test(args[0]!)) continue;
      // `git config --global core.autocrlf false` (before actions/checkout on a Windows runner): a
      // setting that runs nothing, in git's own file, as a POSIX step's (checkout-moves.ts).
      if (setsQuietGitSetting(words.map((w) => w.replace(/^'(.*)'$/s, '$1')))) continue;
      return true;
    }
  }
  return false;
}

/** Whether a script a shell that is no POSIX one runs may reach the runner's files: pwsh's by pwshReaches, another's by codeReaches. */
export const foreignReaches = (shell: unknown, script: string): boolean =>
  typeof shell === 'string' && /^\s*(?:pwsh|powershell)\b/i.test(shell) ? pwshReaches(script) : codeReaches(script);

/** The verbs of pwsh's cmdlets that write, copy, move, remove, fetch or print files (`Copy-Item`, `Set-Content`, `Out-File`, `Get-Content`). */
const FILE_VERBS =
  /^(?:Add|Clear|Compress|Copy|Expand|Export|Get|Move|New|Out|Remove|Rename|Save|Set|Tee|Write)-[a-z]+$/i;
/** pwsh's aliases of those, its cmdlets that download (`-OutFile`), and cmd's file commands. */
const FILE_COMMANDS =
  /^(?:Invoke-WebRequest|Invoke-RestMethod|Start-BitsTransfer|cpi|copy|xcopy|robocopy|mi|move|ren|rni|rename|ri|del|erase|rd|ni|md|sc|ac|tee|iwr|irm|mklink|type|gc|write|dir|gci)$/i;

/**
 * A pwsh or cmd command that names files to write, copy, move, remove or print, not to run: a cmdlet
 * (`Copy-Item x ci/gate.sh`, `Set-Content -Path ci/gate.sh -Value 0`, `Invoke-WebRequest -OutFile`,
 * `Write-Host`) or one of their aliases (`cpi`, `ni`, `iwr`), cmd's `copy`, `xcopy`, `move`, `ren`,
 * `del`, `mklink`, `type`. A step of one such command alone runs no gate through the file it names;
 * a program of another name (`run-s gate`, `pre-commit run`) is read as before.
 */
export const foreignFileCommand = (name: string): boolean => FILE_VERBS.test(name) || FILE_COMMANDS.test(name);
