//! [`MemoryBio`]: CPython's `ssl.MemoryBIO`, a byte queue shared by the user and an
//! [`SslObject`](crate::SslObject).

use std::sync::{Arc, Mutex, MutexGuard};

use crate::{ErrorKind, Result, SslError};

/// A memory buffer for TLS bytes, like `ssl.MemoryBIO`.
///
/// Cheap to clone: clones share one buffer, so the user keeps a handle while the
/// [`SslObject`](crate::SslObject) holds another.
///
/// ```
/// use pyssl::MemoryBio;
/// let bio = MemoryBio::new();
/// bio.write(b"hello").unwrap();
/// assert_eq!(bio.pending(), 5);
/// assert_eq!(bio.read(Some(2)), b"he");
/// bio.write_eof();
/// assert!(!bio.eof()); // not at EOF until drained
/// assert_eq!(bio.read(None), b"llo");
/// assert!(bio.eof());
/// assert!(bio.write(b"x").is_err());
/// ```
#[derive(Clone, Default)]
pub struct MemoryBio {
    inner: Arc<Mutex<BioState>>,
}

/// Drained buffers at least this large (a full TLS record) are kept for reuse.
const KEEP_CAPACITY: usize = 16 * 1024;

#[derive(Default)]
pub(crate) struct BioState {
    /// Bytes; the unread ones are `buf[start..]`.
    buf: Vec<u8>,
    /// 32 bits (every BIO has one; the buffer is compacted before it could overflow).
    start: u32,
    pub(crate) eof_written: bool,
}

impl BioState {
    /// The unread bytes.
    pub(crate) fn data(&self) -> &[u8] {
        &self.buf[self.start as usize..]
    }

    /// Drops `n` unread bytes from the front.
    pub(crate) fn consume(&mut self, n: usize) {
        let start = self.start as usize + n;
        debug_assert!(start <= self.buf.len());
        if start == self.buf.len() {
            // Drained. Handshake-sized buffers leave the BIO, so idle connections hold
            // no memory (they become the thread's spare, for the next flight written);
            // a record-sized one (bulk transfer) stays for reuse.
            self.buf.clear();
            if self.buf.capacity() < KEEP_CAPACITY {
                spare_buf::keep(std::mem::take(&mut self.buf));
            }
            self.start = 0;
        } else if start > 64 * 1024 && (start * 2 > self.buf.len() || start > u32::MAX as usize) {
            self.compact(start);
        } else {
            self.start = start as u32;
        }
    }

    /// Drops the `start` bytes read from the front (a large queue, mostly read).
    #[cold]
    #[inline(never)]
    fn compact(&mut self, start: usize) {
        self.buf.drain(..start);
        self.start = 0;
    }

    /// The buffer to append to (used by `write_tls`, which writes straight into it).
    pub(crate) fn append_buf(&mut self) -> &mut Vec<u8> {
        if self.buf.capacity() == 0 {
            self.buf = spare_buf::take();
        }
        &mut self.buf
    }

    fn len(&self) -> usize {
        self.buf.len() - self.start as usize
    }
}

impl std::fmt::Debug for MemoryBio {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let st = self.lock();
        f.debug_struct("MemoryBio")
            .field("pending", &st.len())
            .field("eof_written", &st.eof_written)
            .finish()
    }
}

