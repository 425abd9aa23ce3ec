//! Chain verification with OpenSSL 3.0's outcomes, on top of rustls-webpki.
//!
//! webpki builds and checks the path; this module decides *which* OpenSSL verify code a
//! failure is, in OpenSSL's order of checks (`verify_chain()` in `x509_vfy.c`):
//! chain building (18/19/20/2) → extensions and purpose (24/25/26) → host/IP (62/64) →
//! revocation (3/23) → signatures and validity times (7/9/10).
//! Trust anchors follow OpenSSL's default trust: only self-signed store certificates, unless
//! `VERIFY_X509_PARTIAL_CHAIN`, when every store certificate is an anchor. Other store
//! certificates can still be used as intermediates.

use std::borrow::Cow;

use rustls::pki_types::{CertificateDer, SignatureVerificationAlgorithm, TrustAnchor, UnixTime};
use webpki::{
    CertRevocationList, EndEntityCert, ExtendedKeyUsageValidator, KeyPurposeIdIter,
    OwnedCertRevocationList, RevocationCheckDepth, RevocationOptionsBuilder, UnknownStatusPolicy,
};
use x509_parser::prelude::{FromDer, X509Certificate};

use super::hostname::{match_hostname, match_leaf};
use super::leaf::Leaf;
use super::{codes, VerifyFailure, VerifyPolicy};
use crate::constants::{Purpose, VERIFY_CRL_CHECK_CHAIN, VERIFY_CRL_CHECK_LEAF};
use crate::{VERIFY_X509_PARTIAL_CHAIN, VERIFY_X509_STRICT};

/// Why a chain was rejected.
#[derive(Debug, Clone)]
pub(crate) enum Rejection {
    /// An OpenSSL verify failure (code + message).
    Verify(VerifyFailure),
    /// The certificate could not be parsed at all (OpenSSL fails before verification).
    BadEncoding,
}

impl From<VerifyFailure> for Rejection {
    fn from(f: VerifyFailure) -> Self {
        Rejection::Verify(f)
    }
}

/// What the verifier needs to know about one certificate, parsed once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CertFacts {
    pub(super) subject: Vec<u8>,
    pub(super) issuer: Vec<u8>,
    /// The serial number's DER value bytes.
    pub(super) serial: Vec<u8>,
    pub(super) not_before: i64,
    pub(super) not_after: i64,
    /// OpenSSL's EXFLAG_SS: issuer == subject and the AKID (if any) names its own key.
    pub(super) self_signed: bool,
    /// EKU extension: None when absent, else (serverAuth|SGC, clientAuth).
    pub(super) eku: Option<(bool, bool)>,
    /// X.509 version field (0 = v1, 2 = v3).
    pub(super) version: u32,
    /// basicConstraints: (critical, cA, pathLenConstraint present).
    pub(super) bcons: Option<(bool, bool, bool)>,
    /// keyUsage: (keyCertSign, cRLSign).
    pub(super) key_usage: Option<(bool, bool)>,
    /// authorityKeyIdentifier present: its criticality.
    pub(super) akid_critical: Option<bool>,
    /// subjectKeyIdentifier present: its criticality.
    pub(super) skid_critical: Option<bool>,
    /// subjectAltName present: (critical, number of names).
    pub(super) san: Option<(bool, usize)>,
    pub(super) subject_empty: bool,
    pub(super) issuer_empty: bool,
    pub(super) sig_alg_consistent: bool,
    pub(super) extension_count: usize,
}

const NS_SGC: &str = "2.16.840.1.113730.4.1";
const MS_SGC: &str = "1.3.6.1.4.1.311.10.3.3";

impl CertFacts {
    pub(crate) fn parse(der: &[u8]) -> Option<CertFacts> {
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        Some(CertFacts::of(&cert))
    }

