//! Work for just after the browser paints its next frame: the frame's
//! animation callbacks run before it is painted, and a task queued from one
//! runs after.
//!
//! ```ignore
//! after_paint(move || shown.set(true));
//! ```

use leptos::prelude::{request_animation_frame, set_timeout};

/// Calls `f` once the next frame has been painted.
pub fn after_paint(f: impl FnOnce() + 'static) {
    request_animation_frame(move || set_timeout(f, std::time::Duration::ZERO));
}
