// no-code-execution-in-local-config on the editors, pagers and diff tools people set up in a
// repository's own .git/config as those tools document it: the JetBrains IDEs' launchers (`idea
// --wait`, `idea diff $LOCAL $REMOTE`), VS Code's difftool and mergetool commands, delta as the pager
// and interactive.diffFilter, less with long options, an editor under Windows' Program Files. Each
// runs the user's own program (from PATH, a system folder, or a folder only an administrator writes)
// with options that run nothing else: they failed, now pass. Twins: the same keys naming a program of
// the repository's choosing (a relative path, a shell, a chained command, delta --pager, an option
// taking a program) still fail.
import { cleanupTemp } from '../helpers/repo.js';
import { configRuleRepo } from '../helpers/config-rule.js';

afterAll(() => cleanupTemp());

const { outcome } = configRuleRepo('no-code-execution-in-local-config');

const clean: [string, string][] = [
  ['core.editor', 'idea --wait'],
  ['core.editor', 'pycharm64 --wait'],
  ['core.editor', 'code-insiders --wait --new-window'],
  ['core.editor', 'codium -w'],
  ['core.editor', "'C:/Program Files/Microsoft VS Code/Code.exe' --wait"],
  ['core.editor', '"C:\\Program Files\\JetBrains\\IntelliJ IDEA 2024.1\\bin\\idea64.exe" --wait'],
  ['sequence.editor', 'webstorm --wait'],
  ['core.pager', 'delta'],
  ['core.pager', 'delta --side-by-side --line-numbers'],
  ['core.pager', 'less --tabs=4 -RFX'],
  ['pager.diff', 'delta --navigate'],
  ['interactive.diffFilter', 'delta --color-only'],
  ['difftool.vscode.cmd', 'code --wait --diff $LOCAL $REMOTE'],
  ['mergetool.vscode.cmd', 'code --wait --merge $REMOTE $LOCAL $BASE $MERGED'],
  ['mergetool.vscode.cmd', 'code --wait "$MERGED"'],
  ['difftool.intellij.cmd', 'idea diff "$LOCAL" "$REMOTE"'],
  ['mergetool.intellij.cmd', 'idea merge "$LOCAL" "$REMOTE" "$BASE" "$MERGED"'],
  ['mergetool.meld.cmd', 'meld "$LOCAL" "$BASE" "$REMOTE" --output "$MERGED"'],
  ['mergetool.smerge.cmd', 'smerge mergetool "$BASE" "$LOCAL" "$REMOTE" -o "$MERGED"'],
];

test.each(clean)("%s=%s in the repository's config passes (before: fail)", async (key, value) => {
  expect(await outcome({ [key]: value, 'diff.tool': 'vscode', 'merge.tool': 'vscode' })).toEqual({
    outcome: 'pass',
    messages: [],
  });
});

const attacks: [string, string][] = [
  ['core.editor', './tools/idea --wait'],
  ['core.editor', 'code --wait; sh ./x'],
  ['core.editor', "'C:/Program Files/../Users/x/repo/Code.exe' --wait"],
  ['core.editor', 'idea --wait $(./x)'],
  ['core.editor', '/home/u/repo/code --wait'],
  ['core.pager', 'delta --pager ./x'],
  ['core.pager', 'delta --features=x'],
  ['core.pager', 'less --lesskey-file=.lesskey'],
  ['interactive.diffFilter', 'sh -c ./x'],
  ['interactive.diffFilter', 'delta --color-only | ./x'],
  ['difftool.vscode.cmd', 'code --wait --diff $LOCAL $REMOTE && ./x'],
  ['mergetool.vscode.cmd', './code --wait $MERGED'],
  ['mergetool.meld.cmd', 'meld "$(./x)"'],
  ['mergetool.vscode.path', '/usr/bin/code'],
];

test.each(attacks)('twin: %s=%s still fails', async (key, value) => {
  expect((await outcome({ [key]: value })).outcome).toBe('fail');
});

test('twin: delta as the pager with a pager of the repository in its own delta settings fails', async () => {
  expect((await outcome({ 'core.pager': 'delta', 'delta.pager': './x' })).outcome).toBe('fail');
  expect((await outcome({ 'core.pager': 'delta', 'delta.side.pager': 'sh -c id' })).outcome).toBe('fail');
});