    /// The facts of a parsed certificate.
    fn of(cert: &X509Certificate<'_>) -> CertFacts {
        use x509_parser::extensions::ParsedExtension as P;
        let subject = cert.subject().as_raw().to_vec();
        let issuer = cert.issuer().as_raw().to_vec();
        let mut skid = None;
        let mut akid = None;
        let mut facts = CertFacts {
            subject_empty: cert.subject().iter_attributes().next().is_none(),
            issuer_empty: cert.issuer().iter_attributes().next().is_none(),
            subject,
            issuer,
            serial: cert.raw_serial().to_vec(),
            not_before: cert.validity().not_before.timestamp(),
            not_after: cert.validity().not_after.timestamp(),
            self_signed: false,
            eku: None,
            version: cert.version().0,
            bcons: None,
            key_usage: None,
            akid_critical: None,
            skid_critical: None,
            san: None,
            sig_alg_consistent: cert.signature_algorithm.algorithm
                == cert.tbs_certificate.signature.algorithm
                && cert.signature_algorithm.parameters.as_ref().map(|a| a.data)
                    == cert
                        .tbs_certificate
                        .signature
                        .parameters
                        .as_ref()
                        .map(|a| a.data),
            extension_count: cert.extensions().len(),
        };
        for ext in cert.extensions() {
            match ext.parsed_extension() {
                P::SubjectKeyIdentifier(k) => {
                    skid = Some(k.0);
                    facts.skid_critical = Some(ext.critical);
                }
                P::AuthorityKeyIdentifier(a) => {
                    akid = a.key_identifier.as_ref().map(|k| k.0);
                    facts.akid_critical = Some(ext.critical);
                }
                P::BasicConstraints(b) => {
                    facts.bcons = Some((ext.critical, b.ca, b.path_len_constraint.is_some()))
                }
                P::KeyUsage(ku) => facts.key_usage = Some((ku.key_cert_sign(), ku.crl_sign())),
                P::SubjectAlternativeName(san) => {
                    facts.san = Some((ext.critical, san.general_names.len()))
                }
                P::ExtendedKeyUsage(e) => {
                    let sgc = e
                        .other
                        .iter()
                        .any(|o| o.to_id_string() == NS_SGC || o.to_id_string() == MS_SGC);
                    facts.eku = Some((e.server_auth || sgc, e.client_auth));
                }
                _ => {}
            }
        }
        let akid_ok = match (&akid, &skid) {
            (Some(a), Some(s)) => a == s,
            _ => true,
        };
        facts.self_signed = facts.subject == facts.issuer && akid_ok;
        facts
    }

    /// EXFLAG_CA: basicConstraints with cA set.
    fn is_ca(&self) -> bool {
        matches!(self.bcons, Some((_, true, _)))
    }

    /// OpenSSL's `X509_check_ca`: 0 when the certificate cannot act as a CA, 1 for a proper
    /// CA, other values for legacy ways of being one.
    fn check_ca(&self) -> u8 {
        if matches!(self.key_usage, Some((false, _))) {
            return 0;
        }
        match self.bcons {
            Some((_, ca, _)) => u8::from(ca),
            None if self.version == 0 && self.self_signed => 3,
            None if matches!(self.key_usage, Some((true, _))) => 4,
            None => 0,
        }
    }

    /// The `VERIFY_X509_STRICT` checks of OpenSSL 3.0's `check_extensions` for the cert at
    /// `depth` in a chain of `len` certificates.
    fn strict_error(&self, depth: usize, len: usize) -> Option<i64> {
        let ku = self.key_usage.unwrap_or((false, false));
        if matches!(self.bcons, Some((_, _, true))) {
            if !self.is_ca() {
                return Some(codes::PATHLEN_INVALID_FOR_NON_CA);
            }
            if !ku.0 {
                return Some(codes::PATHLEN_WITHOUT_KU_KEY_CERT_SIGN);
            }
        }
        if self.is_ca() && matches!(self.bcons, Some((false, _, _))) {
            return Some(codes::CA_BCONS_NOT_CRITICAL);
        }
        if self.is_ca() {
            if self.key_usage.is_none() {
                return Some(codes::CA_CERT_MISSING_KEY_USAGE);
            }
        } else if ku.0 {
            return Some(codes::KU_KEY_CERT_SIGN_INVALID_FOR_NON_CA);
        }
        if self.issuer_empty {
            return Some(codes::ISSUER_NAME_EMPTY);
        }
        if (self.is_ca() || ku.1 || self.san.is_none()) && self.subject_empty {
            return Some(codes::SUBJECT_NAME_EMPTY);
        }
        if self.subject_empty && matches!(self.san, Some((false, _))) {
            return Some(codes::EMPTY_SUBJECT_SAN_NOT_CRITICAL);
        }
        if matches!(self.san, Some((_, 0))) {
            return Some(codes::EMPTY_SUBJECT_ALT_NAME);
        }
        if !self.sig_alg_consistent {
            return Some(codes::SIGNATURE_ALGORITHM_INCONSISTENCY);
        }
        if self.akid_critical == Some(true) {
            return Some(codes::AUTHORITY_KEY_IDENTIFIER_CRITICAL);
        }
        if self.skid_critical == Some(true) {
            return Some(codes::SUBJECT_KEY_IDENTIFIER_CRITICAL);
        }
        if self.version >= 2 {
            if depth + 1 < len && self.akid_critical.is_none() {
                return Some(codes::MISSING_AUTHORITY_KEY_IDENTIFIER);
            }
            if self.is_ca() && self.skid_critical.is_none() {
                return Some(codes::MISSING_SUBJECT_KEY_IDENTIFIER);
            }
        } else if self.extension_count > 0 {
            return Some(codes::EXTENSIONS_REQUIRE_VERSION_3);
        }
        None
    }

