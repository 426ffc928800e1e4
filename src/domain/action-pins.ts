// A change of a GitHub workflow (or action.yml) that only moves the pins of remote actions: what
// Renovate and Dependabot commit every week. `uses: owner/repo@ref` names no file of the repository,
// so such a change runs nothing its parent's version did not (collect/derived-range.ts compares it
// instead of reading the commit for the files the CI runs).

/** The files whose `uses:` pins are compared: a workflow of GitHub's folder, or an action's metadata. */
export function isPinFile(path: string): boolean {
  return /^\.github\/workflows\/[^/]+\.ya?ml$/.test(path) || /(^|\/)action\.ya?ml$/.test(path);
}

// `uses: owner/repo[/path]@ref` as a line of its own, the value quoted or not, and a trailing comment
// (Renovate's `# v4.1.0`). The ref and the comment hold no `/`, `$`, quotes, parens or other shell
// syntax; still, a line so shaped inside a `run:` script is a word the script acts on (a make goal):
// collect/action-pin-steps.ts keeps only the lines YAML reads as a step's or a job's own `uses:`.
const PIN =
  /^(\s*(?:-\s+)?uses:\s+)(["']?)([A-Za-z0-9][A-Za-z0-9._/-]*)@[A-Za-z0-9_][A-Za-z0-9._-]*\2(?:\s+#[\w .+=@-]*)?(\r?)$/;

/** `text` with the ref and the version comment of every remote action's pin left out. */
export function pinless(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(PIN, '$1$2$3@$2$4'))
    .join('\n');
}
