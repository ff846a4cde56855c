//! "What fits": every way to deploy a workload on the catalog's GPUs — a full GPU,
//! a MIG instance, a time-sliced vGPU, a MIG-backed vGPU — with headroom and
//! density, the GPU count when nothing single holds it, and three recommendations.

use serde::{Deserialize, Serialize};

use super::{Catalog, Gpu, MigProfile};

const GIB: f64 = 1_073_741_824.0;
const MIB: u64 = 1_048_576;

/// Usable memory of a MIG profile no `nvidia-smi` capture is known for, as a
/// fraction of its nominal size, by the eighths of the GPU's memory it takes: the
/// smallest reported ÷ nominal ratio among the catalog's captured profiles of
/// that share, rounded down (1/8: H200 1g.18gb, 16.00 of 18; 2/8: H100 NVL
/// 1g.24gb, 21.62 of 24; 4/8 and 8/8: GH200 96GB, 46.50 of 48 and 93.00 of 96).
/// The estimate is thus never above the nominal size, nor above what a captured
/// profile of the same share reports relative to its own.
pub const MIG_UNREPORTED_FACTORS: [(u32, f64); 4] = [(1, 0.888), (2, 0.9), (4, 0.968), (8, 0.968)];

/// The factor of [`MIG_UNREPORTED_FACTORS`] for a profile of `eighths` of the memory.
pub fn mig_unreported_factor(eighths: u32) -> f64 {
    MIG_UNREPORTED_FACTORS
        .iter()
        .rev()
        .find(|(e, _)| *e <= eighths)
        .map_or(MIG_UNREPORTED_FACTORS[0].1, |(_, f)| *f)
}

/// Largest GPU count the multi-GPU search tries.
pub const MAX_GPUS: u32 = 512;

/// What a workload needs on one device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Demand {
    /// Bytes one copy of the workload needs on one device.
    pub total: u64,
    /// The part of `total` every GPU keeps when the workload is split over several
    /// (runtime overhead); the rest divides evenly.
    pub replicated: u64,
    /// The part of `total` the serving engine keeps free: it scales with each
    /// GPU's share (vLLM budgets `gpu_memory_utilization` of every GPU), so a
    /// split recomputes it per GPU rather than copying it.
    #[serde(default)]
    pub reserve: u64,
    /// The part of `total` that is the KV cache: tensor parallelism splits it by
    /// key/value heads, which are copied when the GPUs outnumber them.
    #[serde(default)]
    pub kv: u64,
    /// The attention heads a tensor-parallel split must respect; `None` when any
    /// GPU count splits the workload (a CNN, a known demand).
    #[serde(default)]
    pub heads: Option<Heads>,
    /// The least memory any GPU must have, whatever its share: what the
    /// engine's fraction leaves free must hold vLLM's CUDA context and graphs.
    #[serde(default)]
    pub min_gpu: u64,
    /// What vLLM keeps outside the model, which a split changes; `None` for
    /// the other engines, CNNs and a known demand.
    #[serde(default)]
    pub vllm: Option<VllmSplit>,
    /// Devices one copy runs on, each holding `total` (tensor × pipeline
    /// parallel set in the scenario, or a known demand's GPUs). Above 1, MIG
    /// instances are left out (a CUDA process sees one, and no two exchange
    /// data peer to peer) and a host's copies count whole sets of devices.
    #[serde(default = "one_device")]
    pub copy_gpus: u32,
    /// Above 0, the workload splits only by its batch of this many samples
    /// (a CNN: data parallelism): every GPU keeps `replicated` (weights,
    /// training state, overhead) and takes ⌈batch ÷ n⌉ of the samples, the
    /// rest of `total` being proportional to them.
    #[serde(default, skip_serializing_if = "is_zero_u64")]
    pub batch: u64,
}

fn is_zero_u64(n: &u64) -> bool {
    *n == 0
}

fn one_device() -> u32 {
    1
}

/// vLLM's memory outside the model, for splits: the non-torch memory depends on
/// whether the tensor-parallel GPUs are joined by NVLink, the CUDA context on
/// the process group, the CUDA graphs on the layers each GPU holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VllmSplit {
    /// The scenario's tensor-parallel size, which `replicated` and `min_gpu`
    /// assume (over NVLink when it is 2 or more).
    pub tensor: u32,
    /// Decoder layers of the model.
    pub layers: u32,
    /// Whether the runtime overhead is vLLM's non-torch default (a split then
    /// takes the figure of its own size and interconnect) or was set.
    pub default_overhead: bool,
    /// What `gpu_memory_utilization` leaves free, in billionths of the GPU;
    /// 0 when it leaves nothing (no floor).
    pub free_ppb: u32,
}

/// How many GPUs of a host NVLink joins into one group: all of them on an SXM
/// baseboard (through NVSwitch, or SXM2's cube-mesh of direct links), the cards
/// one bridge joins on PCIe cards (pairs unless the catalog says more), none on
/// the others.
pub fn nvlink_group(gpu: &Gpu, gpus_per_host: u32) -> u32 {
    if !gpu.nvlink.supported {
        1
    } else if gpu.form_class() == "SXM" {
        gpus_per_host.max(1)
    } else {
        gpu.nvlink.bridge_gpus.unwrap_or(2)
    }
}

/// The cards an NVLink bridge joins, in words: "pairs of GPUs", "groups of 4 GPUs".
pub fn bridged(group: u32) -> String {
    if group == 2 {
        "pairs of GPUs".into()
    } else {
        format!("groups of {group} GPUs")
    }
}

impl Demand {
    /// A demand of `total` bytes, `replicated` of them needed on every GPU.
    pub fn new(total: u64, replicated: u64) -> Demand {
        Demand {
            total,
            replicated,
            reserve: 0,
            kv: 0,
            heads: None,
            min_gpu: 0,
            vllm: None,
            copy_gpus: 1,
            batch: 0,
        }
    }

    /// Bytes per GPU when split evenly over `n` GPUs (tensor parallel `n`,
    /// joined by NVLink; data parallel `n` for a demand split by its batch).
    pub fn per_gpu(&self, n: u32) -> u64 {
        let l = if self.batch > 0 {
            Layout::data(n, u32::MAX)
        } else {
            Layout::model(n.max(1), 1, 1)
        };
        self.per_gpu_in(l, u32::MAX)
    }