    /// OpenSSL's `xku_reject`: an EKU extension that lacks the purpose rejects the cert.
    fn purpose_ok(&self, purpose: Purpose) -> bool {
        match (self.eku, purpose) {
            (None, _) => true,
            (Some((server, _)), Purpose::ServerAuth) => server,
            (Some((_, client)), Purpose::ClientAuth) => client,
        }
    }

    /// OpenSSL's `x509_check_cert_time`.
    fn time_error(&self, now: i64) -> Option<i64> {
        if self.not_before > now {
            Some(codes::CERT_NOT_YET_VALID)
        } else if self.not_after < now {
            Some(codes::CERT_HAS_EXPIRED)
        } else {
            None
        }
    }
}

/// One certificate of the trust store.
#[derive(Debug)]
struct StoreCert {
    der: CertificateDer<'static>,
    facts: CertFacts,
}

/// The trust store, prepared for webpki once per verifier.
#[derive(Debug, Default)]
pub(crate) struct StoreIndex {
    certs: Vec<StoreCert>,
    anchors: Vec<TrustAnchor<'static>>,
    /// `anchors[i]` was made from `certs[anchor_cert[i]]` (the embedded roots, after
    /// those, have no certificate).
    anchor_cert: Vec<usize>,
    /// Store certificates that are not anchors (usable as intermediates).
    store_intermediates: Vec<CertificateDer<'static>>,
    crls: Vec<CertRevocationList<'static>>,
    /// Raw issuer names of `crls`.
    crl_issuers: Vec<Vec<u8>>,
    /// Built with `VERIFY_X509_PARTIAL_CHAIN`.
    partial_chain: bool,
}

impl StoreIndex {
    /// Indexes `store`; with `partial_chain` every certificate is an anchor.
    pub(crate) fn new(store: &pyssl_trust::TrustStore, partial_chain: bool) -> StoreIndex {
        let mut idx = StoreIndex {
            partial_chain,
            ..StoreIndex::default()
        };
        for der in store.certificates() {
            let Some(facts) = CertFacts::parse(&der) else {
                continue;
            };
            let i = idx.certs.len();
            let anchor = if partial_chain || facts.self_signed {
                webpki::anchor_from_trusted_cert(&der)
                    .ok()
                    .map(|a| a.to_owned())
            } else {
                None
            };
            match anchor {
                Some(a) => {
                    idx.anchors.push(a);
                    idx.anchor_cert.push(i);
                }
                None => idx.store_intermediates.push(der.clone()),
            }
            idx.certs.push(StoreCert { der, facts });
        }
        // The embedded Mozilla roots (when loaded) are anchors without certificates.
        idx.anchors.extend(store.embedded_roots().iter().cloned());
        for crl in store.crls() {
            let issuer =
                x509_parser::revocation_list::CertificateRevocationList::from_der(crl.as_ref())
                    .map(|(_, c)| c.issuer().as_raw().to_vec());
            if let (Ok(owned), Ok(issuer)) =
                (OwnedCertRevocationList::from_der(crl.as_ref()), issuer)
            {
                idx.crls.push(CertRevocationList::from(owned));
                idx.crl_issuers.push(issuer);
            }
        }
        idx
    }

    fn anchor_index_of_der(&self, der: &[u8]) -> Option<usize> {
        self.anchor_cert
            .iter()
            .copied()
            .find(|&i| self.certs[i].der.as_ref() == der)
    }

    fn store_cert_by_subject(&self, subject: &[u8]) -> Option<&StoreCert> {
        self.certs.iter().find(|c| c.facts.subject == subject)
    }
}

/// Accepts any EKU: purpose is checked afterwards, in OpenSSL's order and with its rules.
struct AnyEku;

