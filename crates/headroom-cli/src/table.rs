//! `--format table`: the report as a person reads it in a terminal.

use sizing::catalog::{Catalog, FitStatus, Fits};
use sizing::compress::apply::CompressionReport;
use sizing::place::monte_carlo::Stats;
use sizing::place::{PlaceReport, gb_words};
use sizing::report::{Report, words};
use sizing::transformer::memory::Reverse;
use sizing::units::{format_bytes, format_share, group_digits};
use sizing::vsphere::Sheet;

/// Left-aligned first column, the others right-aligned, widths from the content.
fn columns(rows: &[Vec<String>]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let width = |c: usize| {
        rows.iter()
            .filter_map(|r| r.get(c))
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(0)
    };
    let widths: Vec<usize> = (0..n).map(width).collect();
    rows.iter()
        .map(|r| {
            let cells: Vec<String> = r
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    if i == 0 {
                        format!("{s:<w$}", w = widths[i])
                    } else {
                        format!("{s:>w$}", w = widths[i])
                    }
                })
                .collect();
            format!("  {}", cells.join("   ").trim_end())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn reverse(r: &Reverse, one: &str, many: &str) -> String {
    match r {
        Reverse::Fits { value, .. } => sizing::units::count(*value, one, many),
        Reverse::Nothing { .. } => format!("not even 1 {one}"),
        Reverse::Unbounded { limit } => {
            format!("every value up to {} {many}", group_digits(*limit))
        }
    }
}

/// Options listed in the table; the JSON has all of them.
const SHOWN: usize = 12;

pub fn render(r: &Report) -> String {
    let u = r.scenario.units;
    let b = |v: u64| format_bytes(v, u);
    let m = &r.memory;
    let mut out = Vec::new();
    if !r.scenario.name.is_empty() {
        out.push(format!("Scenario: {}", r.scenario.name));
    }
    out.push(r.model.headline.clone());
    if r.model.kind != "known" {
        out.push(format!(
            "{} · {} parameters",
            r.model.name,
            group_digits(r.model.parameters)
        ));
    }
    out.push(String::new());
    let per = if m.gpus_per_copy > 1 {
        format!(
            " (one copy spans {} GPUs; figures per GPU)",
            m.gpus_per_copy
        )
    } else {
        String::new()
    };
    out.push(format!("Memory per GPU{per}"));
    let bands = m.has_bands();
    let mut rows: Vec<Vec<String>> = m
        .visible()
        .map(|t| {
            let mut row = vec![t.label.clone(), b(t.bytes), format_share(t.bytes, m.total)];
            if bands {
                row.push(if t.low == t.high {
                    "exact".into()
                } else {
                    format!("{} – {}", b(t.low), b(t.high))
                });
            }
            row
        })
        .collect();
    let mut total = vec!["Total".to_string(), b(m.total), "100 %".into()];
    if bands {
        total.push(format!("{} – {}", b(m.low), b(m.high)));
    }
    rows.push(total);
    out.push(columns(&rows));
    out.push(format!("  = {} B", group_digits(m.total)));
    if m.host > 0 {
        out.push(format!(
            "  also in host memory, outside this total: {} per GPU ({} B). {}",
            b(m.host),
            group_digits(m.host),
            m.host_note
        ));
    }
    for w in &m.warnings {
        out.push(format!("  ! {w}"));
    }
    if let Some(rev) = &r.reverse {
        out.push(String::new());
        out.push(format!(
            "In {} per GPU",
            sizing::report::words::memory_given(rev.memory, u)
        ));
        let cnn = matches!(r.scenario.workload, sizing::scenario::Workload::Cnn(_));
        let (length, count, one, many) = if cnn {
            ("", "largest batch:", "image", "images")
        } else if r.trains() {
            (
                "longest sequence:",
                "largest micro-batch:",
                "sequence",
                "sequences",
            )
        } else {
            (
                "longest context:",
                "most sequences:",
                "sequence",
                "sequences",
            )
        };
        let width = length.len().max(count.len());
        if let Some(c) = &rev.max_context {
            out.push(format!(
                "  {length:<width$} {}",
                reverse(c, "token", "tokens")
            ));
        }
        out.push(format!(
            "  {count:<width$} {}",
            reverse(&rev.max_sequences, one, many)
        ));
        if let Some(n) = rev.kv_tokens {
            out.push(format!(
                "  KV cache the engine allocates: {} tokens",
                group_digits(n)
            ));
        }
    }
    if let Some(c) = &r.compression {
        compression(&mut out, r, c);
    }
    out.push(String::new());
    if let Some(f) = &r.fits {
        fits(&mut out, r, f);
        speed(&mut out, r);
    }
    if let Some(s) = &r.deploy {
        deploy(&mut out, s);
    }
    out.push(String::new());
    out.push(format!(
        "Catalog: {} ({} GPUs). Sizes in {}.",
        r.catalog
            .description
            .split(". ")
            .next()
            .unwrap_or_default()
            .trim_end_matches('.'),
        r.catalog.gpus,
        u.label()
    ));
    out.join("\n")
}

/// The compression recipe: weights before and after, each matrix, what now fits.
fn compression(out: &mut Vec<String>, r: &Report, c: &CompressionReport) {
    let b = |v: u64| format_bytes(v, r.scenario.units);
    out.push(String::new());
    out.push(format!(
        "Compression: weights {} → {} ({:.2}×), {:.1} % sparsity in the chosen matrices, values in {}",
        b(c.weights_before),
        b(c.weights_after),
        c.ratio(),
        c.sparsity * 100.0,
        c.value_format
    ));
    out.push(format!("  = {}", c.weights_formula));
    if let Some(f) = c.file_bytes {
        out.push(format!(
            "  As a file (Relative index + Huffman): {} ({:.2}×), decoded to the formats below on the GPU",
            b(f),
            c.file_ratio()
        ));
    }
    let mut rows = vec![vec![
        "Matrix".to_string(),
        "Shape".into(),
        "Count".into(),
        "Stored as".into(),
        "Before".into(),
        "After".into(),
    ]];
    for m in &c.matrices {
        rows.push(vec![
            m.name.clone(),
            m.shape(),
            group_digits(m.count),
            m.format.clone(),
            b(m.before),
            b(m.after),
        ]);
    }
    out.push(columns(&rows));
    if let Some(s) = &c.schedule {
        out.push(format!("  Iterative pruning: {}", s.formula));
    }
    for e in &c.break_even {
        out.push(format!("  Break-even, {}: {}", e.format, e.formula));
    }
    out.push(format!("  Arithmetic: {}", c.math.note));
    if !c.newly_fit.is_empty() {
        let shown: Vec<&str> = c.newly_fit.iter().take(8).map(String::as_str).collect();
        let more = c.newly_fit.len().saturating_sub(shown.len());
        out.push(format!(
            "  Now fits: {}{}",
            shown.join(", "),
            if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            }
        ));
    }
    for n in &c.notes {
        out.push(format!("  ! {n}"));
    }
}

