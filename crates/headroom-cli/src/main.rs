//! headroom on the command line.
//!
//! ```text
//! headroom-cli size FILE|- [--format json|table|markdown|csv|csv-model] [--catalog FILE]
//! headroom-cli link FILE|- [--base URL]
//! headroom-cli place FILE|- [--format json|table] [--orders N] [--seed S] [--catalog FILE]
//! headroom-cli deploy FILE|- [--format markdown|powercli|json] [--catalog FILE]
//! ```
//!
//! Exit codes: 0 success; 1 a file could not be read; 2 an invalid scenario or
//! command line (the message on stderr names the field).

use std::io::Read;
use std::process::ExitCode;

use sizing::catalog::{Catalog, MAX_CATALOG_BYTES};
use sizing::report::{Report, export, size};
use sizing::scenario::link::{AppState, encoded};
use sizing::scenario::{FieldError, MAX_FILE_BYTES, parse};

mod table;

const USAGE: &str = "\
headroom-cli: size a headroom scenario with the engine the app uses.

Usage:
  headroom-cli size FILE|- [--format json|table|markdown|csv|csv-model] [--catalog FILE] [--figure NAME]
      Print the report for the scenario in FILE (- reads standard input):
      memory term by term with formulas, what fits, recommendations, warnings.
      A saved-scenarios file (the app's Export all) prints every scenario's
      report: a JSON list, or tables or Markdown one after another.
      --format json (default) prints the report as JSON; table a summary;
      markdown the whole report for a wiki; csv the fits table; csv-model the
      memory terms and the layer or parameter table.
      --catalog FILE uses an exported GPU catalog instead of the bundled one.
      --figure NAME prints one number instead: total, kv_tokens, states,
      states_per_param, host (bytes kept in host memory), model_weights (the
      weights on the GPU and in host memory) or a memory term's id (weights,
      kv_cache, …), in bytes (tokens for kv_tokens), as the calibration suite
      compares them.
  headroom-cli link FILE|- [--base URL]
      Print the app link that opens the scenario: the fragment, or
      BASE#fragment with --base (e.g. https://example.org/headroom/).
  headroom-cli place FILE|- [--format json|table] [--orders N] [--seed S] [--catalog FILE]
      Place the VMs of the scenario's cluster section (or of a bare cluster
      file) as vSphere would: each VM's host, GPU and position, the VMs that
      cannot start and why, stranded memory per GPU. --orders N also tries N
      random arrival orders (min / median / max siloed memory); --seed S
      makes them repeatable.
  headroom-cli deploy FILE|- [--format markdown|powercli|json] [--catalog FILE]
      Print the vSphere deployment sheet of the scenario's detailed option:
      VM settings (MMIO, firmware, reservation, vGPU profile), host checklist,
      release and device-limit checks. powercli writes a script that makes
      the VM settings; review it before running it.
  headroom-cli help | --help | --version

Exit codes: 0 success, 1 a file could not be read, 2 invalid scenario or arguments
(also a file that is not UTF-8 text, or is too large to be a headroom file).
The scenario format is described in docs/scenario.md.";

