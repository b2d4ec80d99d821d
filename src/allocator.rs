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
//! It is built without transparent huge pages (the crate's `no_thp`): by default mimalloc
//! commits its arena eagerly and asks the kernel for huge pages on it, so each thread's
//! first allocation faulted in two megabytes, which took peak memory from 9 to 25 MB and
//! added a millisecond or more to a cold start.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
