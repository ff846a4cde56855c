//! The user's own GPUs: hosts of one GPU model each, written as people say it
//! ("4 × L40S per host, 6 hosts"), and the answer on each: the smallest option of
//! that GPU that holds the workload, or how many of them it takes split and how,
//! or how far one falls short and what would make it fit.

use serde::{Deserialize, Serialize};

use crate::catalog::{
    Catalog, Demand, DeploymentMode, FitOption, FitSettings, FitStatus, Gpu, Layout, Rounding,
    fewest_gpus, fit, nvlink_group, rounding, with_margin,
};
use crate::input::clip;
use crate::scenario::FieldError;

/// The fleet's path in a scenario.
pub const FLEET: &str = "deployment.fleet";
/// Host types a fleet may list.
pub const MAX_HOST_TYPES: usize = 8;
/// GPUs one host may carry.
pub const MAX_GPUS_PER_HOST: u32 = 64;
/// Hosts of one type.
pub const MAX_HOSTS: u32 = 100_000;

/// Hosts of one kind: `hosts` hosts with `gpus_per_host` GPUs of model `gpu`
/// (a catalog id, or a name that means one GPU of the catalog: "L40S", "H100 SXM").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostType {
    pub gpu: String,
    pub gpus_per_host: u32,
    pub hosts: u32,
}