/// How fast: the workload's FLOPs, then the detailed option's figures with
/// their bands and formulas.
fn speed(out: &mut Vec<String>, r: &Report) {
    let Some(sp) = &r.speed else { return };
    let u = r.scenario.units;
    out.push(String::new());
    match &sp.detail {
        Some(d) => out.push(format!("Speed on {}", d.label)),
        None => out.push("Speed".into()),
    }
    if let Some(t) = &sp.target_layout {
        let [time, amount] = words::speed_cells(&t.speed);
        out.push(format!(
            "  No single option meets the latency target; {} × {} do: {time}, {amount}",
            t.gpus, t.gpu_name
        ));
    }
    if let Some(w) = words::detail_misses(sp) {
        out.push(format!("  {w}"));
    }
    if let Some(w) = words::target_unmet(sp) {
        out.push(format!("  {w}"));
    }
    let figures = sp
        .work
        .iter()
        .chain(sp.detail.iter().flat_map(|d| &d.figures));
    for fig in figures {
        out.push(format!("  {}: {}", fig.label, words::figure(fig, u)));
        out.push(format!("      {}", fig.formula));
    }
    if let Some(d) = &sp.detail {
        let e = &d.efficiencies;
        out.push(format!(
            "  Efficiencies: training MFU {} %, prefill MFU {} %, decode MBU {} %, {} per decode step",
            words::sig(e.training * 100.0),
            words::sig(e.prefill * 100.0),
            words::sig(e.decode * 100.0),
            words::duration(e.step_overhead_s)
        ));
    }
}

