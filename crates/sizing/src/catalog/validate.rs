//! Consistency rules every catalog (bundled or imported) must meet.

use std::collections::HashSet;

use super::{Catalog, Gpu, Rate};

/// A rule a catalog entry breaks, naming the entry and field.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{path}: {message}")]
pub struct CatalogError {
    /// e.g. `gpus[10] (a100-pcie-40gb).mig.profiles[2] (1g.10gb).memory_slices`.
    pub path: String,
    pub message: String,
}

/// MiB in one GiB.
const MIB_PER_GIB: f64 = 1024.0;

/// Largest memory a GPU or a profile may claim, in GB (1 PiB): far above any
/// GPU, and small enough that every byte count derived from it fits a `u64`.
pub const MAX_MEMORY_GB: f64 = 1_048_576.0;

/// Smallest memory a GPU, profile or vGPU type may offer: 1 MiB. Less rounds
/// to an option that holds nothing.
pub const MIN_MEMORY_GB: f64 = 1.0 / MIB_PER_GIB;

/// Most GPUs on one board (an A16 carries 4).
pub const MAX_GPUS_PER_BOARD: u32 = 64;

struct Checker {
    errors: Vec<CatalogError>,
}

impl Checker {
    fn fail(&mut self, path: impl Into<String>, message: impl Into<String>) {
        self.errors.push(CatalogError {
            path: path.into(),
            message: message.into(),
        });
    }

    /// A positive figure within what a GPU can have (`unit` names it): a
    /// bandwidth of 1e-300 GB/s reads, but times a token in 10²⁹⁴ years.
    fn plausible(&mut self, path: &str, value: Option<f64>, range: (f64, f64), unit: &str) {
        let Some(v) = value else {
            return;
        };
        if !v.is_finite() || v <= 0.0 {
            self.fail(path, format!("must be a positive number, not {v}"));
        } else if !(range.0..=range.1).contains(&v) {
            self.fail(
                path,
                format!(
                    "{} {unit} is outside what a GPU has: {} to {} {unit}",
                    crate::input::number_text(v),
                    crate::input::number_text(range.0),
                    crate::input::number_text(range.1)
                ),
            );
        }
    }

    /// A memory size in GB: finite, at least 1 MiB, at most [`MAX_MEMORY_GB`].
    fn memory(&mut self, path: &str, value: f64) {
        if !value.is_finite() || value <= 0.0 {
            self.fail(path, format!("must be a positive number, not {value}"));
        } else if !(MIN_MEMORY_GB..=MAX_MEMORY_GB).contains(&value) {
            self.fail(
                path,
                format!("must be between 1 MiB and {MAX_MEMORY_GB} GB, not {value} GB"),
            );
        }
    }

    fn at_least_one(&mut self, path: &str, value: u32) {
        if value == 0 {
            self.fail(path, "must be at least 1");
        }
    }

    fn name(&mut self, path: &str, value: &str) {
        if value.trim().is_empty() {
            self.fail(path, "must not be empty");
        } else if value.chars().any(char::is_control) {
            self.fail(
                path,
                "must not hold line breaks, tabs or other control characters",
            );
        } else if value.chars().count() > MAX_NAME_CHARS {
            self.fail(path, format!("must be at most {MAX_NAME_CHARS} characters"));
        }
    }
}

impl Catalog {
    /// Check every rule; the first broken rule is returned (all are found by [`Catalog::problems`]).
    pub fn validate(&self) -> Result<(), CatalogError> {
        match self.problems().into_iter().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }

    /// Every broken rule, in file order.
    pub fn problems(&self) -> Vec<CatalogError> {
        let mut c = Checker { errors: Vec::new() };
        if self.gpus.is_empty() {
            c.fail("gpus", "the catalog has no GPUs");
        }
        let mut ids = HashSet::new();
        for (i, gpu) in self.gpus.iter().enumerate() {
            let at = format!("gpus[{i}] ({})", gpu.id);
            if gpu.id.trim().is_empty() {
                c.fail(format!("gpus[{i}].id"), "must not be empty");
            } else if !ids.insert(gpu.id.as_str()) {
                c.fail(format!("{at}.id"), format!("duplicate id '{}'", gpu.id));
            }
            check_gpu(&mut c, &at, gpu);
        }
        let mut source_ids = HashSet::new();
        for (i, s) in self.sources.iter().enumerate() {
            if !source_ids.insert(s.id.as_str()) {
                c.fail(
                    format!("sources[{i}].id"),
                    format!("duplicate id '{}'", s.id),
                );
            }
        }
        c.errors
    }
}