    /// Bytes per GPU in `layout` on GPUs that NVLink joins in groups of
    /// `nvlink_group` ([`nvlink_group`]): the replicated part on every GPU
    /// (vLLM's non-torch memory for the split's size and interconnect), the KV
    /// cache over the key/value-head shards and the pipeline stages, the rest
    /// over all GPUs, and the engine's reserve recomputed on that share.
    pub fn per_gpu_in(&self, layout: Layout, nvlink_group: u32) -> u64 {
        if self.batch > 0 {
            return self.per_replica(layout.data);
        }
        let shards = u64::from(layout.tensor.max(1)) * u64::from(layout.pipeline.max(1));
        let kv_shards = match self.heads {
            Some(h) => u64::from(layout.tensor.clamp(1, h.kv.max(1))),
            None => u64::from(layout.tensor.max(1)),
        } * u64::from(layout.pipeline.max(1));
        let used = self.total.saturating_sub(self.reserve);
        let kv = self.kv.min(used.saturating_sub(self.replicated));
        let rest = used.saturating_sub(self.replicated).saturating_sub(kv);
        let (replicated, min_gpu) = match self.vllm {
            Some(v) => v.in_layout(self.replicated, layout, nvlink_group),
            None => (self.replicated, self.min_gpu),
        };
        let share = replicated
            .saturating_add(rest.div_ceil(shards))
            .saturating_add(kv.div_ceil(kv_shards));
        if self.reserve == 0 || used == 0 {
            return share;
        }
        // share ÷ utilization, where utilization = used ÷ total.
        let scaled = (u128::from(share) * u128::from(self.total)).div_ceil(u128::from(used));
        u64::try_from(scaled).unwrap_or(u64::MAX).max(min_gpu)
    }
}

impl Demand {
    /// Bytes per GPU of `d` data-parallel replicas: `replicated` and the
    /// batch-proportional rest for ⌈batch ÷ d⌉ of the samples.
    fn per_replica(&self, d: u32) -> u64 {
        let batch = self.batch.max(1);
        let samples = batch.div_ceil(u64::from(d.max(1)));
        let rest = self.total.saturating_sub(self.replicated);
        let share = (u128::from(rest) * u128::from(samples)).div_ceil(u128::from(batch));
        self.replicated
            .saturating_add(u64::try_from(share).unwrap_or(u64::MAX))
    }
}

impl VllmSplit {
    /// Whether the tensor-parallel GPUs of `layout` talk over NVLink.
    pub fn over_nvlink(&self, layout: Layout, nvlink_group: u32) -> bool {
        let tensor = self.tensor.max(1).saturating_mul(layout.tensor.max(1));
        tensor >= 2 && tensor <= nvlink_group
    }

    /// The non-torch memory and the least memory of each GPU of `layout`, of
    /// GPUs NVLink joins in groups of `nvlink_group`; `replicated` is the
    /// scenario's runtime overhead.
    pub fn in_layout(&self, replicated: u64, layout: Layout, nvlink_group: u32) -> (u64, u64) {
        use crate::transformer::engine;
        let tensor = self.tensor.max(1).saturating_mul(layout.tensor.max(1));
        let nvlink = self.over_nvlink(layout, nvlink_group);
        let overhead = if self.default_overhead {
            engine::vllm_non_torch(tensor, nvlink)
        } else {
            replicated
        };
        if self.free_ppb == 0 {
            return (overhead, 0);
        }
        let layers = self.layers.div_ceil(layout.pipeline.max(1));
        let (context, graphs) = engine::vllm_outside(nvlink, layers);
        let u = 1.0 - f64::from(self.free_ppb) / 1e9;
        let least = engine::least_for_outside(u, context + graphs).ceil();
        (overhead, least.min(u64::MAX as f64) as u64)
    }
}

/// The attention heads of a transformer, for tensor parallelism.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Heads {
    pub query: u32,
    /// Key/value heads (fewer than `query` with grouped-query attention).
    pub kv: u32,
}

impl Heads {
    /// Whether `t` GPUs can split these heads as vLLM, SGLang and TensorRT-LLM
    /// require: `t` divides the query heads, and divides the key/value heads or
    /// is a multiple of them (each GPU then keeps a copy of one KV head).
    pub fn accept(&self, t: u32) -> bool {
        let kv = self.kv.max(1);
        t >= 1 && self.query.is_multiple_of(t) && (kv.is_multiple_of(t) || t.is_multiple_of(kv))
    }
}

/// How one copy of a workload is laid out over GPUs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layout {
    /// GPUs every layer is split over (tensor parallelism, within one host).
    pub tensor: u32,
    /// Runs of layers, one after the other (pipeline parallelism; may span hosts).
    pub pipeline: u32,
    /// Hosts one copy spans.
    pub hosts: u32,
    /// Replicas that each take a share of the batch (data parallelism: each
    /// keeps the whole model and its training state); 1 for a model split.
    #[serde(default = "one_device", skip_serializing_if = "is_one")]
    pub data: u32,
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

impl Layout {
    /// `t` GPUs in tensor parallel × `p` pipeline stages over `hosts`.
    pub fn model(tensor: u32, pipeline: u32, hosts: u32) -> Layout {
        Layout {
            tensor,
            pipeline,
            hosts,
            data: 1,
        }
    }

    /// `d` data-parallel replicas on hosts of `gpus_per_host`.
    pub fn data(d: u32, gpus_per_host: u32) -> Layout {
        Layout {
            tensor: 1,
            pipeline: 1,
            hosts: d.div_ceil(gpus_per_host.max(1)),
            data: d.max(1),
        }
    }

    pub fn gpus(&self) -> u32 {
        self.tensor
            .saturating_mul(self.pipeline)
            .saturating_mul(self.data)
    }
}

/// Tensor-parallel degrees an NVSwitch partition offers a VM or a container.
const NVSWITCH_PARTITIONS: [u32; 4] = [1, 2, 4, 8];

/// The layout for at least `n` GPUs on hosts of `gpus_per_host`: tensor parallel
/// within a host at a degree the heads accept (and, on NVSwitch systems, the size
/// of a partition: 1, 2, 4 or 8), pipeline stages across hosts for the rest.
pub fn layout(n: u32, gpus_per_host: u32, heads: Option<Heads>, nvswitch: bool) -> Layout {
    let per_host = gpus_per_host.max(1);
    let accept = |t: u32| {
        heads.is_none_or(|h| h.accept(t)) && (!nvswitch || NVSWITCH_PARTITIONS.contains(&t))
    };
    if let Some(t) = (n.max(1)..=per_host).find(|&t| accept(t)) {
        return Layout::model(t, 1, 1);
    }
    // Across hosts: the largest degree a host can hold, then enough stages.
    let t = (1..=per_host).rev().find(|&t| accept(t)).unwrap_or(1);
    let pipeline = n.div_ceil(t);
    Layout::model(t, pipeline, t.saturating_mul(pipeline).div_ceil(per_host))
}

