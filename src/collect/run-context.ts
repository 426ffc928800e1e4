// What one run of gitguard takes from its process: the environment, the git program to run, and the
// tokens no output may contain. The binary makes one run per process, but main(argv, io) may run many
// times in one process (the tests do): each run carries its own context, which AsyncLocalStorage
// follows through every await, callback and child-process event of that run, so nothing a run sets
// (--git, a token) is left behind in module state for the next one.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RunContext {
  /** The run's environment (the process's, for the binary): timeouts, limits, PATH, HOME. */
  env: NodeJS.ProcessEnv;
  /** `--git PATH`, else 'git' found on the run's PATH. Never taken from the audited repository. */
  gitBinary: string;
  /** Secrets (forge tokens) that every message leaving the forge collector is scrubbed of. */
  secrets: Set<string>;
  /** The folders the audited repository controls, filled as it is found (collect/audited-folders.ts). */
  auditedFolders?: Set<string>;
}

const current = new AsyncLocalStorage<RunContext>();

// Code called outside any run (a library caller, a unit test): the process itself is the run.
let processRun: RunContext | undefined;

export function runContext(): RunContext {
  return current.getStore() ?? (processRun ??= { env: process.env, gitBinary: 'git', secrets: new Set() });
}

/**
 * Runs f in a context made of the current one with `changes` applied. main() starts each run with its
 * own environment and an empty set of secrets; an engine call narrows it (e.g. the audit's --git).
 */
export function inRun<T>(changes: Partial<RunContext>, f: () => T): T {
  return current.run({ ...runContext(), ...changes }, f);
}

/** The audited repository's folders (collect/audited-folders.ts), in a run; none outside any (a library caller, a unit test). */
export const runAuditedFolders = (): Set<string> | undefined => runContext().auditedFolders;

/** The run's environment. */
export const runEnv = (): NodeJS.ProcessEnv => runContext().env;
