//! Placement: can a cluster start these VMs, and what does it strand? A model of
//! how vSphere places vGPU and MIG VMs (F. Denneman, "Architecting AI
//! Infrastructure" parts 4–8, 2026):
//!
//! - DRS puts a VM on the host with the fewest VMs among those that can take it
//!   (Best Performance spreads across hosts).
//! - Same-size vGPU mode: the first vGPU locks a GPU to its framebuffer size until
//!   it is empty; the host's assignment policy picks the GPU: *spread* (the GPU
//!   with the fewest vGPUs) or *group* (fill a GPU before the next).
//! - Mixed-size mode (8.0 U3): any sizes share a GPU, each starting at one of its
//!   type's placement IDs (the lowest free one), up to the type's mixed-size count.
//! - MIG: the first GPU that can take the instance; of its allowed start slices
//!   the one that keeps the largest profile placeable (then the most placements,
//!   then the highest start). Instances never move. A MIG GPU serves no full GPU.
//! - Full GPUs (passthrough): an empty GPU not in MIG mode.
//!
//! Sizes are nominal GB, as profile names count them (A100D-10C = 10 GB).
//! Nothing ever leaves, so a VM that cannot start now cannot start later either.

pub mod form;
pub mod monte_carlo;
#[cfg(test)]
mod tests;

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, Gpu};
use crate::scenario::FieldError;

/// Most hosts one cluster may describe.
pub const MAX_HOSTS: u32 = 10_000;
/// Most GPUs per host.
pub const MAX_GPUS_PER_HOST: u32 = 16;
/// Most VMs one run places.
pub const MAX_VMS: u64 = 1_000_000;
/// Most random orders of one Monte Carlo run.
pub const MAX_ORDERS: u32 = 100_000;
const MAX_LINES: usize = 256;

/// The vGPU mode of a group's GPUs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GpuMode {
    #[default]
    SameSize,
    MixedSize,
    Mig,
}

impl GpuMode {
    pub const ALL: [GpuMode; 3] = [GpuMode::SameSize, GpuMode::MixedSize, GpuMode::Mig];
    pub fn id(self) -> &'static str {
        match self {
            GpuMode::SameSize => "same_size",
            GpuMode::MixedSize => "mixed_size",
            GpuMode::Mig => "mig",
        }
    }
    pub fn from_id(id: &str) -> Option<GpuMode> {
        GpuMode::ALL.into_iter().find(|m| m.id() == id)
    }
    pub fn label(self) -> &'static str {
        match self {
            GpuMode::SameSize => "vGPU, same size",
            GpuMode::MixedSize => "vGPU, mixed size",
            GpuMode::Mig => "MIG",
        }
    }
}

/// The host's GPU assignment policy (same-size mode only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// "Spread VMs across GPUs" (Best Performance): the GPU with the fewest vGPUs.
    #[default]
    Spread,
    /// "Group VMs on GPU until full" (GPU consolidation).
    Group,
}

impl Policy {
    pub const ALL: [Policy; 2] = [Policy::Spread, Policy::Group];
    pub fn id(self) -> &'static str {
        match self {
            Policy::Spread => "spread",
            Policy::Group => "group",
        }
    }
    pub fn from_id(id: &str) -> Option<Policy> {
        Policy::ALL.into_iter().find(|m| m.id() == id)
    }
    pub fn label(self) -> &'static str {
        match self {
            Policy::Spread => "Spread (Best Performance)",
            Policy::Group => "Group (GPU consolidation)",
        }
    }
}

/// Hosts of one kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HostGroup {
    pub name: String,
    pub hosts: u32,
    /// Catalog GPU id.
    pub gpu: String,
    pub gpus_per_host: u32,
    pub mode: GpuMode,
    pub policy: Policy,
}

impl Default for HostGroup {
    fn default() -> HostGroup {
        HostGroup {
            name: String::new(),
            hosts: 1,
            gpu: "a100-pcie-80gb".into(),
            gpus_per_host: 2,
            mode: GpuMode::SameSize,
            policy: Policy::Spread,
        }
    }
}

/// VMs asking for one profile, in arrival order after the lines before.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Request {
    /// A vGPU type ("A100D-10C"), its size ("10C"), a MIG profile ("3g.40gb"), a
    /// MIG-backed type ("A100D-3-40C") or "passthrough".
    pub profile: String,
    pub count: u32,
    /// Devices each VM takes, each on a GPU of its own, all in one host (a VM
    /// cannot span hosts).
    #[serde(skip_serializing_if = "is_one")]
    pub devices: u32,
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

impl Default for Request {
    fn default() -> Request {
        Request {
            profile: String::new(),
            count: 0,
            devices: 1,
        }
    }
}

impl Request {
    /// Devices each VM takes (at least one).
    pub fn devices(&self) -> u32 {
        self.devices.max(1)
    }
}

/// A cluster and the VMs to start on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Cluster {
    pub groups: Vec<HostGroup>,
    pub requests: Vec<Request>,
    /// Random arrival orders to try; 0 places the VMs in the order listed.
    pub orders: u32,
    pub seed: u64,
}

