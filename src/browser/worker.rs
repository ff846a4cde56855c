//! A Web Worker that trades text messages: started from a script URL (relative,
//! so the app works under any sub-path), each message it posts handed to
//! `on_message`, a failure to load or run it to `on_error`. Dropping the handle
//! terminates the worker at once, even inside a long computation.
//!
//! A page can start a worker from elsewhere than its usual URL by naming the
//! replacement in `globalThis.headroomWorkers[url]`: the single-file build
//! (scripts/single.mjs) does, with a `blob:` URL holding the worker's script and
//! wasm.
//!
//! ```ignore
//! let w = spawn_worker("./lab-worker_loader.js", |text| …, |error| …)?;
//! w.send("{…}");
//! drop(w); // stops it
//! ```

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{ErrorEvent, MessageEvent, Worker};

/// A running worker; dropped, it is terminated.
pub struct TextWorker {
    worker: Worker,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(ErrorEvent)>,
}

impl TextWorker {
    /// Posts `text` to the worker.
    pub fn send(&self, text: &str) -> Result<(), String> {
        self.worker
            .post_message(&JsValue::from_str(text))
            .map_err(|e| format!("{e:?}"))
    }
}

impl TextWorker {
    /// Stops the worker at once; its messages still queued are not delivered.
    pub fn terminate(&self) {
        self.worker.set_onmessage(None);
        self.worker.terminate();
    }
}

impl Drop for TextWorker {
    fn drop(&mut self) {
        self.worker.set_onmessage(None);
        self.worker.set_onerror(None);
        self.worker.terminate();
    }
}

/// Starts the worker script at `url` (a classic script, as Trunk's worker loader is).
pub fn spawn_worker(
    url: &str,
    mut on_message: impl FnMut(String) + 'static,
    mut on_error: impl FnMut(String) + 'static,
) -> Result<TextWorker, String> {
    let url = replacement(url).unwrap_or_else(|| url.to_string());
    let worker =
        Worker::new(&url).map_err(|e| format!("the browser refused to start a worker ({e:?})"))?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        on_message(ev.data().as_string().unwrap_or_default())
    });
    let on_error = Closure::<dyn FnMut(ErrorEvent)>::new(move |ev: ErrorEvent| {
        let m = ev.message();
        on_error(if m.is_empty() {
            "the worker could not be loaded".into()
        } else {
            m
        })
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    Ok(TextWorker {
        worker,
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// `globalThis.headroomWorkers[url]`, when the page names one.
fn replacement(url: &str) -> Option<String> {
    let map =
        js_sys::Reflect::get(&js_sys::global(), &JsValue::from_str("headroomWorkers")).ok()?;
    if !map.is_object() {
        return None;
    }
    js_sys::Reflect::get(&map, &JsValue::from_str(url))
        .ok()?
        .as_string()
}
