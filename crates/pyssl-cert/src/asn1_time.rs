//! `notBefore` / `notAfter` text: OpenSSL 3.0's `ASN1_TIME_print` (which CPython calls).

/// Printed instead of a date when the time does not parse, as OpenSSL does.
pub const BAD_TIME_VALUE: &str = "Bad time value";

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Which ASN.1 time type the bytes came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeKind {
    /// UTCTime (`YYMMDDhhmm[ss](Z|±hhmm)`).
    Utc,
    /// GeneralizedTime (`YYYYMMDDhh[mm[ss[.f]]](Z|±hhmm)`).
    Generalized,
}

/// Broken-down time like C's `struct tm` (year is the full year).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Tm {
    year: i64,
    mon: i64,
    mday: i64,
    hour: i64,
    min: i64,
    sec: i64,
}

/// Formats a time the way `ASN1_TIME_print` does, e.g. `"Jan  5 09:08:07 2050 GMT"`,
/// or [`BAD_TIME_VALUE`].
///
/// ```
/// use pyssl_cert::asn1_time::{print, TimeKind};
/// assert_eq!(print(TimeKind::Utc, b"500105090807Z"), "Jan  5 09:08:07 1950 GMT");
/// assert_eq!(print(TimeKind::Generalized, b"20500101000000.123Z"), "Jan  1 00:00:00.123 2050 GMT");
/// assert_eq!(print(TimeKind::Generalized, b"2050010100000Z"), "Bad time value");
/// ```
pub fn print(kind: TimeKind, v: &[u8]) -> String {
    let Some(tm) = to_tm(kind, v) else {
        return BAD_TIME_VALUE.to_owned();
    };
    let mut frac = "";
    if kind == TimeKind::Generalized && v.len() > 15 && v[14] == b'.' {
        let mut n = 1;
        while 14 + n < v.len() && v[14 + n].is_ascii_digit() {
            n += 1;
        }
        // Only ASCII digits and '.' here, so this is valid UTF-8.
        frac = std::str::from_utf8(&v[14..14 + n]).unwrap_or("");
    }
    format!(
        "{} {:2} {:02}:{:02}:{:02}{} {} GMT",
        MONTHS[tm.mon as usize], tm.mday, tm.hour, tm.min, tm.sec, frac, tm.year
    )
}

fn leap_year(y: i64) -> bool {
    y % 400 == 0 || (y % 100 != 0 && y % 4 == 0)
}

