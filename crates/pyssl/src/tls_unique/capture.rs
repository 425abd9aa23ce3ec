//! The TLS 1.2 master secret, taken from rustls' key-log hook.
//!
//! rustls calls the config's [`rustls::KeyLog`] with the `CLIENT_RANDOM` line inside the
//! call that derives the master secret (`process_new_packets`, or the server's
//! `Accepted::into_connection` for a resumption), made by the engine on the calling
//! thread; the engine asks for the secret ([`take`]) right after that call, on the same
//! thread (`Recorder::learn`). So the secret waits in a small table of the thread's own,
//! matched by client_random: no lock, and a connection that moves between threads between
//! calls still finds it. A callback run inside a rustls call that drives another
//! connection on the same thread just adds its own entry; the oldest of [`SLOTS`]
//! entries is overwritten (one left by a handshake that failed after the secret).

use std::cell::RefCell;
use std::sync::Arc;

/// Entries a thread holds: one is taken right after the call that made it.
const SLOTS: usize = 4;

/// (client_random, master secret).
type Entry = ([u8; 32], [u8; 48]);

struct Table {
    entries: [Option<Entry>; SLOTS],
    next: usize,
}

thread_local! {
    static PENDING: RefCell<Table> = const {
        RefCell::new(Table { entries: [None; SLOTS], next: 0 })
    };
}

fn put(entry: Entry) {
    PENDING.with(|t| {
        let mut t = t.borrow_mut();
        let i = t.next;
        t.entries[i] = Some(entry);
        t.next = (i + 1) % SLOTS;
    });
}

/// The master secret this thread's key log received for `client_random`, removed.
pub(crate) fn take(client_random: &[u8; 32]) -> Option<[u8; 48]> {
    PENDING.with(|t| {
        let mut t = t.borrow_mut();
        let slot = t
            .entries
            .iter_mut()
            .find(|e| e.is_some_and(|(r, _)| r == *client_random))?;
        slot.take().map(|(_, secret)| secret)
    })
}

/// The key log that rustls calls: captures TLS 1.2 master secrets for tls-unique and
/// forwards everything to the user's key log file, if any.
pub(crate) struct CaptureLog {
    pub(crate) file: Option<Arc<crate::keylog::KeyLogFile>>,
}

impl std::fmt::Debug for CaptureLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptureLog").finish_non_exhaustive()
    }
}

impl rustls::KeyLog for CaptureLog {
    fn log(&self, label: &str, client_random: &[u8], secret: &[u8]) {
        if label == "CLIENT_RANDOM" {
            if let (Ok(random), Ok(secret)) = (client_random.try_into(), secret.try_into()) {
                put((random, secret));
            }
        }
        if let Some(f) = &self.file {
            f.log(label, client_random, secret);
        }
    }

    fn will_log(&self, label: &str) -> bool {
        label == "CLIENT_RANDOM" || self.file.is_some()
    }
}

/// The key log for a config: capture + the user's file.
pub(crate) fn capture_log(file: Option<Arc<crate::keylog::KeyLogFile>>) -> Arc<dyn rustls::KeyLog> {
    Arc::new(CaptureLog { file })
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustls::KeyLog;

    #[test]
    fn a_secret_is_taken_once_by_its_random_on_its_thread() {
        let log = CaptureLog { file: None };
        log.log("CLIENT_RANDOM", &[1; 32], &[7; 48]);
        log.log("CLIENT_RANDOM", &[2; 32], &[8; 48]);
        // Other labels and sizes are not TLS 1.2 master secrets.
        log.log("CLIENT_HANDSHAKE_TRAFFIC_SECRET", &[3; 32], &[9; 48]);
        log.log("CLIENT_RANDOM", &[4; 32], &[9; 32]);
        assert_eq!(take(&[3; 32]), None);
        assert_eq!(take(&[4; 32]), None);
        // Another thread sees none of this thread's secrets.
        std::thread::spawn(|| assert_eq!(take(&[1; 32]), None))
            .join()
            .unwrap();
        assert_eq!(take(&[2; 32]), Some([8; 48]));
        assert_eq!(take(&[1; 32]), Some([7; 48]));
        assert_eq!(take(&[1; 32]), None);
    }

    #[test]
    fn old_entries_give_way_to_new_ones() {
        for i in 0..SLOTS as u8 + 2 {
            put(([i; 32], [i; 48]));
        }
        assert_eq!(take(&[0; 32]), None);
        assert_eq!(take(&[1; 32]), None);
        for i in 2..SLOTS as u8 + 2 {
            assert_eq!(take(&[i; 32]), Some([i; 48]));
        }
    }
}
