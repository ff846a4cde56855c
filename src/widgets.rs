//! Small controls shared by the pages: components only.

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::report::chart::{self, Against};
use sizing::report::words;
use sizing::units::{format_bytes, format_bytes_exact};

use crate::bind::{ChoiceBinding, FlagBinding, TextBinding};

/// `(id, label)` options of an enum for a [`Choice`].
pub fn options<T: Copy>(
    all: &[T],
    id: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
) -> Vec<(&'static str, String)> {
    all.iter()
        .map(|v| (id(*v), label(*v).to_string()))
        .collect()
}

/// The part of a page below its first screen, built just after the frame that
/// shows the rest of the page is painted: the inputs, the memory and the fits
/// show first. Built once, then it stays.
#[component]
pub fn BelowFold(children: ChildrenFn) -> impl IntoView {
    let built = RwSignal::new(false);
    crate::browser::after_paint::after_paint(move || {
        let _ = built.try_set(true);
    });
    view! { <Show when=move || built.get()>{children()}</Show> }
}

/// True once what is built with it has been painted twice (it may build more of
/// itself after the first frame): for the cards whose rendering the browser skips
/// while they are off screen (class `cv`, `content-visibility: auto`), which must
/// first be laid out in full so that the size they keep while skipped is theirs.
pub fn settled() -> Signal<bool> {
    let done = RwSignal::new(false);
    crate::browser::after_paint::after_paint(move || {
        crate::browser::after_paint::after_paint(move || {
            let _ = done.try_set(true);
        });
    });
    done.into()
}

/// A text field that keeps exactly what was typed and shows the engine's message
/// for it underneath. Numbers are typed as text so that nothing the user typed is
/// ever dropped by the browser.
#[component]
pub fn TextField(
    /// Element id, also the base of the `data-testid` values.
    #[prop(into)]
    id: String,
    label: &'static str,
    /// The text, what typing does, and the message for it.
    field: TextBinding,
    #[prop(optional)] unit: Option<&'static str>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "numeric")] inputmode: &'static str,
) -> impl IntoView {
    let (value, on_input, error, reading) = field;
    let error_id = format!("{id}-error");
    let reading_id = format!("{id}-reads");
    let described = format!("{error_id} {reading_id}");
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <div class="input-row">
                <input
                    id=id.clone()
                    data-testid=id.clone()
                    type="text"
                    inputmode=inputmode
                    autocomplete="off"
                    spellcheck="false"
                    aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                    aria-describedby=described
                    prop:value=move || value.get()
                    on:input:target=move |ev| on_input.run(ev.target().value())
                />
                {unit.map(|u| view! { <span class="unit">{u}</span> })}
            </div>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            <p class="reads" id=reading_id.clone() data-testid=reading_id aria-live="polite">
                {move || if error.with(Option::is_some) { None } else { reading.get() }}
            </p>
            <p class="error" id=error_id.clone() data-testid=error_id role="alert">
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}

/// A drop-down list of `(id, label)` options.
#[component]
pub fn Choice(
    #[prop(into)] id: String,
    label: &'static str,
    /// `(id, label)` pairs: a list, or a signal of one.
    #[prop(into)]
    options: ChoiceOptions,
    /// The chosen id and what choosing does.
    field: ChoiceBinding,
    #[prop(optional)] hint: Option<Signal<String>>,
    /// The message at this field, when its choice is refused (shown below it,
    /// the list marked invalid, as a text field's).
    #[prop(optional)]
    error: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let (value, on_change) = field;
    let refused = move || error.is_some_and(|e| e.with(Option::is_some));
    let error_id = format!("{id}-error");
    view! {
        <div class="field" class:invalid=refused>
            <label for=id.clone()>{label}</label>
            <select
                id=id.clone()
                data-testid=id
                aria-invalid=move || if refused() { "true" } else { "false" }
                aria-describedby=error.map(|_| error_id.clone())
                prop:value=move || value.get()
                on:change:target=move |ev| {
                    let target = ev.target();
                    on_change.run(target.value());
                    // A choice the state does not take (refused, or one it
                    // cannot hold) leaves the list showing the state.
                    let now = value.get_untracked();
                    if target.value() != now {
                        target.set_value(&now);
                    }
                }
            >
                {move || {
                    options
                        .0
                        .get()
                        .into_iter()
                        .map(|(value_id, text)| {
                            // The property, not the attribute: once the list has been
                            // chosen from, browsers ignore the attribute, and a list drawn
                            // again (its options changed) would show its first entry.
                            let selected = value.with(|v| *v == value_id);
                            view! { <option value=value_id prop:selected=selected>{text}</option> }
                        })
                        .collect_view()
                }}
            </select>
            {hint.map(|h| view! { <p class="hint">{move || h.get()}</p> })}
            {error.map(|e| view! {
                <p class="error" id=error_id.clone() data-testid=error_id.clone() role="alert">{move || e.get().unwrap_or_default()}</p>
            })}
        </div>
    }
}

