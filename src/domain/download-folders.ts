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
/** tar's folder option (`-C d`, `-Cd`, `--directory=d`). */
const TAR_FOLDER = /^-[A-Za-z]*C$|^-C.|^--directory(?:=|$)/;
/** tar's extract mode: `-x`, `-xzf`, old style `xzf` as its first word, `--extract`, `--get`. */
const extracts = (args: readonly string[]): boolean =>
  args.some(
    (a, i) => /^-[A-Za-z]*x[A-Za-z]*$|^--(?:extract|get)$/.test(a) || (i === 0 && /^[A-Za-wyz]*x[A-Za-z]*$/.test(a)),
  );

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