impl ExtendedKeyUsageValidator for AnyEku {
    fn validate(&self, _iter: KeyPurposeIdIter<'_, '_>) -> Result<(), webpki::Error> {
        Ok(())
    }
}

/// A verified path: leaf first, trust anchor last, plus the store certificates it used.
pub(crate) struct Verified<'a> {
    pub(crate) chain: Vec<CertificateDer<'a>>,
    pub(crate) store_used: Vec<&'a [u8]>,
}

/// Inputs of one verification.
pub(crate) struct Request<'a> {
    pub(crate) policy: &'a VerifyPolicy,
    pub(crate) algs: &'a [&'a dyn SignatureVerificationAlgorithm],
    pub(crate) end_entity: &'a CertificateDer<'a>,
    pub(crate) intermediates: &'a [CertificateDer<'a>],
    pub(crate) now: UnixTime,
    /// The name to check (None: no name check).
    pub(crate) hostname: Option<&'a str>,
}

fn fail(code: i64) -> Rejection {
    Rejection::Verify(VerifyFailure::from_code(code))
}

fn crl_flags(policy: &VerifyPolicy) -> Option<RevocationCheckDepth> {
    if policy.verify_flags.contains(VERIFY_CRL_CHECK_CHAIN) {
        Some(RevocationCheckDepth::Chain)
    } else if policy.verify_flags.contains(VERIFY_CRL_CHECK_LEAF) {
        Some(RevocationCheckDepth::EndEntity)
    } else {
        None
    }
}

/// Whether a policy treats every store certificate as an anchor.
pub(crate) fn partial_chain(policy: &VerifyPolicy) -> bool {
    policy.verify_flags.contains(VERIFY_X509_PARTIAL_CHAIN)
}

/// Verifies a chain as OpenSSL would for a CPython context with `req.policy`.
pub(crate) fn verify<'a>(
    idx: &'a StoreIndex,
    req: &Request<'a>,
) -> Result<Verified<'a>, Rejection> {
    // The cheap strict reader first; x509-parser for anything outside its shape.
    let walked = Leaf::parse(req.end_entity);
    let parsed;
    let leaf = match &walked {
        Some(l) => &l.facts,
        None => {
            parsed = CertFacts::parse(req.end_entity).ok_or(Rejection::BadEncoding)?;
            &parsed
        }
    };
    let leaf_cert = walked.as_ref();
    let now = req.now.as_secs() as i64;

    // A trusted leaf (self-signed in the store, or any store cert with PARTIAL_CHAIN)
    // is a complete chain by itself.
    if let Some(i) = idx.anchor_index_of_der(req.end_entity) {
        let sc = &idx.certs[i];
        let path = vec![(CertificateDer::from(&sc.der[..]), Cow::Borrowed(&sc.facts))];
        return finish(idx, req, path, now, Revocation::Webpki(None), leaf_cert);
    }

    let ee = EndEntityCert::try_from(req.end_entity).map_err(|_| Rejection::BadEncoding)?;
    let mut pool: Vec<CertificateDer<'_>> = req.intermediates.to_vec();
    pool.extend(idx.store_intermediates.iter().cloned());

    let build = |time: UnixTime| {
        ee.verify_for_usage(req.algs, &idx.anchors, &pool, time, AnyEku, None, None)
            .map(|path| collect_path(idx, req.end_entity, &path, leaf))
    };

    let (path, time_used) = match build(req.now) {
        Ok(p) => (p, None),
        Err(e) if is_time_error(&e) => {
            // OpenSSL checks times last: find the chain at a time where it is valid,
            // then report the checks OpenSSL runs before the time check.
            match candidate_times(leaf, req.intermediates, idx)
                .into_iter()
                .find_map(|t| build(unix(t)).ok().map(|r| (r, t)))
            {
                Some((p, t)) => (p, Some(t)),
                None => return Err(map_webpki(&e)),
            }
        }
        Err(webpki::Error::UnknownIssuer) => {
            return Err(classify_unknown_issuer(idx, leaf, req.intermediates))
        }
        // OpenSSL accepts a CA certificate as the leaf; webpki does not. An untrusted
        // chain gets OpenSSL's code; a chain to a trust anchor is verified by name.
        Err(webpki::Error::CaUsedAsEndEntity) => {
            return match classify_unknown_issuer(idx, leaf, req.intermediates) {
                Rejection::Verify(f)
                    if f.code == codes::UNABLE_TO_GET_ISSUER_CERT_LOCALLY
                        && reaches_anchor(idx, leaf, req.intermediates) =>
                {
                    verify_ca_leaf(idx, req, now)
                }
                other => Err(other),
            }
        }
        Err(e) => return Err(map_webpki(&e)),
    };

    finish(
        idx,
        req,
        path,
        now,
        Revocation::Webpki(time_used),
        leaf_cert,
    )
}

