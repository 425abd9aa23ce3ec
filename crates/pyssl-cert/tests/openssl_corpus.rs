//! Differential tests on certificates made by the `openssl` CLI at test time
//! (multi-valued RDNs, UTF-8 names, v1, GeneralizedTime, negative and long serials,
//! every extension openssl can write), compared with CPython's `_test_decode_cert`.

mod common;
use common::*;

use pyssl_testutil::{openssl, openssl_p256_key};

const CONFIG: &str = r#"
[req]
distinguished_name = dn
prompt = no
[dn]
CN = unused
[full]
subjectAltName = @alt
authorityInfoAccess = OCSP;URI:http://ocsp.example.test, caIssuers;URI:http://ca.example.test/ca.der, OCSP;URI:http://ocsp2.example.test
crlDistributionPoints = URI:http://crl.example.test/a.crl, URI:ldap://crl.example.test/cn=x
basicConstraints = critical,CA:TRUE,pathlen:1
keyUsage = critical,keyCertSign,cRLSign,digitalSignature
extendedKeyUsage = serverAuth,clientAuth
certificatePolicies = 2.23.140.1.2.1
subjectKeyIdentifier = hash
nameConstraints = permitted;DNS:.example.test
[alt]
DNS.1 = www.example.test
DNS.2 = *.example.test
IP.1 = 192.0.2.7
IP.2 = 2001:db8::42
IP.3 = ::ffff:192.0.2.128
IP.4 = ::
email.1 = admin@example.test
URI.1 = https://example.test/path?q=1
RID.1 = 1.2.3.4.5
RID.2 = 1.3.6.1.5.5.7.3.1
otherName.1 = 1.3.6.1.4.1.311.20.2.3;UTF8:user@example.test
otherName.2 = 1.3.6.1.5.5.7.8.5;UTF8:chat@example.test
otherName.3 = 1.2.3.4;UTF8:opaque
otherName.4 = 1.3.6.1.5.5.7.8.7;IA5STRING:_ldap.example.test
dirName.1 = dir_sect
[dir_sect]
C = GB
O = Dir Org
CN = Dir Name
[san_only]
subjectAltName = DNS:only.example.test
"#;

#[test]
fn openssl_made_certificates_match_python() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("ext.cnf"), CONFIG).unwrap();
    openssl_p256_key(d, "k.pem");
    let mut certs: Vec<(&str, Vec<&str>)> = vec![
        ("full extensions", vec!["-subj", "/C=US/ST=Delaware/L=Wilmington/O=Example Org/OU=Unit/CN=www.example.test", "-extensions", "full"]),
        ("multi-valued rdn", vec!["-subj", "/C=US/O=Org/OU=unit+CN=host/DC=example+DC=test", "-extensions", "san_only"]),
        ("utf8 names", vec!["-utf8", "-subj", "/CN=Zoë ☃ 😀/O=Ünïcødé/emailAddress=a@b.example"]),
        ("generalized time", vec!["-subj", "/CN=far future", "-days", "40000"]),
        ("negative serial", vec!["-subj", "/CN=neg", "-set_serial", "-5"]),
        ("20-byte serial", vec!["-subj", "/CN=ser", "-set_serial", "0x7fffffffffffffffffffffffffffffffffffffff"]),
        ("zero serial", vec!["-subj", "/CN=zero", "-set_serial", "0"]),
        ("ev-style subject", vec!["-subj", "/jurisdictionC=US/jurisdictionST=Delaware/businessCategory=Private Organization/serialNumber=12345/C=US/postalCode=19801/street=1 Main St/O=EV Org/CN=ev.example.test"]),
        ("many attribute types", vec!["-subj", "/givenName=Ada/surname=Lovelace/title=Countess/initials=AL/pseudonym=ada/generationQualifier=III/dnQualifier=q/name=Ada L/description=desc/role=r/UID=ada1/organizationIdentifier=VATGB-123"]),
        ("empty subject", vec!["-subj", "/"]),
    ];
    let mut cases = Vec::new();
    for (i, (label, extra)) in certs.drain(..).enumerate() {
        let out = format!("c{i}.der");
        let mut args = vec![
            "req", "-new", "-x509", "-key", "k.pem", "-config", "ext.cnf", "-days", "30",
            "-outform", "DER", "-out", &out,
        ];
        if extra.contains(&"-days") {
            args.retain(|a| *a != "-days" && *a != "30");
        }
        args.extend(extra.iter().copied());
        openssl(d, &args);
        cases.push((label.to_owned(), std::fs::read(d.join(&out)).unwrap()));
    }
    // A v1 certificate: `x509 -req` without extensions.
    openssl(
        d,
        &[
            "req",
            "-new",
            "-key",
            "k.pem",
            "-subj",
            "/CN=v1 cert",
            "-out",
            "r.csr",
        ],
    );
    openssl(
        d,
        &[
            "x509", "-req", "-in", "r.csr", "-signkey", "k.pem", "-days", "1", "-outform", "DER",
            "-out", "v1.der",
        ],
    );
    cases.push(("v1".to_owned(), std::fs::read(d.join("v1.der")).unwrap()));
    // A CA-signed leaf (issuer differs from subject).
    openssl(
        d,
        &[
            "req", "-new", "-key", "k.pem", "-subj", "/CN=leaf", "-out", "leaf.csr",
        ],
    );
    openssl(
        d,
        &[
            "req",
            "-new",
            "-x509",
            "-key",
            "k.pem",
            "-config",
            "ext.cnf",
            "-subj",
            "/CN=Test CA",
            "-days",
            "30",
            "-out",
            "ca.pem",
        ],
    );
    openssl(
        d,
        &[
            "x509",
            "-req",
            "-in",
            "leaf.csr",
            "-CA",
            "ca.pem",
            "-CAkey",
            "k.pem",
            "-set_serial",
            "4096",
            "-days",
            "3",
            "-extfile",
            "ext.cnf",
            "-extensions",
            "san_only",
            "-outform",
            "DER",
            "-out",
            "leaf.der",
        ],
    );
    cases.push((
        "ca-signed leaf".to_owned(),
        std::fs::read(d.join("leaf.der")).unwrap(),
    ));
    check(cases);
}
