// A time zone read exactly as glibc reads it: a POSIX TZ string (tzset.c __tzset_parse_tz,
// __tz_compute) and a TZif file (tzfile.c __tzfile_read, __tzfile_compute), each giving the local
// time type (UTC offset, isdst flag) in force at a moment. local-time.ts chooses the zone and ports
// mktime over it; only the system's zone files are read, nothing of the audited repository.

/** One local time type: seconds east of UTC and whether it is flagged DST. */
export interface TimeType {
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
export const TZIF_MAX = 1 << 20;

const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
const MON_YDAY = [
  [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365],
  [0, 31, 60, 91, 121, 152, 182, 213, 244, 274, 305, 335, 366],
];

// ---------------------------------------------------------------------------------------------
// POSIX TZ strings (tzset.c __tzset_parse_tz). Anything glibc would read differently from this strict
// reading (a DST zone without rules, which glibc builds from posixrules; stray text) is refused.

export function parsePosix(text: string): PosixZone | 'utc' | undefined {
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
export function posixType(z: PosixZone, t: number): TimeType {
  if (!z.rules) return z.std;
  const year = new Date(t * 1000).getUTCFullYear();
  const start = changeAt(z.rules[0], year, z.std.off);
  const end = changeAt(z.rules[1], year, z.dst.off);
  const dst = start > end ? t < end || t >= start : t >= start && t < end;
  return dst ? z.dst : z.std;
}

// ---------------------------------------------------------------------------------------------
// TZif files (tzfile.c __tzfile_read): the 64-bit block of a v2+ file, else the v1 block.

export function parseTzif(b: Buffer): Zone | 'refused' | undefined {
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
export function zoneType(z: Zone, t: number): TimeType {
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