enum Failure {
    Io(String),
    Invalid(Vec<String>),
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args) {
        Ok(out) => {
            // A reader that stops early (`| head`) is not an error worth a panic.
            use std::io::Write;
            match writeln!(std::io::stdout().lock(), "{out}") {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("headroom-cli: could not write the output: {e}");
                    ExitCode::from(1)
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(Failure::Io(m)) => {
            eprintln!("headroom-cli: {m}");
            ExitCode::from(1)
        }
        Err(Failure::Invalid(lines)) => {
            for l in lines {
                eprintln!("headroom-cli: {l}");
            }
            ExitCode::from(2)
        }
    }
}

fn usage_error(m: impl Into<String>) -> Failure {
    Failure::Invalid(vec![
        m.into(),
        "run `headroom-cli --help` for usage".to_string(),
    ])
}

/// The text of a file (or of standard input for `-`), read no further than
/// `max` bytes: a larger file, or one that is not UTF-8 text, is refused (exit 2).
fn read_input(path: &str, max: usize) -> Result<String, Failure> {
    let mut bytes = Vec::new();
    let limit = max as u64 + 1;
    let read = if path == "-" {
        std::io::stdin().take(limit).read_to_end(&mut bytes)
    } else {
        std::fs::File::open(path).and_then(|f| f.take(limit).read_to_end(&mut bytes))
    };
    let name = if path == "-" { "standard input" } else { path };
    read.map_err(|e| Failure::Io(format!("{name} could not be read: {e}")))?;
    if bytes.len() > max {
        return Err(Failure::Invalid(vec![format!(
            "{name}: more than {} bytes; a headroom file is far smaller",
            sizing::units::group_digits(max as u64)
        )]));
    }
    String::from_utf8(bytes).map_err(|e| {
        Failure::Invalid(vec![format!(
            "{name}: not UTF-8 text (byte {} is not); a scenario or catalog is a JSON file",
            e.utf8_error().valid_up_to()
        )])
    })
}

fn invalid(source: &str, errors: &[FieldError]) -> Failure {
    Failure::Invalid(
        errors
            .iter()
            .map(|e| format!("{source}: invalid scenario: {e}"))
            .collect(),
    )
}

/// Options after the command's file argument.
struct Options {
    file: String,
    format: Option<String>,
    catalog: Option<String>,
    base: Option<String>,
    orders: Option<String>,
    seed: Option<String>,
    figure: Option<String>,
}

fn options(args: &[String], allowed: &[&str]) -> Result<Options, Failure> {
    let mut o = Options {
        file: String::new(),
        format: None,
        catalog: None,
        base: None,
        orders: None,
        seed: None,
        figure: None,
    };
    let mut file = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let flag = a.split_once('=').map_or(a.as_str(), |(f, _)| f);
        if flag.starts_with("--") {
            if !allowed.contains(&flag) {
                return Err(usage_error(format!("unknown option {flag}")));
            }
            let value = match a.split_once('=') {
                Some((_, v)) => v.to_string(),
                None => it
                    .next()
                    .cloned()
                    .ok_or_else(|| usage_error(format!("{flag} needs a value")))?,
            };
            let slot = match flag {
                "--format" => &mut o.format,
                "--catalog" => &mut o.catalog,
                "--orders" => &mut o.orders,
                "--seed" => &mut o.seed,
                "--figure" => &mut o.figure,
                _ => &mut o.base,
            };
            if slot.replace(value).is_some() {
                return Err(usage_error(format!("{flag} is given twice")));
            }
        } else if file.replace(a.clone()).is_some() {
            return Err(usage_error(format!(
                "one scenario file at a time; also got {a}"
            )));
        }
    }
    o.file = file.ok_or_else(|| usage_error("name a scenario file, or - for standard input"))?;
    Ok(o)
}