/// A CA certificate as the leaf (webpki refuses it as an end entity): the chain is built
/// by name, every signature checked with the issuer's key, then OpenSSL's usual checks;
/// revocation is looked up in the CRLs named after each certificate's issuer.
fn verify_ca_leaf<'a>(
    idx: &'a StoreIndex,
    req: &Request<'a>,
    now: i64,
) -> Result<Verified<'a>, Rejection> {
    let chain = built_chain(idx, req.end_entity, req.intermediates);
    let top = chain.last().expect("built_chain starts with the leaf");
    if chain.len() < 2 || idx.anchor_index_of_der(top).is_none() {
        return Err(fail(codes::UNABLE_TO_GET_ISSUER_CERT_LOCALLY));
    }
    for pair in chain.windows(2) {
        if !signed_by(&pair[0], &pair[1], req.algs) {
            return Err(fail(codes::CERT_SIGNATURE_FAILURE));
        }
    }
    let path: Vec<(CertificateDer<'static>, Cow<'_, CertFacts>)> = chain
        .into_iter()
        .map(|d| CertFacts::parse(&d).map(|f| (d, Cow::Owned(f))))
        .collect::<Option<_>>()
        .ok_or(Rejection::BadEncoding)?;
    finish(idx, req, path, now, Revocation::ByName, None)
}

/// Whether `cert`'s signature verifies with `issuer`'s public key (any supported algorithm).
fn signed_by(
    cert: &CertificateDer<'_>,
    issuer: &CertificateDer<'_>,
    algs: &[&dyn SignatureVerificationAlgorithm],
) -> bool {
    let Ok((_, parsed)) = X509Certificate::from_der(cert.as_ref()) else {
        return false;
    };
    let Ok(key) = EndEntityCert::try_from(issuer) else {
        return false;
    };
    let tbs = parsed.tbs_certificate.as_ref();
    let sig = &parsed.signature_value.data;
    algs.iter()
        .any(|alg| key.verify_signature(*alg, tbs, sig).is_ok())
}

/// The CRLs named after `cert`'s issuer: none → 3, listing its serial → 23.
fn check_crl_by_name(idx: &StoreIndex, cert: &CertFacts) -> Result<(), Rejection> {
    let crls: Vec<&CertRevocationList<'_>> = idx
        .crls
        .iter()
        .zip(&idx.crl_issuers)
        .filter(|(_, issuer)| *issuer == &cert.issuer)
        .map(|(crl, _)| crl)
        .collect();
    if crls.is_empty() {
        return Err(fail(codes::UNABLE_TO_GET_CRL));
    }
    if crls
        .iter()
        .any(|crl| matches!(crl.find_serial(&cert.serial), Ok(Some(_))))
    {
        return Err(fail(codes::CERT_REVOKED));
    }
    Ok(())
}

/// How [`finish`] looks up revocation for a built path.
enum Revocation {
    /// webpki's check below the anchor (with the verification time webpki used, if any),
    /// plus OpenSSL's by-name lookup where webpki does not look.
    Webpki(Option<u64>),
    /// Only the CRLs named after each certificate's issuer (a name-built chain).
    ByName,
}

/// The checks after chain building, in OpenSSL's order.
fn finish<'a>(
    idx: &'a StoreIndex,
    req: &Request<'a>,
    path: Vec<(CertificateDer<'a>, Cow<'_, CertFacts>)>,
    now: i64,
    revocation: Revocation,
    leaf_cert: Option<&Leaf<'_>>,
) -> Result<Verified<'a>, Rejection> {
    let store_used = path
        .iter()
        .filter_map(|(der, _)| idx.certs.iter().find(|c| c.der.as_ref() == der.as_ref()))
        .map(|c| c.der.as_ref())
        .collect();
    check_extensions(req.policy, &path)?;
    // check_id
    if let Some(name) = req.hostname {
        let ccn = req.policy.hostname_checks_common_name;
        match leaf_cert {
            Some(leaf) => match_leaf(leaf, name, ccn)?,
            None => match_hostname(req.end_entity, name, ccn)?,
        }
    }
    // check_revocation
    if let Some(depth) = crl_flags(req.policy) {
        match revocation {
            Revocation::Webpki(time_used) => {
                check_revocation(idx, req, &path, depth, time_used)?;
            }
            Revocation::ByName => {
                let checked = match depth {
                    RevocationCheckDepth::EndEntity => 1,
                    RevocationCheckDepth::Chain => path.len(),
                };
                for (_, f) in &path[..checked] {
                    check_crl_by_name(idx, f)?;
                }
            }
        }
    }
    // internal_verify: validity times, from the anchor down to the leaf.
    for (_, f) in path.iter().rev() {
        if let Some(code) = f.time_error(now) {
            return Err(fail(code));
        }
    }
    Ok(Verified {
        chain: path.into_iter().map(|(d, _)| d).collect(),
        store_used,
    })
}

