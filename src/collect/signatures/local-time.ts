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

/** One local time type: seconds east of UTC and whether it is flagged DST. */
interface TimeType {
  off: number;
  isdst: boolean;
}

/** A POSIX TZ rule (glibc tz_rule): the date of a change and its time of day in local seconds. */
interface Rule {
  kind: 'J1' | 'J0' | 'M';
  d: number;
  m: number;
  n: number;
  secs: number;
}

/** A POSIX TZ string: standard and DST types, with the change rules when there is DST. */
interface PosixZone {
  std: TimeType;
  dst: TimeType;
  rules?: [Rule, Rule];
}

interface Zone {
  transitions: number[];
  typeIdx: number[];
  types: TimeType[];
  footer?: PosixZone;
}

const DAY = 86400;
const TZIF_MAX = 1 << 20;

const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const MON_YDAY = [
  [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365],
  [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366],
];

// ---------------------------------------------------------------------------------------------
// POSIX TZ strings (tzset.c __tzset_parse_tz). Anything glibc would read differently from this strict
// reading (a DST zone without rules, which glibc builds from posixrules; stray text) is refused.

function parsePosix(text: string): PosixZone | 'utc' | undefined {
  let i = 0;
  const name = (): boolean => {
    const m = /^(?:[A-Za-z]{3,}|<[A-Za-z0-9+-]{3,}>)/.exec(text.slice(i));
    if (!m) return false;
    i += m[0].length;
    return true;
  };
  /** hh[:mm[:ss]] as an offset (compute_offset clamps it to 24:59:59) or a rule's time (not clamped:
   *  "/1:90" is 02:30), or undefined when no number starts here. */
  const clock = (clamp: boolean): number | undefined => {
    const m = /^(\d+)(?::(\d+)(?::(\d+))?)?/.exec(text.slice(i));
    if (!m) return undefined;
    i += m[0].length;
    const [h, mi, s] = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
    if (h > 65535 || mi > 65535 || s > 65535) return NaN;
    return clamp ? Math.min(h, 24) * 3600 + Math.min(mi, 59) * 60 + Math.min(s, 59) : h * 3600 + mi * 60 + s;
  };
  const offset = (): number | undefined => {
    const sign = text[i] === '-' ? 1 : -1; // POSIX offsets are west of UTC
    if (text[i] === '+' || text[i] === '-') {
      i++;
      // glibc's sscanf("%hu") skips white space and takes a sign here ("UTC+ 5" is -05, "UTC+-5"
      // -24): not modelled, refused.
      if (/^[\t\n\v\f\r +-]/.test(text.slice(i, i + 1))) return NaN;
    }
    const c = clock(true);
    return c === undefined || Number.isNaN(c) ? c : sign * c;
  };
  // A TZ glibc cannot read as a name and offset is UTC to it.
  if (!name()) return 'utc';
  const stdOff = offset();
  if (stdOff === undefined) return 'utc';
  if (Number.isNaN(stdOff)) return undefined;
  const std: TimeType = { off: stdOff, isdst: false };
  if (i === text.length) return { std, dst: { off: stdOff, isdst: false } };
  if (!name()) return undefined;
  let dstOff = std.off + 3600;
  if (text[i] === '+' || text[i] === '-' || /\d/.test(text[i] ?? '')) {
    const o = offset();
    if (o === undefined || Number.isNaN(o)) return undefined;
    dstOff = o;
  }
  const dst: TimeType = { off: dstOff, isdst: true };
  const rule = (): Rule | undefined => {
    if (text[i] !== ',') return undefined;
    i++;
    let r: Rule;
    const m = /^M(\d+)\.(\d+)\.(\d+)/.exec(text.slice(i));
    const j = /^(J?)(\d+)/.exec(text.slice(i));
    if (m) {
      r = { kind: 'M', m: Number(m[1]), n: Number(m[2]), d: Number(m[3]), secs: 2 * 3600 };
      if (r.m < 1 || r.m > 12 || r.n < 1 || r.n > 5 || r.d > 6) return undefined;
      i += m[0].length;
    } else if (j) {
      r = { kind: j[1] ? 'J1' : 'J0', d: Number(j[2]), m: 0, n: 0, secs: 2 * 3600 };
      if (r.d > 365 || (r.kind === 'J1' && r.d === 0)) return undefined;
      i += j[0].length;
    } else return undefined;
    if (text[i] === '/') {
      i++;
      const neg = text[i] === '-';
      if (neg || text[i] === '+') i++;
      const c = clock(false);
      if (c === undefined || Number.isNaN(c)) return undefined;
      r.secs = neg ? -c : c;
    }
    return r;
  };
  const start = rule();
  const end = start && rule();
  if (!start || !end || i !== text.length) return undefined;
  return { std, dst, rules: [start, end] };
}

/** Unix seconds of 00:00 UTC on Jan 1 of `year`, as glibc's compute_change counts it (0 before 1971). */
function yearStart(year: number): number {
  if (year <= 1970) return 0;
  const f = Math.floor;
  const y = year - 1;
  return ((year - 1970) * 365 + (f(y / 4) - 492) - (f(y / 100) - 19) + (f(y / 400) - 4)) * DAY;
}

