//! A progress line on standard error for scans that take more than a second, only when
//! standard error is a terminal and `--quiet` is not given. It never touches standard output.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

pub struct Progress {
    counter: Arc<AtomicUsize>,
    done: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Progress {
    pub fn start(quiet: bool) -> Progress {
        let counter = Arc::new(AtomicUsize::new(0));
        let done = Arc::new(AtomicBool::new(false));
        let thread = (!quiet && std::io::stderr().is_terminal()).then(|| {
            let (counter, done) = (counter.clone(), done.clone());
            std::thread::spawn(move || show(&counter, &done))
        });
        Progress {
            counter,
            done,
            thread,
        }
    }

    pub fn counter(&self) -> &AtomicUsize {
        &self.counter
    }

    pub fn finish(mut self) {
        self.done.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn show(counter: &AtomicUsize, done: &AtomicBool) {
    let started = Instant::now();
    while started.elapsed() < Duration::from_secs(1) {
        if done.load(Ordering::Relaxed) {
            return;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template("{spinner} scanned {pos} files ({elapsed})")
            .expect("valid template"),
    );
    while !done.load(Ordering::Relaxed) {
        bar.set_position(counter.load(Ordering::Relaxed) as u64);
        bar.tick();
        std::thread::sleep(Duration::from_millis(100));
    }
    bar.finish_and_clear();
}
