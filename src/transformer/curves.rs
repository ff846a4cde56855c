//! Memory per GPU against context length and against concurrent sequences, with
//! the capacity of each GPU in question drawn across: the reverse answers, seen.
//! The numbers are the report's (`Report::curves`); this only draws them.

use leptos::prelude::*;
use sizing::ByteUnits;
use sizing::units::{format_bytes, group_digits};

/// A count as an axis shows it: 512, 8k, 128k, 1M for tokens (k = 1,024).
fn tokens(x: u64) -> String {
    match x {
        x if x >= 1 << 20 && x % (1 << 20) == 0 => format!("{}M", x >> 20),
        x if x >= 1024 && x % 1024 == 0 => format!("{}k", x >> 10),
        x => group_digits(x),
    }
}

/// One curve: `(x, bytes)` points on a log-2 x axis, `asked` marked, and
/// horizontal capacity lines.
#[component]
pub fn CurveChart(
    /// data-testid of the figure.
    testid: &'static str,
    /// "Context per sequence (tokens)".
    x_label: &'static str,
    points: Vec<(u64, u64)>,
    asked: u64,
    /// `(label, bytes)` of each capacity drawn across.
    lines: Vec<(String, u64)>,
    /// Tokens are labelled 8k, 128k; other counts in full.
    token_axis: bool,
    units: ByteUnits,
) -> impl IntoView {
    let (w, h, left, right, top, bottom) = (560.0_f64, 220.0_f64, 64.0, 12.0, 10.0, 34.0);
    let label = move |x: u64| {
        if token_axis {
            tokens(x)
        } else {
            group_digits(x)
        }
    };
    let (x0, x1) = (
        points.first().map_or(1, |p| p.0).max(1),
        points.last().map_or(2, |p| p.0).max(2),
    );
    let ymax = points
        .iter()
        .map(|p| p.1)
        .chain(lines.iter().map(|l| l.1))
        .max()
        .unwrap_or(1)
        .max(1) as f64
        * 1.08;
    let span = ((x1 as f64).log2() - (x0 as f64).log2()).max(1.0);
    let x = move |v: u64| {
        left + ((v.max(1) as f64).log2() - (x0 as f64).log2()) / span * (w - left - right)
    };
    let y = move |b: u64| top + (1.0 - b as f64 / ymax) * (h - top - bottom);
    let path = points
        .iter()
        .map(|(a, b)| format!("{:.1},{:.1}", x(*a), y(*b)))
        .collect::<Vec<_>>()
        .join(" ");
    let at_asked = points.iter().find(|p| p.0 == asked).map(|p| p.1);
    // Where each capacity is first exceeded, for the words.
    let crossing = |cap: u64| points.iter().find(|p| p.1 > cap).map(|p| p.0);
    let summary = {
        let first = points
            .first()
            .map(|p| format!("{} at {}", format_bytes(p.1, units), label(p.0)));
        let last = points
            .last()
            .map(|p| format!("{} at {}", format_bytes(p.1, units), label(p.0)));
        let caps = lines
            .iter()
            .map(|(name, cap)| match crossing(*cap) {
                Some(at) => format!("{name} is exceeded from {}", label(at)),
                None => format!("{name} holds every point"),
            })
            .collect::<Vec<_>>()
            .join("; ");
        format!(
            "Memory per GPU against {}: from {} to {}. {caps}.",
            x_label.to_lowercase(),
            first.unwrap_or_default(),
            last.unwrap_or_default()
        )
    };
    // At most 8 labels on the x axis.
    let step = points.len().div_ceil(8).max(1);
    let ticks: Vec<u64> = points.iter().map(|p| p.0).step_by(step).collect();
    let rows = points.clone();
    view! {
        <figure class="curve-chart" data-testid=testid>
            <svg viewBox=format!("0 0 {w} {h}") role="img" aria-label=summary.clone()>
                {[0.0, 0.5, 1.0].into_iter().map(|f| {
                    let b = (ymax / 1.08 * f) as u64;
                    view! {
                        <line class="grid" x1=left.to_string() x2=(w - right).to_string() y1=y(b).to_string() y2=y(b).to_string()/>
                        <text class="axis" x=(left - 6.0).to_string() y=(y(b) + 4.0).to_string() text-anchor="end">{format_bytes(b, units)}</text>
                    }
                }).collect_view()}
                {ticks.into_iter().map(|t| view! {
                    <text class="axis" x=x(t).to_string() y=(h - bottom + 16.0).to_string() text-anchor="middle">{label(t)}</text>
                }).collect_view()}
                <text class="axis" x=((left + w - right) / 2.0).to_string() y=(h - 4.0).to_string() text-anchor="middle">{x_label}</text>
                // Labels alternate between the right and the left end, so that two
                // capacities close together stay readable.
                {lines.iter().enumerate().map(|(i, (name, cap))| {
                    let (lx, anchor) = if i % 2 == 0 { (w - right, "end") } else { (left + 4.0, "start") };
                    view! {
                        <line class="capacity" x1=left.to_string() x2=(w - right).to_string() y1=y(*cap).to_string() y2=y(*cap).to_string()/>
                        <text class="axis capacity-label" x=lx.to_string() y=(y(*cap) - 4.0).to_string() text-anchor=anchor>{format!("{name}: {}", format_bytes(*cap, units))}</text>
                    }
                }).collect_view()}
                <polyline class="series" points=path/>
                {at_asked.map(|b| view! { <circle class="asked" cx=x(asked).to_string() cy=y(b).to_string() r="4.5"/> })}
            </svg>
            <figcaption>{summary}</figcaption>
            <details>
                <summary>"As a table"</summary>
                <table class="compact">
                    <thead><tr><th scope="col">{x_label}</th><th scope="col" class="num">"Memory per GPU"</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|(a, b)| view! {
                            <tr class:asked=a == asked><td>{group_digits(a)}</td><td class="num">{format_bytes(b, units)}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </details>
        </figure>
    }
}