/// `n` GPUs on hosts of `gpus_per_host`, the last host's share rounded up to
/// an NVSwitch partition (1, 2, 4 or 8 GPUs) on NVSwitch boards.
fn partitioned(n: u32, gpus_per_host: u32, nvswitch: bool) -> u32 {
    let per_host = gpus_per_host.max(1);
    let (whole, rest) = (n / per_host, n % per_host);
    if !nvswitch || rest == 0 {
        return n;
    }
    let rest = NVSWITCH_PARTITIONS
        .into_iter()
        .find(|&p| p >= rest)
        .unwrap_or(per_host)
        .min(per_host);
    whole.saturating_mul(per_host).saturating_add(rest)
}

/// Why `layout` takes more than the `fewest` GPUs an even split needs, if it does.
pub fn rounding(
    demand: &Demand,
    fewest: u32,
    layout: Layout,
    gpus_per_host: u32,
    nvswitch: bool,
) -> Option<Rounding> {
    (layout.gpus() > fewest).then(|| {
        let free = self::layout(fewest, gpus_per_host, None, nvswitch).gpus();
        match demand.heads {
            _ if demand.batch > 0 => Rounding::NvSwitch,
            Some(h) if free == fewest => Rounding::Heads(h),
            _ if fewest > gpus_per_host.max(1) => Rounding::Stages(layout.tensor),
            _ => Rounding::NvSwitch,
        }
    })
}

/// The fewest GPUs of `capacity` bytes that would hold `demand` with the margin,
/// split evenly, and the layout an engine runs (which may take more GPUs).
pub fn fewest_gpus(
    demand: &Demand,
    capacity: u64,
    margin_percent: f64,
    gpus_per_host: u32,
    nvswitch: bool,
    nvlink_group: u32,
) -> Option<(u32, Layout)> {
    let fits =
        |l: Layout| with_margin(demand.per_gpu_in(l, nvlink_group), margin_percent) <= capacity;
    if demand.batch > 0 {
        // Data parallel: the fewest replicas whose share of the batch fits; one
        // sample each at most.
        let most = u32::try_from(demand.batch)
            .unwrap_or(u32::MAX)
            .min(MAX_GPUS);
        let fewest = (2..=most).find(|&n| fits(Layout::data(n, gpus_per_host)))?;
        // On NVSwitch boards a VM's GPUs are a partition: the last host's share rounds up.
        let n = partitioned(fewest, gpus_per_host, nvswitch);
        let n = if n <= most { n } else { fewest };
        return Some((fewest, Layout::data(n, gpus_per_host)));
    }
    let even = (2..=MAX_GPUS).find(|&n| fits(Layout::model(n, 1, 1)));
    // With KV heads copied, a valid layout may need more GPUs than an even split.
    let start = even.unwrap_or(2);
    (start..=MAX_GPUS).find_map(|n| {
        let l = layout(n, gpus_per_host, demand.heads, nvswitch);
        if fits(l) {
            return Some((even.unwrap_or(n), l));
        }
        // Else fewer GPUs per layer and more pipeline stages, if they hold it:
        // each stage keeps fewer layers (under vLLM, fewer CUDA graphs) and
        // its own share of the KV cache, where tensor parallelism copies KV
        // heads.
        staged(n, l.tensor, gpus_per_host, demand.heads, nvswitch)
            .find(|&l| fits(l))
            .map(|l| (even.unwrap_or(n), l))
    })
}

/// Layouts of exactly `n` GPUs with a tensor-parallel degree below `below`
/// that the heads (and an NVSwitch partition) accept, widest first, and the
/// rest in pipeline stages, within a host where they fit in one.
fn staged(
    n: u32,
    below: u32,
    gpus_per_host: u32,
    heads: Option<Heads>,
    nvswitch: bool,
) -> impl Iterator<Item = Layout> {
    let per_host = gpus_per_host.max(1);
    (1..below.min(per_host.saturating_add(1)))
        .rev()
        .filter(move |&t| {
            n.is_multiple_of(t)
                && heads.is_none_or(|h| h.accept(t))
                && (!nvswitch || NVSWITCH_PARTITIONS.contains(&t))
        })
        .map(move |t| Layout::model(t, n / t, n.div_ceil(per_host)))
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VgpuMode {
    /// vSphere's default: every vGPU on a GPU has the same framebuffer size.
    #[default]
    EqualSize,
    /// vSphere 8.0 U3 and later: sizes may differ; some types then fit fewer per GPU.
    MixedSize,
}

impl VgpuMode {
    pub const ALL: [VgpuMode; 2] = [VgpuMode::EqualSize, VgpuMode::MixedSize];

    pub fn id(self) -> &'static str {
        match self {
            VgpuMode::EqualSize => "equal_size",
            VgpuMode::MixedSize => "mixed_size",
        }
    }

    pub fn from_id(id: &str) -> Option<VgpuMode> {
        VgpuMode::ALL.into_iter().find(|m| m.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            VgpuMode::EqualSize => "Equal size (vSphere default)",
            VgpuMode::MixedSize => "Mixed size (vSphere 8.0 U3+)",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeploymentMode {
    /// A whole GPU given to one VM (DirectPath I/O) or one bare-metal host.
    Passthrough,
    /// A MIG GPU instance (bare metal, containers, or a passthrough GPU in MIG mode).
    Mig,
    /// A time-sliced vGPU C-series type.
    #[serde(rename = "vgpu")]
    TimeSlicedVgpu,
    /// A MIG-backed vGPU C-series type.
    #[serde(rename = "mig_vgpu")]
    MigBackedVgpu,
}

impl DeploymentMode {
    pub const ALL: [DeploymentMode; 4] = [
        DeploymentMode::Passthrough,
        DeploymentMode::Mig,
        DeploymentMode::TimeSlicedVgpu,
        DeploymentMode::MigBackedVgpu,
    ];

    pub fn id(self) -> &'static str {
        match self {
            DeploymentMode::Passthrough => "passthrough",
            DeploymentMode::Mig => "mig",
            DeploymentMode::TimeSlicedVgpu => "vgpu",
            DeploymentMode::MigBackedVgpu => "mig_vgpu",
        }
    }

    pub fn from_id(id: &str) -> Option<DeploymentMode> {
        DeploymentMode::ALL.into_iter().find(|m| m.id() == id)
    }

    pub fn label(self) -> &'static str {
        match self {
            DeploymentMode::Passthrough => "Full GPU (passthrough)",
            DeploymentMode::Mig => "MIG instance",
            DeploymentMode::TimeSlicedVgpu => "vGPU, time-sliced",
            DeploymentMode::MigBackedVgpu => "vGPU, MIG-backed",
        }
    }
}

/// Settings of the fit question.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FitSettings {
    /// Memory kept free on top of the demand, in percent (allocator fragmentation,
    /// framework buffers, growth).
    pub margin_percent: f64,
    /// GPU cards per host (an A16 card carries 4 GPUs).
    pub cards_per_host: u32,
    pub vgpu_mode: VgpuMode,
    /// ECC enabled on GDDR GPUs (costs 1/16 of their memory).
    pub ecc: bool,
    /// Only these architectures (empty: all).
    pub architectures: Vec<String>,
    /// Only these form-factor classes, "PCIe", "SXM", "Superchip" (empty: all).
    pub form_classes: Vec<String>,
    /// Only these deployment modes (empty: all).
    pub modes: Vec<DeploymentMode>,
}

