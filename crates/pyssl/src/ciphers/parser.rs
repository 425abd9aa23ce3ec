//! OpenSSL's cipher-list grammar and rule engine, run over OpenSSL 3.0's whole TLS ≤ 1.2
//! cipher table so that which strings succeed, fail and how they order suites is what
//! CPython (linked against OpenSSL) does.
//!
//! Grammar: items separated by `:` `,` `;` or space; an item is an optional prefix (`!` kill,
//! `-` delete, `+` move to end, `@` command) and words joined by `+` (AND). Words are cipher
//! names or aliases; an unknown word makes the whole item a no-op. A character that is
//! neither a separator, a prefix nor a word character is an error, as is a `+` not followed
//! by a word. Commands: `@STRENGTH` (stable sort by strength bits), `@SECLEVEL=n` (n 0–5).
//! A string starting with `DEFAULT` first applies `ALL:!COMPLEMENTOFDEFAULT:!eNULL`;
//! `SUITEB128`, `SUITEB128ONLY`, `SUITEB128C2`, `SUITEB192` replace the string with their
//! Suite B cipher lists.

use super::table::{self, Cipher, OPENSSL_CIPHERS, S_DEFAULT_MASK, S_STRONG_MASK};

/// The result of running a cipher string: active ciphers (indices into the OpenSSL table)
/// in preference order, and the security level an `@SECLEVEL=n` set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Selection {
    pub active: Vec<usize>,
    pub security_level: Option<u8>,
}

/// Why a cipher string was rejected (both are CPython's "No cipher can be selected.").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ParseFailure {
    /// OpenSSL's `INVALID_COMMAND`: bad character, dangling `+`, bad `@` command.
    InvalidCommand,
    /// OpenSSL's `NO_CIPHER_MATCH`: nothing selected.
    NoCipherMatch,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Rule {
    Add,
    Del,
    Ord,
    Kill,
    Special,
}

/// A selection pattern built from one item's `+`-joined words.
#[derive(Default, Clone, Copy)]
struct Pattern {
    cipher_id: u16,
    mkey: u32,
    auth: u32,
    enc: u32,
    mac: u32,
    min_tls: u16,
    strength: u32,
}

impl Pattern {
    fn matches(&self, c: &Cipher) -> bool {
        !((self.cipher_id != 0 && self.cipher_id != c.id)
            || (self.mkey != 0 && self.mkey & c.mkey == 0)
            || (self.auth != 0 && self.auth & c.auth == 0)
            || (self.enc != 0 && self.enc & c.enc == 0)
            || (self.mac != 0 && self.mac & c.mac == 0)
            || (self.min_tls != 0 && self.min_tls != c.min_tls)
            || (self.strength & S_STRONG_MASK != 0
                && self.strength & S_STRONG_MASK & c.strength == 0)
            || (self.strength & S_DEFAULT_MASK != 0
                && self.strength & S_DEFAULT_MASK & c.strength == 0))
    }

    /// ANDs one word into the pattern; false when the combination can match nothing.
    fn and(&mut self, e: &Cipher) -> bool {
        fn and_mask(acc: &mut u32, m: u32) -> bool {
            if m != 0 {
                if *acc != 0 {
                    *acc &= m;
                    return *acc != 0;
                }
                *acc = m;
            }
            true
        }
        if !and_mask(&mut self.mkey, e.mkey)
            || !and_mask(&mut self.auth, e.auth)
            || !and_mask(&mut self.enc, e.enc)
            || !and_mask(&mut self.mac, e.mac)
        {
            return false;
        }
        if e.strength & S_STRONG_MASK != 0 {
            if self.strength & S_STRONG_MASK != 0 {
                self.strength &= (e.strength & S_STRONG_MASK) | !S_STRONG_MASK;
                if self.strength & S_STRONG_MASK == 0 {
                    return false;
                }
            } else {
                // OpenSSL assigns here, dropping any default-class bit gathered so far.
                self.strength = e.strength & S_STRONG_MASK;
            }
        }
        if e.strength & S_DEFAULT_MASK != 0 {
            if self.strength & S_DEFAULT_MASK != 0 {
                self.strength &= (e.strength & S_DEFAULT_MASK) | !S_DEFAULT_MASK;
                if self.strength & S_DEFAULT_MASK == 0 {
                    return false;
                }
            } else {
                self.strength |= e.strength & S_DEFAULT_MASK;
            }
        }
        if e.id != 0 {
            // An explicit cipher: its id is the pattern; its version is not.
            self.cipher_id = e.id;
        } else if e.min_tls != 0 {
            if self.min_tls != 0 && self.min_tls != e.min_tls {
                return false;
            }
            self.min_tls = e.min_tls;
        }
        true
    }
}

/// A cipher (index into the OpenSSL table) and whether it is active.
type Entry = (usize, bool);

