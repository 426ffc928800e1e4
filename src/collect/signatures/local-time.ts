// Local wall time -> unix seconds exactly as ssh-keygen's mktime does it for an allowed_signers
// valid-after/valid-before without `Z` (OpenSSH misc.c parse_absolute_time: struct tm zeroed, so
// tm_isdst = 0). glibc's mktime(3) (time/mktime.c __mktime_internal) is ported over glibc's own
// localtime (time/tzfile.c __tzfile_compute, time/tzset.c __tz_compute): JavaScript's Date uses ICU's
// zone data, which neither reads the system's TZif files nor keeps their isdst flags, and tzdata marks
// Europe/Dublin's winter GMT as DST (isdst=1), so "the zone's standard time" is summer IST there and
// mktime reads a winter wall time an hour earlier than UTC. The zone is chosen as glibc chooses it,
// from the run's TZ / TZDIR, else /etc/localtime; nothing is read from the audited repository.
import { createHash } from 'node:crypto';
import { readBoundedIfExists } from '../safe-fs.js';
import { runEnv } from '../run-context.js';
import { parsePosix, parseTzif, posixType, TZIF_MAX, zoneType, type TimeType } from './tz-zones.js';

// ---------------------------------------------------------------------------------------------
// Choosing the zone (tzset.c tzset_internal)

type Local = (t: number) => TimeType;
const UTC: Local = () => ({ off: 0, isdst: false });
/** The zone as read: its local time (undefined when it cannot be read exactly), every UTC offset it
 *  has (what a previous mktime may leave as its next guess), and what it was read from. */
interface Chosen {
  local: Local | undefined;
  offsets: number[];
  id: string;
}
/** Per TZ and TZDIR: the zone as read. */
const zones = new Map<string, Chosen>();

const offsetsOf = (types: TimeType[]): number[] => [...new Set([0, ...types.map((ty) => ty.off)])];

function chosenZone(): Chosen {
  const env = runEnv();
  let tz = env.TZ;
  const tzdir = env.TZDIR || '/usr/share/zoneinfo';
  const key = `${tz ?? '\0unset'}\0${tzdir}`;
  const known = zones.get(key);
  if (known) return known;
  if (tz === '') tz = 'Universal';
  if (tz?.startsWith(':')) tz = tz.slice(1);
  const file = tz === undefined ? '/etc/localtime' : tz.startsWith('/') ? tz : `${tzdir}/${tz}`;
  let bytes: Buffer | undefined;
  try {
    bytes = tz === '' ? undefined : readBoundedIfExists(file, TZIF_MAX, { follow: true });
  } catch {
    bytes = undefined;
  }
  const z = bytes && parseTzif(bytes);
  let found: Chosen;
  const utc: Chosen = { local: UTC, offsets: [0], id: 'utc' };
  if (z === 'refused') found = { local: undefined, offsets: [], id: 'unreadable' };
  else if (z) {
    const types = [...z.types, ...(z.footer ? [z.footer.std, z.footer.dst] : [])];
    const id = `tzif:${createHash('sha256').update(bytes!).digest('hex')}`;
    found = { local: (t) => zoneType(z, t), offsets: offsetsOf(types), id };
  } else if (tz === undefined || tz === '') found = utc;
  else {
    const p = parsePosix(tz);
    found =
      p === 'utc'
        ? utc
        : p
          ? { local: (t) => posixType(p, t), offsets: offsetsOf([p.std, p.dst]), id: `posix:${tz}` }
          : { local: undefined, offsets: [], id: 'unreadable' };
  }
  zones.set(key, found);
  return found;
}

/** What the run's local zone was read from (a hash of its TZif file, or its TZ string): verdicts that
 *  depend on it are kept only for it. */
export const zoneIdentity = (): string => chosenZone().id;

// ---------------------------------------------------------------------------------------------
// mktime (mktime.c __mktime_internal), tm_isdst = 0 and the first call's offset guess of 0