impl Default for FitSettings {
    fn default() -> FitSettings {
        FitSettings {
            margin_percent: 10.0,
            cards_per_host: 8,
            vgpu_mode: VgpuMode::EqualSize,
            ecc: true,
            architectures: Vec::new(),
            form_classes: Vec::new(),
            modes: Vec::new(),
        }
    }
}

/// Largest margin accepted, in percent.
pub const MAX_MARGIN_PERCENT: f64 = 100.0;
/// Most GPU cards per host accepted.
pub const MAX_CARDS_PER_HOST: u32 = 16;

/// How an option's capacity was determined.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CapacityBasis {
    /// Memory as marketed (binary GB).
    Marketed,
    /// The framebuffer in NVIDIA's vGPU tables.
    Framebuffer,
    /// The size in the type's name (the table gives no framebuffer).
    Nominal,
    /// What nvidia-smi reports.
    Reported,
    /// Estimated: see the option's note.
    Estimated,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FitStatus {
    /// Holds the demand plus the margin.
    Fits,
    /// Holds the demand but not the margin.
    Tight,
    /// Too small.
    TooSmall,
}

/// One way to deploy the workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FitOption {
    pub gpu_id: String,
    pub gpu_name: String,
    pub architecture: String,
    pub form_class: String,
    pub mode: DeploymentMode,
    /// MIG profile or vGPU type; `None` for a full GPU.
    pub profile: Option<String>,
    /// Bytes the workload can use.
    pub capacity: u64,
    pub basis: CapacityBasis,
    /// How the capacity was derived.
    pub capacity_note: String,
    pub status: FitStatus,
    /// capacity − demand (negative when too small).
    pub headroom: i64,
    /// headroom ÷ capacity × 100.
    pub headroom_percent: f64,
    /// Instances of this option one GPU holds.
    pub per_gpu: u32,
    /// … and one host holds.
    pub per_host: u32,
    /// Time-slice length for time-sliced vGPUs.
    pub time_slice_ms: Option<u32>,
    /// What else limits this option, said after why it fits or not
    /// ([`crate::report::words::reason`] says both).
    #[serde(skip)]
    pub caveat: Option<Caveat>,
    /// How fast the workload runs on it ([`crate::speed`]); absent when the speed
    /// question has errors.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<crate::speed::row::OptionSpeed>,
}

impl FitOption {
    /// Whether the option's GPUs sit in an Arm (Grace) host, which ESXi does not run.
    pub fn arm_host(&self) -> bool {
        super::arm_host(&self.form_class)
    }
}

/// A limit of one option beyond its memory.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Caveat {
    /// Mixed-size mode was asked for on a GPU that does not support it.
    #[default]
    MixedSizeUnsupported,
    /// Several vGPUs share one MIG instance by time slicing.
    SharedInstance { vgpus: u32, instance: String },
}

impl FitOption {
    pub fn label(&self) -> String {
        match &self.profile {
            Some(p) => format!("{} · {p}", self.gpu_name),
            None => self.gpu_name.clone(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecommendationKind {
    /// The smallest option that holds the workload with the margin.
    Smallest,
    /// The option with the most instances per host.
    Densest,
    /// The option with the most memory to spare.
    MostHeadroom,
    /// The smallest option (fewest GPUs, smallest slice) that meets the latency targets.
    MeetsTarget,
}

impl RecommendationKind {
    pub fn id(self) -> &'static str {
        match self {
            RecommendationKind::Smallest => "smallest",
            RecommendationKind::Densest => "densest",
            RecommendationKind::MostHeadroom => "most_headroom",
            RecommendationKind::MeetsTarget => "meets_target",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            RecommendationKind::Smallest => "Smallest fit",
            RecommendationKind::Densest => "Densest",
            RecommendationKind::MostHeadroom => "Most headroom",
            RecommendationKind::MeetsTarget => "Meets the latency target",
        }
    }
}

/// One of the options, recommended for a reason of its kind
/// ([`crate::report::words::why`] says it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub kind: RecommendationKind,
    /// Index into [`Fits::options`].
    pub option: usize,
}

/// The workload split over several GPUs of one kind.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MultiGpu {
    pub gpu_id: String,
    pub gpu_name: String,
    /// "PCIe", "SXM" or "Superchip" (a Grace host: Arm, no ESXi).
    #[serde(default)]
    pub form_class: String,
    /// GPUs one copy takes: `layout.tensor × layout.pipeline`.
    pub gpus: u32,
    /// The fewest GPUs that would hold it split evenly; fewer than `gpus` when
    /// the heads or an NVSwitch partition ask for a larger tensor-parallel degree.
    pub fewest: u32,
    pub layout: Layout,
    /// Why `gpus` is more than `fewest`, when it is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rounding: Option<Rounding>,
    /// Bytes each GPU holds.
    pub per_gpu: u64,
    pub capacity: u64,
    pub hosts: u32,
    pub interconnect: String,
    pub note: String,
    /// How fast the workload runs split over these GPUs ([`crate::speed`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speed: Option<crate::speed::row::OptionSpeed>,
    /// The fewest GPUs of this kind (up to one host of 8) that meet the latency
    /// targets, when targets are set and some count does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_gpus: Option<u32>,
}

impl MultiGpu {
    /// Whether the option's GPUs sit in an Arm (Grace) host, which ESXi does not run.
    pub fn arm_host(&self) -> bool {
        super::arm_host(&self.form_class)
    }
}

/// Why a layout takes more GPUs than an even split would.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// The tensor-parallel degree must divide these heads.
    Heads(Heads),
    /// An NVSwitch partition gives a VM 1, 2, 4 or 8 GPUs.
    NvSwitch,
    /// A copy spans hosts in pipeline stages of this many GPUs each.
    Stages(u32),
}

