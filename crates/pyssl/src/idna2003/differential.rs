//! Differential test: [`to_ascii`](super::to_ascii) and [`to_unicode`](super::to_unicode)
//! against python3's `str.encode("idna")` / `bytes.decode("idna")` over every BMP code
//! point, a stride of the astral planes and seeded random labels built from the scripts
//! nameprep treats specially.

/// Deterministic xorshift, so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Ranges random labels draw from: ASCII, Latin-1 and Latin Extended, combining marks,
/// Greek, Hebrew/Arabic (bidi), Hangul jamo and syllables, B.1 "map to nothing" code
/// points, compatibility forms (ligatures, fullwidth, math letters), the dots CPython
/// splits on, spaces and controls (prohibited), unassigned-in-3.2 code points.
const POOLS: &[(u32, u32)] = &[
    (0x61, 0x7a),
    (0x41, 0x5a),
    (0x30, 0x39),
    (0x2d, 0x2d),
    (0xa0, 0x24f),
    (0x300, 0x36f),
    (0x370, 0x3ff),
    (0x5b0, 0x5ff),
    (0x600, 0x6ff),
    (0x1100, 0x11ff),
    (0xac00, 0xac60),
    (0xad, 0xad),
    (0x200b, 0x200d),
    (0xfe00, 0xfe0f),
    (0xfb00, 0xfb4f),
    (0xff01, 0xff70),
    (0x1d400, 0x1d7ff),
    (0x3002, 0x3002),
    (0xff0e, 0xff0e),
    (0x2e, 0x2e),
    (0x2000, 0x206f),
    (0x1b00, 0x1b7f),
    (0x1e900, 0x1e95f),
];

/// Set `PYSSL_IDNA_FULL=1` for every BMP code point in both name shapes, a finer astral
/// stride and more random labels (~45 s instead of a few).
fn full() -> bool {
    std::env::var_os("PYSSL_IDNA_FULL").is_some()
}

fn names() -> Vec<String> {
    let (bmp_step, astral_step, random) = if full() {
        (1, 97, 20_000)
    } else {
        (3, 211, 5_000)
    };
    let mut names = Vec::new();
    let mut add = |cp: u32, both: bool| {
        if let Some(c) = char::from_u32(cp) {
            if both || cp % 2 == 0 {
                names.push(format!("a{c}"));
            }
            if both || cp % 2 == 1 {
                names.push(format!("{c}\u{e9}.example"));
            }
        }
    };
    for cp in (0x80..0x10000).step_by(bmp_step) {
        add(cp, full());
    }
    for cp in (0x10000..0x110000).step_by(astral_step) {
        add(cp, true);
    }
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for _ in 0..random {
        let len = 1 + rng.below(12);
        let mut s = String::new();
        for _ in 0..len {
            let (lo, hi) = POOLS[rng.below(POOLS.len() as u64) as usize];
            let cp = lo + rng.below(u64::from(hi - lo + 1)) as u32;
            s.extend(char::from_u32(cp));
        }
        if !s.is_ascii() {
            names.push(s);
        }
    }
    names
}

const ORACLE: &str = r#"
import json, sys
out = []
for line in sys.stdin.buffer.read().decode("utf-8").split("\n")[:-1]:
    kind, name = json.loads(line)
    try:
        if kind == "e":
            out.append(name.encode("idna").decode("ascii"))
        else:
            out.append(name.encode("ascii").decode("idna"))
    except (UnicodeError, ValueError):
        out.append(None)
print(json.dumps(out))
"#;

fn oracle(kind: &str, names: &[String]) -> Vec<Option<String>> {
    let input: String = names
        .iter()
        .map(|n| serde_json::json!([kind, n]).to_string() + "\n")
        .collect();
    let out = pyssl_testutil::run_python_stdin(ORACLE, &input);
    serde_json::from_str(&out).expect("oracle JSON")
}

fn compare(kind: &str, names: &[String], ours: impl Fn(&str) -> Option<String>) -> Vec<String> {
    let expected = oracle(kind, names);
    assert_eq!(expected.len(), names.len());
    let mut bad = Vec::new();
    for (name, want) in names.iter().zip(&expected) {
        let got = ours(name);
        if &got != want {
            bad.push(format!("{kind} {name:?}: python {want:?}, pyssl {got:?}"));
        }
    }
    bad
}

#[test]
fn matches_python_idna_codec() {
    let names = names();
    let mut bad = compare("e", &names, |n| super::to_ascii(n).ok());
    // Decoding: every encoded name, its upper-cased form, and punycode-shaped junk.
    let mut encoded: Vec<String> = names
        .iter()
        .filter_map(|n| super::to_ascii(n).ok())
        .collect();
    let upper: Vec<String> = encoded
        .iter()
        .step_by(4)
        .map(|n| n.to_ascii_uppercase())
        .collect();
    encoded.extend(upper);
    let mut rng = Rng(42);
    for _ in 0..3_000 {
        let len = 1 + rng.below(10);
        let body: String = (0..len)
            .map(|_| char::from(b"abcz0189-Q"[rng.below(10) as usize]))
            .collect();
        encoded.push(format!("xn--{body}.example"));
    }
    bad.extend(compare("d", &encoded, |n| super::to_unicode(n).ok()));
    assert!(
        bad.is_empty(),
        "{} differences from python3, e.g.:\n{}",
        bad.len(),
        bad[..bad.len().min(30)].join("\n")
    );
}