impl MemoryBio {
    /// A new, empty buffer.
    pub fn new() -> MemoryBio {
        MemoryBio::default()
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, BioState> {
        // A poisoned lock only means another thread panicked mid-operation; the queue
        // itself is always in a consistent state.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Number of bytes waiting to be read (`MemoryBIO.pending`).
    pub fn pending(&self) -> usize {
        self.lock().len()
    }

    /// Whether `write_eof()` was called and every byte has been read (`MemoryBIO.eof`).
    pub fn eof(&self) -> bool {
        let st = self.lock();
        st.eof_written && st.len() == 0
    }

    /// Reads up to `n` bytes (all of them when `None`), like `MemoryBIO.read(n=-1)`.
    pub fn read(&self, n: Option<usize>) -> Vec<u8> {
        let mut st = self.lock();
        let n = n.unwrap_or(usize::MAX).min(st.len());
        if n == st.len() && st.start == 0 {
            // Everything, from the front: hand over the buffer itself (no copy).
            return std::mem::take(&mut st.buf);
        }
        let out = st.data()[..n].to_vec();
        st.consume(n);
        out
    }

    /// Moves every pending byte of this BIO to the end of `dst` and returns how many
    /// moved: `dst.write(&self.read(None))` without the copy. A pyssl extension for
    /// pumping between two in-process `SslObject`s (tests, proxies, benchmarks): when
    /// `dst` is empty the two buffers are swapped, so a record moves with no copy and
    /// no allocation. Fails like [`write`](Self::write) (and moves nothing) after
    /// `dst.write_eof()`; transferring a BIO to itself moves nothing.
    ///
    /// ```
    /// let (a, b) = (pyssl::MemoryBio::new(), pyssl::MemoryBio::new());
    /// a.write(b"record").unwrap();
    /// assert_eq!(a.transfer_to(&b).unwrap(), 6);
    /// assert_eq!((a.pending(), b.read(None)), (0, b"record".to_vec()));
    /// ```
    pub fn transfer_to(&self, dst: &MemoryBio) -> Result<usize> {
        if Arc::ptr_eq(&self.inner, &dst.inner) {
            return Ok(0);
        }
        // Two locks, always taken in address order: concurrent transfers in opposite
        // directions cannot deadlock.
        let forward = Arc::as_ptr(&self.inner) < Arc::as_ptr(&dst.inner);
        let (first, second) = if forward { (self, dst) } else { (dst, self) };
        let (a, b) = (first.lock(), second.lock());
        let (mut src, mut to) = if forward { (a, b) } else { (b, a) };
        if to.eof_written {
            return Err(write_after_eof());
        }
        let n = src.len();
        if n > 0 && to.len() == 0 {
            std::mem::swap(&mut src.buf, &mut to.buf);
            to.start = src.start;
            src.buf.clear();
            src.start = 0;
        } else if n > 0 {
            append(&mut src, &mut to);
        }
        Ok(n)
    }

    /// Appends bytes; returns how many were written (all of them).
    ///
    /// After [`write_eof`](Self::write_eof) this fails with CPython's
    /// `SSLError('cannot write() after write_eof()')` (whose `str()` in CPython is the args tuple).
    pub fn write(&self, data: &[u8]) -> Result<usize> {
        let mut st = self.lock();
        if st.eof_written {
            return Err(write_after_eof());
        }
        st.append_buf().extend_from_slice(data);
        Ok(data.len())
    }

    /// Marks the end of the stream: no more writes; `eof()` becomes true once drained.
    pub fn write_eof(&self) {
        self.lock().eof_written = true;
    }
}

/// The thread's spare handshake-sized buffer (`crate::spare`): a drained BIO gives its
/// buffer here instead of freeing it, and the next BIO written to on the thread takes
/// it, so a handshake's flights do not each allocate and free one.
mod spare_buf {
    use crate::spare::{self, Slot};
    use std::cell::Cell;

    thread_local! {
        static SPARE: Slot<Vec<u8>> = const { Cell::new(None) };
    }

    /// The spare buffer (empty), or a new one with no capacity.
    pub(super) fn take() -> Vec<u8> {
        spare::take(&SPARE).unwrap_or_default()
    }

    /// Keeps `buf` (empty, handshake-sized) as the spare.
    pub(super) fn keep(buf: Vec<u8>) {
        if buf.capacity() > 0 {
            spare::keep(&SPARE, buf);
        }
    }
}

/// Moves the unread bytes of `src` to the end of `to` (which has unread bytes too).
#[inline(never)]
fn append(src: &mut BioState, to: &mut BioState) {
    to.buf.extend_from_slice(src.data());
    let n = src.len();
    src.consume(n);
}

/// CPython's `SSLError('cannot write() after write_eof()')` (its `str()` is the args tuple).
#[cold]
#[inline(never)]
fn write_after_eof() -> SslError {
    SslError::new(ErrorKind::Ssl, "('cannot write() after write_eof()',)")
}

#[cfg(test)]
mod tests {
    use super::MemoryBio;

    #[test]
    fn transfer_into_an_empty_bio_swaps_buffers() {
        let (a, b) = (MemoryBio::new(), MemoryBio::new());
        a.write(&[7u8; 20_000]).unwrap();
        // b's drained record-sized buffer comes back to a for its next write.
        b.write(&[1u8; 20_000]).unwrap();
        b.read(Some(10));
        b.read(None);
        assert_eq!(a.transfer_to(&b).unwrap(), 20_000);
        assert_eq!(a.pending(), 0);
        assert!(a.lock().buf.capacity() >= 16 * 1024);
        assert_eq!(b.read(None), vec![7u8; 20_000]);
    }

    #[test]
    fn a_drained_handshake_buffer_leaves_the_bio_and_is_reused_empty_on_the_thread() {
        let (a, b) = (MemoryBio::new(), MemoryBio::new());
        a.write(&[1u8; 700]).unwrap();
        let first = a.lock().buf.as_ptr() as usize;
        // (Reading everything from the front would hand the buffer itself over.)
        assert_eq!(a.read(Some(10)).len(), 10);
        assert_eq!(a.read(None).len(), 690);
        // Drained: the BIO holds no memory (an idle connection's BIOs hold none).
        assert_eq!(a.lock().buf.capacity(), 0);
        // The next BIO written to on this thread gets that buffer, empty.
        b.write(b"xyz").unwrap();
        assert_eq!(b.lock().buf.as_ptr() as usize, first);
        assert_eq!(b.read(None), b"xyz");
        // A record-sized buffer stays with its BIO instead.
        a.write(&[2u8; 20_000]).unwrap();
        a.read(Some(10));
        a.read(None);
        assert!(a.lock().buf.capacity() >= 16 * 1024);
    }

    #[test]
    fn transfer_appends_after_pending_bytes_and_keeps_order() {
        let (a, b) = (MemoryBio::new(), MemoryBio::new());
        a.write(b"xxhello").unwrap();
        assert_eq!(a.read(Some(2)), b"xx");
        b.write(b"say ").unwrap();
        assert_eq!(a.transfer_to(&b).unwrap(), 5);
        assert_eq!(b.read(None), b"say hello");
        // From a partly read source into an empty destination.
        a.write(b"..abc").unwrap();
        a.read(Some(2));
        assert_eq!(a.transfer_to(&b).unwrap(), 3);
        assert_eq!((a.pending(), b.pending()), (0, 3));
        assert_eq!(b.read(None), b"abc");
        assert_eq!(a.transfer_to(&b).unwrap(), 0);
    }

    #[test]
    fn transfer_after_write_eof_fails_like_write_and_moves_nothing() {
        let (a, b) = (MemoryBio::new(), MemoryBio::new());
        a.write(b"data").unwrap();
        b.write_eof();
        let e = a.transfer_to(&b).unwrap_err();
        assert_eq!(e.to_string(), b.write(b"x").unwrap_err().to_string());
        assert_eq!((a.pending(), b.pending()), (4, 0));
        assert_eq!(a.transfer_to(&a).unwrap(), 0);
        assert_eq!(a.pending(), 4);
    }

    #[test]
    fn opposite_concurrent_transfers_do_not_deadlock() {
        let (a, b) = (MemoryBio::new(), MemoryBio::new());
        let t = {
            let (a, b) = (a.clone(), b.clone());
            std::thread::spawn(move || {
                for _ in 0..10_000 {
                    a.write(b"a").unwrap();
                    a.transfer_to(&b).unwrap();
                }
            })
        };
        for _ in 0..10_000 {
            b.write(b"b").unwrap();
            b.transfer_to(&a).unwrap();
        }
        t.join().unwrap();
        let total = a.pending() + b.pending();
        assert_eq!(total, 20_000);
    }
}
