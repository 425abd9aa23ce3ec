//! Python's `repr()` and `pprint.pformat()` (3.13 defaults: width 80, indent 1,
//! sorted dict keys) for the few value types a certificate dict holds.

mod printable;

/// A Python value: what a `getpeercert()` dict is made of.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PyObj {
    Str(String),
    Bytes(Vec<u8>),
    Int(i64),
    None,
    Tuple(Vec<PyObj>),
    /// Items in insertion order.
    Dict(Vec<(String, PyObj)>),
}

const WIDTH: usize = 80;

/// Python's `str.isprintable()` for one character.
pub(crate) fn is_printable(c: char) -> bool {
    let cp = u32::from(c);
    let t = printable::NON_PRINTABLE;
    let i = t.partition_point(|&(_, last)| last < cp);
    !(i < t.len() && t[i].0 <= cp)
}

/// The value of a Unicode decimal digit (what `\\d` matches in a Python str regex and
/// `int()` accepts), or `None`.
pub(crate) fn decimal_value(c: char) -> Option<u32> {
    let cp = u32::from(c);
    let zeros = printable::DECIMAL_ZEROS;
    let i = zeros.partition_point(|&z| z <= cp);
    let zero = *zeros.get(i.checked_sub(1)?)?;
    (cp - zero < 10).then_some(cp - zero)
}

/// Python's `str.isspace()` for one character.
pub(crate) fn is_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\u{1c}'..='\u{20}'
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\u{b}' | '\u{c}' | '\r' | '\u{1c}'..='\u{1e}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// `repr(s)` for a Python `str`.
///
/// ```
/// assert_eq!(pyssl_cert::python_repr_str("it's"), "\"it's\"");
/// assert_eq!(pyssl_cert::python_repr_str("a\u{0}é\u{85}"), "'a\\x00é\\x85'");
/// ```
pub fn repr_str(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (c as u32) < 0x7f || is_printable(c) => out.push(c),
            c if (c as u32) <= 0xff => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if (c as u32) <= 0xffff => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

/// `repr(b)` for Python `bytes`.
pub(crate) fn repr_bytes(b: &[u8]) -> String {
    let quote = if b.contains(&b'\'') && !b.contains(&b'"') {
        b'"'
    } else {
        b'\''
    };
    let mut out = String::from("b");
    out.push(char::from(quote));
    for &c in b {
        match c {
            b'\\' => out.push_str("\\\\"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            c if c == quote => {
                out.push('\\');
                out.push(char::from(c));
            }
            c if !(0x20..0x7f).contains(&c) => out.push_str(&format!("\\x{c:02x}")),
            c => out.push(char::from(c)),
        }
    }
    out.push(char::from(quote));
    out
}

fn clen(s: &str) -> usize {
    s.chars().count()
}

impl PyObj {
    /// `repr()`, with dict keys sorted as pprint's `_safe_repr` does.
    pub(crate) fn repr(&self) -> String {
        match self {
            PyObj::Str(s) => repr_str(s),
            PyObj::Bytes(b) => repr_bytes(b),
            PyObj::Int(i) => i.to_string(),
            PyObj::None => "None".to_owned(),
            PyObj::Tuple(items) => {
                let parts: Vec<String> = items.iter().map(PyObj::repr).collect();
                if parts.len() == 1 {
                    format!("({},)", parts[0])
                } else {
                    format!("({})", parts.join(", "))
                }
            }
            PyObj::Dict(items) => {
                let parts: Vec<String> = sorted(items)
                    .iter()
                    .map(|(k, v)| format!("{}: {}", repr_str(k), v.repr()))
                    .collect();
                format!("{{{}}}", parts.join(", "))
            }
        }
    }

    /// JSON: tuples → arrays, bytes → `{"__bytes__": "<hex>"}`, dict order kept.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        use serde_json::Value;
        match self {
            PyObj::Str(s) => Value::String(s.clone()),
            PyObj::Bytes(b) => {
                let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
                serde_json::json!({ "__bytes__": hex })
            }
            PyObj::Int(i) => Value::from(*i),
            PyObj::None => Value::Null,
            PyObj::Tuple(items) => Value::Array(items.iter().map(PyObj::to_json).collect()),
            PyObj::Dict(items) => Value::Object(
                items
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_json()))
                    .collect(),
            ),
        }
    }

    /// `pprint.pformat(self)`.
    pub(crate) fn pformat(&self) -> String {
        let mut out = String::new();
        format(self, &mut out, 0, 0, 0);
        out
    }
}

