//! The process's allocator: mimalloc, whose per-thread heaps serve the
//! many small nodes parsing makes on every worker faster than the system
//! allocator. Asked through its plain entry points wherever the layout's
//! alignment is at most a pointer's: every mimalloc block has that
//! alignment already (its free list is kept in the blocks), and the
//! aligned entry points of mimalloc 3 take a slower path for any block
//! whose size is not a power of two, padding it (23,000 blocks in a run
//! over 636 Dockerfiles; asking the plain entry points saved 1.8 % of
//! that run's instructions). Larger alignments go to the aligned entry
//! points, as the `mimalloc` crate sends every request.

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// Alignment every mimalloc block has.
const PLAIN: usize = std::mem::align_of::<*const u8>();

pub struct Mimalloc;

/// The bytes the program holds, counted when built with the
/// `heap-count` feature (`PRODLINT_PHASES=1` prints them).
#[cfg(feature = "heap-count")]
mod count {
    use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    static LIVE: AtomicUsize = AtomicUsize::new(0);
    static PEAK: AtomicUsize = AtomicUsize::new(0);

    pub fn taken(bytes: usize) {
        let now = LIVE.fetch_add(bytes, Relaxed) + bytes;
        PEAK.fetch_max(now, Relaxed);
    }

    pub fn given(bytes: usize) {
        LIVE.fetch_sub(bytes, Relaxed);
    }

    pub fn now() -> (usize, usize) {
        (LIVE.load(Relaxed), PEAK.load(Relaxed))
    }
}

/// The bytes the program holds now and at their peak, when counted (the
/// `heap-count` feature).
pub fn heap_now() -> Option<(usize, usize)> {
    #[cfg(feature = "heap-count")]
    return Some(count::now());
    #[cfg(not(feature = "heap-count"))]
    None
}

// SAFETY: mimalloc returns blocks of at least the requested size, aligned
// to a pointer's alignment by the plain calls and to the requested one by
// the aligned calls, or null; `mi_free` takes a block from either.
unsafe impl GlobalAlloc for Mimalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        let block: *mut u8 = unsafe {
            if layout.align() <= PLAIN {
                mi::mi_malloc(layout.size()).cast()
            } else {
                mi::mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        };
        #[cfg(feature = "heap-count")]
        if !block.is_null() {
            count::taken(layout.size());
        }
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: see the impl.
        let block: *mut u8 = unsafe {
            if layout.align() <= PLAIN {
                mi::mi_zalloc(layout.size()).cast()
            } else {
                mi::mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        };
        #[cfg(feature = "heap-count")]
        if !block.is_null() {
            count::taken(layout.size());
        }
        block
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        #[cfg(feature = "heap-count")]
        count::given(_layout.size());
        // SAFETY: `ptr` came from this allocator.
        unsafe { mi::mi_free(ptr.cast::<c_void>()) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` came from this allocator with `layout`; the block
        // keeps its alignment.
        let block: *mut u8 = unsafe {
            if layout.align() <= PLAIN {
                mi::mi_realloc(ptr.cast::<c_void>(), new_size).cast()
            } else {
                mi::mi_realloc_aligned(ptr.cast::<c_void>(), new_size, layout.align()).cast()
            }
        };
        // A failed growth leaves the old block where it was.
        #[cfg(feature = "heap-count")]
        if !block.is_null() {
            count::given(layout.size());
            count::taken(new_size);
        }
        block
    }
}

/// Keeps the C library's own allocator to one arena. prodlint's memory
/// is mimalloc's; glibc's `malloc` serves only the C library itself (a
/// folder being listed, a thread starting), yet by default it reserves a
/// 64 MiB arena for each thread that calls it. Under an address-space
/// limit (`ulimit -v`, as a CI runner or the hostile tests set) those
/// reservations beside mimalloc's own left no room for the workers'
/// stacks: the run ended before reading a file. Called first thing in
/// `main`, before any thread starts.
pub fn one_system_arena() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        unsafe extern "C" {
            // glibc's `mallopt` (malloc.h).
            fn mallopt(param: std::ffi::c_int, value: std::ffi::c_int) -> std::ffi::c_int;
        }
        // malloc.h's `M_ARENA_MAX`.
        const M_ARENA_MAX: std::ffi::c_int = -8;
        // SAFETY: sets a limit of glibc's allocator; no allocation is in
        // flight on another thread (none has started).
        unsafe {
            mallopt(M_ARENA_MAX, 1);
        }
    }
}

/// Ends the process once its output is written, without the exit handler
/// mimalloc registers: that handler gives every freed page back to the
/// system one `madvise` at a time (about a hundred calls after a run over
/// a few hundred files, each making every core drop its address cache),
/// which a process about to end has no use for. Standard output and
/// error are flushed first, as `std::process::exit` would.
pub fn exit(code: i32) -> ! {
    use std::io::Write;
    let _ = std::io::stdout().lock().flush();
    let _ = std::io::stderr().lock().flush();
    #[cfg(unix)]
    {
        unsafe extern "C" {
            // POSIX: ends the process at once, running no exit handler.
            fn _exit(status: i32) -> !;
        }
        // SAFETY: nothing is left to run; every output was flushed above
        // (files the run wrote were closed when their writers dropped).
        unsafe { _exit(code) }
    }
    #[cfg(not(unix))]
    std::process::exit(code)
}

#[cfg(test)]
mod tests {
    use super::Mimalloc;
    use std::alloc::{GlobalAlloc, Layout};

    /// Blocks of every size and alignment are aligned, writable to their
    /// end, zeroed when asked, and keep their bytes when grown.
    #[test]
    fn blocks_are_aligned_zeroed_and_grown_as_asked() {
        let a = Mimalloc;
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [
                1, 3, 7, 8, 12, 24, 40, 100, 1000, 1500, 5000, 70_000, 300_000,
            ] {
                let Ok(layout) = Layout::from_size_align(size.max(align), align) else {
                    continue;
                };
                // SAFETY: non-zero sizes; each block is freed once with its
                // layout.
                unsafe {
                    let p = a.alloc(layout);
                    assert!(!p.is_null());
                    assert_eq!(p as usize % align, 0, "size {size} align {align}");
                    std::ptr::write_bytes(p, 0xab, layout.size());
                    let grown = a.realloc(p, layout, layout.size() * 3);
                    assert_eq!(grown as usize % align, 0, "grown {size} align {align}");
                    assert!((0..layout.size()).all(|i| *grown.add(i) == 0xab));
                    a.dealloc(
                        grown,
                        Layout::from_size_align_unchecked(layout.size() * 3, align),
                    );
                    let z = a.alloc_zeroed(layout);
                    assert_eq!(z as usize % align, 0);
                    assert!((0..layout.size()).all(|i| *z.add(i) == 0));
                    a.dealloc(z, layout);
                }
            }
        }
    }
}
