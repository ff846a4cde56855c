//! The app's state, natively: which inputs size a page again and which do not,
//! and how a field without a number and an opened link reach the store.

#![cfg(not(target_arch = "wasm32"))]

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::catalog::Catalog;
use sizing::report::{Depth, size_page_to};
use sizing::scenario::link::{self, Page};
use sizing::scenario::{FieldError, Scenario};

use headroom::state::{InputsStoreFields, Shared, Sized};

use std::sync::atomic::{AtomicUsize, Ordering};

static SIZED: AtomicUsize = AtomicUsize::new(0);

fn counting(s: &Scenario, unread: &[FieldError], c: &Catalog, depth: Depth) -> Sized {
    SIZED.fetch_add(1, Ordering::SeqCst);
    size_page_to(s, unread, c, depth)
}

fn calls() -> usize {
    SIZED.load(Ordering::SeqCst)
}

/// Switching GB/GiB redraws words; it must not size (and so fit) again.
#[test]
fn switching_units_does_not_size_again() {
    let owner = Owner::new();
    owner.set();
    let s = Shared::new(counting);
    let total = |s: &Shared| {
        s.cnn
            .first
            .report
            .with_untracked(|r| r.as_ref().map(|r| r.memory.total).unwrap_or(0))
    };
    let before = total(&s);
    assert_eq!(before, 4_147_575_264);
    s.tf.first.report.with_untracked(|_| ());
    s.tf.whole.report.with_untracked(|_| ());
    let sized = calls();
    for u in [ByteUnits::Binary, ByteUnits::Article, ByteUnits::Decimal] {
        s.inputs.units().set(u);
        assert_eq!(total(&s), before);
        s.tf.first.report.with_untracked(|_| ());
        s.tf.whole.report.with_untracked(|_| ());
        assert_eq!(
            s.state.get_untracked().units,
            u,
            "the link follows the units"
        );
    }
    assert_eq!(calls(), sized, "no page was sized again");
    // An input the page reads does size it again, once.
    s.inputs.cnn().update(|f| f.batch = "64".into());
    assert_ne!(total(&s), before);
    assert_eq!(calls(), sized + 1);
}

#[test]
fn a_field_without_a_number_keeps_the_last_one_in_the_link() {
    let owner = Owner::new();
    owner.set();
    let s = Shared::new(size_page_to);
    s.inputs.cnn().update(|f| f.batch = "48".into());
    assert_eq!(s.state.get_untracked().cnn.batch, 48);
    s.inputs.cnn().update(|f| f.batch = "4x".into());
    assert_eq!(s.state.get_untracked().cnn.batch, 48);
    let errors = s.cnn.first.errors.get_untracked();
    assert_eq!(
        FieldError::at(&errors, "workload.cnn.batch"),
        Some("'4x' is not a number.")
    );
    assert!(s.cnn.first.report.get_untracked().is_err());
}

#[test]
fn opening_a_link_shows_its_state_and_names_what_could_not_be_shown() {
    let owner = Owner::new();
    owner.set();
    let s = Shared::new(size_page_to);
    let state = link::decode("v=1&page=cnn&cnn.batch=8&tf.model=gpt-17").unwrap();
    let problems = s.show(&state);
    assert_eq!(problems[0].path, "tf.model");
    assert_eq!(s.inputs.cnn().get_untracked().batch, "8");
    assert_eq!(s.inputs.page().get_untracked(), Page::Cnn);
    assert_eq!(s.state.get_untracked().cnn.batch, 8);
}

#[test]
fn a_link_with_an_architecture_the_catalog_lacks_turns_that_filter_off() {
    let owner = Owner::new();
    owner.set();
    let s = Shared::new(size_page_to);
    let state =
        link::decode("v=1&page=cnn&cnn_gpu.architecture=Kepler&cnn_gpu.form_class=SXM").unwrap();
    let problems = s.show(&state);
    assert_eq!(problems[0].path, "cnn_gpu.architecture");
    let fit = s.inputs.cnn_fit().get_untracked();
    assert_eq!(fit.architecture, None);
    assert_eq!(fit.form_class.as_deref(), Some("SXM"));
    // The page sizes with the filter it could keep, and says nothing is wrong.
    assert!(s.cnn.first.report.get_untracked().unwrap().fits.is_some());
}

/// The first part of a page's report follows a change at once; the whole report
/// (the cards below the memory card) when refreshed, which the browser does one
/// painted frame later.
#[test]
fn the_whole_report_follows_when_refreshed() {
    let owner = Owner::new();
    owner.set();
    let s = Shared::new(size_page_to);
    let read = |sizing: headroom::state::Sizing| {
        sizing.report.with_untracked(|r| {
            let r = r.as_ref().unwrap();
            (r.memory.total, r.speed.is_some())
        })
    };
    assert_eq!(read(s.cnn.first), (4_147_575_264, false));
    assert_eq!(read(s.cnn.whole), (4_147_575_264, true));
    s.inputs.cnn().update(|f| f.batch = "64".into());
    let changed = read(s.cnn.first).0;
    assert_ne!(changed, 4_147_575_264);
    assert_eq!(read(s.cnn.whole).0, 4_147_575_264, "not yet refreshed");
    s.cnn.refresh();
    assert_eq!(read(s.cnn.whole), (changed, true));
}