/// The cipher list being edited: every cipher with its active flag, in list order.
struct Engine {
    list: Vec<Entry>,
    security_level: Option<u8>,
}

fn is_sep(c: u8) -> bool {
    matches!(c, b':' | b' ' | b';' | b',')
}

fn is_word(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.' | b'=')
}

impl Engine {
    fn new() -> Engine {
        Engine {
            list: (0..OPENSSL_CIPHERS.len()).map(|i| (i, false)).collect(),
            security_level: None,
        }
    }

    fn apply(&mut self, rule: Rule, p: &Pattern) {
        let hit = |&(i, _): &(usize, bool)| p.matches(&OPENSSL_CIPHERS[i]);
        match rule {
            Rule::Add => {
                let (mut moved, rest): (Vec<Entry>, Vec<Entry>) =
                    self.list.iter().partition(|e| hit(e) && !e.1);
                moved.iter_mut().for_each(|e| e.1 = true);
                self.list = rest.into_iter().chain(moved).collect();
            }
            Rule::Ord => {
                let (moved, rest): (Vec<Entry>, Vec<Entry>) =
                    self.list.iter().partition(|e| hit(e) && e.1);
                self.list = rest.into_iter().chain(moved).collect();
            }
            Rule::Del => {
                let (mut moved, rest): (Vec<Entry>, Vec<Entry>) =
                    self.list.iter().partition(|e| hit(e) && e.1);
                moved.iter_mut().for_each(|e| e.1 = false);
                self.list = moved.into_iter().chain(rest).collect();
            }
            Rule::Kill => self.list.retain(|e| !hit(e)),
            Rule::Special => {}
        }
    }

    /// `@STRENGTH`: active ciphers stably sorted by strength bits, strongest first, after
    /// the inactive ones.
    fn strength_sort(&mut self) {
        let (mut active, inactive): (Vec<Entry>, Vec<Entry>) = self.list.iter().partition(|e| e.1);
        active.sort_by_key(|&(i, _)| std::cmp::Reverse(OPENSSL_CIPHERS[i].strength_bits));
        self.list = inactive.into_iter().chain(active).collect();
    }

    /// Runs one rule string; false on an `INVALID_COMMAND`-class error (processing of the
    /// string stops at a bad character but continues after a bad `@` command, as in OpenSSL).
    fn process(&mut self, s: &[u8]) -> bool {
        let at = |i: usize| s.get(i).copied().unwrap_or(0);
        let mut retval = true;
        let mut l = 0;
        loop {
            let ch = at(l);
            if ch == 0 {
                break;
            }
            let rule = match ch {
                b'-' => Rule::Del,
                b'+' => Rule::Ord,
                b'!' => Rule::Kill,
                b'@' => Rule::Special,
                _ => Rule::Add,
            };
            if rule != Rule::Add {
                l += 1;
            }
            if is_sep(ch) {
                l += 1;
                continue;
            }
            let mut pattern = Pattern::default();
            let mut found = false;
            let mut word: &[u8];
            loop {
                let start = l;
                while is_word(at(l)) {
                    l += 1;
                }
                word = &s[start..l];
                if word.is_empty() {
                    return false;
                }
                if rule == Rule::Special {
                    break;
                }
                let multi = at(l) == b'+';
                if multi {
                    l += 1;
                }
                pattern.cipher_id = 0;
                found = match table::lookup(word) {
                    Some(entry) => pattern.and(entry),
                    None => false,
                };
                if !found || !multi {
                    break;
                }
            }
            if rule == Rule::Special {
                if word == b"STRENGTH" {
                    self.strength_sort();
                } else if word.len() == 10 && word.starts_with(b"SECLEVEL=") {
                    match word[9].checked_sub(b'0') {
                        Some(level) if level <= 5 => self.security_level = Some(level),
                        _ => retval = false,
                    }
                } else {
                    retval = false;
                }
                while at(l) != 0 && !is_sep(at(l)) {
                    l += 1;
                }
            } else if found {
                self.apply(rule, &pattern);
            } else {
                while at(l) != 0 && !is_sep(at(l)) {
                    l += 1;
                }
            }
            if at(l) == 0 {
                break;
            }
        }
        retval
    }
}

