//! [`CertInfo`]: the typed `getpeercert()` dict, and its JSON / Python-repr renderings.

use crate::general_name::SanValue;
use crate::name::{Name, NameValue, Rdn};
use crate::pyrepr::PyObj;

/// The fields of a non-empty `getpeercert()` dict, in CPython's key order.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CertDict {
    /// `subject`: RDNs of `(name, value)` pairs.
    pub subject: Name,
    /// `issuer`: RDNs of `(name, value)` pairs.
    pub issuer: Name,
    /// `version`: `X509_get_version() + 1`, unvalidated (so `[0] INTEGER 3` gives 4).
    pub version: i64,
    /// `serialNumber`: upper-case hex (see the crate docs for the quirks).
    pub serial_number: String,
    /// `notBefore`, as `ASN1_TIME_print` writes it (`'Jan  5 09:08:07 2050 GMT'`).
    pub not_before: String,
    /// `notAfter`, likewise.
    pub not_after: String,
    /// `subjectAltName`, absent (`None`) without a (single, decodable) SAN extension.
    pub subject_alt_name: Option<Vec<(String, SanValue)>>,
    /// `OCSP` URIs from Authority Information Access.
    pub ocsp: Option<Vec<String>>,
    /// `caIssuers` URIs from Authority Information Access.
    pub ca_issuers: Option<Vec<String>>,
    /// `crlDistributionPoints` URIs.
    pub crl_distribution_points: Option<Vec<String>>,
}

/// The decoded certificate, as CPython's `ssl._ssl._test_decode_cert` /
/// `getpeercert()` returns it — or the empty dict `{}` ([`CertInfo::empty`]) that
/// `getpeercert()` gives under `CERT_NONE`.
///
/// ```
/// # fn main() -> pyssl_cert::Result<()> {
/// let pem = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/python-org-like.pem")).unwrap();
/// let cert = pyssl_cert::decode_cert(&pem)?;
/// assert_eq!(cert.subject_common_names(), vec!["www.example.test"]);
/// assert_eq!(cert.to_json()["version"], 3);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct CertInfo {
    dict: Option<CertDict>,
}

impl CertInfo {
    /// The empty dict `{}`.
    pub fn empty() -> CertInfo {
        CertInfo { dict: None }
    }

    /// Wraps decoded fields.
    pub fn from_dict(dict: CertDict) -> CertInfo {
        CertInfo { dict: Some(dict) }
    }

    /// True for `{}`.
    pub fn is_empty(&self) -> bool {
        self.dict.is_none()
    }

    /// The fields, unless this is `{}`.
    pub fn dict(&self) -> Option<&CertDict> {
        self.dict.as_ref()
    }

    /// `subject` (empty for `{}`).
    pub fn subject(&self) -> &[Rdn] {
        self.dict.as_ref().map_or(&[], |d| &d.subject)
    }

    /// `issuer` (empty for `{}`).
    pub fn issuer(&self) -> &[Rdn] {
        self.dict.as_ref().map_or(&[], |d| &d.issuer)
    }

    /// `version`.
    pub fn version(&self) -> Option<i64> {
        self.dict.as_ref().map(|d| d.version)
    }

    /// `serialNumber`.
    pub fn serial_number(&self) -> Option<&str> {
        self.dict.as_ref().map(|d| d.serial_number.as_str())
    }

    /// `notBefore`.
    pub fn not_before(&self) -> Option<&str> {
        self.dict.as_ref().map(|d| d.not_before.as_str())
    }

    /// `notAfter`.
    pub fn not_after(&self) -> Option<&str> {
        self.dict.as_ref().map(|d| d.not_after.as_str())
    }

    /// `subjectAltName`, if present.
    pub fn subject_alt_name(&self) -> Option<&[(String, SanValue)]> {
        self.dict.as_ref()?.subject_alt_name.as_deref()
    }

    /// `OCSP`, if present.
    pub fn ocsp(&self) -> Option<&[String]> {
        self.dict.as_ref()?.ocsp.as_deref()
    }

    /// `caIssuers`, if present.
    pub fn ca_issuers(&self) -> Option<&[String]> {
        self.dict.as_ref()?.ca_issuers.as_deref()
    }