impl Default for Cluster {
    /// The articles' same-size example ([`Cluster::spread_example`]).
    fn default() -> Cluster {
        Cluster::spread_example(Policy::Spread)
    }
}

/// What one VM asks of one kind of GPU.
#[derive(Clone, Debug, PartialEq)]
enum Shape {
    /// A time-sliced vGPU of `size` GB.
    Vgpu {
        name: String,
        size: u32,
        max_same: u32,
        max_mixed: u32,
        ids: Vec<u32>,
    },
    /// A MIG instance: memory and compute slices, allowed start slices, its
    /// profile's place in the GPU's list, how many of it one GPU holds, and
    /// whether it takes the GPU's one set of media engines (a `+me` profile:
    /// one such instance per GPU, whichever its size).
    Mig {
        name: String,
        mem: u32,
        comp: u32,
        starts: Vec<u32>,
        profile: u32,
        max: u32,
        media: bool,
    },
    /// A whole GPU.
    Full,
}

impl Shape {
    fn size_gb(&self, g: &GroupPlan) -> f64 {
        match self {
            Shape::Vgpu { size, .. } => f64::from(*size),
            Shape::Mig { mem, .. } => f64::from(*mem) * g.slice_gb,
            Shape::Full => g.capacity_gb,
        }
    }
}

fn resolve(profile: &str, gpu: &Gpu, mode: GpuMode) -> Option<Shape> {
    let p = profile.trim();
    if p.eq_ignore_ascii_case("passthrough") || p.eq_ignore_ascii_case("full") {
        return (mode != GpuMode::Mig).then_some(Shape::Full);
    }
    match mode {
        GpuMode::Mig => {
            let mig = gpu.mig.as_ref()?;
            let gi = gpu
                .vgpu
                .mig_backed
                .iter()
                .find(|t| t.name.eq_ignore_ascii_case(p))
                .map_or(p, |t| t.gpu_instance.as_str());
            let (i, prof) = mig
                .profiles
                .iter()
                .enumerate()
                .find(|(_, m)| m.name.eq_ignore_ascii_case(gi))?;
            Some(Shape::Mig {
                name: prof.name.clone(),
                mem: prof.memory_slices,
                comp: prof.compute_slices,
                starts: prof.start_slices.clone(),
                profile: u32::try_from(i).unwrap_or(u32::MAX),
                max: prof.max_instances.max(1),
                media: prof.name.contains("+me"),
            })
        }
        GpuMode::SameSize | GpuMode::MixedSize => {
            let short = p
                .strip_suffix(['C', 'c'])
                .and_then(|n| n.parse::<u32>().ok());
            let t = gpu.vgpu.time_sliced.iter().find(|t| {
                t.name.eq_ignore_ascii_case(p)
                    || short.is_some_and(|n| t.memory_gb.round() as u32 == n)
            })?;
            Some(Shape::Vgpu {
                name: t.name.clone(),
                size: t.memory_gb.round().max(1.0) as u32,
                max_same: t.max_per_gpu.max(1),
                max_mixed: t.max_per_gpu_mixed.unwrap_or(t.max_per_gpu).max(1),
                ids: t.placement_ids.clone(),
            })
        }
    }
}

/// The key under which a GPU counts its instances of `+me` profiles (profile
/// places are small numbers).
const MEDIA_ENGINES: u32 = u32::MAX;

/// A checked host group.
#[derive(Clone, Debug)]
struct GroupPlan {
    hosts: u32,
    gpus_per_host: u32,
    mode: GpuMode,
    policy: Policy,
    capacity_gb: f64,
    /// Memory and compute slices (MIG).
    mem_slices: u32,
    comp_slices: u32,
    slice_gb: f64,
    /// Every MIG profile of the GPU, for choosing a start slice.
    mig_all: Vec<Shape>,
    /// The shape of each request line here, if this GPU offers it.
    shapes: Vec<Option<Shape>>,
}

/// A cluster checked against the catalog, ready to place.
#[derive(Clone, Debug)]
pub struct Plan {
    groups: Vec<GroupPlan>,
    /// Request line of each VM, in arrival order.
    vms: Vec<u32>,
    profiles: Vec<String>,
    /// Devices of each request line's VMs.
    devices: Vec<u32>,
    pub orders: u32,
    pub seed: u64,
}

