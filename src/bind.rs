//! Binding controls to a page's form in the store: each control reads one member
//! of the form, writes it, and shows the message the page's report has at the
//! member's scenario path. The paths come from the engine's field rules, so a
//! control and the link reader and the command line name a field alike.

use leptos::prelude::*;
use reactive_stores::Field;
use sizing::field::Rule;

use crate::state::Sizing;

/// A form held in the store, and the sizing of its page.
pub struct Bind<T: Send + Sync + 'static> {
    pub form: Field<T>,
    pub sizing: Sizing,
}

impl<T: Send + Sync + 'static> Clone for Bind<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Bind<T> {}

/// A text field's value, what typing does, its message, and what a shorthand
/// typed in it ("8k") was read as.
pub type TextBinding = (
    Signal<String>,
    Callback<String>,
    Signal<Option<String>>,
    Signal<Option<String>>,
);
/// A choice's id and what choosing does.
pub type ChoiceBinding = (Signal<String>, Callback<String>);
/// A checkbox's state and what ticking does.
pub type FlagBinding = (Signal<bool>, Callback<bool>);

impl<T: Send + Sync + 'static> Bind<T> {
    pub fn new(form: impl Into<Field<T>>, sizing: Sizing) -> Bind<T> {
        Bind {
            form: form.into(),
            sizing,
        }
    }

    /// A text member of the form, checked by `rule` at its path.
    pub fn text(
        self,
        rule: impl Rule,
        member: fn(&mut T) -> &mut String,
        get: fn(&T) -> &String,
    ) -> TextBinding {
        let form = self.form;
        (
            Signal::derive(move || form.with(|f| get(f).clone())),
            Callback::new(move |v: String| form.update(|f| *member(f) = v)),
            self.sizing.error(rule.path()),
            Signal::derive(move || form.with(|f| rule.reading(get(f)))),
        )
    }

    /// A flag of the form.
    pub fn flag(self, get: fn(&T) -> bool, set: fn(&mut T, bool)) -> FlagBinding {
        let form = self.form;
        (
            Signal::derive(move || form.with(get)),
            Callback::new(move |v: bool| form.update(|f| set(f, v))),
        )
    }

    /// A choice of the form, through its stable ids.
    pub fn choice<V: Copy + 'static>(
        self,
        get: fn(&T) -> V,
        set: fn(&mut T, V),
        id: fn(V) -> &'static str,
        from_id: fn(&str) -> Option<V>,
    ) -> ChoiceBinding {
        let form = self.form;
        (
            Signal::derive(move || form.with(|f| id(get(f)).to_string())),
            Callback::new(move |v: String| {
                if let Some(x) = from_id(&v) {
                    form.update(|f| set(f, x))
                }
            }),
        )
    }

    /// Reads the form (tracked).
    pub fn with<R>(self, f: impl FnOnce(&T) -> R) -> R {
        self.form.with(f)
    }

    /// Changes the form.
    pub fn update(self, f: impl FnOnce(&mut T)) {
        self.form.update(f)
    }
}

/// The id of "any" in a choice that may be left open.
pub const ALL: &str = "all";

/// A choice of a form that may be left open ([`ALL`]): an architecture, a form factor.
pub fn optional<T: Send + Sync + 'static>(
    form: Field<T>,
    get: fn(&T) -> &Option<String>,
    set: fn(&mut T) -> &mut Option<String>,
) -> ChoiceBinding {
    (
        Signal::derive(move || form.with(|f| get(f).clone().unwrap_or_else(|| ALL.to_string()))),
        Callback::new(move |v: String| form.update(|f| *set(f) = (v != ALL).then_some(v))),
    )
}

/// A text member of a form: `text!(bind, RULE, member)` (a field rule or a path).
#[macro_export]
macro_rules! text {
    ($bind:expr, $path:expr, $($member:ident).+) => {
        $bind.text($path, |f| &mut f.$($member).+, |f| &f.$($member).+)
    };
}

/// A flag of a form: `flag!(bind, member)`.
#[macro_export]
macro_rules! flag {
    ($bind:expr, $($member:ident).+) => {
        $bind.flag(|f| f.$($member).+, |f, v| f.$($member).+ = v)
    };
}

/// A choice of a form through its type's ids: `choice!(bind, member, Type)`.
#[macro_export]
macro_rules! choice {
    ($bind:expr, $($member:ident).+, $ty:ty) => {
        $bind.choice(|f| f.$($member).+, |f, v| f.$($member).+ = v, <$ty>::id, <$ty>::from_id)
    };
}
