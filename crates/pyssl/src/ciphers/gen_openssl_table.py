import ssl, re
def names(s):
    c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    try:
        c.set_ciphers(s)
    except ssl.SSLError:
        return set()
    return {d['name'] for d in c.get_ciphers() if d['protocol'] != 'TLSv1.3'}
c = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT); c.set_ciphers('ALL:COMPLEMENTOFALL')
L = [d for d in c.get_ciphers() if d['protocol'] != 'TLSv1.3']
KX = {'DH': 'K_DHE', 'ECDH': 'K_ECDHE', 'RSA': 'K_RSA', 'DHEPSK': 'K_DHEPSK', 'PSK': 'K_PSK', 'RSAPSK': 'K_RSAPSK', 'ECDHEPSK': 'K_ECDHEPSK', 'SRP': 'K_SRP'}
AU = {'RSA': 'A_RSA', 'PSK': 'A_PSK', 'ECDSA': 'A_ECDSA', 'DSS': 'A_DSS', 'None': 'A_NULL', 'SRP': 'A_SRP'}
ENC = {'AES(256)': 'E_AES256', 'AES(128)': 'E_AES128', 'None': 'E_NULL', 'Camellia(256)': 'E_CAMELLIA256', 'Camellia(128)': 'E_CAMELLIA128', 'AESGCM(256)': 'E_AES256GCM', 'AESGCM(128)': 'E_AES128GCM', 'ARIAGCM(256)': 'E_ARIA256GCM', 'ARIAGCM(128)': 'E_ARIA128GCM', 'CHACHA20/POLY1305(256)': 'E_CHACHA20POLY1305', 'AESCCM8(256)': 'E_AES256CCM8', 'AESCCM(256)': 'E_AES256CCM', 'AESCCM8(128)': 'E_AES128CCM8', 'AESCCM(128)': 'E_AES128CCM', '3DES(168)': 'E_3DES'}
MAC = {'AEAD': 'M_AEAD', 'SHA1': 'M_SHA1', 'SHA256': 'M_SHA256', 'SHA384': 'M_SHA384', 'MD5': 'M_MD5'}
high, fips, notdef = names('HIGH'), names('FIPS'), names('COMPLEMENTOFDEFAULT')
ssl3, tls1, tls12 = names('SSLv3'), names('TLSv1'), names('TLSv1.2')
print("// @generated from CPython's ssl (OpenSSL %s) get_ciphers() output; checked by the" % ssl.OPENSSL_VERSION.split()[1])
print("// `table_matches_python` test. Columns: name, IANA id, strength bits, kx, auth, enc, mac, min_tls, strength.")
print("use super::*;\n")
print("pub(in crate::ciphers) const OPENSSL_CIPHERS: &[Cipher] = &[")
for d in L:
    n = d['name']
    f = lambda k: re.search(k + r'=(\S+)', d['description']).group(1)
    st = []
    if n in high: st.append('S_HIGH')
    if n in fips: st.append('S_FIPS')
    if not st: st.append('S_NONE')
    if n in notdef: st.append('S_NOT_DEFAULT')
    tls = 'SSL3' if n in ssl3 else 'TLS1' if n in tls1 else 'TLS1_2' if n in tls12 else None
    print('    Cipher::new("%s", 0x%04X, %d, %s, %s, %s, %s, %s, %s),' % (n, d['id'] & 0xffff, d['strength_bits'], KX[f('Kx')], AU[f('Au')], ENC[f('Enc')], MAC[f('Mac')], tls, ' | '.join(st)))
print("];")