impl Cluster {
    /// Checks every field; the errors name them (`cluster.groups[0].gpu`).
    pub fn plan(&self, catalog: &Catalog) -> Result<Plan, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut err = |path: String, m: String| errors.push(FieldError::new(path, m));
        if self.groups.is_empty() {
            err(
                "cluster.groups".into(),
                "add at least one host group".into(),
            );
        }
        if self.groups.len() > MAX_LINES || self.requests.len() > MAX_LINES {
            err(
                "cluster".into(),
                format!("at most {MAX_LINES} host groups and {MAX_LINES} request lines"),
            );
        }
        let mut hosts_total: u64 = 0;
        let mut groups = Vec::new();
        for (i, g) in self.groups.iter().enumerate().take(MAX_LINES) {
            let at = |f: &str| format!("cluster.groups[{i}].{f}");
            if !(1..=MAX_HOSTS).contains(&g.hosts) {
                err(at("hosts"), format!("hosts must be 1 to {MAX_HOSTS}"));
            }
            hosts_total += u64::from(g.hosts);
            if !(1..=MAX_GPUS_PER_HOST).contains(&g.gpus_per_host) {
                err(
                    at("gpus_per_host"),
                    format!("GPUs per host must be 1 to {MAX_GPUS_PER_HOST}"),
                );
            }
            let Some(gpu) = catalog.gpu(&g.gpu) else {
                err(at("gpu"), format!("the catalog has no GPU \"{}\"", g.gpu));
                continue;
            };
            let (mem_slices, comp_slices) = gpu
                .mig
                .as_ref()
                .map_or((0, 0), |m| (m.memory_slices, m.compute_slices));
            if g.mode == GpuMode::Mig && gpu.mig.is_none() {
                err(at("mode"), format!("the {} has no MIG", gpu.name));
            }
            if g.mode == GpuMode::MixedSize
                && !gpu
                    .vgpu
                    .time_sliced
                    .iter()
                    .any(|t| !t.placement_ids.is_empty())
            {
                err(
                    at("mode"),
                    format!(
                        "the catalog has no mixed-size placement IDs for the {}",
                        gpu.name
                    ),
                );
            }
            let mig_all = gpu.mig.as_ref().map_or_else(Vec::new, |m| {
                m.profiles
                    .iter()
                    .filter_map(|p| resolve(&p.name, gpu, GpuMode::Mig))
                    .collect()
            });
            let capacity_gb = gpu.memory.size_gb.max(0.0).round();
            groups.push(GroupPlan {
                hosts: g.hosts.clamp(1, MAX_HOSTS),
                gpus_per_host: g.gpus_per_host.clamp(1, MAX_GPUS_PER_HOST),
                mode: g.mode,
                policy: g.policy,
                capacity_gb,
                mem_slices,
                comp_slices,
                slice_gb: if mem_slices > 0 {
                    capacity_gb / f64::from(mem_slices)
                } else {
                    0.0
                },
                mig_all,
                shapes: self
                    .requests
                    .iter()
                    .map(|r| resolve(&r.profile, gpu, g.mode))
                    .collect(),
            });
        }
        if hosts_total > u64::from(MAX_HOSTS) {
            err(
                "cluster.groups".into(),
                format!("at most {MAX_HOSTS} hosts in all"),
            );
        }
        let mut total: u64 = 0;
        for (j, r) in self.requests.iter().enumerate().take(MAX_LINES) {
            total = total.saturating_add(u64::from(r.count));
            if !(1..=MAX_GPUS_PER_HOST).contains(&r.devices) {
                err(
                    format!("cluster.requests[{j}].devices"),
                    format!("devices per VM must be 1 to {MAX_GPUS_PER_HOST}"),
                );
            }
            if r.profile.trim().is_empty() {
                err(
                    format!("cluster.requests[{j}].profile"),
                    "name a vGPU type, a MIG profile or passthrough".into(),
                );
            } else if groups.len() == self.groups.len()
                && !groups
                    .iter()
                    .any(|g| g.shapes.get(j).is_some_and(Option::is_some))
            {
                err(
                    format!("cluster.requests[{j}].profile"),
                    format!(
                        "no GPU of the cluster offers \"{}\" in its mode",
                        crate::input::clip(r.profile.trim(), 40)
                    ),
                );
            }
        }
        if total == 0 {
            err("cluster.requests".into(), "ask for at least one VM".into());
        } else if total > MAX_VMS {
            err(
                "cluster.requests".into(),
                format!("at most {} VMs in all", crate::units::group_digits(MAX_VMS)),
            );
        }
        if self.orders > MAX_ORDERS {
            err(
                "cluster.orders".into(),
                format!("at most {MAX_ORDERS} random orders"),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let vms = self
            .requests
            .iter()
            .enumerate()
            .flat_map(|(j, r)| std::iter::repeat_n(j as u32, r.count as usize))
            .collect();
        Ok(Plan {
            groups,
            vms,
            profiles: self
                .requests
                .iter()
                .map(|r| match r.devices() {
                    1 => r.profile.trim().to_string(),
                    n => format!("{} × {n}", r.profile.trim()),
                })
                .collect(),
            devices: self.requests.iter().map(Request::devices).collect(),
            orders: self.orders,
            seed: self.seed,
        })
    }
}

/// A VM on a GPU: where it starts and how much it takes, in GB.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Block {
    /// Index into [`Placement::vms`].
    pub vm: u32,
    pub request: u32,
    pub start_gb: f64,
    pub size_gb: f64,
    /// Compute slices (MIG), from `start_slice`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compute: Option<(u32, u32)>,
}

