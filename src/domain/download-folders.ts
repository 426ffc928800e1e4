// Where a download or an unpacking writes besides the paths it names (step-env.ts writtenPaths):
// curl -O without --output-dir, wget without -O or -P, tar x without -C and unzip without -d write
// names of the URL's or the archive's own into the folder they run in; with the option, under the
// folder it names. GNU tar and bsdtar refuse a member with a `..` name and make a member's link only
// after the members that could be written through it (GNU tar leaves a placeholder file until the
// end), unzip drops `../` and makes links last: one unpacking stays under its folder. A link it
// makes there is a way out for what is written under that folder later (another unpacking into
// it, `cp x build/l/gate.sh`): written-reach.ts reads such a folder as not told for those.

/** An option telling wget's file (`-O f`, `-qO f`, `--output-document=f`) or folder (`-P d`). */
const WGET_TOLD = /^-[A-Za-z]*[OP]$|^-[OP].|^--(?:output-document|directory-prefix)(?:=|$)/;
/** curl's short options that take a value (the rest of the cluster or the next word). */
const CURL_VALUED = 'obcdeEhHKmrtTuUwxXyYzCPQAD';
/** tar's folder option (`-C d`, `-Cd`, `--directory=d`). */
const TAR_FOLDER = /^-[A-Za-z]*C$|^-C.|^--directory(?:=|$)/;
/** tar's extract mode: `-x`, `-xzf`, old style `xzf` as its first word, `--extract`, `--get`. */
const extracts = (args: readonly string[]): boolean =>
  args.some(
    (a, i) => /^-[A-Za-z]*x[A-Za-z]*$|^--(?:extract|get)$/.test(a) || (i === 0 && /^[A-Za-wyz]*x[A-Za-z]*$/.test(a)),
  );

/**
 * The archive a tar that does not extract writes (`tar czf out.tgz dist`, `-cf x`, `-f x`, `--file=x`;
 * a listing is read as writing it too): its names are its own, not the archive's. `$` (not told)
 * where the value is missing; none for stdout's `-` or no `f` (tar writes stdout).
 */
export function tarArchive(args: readonly string[]): string[] {
  const out: string[] = [];
  // Old style: the first word's letters take their values from the words after it, in order.
  const old = args[0] !== undefined && !args[0].startsWith('-') ? args[0] : undefined;
  let next = old ? 1 : 0;
  if (old)
    for (const c of old) {
      if (c === 'f') out.push(args[next] ?? '$');
      if ('fCbHKNLTgVX'.includes(c)) next += 1;
    }
  args.forEach((a, i) => {
    if (i === 0 && old) return;
    if (a.startsWith('--file=')) out.push(a.slice(7));
    else if (a === '--file' || /^-[A-Za-z]*f$/.test(a)) out.push(args[i + 1] ?? '$');
    else if (/^-[A-Za-z]*f./.test(a)) out.push(a.slice(a.indexOf('f') + 1));
  });
  return out.filter((f) => f !== '-');
}

/**
 * The files curl writes (`-o f`, `--output=f`; `-O`, `--remote-name`: the URL's last segment, under
 * `--output-dir` or the folder it runs in): `$` (not told) where `-J` takes the server's name or a
 * URL's last segment is not a plain name.
 */
export function curlWrites(args: readonly string[]): string[] {
  const out: string[] = [];
  let dir: string | undefined;
  let [remote, header] = [false, false];
  args.forEach((a, i) => {
    const next = args[i + 1] ?? '$';
    if (a === '--output') out.push(next);
    else if (a.startsWith('--output=')) out.push(a.slice(9));
    else if (a === '--output-dir') dir = next;
    else if (a.startsWith('--output-dir=')) dir = a.slice(13);
    else if (/^--remote-name(?:-all)?$/.test(a)) remote = true;
    else if (a === '--remote-header-name') header = true;
    else if (/^-[^-]/.test(a))
      // A cluster of short options (`-sSLO`, `-fsSLo f`): up to the first one taking a value.
      for (let k = 1; k < a.length; k += 1) {
        const c = a[k]!;
        remote ||= c === 'O';
        header ||= c === 'J';
        if (c === 'o') out.push(a.slice(k + 1) || next);
        if (CURL_VALUED.includes(c)) break;
      }
  });
  if (remote) {
    const urls = args.filter((a) => /^[a-z][\w+.-]*:\/\//i.test(a));
    const last = (u: string): string =>
      /\/([\w.@+-]+)(?:[?#].*)?$/.exec(u.replace(/^[^:]+:\/\/[^/?#]*/, ''))?.[1] ?? '$';
    out.push(...(header || !urls.length ? ['$'] : urls.map(last)));
  }
  // `--output-dir` holds `-o`'s files too (each named both ways: an absolute `-o` is read as written).
  const files = out.filter((f) => f !== '-');
  return dir === undefined ? files : [...files, ...files.map((f) => `${dir}/${f}`)];
}

/** Whether a tar with `args` extracts (writes the archive's names) rather than creates or lists. */
export const tarExtracts = (args: readonly string[]): boolean => extracts(args);

/** Whether curl, wget, tar or unzip `tool` with `args` writes into the folder it runs in (names not told). */
export function writesHere(tool: string, args: readonly string[]): boolean {
  if (tool === 'curl')
    return args.some((a) => /^-[A-Za-z]*O|^--remote-name/.test(a)) && !args.some((a) => /^--output-dir(?:=|$)/.test(a));
  if (tool === 'wget') return !args.some((a) => WGET_TOLD.test(a));
  if (tool === 'unzip') return !args.some((a) => a === '-d');
  return !(extracts(args) && args.some((a) => TAR_FOLDER.test(a)));
}

/** Whether the folders `tool` writes under get names (and links) from the download or archive: an unpacking, wget's `-P`. */
export const unpacksInto = (tool: string, args: readonly string[]): boolean =>
  tool === 'unzip' || tool === 'wget' || (/^(?:bsd)?tar$/.test(tool) && extracts(args));