/// The longest name of a GPU, profile or type (the bundled catalog's longest
/// GPU name is under 80).
const MAX_NAME_CHARS: usize = 200;

/// Figures a GPU can have, far around the catalog's own (its memory bandwidths
/// run from 200 to 8,000 GB/s, its power from 60 to 1,000 W, its rates from the
/// M40's 0.213 TFLOPS of FP64 to the B200's 18,000 of sparse FP4).
const PLAUSIBLE_BANDWIDTH_GBPS: (f64, f64) = (1.0, 1_000_000.0);
const PLAUSIBLE_TDP_W: (f64, f64) = (1.0, 100_000.0);
const PLAUSIBLE_TFLOPS: (f64, f64) = (0.001, 10_000_000.0);

/// The most PCIe cards one NVLink bridge joins (4-way bridges are the largest sold).
const MAX_BRIDGE_GPUS: u32 = 8;

fn check_gpu(c: &mut Checker, at: &str, gpu: &Gpu) {
    c.name(&format!("{at}.name"), &gpu.name);
    c.memory(&format!("{at}.memory.size_gb"), gpu.memory.size_gb);
    c.plausible(
        &format!("{at}.memory.bandwidth_gbps"),
        gpu.memory.bandwidth_gbps,
        PLAUSIBLE_BANDWIDTH_GBPS,
        "GB/s",
    );
    c.plausible(&format!("{at}.tdp_w"), gpu.tdp_w, PLAUSIBLE_TDP_W, "W");
    c.plausible(
        &format!("{at}.nvlink.bandwidth_gbps"),
        gpu.nvlink.bandwidth_gbps,
        PLAUSIBLE_BANDWIDTH_GBPS,
        "GB/s",
    );
    if let Some(n) = gpu.nvlink.bridge_gpus
        && !(2..=MAX_BRIDGE_GPUS).contains(&n)
    {
        c.fail(
            format!("{at}.nvlink.bridge_gpus"),
            format!("must be 2 to {MAX_BRIDGE_GPUS} (the cards one bridge joins), not {n}"),
        );
    }
    c.at_least_one(&format!("{at}.gpus_per_board"), gpu.gpus_per_board);
    if gpu.gpus_per_board > MAX_GPUS_PER_BOARD {
        c.fail(
            format!("{at}.gpus_per_board"),
            format!(
                "must be at most {MAX_GPUS_PER_BOARD}, not {}",
                gpu.gpus_per_board
            ),
        );
    }
    for (table, rates) in [("dense", &gpu.perf.dense), ("sparse", &gpu.perf.sparse)] {
        for (name, rate) in rates.all() {
            if let Rate::Value(v) = rate {
                c.plausible(
                    &format!("{at}.perf.{table}.{name}"),
                    Some(v),
                    PLAUSIBLE_TFLOPS,
                    "TFLOPS",
                );
            }
        }
    }
    let gpu_mib = gpu.memory.size_gb * MIB_PER_GIB;
    let gpu_gb = gpu.memory.size_gb;

    if let Some(mig) = &gpu.mig {
        let m = format!("{at}.mig");
        if mig.memory_slices == 0 || mig.memory_slices > 8 {
            c.fail(
                format!("{m}.memory_slices"),
                format!("must be 1 to 8, not {}", mig.memory_slices),
            );
        }
        if mig.compute_slices == 0 || mig.compute_slices > 7 {
            c.fail(
                format!("{m}.compute_slices"),
                format!("must be 1 to 7, not {}", mig.compute_slices),
            );
        }
        if mig.max_instances == 0 || mig.max_instances > mig.compute_slices {
            c.fail(
                format!("{m}.max_instances"),
                format!(
                    "must be 1 to the {} compute slices, not {}",
                    mig.compute_slices, mig.max_instances
                ),
            );
        }
        let mut names = HashSet::new();
        for (j, p) in mig.profiles.iter().enumerate() {
            let pa = format!("{m}.profiles[{j}] ({})", p.name);
            c.name(&format!("{pa}.name"), &p.name);
            if !names.insert(p.name.as_str()) {
                c.fail(format!("{pa}.name"), "duplicate profile name");
            }
            c.memory(&format!("{pa}.memory_gb"), p.memory_gb);
            if p.memory_gb > gpu_gb {
                c.fail(
                    format!("{pa}.memory_gb"),
                    format!("{} GB is more than the GPU's {gpu_gb} GB", p.memory_gb),
                );
            }
            if p.memory_slices == 0 || p.memory_slices > mig.memory_slices {
                c.fail(
                    format!("{pa}.memory_slices"),
                    format!(
                        "{} is outside 1 to the GPU's {} memory slices",
                        p.memory_slices, mig.memory_slices
                    ),
                );
            }
            if p.compute_slices == 0 || p.compute_slices > mig.compute_slices {
                c.fail(
                    format!("{pa}.compute_slices"),
                    format!(
                        "{} is outside 1 to the GPU's {} compute slices",
                        p.compute_slices, mig.compute_slices
                    ),
                );
            }
            c.at_least_one(&format!("{pa}.max_instances"), p.max_instances);
            if u64::from(p.max_instances) * u64::from(p.memory_slices)
                > u64::from(mig.memory_slices)
            {
                c.fail(
                    format!("{pa}.max_instances"),
                    format!(
                        "{} instances of {} memory slices need more than the GPU's {}",
                        p.max_instances, p.memory_slices, mig.memory_slices
                    ),
                );
            }
            if u64::from(p.max_instances) * u64::from(p.compute_slices)
                > u64::from(mig.compute_slices)
            {
                c.fail(
                    format!("{pa}.max_instances"),
                    format!(
                        "{} instances of {} compute slices need more than the GPU's {}",
                        p.max_instances, p.compute_slices, mig.compute_slices
                    ),
                );
            }
            if p.start_slices.is_empty() {
                c.fail(
                    format!("{pa}.start_slices"),
                    "needs at least one start slice",
                );
            }
            for s in &p.start_slices {
                if u64::from(*s) + u64::from(p.memory_slices) > u64::from(mig.memory_slices) {
                    c.fail(
                        format!("{pa}.start_slices"),
                        format!(
                            "an instance at slice {s} would run past the GPU's {} memory slices",
                            mig.memory_slices
                        ),
                    );
                }
            }
            if let Some(u) = p.usable_gib {
                c.memory(&format!("{pa}.usable_gib"), u);
                if u > p.memory_gb {
                    c.fail(
                        format!("{pa}.usable_gib"),
                        format!("{u} GiB is more than the profile's {} GB", p.memory_gb),
                    );
                }
                if p.usable_basis.is_none() {
                    c.fail(
                        format!("{pa}.usable_basis"),
                        "say where usable_gib comes from",
                    );
                }
            }
            let usable_mib = p.usable_gib.unwrap_or(p.memory_gb) * MIB_PER_GIB;
            if p.reserve_mib as f64 >= usable_mib {
                c.fail(
                    format!("{pa}.reserve_mib"),
                    "the reserve takes the whole profile",
                );
            }
        }
    }

    let v = &gpu.vgpu;
    let mut names = HashSet::new();
    for (j, t) in v.time_sliced.iter().enumerate() {
        let ta = format!("{at}.vgpu.time_sliced[{j}] ({})", t.name);
        c.name(&format!("{ta}.name"), &t.name);
        if !names.insert(t.name.as_str()) {
            c.fail(format!("{ta}.name"), "duplicate vGPU type name");
        }
        c.memory(&format!("{ta}.memory_gb"), t.memory_gb);
        c.at_least_one(&format!("{ta}.max_per_gpu"), t.max_per_gpu);
        let fb = t
            .framebuffer_mib
            .map_or(t.memory_gb * MIB_PER_GIB, |f| f as f64);
        if fb < 1.0 {
            c.fail(format!("{ta}.framebuffer_mib"), "must be positive");
        }
        if fb > gpu_mib {
            c.fail(
                format!("{ta}.framebuffer_mib"),
                format!("{fb} MiB is more than the GPU's {gpu_mib} MiB"),
            );
        }
        if fb * f64::from(t.max_per_gpu) > gpu_mib {
            c.fail(
                format!("{ta}.max_per_gpu"),
                format!(
                    "{} × {fb} MiB is more than the GPU's {gpu_mib} MiB",
                    t.max_per_gpu
                ),
            );
        }
        if let Some(mixed) = t.max_per_gpu_mixed
            && mixed > t.max_per_gpu
        {
            c.fail(
                format!("{ta}.max_per_gpu_mixed"),
                format!(
                    "{mixed} is more than the equal-size maximum {}",
                    t.max_per_gpu
                ),
            );
        }
        for id in &t.placement_ids {
            if f64::from(*id) + t.memory_gb > gpu_gb + 1.0 {
                c.fail(
                    format!("{ta}.placement_ids"),
                    format!(
                        "a {} GB vGPU at placement {id} runs past the GPU's {gpu_gb} GB",
                        t.memory_gb
                    ),
                );
            }
        }
        // What the vGPU manager keeps of the profile, and ECC's 1/16 on GDDR.
        let kept = super::fit::vgpu_reserved_mib(fb as u64, t.max_per_gpu) as f64;
        if t.reserve_mib as f64 >= fb {
            c.fail(
                format!("{ta}.reserve_mib"),
                "the reserve takes the whole framebuffer",
            );
        } else if fb >= 1.0 && fb * 15.0 / 16.0 <= kept + t.reserve_mib as f64 {
            c.fail(
                format!("{ta}.framebuffer_mib"),
                format!(
                    "{fb} MiB leaves nothing once the vGPU manager keeps {kept} MiB of it ({fb} ÷ 16 + 16 + 128 ÷ {} vGPUs per GPU), with ECC's 1/16 and the reserve",
                    t.max_per_gpu.max(1)
                ),
            );
        }
    }
    for (j, t) in v.mig_backed.iter().enumerate() {
        let ta = format!("{at}.vgpu.mig_backed[{j}] ({})", t.name);
        c.name(&format!("{ta}.name"), &t.name);
        if !names.insert(t.name.as_str()) {
            c.fail(format!("{ta}.name"), "duplicate vGPU type name");
        }
        c.memory(&format!("{ta}.memory_gb"), t.memory_gb);
        c.at_least_one(&format!("{ta}.max_per_gpu"), t.max_per_gpu);
        c.at_least_one(&format!("{ta}.vgpus_per_instance"), t.vgpus_per_instance);
        match gpu.mig_profile(&t.gpu_instance) {
            None => c.fail(
                format!("{ta}.gpu_instance"),
                format!("no MIG profile '{}' on this GPU", t.gpu_instance),
            ),
            Some(p) => {
                let most = u64::from(p.max_instances) * u64::from(t.vgpus_per_instance);
                if u64::from(t.max_per_gpu) > most {
                    c.fail(
                        format!("{ta}.max_per_gpu"),
                        format!(
                            "{} is more than {} instances × {} vGPUs each",
                            t.max_per_gpu, p.max_instances, t.vgpus_per_instance
                        ),
                    );
                }
                let fb = t
                    .framebuffer_mib
                    .map_or(t.memory_gb * MIB_PER_GIB, |f| f as f64);
                if fb < 1.0 {
                    c.fail(format!("{ta}.framebuffer_mib"), "must be positive");
                }
                // What the vGPU holds: its framebuffer, or its instance's usable memory.
                let holds = match t.framebuffer_mib {
                    Some(f) => f as f64,
                    None => p.usable_gib.unwrap_or(p.memory_gb) * MIB_PER_GIB,
                };
                if t.reserve_mib as f64 >= holds {
                    c.fail(
                        format!("{ta}.reserve_mib"),
                        "the reserve takes the whole framebuffer",
                    );
                }
                if fb * f64::from(t.vgpus_per_instance) > gpu_mib {
                    c.fail(
                        format!("{ta}.framebuffer_mib"),
                        format!(
                            "{} × {fb} MiB is more than the GPU's {gpu_mib} MiB",
                            t.vgpus_per_instance
                        ),
                    );
                }
            }
        }
    }
}