/// The options of a [`Choice`].
pub struct ChoiceOptions(Signal<Vec<(String, String)>>);

impl From<Vec<(&'static str, String)>> for ChoiceOptions {
    fn from(options: Vec<(&'static str, String)>) -> ChoiceOptions {
        let options = options
            .into_iter()
            .map(|(id, l)| (id.to_string(), l))
            .collect();
        ChoiceOptions(Signal::stored(options))
    }
}

impl From<Signal<Vec<(String, String)>>> for ChoiceOptions {
    fn from(options: Signal<Vec<(String, String)>>) -> ChoiceOptions {
        ChoiceOptions(options)
    }
}

/// A checkbox with its label; `class` styles the label ("check": a line of its own).
#[component]
pub fn Check(
    #[prop(into)] testid: String,
    label: &'static str,
    /// Whether it is ticked and what ticking does.
    field: FlagBinding,
    #[prop(default = "check")] class: &'static str,
) -> impl IntoView {
    let (checked, on_change) = field;
    view! {
        <label class=class>
            <input
                type="checkbox"
                data-testid=testid
                prop:checked=move || checked.get()
                on:change:target=move |ev| on_change.run(ev.target().checked())
            />
            {label}
        </label>
    }
}

/// Radio buttons in a row: one `(id, label)` per choice, test ids `{name}-{id}`.
#[component]
pub fn Segmented(
    legend: &'static str,
    /// The radio group's name and the base of its test ids.
    name: &'static str,
    options: Vec<(&'static str, &'static str)>,
    field: ChoiceBinding,
) -> impl IntoView {
    let (value, on_change) = field;
    view! {
        <fieldset class="mode">
            <legend>{legend}</legend>
            <div class="segmented" role="radiogroup">
                {options
                    .into_iter()
                    .map(|(id, label)| {
                        let on = move || value.with(|v| v == id);
                        view! {
                            <label class:selected=on>
                                <input
                                    type="radio"
                                    name=name
                                    data-testid=format!("{name}-{id}")
                                    prop:checked=on
                                    on:change=move |_| on_change.run(id.to_string())
                                />
                                {label}
                            </label>
                        }
                    })
                    .collect_view()}
            </div>
        </fieldset>
    }
}

/// A table cell with a byte size in the units on show ("—" for none); the
/// exact bytes are in `data-bytes` and the title.
#[component]
pub fn BytesCell(
    #[prop(into)] testid: String,
    bytes: Option<u64>,
    units: Signal<ByteUnits>,
) -> impl IntoView {
    let exact = bytes.map(|b| b.to_string()).unwrap_or_default();
    let title = bytes.map(format_bytes_exact).unwrap_or_default();
    view! {
        <td class="num" data-testid=testid data-bytes=exact title=title>
            {move || bytes.map_or_else(|| "—".to_string(), |b| format_bytes(b, units.get()))}
        </td>
    }
}

/// A stacked bar of memory terms, each `(kind id, label, bytes)`, coloured by the
/// `seg-{kind id}` classes of the stylesheet; with `against`, drawn to scale
/// against that option's capacity, the safety margin and the capacity marked and
/// said in words below (the words are the chart's text equivalent).
#[component]
pub fn StackedBar(
    #[prop(into)] testid: String,
    terms: Vec<(String, String, u64)>,
    total: u64,
    /// Read by the caller, which draws the bar again when they change.
    units: ByteUnits,
    #[prop(optional)] against: Option<Against>,
) -> impl IntoView {
    let scale = match &against {
        Some(a) => chart::scale([total, a.needed, a.capacity]),
        None => total.max(1),
    };
    let x_of = move |bytes: u64| bytes as f64 * 1000.0 / scale as f64;
    // Segments in a 1000-unit-wide view box.
    let mut x = 0.0;
    let segments: Vec<_> = terms
        .into_iter()
        .map(|(id, label, bytes)| {
            let width = x_of(bytes);
            let seg = (id, label, bytes, x, width);
            x += width;
            seg
        })
        .collect();
    let described = segments
        .iter()
        .map(|(_, label, bytes, ..)| (label.clone(), *bytes))
        .collect::<Vec<_>>();
    let aria = {
        let u = units;
        let parts: Vec<String> = described
            .iter()
            .map(|(label, bytes)| format!("{label} {}", format_bytes(*bytes, u)))
            .collect();
        format!("Memory breakdown: {}", parts.join(", "))
    };
    let marks = against.clone().map(|a| {
        let (margin_x, margin_w, cap_x) = (
            x_of(a.demand),
            x_of(a.needed.saturating_sub(a.demand)),
            x_of(a.capacity),
        );
        view! {
            <rect class="stack-margin" x=margin_x.to_string() y="0" width=margin_w.to_string() height="36">
                <title>"Safety margin"</title>
            </rect>
            <line class="stack-cap" x1=cap_x.to_string() x2=cap_x.to_string() y1="0" y2="36">
                <title>{format!("Capacity of {}", a.label)}</title>
            </line>
        }
    });
    let track = against.as_ref().map(|a| {
        view! { <rect class="stack-track" x="0" y="0" width=x_of(a.capacity).to_string() height="36"></rect> }
    });
    let caption_id = format!("{testid}-against");
    let caption = against.map(|a| {
        let words = words::against(&a, units);
        view! {
            <p class="stack-caption" data-testid=caption_id>
                <span class="key key-margin" aria-hidden="true"></span>"margin "
                <span class="key key-cap" aria-hidden="true"></span>"capacity · "
                {words}
            </p>
        }
    });
    let drawn_against = caption.is_some();
    view! {
        <svg
            class="stack"
            class:against=drawn_against
            data-testid=testid
            viewBox="0 0 1000 36"
            preserveAspectRatio="none"
            role="img"
            aria-label=aria
        >
            {track}
            {segments
                .into_iter()
                .map(|(id, label, bytes, x, width)| {
                    view! {
                        <rect class=format!("seg seg-{id}") x=x.to_string() y="0" width=width.to_string() height="36">
                            <title>{format!("{label}: {}", format_bytes(bytes, units))}</title>
                        </rect>
                    }
                })
                .collect_view()}
            {marks}
        </svg>
        {caption}
    }
}

/// A link-styled button that opens and closes the element `controls` names:
/// `aria-expanded` follows `open`, and a click flips it.
#[component]
pub fn ToggleButton(
    open: RwSignal<bool>,
    testid: String,
    controls: String,
    /// The button's words, which may follow `open`.
    #[prop(into)]
    label: Signal<String>,
    /// What it opens, for a name of its own among buttons of the same words
    /// ("Why: NVIDIA L4 · Full GPU").
    #[prop(optional, into)]
    about: Option<String>,
) -> impl IntoView {
    let name = about.map(|a| move || format!("{}: {a}", label.get()));
    view! {
        <button
            type="button"
            class="link"
            data-testid=testid
            aria-label=name
            aria-expanded=move || if open.get() { "true" } else { "false" }
            aria-controls=controls
            on:click=move |_| open.update(|o| *o = !*o)
        >
            {label}
        </button>
    }
}