fn sorted(items: &[(String, PyObj)]) -> Vec<&(String, PyObj)> {
    let mut v: Vec<_> = items.iter().collect();
    // Python compares str by code point, which is UTF-8 byte order.
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// `PrettyPrinter._format`.
fn format(obj: &PyObj, out: &mut String, indent: usize, allowance: usize, level: usize) {
    let rep = obj.repr();
    let max_width = WIDTH as isize - indent as isize - allowance as isize;
    if (clen(&rep) as isize) <= max_width {
        out.push_str(&rep);
        return;
    }
    let level = level + 1;
    match obj {
        PyObj::Dict(items) => {
            out.push('{');
            let items = sorted(items);
            let indent = indent + 1;
            let allowance = allowance + 1;
            let last_index = items.len().saturating_sub(1);
            for (i, (k, v)) in items.iter().enumerate() {
                let last = i == last_index;
                let krep = repr_str(k);
                out.push_str(&krep);
                out.push_str(": ");
                format(
                    v,
                    out,
                    indent + clen(&krep) + 2,
                    if last { allowance } else { 1 },
                    level,
                );
                if !last {
                    out.push_str(",\n");
                    out.push_str(&" ".repeat(indent));
                }
            }
            out.push('}');
        }
        PyObj::Tuple(items) => {
            out.push('(');
            let endchar = if items.len() == 1 { ",)" } else { ")" };
            let indent = indent + 1;
            let allowance = allowance + endchar.len();
            for (i, item) in items.iter().enumerate() {
                let last = i + 1 == items.len();
                if i > 0 {
                    out.push_str(",\n");
                    out.push_str(&" ".repeat(indent));
                }
                format(item, out, indent, if last { allowance } else { 1 }, level);
            }
            out.push_str(endchar);
        }
        PyObj::Str(s) => pprint_str(s, out, indent, allowance, level),
        PyObj::Bytes(b) => pprint_bytes(b, out, indent, allowance, level),
        PyObj::Int(_) | PyObj::None => out.push_str(&rep),
    }
}

/// `str.splitlines(keepends=True)`.
fn splitlines(s: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut start = 0;
    let mut it = s.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        if is_line_break(c) {
            let mut end = i + c.len_utf8();
            if c == '\r' {
                if let Some(&(j, '\n')) = it.peek() {
                    end = j + 1;
                    it.next();
                }
            }
            lines.push(&s[start..end]);
            start = end;
        }
    }
    if start < s.len() {
        lines.push(&s[start..]);
    }
    lines
}

/// `re.findall(r'\S*\s*', line)` without the final empty match.
fn word_parts(line: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut rest = line;
    while !rest.is_empty() {
        let ns = rest.find(is_space).unwrap_or(rest.len());
        let after = &rest[ns..];
        let ws = after.find(|c: char| !is_space(c)).unwrap_or(after.len());
        let n = ns + ws;
        parts.push(&rest[..n]);
        rest = &rest[n..];
    }
    parts
}

