//! Differential tests: `pyssl_cert::decode_cert_der` against CPython's
//! `ssl._ssl._test_decode_cert` on hand-built certificates, compared exactly (JSON with
//! key order, and the `pprint.pformat` text).

mod common;
use common::*;
use pyssl_testutil::Rng;

fn case(label: impl Into<String>, spec: Spec) -> (String, Vec<u8>) {
    (label.into(), spec.build())
}

#[test]
fn serial_numbers() {
    let mut cases = Vec::new();
    for (label, content) in [
        ("zero", vec![0x00]),
        ("one", vec![0x01]),
        ("0x80", vec![0x00, 0x80]),
        ("0xff00", vec![0x00, 0xff, 0x00]),
        ("0x0100", vec![0x01, 0x00]),
        ("-1", vec![0xff]),
        ("-128", vec![0x80]),
        ("-255", vec![0xff, 0x01]),
        ("-256", vec![0xff, 0x00]),
        ("20 bytes", (1..=20).collect()),
        ("35 bytes", vec![0x5a; 35]),
        ("36 bytes", vec![0x5a; 36]),
        ("71 bytes", vec![0x11; 71]),
        ("negative 40 bytes", [vec![0x80], vec![0x12; 39]].concat()),
        ("non-minimal 00 01", vec![0x00, 0x01]),
        ("non-minimal ff ff", vec![0xff, 0xff]),
        ("empty", vec![]),
    ] {
        cases.push(case(
            format!("serial {label}"),
            Spec {
                serial: content,
                ..Spec::default()
            },
        ));
    }
    check(cases);
}

#[test]
fn versions() {
    let mut cases = vec![case(
        "version absent",
        Spec {
            version: None,
            ..Spec::default()
        },
    )];
    for (label, content) in [
        ("0", vec![0]),
        ("1", vec![1]),
        ("2", vec![2]),
        ("3", vec![3]),
        ("-1", vec![0xff]),
        ("300", vec![0x01, 0x2c]),
        ("huge", vec![0x01, 0, 0, 0, 0, 0, 0, 0, 0]),
    ] {
        cases.push(case(
            format!("version {label}"),
            Spec {
                version: Some(int(&content)),
                ..Spec::default()
            },
        ));
    }
    // A v1 certificate carrying extensions still gets SAN/AIA/CDP decoded.
    cases.push(case(
        "v1 with SAN",
        Spec {
            version: None,
            ..Spec::with_exts(vec![san(&[gn::dns(b"v1.example")])])
        },
    ));
    check(cases);
}

#[test]
fn times() {
    let mut cases = Vec::new();
    let utcs = [
        "500101000000Z",
        "491231235959Z",
        "240229120000Z",
        "5001010000Z",
        "240101000000+0530",
        "240101000000-0800",
        "240101000000+0000",
        "2401010000+0100",
        "240101000000+1300",
        "240101000000+0160",
        "501301000000Z",
        "240230000000Z",
        "250229000000Z",
        "240101000060Z",
        "2401010000a0Z",
        "240101000000",
        "24010100000Z",
        "",
        "240101000000Zjunk",
    ];
    for t in utcs {
        cases.push(case(
            format!("UTCTime {t:?}"),
            Spec {
                not_before: utc(t),
                ..Spec::default()
            },
        ));
    }
    let gens = [
        "19450101000000Z",
        "20500101000000Z",
        "99991231235959Z",
        "20240101000000Z",
        "00010101000000Z",
        "09991231000000Z",
        "00000101000000Z",
        "20500101000000.123Z",
        "20510203040506.5Z",
        "20510203040506.000001Z",
        "20500101000000.Z",
        "20500101000000",
        "205001010000Z",
        "2050010100Z",
        "20500101000000+0530",
        "20500101000000.25-0130",
        "19000101000000+0100",
        "19000101000000-0100",
        "99991231235959-0100",
        "21000229000000Z",
        "20000229000000Z",
        "20500101000060Z",
        "2050010100000aZ",
        "20501301000000Z",
    ];
    for t in gens {
        cases.push(case(
            format!("GeneralizedTime {t:?}"),
            Spec {
                not_after: gen_time(t),
                ..Spec::default()
            },
        ));
    }
    cases.push(case(
        "time as PrintableString",
        Spec {
            not_before: printable(b"240101000000Z"),
            ..Spec::default()
        },
    ));
    check(cases);
}

