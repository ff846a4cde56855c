//! The kernel lab's Web Worker: says [`lab::READY`] once it listens, then answers
//! each message (a JSON [`lab::Request`]) with a JSON `{"ok": Measurement}` or
//! `{"err": "…"}`. Trunk builds it as a
//! worker (`index.html`); the app starts it only when the lab runs.

#[cfg(target_arch = "wasm32")]
fn main() {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::*;
    use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let performance = scope.performance();
    let reply = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        let text = ev.data().as_string().unwrap_or_default();
        let now = || {
            performance
                .as_ref()
                .map_or_else(js_sys::Date::now, |p| p.now())
        };
        let _ = reply.post_message(&JsValue::from_str(&lab::answer(&text, &now)));
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    // Messages posted before this point found no handler: the app waits for this.
    let _ = scope.post_message(&JsValue::from_str(lab::READY));
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("lab-worker runs in the browser as the kernel lab's Web Worker.");
}
