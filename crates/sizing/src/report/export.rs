//! The report as text for elsewhere: Markdown for a wiki page or a proposal —
//! the question, memory term by term with its formula, what fits, the
//! recommendations, multi-GPU layouts and the user's GPUs — and CSV of the fits
//! table and of the model's layer or parameter table, for a spreadsheet. Sizes
//! are written in the report's units, and exactly in bytes beside them.

use super::{Report, ReverseAnswers, words};
use crate::units::{format_bytes, group_digits};

/// A Markdown table cell: no line breaks, pipes escaped.
fn cell(text: &str) -> String {
    text.replace('\n', " ").replace('|', "\\|")
}

/// A CSV field: quoted when it holds a comma, a quote or a line break, and kept
/// from being read as a formula by a spreadsheet (a leading =, +, - or @ gets a ').
fn field(text: &str) -> String {
    let safe = if text.starts_with(['=', '+', '-', '@']) && text.parse::<f64>().is_err() {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if safe.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", safe.replace('"', "\"\""))
    } else {
        safe
    }
}

fn row(fields: &[String]) -> String {
    fields
        .iter()
        .map(|f| field(f))
        .collect::<Vec<_>>()
        .join(",")
}

/// The whole report as Markdown; `link`, when given, is written under the title.
pub fn markdown(r: &Report, link: Option<&str>) -> String {
    let u = r.scenario.units;
    let b = |v: u64| format_bytes(v, u);
    let m = &r.memory;
    let mut out = Vec::new();
    let title = if r.scenario.name.is_empty() {
        r.model.name.clone()
    } else {
        r.scenario.name.clone()
    };
    out.push(format!("# {}", cell(&title)));
    out.push(String::new());
    out.push(cell(&r.model.headline));
    if let Some(l) = link {
        out.push(String::new());
        out.push(format!("Open in headroom: <{l}>"));
    }
    out.push(String::new());
    let per = if m.gpus_per_copy > 1 {
        format!(" (one copy spans {} GPUs)", m.gpus_per_copy)
    } else {
        String::new()
    };
    out.push(format!("## Memory per GPU{per}"));
    out.push(String::new());
    out.push(format!(
        "**{}** ({} B){}",
        b(m.total),
        group_digits(m.total),
        if m.low != m.high {
            format!(", expected between {} and {}", b(m.low), b(m.high))
        } else {
            String::new()
        }
    ));
    out.push(String::new());
    out.push("| Term | Memory | Bytes | Formula | Assumption |".to_string());
    out.push("| --- | ---: | ---: | --- | --- |".to_string());
    for t in m.visible() {
        out.push(format!(
            "| {} | {} | {} | {} | {} |",
            cell(&t.label),
            b(t.bytes),
            group_digits(t.bytes),
            cell(&t.formula),
            cell(&t.note)
        ));
    }
    out.push(format!(
        "| **Total** | **{}** | {} | {} | |",
        b(m.total),
        group_digits(m.total),
        cell(&m.total_formula)
    ));
    if m.host > 0 {
        out.push(String::new());
        out.push(format!(
            "Also in host memory, outside this total: {} per GPU ({} B). {}",
            b(m.host),
            group_digits(m.host),
            cell(&m.host_note)
        ));
    }
    if let Some(a) = super::chart::against(r) {
        out.push(String::new());
        out.push(cell(&words::against(&a, u)));
    }
    for w in &m.warnings {
        out.push(String::new());
        out.push(format!("> {}", cell(w)));
    }
    // The compression recipe: what each matrix is stored as.
    if let Some(c) = &r.compression {
        out.push(String::new());
        out.push("## Compression".to_string());
        out.push(String::new());
        let file = c.file_bytes.map_or_else(String::new, |f| {
            format!(
                "; as a file (Relative index + Huffman) {} ({:.2}×), decoded to the formats below on the GPU",
                b(f),
                c.file_ratio()
            )
        });
        out.push(format!(
            "Weights {} → {} ({:.2}×){file}; {:.1} % sparsity in the chosen matrices, values in {}.{}",
            b(c.weights_before),
            b(c.weights_after),
            c.ratio(),
            c.sparsity * 100.0,
            cell(&c.value_format),
            if c.applies {
                ""
            } else {
                " Training keeps the dense model: the memory above is the dense model's."
            }
        ));
        out.push(String::new());
        out.push(format!("= {}", cell(&c.weights_formula)));
        out.push(String::new());
        out.push("| Matrix | Shape | Count | Stored as | Before | After |".to_string());
        out.push("| --- | --- | ---: | --- | ---: | ---: |".to_string());
        for m in &c.matrices {
            out.push(format!(
                "| {} | {} | {} | {} | {} | {} |",
                cell(&m.name),
                m.shape(),
                group_digits(m.count),
                cell(&m.format),
                b(m.before),
                b(m.after)
            ));
        }
    }
    if let Some(rev) = &r.reverse {
        out.push(String::new());
        out.push(format!(
            "## In {} per GPU",
            words::memory_given(rev.memory, u)
        ));
        out.push(String::new());
        let (length, count) = r.reverse_words();
        if let Some(c) = &rev.max_context {
            out.push(format!(
                "- {}",
                words::reverse(c, rev.memory, length, ReverseAnswers::TOKENS, u)
            ));
        }
        out.push(format!(
            "- {}",
            words::reverse(&rev.max_sequences, rev.memory, count, r.reverse_counts(), u)
        ));
        if let Some(n) = rev.kv_tokens {
            out.push(format!(
                "- KV cache the engine allocates: {} tokens",
                group_digits(n)
            ));
        }
    }
    for a in &r.fleet {
        let w = words::fleet(a, u);
        out.push(String::new());
        out.push(format!("## {}", cell(&w.title)));
        out.push(String::new());
        out.push(cell(&w.verdict));
        if let Some(s) = w.short {
            out.push(String::new());
            out.push(cell(&s));
        }
        for f in w.fixes {
            out.push(format!("- {}", cell(&f)));
        }
    }
    if let Some(f) = &r.fits {
        out.push(String::new());
        out.push("## What fits".to_string());
        out.push(String::new());
        out.push(words::needed(f, u));
        if let Some(w) = words::mig_left_out(f) {
            out.push(String::new());
            out.push(cell(&w));
        }
        if f.recommendations.is_empty() {
            out.push(String::new());
            out.push(cell(&words::nothing_fits(f, u)));
        }
        if !f.recommendations.is_empty() {
            out.push(String::new());
            for rec in &f.recommendations {
                let o = &f.options[rec.option];
                out.push(format!(
                    "- **{}**: {} — {}",
                    rec.kind.label(),
                    cell(&o.label()),
                    cell(&words::why(rec, f, u))
                ));
            }
        }
        if !f.options.is_empty() {
            out.push(String::new());
            out.push("| Option | Mode | Usable | Headroom | Per GPU | Per host |".to_string());
            out.push("| --- | --- | ---: | ---: | ---: | ---: |".to_string());
            for o in &f.options {
                out.push(format!(
                    "| {}{} | {} | {} | {} ({:.1} %) | {} | {} |",
                    cell(&o.label()),
                    if o.status == crate::catalog::FitStatus::TooSmall {
                        " (too small)"
                    } else {
                        ""
                    },
                    o.mode.label(),
                    b(o.capacity),
                    if o.headroom < 0 {
                        format!("−{}", b(o.headroom.unsigned_abs()))
                    } else {
                        b(o.headroom.unsigned_abs())
                    },
                    o.headroom_percent,
                    if o.status == crate::catalog::FitStatus::TooSmall {
                        "—".to_string()
                    } else {
                        o.per_gpu.to_string()
                    },
                    if o.status == crate::catalog::FitStatus::TooSmall {
                        "—".to_string()
                    } else {
                        o.per_host.to_string()
                    },
                ));
            }
        }
        if !f.multi_gpu.is_empty() {
            out.push(String::new());
            out.push("### Split over several GPUs".to_string());
            out.push(String::new());
            for g in &f.multi_gpu {
                let why = words::rounding(g.fewest, g.rounding)
                    .map_or_else(String::new, |w| format!(" {w}"));
                out.push(format!(
                    "- {} × {}: {}, {} of {} on each GPU ({}).{why}",
                    g.gpus,
                    cell(&g.gpu_name),
                    words::layout(g.layout),
                    b(g.per_gpu),
                    b(g.capacity),
                    cell(&g.interconnect)
                ));
            }
        }
        // The rules (what was needed is at the top).
        out.push(String::new());
        for n in words::FIT_RULES {
            out.push(format!("- {}", cell(n)));
        }
    }
    // The speed of the option the Speed card details, figure by figure, as the
    // card draws them; then the work they come from.
    if let Some(sp) = &r.speed
        && let Some(d) = &sp.detail
    {
        out.push(String::new());
        out.push(format!("## Speed on {}", cell(&d.label)));
        out.push(String::new());
        if let Some(w) = words::detail_misses(sp) {
            out.push(cell(&w));
            out.push(String::new());
        }
        out.push("| Figure | Value | Formula |".to_string());
        out.push("| --- | ---: | --- |".to_string());
        for f in d.figures.iter().chain(&sp.work) {
            out.push(format!(
                "| {} | {} | {} |",
                cell(&f.label),
                cell(&words::figure(f, u)),
                cell(&f.formula)
            ));
        }
    }
    for e in &r.errors {
        out.push(String::new());
        out.push(format!("> Not answered: {}", cell(&e.to_string())));
    }
    out.push(String::new());
    out.push(format!(
        "Sized by headroom against the catalog \"{}\" ({} GPUs).",
        cell(&r.catalog.description),
        r.catalog.gpus
    ));
    out.push(String::new());
    out.join("\n")
}