/// The answer to "what fits".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fits {
    pub demand: Demand,
    /// Demand plus margin.
    pub needed: u64,
    /// Every option that passes the filters, fitting ones first, smallest first.
    pub options: Vec<FitOption>,
    pub recommendations: Vec<Recommendation>,
    /// GPUs too small on their own, with the count that holds the workload together.
    pub multi_gpu: Vec<MultiGpu>,
    /// The margin asked for, percent.
    #[serde(skip)]
    pub margin_percent: f64,
    /// GPU cards per host asked for.
    #[serde(skip)]
    pub cards_per_host: u32,
    /// MIG instances and MIG-backed vGPUs were left out: one copy runs on
    /// several devices ([`Demand::copy_gpus`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub mig_left_out: bool,
    /// Options that would fit but the filters (or the MIG rule above) leave out.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub hidden_fits: u32,
    /// GPUs per host of the user's own hosts, by GPU id (their first host type
    /// of each GPU; [`Fits::on_hosts`]).
    #[serde(skip)]
    pub host_gpus: Vec<(String, u32)>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl Fits {
    /// The fits without speeds: the speed question could not be answered.
    pub fn strip_speed(&mut self) {
        for o in &mut self.options {
            o.speed = None;
        }
        for m in &mut self.multi_gpu {
            m.speed = None;
            m.target_gpus = None;
        }
        self.recommendations
            .retain(|r| r.kind != RecommendationKind::MeetsTarget);
    }

    pub fn fitting(&self) -> impl Iterator<Item = &FitOption> {
        self.options.iter().filter(|o| o.status == FitStatus::Fits)
    }

    /// Keep, for each GPU and deployment mode, only the smallest option that fits (or,
    /// when none fits, the largest that does not), plus every recommended option
    /// and the option `named` (its key, `gpu_id/profile`: what the scenario asks
    /// the speed card to detail, which may be a larger profile).
    pub fn condense(&mut self, named: Option<&str>) {
        self.condense_keeping(named, &[]);
    }

    /// [`Self::condense`], keeping also the options whose keys are in `also`
    /// (a compressed model keeps the options its uncompressed model lists, so
    /// the two can be timed on the same one).
    pub fn condense_keeping(&mut self, named: Option<&str>, also: &[String]) {
        let recommended: Vec<usize> = self.recommendations.iter().map(|r| r.option).collect();
        let mut seen = std::collections::HashSet::new();
        let mut keep: Vec<bool> = self
            .options
            .iter()
            .map(|o| {
                let key = crate::speed::option_key(&o.gpu_id, o.profile.as_deref());
                named.is_some_and(|k| key.eq_ignore_ascii_case(k))
                    || (o.status != FitStatus::TooSmall && also.contains(&key))
            })
            .collect();
        // Options are sorted fitting first, smallest first: the first of a group is its best fit.
        for (i, o) in self.options.iter().enumerate() {
            if o.status != FitStatus::TooSmall && seen.insert((o.gpu_id.clone(), o.mode)) {
                keep[i] = true;
            }
        }
        for (i, o) in self.options.iter().enumerate().rev() {
            if o.status == FitStatus::TooSmall && seen.insert((o.gpu_id.clone(), o.mode)) {
                keep[i] = true;
            }
        }
        for &i in &recommended {
            keep[i] = true;
        }
        let mut new_index = vec![usize::MAX; self.options.len()];
        let mut options = Vec::new();
        for (i, o) in std::mem::take(&mut self.options).into_iter().enumerate() {
            if keep[i] {
                new_index[i] = options.len();
                options.push(o);
            }
        }
        self.options = options;
        for r in &mut self.recommendations {
            r.option = new_index[r.option];
        }
    }

    /// The multi-GPU rows of the user's GPUs laid out on their own hosts (the
    /// first host type of each GPU) rather than on hosts of `cards_per_host`.
    pub fn on_hosts(
        &mut self,
        catalog: &Catalog,
        s: &FitSettings,
        fleet: &[crate::fleet::HostType],
    ) {
        let demand = self.demand;
        for h in fleet {
            if let Ok(gpu) = crate::fleet::resolve(&h.gpu, catalog)
                && !self.host_gpus.iter().any(|(id, _)| *id == gpu.id)
            {
                self.host_gpus.push((gpu.id.clone(), h.gpus_per_host));
            }
        }
        for m in &mut self.multi_gpu {
            let Some((gpu, h)) = fleet.iter().find_map(|h| {
                let gpu = crate::fleet::resolve(&h.gpu, catalog).ok()?;
                (gpu.id == m.gpu_id).then_some((gpu, h))
            }) else {
                continue;
            };
            let mine = FitSettings {
                cards_per_host: h.gpus_per_host.div_ceil(gpu.gpus_per_board.max(1)),
                ..s.clone()
            };
            if let Some(row) = split(gpu, &demand, &mine, h.gpus_per_host) {
                *m = row;
            }
        }
        self.multi_gpu
            .sort_by(|a, b| a.gpus.cmp(&b.gpus).then(a.capacity.cmp(&b.capacity)));
    }

    /// GPUs of this kind a host holds: the user's hosts of it, else the
    /// catalog's hosts of `cards_per_host` cards.
    pub fn gpus_per_host(&self, gpu: &Gpu) -> u32 {
        gpus_per_host(&self.host_gpus, self.cards_per_host, gpu)
    }

    /// Drop the options that are too small (recommendations stay valid: they only
    /// point at fitting options, which sort first).
    pub fn drop_too_small(&mut self) {
        self.options.retain(|o| o.status != FitStatus::TooSmall);
    }
}

/// GPUs of this kind a host holds: the user's hosts of it in `host_gpus`, else
/// the catalog's hosts of `cards` cards.
pub fn gpus_per_host(host_gpus: &[(String, u32)], cards: u32, gpu: &Gpu) -> u32 {
    host_gpus
        .iter()
        .find(|(id, _)| *id == gpu.id)
        .map_or_else(
            || gpu.per_host(cards.clamp(1, MAX_CARDS_PER_HOST)),
            |(_, n)| *n,
        )
        .max(1)
}

fn gib_bytes(gib: f64) -> u64 {
    (gib * GIB).floor() as u64
}

/// Capacity of a whole GPU, with ECC taken off GDDR memory when on.
fn full_gpu(gpu: &Gpu, s: &FitSettings) -> (u64, String) {
    let bytes = gib_bytes(gpu.memory.size_gb);
    if s.ecc && gpu.memory.ecc_costs_capacity() {
        (
            bytes / 16 * 15,
            format!(
                "{} GB {} as marketed (binary GB), less 1/16 for ECC",
                gpu.memory.size_gb, gpu.memory.kind
            ),
        )
    } else {
        (
            bytes,
            format!(
                "{} GB {} as marketed (binary GB)",
                gpu.memory.size_gb, gpu.memory.kind
            ),
        )
    }
}