/// Reads a fleet: host types separated by `;` or new lines, each
/// `[count ×] GPU [per host][, N hosts]` ("4 × L40S per host, 6 hosts",
/// "8x H100 SXM", "A10"). The count defaults to 1 GPU per host, the hosts to 1.
pub fn parse(text: &str) -> Result<Vec<HostType>, FieldError> {
    let entries: Vec<&str> = text
        .split([';', '\n'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    if entries.len() > MAX_HOST_TYPES {
        return Err(FieldError::new(
            FLEET,
            format!(
                "List at most {MAX_HOST_TYPES} kinds of host; this lists {}.",
                entries.len()
            ),
        ));
    }
    entries
        .iter()
        .map(|e| entry(e).map_err(|m| FieldError::new(FLEET, m)))
        .collect()
}

/// One host type, or why its text is not one.
fn entry(text: &str) -> Result<HostType, String> {
    let quoted = clip(text, 60);
    // Keywords are matched in ASCII lower case, which keeps byte offsets, so the
    // GPU's name is kept as it was written.
    let t = text.trim();
    let lower = t.to_ascii_lowercase();
    // ", 6 hosts" (or ", 1,000 hosts") at the end.
    let (head_end, hosts) = match hosts_clause(&lower) {
        Some((comma, n)) => (
            comma,
            count(&n.replace(',', ""), "hosts", MAX_HOSTS, &quoted)?,
        ),
        // ", many hosts": a count that is not a number.
        None if lower.contains(',') && (lower.ends_with("host") || lower.ends_with("hosts")) => {
            return Err(format!(
                "In '{quoted}': hosts must be a whole number from 1 to {}.",
                crate::units::group_digits(u64::from(MAX_HOSTS))
            ));
        }
        None if lower.contains(',') => {
            return Err(format!(
                "In '{quoted}': after the comma, say how many hosts, e.g. \", 6 hosts\"."
            ));
        }
        None => (t.len(), 1),
    };
    let head_lower = lower[..head_end].trim_end();
    let head_lower = head_lower
        .strip_suffix("per host")
        .or_else(|| head_lower.strip_suffix("/host"))
        .unwrap_or(head_lower)
        .trim_end();
    let head = &t[..head_lower.len()];
    // "-4 × L40S": a negative count, not part of the GPU's name.
    if let Some(rest) = head.strip_prefix('-')
        && rest.trim_start().starts_with(|c: char| c.is_ascii_digit())
    {
        return Err(format!(
            "In '{quoted}': GPUs per host must be a whole number from 1 to {MAX_GPUS_PER_HOST}."
        ));
    }
    // "4 × L40S", "4x L40S", "4 * L40S", "4 L40S"; "4090" is a name.
    let digits = head.chars().take_while(char::is_ascii_digit).count();
    let after = &head[digits..];
    let sep = after.trim_start();
    let marked = sep
        .strip_prefix('×')
        .or_else(|| sep.strip_prefix('*'))
        .or_else(|| sep.strip_prefix("x ").or_else(|| sep.strip_prefix("X ")));
    let (per_host, name) = match marked {
        Some(rest) if digits > 0 => (
            count(&head[..digits], "GPUs per host", MAX_GPUS_PER_HOST, &quoted)?,
            rest,
        ),
        _ if digits > 0 && after.starts_with(char::is_whitespace) => (
            count(&head[..digits], "GPUs per host", MAX_GPUS_PER_HOST, &quoted)?,
            sep,
        ),
        _ => (1, head),
    };
    let name = name.trim();
    if name.is_empty() {
        return Err(format!(
            "In '{quoted}': name the GPU, e.g. \"4 × L40S per host, 6 hosts\"."
        ));
    }
    Ok(HostType {
        gpu: name.to_string(),
        gpus_per_host: per_host,
        hosts,
    })
}

/// The ", N hosts" at the end of an entry (in lower case): the separating
/// comma's offset and N as written, its digits perhaps grouped in thousands
/// ("1,000"); a name's own digits stay the name's ("4 × L4,6 hosts": 6 hosts).
fn hosts_clause(lower: &str) -> Option<(usize, &str)> {
    let body = lower
        .strip_suffix("hosts")
        .or_else(|| lower.strip_suffix("host"))?
        .trim_end();
    let bytes = body.as_bytes();
    // Where the run of digits that ends at `end` starts.
    let run = |end: usize| {
        let mut i = end;
        while i > 0 && bytes[i - 1].is_ascii_digit() {
            i -= 1;
        }
        i
    };
    let mut start = run(body.len());
    if start == body.len() {
        return None;
    }
    // Groups of three behind a comma, back to a first group of one to three
    // digits that starts a word (after a comma, a space or nothing).
    let mut group = body.len() - start;
    while group == 3 && start >= 2 && bytes[start - 1] == b',' {
        let first = run(start - 1);
        let n = start - 1 - first;
        let starts_word =
            first == 0 || bytes[first - 1] == b',' || bytes[first - 1].is_ascii_whitespace();
        if n == 0 || n > 3 || !starts_word {
            break;
        }
        start = first;
        group = n;
    }
    let comma = body[..start].trim_end().strip_suffix(',')?.len();
    Some((comma, &body[start..]))
}

fn count(text: &str, what: &str, max: u32, quoted: &str) -> Result<u32, String> {
    match text.trim().parse::<u32>() {
        Ok(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "In '{quoted}': {what} must be a whole number from 1 to {}.",
            crate::units::group_digits(u64::from(max))
        )),
    }
}

/// The fleet as the field shows it, host types apart by "; " (the field is
/// one line: a line break would be lost in it).
pub fn text(fleet: &[HostType]) -> String {
    fleet
        .iter()
        .map(|h| {
            let hosts = if h.hosts == 1 {
                String::new()
            } else {
                format!(", {} hosts", h.hosts)
            };
            format!("{} × {} per host{hosts}", h.gpus_per_host, h.gpu)
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// Lower-case letters and digits only, "nvidia" dropped: "NVIDIA H100 SXM5 80GB" → "h100sxm580gb".
fn squash(s: &str) -> String {
    s.to_lowercase()
        .replace("nvidia", "")
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// Whether `word` appears in `text` (its id or name) starting where one of its
/// words starts: "sxm" and "h100sxm" are in "NVIDIA H100 SXM5 80GB", "b" and
/// "x" are not (they are only inside "80GB" and "SXM5").
fn at_word_start(text: &str, word: &str) -> bool {
    let lower = text.to_lowercase().replace("nvidia", "");
    let mut joined = String::new();
    let mut starts = Vec::new();
    for w in lower
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
    {
        starts.push(joined.len());
        joined.push_str(w);
    }
    joined.match_indices(word).any(|(i, _)| starts.contains(&i))
}

/// The catalog GPU `name` means: its id or name exactly, else the only GPU whose
/// id or name has every word of it, each where one of its own words starts.
pub fn resolve<'a>(name: &str, catalog: &'a Catalog) -> Result<&'a Gpu, String> {
    let q = squash(name);
    if let Some(g) = catalog
        .gpus
        .iter()
        .find(|g| squash(&g.id) == q || squash(&g.name) == q)
    {
        return Ok(g);
    }
    let words: Vec<String> = name
        .to_lowercase()
        .replace("nvidia", "")
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let matches: Vec<&Gpu> = catalog
        .gpus
        .iter()
        .filter(|g| {
            !words.is_empty()
                && words
                    .iter()
                    .all(|w| at_word_start(&g.id, w) || at_word_start(&g.name, w))
        })
        .collect();
    match matches.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "'{}' is not a GPU of the catalog; name it as the GPU catalog page does, e.g. L40S, A100 PCIe 80GB, H100 SXM.",
            clip(name, 40)
        )),
        many => Err(format!(
            "'{}' could be {}; say which.",
            clip(name, 40),
            many.iter()
                .take(6)
                .map(|g| g.name.trim_start_matches("NVIDIA ").to_string())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Checks a fleet against `catalog`: every GPU named resolves, every count is in range.
pub fn check(fleet: &[HostType], catalog: &Catalog) -> Result<(), FieldError> {
    if fleet.len() > MAX_HOST_TYPES {
        return Err(FieldError::new(
            FLEET,
            format!("List at most {MAX_HOST_TYPES} kinds of host."),
        ));
    }
    for (i, h) in fleet.iter().enumerate() {
        // Which kind of host, where there are several.
        let at = |m: String| {
            let m = if fleet.len() > 1 {
                format!("Host kind {} of {}: {m}", i + 1, fleet.len())
            } else {
                m
            };
            FieldError::new(FLEET, m)
        };
        // The field writes a fleet as text: a name must read back as itself.
        if h.gpu.contains([',', ';', '\n']) {
            return Err(at(format!(
                "'{}': name the GPU without commas or semicolons.",
                clip(&h.gpu, 40)
            )));
        }
        let gpu = resolve(&h.gpu, catalog).map_err(at)?;
        let most = gpu.per_host(u32::MAX);
        if gpu.arm_host() && h.gpus_per_host > most {
            return Err(at(format!(
                "{}: a Grace Hopper server holds at most {most} superchips (GH200 NVL2).",
                clip(&h.gpu, 40)
            )));
        }
        if !(1..=MAX_GPUS_PER_HOST).contains(&h.gpus_per_host)
            || !(1..=MAX_HOSTS).contains(&h.hosts)
        {
            return Err(at(format!(
                "{}: 1 to {MAX_GPUS_PER_HOST} GPUs per host and 1 to {MAX_HOSTS} hosts.",
                clip(&h.gpu, 40)
            )));
        }
    }
    Ok(())
}

/// What would make the workload fit on one GPU of a kind.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Fix {
    /// What to change, e.g. "FP8 weights", "activation checkpointing".
    pub change: String,
    /// The demand after the change, one copy, bytes.
    pub total: u64,
    /// The same with the margin.
    pub needed: u64,
    /// Whether it then fits one GPU with the margin.
    pub fits: bool,
}

/// The answer on one kind of the user's hosts.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FleetAnswer {
    pub gpu_id: String,
    pub gpu_name: String,
    pub gpus_per_host: u32,
    pub hosts: u32,
    /// The whole GPU as the workload can use it, bytes.
    pub capacity: u64,
    /// The demand with the margin, one copy, bytes.
    pub needed: u64,
    /// The smallest option of this GPU that holds one copy (a full GPU, a MIG
    /// instance or a vGPU type), with its copies per GPU.
    pub one: Option<FitOption>,
    /// Copies of the workload the fleet's GPUs of this kind hold (with `one`, or split).
    pub copies: u32,
    /// Too big for one GPU: the GPUs one copy takes, split evenly, and how.
    pub split: Option<Split>,
    /// Whether more GPUs can share the demand (not so for a demand stated per GPU).
    pub splits: bool,
    /// GPUs one copy runs on as the scenario sets it ([`Demand::copy_gpus`]).
    pub copy_gpus: u32,
    /// Bytes one GPU is short of holding one copy (with the margin); 0 when it holds it.
    pub short_by: u64,
    /// Changes of the workload and whether each would make it fit one GPU.
    pub fixes: Vec<Fix>,
}

/// One copy split over several GPUs of one kind.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Split {
    pub layout: Layout,
    /// The fewest GPUs that would hold it split evenly.
    pub fewest: u32,
    /// Why the layout takes more GPUs than that, when it does.
    pub rounding: Option<Rounding>,
    /// Bytes on each GPU.
    pub per_gpu: u64,
    /// Whether the fleet's hosts of this kind have enough GPUs for one copy.
    pub in_fleet: bool,
}

/// The answer on each host type of `fleet` (which [`check`] has passed). The
/// catalog's filters do not apply: the user's GPUs are answered for whatever the
/// list shows. `variants` gives changes of the workload with their demands, tried
/// when one GPU is too small.
pub fn answer(
    fleet: &[HostType],
    catalog: &Catalog,
    demand: &Demand,
    settings: &FitSettings,
    variants: impl Fn() -> Vec<(String, Demand)>,
) -> Vec<FleetAnswer> {
    // Computed once, and only when some GPU is too small.
    let mut tried: Option<Vec<(String, Demand)>> = None;
    fleet
        .iter()
        .filter_map(|h| {
            let gpu = resolve(&h.gpu, catalog).ok()?;
            let one_gpu = Catalog {
                schema_version: catalog.schema_version,
                description: String::new(),
                gpus: vec![gpu.clone()],
                sources: Vec::new(),
            };
            let s = FitSettings {
                cards_per_host: h.gpus_per_host.div_ceil(gpu.gpus_per_board.max(1)),
                architectures: Vec::new(),
                form_classes: Vec::new(),
                modes: Vec::new(),
                ..settings.clone()
            };
            let fits = fit(&one_gpu, demand, &s);
            let full = fits
                .options
                .iter()
                .find(|o| o.mode == DeploymentMode::Passthrough)?;
            let capacity = full.capacity;
            let one = fits
                .options
                .iter()
                .find(|o| o.status == FitStatus::Fits)
                .cloned();
            let (copies, split) = match &one {
                // Whole sets of a copy's devices in each host, each device on a
                // GPU of its own: none where a host has fewer GPUs than a copy
                // takes (a VM cannot span hosts).
                Some(_) if h.gpus_per_host < demand.copy_gpus => (0, None),
                Some(o) => (
                    (o.per_gpu.saturating_mul(h.gpus_per_host) / demand.copy_gpus.max(1))
                        .saturating_mul(h.hosts),
                    None,
                ),
                // A copy the scenario already spreads over several GPUs is not split further.
                None if demand.copy_gpus > 1 => (0, None),
                None => {
                    let n = fewest_gpus(
                        demand,
                        capacity,
                        settings.margin_percent,
                        h.gpus_per_host,
                        gpu.nvswitch(),
                        nvlink_group(gpu, h.gpus_per_host),
                    );
                    match n {
                        Some((fewest, l)) => {
                            let per_copy = l.gpus();
                            let copies = if l.hosts == 1 {
                                (h.gpus_per_host / per_copy).saturating_mul(h.hosts)
                            } else {
                                h.hosts / l.hosts
                            };
                            (
                                copies,
                                Some(Split {
                                    layout: l,
                                    fewest,
                                    rounding: rounding(
                                        demand,
                                        fewest,
                                        l,
                                        h.gpus_per_host,
                                        gpu.nvswitch(),
                                    ),
                                    per_gpu: demand
                                        .per_gpu_in(l, nvlink_group(gpu, h.gpus_per_host)),
                                    in_fleet: copies > 0,
                                }),
                            )
                        }
                        None => (0, None),
                    }
                }
            };
            let needed = with_margin(demand.total, settings.margin_percent);
            let short_by = needed.saturating_sub(capacity);
            let fixes = if short_by > 0 {
                tried
                    .get_or_insert_with(&variants)
                    .iter()
                    .map(|(change, d)| Fix {
                        change: change.clone(),
                        total: d.total,
                        needed: with_margin(d.total, settings.margin_percent),
                        fits: with_margin(d.total, settings.margin_percent) <= capacity,
                    })
                    .collect()
            } else {
                Vec::new()
            };
            Some(FleetAnswer {
                gpu_id: gpu.id.clone(),
                gpu_name: gpu.name.clone(),
                gpus_per_host: h.gpus_per_host,
                hosts: h.hosts,
                capacity,
                needed,
                one,
                copies,
                split,
                splits: demand.replicated < demand.total,
                copy_gpus: demand.copy_gpus.max(1),
                short_by,
                fixes,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    // Native only: proptest is not a dependency of the wasm test build.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        /// Any text, "hosts" and grouped digits and multi-byte characters
        /// among it, reads as a fleet or a message: never a panic.
        #[test]
        fn any_text_reads_or_says_why(
            t in "[0-9,×x* ;A-Za-z\\-é€]{0,40}( hosts?)?"
        ) {
            let _ = parse(&t);
        }
    }

    fn host(gpu: &str, gpus_per_host: u32, hosts: u32) -> HostType {
        HostType {
            gpu: gpu.into(),
            gpus_per_host,
            hosts,
        }
    }

    #[test]
    fn fleets_read_as_people_write_them() {
        assert_eq!(
            parse("4 × L40S per host, 6 hosts"),
            Ok(vec![host("L40S", 4, 6)])
        );
        assert_eq!(parse("8x H100 SXM"), Ok(vec![host("H100 SXM", 8, 1)]));
        assert_eq!(parse("2 * A10 per host"), Ok(vec![host("A10", 2, 1)]));
        assert_eq!(parse("4 A10/host, 1 host"), Ok(vec![host("A10", 4, 1)]));
        assert_eq!(parse("A10, 3 hosts"), Ok(vec![host("A10", 1, 3)]));
        assert_eq!(parse("4090"), Ok(vec![host("4090", 1, 1)]));
        assert_eq!(
            parse("4 × L40S per host, 6 hosts; 8 x H100 SXM per host, 2 hosts\n"),
            Ok(vec![host("L40S", 4, 6), host("H100 SXM", 8, 2)])
        );
        assert_eq!(parse("  "), Ok(vec![]));
        let two = [host("L40S", 4, 6), host("A10", 1, 1)];
        assert_eq!(parse(&text(&two)), Ok(two.to_vec()));
        let err = |t: &str| parse(t).unwrap_err().message;
        assert_eq!(
            err("0 × L40S"),
            "In '0 × L40S': GPUs per host must be a whole number from 1 to 64."
        );
        assert_eq!(
            err("-4 × L40S per host, 6 hosts"),
            "In '-4 × L40S per host, 6 hosts': GPUs per host must be a whole number from 1 to 64."
        );
        assert_eq!(
            err("4 × L40S, many hosts"),
            "In '4 × L40S, many hosts': hosts must be a whole number from 1 to 100,000."
        );
        assert_eq!(
            err("4 × L40S, 6"),
            "In '4 × L40S, 6': after the comma, say how many hosts, e.g. \", 6 hosts\"."
        );
        assert_eq!(
            err("4 ×"),
            "In '4 ×': name the GPU, e.g. \"4 × L40S per host, 6 hosts\"."
        );
        assert!(err(&"A10;".repeat(9)).starts_with("List at most 8 kinds of host"));
        // Hosts written with grouped digits; host types apart by "; " as the field shows them.
        assert_eq!(
            parse("4 × L40S, 1,000 hosts"),
            Ok(vec![host("L40S", 4, 1000)])
        );
        assert_eq!(
            parse("4 × L40S,1,000 hosts"),
            Ok(vec![host("L40S", 4, 1000)])
        );
        // A name ending in digits keeps them.
        assert_eq!(parse("4 × L4,6 hosts"), Ok(vec![host("L4", 4, 6)]));
        assert_eq!(parse("4 × A16,2 hosts"), Ok(vec![host("A16", 4, 2)]));
        assert_eq!(parse("2 × A10,1,000 hosts"), Ok(vec![host("A10", 2, 1000)]));
        assert_eq!(parse("2 × A10,100 hosts"), Ok(vec![host("A10", 2, 100)]));
        assert_eq!(
            err("2 × A10, 1,000,000 hosts"),
            "In '2 × A10, 1,000,000 hosts': hosts must be a whole number from 1 to 100,000."
        );
        assert_eq!(text(&two), "4 × L40S per host, 6 hosts; 1 × A10 per host");
        assert_eq!(
            parse(&format!("{} × A10", u64::MAX)).unwrap_err().path,
            FLEET
        );
    }

    #[test]
    fn names_resolve_to_one_catalog_gpu_or_say_which() {
        let c = Catalog::bundled();
        assert_eq!(resolve("L40S", c).map(|g| g.id.as_str()), Ok("l40s"));
        assert_eq!(resolve("l40", c).map(|g| g.id.as_str()), Ok("l40"));
        assert_eq!(
            resolve("NVIDIA A100 PCIe 80GB", c).map(|g| g.id.as_str()),
            Ok("a100-pcie-80gb")
        );
        assert_eq!(
            resolve("h100 sxm", c).map(|g| g.id.as_str()),
            Ok("h100-sxm5-80gb")
        );
        assert!(resolve("a100", c).unwrap_err().contains("could be"));
        assert_eq!(
            resolve("h100sxm", c).map(|g| g.id.as_str()),
            Ok("h100-sxm5-80gb")
        );
        // A letter inside "80GB" or "SXM5" names no GPU.
        assert!(
            resolve("x", c)
                .unwrap_err()
                .contains("is not a GPU of the catalog")
        );
        assert!(!resolve("b", c).unwrap_err().contains("M40"));
        assert!(
            resolve("voodoo2", c)
                .unwrap_err()
                .contains("is not a GPU of the catalog")
        );
        assert!(check(&[host("L40S", 4, 6)], c).is_ok());
        assert!(
            check(&[host("L40S, PCIe", 4, 6)], c)
                .unwrap_err()
                .message
                .contains("without commas")
        );
        assert!(check(&[host("L40S", 0, 6)], c).is_err());
        assert!(check(&[host("L40S", 4, 0)], c).is_err());
        // A Grace Hopper server holds one or two superchips.
        assert!(check(&[host("GH200 96GB", 2, 2)], c).is_ok());
        assert_eq!(
            check(&[host("GH200 96GB", 4, 2)], c).unwrap_err().message,
            "GH200 96GB: a Grace Hopper server holds at most 2 superchips (GH200 NVL2)."
        );
    }

    #[test]
    fn the_answer_on_each_host_type() {
        let c = Catalog::bundled();
        let s = FitSettings::default();
        // 100 GB, 1 GB of it on every GPU: no L40S (48 GB, 45 GB with ECC) holds it.
        let heads = Some(crate::catalog::Heads { query: 64, kv: 8 });
        let big = Demand {
            heads,
            ..Demand::new(100_000_000_000, 1_000_000_000)
        };
        let fp8 = Demand::new(40_000_000_000, 1_000_000_000);
        let fleet = [host("L40S", 4, 6)];
        let a = answer(&fleet, c, &big, &s, || vec![("FP8 weights".into(), fp8)]);
        assert_eq!(a.len(), 1);
        let l40s = &a[0];
        assert_eq!(l40s.gpu_id, "l40s");
        assert!(l40s.one.is_none());
        // 48 GiB less 1/16 for ECC = 48,318,382,080 B; 100 GB + 10 % = 110 GB.
        assert_eq!(l40s.capacity, 48 * (1 << 30) / 16 * 15);
        assert_eq!(
            l40s.short_by,
            with_margin(100_000_000_000, 10.0) - l40s.capacity
        );
        // (1 + 99/n) GB × 1.1 ≤ 48.32 GB from n = 3; 3 does not divide 64 heads: 4.
        let split = l40s.split.as_ref().unwrap();
        assert_eq!(split.layout, Layout::model(4, 1, 1));
        assert_eq!(split.per_gpu, 1_000_000_000 + 24_750_000_000);
        assert_eq!(split.fewest, 3);
        assert_eq!(l40s.copies, 6, "one copy per host of 4");
        assert_eq!(
            l40s.fixes,
            vec![Fix {
                change: "FP8 weights".into(),
                total: 40_000_000_000,
                needed: 44_000_000_000,
                fits: true
            }]
        );
        // A workload that fits one L40S: the smallest option and copies over 24 GPUs.
        let small = Demand::new(20_000_000_000, 1_000_000_000);
        let a = answer(&fleet, c, &small, &s, Vec::new);
        let one = a[0].one.as_ref().unwrap();
        assert_eq!(one.gpu_id, "l40s");
        assert_eq!(a[0].copies, one.per_gpu * 24);
        assert_eq!(a[0].short_by, 0);
        assert!(a[0].fixes.is_empty());
    }
}