/// The fits table as CSV: one row per option, sizes in bytes.
pub fn fits_csv(r: &Report) -> Option<String> {
    let f = r.fits.as_ref()?;
    let mut out = vec![row(&[
        "gpu".into(),
        "profile".into(),
        "mode".into(),
        "status".into(),
        "usable_bytes".into(),
        "needed_bytes".into(),
        "headroom_bytes".into(),
        "headroom_percent".into(),
        "per_gpu".into(),
        "per_host".into(),
        "capacity_basis".into(),
    ])];
    for o in &f.options {
        out.push(row(&[
            o.gpu_name.clone(),
            o.profile.clone().unwrap_or_default(),
            o.mode.label().into(),
            match o.status {
                crate::catalog::FitStatus::Fits => "fits",
                crate::catalog::FitStatus::Tight => "tight",
                crate::catalog::FitStatus::TooSmall => "too_small",
            }
            .into(),
            o.capacity.to_string(),
            f.needed.to_string(),
            o.headroom.to_string(),
            format!("{:.2}", o.headroom_percent),
            // A row too small to hold the workload has no instances (the page: "—").
            count_cell(o.status, o.per_gpu),
            count_cell(o.status, o.per_host),
            o.capacity_note.clone(),
        ]));
    }
    // When no single GPU holds it, the page's answer is the split: one row per
    // GPU kind, its usable and needed bytes those of each of its GPUs, the
    // needed bytes with the margin as the rows above have it.
    for g in &f.multi_gpu {
        let needed = crate::catalog::with_margin(g.per_gpu, f.margin_percent);
        out.push(row(&[
            g.gpu_name.clone(),
            String::new(),
            format!("split over {} GPUs: {}", g.gpus, words::layout(g.layout)),
            "split".into(),
            g.capacity.to_string(),
            needed.to_string(),
            (i128::from(g.capacity) - i128::from(needed)).to_string(),
            format!(
                "{:.2}",
                (g.capacity as f64 - needed as f64) / (g.capacity.max(1) as f64) * 100.0
            ),
            String::new(),
            String::new(),
            String::new(),
        ]));
    }
    Some(out.join("\n") + "\n")
}

