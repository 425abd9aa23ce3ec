//! [`Wire`]: the engine's [`TlsIo`] over a real stream — reads that never consume a byte
//! after the peer's close_notify, writes straight from the engine into the stream, and
//! CPython's blocking / timeout / non-blocking behaviour for each wait.
//!
//! Reading: a stream that can peek (`TcpStream`: `MSG_PEEK`) is peeked as far as the
//! buffer allows, the engine takes records from the peeked bytes one at a time (stopping
//! after a close_notify), and the bytes it took are consumed from the stream
//! ([`Wire::settle`], without a copy on Linux) before the next peek, at the end of an
//! operation that took all that was peeked ([`Wire::end_op`]), and before the stream is
//! handed back (`unwrap()`, `detach()`). So `unwrap()` leaves everything after the
//! close_notify unread, `select()`/`poll()` readiness means what it does in CPython (the
//! stream looks readable between operations only while not-yet-taken bytes are on it), and
//! a run of records costs one peek plus one discard per buffer instead of two reads per
//! record. Other streams fall back to record-exact reads ([`RecordReader`]).
//!
//! A handshake flight therefore costs a peek and a discard where a plain reader makes one
//! `recv`. That is the price of the guarantee, not slack: where the peer's bytes end is only
//! known after looking at them, and every flight but a client's first (read greedily, see
//! [`Wire::fill`]) may be followed at once by data, a close_notify and plaintext: a TLS 1.3
//! client is done after sending its Finished, a TLS 1.2 server after sending its own, and a
//! TLS 1.3 server may send data (0.5-RTT) and close right after its first flight. (An
//! experiment without these discards and without the timeout queries below gained about
//! 0.5 % of `pyssl bench --cases tcp-handshake` CPU time, within run-to-run noise.)
//!
//! Timeouts: the stream's own read and write timeouts are asked once each (then cached)
//! unless pyssl made the stream itself ([`Wire::assume_fresh`], `SslContext::connect`);
//! they are set only when an operation's budget has drifted away from them.

use std::io;
use std::time::Duration;

use super::errors::os_error;
use super::record::RecordReader;
use super::timeout::{timeout_error, Deadline, Direction, Mode, OpKind};
use super::transport::Transport;
use crate::engine::{Connection, Pull, TlsIo};
use crate::{Result, SslError};

/// Receive buffer for record-exact reads: one full TLS record (header + largest body).
const RECV_BUF: usize = 5 + 16384 + 2048;
/// Receive buffer to start peeking with: enough for most handshake flights (the engine
/// takes partial records, so a larger flight only costs another peek).
const PEEK_START: usize = 4 * 1024;
/// What the peek buffer grows to (×4 each time a peek fills it, i.e. for a stream of
/// records): several records per peek.
const PEEK_BUF: usize = 64 * 1024;