fn run(args: &[String]) -> Result<String, Failure> {
    let Some(command) = args.first() else {
        return Err(usage_error("name a command: size, link, place or deploy"));
    };
    // `headroom-cli size --help`: the usage, as for `headroom-cli --help`.
    if args[1..].iter().any(|a| a == "--help" || a == "-h") {
        return Ok(USAGE.to_string());
    }
    match command.as_str() {
        "help" | "--help" | "-h" => Ok(USAGE.to_string()),
        "--version" | "-V" => Ok(format!(
            "headroom-cli {} (scenario format {})",
            env!("CARGO_PKG_VERSION"),
            sizing::scenario::VERSION
        )),
        "size" => {
            let o = options(&args[1..], &["--format", "--catalog", "--figure"])?;
            let format = o.format.clone();
            let format = match format.as_deref() {
                None | Some("json") => "json",
                Some(f @ ("table" | "markdown" | "csv" | "csv-model")) => f,
                Some(other) => {
                    return Err(usage_error(format!(
                        "--format is json, table, markdown, csv or csv-model, not {other}"
                    )));
                }
            };
            let catalog = catalog(&o)?;
            let text = read_input(&o.file, MAX_FILE_BYTES)?;
            // A saved-scenarios file (the app's "Export all…"): every scenario.
            if is_list(&text) {
                if o.figure.is_some() || matches!(format, "csv" | "csv-model") {
                    return Err(usage_error(
                        "a saved-scenarios file: --figure and --format csv or csv-model take the file of one scenario; use json, table or markdown for the list",
                    ));
                }
                let reports = sized_list(&o.file, &text, &catalog)?;
                return Ok(match format {
                    "table" => reports
                        .iter()
                        .map(|r| format!("== {} ==\n{}", name_of(r), table::render(r).trim_end()))
                        .collect::<Vec<_>>()
                        .join("\n\n"),
                    "markdown" => reports
                        .iter()
                        .map(|r| export::markdown(r, None).trim_end().to_string())
                        .collect::<Vec<_>>()
                        .join("\n\n"),
                    _ => format!(
                        "[\n{}\n]",
                        reports
                            .iter()
                            .map(Report::to_json)
                            .collect::<Vec<_>>()
                            .join(",\n")
                    ),
                });
            }
            let report = sized_text(&o.file, &text, &catalog)?;
            if let Some(name) = &o.figure {
                if o.format.is_some() {
                    return Err(usage_error(
                        "--figure prints one number: leave out --format",
                    ));
                }
                use sizing::report::figure;
                return figure::figure(&report, name)
                    .map(|v| v.to_string())
                    .ok_or_else(|| {
                        let names: Vec<&str> = figure::NAMES
                            .into_iter()
                            .chain(figure::terms(&report))
                            .collect();
                        Failure::Invalid(vec![format!(
                            "the report has no figure {name:?}; its figures are {}",
                            names.join(", ")
                        )])
                    });
            }
            Ok(match format {
                "table" => table::render(&report),
                // The output ends with one line break, the one written after it.
                "markdown" => export::markdown(&report, None).trim_end().to_string(),
                "csv" => export::fits_csv(&report)
                    .unwrap_or_default()
                    .trim_end()
                    .to_string(),
                "csv-model" => export::model_csv(&report).trim_end().to_string(),
                _ => report.to_json(),
            })
        }
        "link" => {
            let o = options(&args[1..], &["--base"])?;
            let text = read_input(&o.file, MAX_FILE_BYTES)?;
            one_scenario(&o.file, &text, "link")?;
            let scenario = parse(&text).map_err(|e| invalid(&o.file, &[e]))?;
            let written = encoded(&AppState::from_scenario(&scenario));
            // The app refuses a longer link: say so rather than print one.
            if written.too_long() {
                return Err(Failure::Invalid(vec![format!(
                    "{}: the link would be {} bytes, more than the {} a headroom link can be; share the scenario file itself",
                    o.file,
                    sizing::units::group_digits(written.fragment.len() as u64),
                    sizing::units::group_digits(sizing::scenario::link::MAX_FRAGMENT_BYTES as u64)
                )]));
            }
            let fragment = written.fragment;
            Ok(match o.base {
                Some(base) => format!("{}#{fragment}", base.split('#').next().unwrap_or("")),
                None => fragment,
            })
        }
        "place" => {
            let o = options(&args[1..], &["--format", "--catalog", "--orders", "--seed"])?;
            let table = match o.format.as_deref() {
                None | Some("json") => false,
                Some("table") => true,
                Some(other) => {
                    return Err(usage_error(format!(
                        "--format is json or table, not {other}"
                    )));
                }
            };
            let catalog = catalog(&o)?;
            let text = read_input(&o.file, MAX_FILE_BYTES)?;
            one_scenario(&o.file, &text, "place")?;
            let mut cluster =
                sizing::place::parse(&text).map_err(|e| invalid_cluster(&o.file, &[e]))?;
            if let Some(n) = &o.orders {
                let max = sizing::place::MAX_ORDERS;
                cluster.orders = n.parse().ok().filter(|n| *n <= max).ok_or_else(|| {
                    usage_error(format!(
                        "--orders takes a whole number from 0 to {}, not {n}",
                        sizing::units::group_digits(u64::from(max))
                    ))
                })?;
            }
            if let Some(s) = &o.seed {
                cluster.seed = s
                    .parse()
                    .map_err(|_| usage_error(format!("--seed takes a whole number, not {s}")))?;
            }
            let r = sizing::place::simulate(&cluster, &catalog)
                .map_err(|errors| invalid_cluster(&o.file, &errors))?;
            Ok(if table {
                table::placement(&r, &catalog)
            } else {
                serde_json::to_string_pretty(&r).expect("a placement serializes")
            })
        }
        "deploy" => {
            let o = options(&args[1..], &["--format", "--catalog"])?;
            let catalog = catalog(&o)?;
            let report = sized(&o.file, &catalog)?;
            let Some(sheet) = &report.deploy else {
                return Err(Failure::Invalid(vec![format!(
                    "{}: no option to deploy (no GPU of the catalog is listed for it)",
                    o.file
                )]));
            };
            match o.format.as_deref() {
                None | Some("markdown") => Ok(sizing::vsphere::export::markdown(sheet)),
                Some("powercli") => Ok(sizing::vsphere::export::powercli(sheet)),
                Some("json") => {
                    Ok(serde_json::to_string_pretty(sheet).expect("a sheet serializes"))
                }
                Some(other) => Err(usage_error(format!(
                    "--format is markdown, powercli or json, not {other}"
                ))),
            }
        }
        other => Err(usage_error(format!(
            "unknown command {other}; the commands are size, link, place and deploy"
        ))),
    }
}

