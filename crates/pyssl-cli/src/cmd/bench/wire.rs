//! A look at the TLS 1.2 wire, to check which resumption mechanism a server really used:
//! before its ChangeCipherSpec, a TLS 1.2 server's handshake messages are plaintext, so a
//! NewSessionTicket (handshake type 4) there means it issued an RFC 5077 ticket.

const CHANGE_CIPHER_SPEC: u8 = 20;
const HANDSHAKE: u8 = 22;
const NEW_SESSION_TICKET: u8 = 4;

/// Whether the server→client bytes of a TLS 1.2 handshake carry a NewSessionTicket.
pub fn tls12_ticket_issued(server_bytes: &[u8]) -> bool {
    let mut handshake = Vec::new();
    let mut rest = server_bytes;
    while rest.len() >= 5 {
        let (ty, len) = (rest[0], usize::from(u16::from_be_bytes([rest[3], rest[4]])));
        if ty == CHANGE_CIPHER_SPEC || rest.len() < 5 + len {
            break; // everything after is encrypted (or incomplete)
        }
        if ty == HANDSHAKE {
            handshake.extend_from_slice(&rest[5..5 + len]);
        }
        rest = &rest[5 + len..];
    }
    let mut msgs = &handshake[..];
    while msgs.len() >= 4 {
        if msgs[0] == NEW_SESSION_TICKET {
            return true;
        }
        let len = usize::from(msgs[1]) << 16 | usize::from(msgs[2]) << 8 | usize::from(msgs[3]);
        msgs = msgs.get(4 + len..).unwrap_or(&[]);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(ty: u8, body: &[u8]) -> Vec<u8> {
        let mut r = vec![ty, 3, 3];
        r.extend_from_slice(&(body.len() as u16).to_be_bytes());
        r.extend_from_slice(body);
        r
    }

    fn message(ty: u8, body: &[u8]) -> Vec<u8> {
        let mut m = vec![ty, 0, 0, body.len() as u8];
        m.extend_from_slice(body);
        m
    }

    #[test]
    fn finds_a_ticket_before_change_cipher_spec() {
        let mut hs = message(2, &[0; 10]); // ServerHello
        hs.extend(message(NEW_SESSION_TICKET, &[1; 20]));
        let mut wire = record(HANDSHAKE, &hs);
        wire.extend(record(CHANGE_CIPHER_SPEC, &[1]));
        assert!(tls12_ticket_issued(&wire));
    }

    #[test]
    fn ignores_encrypted_records_and_other_messages() {
        let mut wire = record(HANDSHAKE, &message(2, &[0; 10]));
        wire.extend(record(CHANGE_CIPHER_SPEC, &[1]));
        // An encrypted Finished whose first byte happens to be 4.
        wire.extend(record(HANDSHAKE, &[NEW_SESSION_TICKET, 0, 0, 1, 9]));
        assert!(!tls12_ticket_issued(&wire));
        assert!(!tls12_ticket_issued(&[]));
        assert!(!tls12_ticket_issued(&[22, 3, 3, 0xff, 0xff, 4])); // truncated
    }
}
