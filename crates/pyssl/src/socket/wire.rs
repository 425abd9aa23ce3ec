//! [`Wire`]: the engine's [`TlsIo`] over a real stream — record-exact reads, writes
//! straight from the engine into the stream, and CPython's blocking / timeout /
//! non-blocking behaviour for each wait.

use std::io;
use std::time::Duration;

use super::errors::os_error;
use super::record::RecordReader;
use super::timeout::{timeout_error, Deadline, Direction, Mode, OpKind};
use super::transport::Transport;
use crate::engine::{Connection, Pull, TlsIo};
use crate::{Result, SslError};

/// Receive buffer: one full TLS record (header + largest body).
const RECV_BUF: usize = 5 + 16384 + 2048;

/// The stream side of an `SslSocket`.
pub(crate) struct Wire<S> {
    pub(crate) sock: S,
    records: RecordReader,
    rbuf: Vec<u8>,
    /// Bytes read from the stream but not yet taken by the engine: `rbuf[rstart..rend]`.
    rstart: usize,
    rend: usize,
    pub(crate) mode: Mode,
    /// The read and write timeouts last set on the stream (`None`: unknown), so waits
    /// re-arm `SO_RCVTIMEO`/`SO_SNDTIMEO` only when the budget left has drifted away from it.
    applied: [Option<Option<Duration>>; 2],
    op: OpKind,
    deadline: Deadline,
}

impl<S: Transport> Wire<S> {
    pub(crate) fn new(sock: S) -> Self {
        Wire {
            sock,
            records: RecordReader::default(),
            rbuf: vec![0; RECV_BUF],
            rstart: 0,
            rend: 0,
            mode: Mode::Blocking,
            applied: [None, None],
            op: OpKind::Read,
            deadline: Deadline::start(Mode::Blocking),
        }
    }

    /// Starts one operation: its kind picks the timeout message, its clock starts now.
    pub(crate) fn begin(&mut self, op: OpKind) -> &mut Self {
        self.op = op;
        self.deadline = Deadline::start(self.mode);
        self
    }

    /// Switches blocking / timeout / non-blocking mode.
    pub(crate) fn set_mode(&mut self, mode: Mode) -> Result<()> {
        self.sock
            .set_nonblocking(mode == Mode::NonBlocking)
            .map_err(|e| os_error(&e))?;
        if let Mode::Timeout(t) = mode {
            // Probe support now rather than at the first read.
            self.sock
                .set_read_timeout(Some(t))
                .map_err(|e| os_error(&e))?;
            self.applied = [Some(Some(t)), None];
        } else {
            self.apply_timeout(Direction::Read, None)?;
            self.apply_timeout(Direction::Write, None)?;
        }
        self.mode = mode;
        Ok(())
    }

    /// Bytes read from the stream that the engine has not consumed (normally none: reads
    /// stop at record boundaries).
    pub(crate) fn unconsumed(&self) -> usize {
        self.rend - self.rstart
    }

    /// Before a wait: makes the stream's timeout for `dir` what is left of the budget.
    ///
    /// The timeout already set is kept while it is within [`slack`] of the budget left, so
    /// back-to-back operations (each with a fresh budget) cost no `setsockopt` per read or
    /// write; a wait then ends at most `slack` after the operation's deadline.
    fn wait_budget(&mut self, dir: Direction) -> Result<()> {
        if let Mode::Timeout(t) = self.mode {
            match self.deadline.remaining() {
                Ok(Some(left)) => {
                    let close = matches!(self.applied[dir as usize],
                        Some(Some(cur)) if cur.abs_diff(left) <= slack(t));
                    if !close {
                        self.apply_timeout(dir, Some(left))?;
                    }
                }
                Ok(None) => self.apply_timeout(dir, None)?,
                Err(()) => return Err(timeout_error(self.op, dir)),
            }
        }
        Ok(())
    }

    /// After the stream said "would block": `Ok(true)` to wait again (time is left),
    /// `Ok(false)` to report SSLWant* (non-blocking), or the TimeoutError.
    fn keep_waiting(&self, dir: Direction) -> Result<bool> {
        match self.mode {
            Mode::Timeout(_) => match self.deadline.remaining() {
                Ok(_) => Ok(true),
                Err(()) => Err(timeout_error(self.op, dir)),
            },
            // A stream that is non-blocking on its own behaves as non-blocking mode.
            Mode::NonBlocking | Mode::Blocking => Ok(false),
        }
    }

    fn apply_timeout(&mut self, dir: Direction, t: Option<Duration>) -> Result<()> {
        if self.applied[dir as usize] == Some(t) {
            return Ok(());
        }
        let r = match dir {
            Direction::Read => self.sock.set_read_timeout(t),
            Direction::Write => self.sock.set_write_timeout(t),
        };
        r.map_err(|e| os_error(&e))?;
        self.applied[dir as usize] = Some(t);
        Ok(())
    }
}

/// How far a stream timeout may drift from an operation's remaining budget before it is
/// re-armed: 1/64 of the socket timeout, at most 50 ms.
fn slack(timeout: Duration) -> Duration {
    (timeout / 64).min(Duration::from_millis(50))
}

fn is_would_block(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
    )
}

impl<S: Transport> TlsIo for Wire<S> {
    fn pull(&mut self, conn: &mut Connection) -> Result<Pull> {
        if self.rstart == self.rend {
            self.records.set_tls12(conn.version() == Some("TLSv1.2"));
            loop {
                self.wait_budget(Direction::Read)?;
                match self.records.read_from(&mut self.sock, &mut self.rbuf) {
                    Ok(0) => return Ok(Pull::Eof),
                    Ok(n) => {
                        self.rstart = 0;
                        self.rend = n;
                        break;
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) if is_would_block(&e) => {
                        if !self.keep_waiting(Direction::Read)? {
                            return Ok(Pull::WouldBlock);
                        }
                    }
                    Err(e) => return Err(os_error(&e)),
                }
            }
        }
        let n = conn.feed(&self.rbuf[self.rstart..self.rend])?;
        self.rstart += n;
        Ok(if n == 0 { Pull::WouldBlock } else { Pull::Fed })
    }

    fn push(&mut self, conn: &mut Connection) -> Result<()> {
        while conn.wants_write() {
            self.wait_budget(Direction::Write)?;
            match conn.write_tls(&mut self.sock) {
                Ok(0) => return Err(os_error(&io::Error::from(io::ErrorKind::WriteZero))),
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if is_would_block(&e) => {
                    if !self.keep_waiting(Direction::Write)? {
                        return Err(SslError::want_write());
                    }
                }
                Err(e) => return Err(os_error(&e)),
            }
        }
        Ok(())
    }
}
