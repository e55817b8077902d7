//! The memory tree-sitter allocates, counted per thread: a parse's trees can be hundreds of
//! times its input (deeply nested code), so a parse is given an allowance and gives up
//! past it. tree-sitter allocates through functions it lets us replace; these call libc's
//! and keep each block's requested size in a header before it. Counting requested sizes
//! (rather than asking the allocator what a block really took) makes a parse's count the
//! same on every run, whatever the other threads did to the allocator's state.

use std::cell::Cell;
use std::ffi::c_void;

thread_local! {
    /// Bytes tree-sitter allocated on this thread, less those it freed here. A tree freed
    /// on another thread lowers that thread's count instead: only differences taken on one
    /// thread, around work that thread does alone (a parse), mean anything.
    static NET: Cell<isize> = const { Cell::new(0) };
}

/// Room before each block for its size; 16 bytes keep the block aligned as malloc's are.
const HEADER: usize = 16;

/// Bytes tree-sitter holds from this thread's allocations, as a running count (see `NET`).
pub fn allocated_here() -> isize {
    NET.get()
}

/// Makes tree-sitter allocate through the counting functions. Called before the first
/// parser is made; tree-sitter asks that the allocator not change while any of its objects
/// live, so it is installed once and never changed.
pub fn install() {
    static INSTALLED: std::sync::Once = std::sync::Once::new();
    INSTALLED.call_once(|| {
        // SAFETY: the four functions are one family over libc's allocator, never return
        // null for a size they were asked for (they abort, as tree-sitter's own do), return
        // malloc's alignment (a 16-byte header on a 16-byte aligned block), and are
        // installed once, before any parser or tree exists (`Once`, and every parser is
        // made after this call).
        unsafe {
            tree_sitter::set_allocator(Some(tree_sitter::Allocator {
                malloc: counted_malloc,
                calloc: counted_calloc,
                realloc: counted_realloc,
                free: counted_free,
            }))
        }
    });
}

fn note(change: isize) {
    NET.set(NET.get() + change);
    #[cfg(test)]
    PEAK.set(PEAK.get().max(NET.get()));
}

#[cfg(test)]
thread_local! {
    /// The highest `NET` since `reset_peak`, for tests of what a step holds at once.
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

/// Starts measuring the peak from now; returns the count now.
#[cfg(test)]
pub fn reset_peak() -> isize {
    PEAK.set(NET.get());
    NET.get()
}

/// The highest count since `reset_peak`.
#[cfg(test)]
pub fn peak() -> isize {
    PEAK.get()
}

fn out_of_memory(size: usize) -> ! {
    eprintln!("tree-sitter could not allocate {size} bytes");
    std::process::abort()
}

/// Writes the header of a block `base` just allocated for `size` bytes and counts it.
///
/// # Safety
/// `base` is a live block of at least `HEADER + size` bytes from libc.
unsafe fn start(base: *mut c_void, size: usize) -> *mut c_void {
    if base.is_null() {
        out_of_memory(size)
    }
    // SAFETY: the block holds the header; libc aligns it for a usize.
    unsafe { base.cast::<usize>().write(size) };
    note((size + HEADER) as isize);
    // SAFETY: inside the block.
    unsafe { base.cast::<u8>().add(HEADER).cast() }
}

/// The libc block and the size recorded for `ptr`, a pointer these functions returned.
///
/// # Safety
/// `ptr` came from `start` and was not freed.
unsafe fn block_of(ptr: *mut c_void) -> (*mut c_void, usize) {
    // SAFETY: `start` returned HEADER bytes into the block, after the size.
    unsafe {
        let base = ptr.cast::<u8>().sub(HEADER).cast::<c_void>();
        (base, base.cast::<usize>().read())
    }
}

unsafe extern "C" fn counted_malloc(size: usize) -> *mut c_void {
    let total = size
        .checked_add(HEADER)
        .unwrap_or_else(|| out_of_memory(size));
    // SAFETY: libc's malloc; `start` checks the result.
    unsafe { start(libc::malloc(total), size) }
}

unsafe extern "C" fn counted_calloc(count: usize, size: usize) -> *mut c_void {
    let bytes = count
        .checked_mul(size)
        .unwrap_or_else(|| out_of_memory(usize::MAX));
    let total = bytes
        .checked_add(HEADER)
        .unwrap_or_else(|| out_of_memory(bytes));
    // SAFETY: as above; zeroed, the header then written over.
    unsafe { start(libc::calloc(1, total), bytes) }
}

unsafe extern "C" fn counted_realloc(ptr: *mut c_void, size: usize) -> *mut c_void {
    if ptr.is_null() {
        // SAFETY: realloc of nothing is malloc.
        return unsafe { counted_malloc(size) };
    }
    let total = size
        .checked_add(HEADER)
        .unwrap_or_else(|| out_of_memory(size));
    // SAFETY: tree-sitter reallocates only blocks it got from these functions.
    unsafe {
        let (base, old) = block_of(ptr);
        let moved = libc::realloc(base, total);
        if moved.is_null() {
            out_of_memory(size)
        }
        note(-((old + HEADER) as isize));
        start(moved, size)
    }
}

unsafe extern "C" fn counted_free(ptr: *mut c_void) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: tree-sitter frees only blocks it got from these functions.
    unsafe {
        let (base, old) = block_of(ptr);
        note(-((old + HEADER) as isize));
        libc::free(base)
    }
}
