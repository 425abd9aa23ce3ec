//! Punycode (RFC 3492), as CPython's `punycode` codec encodes and decodes labels.

const BASE: u64 = 36;
const T_MIN: u64 = 1;
const T_MAX: u64 = 26;
const SKEW: u64 = 38;
const DAMP: u64 = 700;
const INITIAL_BIAS: u64 = 72;
const INITIAL_N: u64 = 0x80;

fn adapt(delta: u64, first: bool, num_points: u64) -> u64 {
    let mut delta = if first { delta / DAMP } else { delta / 2 };
    delta += delta / num_points;
    let mut k = 0;
    while delta > ((BASE - T_MIN) * T_MAX) / 2 {
        delta /= BASE - T_MIN;
        k += BASE;
    }
    k + (BASE - T_MIN + 1) * delta / (delta + SKEW)
}

fn threshold(k: u64, bias: u64) -> u64 {
    k.saturating_sub(bias).clamp(T_MIN, T_MAX)
}

fn digit(d: u64) -> char {
    char::from(b"abcdefghijklmnopqrstuvwxyz0123456789"[d as usize])
}

/// Encodes `input` (basic code points kept, in order, then `-` and the deltas).
pub(super) fn encode(input: &[char]) -> String {
    let mut out: String = input.iter().filter(|c| c.is_ascii()).collect();
    let basic = out.len() as u64;
    if basic > 0 {
        out.push('-');
    }
    let total = input.len() as u64;
    let (mut n, mut delta, mut bias, mut handled) = (INITIAL_N, 0u64, INITIAL_BIAS, basic);
    while handled < total {
        let m = input
            .iter()
            .map(|&c| c as u64)
            .filter(|&c| c >= n)
            .min()
            .unwrap_or(n);
        delta += (m - n) * (handled + 1);
        n = m;
        for &c in input {
            let c = c as u64;
            if c < n {
                delta += 1;
            }
            if c == n {
                let mut q = delta;
                let mut k = BASE;
                loop {
                    let t = threshold(k, bias);
                    if q < t {
                        break;
                    }
                    out.push(digit(t + (q - t) % (BASE - t)));
                    q = (q - t) / (BASE - t);
                    k += BASE;
                }
                out.push(digit(q));
                bias = adapt(delta, handled == basic, handled + 1);
                delta = 0;
                handled += 1;
            }
        }
        delta += 1;
        n += 1;
    }
    out
}

/// Decodes a punycode label (without `xn--`); `None` where CPython's strict decoder raises.
#[cfg(test)]
pub(super) fn decode(input: &str) -> Option<String> {
    let (base, extended) = match input.rfind('-') {
        Some(pos) => (&input[..pos], &input[pos + 1..]),
        None => ("", input),
    };
    if !base.is_ascii() {
        return None;
    }
    let mut out: Vec<char> = base.chars().collect();
    // `next` is one past the previous insertion point (RFC 3492's i, before its increment).
    let (mut n, mut next, mut bias) = (INITIAL_N, 0u64, INITIAL_BIAS);
    let mut digits = extended.bytes().peekable();
    let mut first = true;
    while digits.peek().is_some() {
        let (mut delta, mut w, mut k) = (0u64, 1u64, BASE);
        loop {
            let d = match digits.next()?.to_ascii_uppercase() {
                c @ b'A'..=b'Z' => u64::from(c - b'A'),
                c @ b'0'..=b'9' => u64::from(c - b'0') + 26,
                _ => return None,
            };
            let t = threshold(k, bias);
            delta = delta.checked_add(d.checked_mul(w)?)?;
            if d < t {
                break;
            }
            w = w.checked_mul(BASE - t)?;
            k += BASE;
        }
        let len = out.len() as u64 + 1;
        let i = next.checked_add(delta)?;
        n = n.checked_add(i / len)?;
        let at = i % len;
        out.insert(at as usize, char::from_u32(u32::try_from(n).ok()?)?);
        next = at + 1;
        bias = adapt(delta, first, out.len() as u64);
        first = false;
    }
    Some(out.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3492_samples() {
        let enc = |s: &str| encode(&s.chars().collect::<Vec<_>>());
        assert_eq!(enc("bücher"), "bcher-kva");
        assert_eq!(enc("ü"), "tda");
        assert_eq!(
            enc("\u{4ed6}\u{4eec}\u{4e3a}\u{4ec0}\u{4e48}\u{4e0d}\u{8bf4}\u{4e2d}\u{6587}"),
            "ihqwcrb4cv8a8dqg056pqjye"
        );
        assert_eq!(decode("bcher-kva").as_deref(), Some("bücher"));
        assert_eq!(
            decode("IHQWCRB4CV8A8DQG056PQJYE").as_deref(),
            Some("他们为什么不说中文")
        );
        assert_eq!(decode("kva!"), None);
        assert_eq!(decode("99999999999999999999"), None);
    }
}
