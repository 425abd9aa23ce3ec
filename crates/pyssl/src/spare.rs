//! Per-thread spares: memory a handshake takes and gives back (the server's
//! `Acceptor` box, the tls-unique recorder's box, a flight's BIO buffer), kept by the
//! thread for its next handshake instead of being freed and allocated again.
//!
//! A slot holds at most one value per thread and kind, so what is kept is bounded
//! (under 20 KiB per thread: a BIO buffer is kept only below 16 KiB) and no connection
//! holds more memory than before: only memory that would have been freed is kept.
//! Values keep no state from their last use (each caller resets what it takes or
//! keeps). During thread teardown a slot may be gone: then `take` finds nothing and
//! `keep` drops the value.

use std::cell::Cell;
use std::thread::LocalKey;

/// One thread's spare of one kind.
pub(crate) type Slot<T> = Cell<Option<T>>;

/// The thread's spare in `slot`, if it has one (the slot is left empty).
pub(crate) fn take<T: 'static>(slot: &'static LocalKey<Slot<T>>) -> Option<T> {
    slot.try_with(Cell::take).ok().flatten()
}

/// Keeps `spent` as the thread's spare in `slot` (dropping any spare it held).
pub(crate) fn keep<T: 'static>(slot: &'static LocalKey<Slot<T>>, spent: T) {
    // On failure (thread teardown) the closure, and `spent` with it, is dropped.
    let _ = slot.try_with(|s| s.set(Some(spent)));
}

/// `fresh` in the thread's spare box from `slot`, or in a new box.
pub(crate) fn boxed<T: 'static>(slot: &'static LocalKey<Slot<Box<T>>>, fresh: T) -> Box<T> {
    match take(slot) {
        Some(mut b) => {
            *b = fresh;
            b
        }
        None => Box::new(fresh),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    thread_local! {
        static SLOT: Slot<Box<[u8; 64]>> = const { Cell::new(None) };
    }

    #[test]
    fn a_kept_box_is_reused_with_the_fresh_value_and_only_once() {
        let a = boxed(&SLOT, [1; 64]);
        let addr = std::ptr::from_ref::<[u8; 64]>(&*a) as usize;
        keep(&SLOT, a);
        let b = boxed(&SLOT, [2; 64]);
        assert_eq!(std::ptr::from_ref::<[u8; 64]>(&*b) as usize, addr);
        assert_eq!(*b, [2; 64]);
        // The slot is empty now: the next one is a new box.
        let c = boxed(&SLOT, [3; 64]);
        assert_ne!(std::ptr::from_ref::<[u8; 64]>(&*c) as usize, addr);
        assert!(take(&SLOT).is_none());
    }

    #[test]
    fn spares_are_per_thread() {
        keep(&SLOT, Box::new([9; 64]));
        let other = std::thread::spawn(|| take(&SLOT).is_none()).join().unwrap();
        assert!(other);
        assert_eq!(take(&SLOT).map(|b| b[0]), Some(9));
    }
}