/** tzset.c compute_change: when `rule` happens in `year`, unix seconds; `off` is the type in force before. */
function changeAt(rule: Rule, year: number, off: number): number {
  let t = yearStart(year);
  const leap = isLeap(year) ? 1 : 0;
  if (rule.kind === 'J1') t += (rule.d - 1 + (rule.d >= 60 && leap ? 1 : 0)) * DAY;
  else if (rule.kind === 'J0') t += rule.d * DAY;
  else {
    const myday = MON_YDAY[leap]!;
    t += myday[rule.m - 1]! * DAY;
    // Zeller's congruence, in C's truncating arithmetic, for the weekday of the month's first day.
    const m1 = ((rule.m + 9) % 12) + 1;
    const yy0 = rule.m <= 2 ? year - 1 : year;
    const yy1 = Math.trunc(yy0 / 100);
    const yy2 = yy0 % 100;
    let dow = (Math.trunc((26 * m1 - 2) / 10) + 1 + yy2 + Math.trunc(yy2 / 4) + Math.trunc(yy1 / 4) - 2 * yy1) % 7;
    if (dow < 0) dow += 7;
    let d = rule.d - dow;
    if (d < 0) d += 7;
    for (let k = 1; k < rule.n; k++) {
      if (d + 7 >= myday[rule.m]! - myday[rule.m - 1]!) break;
      d += 7;
    }
    t += d * DAY;
  }
  return t - off + rule.secs;
}

/** tzset.c __tz_compute: the type a POSIX zone gives at `t`; the year is t's UTC year. */
function posixType(z: PosixZone, t: number): TimeType {
  if (!z.rules) return z.std;
  const year = new Date(t * 1000).getUTCFullYear();
  const start = changeAt(z.rules[0], year, z.std.off);
  const end = changeAt(z.rules[1], year, z.dst.off);
  const dst = start > end ? t < end || t >= start : t >= start && t < end;
  return dst ? z.dst : z.std;
}

// ---------------------------------------------------------------------------------------------
// TZif files (tzfile.c __tzfile_read): the 64-bit block of a v2+ file, else the v1 block.

function parseTzif(b: Buffer): Zone | 'refused' | undefined {
  if (b.length < 44 || b.toString('latin1', 0, 4) !== 'TZif') return undefined;
  type Counts = [number, number, number, number, number, number];
  const counts = (at: number): Counts => [0, 1, 2, 3, 4, 5].map((k) => b.readUInt32BE(at + 20 + 4 * k)) as Counts;
  let at = 0;
  let wide = false;
  let [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(0);
  const v1Size = (w: number): number => timecnt * (w + 1) + typecnt * 6 + charcnt + leap * (w + 4) + isstd + isut;
  if (b[4]! >= 0x32) {
    at = 44 + v1Size(4);
    if (b.length < at + 44 || b.toString('latin1', at, at + 4) !== 'TZif') return undefined;
    [isut, isstd, leap, timecnt, typecnt, charcnt] = counts(at);
    wide = true;
  }
  // glibc corrects localtime by leap seconds in a "right/" zone; that is not modelled: refuse.
  if (leap > 0) return 'refused';
  const body = at + 44;
  const end = body + v1Size(wide ? 8 : 4);
  if (typecnt === 0 || b.length < end) return undefined;
  const transitions: number[] = [];
  const typeIdx: number[] = [];
  for (let k = 0; k < timecnt; k++) {
    transitions.push(wide ? Number(b.readBigInt64BE(body + 8 * k)) : b.readInt32BE(body + 4 * k));
    const idx = b[body + timecnt * (wide ? 8 : 4) + k]!;
    if (idx >= typecnt) return undefined;
    typeIdx.push(idx);
  }
  const types: TimeType[] = [];
  const typesAt = body + timecnt * (wide ? 9 : 5);
  for (let k = 0; k < typecnt; k++) {
    const isdst = b[typesAt + 6 * k + 4]!;
    if (isdst > 1) return undefined;
    types.push({ off: b.readInt32BE(typesAt + 6 * k), isdst: isdst === 1 });
  }
  const zone: Zone = { transitions, typeIdx, types };
  if (wide && b[end] === 0x0a) {
    const close = b.indexOf(0x0a, end + 1);
    const spec = close === -1 ? '' : b.toString('latin1', end + 1, close);
    if (spec !== '') {
      const footer = parsePosix(spec);
      if (footer === undefined) return 'refused';
      zone.footer = footer === 'utc' ? { std: { off: 0, isdst: false }, dst: { off: 0, isdst: false } } : footer;
    }
  }
  return zone;
}

/** tzfile.c __tzfile_compute: the type in force at `t`. */
function zoneType(z: Zone, t: number): TimeType {
  const n = z.transitions.length;
  if (n === 0 || t < z.transitions[0]!) return z.types.find((ty) => !ty.isdst) ?? z.types[0]!;
  if (t >= z.transitions[n - 1]! && z.footer) return posixType(z.footer, t);
  let lo = 0;
  let hi = n; // the first transition after t
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (z.transitions[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return z.types[z.typeIdx[lo - 1]!]!;
}

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