    /// `crlDistributionPoints`, if present.
    pub fn crl_distribution_points(&self) -> Option<&[String]> {
        self.dict.as_ref()?.crl_distribution_points.as_deref()
    }

    /// Every `commonName` text value of the subject, in order.
    pub fn subject_common_names(&self) -> Vec<&str> {
        attribute_values(self.subject(), "commonName")
    }

    /// `DNS` entries of subjectAltName, in order.
    pub fn dns_names(&self) -> Vec<&str> {
        self.san_values("DNS")
    }

    /// `IP Address` entries of subjectAltName, in CPython's text form.
    pub fn ip_addresses(&self) -> Vec<&str> {
        self.san_values("IP Address")
    }

    fn san_values(&self, kind: &str) -> Vec<&str> {
        self.subject_alt_name()
            .unwrap_or(&[])
            .iter()
            .filter(|(k, _)| k == kind)
            .filter_map(|(_, v)| v.as_text())
            .collect()
    }

    /// The dict as a Python object tree (keys in CPython's insertion order).
    pub(crate) fn to_pyobj(&self) -> PyObj {
        let Some(d) = &self.dict else {
            return PyObj::Dict(Vec::new());
        };
        let strs = |v: &[String]| PyObj::Tuple(v.iter().map(|s| PyObj::Str(s.clone())).collect());
        let mut items = vec![
            ("subject".to_owned(), name_obj(&d.subject)),
            ("issuer".to_owned(), name_obj(&d.issuer)),
            ("version".to_owned(), PyObj::Int(d.version)),
            (
                "serialNumber".to_owned(),
                PyObj::Str(d.serial_number.clone()),
            ),
            ("notBefore".to_owned(), PyObj::Str(d.not_before.clone())),
            ("notAfter".to_owned(), PyObj::Str(d.not_after.clone())),
        ];
        if let Some(san) = &d.subject_alt_name {
            let entries = san
                .iter()
                .map(|(k, v)| {
                    let v = match v {
                        SanValue::Text(s) => PyObj::Str(s.clone()),
                        SanValue::DirName(n) => name_obj(n),
                    };
                    PyObj::Tuple(vec![PyObj::Str(k.clone()), v])
                })
                .collect();
            items.push(("subjectAltName".to_owned(), PyObj::Tuple(entries)));
        }
        for (key, v) in [
            ("OCSP", &d.ocsp),
            ("caIssuers", &d.ca_issuers),
            ("crlDistributionPoints", &d.crl_distribution_points),
        ] {
            if let Some(v) = v {
                items.push((key.to_owned(), strs(v)));
            }
        }
        PyObj::Dict(items)
    }

    /// The dict as JSON: keys in CPython's order, tuples as arrays, bytes as
    /// `{"__bytes__": "<hex>"}`.
    pub fn to_json(&self) -> serde_json::Value {
        self.to_pyobj().to_json()
    }

    /// Exactly what `pprint.pprint(cert)` prints (width 80, sorted keys), without the
    /// final newline.
    pub fn to_python_repr(&self) -> String {
        self.to_pyobj().pformat()
    }
}

fn attribute_values<'a>(name: &'a [Rdn], attr: &str) -> Vec<&'a str> {
    name.iter()
        .flatten()
        .filter(|(k, _)| k == attr)
        .filter_map(|(_, v)| v.as_text())
        .collect()
}

fn name_obj(n: &Name) -> PyObj {
    PyObj::Tuple(
        n.iter()
            .map(|rdn| {
                PyObj::Tuple(
                    rdn.iter()
                        .map(|(k, v)| {
                            let v = match v {
                                NameValue::Text(s) => PyObj::Str(s.clone()),
                                NameValue::Bytes(b) => PyObj::Bytes(b.clone()),
                                NameValue::None => PyObj::None,
                            };
                            PyObj::Tuple(vec![PyObj::Str(k.clone()), v])
                        })
                        .collect(),
                )
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_dict() {
        let e = CertInfo::empty();
        assert!(e.is_empty());
        assert_eq!(e.to_json(), serde_json::json!({}));
        assert_eq!(e.to_python_repr(), "{}");
        assert!(e.subject().is_empty());
        assert_eq!(e.version(), None);
    }
}