/// Usable bytes of a MIG profile: reported, else a reported profile of the same
/// memory slices on this GPU, else the nominal size × [`MIG_UNREPORTED_FACTOR`].
/// On a GDDR board with ECC on, 1/16 comes off as for the whole GPU: the
/// published `nvidia-smi mig -lgip` tables are read with ECC off (their slices
/// add up to more than the whole GPU keeps with ECC on).
fn mig_capacity(gpu: &Gpu, p: &MigProfile, s: &FitSettings) -> (u64, CapacityBasis, String) {
    let reserve = p.reserve_mib.saturating_mul(MIB);
    let ecc = s.ecc && gpu.memory.ecc_costs_capacity();
    let less = |b: u64| if ecc { b / 16 * 15 } else { b }.saturating_sub(reserve);
    let reserve_note = format!(
        "{}{}",
        if ecc { ", less 1/16 for ECC" } else { "" },
        if reserve > 0 {
            format!(", less your {} MiB reserve", p.reserve_mib)
        } else {
            String::new()
        }
    );
    if let Some(u) = p.usable_gib {
        let basis = p.usable_basis.as_deref().unwrap_or("nvidia-smi");
        // A figure carried over from another GPU is marked ≈ in the catalog.
        if let Some(from) = basis.strip_prefix('≈') {
            return (
                less(gib_bytes(u)),
                CapacityBasis::Estimated,
                format!("≈ {u} GiB usable, {}{reserve_note}", from.trim()),
            );
        }
        return (
            less(gib_bytes(u)),
            CapacityBasis::Reported,
            format!("{u} GiB usable ({basis}){reserve_note}"),
        );
    }
    let sibling = gpu.mig.as_ref().and_then(|m| {
        m.profiles.iter().find(|q| {
            q.memory_slices == p.memory_slices
                && q.usable_gib.is_some()
                && !q.usable_basis.as_deref().unwrap_or("").starts_with('≈')
        })
    });
    if let Some(q) = sibling {
        let u = q.usable_gib.unwrap_or_default();
        return (
            less(gib_bytes(u)),
            CapacityBasis::Estimated,
            format!(
                "≈ {u} GiB, as nvidia-smi reports for {} (same {} memory slices){reserve_note}",
                q.name, p.memory_slices
            ),
        );
    }
    let slices = gpu.mig.as_ref().map_or(8, |m| m.memory_slices.max(1));
    let eighths = p.memory_slices.saturating_mul(8) / slices;
    let factor = mig_unreported_factor(eighths);
    let u = p.memory_gb * factor;
    (
        less(gib_bytes(u)),
        CapacityBasis::Estimated,
        format!(
            "≈ {u:.2} GiB: {} GB nominal × {factor}, the smallest share reported for a profile of {eighths}/8 of a GPU's memory (no nvidia-smi figure known){reserve_note}",
            p.memory_gb
        ),
    )
}

fn framebuffer(
    mib: Option<u64>,
    memory_gb: f64,
    reserve_mib: u64,
    gpu: &Gpu,
    s: &FitSettings,
) -> (u64, CapacityBasis, String) {
    let (raw, basis, mut note) = match mib {
        Some(m) => (
            m.saturating_mul(MIB),
            CapacityBasis::Framebuffer,
            format!("{m} MiB framebuffer (NVIDIA vGPU table)"),
        ),
        None => (
            gib_bytes(memory_gb),
            CapacityBasis::Nominal,
            format!("{memory_gb} GB from the type name (no framebuffer figure published)"),
        ),
    };
    let mut bytes = raw;
    if s.ecc && gpu.memory.ecc_costs_capacity() {
        bytes = bytes / 16 * 15;
        note.push_str(", less 1/16 for ECC");
    }
    if reserve_mib > 0 {
        bytes = bytes.saturating_sub(reserve_mib.saturating_mul(MIB));
        note.push_str(&format!(", less your {reserve_mib} MiB reserve"));
    }
    (bytes, basis, note)
}

/// The framebuffer, in MiB, NVIDIA's vGPU manager reserves out of a
/// time-sliced vGPU's profile, so the guest sees that much less (NVIDIA AI
/// Enterprise 6.x, "Total Frame Buffer for vGPUs is Less Than the Total Frame
/// Buffer on the Physical GPU": profile ÷ 16 + 16 MB + 128 MB ÷ the type's most
/// vGPUs per GPU for page retirement). ECC's adjustment on GDDR boards is the
/// 1/16 [`framebuffer`] takes off; the compression adjustment of some Turing
/// types (T4-16C: 28 MB) is not counted.
pub fn vgpu_reserved_mib(profile_mib: u64, max_per_gpu: u32) -> u64 {
    profile_mib / 16 + 16 + 128 / u64::from(max_per_gpu.max(1))
}

/// 2 ms when at most 8 vGPUs share the GPU, 1 ms above (NVIDIA's equal- and fixed-share schedulers).
pub fn time_slice_ms(vgpus_per_gpu: u32) -> u32 {
    if vgpus_per_gpu <= 8 { 2 } else { 1 }
}

struct Candidate {
    mode: DeploymentMode,
    profile: Option<String>,
    capacity: u64,
    basis: CapacityBasis,
    note: String,
    per_gpu: u32,
    time_slice_ms: Option<u32>,
    caveat: Option<Caveat>,
}