/// `ossl_asn1_time_to_tm` (non-strict, as for times read from a certificate).
fn to_tm(kind: TimeKind, a: &[u8]) -> Option<Tm> {
    const MIN: [i64; 9] = [0, 0, 1, 1, 0, 0, 0, 0, 0];
    const MAX: [i64; 9] = [99, 99, 12, 31, 23, 59, 59, 12, 59];
    const MDAYS: [i64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let (min_l, end, btz) = match kind {
        TimeKind::Utc => (11, 6, 5),
        TimeKind::Generalized => (13, 7, 6),
    };
    let l = a.len();
    if l < min_l {
        return None;
    }
    let at = |o: usize| a.get(o).copied().unwrap_or(0);
    let i2_of = |i: usize| if kind == TimeKind::Utc { i + 1 } else { i };
    let mut tm = Tm::default();
    let mut o = 0usize;
    let mut i = 0usize;
    while i < end {
        if i == btz && matches!(at(o), b'Z' | b'+' | b'-') {
            break;
        }
        if !at(o).is_ascii_digit() {
            return None;
        }
        let mut n = i64::from(at(o) - b'0');
        o += 1;
        if o == l || !at(o).is_ascii_digit() {
            return None;
        }
        n = n * 10 + i64::from(at(o) - b'0');
        o += 1;
        if o == l {
            return None;
        }
        let i2 = i2_of(i);
        if n < MIN[i2] || n > MAX[i2] {
            return None;
        }
        match i2 {
            0 => tm.year = n * 100,
            1 => {
                if kind == TimeKind::Utc {
                    tm.year = if n < 50 { 2000 + n } else { 1900 + n };
                } else {
                    tm.year += n;
                }
            }
            2 => tm.mon = n - 1,
            3 => {
                let md = if tm.mon == 1 {
                    MDAYS[1] + i64::from(leap_year(tm.year))
                } else {
                    MDAYS[tm.mon as usize]
                };
                if n > md {
                    return None;
                }
                tm.mday = n;
            }
            4 => tm.hour = n,
            5 => tm.min = n,
            _ => tm.sec = n,
        }
        i += 1;
    }
    if kind == TimeKind::Generalized && at(o) == b'.' {
        o += 1;
        if o == l {
            return None;
        }
        let start = o;
        while o < l && at(o).is_ascii_digit() {
            o += 1;
        }
        if start == o || o == l {
            return None;
        }
    }
    if at(o) == b'Z' {
        o += 1;
    } else if matches!(at(o), b'+' | b'-') {
        let sign = if at(o) == b'-' { 1 } else { -1 };
        o += 1;
        if o + 4 != l {
            return None;
        }
        let mut offset = 0i64;
        for i in end..end + 2 {
            if !at(o).is_ascii_digit() || !at(o + 1).is_ascii_digit() {
                return None;
            }
            let n = i64::from(at(o) - b'0') * 10 + i64::from(at(o + 1) - b'0');
            let i2 = i2_of(i);
            if n < MIN[i2] || n > MAX[i2] {
                return None;
            }
            offset += if i == end { n * 3600 } else { n * 60 };
            o += 2;
        }
        if offset != 0 {
            tm = gmtime_adj(tm, offset * sign)?;
        }
    } else {
        return None;
    }
    (o == l).then_some(tm)
}

fn date_to_julian(y: i64, m: i64, d: i64) -> i64 {
    (1461 * (y + 4800 + (m - 14) / 12)) / 4 + (367 * (m - 2 - 12 * ((m - 14) / 12))) / 12
        - (3 * ((y + 4900 + (m - 14) / 12) / 100)) / 4
        + d
        - 32075
}

fn julian_to_date(jd: i64) -> (i64, i64, i64) {
    let mut l = jd + 68569;
    let n = (4 * l) / 146097;
    l -= (146097 * n + 3) / 4;
    let i = (4000 * (l + 1)) / 1461001;
    l = l - (1461 * i) / 4 + 31;
    let j = (80 * l) / 2447;
    let d = l - (2447 * j) / 80;
    l = j / 11;
    let m = j + 2 - (12 * l);
    let y = 100 * (n - 49) + i + l;
    (y, m, d)
}

/// `OPENSSL_gmtime_adj(tm, 0, offset)`: fails outside years 1900..=9999.
fn gmtime_adj(tm: Tm, offset_sec: i64) -> Option<Tm> {
    const DAY: i64 = 86400;
    let mut offset_day = offset_sec / DAY;
    let mut hms = offset_sec - offset_day * DAY;
    hms += tm.hour * 3600 + tm.min * 60 + tm.sec;
    if hms >= DAY {
        offset_day += 1;
        hms -= DAY;
    } else if hms < 0 {
        offset_day -= 1;
        hms += DAY;
    }
    let jd = date_to_julian(tm.year, tm.mon + 1, tm.mday) + offset_day;
    if jd < 0 {
        return None;
    }
    let (y, m, d) = julian_to_date(jd);
    if !(1900..=9999).contains(&y) {
        return None;
    }
    Some(Tm {
        year: y,
        mon: m - 1,
        mday: d,
        hour: hms / 3600,
        min: (hms / 60) % 60,
        sec: hms % 60,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use TimeKind::*;

    #[test]
    fn utc_and_generalized() {
        assert_eq!(print(Utc, b"491231235959Z"), "Dec 31 23:59:59 2049 GMT");
        assert_eq!(print(Utc, b"5001010000Z"), "Jan  1 00:00:00 1950 GMT");
        assert_eq!(
            print(Generalized, b"19450101000000Z"),
            "Jan  1 00:00:00 1945 GMT"
        );
        assert_eq!(
            print(Generalized, b"99991231235959Z"),
            "Dec 31 23:59:59 9999 GMT"
        );
        assert_eq!(
            print(Generalized, b"00010101000000Z"),
            "Jan  1 00:00:00 1 GMT"
        );
        assert_eq!(
            print(Generalized, b"09991231000000Z"),
            "Dec 31 00:00:00 999 GMT"
        );
    }

    #[test]
    fn fractions_and_offsets() {
        assert_eq!(
            print(Generalized, b"20510203040506.5Z"),
            "Feb  3 04:05:06.5 2051 GMT"
        );
        assert_eq!(print(Utc, b"240101000000+0530"), "Dec 31 18:30:00 2023 GMT");
        assert_eq!(
            print(Generalized, b"20240101000000-0100"),
            "Jan  1 01:00:00 2024 GMT"
        );
    }

    #[test]
    fn bad_values() {
        for (k, v) in [
            (Generalized, &b"20500101000000"[..]),
            (Generalized, b"20500101000000.Z"),
            (Utc, b"501301000000Z"),
            (Utc, b"240230000000Z"),
            (Generalized, b"21000229000000Z"),
            (Utc, b"240101000060Z"),
            (Utc, b"2401010000a0Z"),
            (Utc, b""),
        ] {
            assert_eq!(
                print(k, v),
                BAD_TIME_VALUE,
                "{:?}",
                String::from_utf8_lossy(v)
            );
        }
        assert_eq!(
            print(Generalized, b"20000229000000Z"),
            "Feb 29 00:00:00 2000 GMT"
        );
    }
}