/// Runs a whole cipher string the way `SSL_CTX_set_cipher_list` does. A failure carries
/// the security level an `@SECLEVEL=n` before the failure point set: OpenSSL applies it
/// to the context even though the call fails.
pub(super) fn select(rule_str: &str) -> Result<Selection, (ParseFailure, Option<u8>)> {
    let mut rules = rule_str;
    for (prefix, replacement) in [
        ("SUITEB128ONLY", "ECDHE-ECDSA-AES128-GCM-SHA256"),
        ("SUITEB128C2", "ECDHE-ECDSA-AES256-GCM-SHA384"),
        (
            "SUITEB128",
            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384",
        ),
        ("SUITEB192", "ECDHE-ECDSA-AES256-GCM-SHA384"),
    ] {
        if rules.starts_with(prefix) {
            rules = replacement;
            break;
        }
    }
    let mut engine = Engine::new();
    let mut ok = true;
    if let Some(rest) = rules.strip_prefix("DEFAULT") {
        ok = engine.process(table::DEFAULT_RULES.as_bytes());
        rules = rest.strip_prefix(':').unwrap_or(rest);
    }
    if ok && !rules.is_empty() {
        ok = engine.process(rules.as_bytes());
    }
    if !ok {
        return Err((ParseFailure::InvalidCommand, engine.security_level));
    }
    let active: Vec<usize> = engine
        .list
        .iter()
        .filter(|e| e.1)
        .map(|&(i, _)| i)
        .collect();
    if active.is_empty() {
        return Err((ParseFailure::NoCipherMatch, engine.security_level));
    }
    Ok(Selection {
        active,
        security_level: engine.security_level,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(s: &str) -> Vec<&'static str> {
        select(s)
            .unwrap()
            .active
            .iter()
            .map(|&i| OPENSSL_CIPHERS[i].name)
            .collect()
    }

    #[test]
    fn add_appends_in_table_order() {
        assert_eq!(
            names("ECDHE+AESGCM+aRSA"),
            ["ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256"]
        );
    }

    #[test]
    fn plus_prefix_moves_to_end() {
        let n = names("ECDHE+aRSA+AEAD:ECDHE+aRSA+AESGCM:+AES256");
        // "AEAD" is unknown, so only the AESGCM item adds anything.
        assert_eq!(
            n,
            ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384"]
        );
    }

    #[test]
    fn minus_removes_but_can_readd_and_bang_cannot() {
        let a = names("ECDHE+aRSA+AESGCM:-AES128:ECDHE+aRSA+AESGCM");
        assert_eq!(
            a,
            ["ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256"]
        );
        assert_eq!(
            names("ECDHE+aRSA+AESGCM:!AES128:AES128:ECDHE+aRSA+AESGCM"),
            ["ECDHE-RSA-AES256-GCM-SHA384"]
        );
    }

    #[test]
    fn deleted_ciphers_come_back_first() {
        // "-" puts deleted ciphers at the head; a later add appends them before others.
        let n =
            names("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:-ALL:ECDHE+aRSA+AESGCM");
        assert_eq!(
            n,
            ["ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-RSA-AES256-GCM-SHA384"]
        );
    }

    #[test]
    fn strength_sort_is_stable() {
        let n = names("ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384:@STRENGTH");
        assert_eq!(
            n,
            [
                "ECDHE-RSA-CHACHA20-POLY1305",
                "ECDHE-RSA-AES256-GCM-SHA384",
                "ECDHE-RSA-AES128-GCM-SHA256"
            ]
        );
    }

    #[test]
    fn separators_and_prefix_errors() {
        assert_eq!(
            names("ECDHE-RSA-AES128-GCM-SHA256;ECDHE-RSA-AES256-GCM-SHA384").len(),
            2
        );
        assert_eq!(
            names("ECDHE-RSA-AES128-GCM-SHA256, ECDHE-RSA-AES256-GCM-SHA384").len(),
            2
        );
        for bad in [
            "AES+",
            "!",
            "ALL:#",
            "@SECLEVEL=6",
            "@SECLEVEL=10",
            "@FOO:ALL",
            "ALL:-",
        ] {
            assert_eq!(
                select(bad).map_err(|e| e.0),
                Err(ParseFailure::InvalidCommand),
                "{bad:?}"
            );
        }
        for empty in [
            "",
            "FOO",
            "@STRENGTH",
            " DEFAULT",
            "TLS_AES_128_GCM_SHA256",
            "AES+CHACHA20",
        ] {
            assert!(select(empty).is_err(), "{empty:?}");
        }
        // An unknown word swallows its whole item, including what would be an error.
        assert!(select("ALL:FOO+").is_ok());
    }

    #[test]
    fn seclevel_and_default_prefix() {
        let s = select("@SECLEVEL=0:ALL").unwrap();
        assert_eq!(s.security_level, Some(0));
        assert_eq!(
            select("DEFAULTX").unwrap().active,
            select("DEFAULT").unwrap().active
        );
        assert_eq!(select("ALL").unwrap().security_level, None);
        assert_eq!(
            select("@SECLEVEL=1:FOO"),
            Err((ParseFailure::NoCipherMatch, Some(1)))
        );
        assert_eq!(
            select("@SECLEVEL=3:#"),
            Err((ParseFailure::InvalidCommand, Some(3)))
        );
    }
}