fn candidates(gpu: &Gpu, s: &FitSettings) -> Vec<Candidate> {
    let mut out = Vec::new();
    let (cap, note) = full_gpu(gpu, s);
    out.push(Candidate {
        mode: DeploymentMode::Passthrough,
        profile: None,
        capacity: cap,
        basis: CapacityBasis::Marketed,
        note,
        per_gpu: 1,
        time_slice_ms: None,
        caveat: None,
    });
    if let Some(mig) = &gpu.mig {
        for p in &mig.profiles {
            let (capacity, basis, note) = mig_capacity(gpu, p, s);
            out.push(Candidate {
                mode: DeploymentMode::Mig,
                profile: Some(p.name.clone()),
                capacity,
                basis,
                note,
                per_gpu: p.max_instances,
                time_slice_ms: None,
                caveat: None,
            });
        }
    }
    for t in &gpu.vgpu.time_sliced {
        let (mut capacity, basis, mut note) =
            framebuffer(t.framebuffer_mib, t.memory_gb, t.reserve_mib, gpu, s);
        // What the vGPU manager keeps of the profile's framebuffer.
        let profile_mib = t
            .framebuffer_mib
            .unwrap_or_else(|| gib_bytes(t.memory_gb) / MIB);
        let reserved = vgpu_reserved_mib(profile_mib, t.max_per_gpu);
        capacity = capacity.saturating_sub(reserved.saturating_mul(MIB));
        note.push_str(&format!(
            ", less {reserved} MiB the vGPU manager reserves ({profile_mib} ÷ 16 + 16 + 128 ÷ {} vGPUs per GPU)",
            t.max_per_gpu.max(1)
        ));
        let (per_gpu, caveat) = match (s.vgpu_mode, t.max_per_gpu_mixed) {
            (VgpuMode::EqualSize, _) => (t.max_per_gpu, None),
            (VgpuMode::MixedSize, Some(m)) if gpu.vgpu.mixed_size_supported => (m, None),
            (VgpuMode::MixedSize, _) => (t.max_per_gpu, Some(Caveat::MixedSizeUnsupported)),
        };
        out.push(Candidate {
            mode: DeploymentMode::TimeSlicedVgpu,
            profile: Some(t.name.clone()),
            capacity,
            basis,
            note,
            per_gpu,
            time_slice_ms: Some(time_slice_ms(t.max_per_gpu)),
            caveat,
        });
    }
    for t in &gpu.vgpu.mig_backed {
        let reserve = t.reserve_mib.saturating_mul(MIB);
        // The GPU instance under the vGPU, and what it holds.
        let instance = gpu
            .mig_profile(&t.gpu_instance)
            .map(|p| (p, mig_capacity(gpu, p, s)));
        let (mut capacity, mut basis, mut note) = match (t.framebuffer_mib, &instance) {
            (None, Some((p, (c, b, n)))) if t.vgpus_per_instance == 1 => (
                c.saturating_sub(reserve),
                *b,
                format!("{n} (the {} instance behind it)", p.name),
            ),
            _ => framebuffer(
                t.framebuffer_mib,
                t.memory_gb,
                t.reserve_mib,
                gpu,
                &FitSettings {
                    ecc: false,
                    ..s.clone()
                },
            ),
        };
        // A vGPU holds no more than its share of the GPU instance under it: a
        // framebuffer (published, or the name's size) above the instance's usable
        // memory is capped there.
        if let Some((p, (c, b, n))) = instance {
            let share = (c / u64::from(t.vgpus_per_instance.max(1))).saturating_sub(reserve);
            if share < capacity {
                let per = if t.vgpus_per_instance > 1 {
                    format!(" shared by {} vGPUs", t.vgpus_per_instance)
                } else {
                    String::new()
                };
                note = format!(
                    "{note}; capped at the {} instance behind it{per}: {n}",
                    p.name
                );
                (capacity, basis) = (share, b);
            }
        }
        let caveat = (t.vgpus_per_instance > 1).then(|| Caveat::SharedInstance {
            vgpus: t.vgpus_per_instance,
            instance: t.gpu_instance.clone(),
        });
        out.push(Candidate {
            mode: DeploymentMode::MigBackedVgpu,
            profile: Some(t.name.clone()),
            capacity,
            basis,
            note,
            per_gpu: t.max_per_gpu,
            time_slice_ms: (t.vgpus_per_instance > 1).then(|| time_slice_ms(t.vgpus_per_instance)),
            caveat,
        });
    }
    out
}

fn passes(gpu: &Gpu, mode: DeploymentMode, s: &FitSettings) -> bool {
    (s.architectures.is_empty() || s.architectures.contains(&gpu.architecture))
        && (s.form_classes.is_empty() || s.form_classes.iter().any(|f| f == gpu.form_class()))
        && (s.modes.is_empty() || s.modes.contains(&mode))
}

/// The demand with the margin, in bytes.
pub fn with_margin(bytes: u64, margin_percent: f64) -> u64 {
    let m = if margin_percent.is_finite() {
        margin_percent.clamp(0.0, MAX_MARGIN_PERCENT)
    } else {
        0.0
    };
    let v = (bytes as f64 * (1.0 + m / 100.0)).ceil();
    if v >= u64::MAX as f64 {
        u64::MAX
    } else {
        v as u64
    }
}

/// Every option on every GPU of `catalog` for `demand`: numbers and kinds only;
/// [`crate::report::words`] turns them into sentences in the units on show.
pub fn fit(catalog: &Catalog, demand: &Demand, s: &FitSettings) -> Fits {
    let needed = with_margin(demand.total, s.margin_percent);
    let cards = s.cards_per_host.clamp(1, MAX_CARDS_PER_HOST);
    let mut options = Vec::new();
    let mut multi_gpu = Vec::new();
    let mut mig_left_out = false;
    let mut hidden_fits = 0u32;

    for gpu in &catalog.gpus {
        let gpus_per_host = gpu.per_host(cards);
        let mut full_fits = true;
        let copy_gpus = demand.copy_gpus.max(1);
        for c in candidates(gpu, s) {
            let headroom = i128::from(c.capacity) - i128::from(demand.total);
            let headroom = headroom.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
            let status = if needed <= c.capacity {
                FitStatus::Fits
            } else if demand.total <= c.capacity {
                FitStatus::Tight
            } else {
                FitStatus::TooSmall
            };
            if c.mode == DeploymentMode::Passthrough && status != FitStatus::Fits {
                full_fits = false;
            }
            let left_out = copy_gpus > 1
                && matches!(c.mode, DeploymentMode::Mig | DeploymentMode::MigBackedVgpu);
            if !passes(gpu, c.mode, s) || left_out {
                mig_left_out |= left_out;
                if status == FitStatus::Fits {
                    hidden_fits = hidden_fits.saturating_add(1);
                }
                continue;
            }
            let capacity_percent = if c.capacity == 0 {
                -100.0
            } else {
                headroom as f64 * 100.0 / c.capacity as f64
            };
            options.push(FitOption {
                gpu_id: gpu.id.clone(),
                gpu_name: gpu.name.clone(),
                architecture: gpu.architecture.clone(),
                form_class: gpu.form_class().to_string(),
                mode: c.mode,
                profile: c.profile,
                capacity: c.capacity,
                basis: c.basis,
                capacity_note: c.note,
                status,
                headroom,
                headroom_percent: capacity_percent.max(-1000.0),
                per_gpu: c.per_gpu,
                // Copies per host: whole sets of a copy's devices; none when it does not fit.
                per_host: if status == FitStatus::TooSmall {
                    0
                } else {
                    c.per_gpu.saturating_mul(gpus_per_host) / copy_gpus
                },
                time_slice_ms: c.time_slice_ms,
                caveat: c.caveat,
                speed: None,
            });
        }
        // A copy already spread over several GPUs by the scenario is split no
        // further here: its per-GPU figures are for that parallelism.
        if !full_fits
            && copy_gpus == 1
            && passes(gpu, DeploymentMode::Passthrough, s)
            && let Some(m) = split(gpu, demand, s, gpus_per_host)
        {
            multi_gpu.push(m);
        }
    }

    let rank = |st: FitStatus| match st {
        FitStatus::Fits => 0,
        FitStatus::Tight => 1,
        FitStatus::TooSmall => 2,
    };
    options.sort_by(|a, b| {
        rank(a.status)
            .cmp(&rank(b.status))
            .then(a.capacity.cmp(&b.capacity))
            .then(b.per_host.cmp(&a.per_host))
            .then(a.gpu_name.cmp(&b.gpu_name))
    });
    multi_gpu.sort_by(|a, b| a.gpus.cmp(&b.gpus).then(a.capacity.cmp(&b.capacity)));
    let recommendations = recommend(&options);
    Fits {
        demand: *demand,
        needed,
        options,
        recommendations,
        multi_gpu,
        margin_percent: s.margin_percent,
        cards_per_host: cards,
        mig_left_out,
        hidden_fits,
        host_gpus: Vec::new(),
    }
}

