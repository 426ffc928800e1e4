// Config keys and origins as git spells them: pure helpers shared by the config collector and the
// config rules.

/** Section and variable names are case-insensitive, the subsection is not. */
export function normaliseKey(key: string): string {
  const first = key.indexOf('.');
  const last = key.lastIndexOf('.');
  if (first === -1) return key.toLowerCase();
  if (first === last) return key.toLowerCase();
  return `${key.slice(0, first).toLowerCase()}.${key.slice(first + 1, last)}.${key.slice(last + 1).toLowerCase()}`;
}

/** The file an origin names, for reports: "file:/x/.git/config" -> "/x/.git/config". */
export function originFile(origin: string): string | undefined {
  return origin.startsWith('file:') ? origin.slice(5) : undefined;
}