/// Instances per GPU or host of a fits row; empty for a row too small to hold one.
fn count_cell(status: crate::catalog::FitStatus, n: u32) -> String {
    if status == crate::catalog::FitStatus::TooSmall {
        String::new()
    } else {
        n.to_string()
    }
}

/// The memory terms, and the CNN's layer table or the transformer's parameter
/// table, as CSV.
pub fn model_csv(r: &Report) -> String {
    let mut out = vec![row(&[
        "term".into(),
        "bytes".into(),
        "low_bytes".into(),
        "high_bytes".into(),
        "formula".into(),
    ])];
    for t in &r.memory.terms {
        out.push(row(&[
            t.label.clone(),
            t.bytes.to_string(),
            t.low.to_string(),
            t.high.to_string(),
            t.formula.clone(),
        ]));
    }
    out.push(row(&[
        "Total".into(),
        r.memory.total.to_string(),
        r.memory.low.to_string(),
        r.memory.high.to_string(),
        r.memory.total_formula.clone(),
    ]));
    if let Some(layers) = &r.layers {
        out.push(String::new());
        out.push(row(&[
            "layer".into(),
            "description".into(),
            "output".into(),
            "parameters".into(),
            "parameter_bytes".into(),
            "feature_bytes_per_image".into(),
            "feature_bytes_per_batch".into(),
        ]));
        for l in layers {
            out.push(row(&[
                l.name.clone(),
                l.description.clone(),
                l.output.plain(),
                l.params.to_string(),
                l.param_bytes.to_string(),
                l.feature_bytes_per_image.to_string(),
                l.feature_bytes_per_batch.to_string(),
            ]));
        }
    }
    if let Some(p) = &r.parameters {
        out.push(String::new());
        out.push(row(&["part".into(), "parameters".into()]));
        let blocks: u64 = p.blocks.iter().map(|b| b.params.total()).sum();
        for (part, n) in [
            ("token embedding", p.token_embedding),
            ("other embeddings", p.other_embeddings),
            ("blocks", blocks),
            ("final norms", p.final_norms),
            ("output head", p.output_head),
            ("task head", p.task_head),
            ("total", p.total),
        ] {
            out.push(row(&[part.into(), n.to_string()]));
        }
    }
    out.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::scenario::parse;

    fn report(json: &str) -> Report {
        super::super::size(&parse(json).unwrap(), Catalog::bundled()).unwrap()
    }

    #[test]
    fn markdown_holds_the_total_every_term_and_the_fits() {
        let r = report(
            r#"{"version":1,"name":"Q3 | chatbot","workload":{"transformer":{"model":"llama-3.1-8b","sequences":16,"context":8192}}}"#,
        );
        let md = markdown(&r, Some("https://example.org/#v=1"));
        assert!(md.starts_with("# Q3 \\| chatbot\n"));
        assert!(md.contains(&group_digits(r.memory.total)));
        for t in r.memory.visible() {
            assert!(md.contains(&format!("| {} |", t.label)), "{}", t.label);
            assert!(md.contains(&group_digits(t.bytes)));
        }
        assert!(md.contains("## What fits"));
        assert!(md.contains("Smallest fit"));
        // The memory bar's words: against the first recommendation.
        let a = crate::report::chart::against(&r).unwrap();
        assert!(md.contains(&words::against(&a, r.scenario.units)));
        assert!(md.contains("(the first recommendation)"));
        assert!(md.contains("<https://example.org/#v=1>"));
        assert!(!md.contains("in host memory"));
        // The speed of the option the Speed card details, each figure as drawn.
        let sp = r.speed.as_ref().unwrap();
        let d = sp.detail.as_ref().unwrap();
        assert!(md.contains(&format!("## Speed on {}", d.label)));
        for f in d.figures.iter().chain(&sp.work) {
            assert!(
                md.contains(&format!(
                    "| {} | {} |",
                    f.label,
                    words::figure(f, r.scenario.units)
                )),
                "{}",
                f.label
            );
        }
        // llama.cpp keeps the token embedding in host memory: said beside the total.
        let r = report(
            r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-8b","engine":"llama_cpp"}}}"#,
        );
        assert_eq!(r.memory.host, 128_256 * 4_096 * 2);
        let md = markdown(&r, None);
        assert!(md.contains(&format!(
            "Also in host memory, outside this total: {} per GPU ({} B).",
            crate::units::format_bytes(r.memory.host, r.scenario.units),
            group_digits(r.memory.host)
        )));
    }

    #[test]
    fn csv_has_a_row_per_option_and_no_formulas() {
        let r = report(r#"{"version":1,"workload":{"cnn":{"network":"vgg16","batch":32}}}"#);
        let csv = fits_csv(&r).unwrap();
        assert_eq!(
            csv.lines().count(),
            r.fits.as_ref().unwrap().options.len() + 1
        );
        assert!(csv.starts_with("gpu,profile,mode,status,usable_bytes"));
        let model = model_csv(&r);
        assert!(model.contains(&format!("Total,{}", r.memory.total)));
        assert!(model.contains("conv1_1"));
        assert_eq!(field("=cmd|' /c calc'!A1"), "'=cmd|' /c calc'!A1");
        assert_eq!(field("-12"), "-12");
        assert_eq!(field("a,\"b\""), "\"a,\"\"b\"\"\"");
    }

    #[test]
    fn fits_csv_holds_the_split_when_no_gpu_holds_it_alone() {
        let r = report(
            r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-405b","sequences":4,"context":8192}}}"#,
        );
        let f = r.fits.as_ref().unwrap();
        assert!(!f.multi_gpu.is_empty());
        let csv = fits_csv(&r).unwrap();
        let split: Vec<&str> = csv.lines().filter(|l| l.contains(",split,")).collect();
        assert_eq!(split.len(), f.multi_gpu.len());
        let g = &f.multi_gpu[0];
        assert!(
            split[0].starts_with(&format!("{},,split over {} GPUs: ", g.gpu_name, g.gpus)),
            "{}",
            split[0]
        );
        // Needed with the margin, as the single-GPU rows count it: 10 % more.
        let needed = crate::catalog::with_margin(g.per_gpu, f.margin_percent);
        assert!(needed > g.per_gpu);
        assert!(
            split[0].contains(&format!(",split,{},{needed},", g.capacity)),
            "{}",
            split[0]
        );
    }

    #[test]
    fn a_row_too_small_has_no_instances() {
        let r = report(
            r#"{"version":1,"workload":{"known":{"per_gpu":30000000000}},"deployment":{"show_too_small":true}}"#,
        );
        let csv = fits_csv(&r).unwrap();
        let small: Vec<&str> = csv.lines().filter(|l| l.contains(",too_small,")).collect();
        assert!(!small.is_empty());
        for l in small {
            // After the status: usable, needed, headroom, percent, per_gpu, per_host.
            let (_, rest) = l.split_once(",too_small,").unwrap();
            let cells: Vec<&str> = rest.split(',').collect();
            assert_eq!((cells[4], cells[5]), ("", ""), "{l}");
        }
        let md = markdown(&r, None);
        assert!(
            md.lines()
                .any(|l| l.contains("(too small)") && l.ends_with("| — | — |"))
        );
    }

    #[test]
    fn model_csv_writes_vectors_without_digit_grouping() {
        let r = report(r#"{"version":1,"workload":{"cnn":{"network":"vgg16","batch":1}}}"#);
        let csv = model_csv(&r);
        assert!(csv.lines().any(|l| l.contains(",25088,")), "{csv}");
        assert!(!csv.contains("\"25,088\""));
    }
}
