//! DOM tests of the mounted app in headless Chromium
//! (`cargo test --target wasm32-unknown-unknown --test web`, CHROMEDRIVER set).

#![cfg(target_arch = "wasm32")]

use leptos::task::tick;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{
    Element, Event, EventInit, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement,
};

wasm_bindgen_test_configure!(run_in_browser);

fn query(testid: &str) -> Option<Element> {
    web_sys::window().and_then(|w| w.document()).and_then(|d| {
        d.query_selector(&format!("[data-testid='{testid}']"))
            .ok()
            .flatten()
    })
}

fn find(testid: &str) -> Element {
    query(testid).unwrap_or_else(|| panic!("no element with data-testid={testid}"))
}

/// Waits until the next frame has been painted and the cards the pages build
/// after it (below the first screen) are there.
async fn painted() {
    use wasm_bindgen::closure::Closure;
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let after = Closure::once_into_js(move || {
            let done = Closure::once_into_js(move || {
                let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
            });
            let _ = web_sys::window()
                .unwrap()
                .set_timeout_with_callback(done.unchecked_ref());
        });
        let _ = web_sys::window()
            .unwrap()
            .request_animation_frame(after.unchecked_ref());
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    tick().await;
}

fn exists(testid: &str) -> bool {
    query(testid).is_some()
}

fn fire(el: &Element, kind: &str) {
    let init = EventInit::new();
    init.set_bubbles(true);
    let event = Event::new_with_event_init_dict(kind, &init).unwrap();
    el.dispatch_event(&event).unwrap();
}

async fn type_into(testid: &str, value: &str) {
    let el = find(testid);
    if let Some(input) = el.dyn_ref::<HtmlInputElement>() {
        input.set_value(value);
    } else {
        el.dyn_ref::<HtmlTextAreaElement>()
            .expect("a text field")
            .set_value(value);
    }
    fire(&el, "input");
    tick().await;
}

async fn choose(testid: &str, value: &str) {
    let el = find(testid);
    el.dyn_ref::<HtmlSelectElement>()
        .expect("a select")
        .set_value(value);
    fire(&el, "change");
    tick().await;
}

fn bytes(testid: &str) -> u64 {
    find(testid)
        .get_attribute("data-bytes")
        .and_then(|b| b.parse().ok())
        .unwrap_or_else(|| panic!("{testid} has no data-bytes"))
}

fn text(testid: &str) -> String {
    find(testid).text_content().unwrap_or_default()
}

/// The app mounted in its own container; dropping it unmounts the app and removes the container.
struct Mounted<H> {
    handle: Option<H>,
    container: web_sys::HtmlElement,
}

impl<H> Drop for Mounted<H> {
    fn drop(&mut self) {
        drop(self.handle.take());
        self.container.remove();
    }
}

fn mount() -> impl Sized {
    let document = web_sys::window().unwrap().document().unwrap();
    let container: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&container).unwrap();
    let handle = leptos::mount::mount_to(container.clone(), headroom::App);
    Mounted {
        handle: Some(handle),
        container,
    }
}

#[wasm_bindgen_test]
async fn opens_on_vgg16_with_the_articles_numbers() {
    let _app = mount();
    tick().await;
    // Pages are built when first shown.
    click("tab-cnn");
    tick().await;
    painted().await;
    assert_eq!(text("cnn-total-params"), "138,357,544");
    assert_eq!(bytes("cnn-term-weights"), 553_430_176);
    assert_eq!(bytes("cnn-term-feature_maps"), 1_931_146_240);
    assert_eq!(bytes("cnn-fmap-batch-conv1_1"), 411_041_792);
}

#[wasm_bindgen_test]
async fn doubling_the_batch_doubles_the_feature_maps() {
    let _app = mount();
    tick().await;
    // Pages are built when first shown.
    click("tab-cnn");
    tick().await;
    choose("cnn-preset", "resnet50").await;
    painted().await;
    assert_eq!(text("cnn-total-params"), "25,557,032");
    let at_32 = bytes("cnn-term-feature_maps");
    type_into("cnn-batch", "64").await;
    assert_eq!(bytes("cnn-term-feature_maps"), 2 * at_32);
}

#[wasm_bindgen_test]
async fn an_invalid_batch_is_explained_and_kept() {
    let _app = mount();
    tick().await;
    // Pages are built when first shown.
    click("tab-cnn");
    // The page is built in an effect of the tab's change and its fields take
    // their values in effects of their own: two turns before typing, as a person
    // would wait (typing sooner reaches a field before its value is set).
    tick().await;
    tick().await;
    type_into("cnn-batch", "0").await;
    assert_eq!(text("cnn-batch-error"), "Must be between 1 and 1,048,576.");
    assert!(exists("cnn-no-result"));
    let typed = find("cnn-batch")
        .dyn_into::<HtmlInputElement>()
        .unwrap()
        .value();
    assert_eq!(typed, "0");
    type_into("cnn-batch", "16").await;
    assert_eq!(text("cnn-batch-error"), "");
    assert!(exists("cnn-term-feature_maps"));
}

#[wasm_bindgen_test]
async fn a_broken_layer_line_is_pointed_at() {
    let _app = mount();
    tick().await;
    // Pages are built when first shown.
    click("tab-cnn");
    tick().await;
    type_into(
        "cnn-layers",
        "conv1: conv 64 3x3 pad=1\nconv2: conv 64 bogus\n",
    )
    .await;
    assert_eq!(
        text("cnn-layers-error"),
        "Line 2: kernel must look like 3x3 or 3, not 'bogus'"
    );
    assert_eq!(
        find("cnn-preset")
            .dyn_into::<HtmlSelectElement>()
            .unwrap()
            .value(),
        "custom"
    );
}

fn click(testid: &str) {
    find(testid)
        .dyn_ref::<web_sys::HtmlElement>()
        .expect("an element")
        .click();
}

#[wasm_bindgen_test]
async fn opens_on_llama_3_1_8b_serving() {
    let _app = mount();
    tick().await;
    // The page on show follows the address, which an earlier test may have changed.
    click("tab-transformer");
    tick().await;
    painted().await;
    assert_eq!(text("tf-params-total"), "8,030,261,248");
    assert_eq!(bytes("tf-kv-per-token"), 131_072);
    // 1 sequence × 4,096 tokens × 131,072 B.
    assert_eq!(bytes("tf-term-kv_cache"), 536_870_912);
    type_into("tf-context", "8192").await;
    type_into("tf-sequences", "16").await;
    assert_eq!(bytes("tf-term-kv_cache"), 16 * 8_192 * 131_072);
    type_into("tf-sequences", "-3").await;
    assert_eq!(
        text("tf-sequences-error"),
        "Must be between 1 and 1,048,576."
    );
    assert!(exists("tf-no-result"));
}

#[wasm_bindgen_test]
async fn lora_shrinks_the_optimizer_state() {
    let _app = mount();
    tick().await;
    // The page on show follows the address, which an earlier test may have changed.
    click("tab-transformer");
    tick().await;
    click("tf-model-llama-2-7b");
    tick().await;
    click("tf-mode-training");
    tick().await;
    // Mixed precision with Adam: 8 B of moments per parameter.
    assert_eq!(bytes("tf-term-optimizer_state"), 8 * 6_738_415_616);
    choose("tf-method", "lora").await;
    // r = 16 on every projection: 39,976,960 trainable parameters.
    assert_eq!(bytes("tf-term-optimizer_state"), 8 * 39_976_960);
    assert_eq!(bytes("tf-term-frozen_weights"), 2 * 6_738_415_616);
}
