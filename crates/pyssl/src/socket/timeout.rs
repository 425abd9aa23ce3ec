//! Deadlines with CPython 3.5+ semantics: a socket timeout bounds a whole SSL operation
//! (handshake, read, write, shutdown), not each underlying system call.

use std::time::{Duration, Instant};

use crate::SslError;

/// How an [`SslSocket`](super::SslSocket) waits, as CPython's `settimeout()` value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// `settimeout(None)`: block forever.
    Blocking,
    /// `settimeout(0.0)`: never wait; blocked operations raise SSLWantRead/SSLWantWrite.
    NonBlocking,
    /// `settimeout(t)`: each operation as a whole must finish within `t`.
    Timeout(Duration),
}

impl Mode {
    /// The mode for CPython's `settimeout(value)`.
    pub(crate) fn from_timeout(timeout: Option<Duration>) -> Mode {
        match timeout {
            None => Mode::Blocking,
            Some(t) if t.is_zero() => Mode::NonBlocking,
            Some(t) => Mode::Timeout(t),
        }
    }

    /// CPython's `gettimeout()`.
    pub(crate) fn timeout(self) -> Option<Duration> {
        match self {
            Mode::Blocking => None,
            Mode::NonBlocking => Some(Duration::ZERO),
            Mode::Timeout(t) => Some(t),
        }
    }
}

/// Which operation is waiting; picks CPython's timeout message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OpKind {
    /// `do_handshake()`.
    Handshake,
    /// `recv()`/`read()`.
    Read,
    /// `send()`/`write()`/`sendall()`.
    Write,
    /// `unwrap()`: the message follows the direction that timed out.
    Shutdown,
}

/// Whether the operation was waiting to read or to write when time ran out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Direction {
    /// Waiting for the peer's bytes.
    Read,
    /// Waiting for room in the send buffer.
    Write,
}

/// CPython's `TimeoutError` for an SSL operation that ran out of time.
pub(crate) fn timeout_error(op: OpKind, dir: Direction) -> SslError {
    let msg = match (op, dir) {
        (OpKind::Handshake, _) => "The handshake operation timed out",
        (OpKind::Read, _) | (OpKind::Shutdown, Direction::Read) => "The read operation timed out",
        (OpKind::Write, _) | (OpKind::Shutdown, Direction::Write) => {
            "The write operation timed out"
        }
    };
    SslError::os("TimeoutError", None, msg)
}

/// The end of an operation's time budget (none when blocking or non-blocking).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Deadline {
    end: Option<Instant>,
}

impl Deadline {
    /// Starts the clock for one operation in `mode`.
    pub(crate) fn start(mode: Mode) -> Deadline {
        Deadline {
            end: match mode {
                Mode::Timeout(t) => Instant::now().checked_add(t),
                _ => None,
            },
        }
    }

    /// Time left: `Ok(None)` means unbounded; `Err(())` means the deadline has passed.
    #[allow(clippy::result_unit_err)]
    pub(crate) fn remaining(&self) -> Result<Option<Duration>, ()> {
        match self.end {
            None => Ok(None),
            Some(end) => {
                let left = end.saturating_duration_since(Instant::now());
                // SO_RCVTIMEO cannot express zero (it means "forever"); below 1 ms is expiry.
                if left < Duration::from_millis(1) {
                    Err(())
                } else {
                    Ok(Some(left))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mode_round_trips_settimeout_values() {
        assert_eq!(Mode::from_timeout(None), Mode::Blocking);
        assert_eq!(Mode::from_timeout(Some(Duration::ZERO)), Mode::NonBlocking);
        let t = Duration::from_millis(1500);
        assert_eq!(Mode::from_timeout(Some(t)), Mode::Timeout(t));
        for v in [None, Some(Duration::ZERO), Some(t)] {
            assert_eq!(Mode::from_timeout(v).timeout(), v);
        }
    }

    #[test]
    fn deadline_expires_and_unbounded_never_does() {
        assert_eq!(Deadline::start(Mode::Blocking).remaining(), Ok(None));
        assert_eq!(Deadline::start(Mode::NonBlocking).remaining(), Ok(None));
        let d = Deadline::start(Mode::Timeout(Duration::from_nanos(10)));
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(d.remaining(), Err(()));
        let d = Deadline::start(Mode::Timeout(Duration::from_secs(100)));
        assert!(matches!(d.remaining(), Ok(Some(_))));
    }

    #[test]
    fn messages_match_cpython() {
        let m = |op, dir| timeout_error(op, dir).to_string();
        assert_eq!(
            m(OpKind::Handshake, Direction::Write),
            "The handshake operation timed out"
        );
        assert_eq!(
            m(OpKind::Read, Direction::Write),
            "The read operation timed out"
        );
        assert_eq!(
            m(OpKind::Write, Direction::Read),
            "The write operation timed out"
        );
        assert_eq!(
            m(OpKind::Shutdown, Direction::Read),
            "The read operation timed out"
        );
        assert_eq!(
            m(OpKind::Shutdown, Direction::Write),
            "The write operation timed out"
        );
        assert_eq!(
            timeout_error(OpKind::Read, Direction::Read).python_class(),
            "TimeoutError"
        );
    }
}