/// What fits: needed, recommendations, the options, GPU counts, notes.
fn fits(out: &mut Vec<String>, r: &Report, f: &Fits) {
    let u = r.scenario.units;
    let b = |v: u64| format_bytes(v, u);
    out.push(format!(
        "Fits: {} needed with the {} % margin",
        b(f.needed),
        sizing::input::number_text(r.scenario.deployment.margin_percent)
    ));
    if let Some(w) = words::mig_left_out(f) {
        out.push(format!("  {w}"));
    }
    if f.recommendations.is_empty() {
        out.push(format!("  {}", words::nothing_fits(f, u)));
    }
    // The user's own hosts first.
    for a in &r.fleet {
        let w = words::fleet(a, u);
        out.push(format!("  {}", w.title));
        out.push(format!("    {}", w.verdict));
        if let Some(short) = w.short {
            out.push(format!("    {short}"));
        }
        for fix in w.fixes {
            out.push(format!("    {fix}"));
        }
    }
    for rec in &f.recommendations {
        let o = &f.options[rec.option];
        out.push(format!(
            "  {}: {} — {}",
            rec.kind.label(),
            o.label(),
            words::why(rec, f, u)
        ));
    }
    let rows: Vec<Vec<String>> = std::iter::once(vec![
        "Option".to_string(),
        "Mode".into(),
        "Usable".into(),
        "Headroom".into(),
        "Per GPU".into(),
        "Per host".into(),
        "Speed".into(),
        "Throughput".into(),
    ])
    .chain(f.options.iter().map(|o| {
        let headroom = if o.headroom >= 0 {
            b(o.headroom as u64)
        } else {
            format!("−{}", b(o.headroom.unsigned_abs()))
        };
        let status = match o.status {
            FitStatus::Fits => "",
            FitStatus::Tight => " (tight)",
            FitStatus::TooSmall => " (too small)",
        };
        let [speed, throughput] = o
            .speed
            .as_ref()
            .map_or_else(|| [String::new(), String::new()], words::speed_cells);
        vec![
            format!("{}{status}", o.label()),
            o.mode.label().to_string(),
            b(o.capacity),
            headroom,
            o.per_gpu.to_string(),
            if o.status == sizing::catalog::FitStatus::TooSmall {
                "—".to_string()
            } else {
                o.per_host.to_string()
            },
            speed,
            throughput,
        ]
    }))
    .collect();
    if f.options.is_empty() {
        out.push("  No option is listed for these filters.".into());
    } else {
        out.push(columns(&rows[..rows.len().min(SHOWN + 1)]));
        if f.options.len() > SHOWN {
            out.push(format!(
                "  … and {} more options (--format json lists them all)",
                f.options.len() - SHOWN
            ));
        }
    }
    for g in &f.multi_gpu {
        let speed = g.speed.as_ref().map_or_else(String::new, |s| {
            let [time, amount] = words::speed_cells(s);
            format!("; {time}, {amount}")
        });
        let target = g
            .target_gpus
            .map_or_else(String::new, |n| format!("; {n} meet the latency target"));
        let why =
            words::rounding(g.fewest, g.rounding).map_or_else(String::new, |w| format!(" {w}"));
        out.push(format!(
            "  {} × {}: {}, {} each ({}){speed}{target}.{why}",
            g.gpus,
            g.gpu_name,
            words::layout(g.layout),
            b(g.per_gpu),
            g.interconnect
        ));
    }
    for n in words::FIT_RULES {
        out.push(format!("  · {n}"));
    }
}