/// OpenSSL's `check_extensions`: per certificate, leaf first — CA-ness of issuers,
/// purpose (EKU), then the `VERIFY_X509_STRICT` checks (for chains longer than one).
fn check_extensions(
    policy: &VerifyPolicy,
    path: &[(CertificateDer<'_>, Cow<'_, CertFacts>)],
) -> Result<(), Rejection> {
    let strict = policy.verify_flags.contains(VERIFY_X509_STRICT);
    let len = path.len();
    for (depth, (_, f)) in path.iter().enumerate() {
        let ca = f.check_ca();
        let ca_error = if depth == 0 {
            strict && ca != 0 && ca != 1
        } else {
            ca == 0 || ((depth + 1 < len || strict) && ca != 1)
        };
        if ca_error {
            return Err(fail(codes::INVALID_CA));
        }
        if !f.purpose_ok(policy.purpose) {
            return Err(fail(codes::INVALID_PURPOSE));
        }
        if strict && len > 1 {
            if let Some(code) = f.strict_error(depth, len) {
                return Err(fail(code));
            }
        }
    }
    Ok(())
}

fn check_revocation(
    idx: &StoreIndex,
    req: &Request<'_>,
    path: &[(CertificateDer<'_>, Cow<'_, CertFacts>)],
    depth: RevocationCheckDepth,
    time_used: Option<u64>,
) -> Result<(), Rejection> {
    if idx.crls.is_empty() {
        return Err(fail(codes::UNABLE_TO_GET_CRL));
    }
    if path.len() >= 2 {
        check_revocation_webpki(idx, req, depth, time_used)?;
    }
    // OpenSSL checks every certificate of the chain with VERIFY_CRL_CHECK_CHAIN, the trust
    // anchor included (webpki skips it), and the only one of a one-certificate chain.
    if path.len() == 1 || depth == RevocationCheckDepth::Chain {
        check_crl_by_name(idx, &path[path.len() - 1].1)?;
    }
    Ok(())
}

/// webpki's revocation check of the path below the trust anchor.
fn check_revocation_webpki(
    idx: &StoreIndex,
    req: &Request<'_>,
    depth: RevocationCheckDepth,
    time_used: Option<u64>,
) -> Result<(), Rejection> {
    let crl_refs: Vec<&CertRevocationList<'_>> = idx.crls.iter().collect();
    let Ok(builder) = RevocationOptionsBuilder::new(&crl_refs) else {
        return Err(fail(codes::UNABLE_TO_GET_CRL));
    };
    let expiration = if time_used.is_none() {
        webpki::ExpirationPolicy::Enforce
    } else {
        webpki::ExpirationPolicy::Ignore
    };
    let options = builder
        .with_depth(depth)
        .with_status_policy(UnknownStatusPolicy::Deny)
        .with_expiration_policy(expiration)
        .build();
    let ee = EndEntityCert::try_from(req.end_entity).map_err(|_| Rejection::BadEncoding)?;
    let mut pool: Vec<CertificateDer<'_>> = req.intermediates.to_vec();
    pool.extend(idx.store_intermediates.iter().cloned());
    let time = time_used.map(unix).unwrap_or(req.now);
    match ee.verify_for_usage(
        req.algs,
        &idx.anchors,
        &pool,
        time,
        AnyEku,
        Some(options),
        None,
    ) {
        Ok(_) => Ok(()),
        Err(e) => Err(map_webpki(&e)),
    }
}

fn unix(secs: u64) -> UnixTime {
    UnixTime::since_unix_epoch(std::time::Duration::from_secs(secs))
}

