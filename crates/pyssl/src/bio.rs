//! [`MemoryBio`]: CPython's `ssl.MemoryBIO`, a byte queue shared by the user and an
//! [`SslObject`](crate::SslObject).

use std::sync::atomic::AtomicU32;
use std::sync::atomic::Ordering::{Acquire, Relaxed, Release};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::{ErrorKind, Result, SslError};

/// A memory buffer for TLS bytes, like `ssl.MemoryBIO`.
///
/// Cheap to clone: clones share one buffer, so the user keeps a handle while the
/// [`SslObject`](crate::SslObject) holds another. It is `Send + Sync`: the queue is
/// behind a lock, but "how many bytes are waiting, and was EOF written?" — what
/// `pending()`, `eof()` and an idle pump ask most often — is answered without it.
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
    inner: Arc<Shared>,
}

/// Drained buffers at least this large (a full TLS record) are kept for reuse.
const KEEP_CAPACITY: usize = 16 * 1024;

/// The largest queue length [`Shared::seen`] holds; longer queues are asked under the lock.
const SEEN_MAX: u32 = u32::MAX >> 1;

/// What the handles of one BIO share (40 bytes: the heap per connection counts them).
#[derive(Default)]
struct Shared {
    /// The bytes; the unread ones are `queue[start..]`.
    queue: Mutex<Vec<u8>>,
    /// Where the unread bytes begin. Only touched with the lock held (it lives outside
    /// the mutex so that the struct stays 40 bytes; 32 bits: the queue is compacted
    /// before it could overflow).
    start: AtomicU32,
    /// `min(unread, SEEN_MAX) << 1 | eof_written`, stored — a plain store, not a
    /// read-modify-write — each time the lock is released. Whatever finds bytes here
    /// takes the lock and looks again; "nothing there" needs no lock.
    seen: AtomicU32,
}

/// The locked queue of a BIO. Dropping it publishes the queue's length and EOF flag
/// (`Shared::seen`) before the lock is released.
pub(crate) struct BioGuard<'a> {
    buf: MutexGuard<'a, Vec<u8>>,
    shared: &'a Shared,
    start: u32,
    /// `write_eof()` was called.
    pub(crate) eof_written: bool,
}

impl Drop for BioGuard<'_> {
    fn drop(&mut self) {
        // Runs before the fields (the mutex guard) are dropped: still under the lock.
        self.shared.start.store(self.start, Relaxed);
        let len = self.len().min(SEEN_MAX as usize) as u32;
        self.shared
            .seen
            .store(len << 1 | u32::from(self.eof_written), Release);
    }
}

