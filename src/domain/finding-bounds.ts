// Every finding and note a rule returns is bounded here before any report, hook line or saved walk
// state holds it. Their strings quote the repository (a commit's subject, a path, a config value, a
// CI line) and git bounds none of them: a 1 MB subject compresses to a few bytes in a pack and was
// copied whole into each finding that names it (message and evidence), into the JSON, SARIF and
// JUnit reports and the walk checkpoint, 4 MB of report per commit per rule. The text report
// shortens each line on its own (escape.ts); the machine formats carry data, so they get it here,
// shortened with a visible "…", the rest of the finding as it was. Locations past the kept ones are
// counted in `locationsLeftOut`, which every report says ("and N more"); the verdict is unchanged.

/** Characters kept of a finding's message, of a note, of each evidence string, and of a location's file. */
const MESSAGE_MAX = 2000;
const NOTE_MAX = 4000;
const VALUE_MAX = 1000;
/** Locations kept per finding (the paths a commit touches: a commit may touch thousands). */
const LOCATIONS_MAX = 100;

/** `s` cut to `max` characters with "…", never inside a surrogate pair. */
function boundText(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${s.slice(0, end)}…`;
}

type Bounded = {
  message: string;
  evidence?: Record<string, string | number | boolean | null>;
  locations?: Array<{ file: string; line?: number }>;
  locationsLeftOut?: number;
  suppressedBy?: string;
};

const within = (f: Bounded): boolean =>
  f.message.length <= MESSAGE_MAX &&
  (f.suppressedBy === undefined || f.suppressedBy.length <= VALUE_MAX) &&
  (!f.evidence || Object.values(f.evidence).every((v) => typeof v !== 'string' || v.length <= VALUE_MAX)) &&
  (!f.locations || (f.locations.length <= LOCATIONS_MAX && f.locations.every((l) => l.file.length <= VALUE_MAX)));

/** The finding itself when every string is within its bound (the usual case), else a bounded copy. */
export function boundFinding<F extends Bounded>(f: F): F {
  if (within(f)) return f;
  const evidence =
    f.evidence &&
    Object.fromEntries(
      Object.entries(f.evidence).map(([k, v]) => [k, typeof v === 'string' ? boundText(v, VALUE_MAX) : v]),
    );
  return {
    ...f,
    message: boundText(f.message, MESSAGE_MAX),
    ...(f.suppressedBy !== undefined ? { suppressedBy: boundText(f.suppressedBy, VALUE_MAX) } : {}),
    ...(evidence ? { evidence } : {}),
    ...(f.locations
      ? { locations: f.locations.slice(0, LOCATIONS_MAX).map((l) => ({ ...l, file: boundText(l.file, VALUE_MAX) })) }
      : {}),
    ...(f.locations && f.locations.length > LOCATIONS_MAX
      ? { locationsLeftOut: (f.locationsLeftOut ?? 0) + f.locations.length - LOCATIONS_MAX }
      : {}),
  };
}

/** A rule's note (one line, may name repository values), bounded. */
export const boundNote = (note: string): string => boundText(note, NOTE_MAX);

/** The words every report adds to a finding some of whose locations were left out ('' for none). */
export const leftOutText = (f: { locationsLeftOut?: number }): string =>
  f.locationsLeftOut ? ` (and ${f.locationsLeftOut} more locations, not listed)` : '';