/// One GPU after placement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GpuResult {
    pub group: u32,
    pub host: u32,
    pub index: u32,
    pub mode: GpuMode,
    pub capacity_gb: f64,
    pub used_gb: f64,
    /// Free memory no requested profile can use on it any more.
    pub stranded_gb: f64,
    /// Free memory a requested profile could still use.
    pub free_gb: f64,
    /// The size a same-size GPU is locked to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked_gb: Option<u32>,
    /// MIG: memory and compute slices, used compute slices and those no requested
    /// profile can use.
    pub memory_slices: u32,
    pub compute_slices: u32,
    pub compute_used: u32,
    pub compute_stranded: u32,
    pub blocks: Vec<Block>,
    /// Free memory a requested VM could still take, as (start GB, GB); the rest
    /// of the free memory is stranded.
    pub usable: Vec<(f64, f64)>,
}

/// Why a VM could not start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Why {
    /// Every GPU that offers the profile is locked to another size or full.
    LockedOrFull,
    /// No placement ID of the type is free on any GPU (mixed size).
    NoPlacementId,
    /// No allowed start slice with free memory slices and enough compute slices (MIG).
    NoMigSlot,
    /// No empty GPU outside MIG mode.
    NoEmptyGpu,
    /// No host has as many GPUs with room for one device each as the VM takes.
    DevicesApart,
    /// GPUs with room hold as many instances of the profile as one GPU can
    /// (a `+me` profile: one, for the GPU's media engines).
    InstanceCap,
}

impl Why {
    pub fn words(self) -> &'static str {
        match self {
            Why::LockedOrFull => {
                "every GPU that offers it is full or locked to another size (same-size mode)"
            }
            Why::NoPlacementId => {
                "no placement ID of its type is free on any GPU (mixed-size mode)"
            }
            Why::NoMigSlot => {
                "no GPU has its memory slices free at an allowed start with enough compute slices left"
            }
            Why::NoEmptyGpu => "no empty GPU outside MIG mode",
            Why::DevicesApart => {
                "no host has room for all its devices, each on a GPU of its own (a VM cannot span hosts)"
            }
            Why::InstanceCap => {
                "every GPU with room for it already holds as many of its profile as one GPU can (a +me profile: one per GPU, for its one set of media engines)"
            }
        }
    }
}

/// Where one VM went, or why it did not.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Placed {
        gpu: u32,
        start_gb: f64,
    },
    Failed {
        why: Why,
        /// Free memory in the cluster when it failed.
        free_gb: f64,
        /// Free memory on GPUs that offer its profile and had at least its size
        /// free, in pieces it could not use: memory stranded by placement.
        siloed_gb: f64,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Vm {
    pub request: u32,
    pub profile: String,
    pub size_gb: f64,
    pub outcome: Outcome,
}

/// The answer for one arrival order.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Placement {
    pub gpus: Vec<GpuResult>,
    /// In arrival order.
    pub vms: Vec<Vm>,
    pub placed: u32,
    pub failed: u32,
    pub capacity_gb: f64,
    pub used_gb: f64,
    pub stranded_gb: f64,
    pub free_gb: f64,
    pub compute_stranded: u32,
    /// The most memory free in usable amounts when a VM failed (the article's
    /// "siloed" capacity); 0 when every failure was for lack of memory.
    pub siloed_gb: f64,
    /// Placed VMs per GPU.
    pub density: f64,
    pub profiles: Vec<String>,
}

#[derive(Clone, Debug, Default)]
struct GpuState {
    count: u32,
    lock: Option<u32>,
    /// Occupied GB intervals (vGPU) or memory slices (MIG), as (start, len).
    spans: Vec<(u32, u32)>,
    comp_used: u32,
    full: bool,
    used_gb: f64,
    blocks: Vec<Block>,
    /// Instances placed per type: (vGPU size in GB, count) for mixed-size
    /// caps; (MIG profile's place in the GPU's list, count) for instance caps.
    per_type: Vec<(u32, u32)>,
}

impl GpuState {
    fn free_at(&self, start: u32, len: u32) -> bool {
        self.spans
            .iter()
            .all(|&(s, l)| start + len <= s || s + l <= start)
    }
    fn count_type(&mut self, key: u32) {
        match self.per_type.iter_mut().find(|(k, _)| *k == key) {
            Some(e) => e.1 += 1,
            None => self.per_type.push((key, 1)),
        }
    }

    fn type_count(&self, size: u32) -> u32 {
        self.per_type
            .iter()
            .find(|(s, _)| *s == size)
            .map_or(0, |&(_, c)| c)
    }
}

