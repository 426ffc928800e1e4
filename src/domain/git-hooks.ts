// The hooks git runs (githooks(5), git 2.39), each only as an executable file of that name in the
// hooks folder: the one list for the rules (a folder with none of them runs no hook) and for the walk
// (a hooks folder at the work tree's top is these names there). Pure.
export const GIT_HOOKS: ReadonlySet<string> = new Set(
  (
    'applypatch-msg pre-applypatch post-applypatch pre-commit pre-merge-commit prepare-commit-msg commit-msg ' +
    'post-commit pre-rebase post-checkout post-merge pre-push pre-receive update proc-receive post-receive ' +
    'post-update reference-transaction push-to-checkout pre-auto-gc post-rewrite sendemail-validate ' +
    'fsmonitor-watchman p4-changelist p4-prepare-changelist p4-post-changelist p4-pre-submit post-index-change'
  ).split(' '),
);
