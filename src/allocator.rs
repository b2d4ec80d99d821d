//! The global allocator of every program built on this crate, the function's bootstrap and
//! the benchmarks that measure it alike: mimalloc instead of the C library's malloc.
//!
//! An event's work allocates about a hundred small strings and frees them all again (the
//! typed detail, the message's facts, both renderings). glibc's malloc spent about 230
//! instructions on each allocation and its release, and gathered its freed small blocks
//! whenever a block of a kilobyte or more was asked for (the chat payload's buffer); with
//! mimalloc's per-thread free lists the 61 sample events took 10.5% fewer instructions
//! (6.9% for the hostile-names offer, 8.6% for the bidi offer), for 53 KB of zip
//! (bench/build-times.md, "Per-event work: what changed").
//!
//! It is built without transparent huge pages (`no_thp`): by default mimalloc commits its
//! arena eagerly and asks the kernel for huge pages on it, so each thread's first
//! allocation faulted in two megabytes, which took peak memory from 9 to 25 MB and added a
//! millisecond or more to a cold start.
//!
//! The calls into mimalloc are made here rather than through the `mimalloc` crate's
//! allocator, which asks for every block through mimalloc's aligned entry points: nearly
//! every block Rust asks for (strings, vectors of pointers) needs no more than a machine
//! word's alignment, which every mimalloc block has, and the plain entry points skip the
//! alignment checks. About 20 instructions fewer per allocation, 1.8% of the hostile-names
//! offer's work (bench/build-times.md).

use core::alloc::{GlobalAlloc, Layout};

use libmimalloc_sys::{
    mi_free, mi_malloc, mi_malloc_aligned, mi_realloc, mi_realloc_aligned, mi_zalloc,
    mi_zalloc_aligned,
};

#[global_allocator]
static ALLOCATOR: Mimalloc = Mimalloc;

/// mimalloc, through its plain entry points wherever the alignment asked for allows.
struct Mimalloc;

/// The alignment of every block mimalloc hands out: its size classes are whole machine
/// words, and its pages start on page boundaries.
const BLOCK_ALIGN: usize = core::mem::size_of::<usize>();

/// Whether a block of `layout` may come from the plain entry points.
const fn word_aligned(layout: Layout) -> bool {
    layout.align() <= BLOCK_ALIGN
}

// SAFETY: each method hands its request to mimalloc, which returns null or a block of at
// least the size asked for, aligned as `layout` asks: at most `BLOCK_ALIGN` is what every
// block has, anything more goes through the aligned entry points. Every block is released
// by `mi_free` or resized by mimalloc's `realloc`, which take any block mimalloc made, as
// all the blocks this allocator hands out are.
unsafe impl GlobalAlloc for Mimalloc {
    #[inline]
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: `layout` has a non-zero size (GlobalAlloc's contract) and a power-of-two
        // alignment (Layout's).
        unsafe {
            if word_aligned(layout) {
                mi_malloc(layout.size()).cast()
            } else {
                mi_malloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        unsafe {
            if word_aligned(layout) {
                mi_zalloc(layout.size()).cast()
            } else {
                mi_zalloc_aligned(layout.size(), layout.align()).cast()
            }
        }
    }

    #[inline]
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` was handed out by this allocator (GlobalAlloc's contract), so by
        // mimalloc.
        unsafe { mi_free(ptr.cast()) }
    }

    #[inline]
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: `ptr` is a block of `layout` from this allocator and `new_size` is
        // non-zero (GlobalAlloc's contract); the block keeps the alignment `layout` asks.
        unsafe {
            if word_aligned(layout) {
                mi_realloc(ptr.cast(), new_size).cast()
            } else {
                mi_realloc_aligned(ptr.cast(), new_size, layout.align()).cast()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Blocks of every alignment and a range of sizes, written, grown and shrunk: each is
    /// aligned as asked and keeps its contents.
    #[test]
    fn blocks_are_aligned_as_asked_and_keep_their_contents_when_resized() {
        for align in [1, 2, 4, 8, 16, 32, 64, 4096] {
            for size in [1, 7, 8, 9, 24, 100, 1_000, 70_000] {
                let Ok(layout) = Layout::from_size_align(size, align) else {
                    panic!("{size} bytes aligned to {align} is a layout");
                };
                // SAFETY: the layout has a non-zero size; each block is used within its
                // size and released once, by this allocator.
                unsafe {
                    let block = Mimalloc.alloc(layout);
                    assert!(!block.is_null());
                    assert_eq!(block.addr() % align, 0, "{size} bytes aligned to {align}");
                    block.write_bytes(0xA5, size);
                    let grown = Mimalloc.realloc(block, layout, size * 3);
                    assert_eq!(grown.addr() % align, 0, "grown, aligned to {align}");
                    assert!((0..size).all(|at| *grown.add(at) == 0xA5));
                    let grown_layout = Layout::from_size_align_unchecked(size * 3, align);
                    let shrunk = Mimalloc.realloc(grown, grown_layout, size);
                    assert_eq!(shrunk.addr() % align, 0, "shrunk, aligned to {align}");
                    assert!((0..size).all(|at| *shrunk.add(at) == 0xA5));
                    Mimalloc.dealloc(shrunk, layout);

                    let zeroed = Mimalloc.alloc_zeroed(layout);
                    assert_eq!(zeroed.addr() % align, 0, "zeroed, aligned to {align}");
                    assert!((0..size).all(|at| *zeroed.add(at) == 0));
                    Mimalloc.dealloc(zeroed, layout);
                }
            }
        }
    }
}