/// The deployment sheet: VM settings, host checklist, checks.
fn deploy(out: &mut Vec<String>, s: &Sheet) {
    out.push(String::new());
    out.push(format!(
        "Deploying {} on {}: {}",
        s.label,
        s.release.label(),
        s.kind.label()
    ));
    let rows: Vec<Vec<String>> = s
        .items()
        .map(|i| {
            vec![
                format!("  {}", i.label),
                i.value.clone(),
                i.status.label().to_string(),
            ]
        })
        .collect();
    out.push(columns(&rows));
    if !s.deployable() {
        out.push(
            "  ! Some checks fail for this release: `headroom-cli deploy FILE` says why.".into(),
        );
    }
}

/// The placement of a cluster's VMs, as listed and over random orders.
pub fn placement(r: &PlaceReport, catalog: &Catalog) -> String {
    let mut out = Vec::new();
    let p = &r.listed;
    out.push(format!(
        "{} GPUs, {} VMs in the order listed: {} placed, {} cannot start",
        r.gpus, r.vms, p.placed, p.failed
    ));
    out.push(format!(
        "  memory: {} GB used, {} GB still usable, {} GB stranded of {} GB (nominal GB, as profile names count); {:.2} VMs per GPU",
        num(p.used_gb),
        num(p.free_gb),
        num(p.stranded_gb),
        num(p.capacity_gb),
        p.density
    ));
    if p.compute_stranded > 0 {
        out.push(format!(
            "  MIG compute slices stranded: {}",
            p.compute_stranded
        ));
    }
    let mut rows = vec![vec![
        "GPU".to_string(),
        "Mode".into(),
        "VMs (start GB + size)".into(),
        "Used".into(),
        "Stranded".into(),
    ]];
    for g in p
        .gpus
        .iter()
        .filter(|g| !g.blocks.is_empty() || g.stranded_gb > 0.0)
        .take(64)
    {
        let group = &r.cluster.groups[g.group as usize];
        let gpu = catalog
            .gpu(&group.gpu)
            .map_or(group.gpu.as_str(), |x| x.name.as_str());
        let vms: Vec<String> = g
            .blocks
            .iter()
            .map(|b| format!("{}@{}", p.profiles[b.request as usize], num(b.start_gb)))
            .collect();
        rows.push(vec![
            format!("{} host {} GPU {}", gpu, g.host + 1, g.index + 1),
            g.mode.label().into(),
            vms.join(" "),
            gb_words(g.used_gb),
            gb_words(g.stranded_gb),
        ]);
    }
    out.push(columns(&rows));
    let shown = p
        .gpus
        .iter()
        .filter(|g| !g.blocks.is_empty() || g.stranded_gb > 0.0)
        .count();
    if shown > 64 {
        out.push(format!(
            "  … and {} more GPUs (--format json lists them all)",
            shown - 64
        ));
    }
    for f in p.failures() {
        out.push(format!("  ! {}", f.sentence()));
    }
    if let Some(m) = &r.monte_carlo {
        out.push(String::new());
        out.push(format!("{} random orders (seed {}):", m.orders, m.seed));
        let st = |s: &Stats| format!("{} / {} / {}", num(s.min), num(s.median), num(s.max));
        out.push(format!(
            "  siloed GB when a VM failed, min / median / max: {}",
            st(&m.siloed_gb)
        ));
        out.push(format!(
            "  stranded GB at the end:                    {}",
            st(&m.stranded_gb)
        ));
        out.push(format!(
            "  VMs that cannot start:                     {}",
            st(&m.failed)
        ));
    }
    out.join("\n")
}

/// A GB figure: whole when whole, else two decimals.
fn num(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{}", x.round())
    } else {
        format!("{x:.2}")
    }
}