/// Attribute names OpenSSL knows, and unknown OIDs in dotted form.
#[test]
fn attribute_names() {
    let known = [
        "2.5.4.6",
        "2.5.4.8",
        "2.5.4.7",
        "2.5.4.10",
        "2.5.4.11",
        "2.5.4.3",
        "1.2.840.113549.1.9.1",
        "2.5.4.5",
        "0.9.2342.19200300.100.1.25",
        "0.9.2342.19200300.100.1.1",
        "2.5.4.9",
        "2.5.4.17",
        "2.5.4.15",
        "1.3.6.1.4.1.311.60.2.1.3",
        "1.3.6.1.4.1.311.60.2.1.2",
        "1.3.6.1.4.1.311.60.2.1.1",
        "2.5.4.97",
        "2.5.4.42",
        "2.5.4.4",
        "2.5.4.12",
        "2.5.4.43",
        "2.5.4.65",
        "2.5.4.44",
        "2.5.4.46",
        "2.5.4.41",
        "2.5.4.13",
        "2.5.4.72",
        "1.2.840.113549.1.9.2",
        "2.5.4.99",
        "1.3",
        "2.5.29.17",
    ];
    let rdns: Vec<Vec<Vec<u8>>> = known.iter().map(|o| vec![attr(o, utf8("v"))]).collect();
    let mut cases = vec![case("known names", Spec::with_subject(name(&rdns)))];
    let big = "1.3.6.1.4.1.340282366920938463463374607431768211457.1";
    for o in [
        "2.999.1.2",
        "0.1.2",
        "1.2.3",
        big,
        "2.340282366920938463463374607431768211455.7",
    ] {
        cases.push(case(
            format!("unknown OID {o}"),
            Spec::with_subject(name(&[vec![attr(o, utf8("x"))]])),
        ));
    }
    // A 300-character dotted name, and OIDs at/over OpenSSL's 586-byte print limit.
    let long: String = std::iter::once("1.3".to_owned())
        .chain((0..74).map(|i| format!("{}", 100 + i)))
        .collect::<Vec<_>>()
        .join(".");
    cases.push(case(
        "300-char OID",
        Spec::with_subject(name(&[vec![attr(&long, utf8("x"))]])),
    ));
    for n in [584usize, 585, 586, 600] {
        let content = [vec![0x2b], vec![0x01; n]].concat();
        let a = seq(&[tlv(0x06, &content), utf8("x")]);
        cases.push(case(
            format!("{}-byte OID", n + 1),
            Spec::with_subject(name(&[vec![a]])),
        ));
    }
    check(cases);
}

#[test]
fn name_structure() {
    let cn_attr = |v: &str| attr("2.5.4.3", utf8(v));
    let ou_attr = |v: &str| attr("2.5.4.11", utf8(v));
    let cases = vec![
        case("empty subject", Spec::with_subject(seq(&[]))),
        case(
            "empty issuer",
            Spec {
                issuer: seq(&[]),
                ..Spec::default()
            },
        ),
        case(
            "empty RDN set",
            Spec::with_subject(name(&[vec![], vec![cn_attr("x")], vec![]])),
        ),
        case(
            "multi-valued CN+OU",
            Spec::with_subject(name(&[vec![cn_attr("host"), ou_attr("unit")]])),
        ),
        case(
            "multi-valued OU+CN",
            Spec::with_subject(name(&[vec![ou_attr("unit"), cn_attr("host")]])),
        ),
        case(
            "three-valued",
            Spec::with_subject(name(&[
                vec![cn_attr("a"), cn_attr("b"), ou_attr("c")],
                vec![cn_attr("d")],
            ])),
        ),
        case(
            "repeated OIDs",
            Spec::with_subject(name(&[
                vec![cn_attr("a")],
                vec![cn_attr("a")],
                vec![cn_attr("b")],
            ])),
        ),
        case("name not a SEQUENCE", Spec::with_subject(set(&[]))),
        case(
            "RDN not a SET",
            Spec::with_subject(seq(&[seq(&[cn_attr("x")])])),
        ),
        case(
            "attribute with extra field",
            Spec::with_subject(name(&[vec![seq(&[oid("2.5.4.3"), utf8("x"), utf8("y")])]])),
        ),
        case(
            "long subject",
            Spec::with_subject(name(
                &(0..12)
                    .map(|i| {
                        vec![cn_attr(&format!(
                            "component number {i} of a long subject name"
                        ))]
                    })
                    .collect::<Vec<_>>(),
            )),
        ),
    ];
    check(cases);
}