/// The spot a VM can take on a GPU: the start (GB or slice).
fn spot(g: &GroupPlan, st: &GpuState, shape: &Shape) -> Option<u32> {
    if st.full {
        return None;
    }
    match (shape, g.mode) {
        (Shape::Full, _) => (st.count == 0).then_some(0),
        (Shape::Vgpu { size, max_same, .. }, GpuMode::SameSize) => {
            let ok = match st.lock {
                None => true,
                Some(l) => l == *size && st.count < *max_same,
            };
            ok.then_some(st.count * size)
        }
        (
            Shape::Vgpu {
                size,
                max_mixed,
                ids,
                ..
            },
            GpuMode::MixedSize,
        ) => {
            if st.type_count(*size) >= *max_mixed {
                return None;
            }
            let cap = g.capacity_gb as u32;
            ids.iter()
                .copied()
                .find(|&id| id + size <= cap && st.free_at(id, *size))
        }
        (
            Shape::Mig {
                mem,
                comp,
                starts,
                profile,
                max,
                media,
                ..
            },
            GpuMode::Mig,
        ) => {
            if st.comp_used + comp > g.comp_slices
                || st.type_count(*profile) >= *max
                || (*media && st.type_count(MEDIA_ENGINES) > 0)
            {
                return None;
            }
            let fits = |s: u32| s + mem <= g.mem_slices && st.free_at(s, *mem);
            starts
                .iter()
                .copied()
                .filter(|&s| fits(s))
                .max_by_key(|&s| {
                    // The GPU as it would be with the instance at `s` (no copy made).
                    let comp_after = st.comp_used + comp;
                    let free_after = |x: u32, m: u32| {
                        x + m <= g.mem_slices && st.free_at(x, m) && (x + m <= s || s + mem <= x)
                    };
                    let mut largest = 0;
                    let mut options = 0;
                    for p in &g.mig_all {
                        if let Shape::Mig {
                            mem: m,
                            comp: c,
                            starts: ss,
                            ..
                        } = p
                        {
                            if comp_after + c > g.comp_slices {
                                continue;
                            }
                            let n = ss.iter().filter(|&&x| free_after(x, *m)).count();
                            if n > 0 {
                                largest = largest.max(*m);
                            }
                            options += n;
                        }
                    }
                    (largest, options, s)
                })
        }
        _ => None,
    }
}

fn take(g: &GroupPlan, st: &mut GpuState, shape: &Shape, at: u32, vm: u32, request: u32) {
    let size_gb = shape.size_gb(g);
    let (start_gb, compute) = match shape {
        Shape::Full => {
            st.full = true;
            (0.0, None)
        }
        Shape::Vgpu { size, .. } => {
            st.spans.push((at, *size));
            if g.mode == GpuMode::SameSize {
                st.lock = Some(*size);
            }
            st.count_type(*size);
            (f64::from(at), None)
        }
        Shape::Mig {
            mem,
            comp,
            profile,
            media,
            ..
        } => {
            st.spans.push((at, *mem));
            st.count_type(*profile);
            if *media {
                st.count_type(MEDIA_ENGINES);
            }
            let c0 = st.comp_used;
            st.comp_used += comp;
            (f64::from(at) * g.slice_gb, Some((c0, *comp)))
        }
    };
    st.count += 1;
    st.used_gb += size_gb;
    st.blocks.push(Block {
        vm,
        request,
        start_gb,
        size_gb,
        compute,
    });
}

/// Places `order` (request lines, arrival order) on the plan's cluster.
pub fn place(plan: &Plan, order: &[u32]) -> Placement {
    // GPU states, grouped per group then host then GPU.
    let mut base = Vec::with_capacity(plan.groups.len());
    let mut gpus: Vec<GpuState> = Vec::new();
    for g in &plan.groups {
        base.push(gpus.len());
        gpus.extend(std::iter::repeat_n(
            GpuState::default(),
            (g.hosts * g.gpus_per_host) as usize,
        ));
    }
    // Hosts by load per group: (VMs, host).
    let mut load: Vec<BTreeSet<(u32, u32)>> = plan
        .groups
        .iter()
        .map(|g| (0..g.hosts).map(|h| (0, h)).collect())
        .collect();
    let mut host_vms: Vec<Vec<u32>> = plan
        .groups
        .iter()
        .map(|g| vec![0; g.hosts as usize])
        .collect();
    // (group, request line) pairs known to have no spot: nothing ever leaves.
    let lines = plan.profiles.len();
    let mut dead = vec![false; plan.groups.len() * lines];
    // … and whether one of its hosts then had room for some of a VM's devices.
    let mut dead_apart = vec![false; plan.groups.len() * lines];
    let mut vms = Vec::with_capacity(order.len());
    let mut placed = 0;
    // Why a request line last failed, and how many VMs were placed then: the
    // GPUs change only when a VM is placed, so until the next placement the
    // same line fails the same way (a million VMs past a full cluster are
    // not each measured against every GPU).
    let mut failed: Vec<Option<(u32, Failure)>> = vec![None; lines];
    for (v, &req) in order.iter().enumerate() {
        let r = req as usize;
        let devices = plan.devices.get(r).copied().unwrap_or(1);
        // (load, group, host, first GPU of the host, the host's GPUs and spots)
        let mut best: Option<(u32, usize, u32, usize, Spots)> = None;
        let mut apart = false;
        for (gi, g) in plan.groups.iter().enumerate() {
            let Some(shape) = g.shapes[r].as_ref() else {
                continue;
            };
            if dead[gi * lines + r] {
                apart |= dead_apart[gi * lines + r];
                continue;
            }
            let mut found = None;
            let mut group_apart = false;
            for &(l, h) in &load[gi] {
                if best.as_ref().is_some_and(|b| b.0 <= l) {
                    break;
                }
                let first = base[gi] + (h * g.gpus_per_host) as usize;
                let host = &gpus[first..first + g.gpus_per_host as usize];
                match pick_gpus(g, host, shape, devices) {
                    Ok(spots) => {
                        found = Some((l, gi, h, first, spots));
                        break;
                    }
                    Err(some) => group_apart |= some,
                }
            }
            apart |= group_apart;
            match found {
                Some(f) => best = Some(f),
                None if best.is_none() => {
                    dead[gi * lines + r] = true;
                    dead_apart[gi * lines + r] = group_apart;
                }
                None => {}
            }
        }
        match best {
            Some((l, gi, h, first, spots)) => {
                let g = &plan.groups[gi];
                let shape = g.shapes[r].as_ref().expect("a shape here");
                for &(k, at) in &spots {
                    take(g, &mut gpus[first + k], shape, at, v as u32, req);
                }
                let k = first + spots[0].0;
                load[gi].remove(&(l, h));
                load[gi].insert((l + 1, h));
                host_vms[gi][h as usize] += 1;
                placed += 1;
                vms.push(Vm {
                    request: req,
                    profile: plan.profiles[r].clone(),
                    size_gb: shape.size_gb(g),
                    outcome: Outcome::Placed {
                        gpu: k as u32,
                        start_gb: gpus[k].blocks.last().map_or(0.0, |b| b.start_gb),
                    },
                });
            }
            None => {
                let (why, size, siloed, free) = match failed[r] {
                    Some((at, f)) if at == placed => f,
                    _ => {
                        let f = failure(plan, &base, &gpus, r);
                        failed[r] = Some((placed, f));
                        f
                    }
                };
                let why = if apart { Why::DevicesApart } else { why };
                vms.push(Vm {
                    request: req,
                    profile: plan.profiles[r].clone(),
                    size_gb: size,
                    outcome: Outcome::Failed {
                        why,
                        free_gb: free,
                        siloed_gb: siloed,
                    },
                });
            }
        }
    }
    summarize(plan, &base, gpus, vms, placed)
}

