//! `ssl.cert_time_to_seconds` (Lib/ssl.py): `time.strptime` with
//! `"%b %d %H:%M:%S %Y GMT"` and no calendar check, then `calendar.timegm`.

use crate::pyrepr::{decimal_value, is_space, repr_str};
use crate::{CertError, Result};

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const TIME_FORMAT: &str = " %d %H:%M:%S %Y GMT";

/// One element of strptime's compiled regex for `TIME_FORMAT`.
#[derive(Clone, Copy)]
enum Tok {
    /// `\s+`
    Ws,
    /// A literal, matched case-insensitively.
    Lit(&'static str),
    /// A numeric field: alternatives tried in order (each a list of char classes).
    Num(&'static [&'static [Class]]),
}

#[derive(Clone, Copy)]
enum Class {
    Digit,
    Range(u8, u8),
    Space,
}

use Class::{Digit as D, Range as R, Space as S};

/// `%d`: `3[01]|[12]\d|0[1-9]|[1-9]| [1-9]`
const DAY: &[&[Class]] = &[
    &[R(b'3', b'3'), R(b'0', b'1')],
    &[R(b'1', b'2'), D],
    &[R(b'0', b'0'), R(b'1', b'9')],
    &[R(b'1', b'9')],
    &[S, R(b'1', b'9')],
];
/// `%H`: `2[0-3]|[0-1]\d|\d`
const HOUR: &[&[Class]] = &[&[R(b'2', b'2'), R(b'0', b'3')], &[R(b'0', b'1'), D], &[D]];
/// `%M`: `[0-5]\d|\d`
const MINUTE: &[&[Class]] = &[&[R(b'0', b'5'), D], &[D]];
/// `%S`: `6[0-1]|[0-5]\d|\d`
const SECOND: &[&[Class]] = &[&[R(b'6', b'6'), R(b'0', b'1')], &[R(b'0', b'5'), D], &[D]];
/// `%Y`: `\d\d\d\d`
const YEAR: &[&[Class]] = &[&[D, D, D, D]];

const PATTERN: [Tok; 11] = [
    Tok::Ws,
    Tok::Num(DAY),
    Tok::Ws,
    Tok::Num(HOUR),
    Tok::Lit(":"),
    Tok::Num(MINUTE),
    Tok::Lit(":"),
    Tok::Num(SECOND),
    Tok::Ws,
    Tok::Num(YEAR),
    Tok::Ws,
];

fn class_matches(c: char, k: Class) -> bool {
    match k {
        Class::Digit => decimal_value(c).is_some(),
        Class::Range(a, b) => (char::from(a)..=char::from(b)).contains(&c),
        Class::Space => c == ' ',
    }
}

/// Backtracking match of `PATTERN` + `GMT` at the start of `s` (like `re.match`):
/// returns the captured numbers and the matched length in chars.
fn match_at(s: &[char], tok: usize, pos: usize, caps: &mut Vec<i64>) -> Option<usize> {
    if tok == PATTERN.len() {
        // Trailing "GMT" (IGNORECASE).
        let g: String = s.get(pos..pos + 3)?.iter().collect();
        return g.eq_ignore_ascii_case("GMT").then_some(pos + 3);
    }
    match PATTERN[tok] {
        Tok::Ws => {
            let n = s[pos..].iter().take_while(|&&c| is_space(c)).count();
            (1..=n)
                .rev()
                .find_map(|k| match_at(s, tok + 1, pos + k, caps))
        }
        Tok::Lit(l) => {
            let c = *s.get(pos)?;
            (l.starts_with(c)).then(|| match_at(s, tok + 1, pos + 1, caps))?
        }
        Tok::Num(alts) => {
            for alt in alts {
                let ok = alt.len() <= s.len() - pos
                    && alt
                        .iter()
                        .zip(&s[pos..])
                        .all(|(&k, &c)| class_matches(c, k));
                if !ok {
                    continue;
                }
                // int() of the matched text (the space of ' [1-9]' is skipped).
                let value = s[pos..pos + alt.len()]
                    .iter()
                    .filter_map(|&c| decimal_value(c))
                    .fold(0i64, |acc, d| acc * 10 + i64::from(d));
                caps.push(value);
                if let Some(end) = match_at(s, tok + 1, pos + alt.len(), caps) {
                    return Some(end);
                }
                caps.pop();
            }
            None
        }
    }
}