fn recommend(options: &[FitOption]) -> Vec<Recommendation> {
    let fits: Vec<(usize, &FitOption)> = options
        .iter()
        .enumerate()
        .filter(|(_, o)| o.status == FitStatus::Fits)
        .collect();
    let smallest = fits.iter().min_by(|a, b| {
        a.1.capacity
            .cmp(&b.1.capacity)
            .then(b.1.per_host.cmp(&a.1.per_host))
    });
    let densest = fits.iter().max_by(|a, b| {
        a.1.per_host
            .cmp(&b.1.per_host)
            .then(b.1.capacity.cmp(&a.1.capacity))
    });
    let most_headroom = fits.iter().max_by(|a, b| {
        a.1.headroom
            .cmp(&b.1.headroom)
            .then(b.1.per_host.cmp(&a.1.per_host))
    });
    [
        (RecommendationKind::Smallest, smallest),
        (RecommendationKind::Densest, densest),
        (RecommendationKind::MostHeadroom, most_headroom),
    ]
    .into_iter()
    .filter_map(|(kind, pick)| pick.map(|(i, _)| Recommendation { kind, option: *i }))
    .collect()
}

/// The fewest GPUs of this kind that hold the workload, laid out as an engine
/// runs it (tensor parallel within a host, pipeline stages across hosts), with
/// the margin on every GPU.
fn split(gpu: &Gpu, demand: &Demand, s: &FitSettings, gpus_per_host: u32) -> Option<MultiGpu> {
    let (capacity, _) = full_gpu(gpu, s);
    let (fewest, layout) = fewest_gpus(
        demand,
        capacity,
        s.margin_percent,
        gpus_per_host,
        gpu.nvswitch(),
        nvlink_group(gpu, gpus_per_host),
    )?;
    Some(row(gpu, demand, s, gpus_per_host, fewest, layout))
}

/// A GPU that holds the workload alone, split over `n` of them in tensor
/// parallel within one host to run faster: the row, when the heads (and, on
/// NVSwitch, a partition) accept `n` and a host of the catalog's cards has `n`.
pub fn faster_split(gpu: &Gpu, demand: &Demand, s: &FitSettings, n: u32) -> Option<MultiGpu> {
    let per_host = gpu.per_host(s.cards_per_host.clamp(1, MAX_CARDS_PER_HOST));
    let l = layout(n, per_host, demand.heads, gpu.nvswitch());
    if n < 2 || l.gpus() != n || l.pipeline != 1 || demand.batch > 0 {
        return None;
    }
    let mut m = row(gpu, demand, s, per_host, 1, l);
    m.rounding = None;
    m.note = format!(
        "One GPU holds the workload; {n} in tensor parallel run it faster. {}",
        m.note
    );
    Some(m)
}

/// The row of `layout` for this GPU: its interconnect, notes and memory per GPU.
fn row(
    gpu: &Gpu,
    demand: &Demand,
    s: &FitSettings,
    gpus_per_host: u32,
    fewest: u32,
    layout: Layout,
) -> MultiGpu {
    let (capacity, _) = full_gpu(gpu, s);
    let n = layout.gpus();
    let hosts = layout.hosts;
    let rounding = rounding(demand, fewest, layout, gpus_per_host, gpu.nvswitch());
    let group = nvlink_group(gpu, gpus_per_host);
    let pcie = match gpu.pcie_gen {
        Some(g) => format!("PCIe Gen{g}"),
        None => "PCIe".to_string(),
    };
    let topology = |note: &str| {
        if note.is_empty() {
            String::new()
        } else {
            format!(" ({note})")
        }
    };
    let interconnect = if gpu.nvlink.supported {
        let link = match gpu.nvlink.bandwidth_gbps {
            Some(bw) => format!("NVLink, {bw} GB/s per GPU{}", topology(&gpu.nvlink.note)),
            None => format!("NVLink{}", topology(&gpu.nvlink.note)),
        };
        if layout.tensor > group {
            format!("{link}; {pcie} between the pairs")
        } else {
            link
        }
    } else {
        format!("{pcie} only (no NVLink)")
    };
    let mut note = if layout.data > 1 {
        let link = if layout.hosts > 1 {
            "over the network between the hosts"
        } else if gpu.nvlink.supported && layout.data <= group {
            "over NVLink"
        } else if gpu.nvlink.supported {
            "over NVLink in pairs and PCIe between them"
        } else {
            "over PCIe"
        };
        format!(
            "Data parallelism: each GPU keeps the whole model, its training state and overhead, and takes {} of the batch of {}; in training the gradients are all-reduced every iteration {link}.",
            crate::units::group_digits(demand.batch.div_ceil(u64::from(layout.data))),
            crate::units::group_digits(demand.batch)
        )
    } else if gpu.nvlink.supported && layout.tensor <= group {
        "Tensor parallelism within the NVLink domain; passthrough or full-framebuffer vGPUs in one VM.".to_string()
    } else if gpu.nvlink.supported {
        format!(
            "NVLink bridges join {}: tensor parallelism over {} runs at PCIe's speed between them; pipeline parallelism needs less of it.",
            bridged(group),
            layout.tensor
        )
    } else if layout.tensor > 1 {
        "Without NVLink, tensor parallelism runs over PCIe: slower per token than over NVLink; pipeline parallelism needs less of the link.".to_string()
    } else {
        "Without NVLink, the stages pass activations over PCIe.".to_string()
    };
    if let Some(v) = demand.vllm {
        note.push_str(if v.over_nvlink(layout, group) {
            " Under vLLM every GPU holds NCCL and custom all-reduce buffers for its NVLink peers (about 2.1 GiB of non-torch memory and 1 GiB of CUDA context more than one GPU alone, on H100)."
        } else {
            " Under vLLM over PCIe there are no custom all-reduce buffers: each GPU's non-torch memory and CUDA context stay near one GPU's alone."
        });
    }
    if hosts > 1 {
        note.push_str(&format!(
            " Spans {hosts} hosts of {gpus_per_host} GPUs: needs a fast network (RDMA, GPUDirect)."
        ));
    }
    if !gpu.vgpu.p2p_types.is_empty() {
        note.push_str(&format!(
            " vGPU peer-to-peer: {}.",
            gpu.vgpu.p2p_types.join(", ")
        ));
    }
    MultiGpu {
        gpu_id: gpu.id.clone(),
        gpu_name: gpu.name.clone(),
        form_class: gpu.form_class().to_string(),
        gpus: n,
        fewest,
        layout,
        rounding,
        per_gpu: demand.per_gpu_in(layout, nvlink_group(gpu, gpus_per_host)),
        capacity,
        hosts,
        interconnect,
        note,
        speed: None,
        target_gpus: None,
    }
}