/// Leaf, intermediates and anchor certificate (DER + facts) of a webpki path. The leaf's
/// facts are `leaf`'s and store certificates' come from the index: nothing is parsed twice.
fn collect_path<'a, 'f>(
    idx: &'a StoreIndex,
    end_entity: &'a [u8],
    path: &webpki::VerifiedPath<'_>,
    leaf: &'f CertFacts,
) -> Vec<(CertificateDer<'a>, Cow<'f, CertFacts>)>
where
    'a: 'f,
{
    let mut out = Vec::with_capacity(2);
    out.push((CertificateDer::from(end_entity), Cow::Borrowed(leaf)));
    for c in path.intermediate_certificates() {
        let der = c.der();
        let der = der.as_ref();
        match idx.certs.iter().find(|sc| sc.der.as_ref() == der) {
            Some(sc) => out.push((CertificateDer::from(&sc.der[..]), Cow::Borrowed(&sc.facts))),
            None => {
                if let Some(f) = CertFacts::parse(der) {
                    out.push((CertificateDer::from(der.to_vec()), Cow::Owned(f)));
                }
            }
        }
    }
    let anchor = path.anchor();
    let anchor_cert = idx
        .anchors
        .iter()
        .position(|a| std::ptr::eq(a, anchor))
        .and_then(|i| idx.anchor_cert.get(i))
        .map(|&c| &idx.certs[c]);
    if let Some(sc) = anchor_cert {
        out.push((CertificateDer::from(&sc.der[..]), Cow::Borrowed(&sc.facts)));
    }
    out
}

fn is_time_error(e: &webpki::Error) -> bool {
    matches!(
        e,
        webpki::Error::CertExpired { .. }
            | webpki::Error::CertNotValidYet { .. }
            | webpki::Error::InvalidCertValidity
    )
}