#[test]
fn string_types() {
    let v = |label: &str, value: Vec<u8>| {
        case(
            label,
            Spec::with_subject(name(&[vec![attr("2.5.4.3", value)]])),
        )
    };
    let cases = vec![
        v("printable odd chars", printable(b"a@b*c_d&e")),
        v("printable latin1", printable(b"caf\xe9")),
        v("printable C1", printable(b"\x80\x9f")),
        v("printable empty", printable(b"")),
        v("t61 latin1", tlv(0x14, b"caf\xe9 \xff")),
        v("ia5 latin1", ia5(b"\xe9t\xe9")),
        v("numeric junk", tlv(0x12, b"12 ab\xe9")),
        v("bmp", tlv(0x1e, &[0x00, 0x41, 0x20, 0xac, 0x00, 0x00, 0xff, 0xfe])),
        v("bmp odd", tlv(0x1e, &[0x00, 0x41, 0x20])),
        v("bmp surrogate pair", tlv(0x1e, &[0xd8, 0x3d, 0xde, 0x00])),
        v("bmp lone surrogate", tlv(0x1e, &[0xdc, 0x00])),
        v("universal", tlv(0x1c, &[0, 0, 0, 0x41, 0, 1, 0xf6, 0x00])),
        v("universal too big", tlv(0x1c, &[0, 0x11, 0, 0])),
        v("universal bad length", tlv(0x1c, &[0, 0, 0x41])),
        v("universal surrogate", tlv(0x1c, &[0, 0, 0xd8, 0])),
        v("utf8 non-ascii", utf8("Zoë ☃ \u{1f600}")),
        v("utf8 controls", utf8("a\u{0}b\u{1}\u{7f}\u{fffe}\u{ffff}\n")),
        v("utf8 quotes", utf8("it's \"q\" \\")),
        v("utf8 invalid", tlv(0x0c, b"ab\xff")),
        v("utf8 overlong", tlv(0x0c, b"\xc0\x80")),
        v("utf8 surrogate", tlv(0x0c, b"\xed\xa0\x80")),
        v("utf8 above 10FFFF", tlv(0x0c, b"\xf4\x90\x80\x80")),
        v("utf8 truncated", tlv(0x0c, b"\xe2\x82")),
        v("visible", tlv(0x1a, b"x")),
        v("videotex", tlv(0x15, b"x")),
        v("graphic", tlv(0x19, b"x")),
        v("general", tlv(0x1b, b"x")),
        v("integer", int(&[1])),
        v("octet string", octets(b"x")),
        v("enumerated", tlv(0x0a, &[1])),
        v("boolean", tlv(0x01, &[0xff])),
        v("null", tlv(0x05, &[])),
        v("oid value", oid("1.2.3")),
        v("utctime value", utc("240101000000Z")),
        v("sequence value", seq(&[utf8("x")])),
        v("set value", set(&[utf8("x")])),
        v("relative oid value", tlv(0x0d, &[1, 2])),
        v("object descriptor", tlv(0x07, b"x")),
        v("context tag value", ctx_prim(0, b"x")),
        v("bit string value", tlv(0x03, &[0x00, 0x01, 0x02])),
        v("bit string unused bits", tlv(0x03, &[0x04, 0xff, 0xff])),
        v("bit string empty", tlv(0x03, &[0x00])),
        v("bit string no octet", tlv(0x03, &[])),
        v("bit string bad unused", tlv(0x03, &[0x08, 0x00])),
        v("long value wraps in pprint", utf8(&"word ".repeat(40))),
        v("very long unbroken value", utf8(&"x".repeat(200))),
        v("multi-line value", utf8("line one\nline two\r\nline three with more words here to make it long enough to wrap around")),
        v("long bytes", tlv(0x03, &[[0u8].as_slice(), &[0x41; 90]].concat())),
        case("x500UniqueIdentifier", Spec::with_subject(name(&[vec![attr("2.5.4.45", tlv(0x03, &[0x00, 0x01, 0x02]))]]))),
    ];
    check(cases);
}

fn san_case(label: &str, names: &[Vec<u8>]) -> (String, Vec<u8>) {
    case(format!("SAN {label}"), Spec::with_exts(vec![san(names)]))
}

