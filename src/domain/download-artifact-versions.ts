// actions/download-artifact from v4.0.0 up to v4.1.2 unpacks an artifact's zip without checking its
// entries' names (GHSA-cxww-7g56-2vh6, CVE-2024-42471; fixed in v4.1.3): an entry named `../../x` or
// an absolute one lands outside `path:`, wherever the runner's user may write. An artifact is made by
// another job or run, which the change or a pull request controls (a job may upload a zip of its own
// making), so a step pinned to one of those releases reaches anywhere, whatever its `path:` says.

/** Whether a `uses:` of actions/download-artifact names a release that writes an entry's `..` or absolute name as it is. */
export function unpacksAnyName(uses: string): boolean {
  const m = /@v?(\d+)\.(\d+)(?:\.(\d+))?\s*$/i.exec(uses);
  if (!m) return false;
  const [major, minor, patch] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  return major === 4 && (minor === 0 || (minor === 1 && patch < 3));
}