/// Days from 1970-01-01 to the first of `month` in `year` (proleptic Gregorian).
fn days_to_month_start(year: i64, month: i64) -> i64 {
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

/// `ssl.cert_time_to_seconds`: seconds since the epoch for a certificate time string
/// like `"May  9 00:00:00 2007 GMT"`. Errors are `ValueError`s with CPython's messages.
///
/// ```
/// assert_eq!(pyssl_cert::cert_time_to_seconds("Jan  5 09:34:43 2018 GMT").unwrap(), 1515144883);
/// assert_eq!(pyssl_cert::cert_time_to_seconds("Feb 30 00:00:00 2024 GMT").unwrap(),
///            pyssl_cert::cert_time_to_seconds("Mar  1 00:00:00 2024 GMT").unwrap());
/// assert!(pyssl_cert::cert_time_to_seconds("Jan  5 09:34:43 2018").is_err());
/// ```
pub fn cert_time_to_seconds(cert_time: &str) -> Result<i64> {
    let chars: Vec<char> = cert_time.chars().collect();
    let head: String = title(&chars[..chars.len().min(3)]);
    let Some(month) = MONTHS.iter().position(|m| *m == head) else {
        return Err(CertError::other(
            "ValueError",
            format!(
                "time data {} does not match format \"%b{TIME_FORMAT}\"",
                repr_str(cert_time)
            ),
        ));
    };
    let rest = &chars[chars.len().min(3)..];
    let rest_str: String = rest.iter().collect();
    let mut caps = Vec::new();
    let Some(end) = match_at(rest, 0, 0, &mut caps) else {
        return Err(CertError::other(
            "ValueError",
            format!(
                "time data {} does not match format {}",
                repr_str(&rest_str),
                repr_str(TIME_FORMAT)
            ),
        ));
    };
    if end != rest.len() {
        let left: String = rest[end..].iter().collect();
        return Err(CertError::other(
            "ValueError",
            format!("unconverted data remains: {left}"),
        ));
    }
    let (day, hour, minute, second, year) = (caps[0], caps[1], caps[2], caps[3], caps[4]);
    if year == 0 {
        return Err(CertError::other("ValueError", "year 0 is out of range"));
    }
    let days = days_to_month_start(year, month as i64 + 1) + day - 1;
    Ok(((days * 24 + hour) * 60 + minute) * 60 + second)
}

/// `str.title()` for the (up to) three leading characters.
fn title(chars: &[char]) -> String {
    let mut out = String::new();
    let mut prev_cased = false;
    for &c in chars {
        if prev_cased {
            out.extend(c.to_lowercase());
        } else {
            out.extend(c.to_uppercase());
        }
        prev_cased = c.is_alphabetic();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        let base = cert_time_to_seconds("Jan  5 09:34:43 2018 GMT").unwrap();
        assert_eq!(base, 1515144883);
        assert_eq!(
            cert_time_to_seconds("jAN  5 09:34:43 2018 gmt").unwrap(),
            base
        );
        assert_eq!(
            cert_time_to_seconds("Jan\t5 9:34:43 2018 GMT").unwrap(),
            base
        );
        assert_eq!(
            cert_time_to_seconds("Jan 05 09:34:43 2018 GMT").unwrap(),
            base
        );
        assert_eq!(
            cert_time_to_seconds("Dec 31 23:59:61 1999 GMT").unwrap(),
            946684801
        );
        assert_eq!(
            cert_time_to_seconds("Jan  1 00:00:00 0001 GMT").unwrap(),
            -62135596800
        );
    }

    #[test]
    fn rejected_forms() {
        for s in [
            "Jan5 09:34:43 2018 GMT",
            "Jan  5 09:34:43 2018GMT",
            "Jan  5 09:34:43 18 GMT",
            "Jan  5 24:34:43 2018 GMT",
            "Jan  5 09:60:43 2018 GMT",
            "Jan  5 09:34:62 2018 GMT",
            "Jan 32 09:34:43 2018 GMT",
            "Foo  5 09:34:43 2018 GMT",
            "Jan  5 09:34:43 2018 GMT ",
            "Jan  5 09:34:43 0000 GMT",
            "",
        ] {
            let e = cert_time_to_seconds(s).unwrap_err();
            assert_eq!(e.python_class, "ValueError", "{s:?}");
        }
        assert_eq!(
            cert_time_to_seconds("Jan  5 09:34:43 2018 GMTx")
                .unwrap_err()
                .message,
            "unconverted data remains: x"
        );
    }
}