/// GPUs of a host (their place in it) and the spot each takes.
type Spots = Vec<(usize, u32)>;

/// The GPUs of a host that take a VM of `devices` devices of `shape`, each on a
/// GPU of its own, by the host's policy; `Err(true)` when the host has room
/// for some of its devices but not all.
fn pick_gpus(g: &GroupPlan, host: &[GpuState], shape: &Shape, devices: u32) -> Result<Spots, bool> {
    if devices <= 1 {
        return pick_gpu(g, host, shape, &[]).map(|p| vec![p]).ok_or(false);
    }
    // Taken on a copy of the host, one device at a time.
    let mut trial = host.to_vec();
    let mut spots: Spots = Vec::with_capacity(devices as usize);
    for _ in 0..devices {
        let Some((k, at)) = pick_gpu(g, &trial, shape, &spots) else {
            return Err(!spots.is_empty());
        };
        take(g, &mut trial[k], shape, at, 0, 0);
        spots.push((k, at));
    }
    Ok(spots)
}

/// The GPU of a host that takes `shape`, by the host's policy, other than
/// those in `taken`; and the spot.
fn pick_gpu(
    g: &GroupPlan,
    host: &[GpuState],
    shape: &Shape,
    taken: &[(usize, u32)],
) -> Option<(usize, u32)> {
    let spots = host
        .iter()
        .enumerate()
        .filter(|(k, _)| !taken.iter().any(|t| t.0 == *k))
        .filter_map(|(k, st)| spot(g, st, shape).map(|at| (k, at)));
    match (g.mode, shape) {
        (GpuMode::SameSize, Shape::Vgpu { .. }) if g.policy == Policy::Spread => {
            spots.min_by_key(|&(k, _)| (host[k].count, k))
        }
        _ => spots.min_by_key(|&(k, _)| k),
    }
}

/// Why a VM cannot start, its size, and the siloed and free memory then (GB).
type Failure = (Why, f64, f64, f64);

fn failure(plan: &Plan, base: &[usize], gpus: &[GpuState], r: usize) -> Failure {
    let mut why = Why::NoEmptyGpu;
    let mut size = 0.0;
    let mut siloed = 0.0;
    let mut free = 0.0;
    for (gi, g) in plan.groups.iter().enumerate() {
        let n = (g.hosts * g.gpus_per_host) as usize;
        let states = &gpus[base[gi]..base[gi] + n];
        free += states
            .iter()
            .map(|s| {
                if s.full {
                    0.0
                } else {
                    g.capacity_gb - s.used_gb
                }
            })
            .sum::<f64>();
        let Some(shape) = g.shapes[r].as_ref() else {
            continue;
        };
        size = shape.size_gb(g);
        // A GPU that would take the instance but for the per-GPU count.
        let capped = |st: &GpuState| {
            let mut uncapped = st.clone();
            uncapped.per_type.clear();
            spot(g, st, shape).is_none() && spot(g, &uncapped, shape).is_some()
        };
        why = match (shape, g.mode) {
            (Shape::Full, _) => Why::NoEmptyGpu,
            (Shape::Mig { .. }, _) if states.iter().any(capped) => Why::InstanceCap,
            (Shape::Mig { .. }, _) => Why::NoMigSlot,
            (_, GpuMode::MixedSize) => Why::NoPlacementId,
            _ => Why::LockedOrFull,
        };
        siloed += states
            .iter()
            .filter(|s| !s.full)
            .map(|s| g.capacity_gb - s.used_gb)
            .filter(|&f| f + 1e-9 >= size)
            .sum::<f64>();
    }
    (why, size, siloed, free)
}