/// The stream side of an `SslSocket`.
pub(crate) struct Wire<S> {
    pub(crate) sock: S,
    records: RecordReader,
    rbuf: Vec<u8>,
    /// Bytes received but not yet taken by the engine: `rbuf[rstart..rend]` (when peeking,
    /// they are still on the stream too).
    rstart: usize,
    rend: usize,
    /// Reads peek and consume only what the engine took; cleared for good when the stream
    /// cannot peek.
    peeking: bool,
    /// `rbuf` holds peeked bytes (still on the stream), not read ones.
    rbuf_peeked: bool,
    /// Something was written to the stream (a server's first read may then no longer take
    /// everything there is, see [`fill`](Self::fill)).
    wrote: bool,
    /// Peeked bytes the engine has taken that are still on the stream (the last `debt`
    /// bytes of `rbuf[..rstart]`).
    debt: usize,
    pub(crate) mode: Mode,
    /// Whether the stream is in non-blocking mode, as far as we know (`None`: as handed to
    /// us, not switched yet).
    fd_nonblocking: Option<bool>,
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
            rbuf: vec![0; PEEK_START],
            rstart: 0,
            rend: 0,
            peeking: true,
            rbuf_peeked: false,
            wrote: false,
            debt: 0,
            mode: Mode::Blocking,
            fd_nonblocking: None,
            applied: [None, None],
            op: OpKind::Read,
            deadline: Deadline::start(Mode::Blocking),
        }
    }

    /// Declares the stream's state when pyssl made it itself (`create_connection`): blocking,
    /// with `timeout` as both its read and write timeout, so it is never queried.
    pub(crate) fn assume_fresh(&mut self, timeout: Option<Duration>) {
        self.fd_nonblocking = Some(false);
        self.applied = [Some(timeout), Some(timeout)];
    }

    /// Starts one operation: its kind picks the timeout message, its clock starts now.
    pub(crate) fn begin(&mut self, op: OpKind) -> &mut Self {
        self.op = op;
        self.deadline = Deadline::start(self.mode);
        self
    }

    /// Switches blocking / timeout / non-blocking mode.
    pub(crate) fn set_mode(&mut self, mode: Mode) -> Result<()> {
        // A stream not switched by us yet is left as it is when it should block: one that
        // turns out to be non-blocking is switched at its first would-block (see
        // `keep_waiting`), which saves a system call per socket in the usual case.
        let nonblocking = mode == Mode::NonBlocking;
        if nonblocking || self.fd_nonblocking == Some(true) {
            self.sock
                .set_nonblocking(nonblocking)
                .map_err(|e| os_error(&e))?;
            self.fd_nonblocking = Some(nonblocking);
        }
        if let Mode::Timeout(t) = mode {
            // Usually already set (`create_connection(addr, timeout)`); otherwise set now,
            // which also probes support rather than at the first read.
            self.learn(Direction::Read);
            if !matches!(self.applied[0], Some(Some(cur)) if cur.abs_diff(t) <= slack(t)) {
                self.sock
                    .set_read_timeout(Some(t))
                    .map_err(|e| os_error(&e))?;
                self.applied[0] = Some(Some(t));
            }
        } else {
            self.apply_timeout(Direction::Read, None)?;
            self.apply_timeout(Direction::Write, None)?;
        }
        self.mode = mode;
        Ok(())
    }

    /// Whether the stream holds exactly the bytes the engine has not taken (after
    /// [`settle`](Self::settle); without peeking, reads stop at record boundaries).
    pub(crate) fn stream_exact(&self) -> bool {
        self.debt == 0 && (self.rbuf_peeked || self.rstart == self.rend)
    }

    /// At the end of an operation: [`settle`](Self::settle)s unless peeked bytes the engine
    /// has not taken are still waiting (then the stream is truthfully readable and the next
    /// refill settles everything with one call, so a run of records costs one peek and one
    /// discard per buffer, not per record).
    pub(crate) fn end_op(&mut self) -> Result<()> {
        if self.rstart == self.rend {
            self.settle()
        } else {
            Ok(())
        }
    }

    /// Consumes from the stream the peeked bytes the engine has taken. They are queued
    /// already, so this never waits; if copied at all, they land on their own copy in
    /// `rbuf`.
    pub(crate) fn settle(&mut self) -> Result<()> {
        while self.debt > 0 {
            let at = self.rstart - self.debt;
            match self.sock.consume_peeked(&mut self.rbuf[at..self.rstart]) {
                Ok(0) => {
                    return Err(os_error(&io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "peeked bytes vanished from the stream",
                    )))
                }
                Ok(n) => self.debt -= n.min(self.debt),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(os_error(&e)),
            }
        }
        Ok(())
    }

    /// Refills the empty receive buffer from the stream; `Some` when there is nothing to
    /// feed (EOF, or would block in non-blocking mode).
    fn fill(&mut self, conn: &Connection) -> Result<Option<Pull>> {
        self.settle()?;
        self.records.set_tls12(conn.version() == Some("TLSv1.2"));
        // A server that has sent nothing yet may take everything there is: until the client
        // has our first flight, all it can have sent is its own first flight (which cannot
        // end a session that never started), so nothing here must stay on the stream.
        let greedy = conn.server_side() && !self.wrote;
        loop {
            self.wait_budget(Direction::Read)?;
            let r = if greedy {
                let r = self.sock.read(&mut self.rbuf);
                if let Ok(n) = r {
                    // Keeps the record framing for record-exact reads later.
                    self.records.consumed(&self.rbuf[..n]);
                }
                r
            } else if self.peeking {
                self.sock.peek(&mut self.rbuf)
            } else {
                self.records.read_from(&mut self.sock, &mut self.rbuf)
            };
            match r {
                Ok(0) => return Ok(Some(Pull::Eof)),
                Ok(n) => {
                    self.rstart = 0;
                    self.rend = n;
                    self.rbuf_peeked = self.peeking && !greedy;
                    if (greedy || self.peeking) && n == self.rbuf.len() && n < PEEK_BUF {
                        self.rbuf.resize((4 * n).min(PEEK_BUF), 0);
                    }
                    return Ok(None);
                }
                Err(e) if e.kind() == io::ErrorKind::Unsupported && self.peeking => {
                    self.peeking = false;
                    self.rbuf.resize(RECV_BUF, 0);
                    self.records.set_tls12(conn.version() == Some("TLSv1.2"));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if is_would_block(&e) => {
                    if !self.keep_waiting(Direction::Read)? {
                        return Ok(Some(Pull::WouldBlock));
                    }
                }
                Err(e) => return Err(os_error(&e)),
            }
        }
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
                    self.learn(dir);
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
    fn keep_waiting(&mut self, dir: Direction) -> Result<bool> {
        if self.mode != Mode::NonBlocking && self.fd_nonblocking.is_none() {
            // Blocking or timeout mode on a stream that may be non-blocking on its own:
            // make it block, then try again.
            self.sock.set_nonblocking(false).map_err(|e| os_error(&e))?;
            self.fd_nonblocking = Some(false);
            return Ok(true);
        }
        match self.mode {
            Mode::Timeout(_) => match self.deadline.remaining() {
                Ok(_) => Ok(true),
                Err(()) => Err(timeout_error(self.op, dir)),
            },
            // A stream that is non-blocking on its own behaves as non-blocking mode.
            Mode::NonBlocking | Mode::Blocking => Ok(false),
        }
    }

    /// Reads the stream's current timeout for `dir` if not known yet (a query costs less
    /// than setting it again).
    fn learn(&mut self, dir: Direction) {
        if self.applied[dir as usize].is_none() {
            let r = match dir {
                Direction::Read => self.sock.read_timeout(),
                Direction::Write => self.sock.write_timeout(),
            };
            self.applied[dir as usize] = r.ok();
        }
    }

    fn apply_timeout(&mut self, dir: Direction, t: Option<Duration>) -> Result<()> {
        self.learn(dir);
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
            if let Some(p) = self.fill(conn)? {
                return Ok(p);
            }
        }
        let n = conn.feed_stream(&self.rbuf[self.rstart..self.rend])?;
        self.rstart += n;
        if self.rbuf_peeked {
            self.debt += n;
        }
        Ok(if n == 0 { Pull::WouldBlock } else { Pull::Fed })
    }

    fn push(&mut self, conn: &mut Connection) -> Result<()> {
        // Mid-handshake with more of the peer's flight already received: answer it all in
        // one write once it is taken (TLS 1.3's change_cipher_spec goes out with the
        // Finished, as with raw rustls), not one segment per record. The engine feeds the
        // rest without waiting and pushes again before any wait.
        if self.rstart < self.rend
            && !conn.is_handshake_done()
            && conn.error().is_none()
            && !conn.received_close_notify()
        {
            return Ok(());
        }
        while conn.wants_write() {
            self.wait_budget(Direction::Write)?;
            match conn.write_tls(&mut self.sock) {
                Ok(0) => return Err(os_error(&io::Error::from(io::ErrorKind::WriteZero))),
                Ok(_) => self.wrote = true,
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::io::{Read, Write};

    /// A stream whose timeouts must never be asked for; counts the timeouts set.
    #[derive(Default)]
    struct NoQueries {
        sets: Cell<usize>,
    }

    impl Read for NoQueries {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Ok(0)
        }
    }

    impl Write for NoQueries {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            Ok(buf.len())
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    impl Transport for NoQueries {
        fn set_read_timeout(&self, _: Option<Duration>) -> io::Result<()> {
            self.sets.set(self.sets.get() + 1);
            Ok(())
        }
        fn set_write_timeout(&self, _: Option<Duration>) -> io::Result<()> {
            self.sets.set(self.sets.get() + 1);
            Ok(())
        }
        fn read_timeout(&self) -> io::Result<Option<Duration>> {
            panic!("the read timeout of a fresh stream was queried")
        }
        fn write_timeout(&self) -> io::Result<Option<Duration>> {
            panic!("the write timeout of a fresh stream was queried")
        }
    }

    #[test]
    fn a_fresh_stream_is_neither_queried_nor_set_again() {
        let t = Duration::from_secs(20);
        let mut w = Wire::new(NoQueries::default());
        w.assume_fresh(Some(t));
        w.set_mode(Mode::Timeout(t)).unwrap();
        w.begin(OpKind::Handshake);
        w.wait_budget(Direction::Read).unwrap();
        w.wait_budget(Direction::Write).unwrap();
        assert_eq!(w.sock.sets.get(), 0);
        // A different mode still sets what differs, without asking first.
        w.set_mode(Mode::Blocking).unwrap();
        assert_eq!(w.sock.sets.get(), 2);
        w.set_mode(Mode::Blocking).unwrap();
        assert_eq!(w.sock.sets.get(), 2);
    }

    #[test]
    fn a_fresh_blocking_stream_keeps_no_timeouts() {
        let mut w = Wire::new(NoQueries::default());
        w.assume_fresh(None);
        w.set_mode(Mode::Blocking).unwrap();
        assert_eq!(w.sock.sets.get(), 0);
        w.set_mode(Mode::Timeout(Duration::from_secs(3))).unwrap();
        assert_eq!(
            w.sock.sets.get(),
            1,
            "only the read timeout is armed up front"
        );
    }
}
