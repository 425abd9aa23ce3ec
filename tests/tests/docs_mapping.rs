//! docs/mapping.md must list every public name of python3's `ssl` module (3.13 when present)
//! and the methods and attributes of its classes, each with a status, so it cannot drift.

use std::collections::HashSet;

const NAMES_PY: &str = r#"
import ssl
for n in dir(ssl):
    if not n.startswith("_"):
        print(n)
for cls in (ssl.SSLContext, ssl.SSLObject, ssl.SSLSocket, ssl.SSLSession, ssl.MemoryBIO):
    for n in dir(cls):
        if not n.startswith("_"):
            print(cls.__name__ + "." + n)
"#;

const STATUSES: &[&str] = &["works", "differs:", "refused:", "not yet:", "n/a:"];

/// (python name, status) of every table row whose first cell is a `code` name.
fn rows(doc: &str) -> Vec<(String, String)> {
    doc.lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().strip_prefix('|')?.split('|').collect();
            let name = cells.first()?.trim().strip_prefix('`')?.strip_suffix('`')?;
            let status = cells.get(2)?.trim();
            Some((name.to_string(), status.to_string()))
        })
        .collect()
}

fn mapping() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/mapping.md");
    std::fs::read_to_string(path).expect("docs/mapping.md exists")
}

#[test]
fn mapping_lists_every_public_name_of_pythons_ssl_module() {
    let doc = mapping();
    let listed: HashSet<String> = rows(&doc).into_iter().map(|(n, _)| n).collect();
    let names = pyssl_tests::run_python(NAMES_PY, &[]);
    let missing: Vec<&str> = names
        .lines()
        .filter(|n| !n.is_empty() && !listed.contains(*n))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/mapping.md lacks rows for: {missing:?}"
    );
    assert!(listed.len() > 250, "only {} rows parsed", listed.len());
}

#[test]
fn every_mapping_row_has_a_known_status() {
    let bad: Vec<(String, String)> = rows(&mapping())
        .into_iter()
        .filter(|(_, s)| !STATUSES.iter().any(|p| s.starts_with(p)))
        .collect();
    assert!(bad.is_empty(), "rows with an unknown status: {bad:?}");
}

#[test]
fn row_parser_reads_name_and_status() {
    let doc = "| Python | pyssl | Status |\n|---|---|---|\n| `CERT_NONE` | `pyssl::CERT_NONE` | works |\n";
    assert_eq!(
        rows(doc),
        vec![("CERT_NONE".to_string(), "works".to_string())]
    );
}
