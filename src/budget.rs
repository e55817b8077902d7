//! A budget of bytes shared by the worker threads: a worker takes a file's size from it
//! before reading the file and gives it back when done with it, so that several huge files
//! are never held (and analysed) at once, whatever the thread count.

use std::sync::{Condvar, Mutex};

pub struct ByteBudget {
    total: u64,
    available: Mutex<u64>,
    returned: Condvar,
}

/// Bytes taken from a budget; given back when dropped.
pub struct Permit<'a> {
    budget: &'a ByteBudget,
    bytes: u64,
}

impl ByteBudget {
    pub const fn new(total: u64) -> ByteBudget {
        ByteBudget {
            total,
            available: Mutex::new(total),
            returned: Condvar::new(),
        }
    }

    /// Waits until `bytes` are free and takes them. A request larger than the whole budget
    /// takes all of it, so one huge file still proceeds, alone.
    pub fn acquire(&self, bytes: u64) -> Permit<'_> {
        let bytes = bytes.min(self.total);
        let mut available = self.available.lock().unwrap_or_else(|e| e.into_inner());
        while *available < bytes {
            available = self
                .returned
                .wait(available)
                .unwrap_or_else(|e| e.into_inner());
        }
        *available -= bytes;
        Permit {
            budget: self,
            bytes,
        }
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        let mut available = self
            .budget
            .available
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        *available += self.bytes;
        self.budget.returned.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};

    #[test]
    fn never_more_than_the_budget_in_flight_and_oversized_requests_proceed_alone() {
        let budget = ByteBudget::new(100);
        let in_flight = AtomicU64::new(0);
        let peak = AtomicU64::new(0);
        std::thread::scope(|s| {
            for i in 0..8u64 {
                let (budget, in_flight, peak) = (&budget, &in_flight, &peak);
                s.spawn(move || {
                    for _ in 0..50 {
                        let want = if i == 0 { 1000 } else { 30 + i };
                        let permit = budget.acquire(want);
                        let now =
                            in_flight.fetch_add(permit.bytes, Ordering::SeqCst) + permit.bytes;
                        peak.fetch_max(now, Ordering::SeqCst);
                        std::thread::yield_now();
                        in_flight.fetch_sub(permit.bytes, Ordering::SeqCst);
                    }
                });
            }
        });
        assert!(peak.load(Ordering::SeqCst) <= 100);
        assert_eq!(
            *budget.available.lock().unwrap(),
            100,
            "everything given back"
        );
    }
}