/// Greedy fill of a copy of `st` with the requested shapes, largest first: the
/// memory and compute no requested VM can use are what is left; the spans the
/// fill took (start GB, GB) are the usable free memory.
fn leftover(g: &GroupPlan, st: &GpuState) -> (f64, u32, Vec<(f64, f64)>) {
    let mut s = st.clone();
    let mut shapes: Vec<&Shape> = g.shapes.iter().flatten().collect();
    shapes.sort_by(|a, b| b.size_gb(g).total_cmp(&a.size_gb(g)));
    shapes.dedup();
    for shape in shapes {
        while let Some(at) = spot(g, &s, shape) {
            take(g, &mut s, shape, at, 0, 0);
        }
    }
    let mem = if s.full {
        0.0
    } else {
        (g.capacity_gb - s.used_gb).max(0.0)
    };
    let comp = if g.mode == GpuMode::Mig {
        g.comp_slices.saturating_sub(s.comp_used)
    } else {
        0
    };
    let usable = s.blocks[st.blocks.len()..]
        .iter()
        .map(|b| (b.start_gb, b.size_gb))
        .collect();
    (mem, comp, usable)
}

fn summarize(
    plan: &Plan,
    base: &[usize],
    gpus: Vec<GpuState>,
    vms: Vec<Vm>,
    placed: u32,
) -> Placement {
    let mut out = Vec::with_capacity(gpus.len());
    let (mut cap, mut used, mut stranded, mut comp_stranded) = (0.0, 0.0, 0.0, 0);
    for (gi, g) in plan.groups.iter().enumerate() {
        let n = (g.hosts * g.gpus_per_host) as usize;
        for (k, st) in gpus[base[gi]..base[gi] + n].iter().enumerate() {
            let (left, comp_left, usable) = leftover(g, st);
            let used_gb = if st.full { g.capacity_gb } else { st.used_gb };
            let free_total = (g.capacity_gb - used_gb).max(0.0);
            cap += g.capacity_gb;
            used += used_gb;
            stranded += left;
            comp_stranded += comp_left;
            out.push(GpuResult {
                group: gi as u32,
                host: k as u32 / g.gpus_per_host,
                index: k as u32 % g.gpus_per_host,
                mode: g.mode,
                capacity_gb: g.capacity_gb,
                used_gb,
                stranded_gb: left,
                free_gb: (free_total - left).max(0.0),
                locked_gb: st.lock,
                memory_slices: g.mem_slices,
                compute_slices: g.comp_slices,
                compute_used: st.comp_used,
                compute_stranded: comp_left,
                blocks: st.blocks.clone(),
                usable,
            });
        }
    }
    let failed = vms.len() as u32 - placed;
    let siloed = vms
        .iter()
        .filter_map(|v| match v.outcome {
            Outcome::Failed { siloed_gb, .. } => Some(siloed_gb),
            Outcome::Placed { .. } => None,
        })
        .fold(0.0, f64::max);
    let n = out.len().max(1) as f64;
    Placement {
        placed,
        failed,
        capacity_gb: cap,
        used_gb: used,
        stranded_gb: stranded,
        free_gb: (cap - used - stranded).max(0.0),
        compute_stranded: comp_stranded,
        siloed_gb: siloed,
        density: f64::from(placed) / n,
        gpus: out,
        vms,
        profiles: plan.profiles.clone(),
    }
}

/// VMs of one request line that could not start for one reason.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Failures {
    pub request: u32,
    pub profile: String,
    pub size_gb: f64,
    pub why: Why,
    pub count: u32,
    /// The first of them, counted from 1 in arrival order.
    pub first_vm: u32,
    /// Free memory in the cluster when the first failed.
    pub free_gb: f64,
    /// The most memory siloed when one of them failed.
    pub siloed_gb: f64,
}

/// What a deployment sheet asks the cluster for: its VMs, each with its
/// devices — one of its vGPU type per device (a MIG-backed type places as its
/// GPU instance), or one whole GPU per passthrough device — all in one host.
pub fn request_for(sheet: &crate::vsphere::Sheet) -> Vec<Request> {
    let profile = sheet
        .vgpu_type
        .clone()
        .unwrap_or_else(|| "passthrough".into());
    let vms = sheet.vms.max(1);
    let line = |count, devices| Request {
        profile: profile.clone(),
        count,
        devices,
    };
    // Every VM alike, or the last with fewer devices.
    match sheet.last_devices {
        0 => vec![line(vms, sheet.devices.max(1))],
        last => vec![line(vms - 1, sheet.devices.max(1)), line(1, last)]
            .into_iter()
            .filter(|r| r.count > 0)
            .collect(),
    }
}