/// `PrettyPrinter._pprint_str`.
fn pprint_str(s: &str, out: &mut String, mut indent: usize, mut allowance: usize, level: usize) {
    if s.is_empty() {
        out.push_str(&repr_str(s));
        return;
    }
    let lines = splitlines(s);
    if level == 1 {
        indent += 1;
        allowance += 1;
    }
    let max_width = WIDTH as isize - indent as isize;
    let mut max_width1 = max_width;
    let mut chunks = Vec::new();
    let mut rep = String::new();
    for (i, line) in lines.iter().enumerate() {
        rep = repr_str(line);
        let last_line = i + 1 == lines.len();
        if last_line {
            max_width1 -= allowance as isize;
        }
        if clen(&rep) as isize <= max_width1 {
            chunks.push(rep.clone());
            continue;
        }
        let parts = word_parts(line);
        let mut max_width2 = max_width;
        let mut current = String::new();
        for (j, part) in parts.iter().enumerate() {
            let candidate = format!("{current}{part}");
            if j + 1 == parts.len() && last_line {
                max_width2 -= allowance as isize;
            }
            if clen(&repr_str(&candidate)) as isize > max_width2 {
                if !current.is_empty() {
                    chunks.push(repr_str(&current));
                }
                current = (*part).to_owned();
            } else {
                current = candidate;
            }
        }
        if !current.is_empty() {
            chunks.push(repr_str(&current));
        }
    }
    if chunks.len() == 1 {
        out.push_str(&rep);
        return;
    }
    if level == 1 {
        out.push('(');
    }
    for (i, c) in chunks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(c);
    }
    if level == 1 {
        out.push(')');
    }
}

/// `PrettyPrinter._pprint_bytes`.
fn pprint_bytes(b: &[u8], out: &mut String, mut indent: usize, mut allowance: usize, level: usize) {
    if b.len() <= 4 {
        out.push_str(&repr_bytes(b));
        return;
    }
    let parens = level == 1;
    if parens {
        indent += 1;
        allowance += 1;
        out.push('(');
    }
    let mut width = WIDTH as isize - indent as isize;
    let last = b.len() / 4 * 4;
    let mut chunks = Vec::new();
    let mut current: Vec<u8> = Vec::new();
    for i in (0..b.len()).step_by(4) {
        let part = &b[i..(i + 4).min(b.len())];
        let mut candidate = current.clone();
        candidate.extend_from_slice(part);
        if i == last {
            width -= allowance as isize;
        }
        if clen(&repr_bytes(&candidate)) as isize > width {
            if !current.is_empty() {
                chunks.push(repr_bytes(&current));
            }
            current = part.to_vec();
        } else {
            current = candidate;
        }
    }
    if !current.is_empty() {
        chunks.push(repr_bytes(&current));
    }
    for (i, c) in chunks.iter().enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(c);
    }
    if parens {
        out.push(')');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn str_repr_rules() {
        assert_eq!(repr_str("a'b"), "\"a'b\"");
        assert_eq!(repr_str("a'b\""), "'a\\'b\"'");
        assert_eq!(
            repr_str("\u{7f}\u{a0}\u{ad}\u{fffe}\u{e0000}"),
            "'\\x7f\\xa0\\xad\\ufffe\\U000e0000'"
        );
        assert_eq!(repr_str("café ☃"), "'café ☃'");
        assert_eq!(repr_bytes(b"\x01a'"), "b\"\\x01a'\"");
    }

    #[test]
    fn decimal_digits() {
        assert_eq!(decimal_value('7'), Some(7));
        assert_eq!(decimal_value('\u{ff12}'), Some(2));
        assert_eq!(decimal_value('\u{666}'), Some(6));
        assert_eq!(decimal_value('a'), None);
        assert_eq!(decimal_value('\u{2460}'), None);
    }

    #[test]
    fn splitting_helpers() {
        assert_eq!(splitlines("a\r\nb\rc\n"), vec!["a\r\n", "b\r", "c\n"]);
        assert_eq!(word_parts("  ab cd  e"), vec!["  ", "ab ", "cd  ", "e"]);
    }

    #[test]
    fn short_values_print_on_one_line() {
        let d = PyObj::Dict(vec![
            ("b".into(), PyObj::Int(1)),
            ("a".into(), PyObj::Tuple(vec![PyObj::Str("x".into())])),
        ]);
        assert_eq!(d.pformat(), "{'a': ('x',), 'b': 1}");
    }
}