/// `--format table` (true) or json (false, the default).
fn catalog(o: &Options) -> Result<Catalog, Failure> {
    match &o.catalog {
        None => Ok(Catalog::bundled().clone()),
        Some(path) => Catalog::from_json(&read_input(path, MAX_CATALOG_BYTES)?)
            .map_err(|e| Failure::Invalid(vec![format!("{path}: not a usable GPU catalog: {e}")])),
    }
}

/// A cluster's problems; a scenario's other fields (a cluster section in a
/// scenario file) are the scenario's.
fn invalid_cluster(source: &str, errors: &[FieldError]) -> Failure {
    Failure::Invalid(
        errors
            .iter()
            .map(|e| {
                let what = if e.path.is_empty() || e.path.starts_with("cluster") {
                    "cluster"
                } else {
                    "scenario"
                };
                format!("{source}: invalid {what}: {e}")
            })
            .collect(),
    )
}

/// Refuses a saved-scenarios file where `command` takes one scenario.
fn one_scenario(file: &str, text: &str, command: &str) -> Result<(), Failure> {
    if is_list(text) {
        return Err(usage_error(format!(
            "{file} is a saved-scenarios file; {command} takes the file of one scenario (the app's Export on a scenario of the Saved page), and size takes the whole list"
        )));
    }
    Ok(())
}

/// Whether `text` is a saved-scenarios file (`"format": "headroom-scenarios"`).
fn is_list(text: &str) -> bool {
    serde_json::from_str::<serde_json::Value>(text.strip_prefix('\u{feff}').unwrap_or(text))
        .ok()
        .is_some_and(|v| v.get("format").is_some())
}

/// Every scenario of a saved-scenarios file, sized; an entry that cannot be
/// read or sized fails the whole with its place in the list.
fn sized_list(file: &str, text: &str, catalog: &Catalog) -> Result<Vec<Report>, Failure> {
    use sizing::scenario::store::{Entry, Library};
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let list = Library::read(text).map_err(|e| invalid(file, &[e]))?;
    let mut reports = Vec::new();
    for (i, entry) in list.entries().enumerate() {
        match entry {
            Entry::Saved(s) => reports.push(size(s, catalog).and_then(Report::complete).map_err(
                |errors| {
                    let errors: Vec<FieldError> = errors
                        .iter()
                        .map(|e| e.clone().under(&format!("scenarios[{i}]")))
                        .collect();
                    invalid(file, &errors)
                },
            )?),
            Entry::Unreadable { reason, .. } => {
                return Err(Failure::Invalid(vec![format!("{file}: {reason}")]));
            }
        }
    }
    Ok(reports)
}

/// A report's scenario name, or "(unnamed)".
fn name_of(r: &Report) -> &str {
    let n = r.scenario.name.trim();
    if n.is_empty() { "(unnamed)" } else { n }
}

/// The report of the scenario in `file`, for `deploy`.
fn sized(file: &str, catalog: &Catalog) -> Result<Report, Failure> {
    let text = read_input(file, MAX_FILE_BYTES)?;
    one_scenario(file, &text, "deploy")?;
    sized_text(file, &text, catalog)
}

/// The report of the scenario `text`, read from `file`.
fn sized_text(file: &str, text: &str, catalog: &Catalog) -> Result<Report, Failure> {
    let scenario = parse(text).map_err(|e| invalid(file, &[e]))?;
    size(&scenario, catalog)
        .and_then(Report::complete)
        .map_err(|errors| invalid(file, &errors))
}