/// A GB figure as people read it: whole when whole, else two decimals.
pub fn gb_words(x: f64) -> String {
    if (x - x.round()).abs() < 1e-9 {
        format!("{} GB", x.round())
    } else {
        format!("{x:.2} GB")
    }
}

impl Failures {
    /// "VM 3 (20C, 20 GB) cannot start: …; 140 GB free in the cluster, …".
    pub fn sentence(&self) -> String {
        let who = if self.count == 1 {
            format!(
                "VM {} ({}, {})",
                self.first_vm,
                self.profile,
                gb_words(self.size_gb)
            )
        } else {
            format!(
                "{} VMs of {} ({}), from VM {},",
                self.count,
                self.profile,
                gb_words(self.size_gb),
                self.first_vm
            )
        };
        let siloed = if self.siloed_gb > 0.0 {
            format!(
                ", {} of it on GPUs with at least its size free",
                gb_words(self.siloed_gb)
            )
        } else {
            String::new()
        };
        format!(
            "{who} cannot start: {}; {} free in the cluster{}{siloed}",
            self.why.words(),
            gb_words(self.free_gb),
            if self.count > 1 {
                " when the first failed"
            } else {
                ""
            }
        )
    }
}

impl Placement {
    /// The VMs that could not start, by request line and reason, in order of the first.
    pub fn failures(&self) -> Vec<Failures> {
        let mut out: Vec<Failures> = Vec::new();
        for (i, v) in self.vms.iter().enumerate() {
            let Outcome::Failed {
                why,
                free_gb,
                siloed_gb,
            } = v.outcome
            else {
                continue;
            };
            match out
                .iter_mut()
                .find(|f| f.request == v.request && f.why == why)
            {
                Some(f) => {
                    f.count += 1;
                    f.siloed_gb = f.siloed_gb.max(siloed_gb);
                }
                None => out.push(Failures {
                    request: v.request,
                    profile: v.profile.clone(),
                    size_gb: v.size_gb,
                    why,
                    count: 1,
                    first_vm: i as u32 + 1,
                    free_gb,
                    siloed_gb,
                }),
            }
        }
        out
    }
}

/// A cluster from a file: a scenario with a `cluster` section, or the section
/// alone. Errors name the field (`cluster.groups[0].hosts`).
pub fn parse(text: &str) -> Result<Cluster, FieldError> {
    let value = crate::scenario::read_json(text)?;
    let is_scenario = value
        .as_object()
        .is_some_and(|o| o.contains_key("version") || o.contains_key("workload"));
    if is_scenario {
        let s = crate::scenario::from_value(value)?;
        return s.cluster.ok_or_else(|| {
            FieldError::new(
                "cluster",
                "the scenario has no cluster section: add \"cluster\": {\"groups\": […], \"requests\": […]}",
            )
        });
    }
    if !value.is_object() {
        return Err(FieldError::new(
            "",
            "a cluster is a JSON object with \"groups\" and \"requests\"",
        ));
    }
    crate::scenario::check_depth(&value)?;
    crate::scenario::deserialize_at(value, "cluster")
}

/// What the simulator answers for a cluster: the order as listed, and the
/// Monte Carlo summary when random orders were asked for.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PlaceReport {
    pub cluster: Cluster,
    pub gpus: u64,
    pub vms: u64,
    pub listed: Placement,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monte_carlo: Option<monte_carlo::Summary>,
}

/// Places the cluster's VMs as listed and, with `orders`, in that many random orders.
pub fn simulate(c: &Cluster, catalog: &Catalog) -> Result<PlaceReport, Vec<FieldError>> {
    let plan = c.plan(catalog)?;
    let listed = place(&plan, plan.listed());
    let monte_carlo =
        (plan.orders > 0).then(|| monte_carlo::MonteCarlo::new(plan.clone(), plan.orders).run());
    Ok(PlaceReport {
        cluster: c.clone(),
        gpus: plan.gpus(),
        vms: plan.listed().len() as u64,
        listed,
        monte_carlo,
    })
}

impl Plan {
    /// The VMs in the order listed.
    pub fn listed(&self) -> &[u32] {
        &self.vms
    }

    pub fn gpus(&self) -> u64 {
        self.groups
            .iter()
            .map(|g| u64::from(g.hosts) * u64::from(g.gpus_per_host))
            .sum()
    }
}

/// Slots per GPU of a time-sliced type in same-size mode: NVIDIA's count, about
/// ⌊GPU memory ÷ profile size⌋ (80 GB: 4 GB → 20, 10 → 8, 16 → 5, 20 → 4, 40 → 2, 80 → 1).
pub fn slots(gpu: &Gpu, type_name: &str) -> Option<u32> {
    gpu.vgpu
        .time_sliced
        .iter()
        .find(|t| t.name.eq_ignore_ascii_case(type_name))
        .map(|t| t.max_per_gpu)
}

/// Placement density of a profile set on one GPU: the sum of each profile's slots
/// (A100 80GB with 10C and 20C: 8 + 4 = 12).
pub fn density(gpu: &Gpu, types: &[&str]) -> u32 {
    types.iter().filter_map(|t| slots(gpu, t)).sum()
}
