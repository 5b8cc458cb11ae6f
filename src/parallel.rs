//! Work split over the machine's cores with scoped std threads (no pool): loading a big file
//! and building its map layers. A leaf: knows nothing of the app.

use std::ops::Range;

/// How many threads to split `len` items over, giving each at least `min_per_thread`.
pub fn threads_for(len: usize, min_per_thread: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, (len / min_per_thread.max(1)).max(1))
}

/// The ranges `0..len` is cut into, one per thread, in order.
pub fn ranges(len: usize, min_per_thread: usize) -> Vec<Range<usize>> {
    let chunk = len.div_ceil(threads_for(len, min_per_thread)).max(1);
    (0..len)
        .step_by(chunk)
        .map(|start| start..(start + chunk).min(len))
        .collect()
}

/// `f` over each range of `0..len` on its own thread, the results joined in order.
pub fn map_ranges<R: Send>(
    len: usize,
    min_per_thread: usize,
    f: impl Fn(Range<usize>) -> Vec<R> + Sync,
) -> Vec<R> {
    let ranges = ranges(len, min_per_thread);
    if ranges.len() <= 1 {
        return f(0..len);
    }
    let f = &f;
    let parts: Vec<Vec<R>> = std::thread::scope(|scope| {
        let handles: Vec<_> = ranges
            .into_iter()
            .map(|range| scope.spawn(move || f(range)))
            .collect();
        handles.into_iter().map(|h| joined(h.join())).collect()
    });
    let mut out = Vec::with_capacity(len);
    for part in parts {
        out.extend(part);
    }
    out
}

/// A joined thread's result; its panic, if it panicked, goes on in this thread.
pub fn joined<T>(result: std::thread::Result<T>) -> T {
    result.unwrap_or_else(|e| std::panic::resume_unwind(e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_everything_once_in_order() {
        for len in [0, 1, 5, 4_096, 100_003] {
            let r = ranges(len, 1_000);
            let joined: Vec<usize> = r.iter().cloned().flatten().collect();
            assert_eq!(joined, (0..len).collect::<Vec<_>>());
        }
        let squares = map_ranges(10_000, 10, |r| r.map(|i| i * i).collect());
        assert_eq!(squares.len(), 10_000);
        assert!(squares.iter().enumerate().all(|(i, &s)| s == i * i));
    }
}
