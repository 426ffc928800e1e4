// A script an earlier step runs in pwsh or Windows PowerShell (`shell: pwsh`, `powershell`, or no
// `shell:` on a Windows runner): it reaches the runner's files by its own commands (`Invoke-WebRequest
// -OutFile`, `Add-Content $env:GITHUB_PATH`, `Copy-Item`, `New-Item -ItemType SymbolicLink`, `$env:PATH
// = ...`), none of which a POSIX reading sees. It is not parsed as PowerShell: it keeps the gate only
// when every statement is one of a few that only print (`Write-Host`, `Write-Output`, a `Get-*`
// cmdlet, a program's version query: `node --version`), its words plain (no `$`, backquote,
// parenthesis, brace, bracket, `@`, `&`, redirection); anything else may write them (fail closed).
import { codeReaches } from './inline-code.js';

/** The commands a statement may start with and only print. */
const PRINTS = /^(?:Write-Host|Write-Output|Write-Information|Write-Verbose|echo|Get-[A-Za-z]+)$/i;
/** A program's version query: the only words after its plain name. */
const VERSION = /^(?:-v|-V|--version|-version|version)$/;
/** A word as written: plain characters, or a single-quoted string (no escape in it). */
const WORD = /^(?:[\w.,:/\\=+-]+|'[^']*')$/;

/** Whether a pwsh script may do more than print (see above). */
function pwshReaches(script: string): boolean {
  if (/[$`(){}[\]@&<>"]/.test(script.replace(/'[^']*'/g, "''"))) return true;
  for (const statement of script.split(/[\r\n;]+/)) {
    for (const command of statement.split('|')) {
      const words = command.match(/'[^']*'|[^\s']+/g) ?? [];
      if (!words.length) continue;
      if (!words.every((w) => WORD.test(w))) return true;
      const [name, ...args] = words;
      if (PRINTS.test(name!)) continue;
      if (/^[\w.-]+$/.test(name!) && args.length === 1 && VERSION.test(args[0]!)) continue;
      return true;
    }
  }
  return false;
}

/** Whether a script a shell that is no POSIX one runs may reach the runner's files: pwsh's by pwshReaches, another's by codeReaches. */
export const foreignReaches = (shell: unknown, script: string): boolean =>
  typeof shell === 'string' && /^\s*(?:pwsh|powershell)\b/i.test(shell) ? pwshReaches(script) : codeReaches(script);
