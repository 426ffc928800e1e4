// tox.ini as the CI gate's chain reads it (domain/ci-commands.ts chainPart): `tox -e gate` reads the
// [tox] section, the [testenv] every environment inherits and [testenv:gate]; another environment's
// section, or a tool's ([flake8], [pytest]), is no change. A section named by a pattern
// (`[testenv:py{311,312}-gate]`) counts too; a kept section that reads one not kept (`{[x]y}`, `base =`),
// a section given twice, or lines before the first section: all of it.

/** The environments `tox <args>` names by `-e` (`-e a,b`, `-ea`, `--env`), undefined where none is (all of env_list). */
export function toxEnvs(args: readonly string[]): string[] | undefined {
  const envs = args.flatMap((a, k) => {
    const v = ['-e', '--env'].includes(args[k - 1] ?? '') ? a : /^(?:-e|--env=)(.+)$/.exec(a)?.[1];
    return v === undefined ? [] : v.split(',');
  });
  return envs.length && envs.every((e) => /^[\w.-]+$/.test(e)) ? envs : undefined;
}

/** See the header: the sections `envs` read, as text to compare; the whole text where that is not known. */
export function toxPart(text: string, envs: readonly string[]): string {
  const kept = toxSections(text, envs);
  return kept ? JSON.stringify(kept) : text;
}

/** The lines `tox -e envs` may run: those of the sections it reads (all of them where that is not known). */
export function toxLines(text: string, envs: readonly string[] | undefined): string[] {
  const kept = envs && toxSections(text, envs);
  return kept ? kept.flatMap(([, lines]) => lines) : text.split(/\r?\n/);
}

function toxSections(text: string, envs: readonly string[]): Array<[string, string[]]> | undefined {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.replace(/^\uFEFF/, '').split(/\r?\n/)) {
    const name = /^\[([^\]]+)\]\s*$/.exec(line)?.[1]?.trim();
    if (name !== undefined) {
      if (sections.has(name)) return undefined;
      sections.set(name, (current = []));
    } else if (/^\s*(?:[#;].*)?$/.test(line)) continue;
    else if (!current) return undefined;
    else current.push(line);
  }
  const wanted = new Set(['tox', 'tox:tox', 'testenv', ...envs.map((e) => `testenv:${e}`)]);
  const kept = [...sections].filter(([n]) => wanted.has(n) || /[{}]/.test(n));
  // `{[testenv]deps}` reads a kept section; `{[other]x}` or tox 4's `base =` another one.
  const reads = (l: string): boolean =>
    /^base\s*=/.test(l) || [...l.matchAll(/\{\[([^\]]*)\]/g)].some((m) => !kept.some(([n]) => n === m[1]!.trim()));
  return kept.some(([, lines]) => lines.some(reads)) ? undefined : kept;
}