impl BioGuard<'_> {
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
                spare_buf::keep(std::mem::take(&mut *self.buf));
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
            *self.buf = spare_buf::take();
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

    pub(crate) fn lock(&self) -> BioGuard<'_> {
        let shared = &*self.inner;
        // A poisoned lock only means another thread panicked mid-operation; the queue
        // itself is always in a consistent state.
        let buf = shared.queue.lock().unwrap_or_else(|e| e.into_inner());
        BioGuard {
            buf,
            shared,
            start: shared.start.load(Relaxed),
            eof_written: shared.seen.load(Relaxed) & 1 == 1,
        }
    }

    /// `(unread bytes, eof_written)` as published when the lock was last released —
    /// without the lock. The count is capped at [`SEEN_MAX`] (`pending` then locks);
    /// `(0, _)` is exact.
    #[inline]
    pub(crate) fn peek_state(&self) -> (usize, bool) {
        let s = self.inner.seen.load(Acquire);
        ((s >> 1) as usize, s & 1 == 1)
    }

    /// Number of bytes waiting to be read (`MemoryBIO.pending`).
    pub fn pending(&self) -> usize {
        match self.peek_state().0 {
            n if n < SEEN_MAX as usize => n,
            _ => self.lock().len(),
        }
    }

    /// Whether `write_eof()` was called and every byte has been read (`MemoryBIO.eof`).
    pub fn eof(&self) -> bool {
        self.peek_state() == (0, true)
    }

    /// Reads up to `n` bytes (all of them when `None`), like `MemoryBIO.read(n=-1)`.
    pub fn read(&self, n: Option<usize>) -> Vec<u8> {
        let mut st = self.lock();
        let n = n.unwrap_or(usize::MAX).min(st.len());
        if n == st.len() && st.start == 0 {
            // Everything, from the front: hand over the buffer itself (no copy).
            return std::mem::take(&mut *st.buf);
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
        if self.peek_state().0 == 0 {
            // Nothing to move (a pump's idle direction): answered without the locks.
            return match dst.peek_state().1 {
                true => Err(write_after_eof()),
                false => Ok(0),
            };
        }
        // Two locks, always taken in address order: concurrent transfers in opposite
        // directions cannot deadlock.
        let (mut src, mut to);
        if Arc::as_ptr(&self.inner) < Arc::as_ptr(&dst.inner) {
            src = self.lock();
            to = dst.lock();
        } else {
            to = dst.lock();
            src = self.lock();
        }
        if to.eof_written {
            return Err(write_after_eof());
        }
        let n = src.len();
        if n > 0 && to.len() == 0 {
            std::mem::swap(&mut *src.buf, &mut *to.buf);
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
fn append(src: &mut BioGuard<'_>, to: &mut BioGuard<'_>) {
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
    use super::{MemoryBio, Shared, SEEN_MAX};

    #[test]
    fn a_bio_costs_no_more_heap_than_a_mutex_around_its_queue_and_offset() {
        // Counted by the heap target: the lock-free summary must not grow the allocation.
        assert!(std::mem::size_of::<Shared>() <= 40);
    }

    #[test]
    fn the_lock_free_summary_follows_every_change() {
        let (a, b) = (MemoryBio::new(), MemoryBio::new());
        assert_eq!(
            (a.pending(), a.eof(), a.peek_state()),
            (0, false, (0, false))
        );
        a.write(b"abcdef").unwrap();
        assert_eq!(a.peek_state(), (6, false));
        a.read(Some(2));
        assert_eq!(a.peek_state(), (4, false));
        assert_eq!(a.transfer_to(&b).unwrap(), 4);
        assert_eq!((a.peek_state(), b.peek_state()), ((0, false), (4, false)));
        // An empty source moves nothing, and still fails into a closed destination.
        assert_eq!(a.transfer_to(&b).unwrap(), 0);
        b.write_eof();
        assert_eq!((b.pending(), b.eof()), (4, false));
        assert!(a.transfer_to(&b).is_err());
        assert_eq!(b.read(None), b"cdef");
        assert_eq!((b.pending(), b.eof(), b.peek_state()), (0, true, (0, true)));
    }

    #[test]
    fn a_queue_longer_than_the_summary_holds_is_counted_under_the_lock() {
        let a = MemoryBio::new();
        a.write(b"xyz").unwrap();
        // As if 2^31 bytes were queued: the summary saturates.
        a.inner.seen.store(SEEN_MAX << 1, super::Release);
        assert_eq!(a.pending(), 3);
    }

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
    fn a_reader_polling_the_lock_free_summary_gets_every_byte_a_writer_sends_in_order() {
        let bio = MemoryBio::new();
        let writer = {
            let bio = bio.clone();
            std::thread::spawn(move || {
                for i in 0..20_000u32 {
                    bio.write(&i.to_be_bytes()).unwrap();
                }
                bio.write_eof();
            })
        };
        let (mut got, deadline) = (Vec::new(), std::time::Instant::now());
        while !bio.eof() {
            assert!(deadline.elapsed().as_secs() < 30, "reader starved");
            if bio.pending() == 0 {
                std::thread::yield_now();
                continue;
            }
            got.extend_from_slice(&bio.read(None));
        }
        writer.join().unwrap();
        assert_eq!(got.len(), 80_000);
        assert!(got
            .chunks(4)
            .enumerate()
            .all(|(i, c)| c == (i as u32).to_be_bytes()));
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
