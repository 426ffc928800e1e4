// Shared reading of git config facts: "last one wins" (git's boolean syntax: domain/config.ts), and findings that name
// key, value, scope and file, as every config rule must.
import type { Available, ConfigEntry, Facts, Finding } from '../../domain/model.js';
import { originFile } from '../../domain/config.js';
import { redactUrls } from '../../domain/escape.js';
import { shellWord } from '../../domain/shell-word.js';

/** A finding about one config entry. Keys and values may hold URLs with secrets: always redacted. */
export function configFinding(e: ConfigEntry, message: string, value: string | null = e.value): Finding {
  const file = originFile(e.origin);
  return {
    message: redactUrls(message),
    ...(file ? { file, locations: [{ file, ...(e.line ? { line: e.line } : {}) }] } : {}),
    evidence: {
      key: redactUrls(e.key),
      value: value === null ? '(true)' : redactUrls(value),
      scope: e.scope,
      origin: e.origin,
    },
  };
}

/** Where git reads an entry only where an includeIf's condition holds, for a finding's message ('' otherwise). */
export function conditionNote(e: ConfigEntry): string {
  return e.includeIf === undefined
    ? ''
    : ` (in a file git takes in where includeIf "${e.includeIf}" holds, as it does not here: on another branch, in another place or with another remote)`;
}

/** The command that removes entry `e` where git read it (its scope), for a finding's next step. */
export function unsetStep(e: ConfigEntry): string {
  const variable = /^environment:(\w+)$/.exec(e.origin)?.[1];
  if (variable) return `unset ${variable} (git reads it over every config scope)`;
  if (e.scope === 'command') return `drop ${e.key} from the git -c options or GIT_CONFIG_* variables that set it`;
  // A file git reads only where its includeIf holds: unset where it is (--local would not reach it).
  const at =
    e.scope === 'unknown' || e.includeIf !== undefined
      ? `--file ${shellWord(originFile(e.origin) ?? e.origin)}`
      : `--${e.scope}`;
  const where = e.worktreeGitDir && e.includeIf === undefined ? `--git-dir=${shellWord(e.worktreeGitDir)} ` : '';
  return `git ${where}config ${at} --unset-all ${shellWord(e.key)}`;
}

/**
 * The config git reads in this repository, wherever someone works in it: this worktree's, then what
 * git reads only in the other worktrees (undefined there: a fact not asked for, as in rule tables).
 */
export function everyWorktreeConfig(facts: Pick<Facts, 'config' | 'worktreeConfig'>): Available<ConfigEntry[]> {
  if (!facts.config.ok) return facts.config;
  const other = facts.worktreeConfig;
  if (other && !other.ok) return other;
  return { ok: true, value: [...facts.config.value, ...(other?.value ?? [])] };
}