/// Instants at which some certificate of the chain is valid (tried in order).
fn candidate_times(
    leaf: &CertFacts,
    presented: &[CertificateDer<'_>],
    idx: &StoreIndex,
) -> Vec<u64> {
    let mut facts = vec![leaf.clone()];
    facts.extend(presented.iter().filter_map(|d| CertFacts::parse(d)));
    facts.extend(idx.certs.iter().map(|c| c.facts.clone()));
    let mut times: Vec<u64> = Vec::new();
    for f in &facts {
        for t in [
            f.not_before.saturating_add(1),
            f.not_after.saturating_sub(1),
        ] {
            if t >= 0 && !times.contains(&(t as u64)) {
                times.push(t as u64);
            }
        }
    }
    times.truncate(32);
    times
}

/// OpenSSL's build_chain outcome when no trusted issuer was found:
/// 18 (self-signed leaf), 19 (self-signed cert in the chain), 2 (a store
/// certificate's issuer is missing) or 20.
fn classify_unknown_issuer(
    idx: &StoreIndex,
    leaf: &CertFacts,
    presented: &[CertificateDer<'_>],
) -> Rejection {
    if leaf.self_signed {
        return fail(codes::DEPTH_ZERO_SELF_SIGNED_CERT);
    }
    let presented: Vec<CertFacts> = presented
        .iter()
        .filter_map(|d| CertFacts::parse(d))
        .collect();
    let mut cur = leaf.clone();
    let mut from_store = false;
    for _ in 0..16 {
        if let Some(sc) = idx.store_cert_by_subject(&cur.issuer) {
            if sc.facts.self_signed {
                break;
            }
            cur = sc.facts.clone();
            from_store = true;
            continue;
        }
        match presented
            .iter()
            .find(|p| p.subject == cur.issuer && p.subject != cur.subject)
        {
            Some(p) if p.self_signed => return fail(codes::SELF_SIGNED_CERT_IN_CHAIN),
            Some(p) => {
                cur = p.clone();
                from_store = false;
            }
            None => {
                return fail(if from_store {
                    codes::UNABLE_TO_GET_ISSUER_CERT
                } else {
                    codes::UNABLE_TO_GET_ISSUER_CERT_LOCALLY
                })
            }
        }
    }
    fail(codes::UNABLE_TO_GET_ISSUER_CERT_LOCALLY)
}

/// The chain OpenSSL's `build_chain` assembles regardless of verification errors: the
/// leaf, then issuers found by name (trust store first, then the presented certificates)
/// until a self-signed certificate, a missing issuer, or — with `VERIFY_X509_PARTIAL_CHAIN`
/// — the first trusted certificate.
pub(crate) fn built_chain(
    idx: &StoreIndex,
    end_entity: &CertificateDer<'_>,
    presented: &[CertificateDer<'_>],
) -> Vec<CertificateDer<'static>> {
    let mut out = vec![CertificateDer::from(end_entity.as_ref().to_vec())];
    let Some(mut cur) = CertFacts::parse(end_entity) else {
        return out;
    };
    if idx.anchor_index_of_der(end_entity).is_some() {
        return out;
    }
    let presented: Vec<(&CertificateDer<'_>, CertFacts)> = presented
        .iter()
        .filter_map(|d| CertFacts::parse(d).map(|f| (d, f)))
        .collect();
    for _ in 0..16 {
        if cur.self_signed {
            break;
        }
        if let Some(i) = idx.certs.iter().position(|c| c.facts.subject == cur.issuer) {
            let sc = &idx.certs[i];
            out.push(sc.der.clone());
            if idx.partial_chain && idx.anchor_cert.contains(&i) {
                break;
            }
            cur = sc.facts.clone();
            continue;
        }
        match presented
            .iter()
            .find(|(d, f)| f.subject == cur.issuer && !out.iter().any(|o| o.as_ref() == d.as_ref()))
        {
            Some((d, f)) => {
                out.push(CertificateDer::from(d.as_ref().to_vec()));
                cur = f.clone();
            }
            None => break,
        }
    }
    out
}

/// Whether following issuer names from `leaf` reaches a trust anchor.
fn reaches_anchor(idx: &StoreIndex, leaf: &CertFacts, presented: &[CertificateDer<'_>]) -> bool {
    let presented: Vec<CertFacts> = presented
        .iter()
        .filter_map(|d| CertFacts::parse(d))
        .collect();
    let mut cur = leaf.clone();
    for _ in 0..16 {
        if idx
            .anchor_cert
            .iter()
            .any(|&i| idx.certs[i].facts.subject == cur.issuer)
        {
            return true;
        }
        let next = idx
            .certs
            .iter()
            .map(|c| &c.facts)
            .chain(presented.iter())
            .find(|f| f.subject == cur.issuer && f.subject != cur.subject);
        match next {
            Some(f) => cur = f.clone(),
            None => return false,
        }
    }
    false
}

/// Maps a webpki error to OpenSSL's verify code.
fn map_webpki(e: &webpki::Error) -> Rejection {
    use webpki::Error as E;
    #[allow(deprecated)]
    let code = match e {
        E::BadDer | E::BadDerTime | E::TrailingData(_) | E::UnsupportedCertVersion => {
            return Rejection::BadEncoding
        }
        E::CertExpired { .. } | E::InvalidCertValidity => codes::CERT_HAS_EXPIRED,
        E::CertNotValidYet { .. } => codes::CERT_NOT_YET_VALID,
        E::CertRevoked => codes::CERT_REVOKED,
        E::UnknownRevocationStatus | E::IssuerNotCrlSigner => codes::UNABLE_TO_GET_CRL,
        E::CrlExpired { .. } => codes::CRL_HAS_EXPIRED,
        E::InvalidCrlSignatureForPublicKey
        | E::UnsupportedCrlSignatureAlgorithm
        | E::UnsupportedCrlSignatureAlgorithmContext(_)
        | E::UnsupportedCrlSignatureAlgorithmForPublicKey
        | E::UnsupportedCrlSignatureAlgorithmForPublicKeyContext(_) => codes::CRL_SIGNATURE_FAILURE,
        E::InvalidSignatureForPublicKey
        | E::UnsupportedSignatureAlgorithm
        | E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKey
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
        | E::SignatureAlgorithmMismatch => codes::CERT_SIGNATURE_FAILURE,
        E::CaUsedAsEndEntity | E::EndEntityUsedAsCa => codes::INVALID_CA,
        E::PathLenConstraintViolated => codes::PATH_LENGTH_EXCEEDED,
        E::RequiredEkuNotFound | E::RequiredEkuNotFoundContext(_) | E::EmptyEkuExtension => {
            codes::INVALID_PURPOSE
        }
        E::NameConstraintViolation => codes::PERMITTED_VIOLATION,
        E::UnsupportedCriticalExtension => codes::UNHANDLED_CRITICAL_EXTENSION,
        _ => codes::UNABLE_TO_GET_ISSUER_CERT_LOCALLY,
    };
    fail(code)
}