/** The wall time y-mo-d h:mi:se (month 1-12; the day may overflow the month, as in a struct tm) as
 *  unix seconds read as UTC, and its seconds capped at 59 (glibc steps a leap second on afterwards). */
function wallSeconds(y: number, mo: number, d: number, h: number, mi: number, se: number): [number, number] {
  const sec = Math.min(se, 59);
  const date = new Date(Date.UTC(2000, 0, 1));
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, sec, 0);
  return [date.getTime() / 1000, se - sec];
}

/** mktime's probing for `wall` from the first guess `t` (the previous call's UTC offset applied). */
function probe(local: Local, wall: number, start: number): number | undefined {
  const diff = (t: number): { dt: number; isdst: boolean } => {
    const ty = local(t);
    return { dt: wall - (t + ty.off), isdst: ty.isdst };
  };
  let t = start;
  let t1 = t;
  let t2 = t;
  let probes = 6;
  for (;;) {
    const { dt, isdst } = diff(t);
    if (dt === 0) {
      if (!isdst) return t;
      break;
    }
    // Oscillating across a spring-forward gap: glibc takes the probe flagged DST.
    if (t === t1 && t !== t2 && isdst) return t;
    if (--probes === 0) return undefined;
    [t1, t2, t] = [t2, t, t + dt];
  }
  // The match is flagged DST: use the offset of the nearest standard time, probing both ways.
  const stride = 601200;
  const bound = 457243200 / 2 + stride;
  for (let delta = stride; delta < bound; delta += stride) {
    for (const dir of [-1, 1]) {
      const o = local(t + delta * dir);
      if (!o.isdst) return wall - o.off;
    }
  }
  return t + 3600;
}

/**
 * Unix seconds for the wall time y-mo-d h:mi:se read as ssh-keygen's mktime reads it, or undefined
 * when the zone cannot be read exactly. glibc's mktime starts from the UTC offset its previous call
 * found (a static guess, 0 in a new process): where a wall time has two readings (an offset change
 * between two standard times, Europe/Moscow 2014-10-26 01:30 is +04 or +03), which one ssh-keygen
 * takes depends on the times it read before (the -Overify-time, a valid-after before a valid-before).
 * `bound` picks the earliest or latest reading over every guess the zone allows; undefined also when
 * some guess finds none.
 */
export function mktimeStandard(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  se: number,
  bound: 'earliest' | 'latest',
): number | undefined {
  const zone = chosenZone();
  const local = zone.local;
  if (!local) return undefined;
  const [wall, leap] = wallSeconds(y, mo, d, h, mi, se);
  const readings = zone.offsets.map((off) => probe(local, wall, wall - off));
  if (readings.some((t) => t === undefined)) return undefined;
  return (bound === 'earliest' ? Math.min : Math.max)(...(readings as number[])) + leap;
}

/**
 * The instant `ssh-keygen -Y verify` checks a signature made at `t` at when git runs it: git writes t
 * as the local wall time (show_date, local, "%Y%m%d%H%M%S") for -Overify-time, which ssh-keygen reads
 * back with the same mktime: a summer time in New York, or a winter one in Dublin, moves by an hour,
 * as the allowed_signers times do. 0 when ssh-keygen refuses the option (a year past 9999 is 15
 * digits). Undefined when the zone cannot be read exactly.
 */
export function gitVerifyTime(t: number): number | undefined {
  const local = chosenZone().local;
  if (!local) return undefined;
  const w = new Date((t + local(t).off) * 1000);
  if (!(w.getUTCFullYear() <= 9999)) return 0; // NaN too: past what a Date holds
  const [wall, leap] = wallSeconds(
    w.getUTCFullYear(),
    w.getUTCMonth() + 1,
    w.getUTCDate(),
    w.getUTCHours(),
    w.getUTCMinutes(),
    w.getUTCSeconds(),
  );
  // ssh-keygen's first mktime call: the guess is 0.
  const r = probe(local, wall, wall);
  return r === undefined ? undefined : r + leap;
}