#[test]
fn san_basic_types() {
    let cases = vec![
        san_case("dns", &[gn::dns(b"example.com"), gn::dns(b"*.example.com")]),
        san_case(
            "dns non-ascii utf8",
            &[gn::dns("bücher.example".as_bytes())],
        ),
        san_case("dns invalid utf8", &[gn::dns(b"b\xfccher.example")]),
        san_case(
            "dns invalid utf8 forms",
            &[gn::dns(b"ok"), gn::uri(b"\xe2\x28\xa1")],
        ),
        san_case("uri truncated 3-byte", &[gn::uri(b"ab\xe2\x82")]),
        san_case("uri truncated 4-byte", &[gn::uri(b"\xf0\x90\x80")]),
        san_case("uri bad 4-byte", &[gn::uri(b"\xf0\x90\x28x")]),
        san_case("uri surrogate", &[gn::uri(b"\xed\xa0\x80")]),
        san_case("uri overlong", &[gn::uri(b"\xc0\x80")]),
        san_case("uri above max", &[gn::uri(b"\xf4\x90\x80\x80")]),
        san_case("dns nul", &[gn::dns(b"a\0b")]),
        san_case("dns empty", &[gn::dns(b"")]),
        san_case("email", &[gn::email(b"a@example.com")]),
        san_case("email invalid utf8", &[gn::email(b"\xff@x")]),
        san_case("uri", &[gn::uri(b"https://example.com/a?b=c")]),
        san_case("uri invalid utf8", &[gn::uri(b"http://\xc3")]),
        san_case(
            "ipv4",
            &[
                gn::ip(&[192, 0, 2, 1]),
                gn::ip(&[0, 0, 0, 0]),
                gn::ip(&[255, 255, 255, 255]),
            ],
        ),
        san_case(
            "ipv6 forms",
            &[
                gn::ip(&[0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
                gn::ip(&[0; 16]),
                gn::ip(&[
                    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xc0, 0x00, 0x02, 0x80,
                ]),
                gn::ip(&[0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2]),
                gn::ip(&[0xff; 16]),
                gn::ip(&[0, 1, 0, 0x10, 0x01, 0, 0x0a, 0xbc, 0, 0, 0, 0, 0, 0, 0, 0]),
            ],
        ),
        san_case(
            "ip odd lengths",
            &[
                gn::ip(&[]),
                gn::ip(&[1; 5]),
                gn::ip(&[1; 8]),
                gn::ip(&[1; 32]),
            ],
        ),
        san_case(
            "registered ids",
            &[
                gn::rid("1.3.6.1.5.5.7.3.1"),
                gn::rid("1.2.840.113549.1.9.1"),
                gn::rid("2.5.4.3"),
                gn::rid("1.3.6.1.4.1.11129.2.4.2"),
                gn::rid("2.999.5"),
            ],
        ),
        san_case("x400", &[ctx(3, &[seq(&[])])]),
        san_case("x400 primitive", &[ctx_prim(3, b"")]),
        san_case("edi party", &[ctx(5, &[ctx(1, &[utf8("party")])])]),
        san_case(
            "edi party with assigner",
            &[ctx(
                5,
                &[ctx(0, &[printable(b"a")]), ctx(1, &[utf8("party")])],
            )],
        ),
        san_case(
            "edi party missing party",
            &[ctx(5, &[ctx(0, &[utf8("a")])])],
        ),
        san_case(
            "edi party constructed garbage",
            &[gn::dns(b"d"), ctx(5, &[ctx(1, &[tlv(0x2c, b"party")])])],
        ),
        san_case(
            "edi party constructed ok",
            &[
                gn::dns(b"d"),
                ctx(5, &[ctx(1, &[tlv(0x2c, &octets(b"party"))])]),
            ],
        ),
        san_case(
            "edi party odd bmp",
            &[gn::dns(b"d"), ctx(5, &[ctx(1, &[tlv(0x1e, b"abc")])])],
        ),
        san_case("edi party ia5", &[ctx(5, &[ctx(1, &[ia5(b"party")])])]),
        san_case(
            "dirname",
            &[gn::dir(name(&[
                vec![attr("2.5.4.6", printable(b"US"))],
                vec![attr("2.5.4.3", utf8("dir"))],
            ]))],
        ),
        san_case("dirname empty", &[gn::dir(seq(&[]))]),
        san_case(
            "dirname invalid utf8",
            &[
                gn::dns(b"ok"),
                gn::dir(name(&[vec![attr("2.5.4.3", tlv(0x0c, b"\xff"))]])),
            ],
        ),
        san_case(
            "dirname sequence value",
            &[gn::dir(name(&[vec![attr("2.5.4.3", seq(&[]))]]))],
        ),
        san_case("empty", &[]),
        san_case("unknown tag 9", &[ctx_prim(9, b"x")]),
        san_case("universal tag", &[ia5(b"x")]),
        san_case(
            "mixed order",
            &[
                gn::uri(b"u:"),
                gn::dns(b"d"),
                gn::ip(&[1, 2, 3, 4]),
                gn::email(b"e"),
                gn::rid("1.2.3"),
            ],
        ),
        san_case(
            "many names",
            &(0..40)
                .map(|i| gn::dns(format!("host{i}.example.com").as_bytes()))
                .collect::<Vec<_>>(),
        ),
        case(
            "two SAN extensions",
            Spec::with_exts(vec![san(&[gn::dns(b"a")]), san(&[gn::dns(b"b")])]),
        ),
        case(
            "SAN not a sequence",
            Spec::with_exts(vec![ext("2.5.29.17", false, octets(b"x"))]),
        ),
        case(
            "SAN garbage",
            Spec::with_exts(vec![ext("2.5.29.17", false, vec![0x30, 0x05, 0x82])]),
        ),
        case(
            "SAN trailing bytes",
            Spec::with_exts(vec![ext(
                "2.5.29.17",
                false,
                [seq(&[gn::dns(b"a")]), vec![1, 2, 3]].concat(),
            )]),
        ),
        case(
            "SAN critical",
            Spec::with_exts(vec![ext("2.5.29.17", true, seq(&[gn::dns(b"c")]))]),
        ),
    ];
    check(cases);
}

#[test]
fn san_registered_id_lengths() {
    // Dotted text as long as 586 OID bytes allow (about 1200 characters), and
    // OIDs just over OpenSSL's 586-byte print limit.
    let mut cases = Vec::new();
    for arcs in [1usize, 10, 20, 27] {
        let s = format!("2.999{}", format!(".{}", "9".repeat(45)).repeat(arcs));
        let content = oid_content(&s);
        cases.push(san_case(
            &format!("rid {} chars, {} bytes", s.len(), content.len()),
            &[gn::rid(&s)],
        ));
    }
    for n in [585usize, 586, 587, 600] {
        let content = [vec![0x2b], vec![0x01; n - 1]].concat();
        cases.push(san_case(
            &format!("rid {n} bytes"),
            &[ctx_prim(8, &content)],
        ));
    }
    check(cases);
}

#[test]
fn san_othernames() {
    let upn = "1.3.6.1.4.1.311.20.2.3";
    let xmpp = "1.3.6.1.5.5.7.8.5";
    let srv = "1.3.6.1.5.5.7.8.7";
    let nai = "1.3.6.1.5.5.7.8.8";
    let smtp = "1.3.6.1.5.5.7.8.9";
    let cases = vec![
        san_case("upn", &[gn::other(upn, utf8("user@example.com"))]),
        san_case("upn ia5", &[gn::other(upn, ia5(b"user@example.com"))]),
        san_case("xmpp", &[gn::other(xmpp, utf8("a:b:c@example.com"))]),
        san_case("smtputf8", &[gn::other(smtp, utf8("üser@example.com"))]),
        san_case("nairealm", &[gn::other(nai, utf8("realm.example"))]),
        san_case("srvname ia5", &[gn::other(srv, ia5(b"_imap.example.com"))]),
        san_case("srvname utf8", &[gn::other(srv, utf8("_imap.example.com"))]),
        san_case("unknown oid", &[gn::other("1.2.3.4", utf8("x"))]),
        san_case(
            "unknown oid sequence",
            &[gn::other("1.2.3.4", seq(&[utf8("x")]))],
        ),
        san_case("upn nul", &[gn::other(upn, utf8("left\0right"))]),
        san_case("upn newline", &[gn::other(upn, utf8("line1\nline2"))]),
        san_case("upn long", &[gn::other(upn, utf8(&"x".repeat(3000)))]),
        san_case(
            "upn long multibyte cut",
            &[gn::other(
                upn,
                utf8(&format!("{}é{}", "x".repeat(2035), "y".repeat(10))),
            )],
        ),
        san_case("upn invalid utf8", &[gn::other(upn, tlv(0x0c, b"a\xffb"))]),
        san_case("upn empty", &[gn::other(upn, utf8(""))]),
        san_case(
            "othername missing explicit",
            &[ctx(0, &[oid(upn), utf8("x")])],
        ),
        san_case(
            "othername two values",
            &[ctx(0, &[oid(upn), ctx(0, &[utf8("x"), utf8("y")])])],
        ),
    ];
    check(cases);
}

fn aia(entries: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let ads: Vec<Vec<u8>> = entries
        .iter()
        .map(|(m, loc)| seq(&[oid(m), loc.clone()]))
        .collect();
    ext("1.3.6.1.5.5.7.1.1", false, seq(&ads))
}

fn dp(full: Option<Vec<Vec<u8>>>, extra: &[Vec<u8>]) -> Vec<u8> {
    let mut parts = Vec::new();
    if let Some(names) = full {
        parts.push(ctx(0, &[ctx(0, &names)]));
    }
    parts.extend_from_slice(extra);
    seq(&parts)
}

fn cdp(dps: &[Vec<u8>]) -> Vec<u8> {
    ext("2.5.29.31", false, seq(dps))
}

#[test]
fn aia_and_cdp() {
    const OCSP: &str = "1.3.6.1.5.5.7.48.1";
    const CA: &str = "1.3.6.1.5.5.7.48.2";
    const REPO: &str = "1.3.6.1.5.5.7.48.5";
    let cases = vec![
        case(
            "aia both",
            Spec::with_exts(vec![aia(&[
                (OCSP, gn::uri(b"http://o1")),
                (CA, gn::uri(b"http://c1")),
                (OCSP, gn::uri(b"http://o2")),
            ])]),
        ),
        case(
            "aia only ca",
            Spec::with_exts(vec![aia(&[(CA, gn::uri(b"http://c1"))])]),
        ),
        case(
            "aia only ocsp",
            Spec::with_exts(vec![aia(&[(OCSP, gn::uri(b"http://o1"))])]),
        ),
        case(
            "aia other locations dropped",
            Spec::with_exts(vec![aia(&[
                (OCSP, gn::dns(b"ocsp.example")),
                (OCSP, gn::email(b"a@b")),
                (CA, gn::dir(cn("x"))),
                (REPO, gn::uri(b"http://repo")),
                (CA, gn::uri(b"")),
                (OCSP, gn::uri(b"a\0b")),
            ])]),
        ),
        case(
            "aia nothing matches",
            Spec::with_exts(vec![aia(&[(REPO, gn::uri(b"http://repo"))])]),
        ),
        case("aia empty", Spec::with_exts(vec![aia(&[])])),
        case(
            "aia duplicated",
            Spec::with_exts(vec![
                aia(&[(OCSP, gn::uri(b"http://a"))]),
                aia(&[(OCSP, gn::uri(b"http://b"))]),
            ]),
        ),
        case(
            "aia malformed",
            Spec::with_exts(vec![ext(
                "1.3.6.1.5.5.7.1.1",
                false,
                seq(&[seq(&[oid(OCSP)])]),
            )]),
        ),
        case(
            "aia bad location tag",
            Spec::with_exts(vec![aia(&[
                (OCSP, gn::uri(b"http://a")),
                (OCSP, ctx_prim(9, b"x")),
            ])]),
        ),
        case(
            "aia invalid utf8",
            Spec::with_exts(vec![aia(&[(OCSP, gn::uri(b"http://\xff"))])]),
        ),
        case(
            "aia invalid utf8 in dropped entry",
            Spec::with_exts(vec![aia(&[
                (REPO, gn::uri(b"http://\xff")),
                (OCSP, gn::uri(b"http://a")),
            ])]),
        ),
        case(
            "cdp several",
            Spec::with_exts(vec![cdp(&[
                dp(
                    Some(vec![
                        gn::uri(b"http://crl1"),
                        gn::dns(b"dropped"),
                        gn::uri(b"ldap://crl2"),
                    ]),
                    &[],
                ),
                dp(Some(vec![gn::uri(b"http://crl3")]), &[]),
            ])]),
        ),
        case(
            "cdp reasons only and crl issuer only",
            Spec::with_exts(vec![cdp(&[
                dp(None, &[ctx_prim(1, &[0x07, 0x80])]),
                dp(None, &[ctx(2, &[gn::uri(b"http://issuer")])]),
                dp(
                    Some(vec![gn::uri(b"http://x")]),
                    &[ctx_prim(1, &[0x07, 0x80]), ctx(2, &[gn::dns(b"i")])],
                ),
            ])]),
        ),
        case(
            "cdp empty dp",
            Spec::with_exts(vec![cdp(&[
                seq(&[]),
                dp(Some(vec![gn::uri(b"http://y")]), &[]),
            ])]),
        ),
        case(
            "cdp relative name",
            Spec::with_exts(vec![cdp(&[
                seq(&[ctx(0, &[ctx(1, &[attr("2.5.4.3", utf8("rel"))])])]),
                dp(Some(vec![gn::uri(b"http://z")]), &[]),
            ])]),
        ),
        case("cdp empty extension", Spec::with_exts(vec![cdp(&[])])),
        case(
            "cdp no uris",
            Spec::with_exts(vec![cdp(&[dp(Some(vec![gn::dns(b"d")]), &[])])]),
        ),
        case(
            "cdp empty uri",
            Spec::with_exts(vec![cdp(&[dp(Some(vec![gn::uri(b"")]), &[])])]),
        ),
        case(
            "cdp duplicated",
            Spec::with_exts(vec![
                cdp(&[dp(Some(vec![gn::uri(b"http://a")]), &[])]),
                cdp(&[dp(Some(vec![gn::uri(b"http://b")]), &[])]),
            ]),
        ),
        case(
            "cdp invalid utf8",
            Spec::with_exts(vec![cdp(&[dp(Some(vec![gn::uri(b"\xfe")]), &[])])]),
        ),
        case(
            "aia dirname invalid utf8",
            Spec::with_exts(vec![aia(&[
                (OCSP, gn::uri(b"http://a")),
                (
                    CA,
                    gn::dir(name(&[vec![attr("2.5.4.3", tlv(0x0c, b"\xff"))]])),
                ),
            ])]),
        ),
        case(
            "aia dirname sequence value",
            Spec::with_exts(vec![aia(&[
                (OCSP, gn::uri(b"http://a")),
                (CA, gn::dir(name(&[vec![attr("2.5.4.3", seq(&[]))]]))),
            ])]),
        ),
        case(
            "cdp dirname sequence value",
            Spec::with_exts(vec![cdp(&[dp(
                Some(vec![
                    gn::dir(name(&[vec![attr("2.5.4.3", seq(&[]))]])),
                    gn::uri(b"http://d"),
                ]),
                &[],
            )])]),
        ),
        case(
            "empty extension values",
            Spec::with_exts(vec![
                ext("2.5.29.17", false, vec![]),
                ext("1.3.6.1.5.5.7.1.1", false, vec![]),
                ext("2.5.29.31", false, vec![]),
            ]),
        ),
        case(
            "extensions as SET",
            Spec::with_exts(vec![
                ext("2.5.29.17", false, set(&[gn::dns(b"s")])),
                ext("1.3.6.1.5.5.7.1.1", false, set(&[])),
                ext("2.5.29.31", false, set(&[])),
            ]),
        ),
        case(
            "cdp malformed",
            Spec::with_exts(vec![ext(
                "2.5.29.31",
                false,
                seq(&[seq(&[ctx_prim(5, b"")])]),
            )]),
        ),
        case(
            "all extensions",
            Spec::with_exts(vec![
                ext("2.5.29.19", true, seq(&[tlv(0x01, &[0xff])])),
                cdp(&[dp(Some(vec![gn::uri(b"http://crl")]), &[])]),
                aia(&[(CA, gn::uri(b"http://ca")), (OCSP, gn::uri(b"http://ocsp"))]),
                ext("1.2.3.4.5", true, b"opaque".to_vec()),
                san(&[gn::dns(b"all.example")]),
            ]),
        ),
    ];
    check(cases);
}

#[test]
fn certificate_structure() {
    let good = Spec::default().build();
    let mut cases = vec![
        (
            "trailing bytes after certificate".to_owned(),
            [good.clone(), vec![0xde, 0xad]].concat(),
        ),
        (
            "truncated by one byte".to_owned(),
            good[..good.len() - 1].to_vec(),
        ),
        ("truncated header".to_owned(), good[..1].to_vec()),
        ("empty".to_owned(), vec![]),
        ("garbage".to_owned(), b"this is not a certificate".to_vec()),
        (
            "outer SET".to_owned(),
            [vec![0x31], good[1..].to_vec()].concat(),
        ),
    ];
    cases.push(case(
        "explicit critical false",
        Spec::with_exts(vec![seq(&[
            oid("2.5.29.17"),
            tlv(0x01, &[0x00]),
            octets(&seq(&[gn::dns(b"f")])),
        ])]),
    ));
    cases.push(case(
        "boolean wrong length",
        Spec::with_exts(vec![seq(&[
            oid("2.5.29.17"),
            tlv(0x01, &[0xff, 0xff]),
            octets(&seq(&[gn::dns(b"f")])),
        ])]),
    ));
    cases.push(case("empty extensions", Spec::with_exts(vec![])));
    cases.push(case(
        "extension without value",
        Spec::with_exts(vec![seq(&[oid("2.5.29.17")])]),
    ));
    cases.push(case(
        "bad oid encoding",
        Spec::with_subject(name(&[vec![seq(&[
            tlv(0x06, &[0x2a, 0x80, 0x01]),
            utf8("x"),
        ])]])),
    ));
    cases.push(case(
        "empty oid",
        Spec::with_subject(name(&[vec![seq(&[tlv(0x06, &[]), utf8("x")])]])),
    ));
    check(cases);
}

/// BER leniency and odd structure that OpenSSL's d2i accepts or rejects.
#[test]
fn ber_and_structure_oddities() {
    let plain = Spec::default().build();
    // Re-encode the outer SEQUENCE with a non-minimal long-form length.
    let (_, content) = plain.split_at(if plain[1] & 0x80 != 0 {
        2 + (plain[1] & 0x7f) as usize
    } else {
        2
    });
    let n = content.len();
    let long_form = [
        vec![0x30, 0x84],
        (n as u32).to_be_bytes().to_vec(),
        content.to_vec(),
    ]
    .concat();
    let indefinite = [vec![0x30, 0x80], content.to_vec(), vec![0, 0]].concat();
    let mut cases = vec![
        ("outer long-form length".to_owned(), long_form),
        ("outer indefinite length".to_owned(), indefinite),
        ("extra element after signature".to_owned(), {
            let mut parts = content.to_vec();
            parts.extend(int(&[1]));
            seq(&[parts])
        }),
    ];
    let cn_value = |v: Vec<u8>| Spec::with_subject(name(&[vec![attr("2.5.4.3", v)]]));
    cases.push(case(
        "constructed utf8 value",
        cn_value(tlv(0x2c, &cat(&[tlv(0x04, b"ab"), tlv(0x04, b"cd")]))),
    ));
    cases.push(case(
        "constructed printable value",
        cn_value(tlv(0x33, &cat(&[tlv(0x13, b"ab")]))),
    ));
    cases.push(case(
        "long-form length in value",
        cn_value(vec![0x0c, 0x81, 0x02, b'h', b'i']),
    ));
    cases.push(case(
        "high tag number value",
        cn_value(vec![0x1f, 0x81, 0x00, 0x01, b'x']),
    ));
    let with_uids =
        rebuild_with_tbs_suffix(&[ctx_prim(1, &[0x00, 0xaa]), ctx_prim(2, &[0x00, 0xbb])]);
    cases.push(("issuer and subject unique ids".to_owned(), with_uids));
    cases.push((
        "bad unique id".to_owned(),
        rebuild_with_tbs_suffix(&[ctx_prim(1, &[0x09, 0xaa])]),
    ));
    cases.push((
        "unknown trailing tbs field".to_owned(),
        rebuild_with_tbs_suffix(&[ctx_prim(4, &[0x00])]),
    ));
    cases.push(case(
        "duplicate basic constraints",
        Spec::with_exts(vec![
            ext("2.5.29.19", true, seq(&[])),
            ext("2.5.29.19", true, seq(&[])),
            san(&[gn::dns(b"dup")]),
        ]),
    ));
    cases.push(case(
        "malformed key usage",
        Spec::with_exts(vec![ext("2.5.29.15", true, b"junk".to_vec())]),
    ));
    cases.push(case(
        "constructed extension value",
        Spec::with_exts(vec![seq(&[
            oid("2.5.29.17"),
            tlv(0x24, &cat(&[octets(&seq(&[gn::dns(b"split")]))])),
        ])]),
    ));
    cases.push(case(
        "version with trailing data",
        Spec {
            version: Some(cat(&[int(&[2]), int(&[0])])),
            ..Spec::default()
        },
    ));
    cases.push(case(
        "version not integer",
        Spec {
            version: Some(octets(&[2])),
            ..Spec::default()
        },
    ));
    cases.push(case(
        "serial huge",
        Spec {
            serial: vec![0x7f; 200],
            ..Spec::default()
        },
    ));
    check(cases);
}

/// A default certificate whose TBSCertificate gets `extra` appended after the SPKI.
fn rebuild_with_tbs_suffix(extra: &[Vec<u8>]) -> Vec<u8> {
    let s = Spec::default();
    let alg = seq(&[oid("1.2.840.10045.4.3.2")]);
    let spki = seq(&[
        seq(&[oid("1.2.840.10045.2.1"), oid("1.2.840.10045.3.1.7")]),
        tlv(0x03, &[0x00, 0x04, 0x01, 0x02]),
    ]);
    let mut tbs = vec![
        ctx(0, &[int(&[2])]),
        int(&s.serial),
        alg.clone(),
        s.issuer.clone(),
        seq(&[s.not_before.clone(), s.not_after.clone()]),
        s.subject.clone(),
        spki,
    ];
    tbs.extend_from_slice(extra);
    seq(&[seq(&tbs), alg, tlv(0x03, &[0x00, 0x30, 0x00])])
}

/// Random byte mutations of rich certificates: whatever CPython does (decode, raise),
/// pyssl must do the same.
#[test]
fn mutated_certificates_match_python() {
    let seeds = [
        Spec {
            subject: name(&[
                vec![
                    attr("2.5.4.3", utf8("host")),
                    attr("2.5.4.11", printable(b"unit")),
                ],
                vec![attr("2.5.4.10", tlv(0x1e, &[0x00, 0x41]))],
            ]),
            not_after: gen_time("20510203040506.5Z"),
            ..Spec::with_exts(vec![
                san(&[
                    gn::dns(b"a.example"),
                    gn::ip(&[1, 2, 3, 4]),
                    gn::other("1.3.6.1.4.1.311.20.2.3", utf8("u@x")),
                    gn::dir(cn("d")),
                    gn::rid("1.2.3"),
                ]),
                aia(&[
                    ("1.3.6.1.5.5.7.48.1", gn::uri(b"http://o")),
                    ("1.3.6.1.5.5.7.48.2", gn::uri(b"http://c")),
                ]),
                cdp(&[dp(Some(vec![gn::uri(b"http://crl")]), &[])]),
            ])
        }
        .build(),
        Spec::default().build(),
    ];
    // PYSSL_MUTATION_SEEDS=a.der,b.der mutates other certificates instead.
    let seeds: Vec<Vec<u8>> = match std::env::var("PYSSL_MUTATION_SEEDS") {
        Ok(list) => list.split(',').map(|p| std::fs::read(p).unwrap()).collect(),
        Err(_) => seeds.to_vec(),
    };
    // PYSSL_MUTATIONS=count:seed runs a longer campaign by hand.
    let (count, seed) = std::env::var("PYSSL_MUTATIONS")
        .ok()
        .and_then(|v| {
            let (c, s) = v.split_once(':')?;
            Some((c.parse().ok()?, s.parse().ok()?))
        })
        .unwrap_or((400usize, 0x9e3779b97f4a7c15u64));
    if let Ok(dir) = std::env::var("PYSSL_DUMP_MUTATIONS") {
        for (i, s) in seeds.iter().enumerate() {
            std::fs::write(format!("{dir}/seed{i}.der"), s).unwrap();
        }
    }
    let mut rng = Rng(seed);
    let mut cases = Vec::new();
    for i in 0..count {
        let mut der = seeds[i % seeds.len()].clone();
        for _ in 0..1 + rng.below(3) {
            let pos = rng.below(der.len());
            match rng.below(4) {
                0 => der[pos] ^= 1 << rng.below(8),
                1 => der[pos] = rng.next() as u8,
                2 => der[pos] = der[pos].wrapping_add(1),
                _ => {
                    der.remove(pos);
                }
            }
        }
        if let Ok(dir) = std::env::var("PYSSL_DUMP_MUTATIONS") {
            std::fs::write(format!("{dir}/m{i}.der"), &der).unwrap();
        }
        cases.push((format!("mutation {i}"), der));
    }
    check(cases);
}

/// Layouts that make `pprint` wrap: long nested DirNames, long URIs with and without
/// spaces, quotes, non-printable characters, long bytes values.
#[test]
fn pprint_layouts() {
    let long_dir = name(
        &(0..6)
            .map(|i| {
                vec![attr(
                    "2.5.4.10",
                    utf8(&format!("Organisation number {i} with a fairly long name")),
                )]
            })
            .collect::<Vec<_>>(),
    );
    let cases = vec![
        san_case("long dirname", &[gn::dir(long_dir.clone()), gn::dns(b"x")]),
        san_case("dirname multi-valued", &[gn::dir(name(&[vec![attr("2.5.4.3", utf8("a")), attr("2.5.4.11", utf8(&"u".repeat(70)))]]))]),
        san_case("long uri no spaces", &[gn::uri("https://example.test/".repeat(8).as_bytes())]),
        san_case("long uri with spaces", &[gn::uri("word ".repeat(30).as_bytes())]),
        san_case("uri with quotes", &[gn::uri(b"it's \"quoted\" \\ back"), gn::uri(b"only 'single'"), gn::uri(b"only \"double\"")]),
        san_case("uri with controls", &[gn::uri("tab\there\nnew\rcr\u{7f}\u{85}\u{a0}\u{2028}é☃".as_bytes())]),
        san_case("long uri with newlines", &[gn::uri(format!("{}\n{}\r\n{}", "a ".repeat(50), "b".repeat(90), "c ".repeat(45)).as_bytes())]),
        san_case("uri wide chars", &[gn::uri("日本語のテキスト ".repeat(10).as_bytes())]),
        san_case("uri astral", &[gn::uri("😀\u{e0000}\u{10ffff} ".repeat(20).as_bytes())]),
        case("long issuer", Spec { issuer: long_dir, ..Spec::default() }),
        case("many ocsp", Spec::with_exts(vec![aia(&(0..8).map(|i| ("1.3.6.1.5.5.7.48.1", gn::uri(format!("http://ocsp{i}.example.test/a/rather/long/path/component").as_bytes()))).collect::<Vec<_>>())])),
        case("long bytes values", Spec::with_subject(name(&[
            vec![attr("2.5.4.45", tlv(0x03, &[[0u8].as_slice(), &(0..=255u8).collect::<Vec<_>>()].concat()))],
            vec![attr("2.5.4.45", tlv(0x03, &[0, 1, 2, 3, 4, 5, 6, 7]))],
            vec![attr("2.5.4.45", tlv(0x03, &[[0u8].as_slice(), b"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\"'\""].concat()))],
        ]))),
        case("value exactly at width", Spec::with_subject(name(&[vec![attr("2.5.4.3", utf8(&"w".repeat(52)))]]))),
        case("value one over width", Spec::with_subject(name(&[vec![attr("2.5.4.3", utf8(&"w".repeat(53)))]]))),
        case("spaces at wrap points", Spec::with_subject(name(&[vec![attr("2.5.4.3", utf8(&format!("{} {}  {}", "a".repeat(40), "b".repeat(30), "c".repeat(20))))]]))),
    ];
    check(cases);
}
