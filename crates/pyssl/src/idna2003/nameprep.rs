//! Nameprep (RFC 3491): map (B.1, B.2), NFKC, prohibit (C.*), bidi (D.1, D.2) — what
//! CPython's `encodings.idna.nameprep` does, over the generated tables in `tables.rs`.

use super::tables::{
    CCC_CLASS, CCC_RUNS, COMPOSE, LCAT, MAP_BMP, MAP_KEYS, MAP_OFFSETS, MAP_POOL, MAP_RUNS,
    PROHIBITED, RANDAL,
};

const S_BASE: u32 = 0xAC00;
const L_BASE: u32 = 0x1100;
const V_BASE: u32 = 0x1161;
const T_BASE: u32 = 0x11A7;
const L_COUNT: u32 = 19;
const V_COUNT: u32 = 21;
const T_COUNT: u32 = 28;
const N_COUNT: u32 = V_COUNT * T_COUNT;
const S_COUNT: u32 = L_COUNT * N_COUNT;

/// Nameprep of one label; `Err(())` for a prohibited character or a bidi violation.
pub(super) fn nameprep(label: &str) -> Result<Vec<char>, ()> {
    let mut out = Vec::with_capacity(label.len());
    for c in label.chars() {
        map_decompose(c, &mut out);
    }
    reorder(&mut out);
    compose(&mut out);
    if out.iter().any(|&c| in_ranges(&PROHIBITED, c)) {
        return Err(());
    }
    if out.iter().any(|&c| in_ranges(&RANDAL, c)) {
        let first_last = [out.first(), out.last()];
        if out.iter().any(|&c| in_ranges(&LCAT, c))
            || first_last
                .iter()
                .any(|c| !c.is_some_and(|&c| in_ranges(&RANDAL, c)))
        {
            return Err(());
        }
    }
    Ok(out)
}

/// Appends the B.1/B.2 mapping of `c`, fully compatibility-decomposed (NFKD).
fn map_decompose(c: char, out: &mut Vec<char>) {
    let cp = c as u32;
    if (S_BASE..S_BASE + S_COUNT).contains(&cp) {
        let s = cp - S_BASE;
        out.push(from(L_BASE + s / N_COUNT));
        out.push(from(V_BASE + (s % N_COUNT) / T_COUNT));
        if s % T_COUNT != 0 {
            out.push(from(T_BASE + s % T_COUNT));
        }
        return;
    }
    if let Ok(i) = MAP_KEYS.binary_search_by(|k| (k >> 8).cmp(&cp)) {
        let start = usize::from(MAP_OFFSETS[i]);
        let len = (MAP_KEYS[i] & 0xff) as usize;
        out.extend(MAP_POOL[start..start + len].chars());
        return;
    }
    if let Ok(small) = u16::try_from(cp) {
        if let Ok(i) = MAP_BMP.binary_search_by(|&(k, _)| k.cmp(&small)) {
            out.push(from(u32::from(MAP_BMP[i].1)));
            return;
        }
    }
    let i = MAP_RUNS.partition_point(|&(k, _)| k >> 11 <= cp);
    if let Some(&(k, target)) = i.checked_sub(1).map(|i| &MAP_RUNS[i]) {
        let first = k >> 11;
        let len = ((k >> 3) & 0xff) + 1;
        let step = ((k >> 2) & 1) + 1;
        let offset = cp - first;
        if offset % step == 0 && offset / step < len {
            out.push(from(target + (offset / step) * (k & 3)));
            return;
        }
    }
    out.push(c);
}

/// A scalar value from the tables or Hangul arithmetic (always valid).
fn from(cp: u32) -> char {
    char::from_u32(cp).unwrap_or(char::REPLACEMENT_CHARACTER)
}

fn ccc(c: char) -> u8 {
    match run_index(&CCC_RUNS, c) {
        Some(i) => CCC_CLASS[i],
        None => 0,
    }
}

/// The index of the `first << 11 | (len - 1)` run holding `c`, in a sorted table.
fn run_index(table: &[u32], c: char) -> Option<usize> {
    let cp = c as u32;
    let i = table.partition_point(|&k| k >> 11 <= cp).checked_sub(1)?;
    (cp - (table[i] >> 11) <= table[i] & 0x7ff).then_some(i)
}

/// Canonical ordering: each run of non-starters stably sorted by combining class.
fn reorder(s: &mut [char]) {
    let mut i = 0;
    while i < s.len() {
        if ccc(s[i]) == 0 {
            i += 1;
            continue;
        }
        let start = i;
        while i < s.len() && ccc(s[i]) != 0 {
            i += 1;
        }
        s[start..i].sort_by_key(|&c| ccc(c));
    }
}

/// Canonical composition (UAX #15), in place.
fn compose(s: &mut Vec<char>) {
    let mut out: Vec<char> = Vec::with_capacity(s.len());
    let mut starter: Option<usize> = None;
    let mut last_class = 0u8;
    for &c in s.iter() {
        let class = ccc(c);
        if let Some(sp) = starter {
            let adjacent = out.len() == sp + 1;
            if adjacent || last_class < class {
                if let Some(composed) = compose_pair(out[sp], c) {
                    out[sp] = composed;
                    continue;
                }
            }
        }
        if class == 0 {
            starter = Some(out.len());
        }
        last_class = class;
        out.push(c);
    }
    *s = out;
}

fn compose_pair(a: char, b: char) -> Option<char> {
    let (a, b) = (a as u32, b as u32);
    if (L_BASE..L_BASE + L_COUNT).contains(&a) && (V_BASE..V_BASE + V_COUNT).contains(&b) {
        return char::from_u32(S_BASE + ((a - L_BASE) * V_COUNT + (b - V_BASE)) * T_COUNT);
    }
    if (S_BASE..S_BASE + S_COUNT).contains(&a)
        && (a - S_BASE) % T_COUNT == 0
        && (T_BASE + 1..T_BASE + T_COUNT).contains(&b)
    {
        return char::from_u32(a + (b - T_BASE));
    }
    let key = u64::from(a) << 21 | u64::from(b);
    COMPOSE
        .binary_search_by(|&k| (k >> 21).cmp(&key))
        .ok()
        .and_then(|i| char::from_u32((COMPOSE[i] & 0x1f_ffff) as u32))
}

fn in_ranges(table: &[u32], c: char) -> bool {
    run_index(table, c).is_some()
}
