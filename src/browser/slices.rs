//! Long work in slices: a step function called again and again, a few
//! milliseconds at a time, with the browser free to paint and take input in
//! between, until it says it is done or the caller cancels.
//!
//! ```ignore
//! let run = run_in_slices(move || { mc.step(16); !mc.finished() }, SliceOptions::default());
//! run.cancel();
//! ```

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::time::Duration;

use leptos::prelude::set_timeout;

/// How long one slice may run before the browser gets the thread back.
#[derive(Clone, Copy, Debug)]
pub struct SliceOptions {
    /// Milliseconds of work per slice. Default 8 (half a 60 Hz frame).
    pub budget_ms: f64,
}

impl Default for SliceOptions {
    fn default() -> SliceOptions {
        SliceOptions { budget_ms: 8.0 }
    }
}

/// A run in progress.
#[derive(Clone)]
pub struct SliceRun {
    cancelled: Rc<Cell<bool>>,
}

impl SliceRun {
    /// Stops before the next step.
    pub fn cancel(&self) {
        self.cancelled.set(true);
    }
}

fn now() -> f64 {
    js_sys::Date::now()
}

/// Calls `step` until it returns `false`, in slices of about `budget_ms`.
pub fn run_in_slices(step: impl FnMut() -> bool + 'static, options: SliceOptions) -> SliceRun {
    let run = SliceRun {
        cancelled: Rc::new(Cell::new(false)),
    };
    let step: Rc<RefCell<dyn FnMut() -> bool>> = Rc::new(RefCell::new(step));
    schedule(step, run.cancelled.clone(), options);
    run
}

fn schedule(step: Rc<RefCell<dyn FnMut() -> bool>>, cancelled: Rc<Cell<bool>>, o: SliceOptions) {
    set_timeout(
        move || {
            let start = now();
            loop {
                if cancelled.get() {
                    return;
                }
                if !(step.borrow_mut())() {
                    return;
                }
                if now() - start >= o.budget_ms {
                    break;
                }
            }
            schedule(step, cancelled, o);
        },
        Duration::ZERO,
    );
}
