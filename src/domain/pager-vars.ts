// The pager variables git reads (git-var(1): GIT_PAGER, then core.pager, then PAGER). git starts the
// pager, through the shell, only when its output is a terminal, which a CI step's git has none of; but
// a wrapper that gives its command one (script(1), tmux, screen, unbuffer, expect, a pty spawned by
// an interpreter) makes the git it runs start it, and the wrappers are too many to list. So a pager
// variable runs nothing only where its value pages with cat or not at all (`GIT_PAGER: cat`, `PAGER:
// ''`, the honest CI settings); any other value is a program git may run (env-names.ts).

/** The pager variables. */
const PAGER_VAR = /^(?:GIT_PAGER|PAGER)$/;
/** Values that page with cat or not at all: empty, `cat` (by path too). */
const QUIET_PAGER = /^\s*(?:(?:\/usr)?\/bin\/)?(?:cat)?\s*$/;

/** Whether setting `name` to `value` gives git a pager program it may run (see above). */
export const pagerLoses = (name: string, value: string): boolean => PAGER_VAR.test(name) && !QUIET_PAGER.test(value);
