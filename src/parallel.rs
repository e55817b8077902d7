//! Work spread over threads, results kept in order.

/// `f` over `items` on `threads` workers (0: one per core), results in the items' order.
pub fn parallel_map<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let workers = if threads == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        threads
    };
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: std::sync::Mutex<Vec<Option<R>>> =
        std::sync::Mutex::new((0..items.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers.min(items.len()).max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(item) = items.get(i) else { break };
                    let r = f(item);
                    results.lock().expect("no panics while locked")[i] = Some(r);
                }
            });
        }
    });
    results
        .into_inner()
        .expect("no panics while locked")
        .into_iter()
        .map(|r| r.expect("every item done"))
        .collect()
}

/// `f` over `items` on `threads` workers, `wave` items at a time: each result goes to `take`
/// in the items' order before the next wave starts, so at most a wave of results is held
/// (rendered findings, patches: each can be many times its input).
pub fn map_in_waves<T: Sync, R: Send, E>(
    items: &[T],
    wave: usize,
    threads: usize,
    f: impl Fn(&T) -> R + Sync,
    mut take: impl FnMut(R) -> Result<(), E>,
) -> Result<(), E> {
    for chunk in items.chunks(wave.max(1)) {
        for result in parallel_map(chunk, threads, &f) {
            take(result)?;
        }
    }
    Ok(())
}
