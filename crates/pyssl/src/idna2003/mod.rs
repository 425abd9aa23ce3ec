//! IDNA 2003 the way CPython's `idna` codec does it (`encodings.idna`: RFC 3490 ToASCII /
//! ToUnicode over nameprep, RFC 3491, and punycode, RFC 3492) — `str.encode("idna")` for
//! `server_hostname`, and (in tests) `bytes.decode("idna")`.
//!
//! Own code over generated tables (`scripts/gen_nameprep_tables.py`, from python3's
//! `stringprep` and `unicodedata`) instead of the `idna` crate: that implements UTS 46, not
//! CPython's IDNA 2003, and its Unicode data cost ~150 KB of the static binary.

mod nameprep;
mod punycode;
mod tables;

/// `str.encode("idna")` for a name with at least one non-ASCII character (CPython's ASCII
/// fast path is the caller's); `Err(())` where CPython raises `UnicodeError`.
pub(crate) fn to_ascii(name: &str) -> Result<String, ()> {
    let mut labels: Vec<&str> = name
        .split(['.', '\u{3002}', '\u{ff0e}', '\u{ff61}'])
        .collect();
    let trailing_dot = labels.len() > 1 && labels.last() == Some(&"");
    if trailing_dot {
        labels.pop();
    }
    let mut out = String::with_capacity(name.len() + 8);
    for (i, label) in labels.iter().enumerate() {
        if i > 0 {
            out.push('.');
        }
        out.push_str(&label_to_ascii(label)?);
    }
    if trailing_dot {
        out.push('.');
    }
    Ok(out)
}

/// `bytes.decode("idna")` of an ASCII name (A-labels to U-labels); `Err(())` where CPython
/// raises. Only the differential tests use it (the servername callback gets A-labels).
#[cfg(test)]
pub(crate) fn to_unicode(name: &str) -> Result<String, ()> {
    if !name.is_ascii() {
        return Err(());
    }
    if !name.to_ascii_lowercase().contains("xn--") {
        return Ok(name.to_owned());
    }
    let mut labels: Vec<&str> = name.split('.').collect();
    let trailing_dot = labels.last() == Some(&"");
    if trailing_dot {
        labels.pop();
    }
    let mut out = Vec::with_capacity(labels.len());
    for label in labels {
        out.push(label_to_unicode(label)?);
    }
    let mut out = out.join(".");
    if trailing_dot {
        out.push('.');
    }
    Ok(out)
}

/// RFC 3490 ToASCII with AllowUnassigned and without UseSTD3ASCIIRules.
fn label_to_ascii(label: &str) -> Result<String, ()> {
    let checked = |s: String| {
        if !s.is_empty() && s.len() < 64 {
            Ok(s)
        } else {
            Err(())
        }
    };
    if label.is_ascii() {
        return checked(label.to_owned());
    }
    let prepped = nameprep::nameprep(label)?;
    if prepped.iter().all(char::is_ascii) {
        return checked(prepped.into_iter().collect());
    }
    // Every code point costs at least one output byte: longer labels cannot fit in 63.
    if prepped.len() > 63 {
        return Err(());
    }
    let head: String = prepped.iter().take(4).collect();
    if head.eq_ignore_ascii_case("xn--") {
        return Err(());
    }
    checked(format!("xn--{}", punycode::encode(&prepped)))
}

/// RFC 3490 ToUnicode of an ASCII label, failing (as CPython's codec) instead of returning
/// the input unchanged.
#[cfg(test)]
fn label_to_unicode(label: &str) -> Result<String, ()> {
    if label.len() > 1024 {
        return Err(());
    }
    if !label.to_ascii_lowercase().starts_with("xn--") {
        return Ok(label.to_owned());
    }
    let decoded = punycode::decode(&label[4..]).ok_or(())?;
    if label_to_ascii(&decoded)? != label.to_ascii_lowercase() {
        return Err(());
    }
    Ok(decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nameprep_mappings() {
        assert_eq!(to_ascii("Bücher.example").unwrap(), "xn--bcher-kva.example");
        // IDNA 2003: ß → ss, final sigma → sigma, ZWJ/ZWNJ and soft hyphen dropped.
        assert_eq!(to_ascii("straße.de").unwrap(), "strasse.de");
        assert_eq!(to_ascii("ΣΑΣ.gr").unwrap(), to_ascii("σας.gr").unwrap());
        assert_eq!(to_ascii("a\u{200d}b\u{ad}c\u{e9}").unwrap(), "xn--abc-dma");
        // Fullwidth letters and ideographic full stops.
        assert_eq!(
            to_ascii("ｅｘａｍｐｌｅ。ｃｏｍ。ü").unwrap(),
            "example.com.xn--tda"
        );
        assert_eq!(to_ascii("ü.").unwrap(), "xn--tda.");
        // Hangul: decomposed and recomposed.
        assert_eq!(to_ascii("한국").unwrap(), "xn--3e0b707e");
    }

    #[test]
    fn errors() {
        assert!(to_ascii("ü..x").is_err()); // empty label
        assert!(to_ascii("\u{ad}.ü").is_err()); // label empty after nameprep
        assert!(to_ascii(&"ü".repeat(60)).is_err()); // too long
        assert!(to_ascii("a\u{2028}ü").is_err()); // prohibited (C.2.2 line separator)
        assert!(to_ascii("\u{5d0}a").is_err()); // bidi: RandAL with LCat
        assert!(to_ascii("\u{5d0}1").is_err()); // bidi: must end with RandAL
    }

    #[test]
    fn decode() {
        assert_eq!(
            to_unicode("xn--bcher-kva.example").unwrap(),
            "bücher.example"
        );
        // The basic code points keep their case (as in CPython 3.13).
        assert_eq!(
            to_unicode("XN--BCHER-KVA.example.").unwrap(),
            "BüCHER.example."
        );
        assert_eq!(to_unicode("plain.example").unwrap(), "plain.example");
        assert!(to_unicode("xn--zz.example").is_err());
        // Must round-trip: "xn--Bcher-kva" lowercases to the encoding, "xn--abc" does not.
        assert!(to_unicode("xn--abc").is_err());
    }
}

#[cfg(test)]
mod differential;
