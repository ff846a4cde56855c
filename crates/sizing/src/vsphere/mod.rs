//! Deploying an option on vSphere: the VM's settings, the host checklist and the
//! release and device-limit checks for one fit option or multi-GPU layout — the
//! "deployment sheet". Every item says why and cites the article it follows
//! ([`rules::Source`]); [`export`] writes it as Markdown and as a PowerCLI script.

pub mod export;
pub mod rules;

use serde::{Deserialize, Serialize};

use crate::catalog::{Catalog, DeploymentMode, FitOption, FitStatus, Fits, Gpu, Layout, MultiGpu};
use crate::speed::{Detail, layout_key, option_key};
pub use rules::{CardNvlink, MmioBasis, NvlinkGen, Release, Source};

/// How the VM gets its GPU.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SheetKind {
    /// One whole GPU by (Dynamic) DirectPath I/O.
    Passthrough,
    /// Several whole GPUs in one VM by (Dynamic) DirectPath I/O.
    MultiPassthrough,
    /// A whole GPU passed through, partitioned by MIG inside the guest.
    MigInGuest,
    /// A time-sliced C-series vGPU.
    TimeSlicedVgpu,
    /// A MIG-backed C-series vGPU.
    MigBackedVgpu,
}

impl SheetKind {
    pub fn label(self) -> &'static str {
        match self {
            SheetKind::Passthrough => "Full GPU by Dynamic DirectPath I/O (passthrough)",
            SheetKind::MultiPassthrough => "Several full GPUs by Dynamic DirectPath I/O",
            SheetKind::MigInGuest => "Full GPU by passthrough, MIG partitioned in the guest",
            SheetKind::TimeSlicedVgpu => "NVIDIA vGPU, time-sliced",
            SheetKind::MigBackedVgpu => "NVIDIA vGPU, MIG-backed",
        }
    }

    pub fn is_vgpu(self) -> bool {
        matches!(self, SheetKind::TimeSlicedVgpu | SheetKind::MigBackedVgpu)
    }
}

/// What an item of the sheet says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// A setting to make.
    Set,
    /// A setting that does not apply here, and why.
    NotApplicable,
    /// A check that passes.
    Ok,
    /// A check that fails: the deployment as asked will not work.
    Fails,
    /// A fact to know.
    Info,
}

impl Status {
    pub fn label(self) -> &'static str {
        match self {
            Status::Set => "set",
            Status::NotApplicable => "not needed",
            Status::Ok => "ok",
            Status::Fails => "fails",
            Status::Info => "note",
        }
    }
}

/// One line of the sheet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Item {
    /// Stable id: "mmio_size", "firmware", "sr_iov", "passthrough_limit", ….
    pub id: String,
    pub label: String,
    /// The setting as it is typed (`pciPassthru.64bitMMIOSizeGB = 128`), or the finding.
    pub value: String,
    pub status: Status,
    pub why: String,
    pub source: Source,
}

fn item(id: &str, label: &str, value: String, status: Status, why: String, source: Source) -> Item {
    Item {
        id: id.into(),
        label: label.into(),
        value,
        status,
        why,
        source,
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

fn is_one(n: &u32) -> bool {
    *n == 1
}

/// The VM's 64-bit MMIO window.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mmio {
    /// GB per GPU (or per vGPU device).
    pub per_gpu_gb: u64,
    pub devices: u32,
    /// GB to set: per GPU × devices, rounded up to a power of two.
    pub total_gb: u64,
    pub basis: MmioBasis,
    /// VM overhead memory the window costs, bytes.
    pub overhead_bytes: u64,
    /// "2 × 128 GB = 256 GB".
    pub formula: String,
}

/// VM firmware.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Firmware {
    Efi,
    Bios,
}

/// The deployment sheet of one option or layout.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Sheet {
    /// The option key (`gpu_id`, `gpu_id/profile`, `gpu_id×n`).
    pub key: String,
    pub label: String,
    pub gpu_id: String,
    pub gpu_name: String,
    pub kind: SheetKind,
    /// GPUs (passthrough) or vGPU devices the VM gets.
    pub devices: u32,
    /// VMs the deployment takes: 1, one per host when a layout spans hosts,
    /// or as many as the replicas take.
    #[serde(skip_serializing_if = "is_one")]
    pub vms: u32,
    /// Devices of the last VM when it has fewer than `devices` (0: all alike).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub last_devices: u32,
    pub release: Release,
    pub tkg: bool,
    /// The vGPU type ("A100-40C"), for vGPU.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vgpu_type: Option<String>,
    /// The string vSphere shows for it (`grid_a100-40c`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vgpu_string: Option<String>,
    /// `None` when the GPU needs no 64-bit MMIO (T4).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mmio: Option<Mmio>,
    pub firmware: Firmware,
    /// VM settings.
    pub vm: Vec<Item>,
    /// Host (BIOS, ESXi, driver) and vCenter checklist.
    pub host: Vec<Item>,
    /// Release and device-limit checks.
    pub checks: Vec<Item>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nvlink: Option<CardNvlink>,
}

impl Sheet {
    /// Devices over all its VMs.
    pub fn total_devices(&self) -> u32 {
        let vms = self.vms.max(1);
        let last = if self.last_devices == 0 {
            self.devices
        } else {
            self.last_devices
        };
        self.devices.saturating_mul(vms - 1).saturating_add(last)
    }

    /// "2 VMs, one per host, 8 GPUs each", for the exports; empty for one VM.
    pub fn vms_words(&self) -> String {
        if self.vms <= 1 {
            return String::new();
        }
        let device = if self.kind.is_vgpu() { "vGPU" } else { "GPU" };
        let each = vm_sizes(
            self.devices,
            if self.last_devices == 0 {
                self.devices
            } else {
                self.last_devices
            },
            device,
        );
        if self.kind.is_vgpu() {
            format!(
                "{}, one per replica, {each}",
                crate::units::count(u64::from(self.vms), "VM", "VMs")
            )
        } else {
            format!(
                "{}, one per host, {each}",
                crate::units::count(u64::from(self.vms), "VM", "VMs")
            )
        }
    }

    /// Whether every check passes.
    pub fn deployable(&self) -> bool {
        self.checks.iter().all(|c| c.status != Status::Fails)
    }

    pub fn items(&self) -> impl Iterator<Item = &Item> {
        self.vm.iter().chain(&self.host).chain(&self.checks)
    }
}

/// The vSphere side of a scenario's deployment question.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Target {
    pub release: Release,
    /// The VM is a Tanzu Kubernetes Grid worker node (512 GB MMIO by default).
    pub tkg: bool,
    /// Mixed-size vGPU mode on the host.
    pub mixed_size: bool,
}

impl Target {
    pub fn of(d: &crate::scenario::Deployment) -> Target {
        Target {
            release: d.vsphere,
            tkg: d.tkg,
            mixed_size: d.vgpu_mode == crate::catalog::VgpuMode::MixedSize,
        }
    }
}

/// The sheet of the option the speed card details (`detail`), or else of the
/// smallest fit, or else of the first multi-GPU layout. A training run of
/// several data-parallel replicas deploys them all, on the user's hosts of
/// that GPU (`fleet`) where they have them.
pub fn for_report(
    fits: &Fits,
    detail: Option<&Detail>,
    catalog: &Catalog,
    t: Target,
    fleet: &[crate::fleet::FleetAnswer],
) -> Option<Sheet> {
    let replicas = detail.map_or(1, |d| d.replicas.max(1));
    let cards = fits
        .cards_per_host
        .clamp(1, crate::catalog::MAX_CARDS_PER_HOST);
    let per_host = |gpu: &str| {
        fleet
            .iter()
            .find(|a| a.gpu_id == gpu)
            .map(|a| a.gpus_per_host)
            .or_else(|| catalog.gpu(gpu).map(|g| g.per_host(cards)))
            .unwrap_or(1)
            .max(1)
    };
    let option = |i: usize| {
        let o = fits.options.get(i)?;
        let key = option_key(&o.gpu_id, o.profile.as_deref());
        let copies = Copies {
            gpus: fits.demand.copy_gpus.max(1),
            replicas,
            per_host: per_host(&o.gpu_id),
        };
        for_option(o, copies, catalog, t, key)
    };
    // A row's layout as the speed card details it, or the row's own.
    let layout = |i: usize, parallel: Option<Layout>| {
        let m = fits.multi_gpu.get(i)?;
        let l = parallel.unwrap_or(m.layout);
        let copies = Copies {
            gpus: l.gpus(),
            replicas,
            per_host: per_host(&m.gpu_id),
        };
        for_layout(m, l, copies, catalog, t, layout_key(&m.gpu_id, l.gpus()))
    };
    match detail {
        Some(Detail {
            option: Some(i), ..
        }) => option(*i),
        Some(Detail {
            layout: Some(i),
            parallel,
            ..
        }) => layout(*i, *parallel),
        // No detail (a known demand): the user's own GPU first, as the speed
        // card would have it, then the smallest fit an ESXi host runs.
        _ => fleet
            .iter()
            .find_map(|a| {
                let o = a.one.as_ref()?;
                let k = option_key(&o.gpu_id, o.profile.as_deref());
                fits.options
                    .iter()
                    .position(|x| option_key(&x.gpu_id, x.profile.as_deref()) == k)
            })
            .and_then(option)
            .or_else(|| match crate::speed::smallest_on_esxi(fits) {
                Some((crate::speed::Pick::Option(i), _)) => option(i),
                _ => None,
            })
            .or_else(|| {
                fits.options
                    .iter()
                    .position(|o| o.status == FitStatus::Fits)
                    .and_then(option)
            })
            .or_else(|| layout(0, None)),
    }
}

/// What a deployment puts on GPUs: copies of `gpus` devices each, `replicas`
/// of them (data parallelism), on hosts of `per_host` GPUs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Copies {
    pub gpus: u32,
    pub replicas: u32,
    pub per_host: u32,
}

impl Copies {
    fn total(&self) -> u32 {
        self.gpus.max(1).saturating_mul(self.replicas.max(1))
    }
}

/// `total` devices in VMs of `per_vm`, the last with the rest: (devices of a
/// full VM, VMs, devices of the last).
fn fill(total: u32, per_vm: u32) -> (u32, u32, u32) {
    let per_vm = per_vm.clamp(1, total.max(1));
    let vms = total.max(1).div_ceil(per_vm);
    let last = total.max(1) - per_vm * (vms - 1);
    (per_vm, vms, last)
}

/// "8 GPUs each" or "8 GPUs, the last 1 GPU".
fn vm_sizes(per_vm: u32, last: u32, device: &str) -> String {
    let n = |k: u32| crate::units::count(u64::from(k), device, &format!("{device}s"));
    if last == per_vm {
        format!("{} each", n(per_vm))
    } else {
        format!("{}, the last {}", n(per_vm), n(last))
    }
}

/// The item saying why a deployment takes several VMs for its replicas.
fn replicas_item(c: Copies, vms: u32, per_vm: u32, last: u32, device: &str) -> Item {
    let what = if device == "GPU" {
        "a VM runs on one host"
    } else {
        "each replica's vGPUs go in a VM of their own"
    };
    item(
        "vm_count",
        "VMs",
        format!("{vms} VMs, {}", vm_sizes(per_vm, last, device)),
        Status::Set,
        format!(
            "data parallel {} as set: {} in all, and {what}; the replicas all-reduce their gradients over the network every iteration — RDMA-capable NICs (GPUDirect RDMA through passthrough) keep it short",
            c.replicas,
            crate::units::count(u64::from(c.total()), device, &format!("{device}s"))
        ),
        Source::MultiGpu,
    )
}

/// The sheet for a fit option: `c.gpus` of them in one VM (a copy that runs
/// on several GPUs or vGPUs, each on a GPU of its own), and with several
/// replicas, as many whole copies per VM as a host holds (vGPUs: one copy
/// per VM).
pub fn for_option(
    o: &FitOption,
    c: Copies,
    catalog: &Catalog,
    t: Target,
    key: String,
) -> Option<Sheet> {
    let gpu = catalog.gpu(&o.gpu_id)?;
    let passthrough = o.mode == DeploymentMode::Passthrough;
    // NVSwitch-connected vGPUs go to a VM in device groups of 2, 4 or 8: a
    // copy on 3 takes a group of 4, the fourth idle.
    let vgpu = matches!(
        o.mode,
        DeploymentMode::TimeSlicedVgpu | DeploymentMode::MigBackedVgpu
    );
    let grouped = (vgpu && c.gpus > 1 && rules::on_nvswitch(gpu))
        .then(|| rules::nvswitch_group(c.gpus))
        .flatten()
        .filter(|&g| g != c.gpus)
        .map(|g| (c.gpus, g));
    let c = match grouped {
        Some((_, g)) => Copies { gpus: g, ..c },
        None => c,
    };
    let copy = c.gpus.max(1);
    let per_vm = if passthrough {
        (c.per_host / copy).max(1).saturating_mul(copy)
    } else {
        copy
    };
    let (per_vm, vms, last) = fill(c.total(), per_vm);
    let kind = match o.mode {
        DeploymentMode::Passthrough if per_vm > 1 => SheetKind::MultiPassthrough,
        DeploymentMode::Passthrough => SheetKind::Passthrough,
        DeploymentMode::Mig => SheetKind::MigInGuest,
        DeploymentMode::TimeSlicedVgpu => SheetKind::TimeSlicedVgpu,
        DeploymentMode::MigBackedVgpu => SheetKind::MigBackedVgpu,
    };
    let vgpu_type = kind.is_vgpu().then(|| o.profile.clone()).flatten();
    let device = if passthrough { "GPU" } else { "device" };
    let label = match (c.total(), vms) {
        (1, _) => o.label(),
        (n, 1) => format!("{n} × {}", o.label()),
        (n, v) => format!(
            "{n} × {} in {v} VMs, {}",
            o.label(),
            vm_sizes(per_vm, last, device)
        ),
    };
    let mut s = build(gpu, kind, per_vm, vgpu_type, t, key, label);
    s.vms = vms;
    s.last_devices = if last == per_vm { 0 } else { last };
    if vms > 1 {
        s.vm.insert(0, replicas_item(c, vms, per_vm, last, device));
    }
    if let Some((n, g)) = grouped {
        s.vm.insert(
            0,
            item(
                "device_group",
                "Device group",
                format!("{g} vGPUs for a copy on {n}"),
                Status::Set,
                format!(
                    "NVSwitch-connected vGPUs are assigned to a VM in groups of 2, 4 or 8: the VM gets {g}, {} idle; a copy split {g} ways would use them all",
                    if g - n == 1 {
                        "one".to_string()
                    } else {
                        format!("{} of them", g - n)
                    }
                ),
                Source::MultiGpu,
            ),
        );
    }
    Some(s)
}

/// The sheet for a multi-GPU layout: one VM with all its GPUs, or, when the
/// layout spans hosts, one VM per host with that host's GPUs (a VM runs on one
/// host; the pipeline stages pass activations between the VMs over the
/// network), whole stages to a VM. Several replicas take as many whole copies
/// per VM as a host holds.
pub fn for_layout(
    m: &MultiGpu,
    l: Layout,
    c: Copies,
    catalog: &Catalog,
    t: Target,
    key: String,
) -> Option<Sheet> {
    let gpu = catalog.gpu(&m.gpu_id)?;
    let n = l.gpus().max(1);
    let total = n.saturating_mul(c.replicas.max(1));
    let per_host = c.per_host.max(1);
    let spans = n > per_host;
    let (per_vm, vms, last) = if spans {
        // Whole tensor-parallel groups to a host; each copy on VMs of its own.
        let stage = l.tensor.max(1);
        let (per_vm, per_copy, last) = fill(n, (per_host / stage).max(1).saturating_mul(stage));
        (per_vm, per_copy.saturating_mul(c.replicas.max(1)), last)
    } else {
        fill(total, (per_host / n).max(1).saturating_mul(n))
    };
    let label = if vms == 1 {
        format!("{total} × {}", m.gpu_name)
    } else {
        format!(
            "{total} × {} in {vms} VMs, {}",
            m.gpu_name,
            vm_sizes(per_vm, last, "GPU")
        )
    };
    let mut s = build(
        gpu,
        SheetKind::MultiPassthrough,
        per_vm,
        None,
        t,
        key,
        label,
    );
    s.vms = vms;
    s.last_devices = if last == per_vm { 0 } else { last };
    if c.replicas > 1 && !spans && vms > 1 {
        s.vm.insert(0, replicas_item(c, vms, per_vm, last, "GPU"));
    } else if vms > 1 {
        let how = crate::report::words::layout(l);
        let replicas = if c.replicas > 1 {
            format!(
                "; data parallel {} as set, the replicas also all-reduce their gradients over the network",
                c.replicas
            )
        } else {
            String::new()
        };
        let what = if l.data > 1 {
            "each host's replicas run in a VM of their own, and in training their gradients are all-reduced over the network every iteration — RDMA-capable NICs (GPUDirect RDMA through passthrough) keep it short"
        } else {
            "each host's stages run in a VM of their own, and the stages hand their activations on over the network — RDMA-capable NICs (GPUDirect RDMA through passthrough) keep the hand-overs short"
        };
        s.vm.insert(
            0,
            item(
                "vm_count",
                "VMs",
                format!("{vms} VMs, one per host, {}", vm_sizes(per_vm, last, "GPU")),
                Status::Set,
                format!(
                    "one copy runs as {how} on hosts of {per_host} GPUs, and a VM cannot span hosts: {what}{replicas}"
                ),
                Source::MultiGpu,
            ),
        );
    }
    Some(s)
}

/// A sheet for a split of the user's GPU that their hosts of that kind cannot
/// hold gets a failing check saying so.
pub fn check_fleet(sheet: &mut Sheet, fleet: &[crate::fleet::FleetAnswer]) {
    let Some(a) = fleet.iter().find(|a| a.gpu_id == sheet.gpu_id) else {
        return;
    };
    let have = a.gpus_per_host.saturating_mul(a.hosts);
    let gpus = sheet.total_devices();
    let yours = format!(
        "your hosts of this kind ({} × {} per host)",
        crate::units::count(u64::from(a.hosts), "host", "hosts"),
        a.gpus_per_host
    );
    let (value, why) = match &a.split {
        Some(split) if !split.in_fleet && gpus == split.layout.gpus() => (
            format!(
                "one copy needs {} on {}; yours have {}",
                crate::units::count(u64::from(gpus), "GPU", "GPUs"),
                crate::units::count(u64::from(split.layout.hosts), "host", "hosts"),
                crate::units::count(u64::from(have), "GPU", "GPUs")
            ),
            format!("{yours} cannot hold one copy laid out this way"),
        ),
        // Whole GPUs the deployment takes, replicas and all.
        _ if !sheet.kind.is_vgpu() && sheet.kind != SheetKind::MigInGuest && gpus > have => (
            format!(
                "the deployment needs {}; yours have {}",
                crate::units::count(u64::from(gpus), "GPU", "GPUs"),
                crate::units::count(u64::from(have), "GPU", "GPUs")
            ),
            format!("{yours} cannot hold every replica the scenario sets"),
        ),
        _ => return,
    };
    sheet.checks.push(check(
        "fleet_hosts",
        "Your hosts",
        false,
        value,
        why,
        Source::Placement,
    ));
}

pub fn build(
    gpu: &Gpu,
    kind: SheetKind,
    devices: u32,
    vgpu_type: Option<String>,
    t: Target,
    key: String,
    label: String,
) -> Sheet {
    let mmio = rules::mmio_per_gpu_gb(gpu).map(|(per, basis)| {
        // The window must be a power of two (Broadcom KB 323402): the sum,
        // rounded up (3 × 128 GB = 384 GB → 512 GB).
        let sum = per.saturating_mul(u64::from(devices));
        let total = sum.checked_next_power_of_two().unwrap_or(sum);
        Mmio {
            per_gpu_gb: per,
            devices,
            total_gb: total,
            basis,
            overhead_bytes: rules::mmio_overhead_bytes(total),
            formula: {
                let sum_text = if devices == 1 {
                    format!("{per} GB")
                } else {
                    format!("{devices} × {per} GB = {sum} GB")
                };
                if total == sum {
                    sum_text
                } else {
                    format!("{sum_text}, rounded up to a power of two: {total} GB")
                }
            },
        }
    });
    let firmware = if rules::small_bar1_mib(gpu).is_some() {
        Firmware::Bios
    } else {
        Firmware::Efi
    };
    let vgpu_string = vgpu_type.as_deref().map(rules::vgpu_string);
    let mut s = Sheet {
        key,
        label,
        gpu_id: gpu.id.clone(),
        gpu_name: gpu.name.clone(),
        kind,
        devices,
        vms: 1,
        last_devices: 0,
        release: t.release,
        tkg: t.tkg,
        vgpu_type,
        vgpu_string,
        mmio,
        firmware,
        vm: Vec::new(),
        host: Vec::new(),
        checks: Vec::new(),
        nvlink: rules::card_nvlink(gpu),
    };
    s.vm = vm_items(gpu, &s);
    s.host = host_items(gpu, &s, t);
    s.checks = checks(gpu, &s, t);
    s
}

fn vm_items(gpu: &Gpu, s: &Sheet) -> Vec<Item> {
    let mut v = Vec::new();
    let t4 = rules::small_bar1_mib(gpu);
    match &s.mmio {
        Some(m) => {
            v.push(item(
                "mmio_enable",
                "64-bit MMIO",
                "pciPassthru.use64bitMMIO = TRUE".into(),
                Status::Set,
                "the GPU's BARs do not fit in the 32-bit address space below 4 GB".into(),
                Source::EsxiSettings,
            ));
            let basis = match m.basis {
                MmioBasis::Table => "NVIDIA's table for this GPU",
                MmioBasis::Rule => {
                    "the article's rule: the framebuffer rounded up to a power of two, then the next power of two"
                }
            };
            let (status, why) = if s.tkg && m.total_gb <= rules::TKG_MMIO_GB {
                (
                    Status::NotApplicable,
                    format!(
                        "Tanzu Kubernetes Grid GPU worker nodes get {} GB by default, enough for {} ({basis}, summed over the VM's devices)",
                        rules::TKG_MMIO_GB,
                        m.formula
                    ),
                )
            } else {
                (
                    Status::Set,
                    if s.tkg {
                        format!(
                            "{} per VM ({basis}, summed over the VM's devices): more than the {} GB Tanzu Kubernetes Grid GPU worker nodes get by default",
                            m.formula,
                            rules::TKG_MMIO_GB
                        )
                    } else {
                        format!(
                            "{} per VM ({basis}, summed over the VM's devices); the default window is {} GB",
                            m.formula,
                            rules::DEFAULT_MMIO_GB
                        )
                    },
                )
            };
            v.push(item(
                "mmio_size",
                "64-bit MMIO size",
                format!("pciPassthru.64bitMMIOSizeGB = {}", m.total_gb),
                status,
                why,
                Source::EsxiSettings,
            ));
            v.push(item(
                "mmio_overhead",
                "VM overhead of the MMIO window",
                format!("{:.2} MiB", rules::mmio_overhead_mib(m.total_gb)),
                Status::Info,
                "reserved with the VM once a GPU is attached: measured 82.91 MiB at 128 GB and 97.03 MiB at 512 GB (773.91 MiB without a GPU); other sizes on a log scale between them. vSphere shows these as MB".into(),
                Source::EsxiSettings,
            ));
        }
        None => {
            v.push(item(
                "mmio_enable",
                "64-bit MMIO",
                "not needed".into(),
                Status::NotApplicable,
                format!(
                    "the {}'s BAR1 is {} MB, 32-bit: it fits below 4 GB",
                    gpu.name,
                    t4.unwrap_or(256)
                ),
                Source::EsxiSettings,
            ));
        }
    }
    v.push(match s.firmware {
        Firmware::Efi => item(
            "firmware",
            "Firmware",
            "EFI".into(),
            Status::Set,
            "EFI is required when BAR1 is larger than 256 MB; changing BIOS to EFI later needs a guest reinstall, so start from an EFI template".into(),
            Source::EsxiSettings,
        ),
        Firmware::Bios => item(
            "firmware",
            "Firmware",
            "BIOS or EFI".into(),
            Status::NotApplicable,
            format!(
                "the {}'s BAR1 is {} MB, so BIOS boots; EFI is required only above 256 MB",
                gpu.name,
                t4.unwrap_or(256)
            ),
            Source::EsxiSettings,
        ),
    });
    let auto = s.release >= Release::V80;
    v.push(item(
        "memory_reservation",
        "Memory reservation",
        "Reserve all guest memory (All locked)".into(),
        Status::Set,
        format!(
            "DMA uses host physical addresses and a page fault cannot be served mid-transfer{}",
            if auto {
                "; vSphere 8 sets it when the device is added"
            } else {
                ""
            }
        ),
        Source::EsxiSettings,
    ));
    v.push(item(
        "guest_os",
        "Guest OS",
        "64-bit".into(),
        Status::Set,
        "passthrough and vGPU need a 64-bit guest; GPUDirect RDMA on vGPU needs Linux".into(),
        Source::EsxiSettings,
    ));
    match s.kind {
        SheetKind::Passthrough | SheetKind::MultiPassthrough | SheetKind::MigInGuest => {
            v.push(item(
                "device",
                "PCI device",
                format!(
                    "{} × Dynamic DirectPath I/O device ({})",
                    s.devices, gpu.name
                ),
                Status::Set,
                "Dynamic DirectPath I/O binds by vendor and device ID (Assignable Hardware), so DRS can place the VM and HA restart it; it needs VM hardware version 17 or later".into(),
                Source::DynamicDirectPath,
            ));
            if s.kind == SheetKind::MigInGuest {
                v.push(item(
                    "mig_guest",
                    "MIG",
                    "enable MIG mode in the guest (nvidia-smi -mig 1), then create the instance".into(),
                    Status::Set,
                    "a passthrough GPU is partitioned by the guest's driver; on vSphere a MIG slice per VM is the MIG-backed vGPU type instead".into(),
                    Source::Fractional,
                ));
            }
        }
        SheetKind::TimeSlicedVgpu | SheetKind::MigBackedVgpu => {
            v.push(item(
                "device",
                "vGPU profile",
                s.vgpu_string.clone().unwrap_or_default(),
                Status::Set,
                format!(
                    "add {} of type NVIDIA GRID vGPU with profile {} ({})",
                    if s.devices > 1 {
                        format!("{} PCI devices, each", s.devices)
                    } else {
                        "a PCI device".to_string()
                    },
                    s.vgpu_string.as_deref().unwrap_or_default(),
                    s.vgpu_type.as_deref().unwrap_or_default()
                ),
                Source::Vsphere8U1,
            ));
        }
    }
    v
}

fn host_items(gpu: &Gpu, s: &Sheet, t: Target) -> Vec<Item> {
    let mut h = Vec::new();
    let t4 = rules::small_bar1_mib(gpu).is_some();
    let vgpu = s.kind.is_vgpu();
    h.push(item(
        "vt_d",
        "BIOS: Intel VT-d / AMD IOMMU",
        "enabled".into(),
        Status::Set,
        "passthrough and vGPU both need it; `esxcfg-info | grep \"HV Support\"` shows 3 when it is on (2: supported but off in the BIOS)".into(),
        Source::EsxiSettings,
    ));
    let sr_iov_needed = vgpu
        && (gpu.mig.is_some()
            || t4
            || gpu.architecture.starts_with("Ampere")
            || gpu.architecture.starts_with("Hopper")
            || gpu.architecture.starts_with("Ada")
            || gpu.architecture.starts_with("Blackwell"));
    h.push(item(
        "sr_iov",
        "BIOS: SR-IOV (global)",
        if sr_iov_needed {
            "enabled"
        } else {
            "not needed"
        }
        .into(),
        if sr_iov_needed {
            Status::Set
        } else {
            Status::NotApplicable
        },
        if sr_iov_needed {
            "vGPU on Ampere and later (and on the T4) uses SR-IOV virtual functions".into()
        } else if vgpu {
            format!("vGPU on {} does not use SR-IOV", gpu.architecture)
        } else {
            "passthrough gives the whole physical function to the VM".into()
        },
        Source::EsxiSettings,
    ));
    h.push(item(
        "above_4g",
        "BIOS: memory-mapped I/O above 4 GB",
        if t4 { "not needed" } else { "enabled" }.into(),
        if t4 {
            Status::NotApplicable
        } else {
            Status::Set
        },
        if t4 {
            "the T4's 32-bit 256 MB BAR1 maps below 4 GB".into()
        } else {
            "also called above 4G decoding or 64-bit BAR: the GPU's BAR1 is mapped above 4 GB"
                .into()
        },
        Source::EsxiSettings,
    ));
    h.push(item(
        "power",
        "BIOS: power profile",
        "High Performance".into(),
        Status::Set,
        "NVIDIA's AI Enterprise guide: set the Power Setting or System Profile to High Performance (and CPU Performance to Enterprise or High Throughput where offered)".into(),
        Source::NvidiaVgpu,
    ));
    if vgpu {
        h.push(item(
            "graphics",
            "ESXi default graphics type",
            "Shared Direct".into(),
            Status::Set,
            "NVIDIA vGPU devices use Shared Direct: `esxcli graphics host set --default-type SharedPassthru`, then restart xorg".into(),
            Source::DynamicDirectPath,
        ));
        h.push(item(
            "driver",
            "Host driver",
            "NVIDIA AI Enterprise vGPU Manager (NVD-AIE VIB)".into(),
            Status::Set,
            if rules::compute_only(gpu) {
                format!("the {} is compute-only and needs the AI Enterprise (NVD-AIE) branch, not the graphics vGPU package; keep host and guest drivers of one release", gpu.name)
            } else {
                "install the AI Enterprise host VIB (through a vLCM image); keep host and guest drivers of one release".into()
            },
            Source::VgpuDriver,
        ));
        h.push(item(
            "hotmigrate",
            "vCenter: vgpu.hotmigrate.enabled",
            "true".into(),
            Status::Set,
            "needed for vMotion of vGPU VMs".into(),
            Source::EsxiSettings,
        ));
    } else {
        h.push(item(
            "graphics",
            "ESXi device",
            "Toggle passthrough (active type Direct)".into(),
            Status::Set,
            "the GPU is reserved for passthrough; only the guest needs an NVIDIA driver".into(),
            Source::DynamicDirectPath,
        ));
    }
    match s.kind {
        SheetKind::MigBackedVgpu => h.push(item(
            "mig_mode",
            "MIG mode on the GPU",
            "nvidia-smi -i <gpu> -mig 1 on the host".into(),
            Status::Set,
            format!(
                "ESXi creates the GPU instance when the VM powers on{}; a GPU in MIG mode serves MIG-backed vGPUs only, never full or multi-GPU vGPUs",
                if gpu.architecture.starts_with("Ampere") {
                    "; Ampere needs a host reboot after enabling"
                } else {
                    ""
                }
            ),
            Source::Placement,
        )),
        SheetKind::TimeSlicedVgpu => h.push(item(
            "vgpu_mode",
            "vGPU mode of the GPU",
            if t.mixed_size { "Mixed size" } else { "Same size" }.into(),
            Status::Set,
            if t.mixed_size {
                "sizes may differ on one GPU, each at one of its placement IDs; the assignment policy is ignored".into()
            } else {
                "the first vGPU locks the GPU to its framebuffer size; the host's GPU assignment policy (spread or group) picks the GPU".into()
            },
            Source::Placement,
        )),
        _ => {}
    }
    h
}

fn check(id: &str, label: &str, ok: bool, value: String, why: String, source: Source) -> Item {
    item(
        id,
        label,
        value,
        if ok { Status::Ok } else { Status::Fails },
        why,
        source,
    )
}

fn checks(gpu: &Gpu, s: &Sheet, t: Target) -> Vec<Item> {
    let mut c = Vec::new();
    if gpu.arm_host() {
        c.push(check(
            "esxi_arm",
            "ESXi on this host",
            false,
            format!("{}: an Arm (Grace) host", gpu.name),
            "no source shows ESXi supporting Grace Hopper superchips; their vGPU types are for KVM"
                .into(),
            Source::NvidiaVgpu,
        ));
    }
    let r = t.release;
    match s.kind {
        SheetKind::Passthrough | SheetKind::MultiPassthrough | SheetKind::MigInGuest => {
            let limit = r.passthrough_per_vm();
            c.push(check(
                "passthrough_limit",
                "Passthrough devices per VM",
                s.devices <= limit,
                format!("{} of {limit}", s.devices),
                format!(
                    "{} allows {limit} (Dynamic) DirectPath I/O devices per VM (16 on 7.x, 32 on 8.0, 64 on 8.0 U1, 128 from 8.0 U2)",
                    r.label()
                ),
                Source::DirectPathKb,
            ));
            if s.kind == SheetKind::MultiPassthrough {
                multi_gpu_checks(gpu, s, t, &mut c);
            }
        }
        SheetKind::TimeSlicedVgpu => {
            if t.mixed_size {
                c.push(check(
                    "mixed_size",
                    "Mixed-size vGPU mode",
                    r >= Release::V80U3 && gpu.vgpu.mixed_size_supported,
                    if gpu.vgpu.mixed_size_supported {
                        format!("needs vSphere 8.0 U3; {}", r.label())
                    } else {
                        "not on this GPU".to_string()
                    },
                    if gpu.vgpu.mixed_size_supported {
                        "mixed-size mode came with vSphere 8.0 U3 (Ampere and later)".into()
                    } else {
                        format!("the {} does not support mixed-size mode", gpu.name)
                    },
                    Source::Placement,
                ));
            }
            if s.devices > 1 {
                // Several vGPUs in one VM: any C-series types from vSphere 8.0,
                // only full-framebuffer ones (one per GPU) before it.
                let full = s.vgpu_type.as_deref().is_some_and(|name| {
                    gpu.vgpu
                        .time_sliced
                        .iter()
                        .any(|v| v.name == name && v.max_per_gpu == 1)
                });
                c.push(check(
                    "multi_vgpu_type",
                    "Several vGPUs in one VM",
                    r >= Release::V80 || full,
                    if full {
                        "full-framebuffer type".to_string()
                    } else {
                        format!(
                            "fractional type: needs vSphere 8.0 or later; this sheet is for {}",
                            r.label()
                        )
                    },
                    "vSphere 8.0 and later give a VM several C-series vGPUs of any size; 7.x only full-framebuffer types. Each vGPU sits on a GPU of its own".into(),
                    Source::Vsphere8,
                ));
                if rules::on_nvswitch(gpu) {
                    c.push(nvswitch_check(gpu, s.devices, r, "NVSwitch device group"));
                }
            }
            c.push(check(
                "vgpus_per_vm",
                "vGPU devices per VM",
                s.devices <= r.vgpus_per_vm(),
                format!("{} of {}", s.devices, r.vgpus_per_vm()),
                format!(
                    "{} allows {} vGPU devices per VM",
                    r.label(),
                    r.vgpus_per_vm()
                ),
                Source::Vsphere8,
            ));
        }
        SheetKind::MigBackedVgpu => {
            c.push(check(
                "mig_vgpu_release",
                "MIG-backed vGPU",
                r >= Release::V70U2,
                format!("needs vSphere 7.0 U2; {}", r.label()),
                "MIG-backed vGPUs (A100 and later) are supported from vSphere 7.0 U2".into(),
                Source::Fractional,
            ));
            c.push(item(
                "mig_nvlink",
                "NVLink",
                "not available".into(),
                Status::Info,
                "MIG does not support NVLink; a MIG GPU cannot back full-GPU or multi-GPU vGPUs"
                    .into(),
                Source::Fractional,
            ));
        }
    }
    if let Some(n) = s.nvlink
        && !matches!(s.kind, SheetKind::MigBackedVgpu | SheetKind::MigInGuest)
    {
        c.push(item(
            "nvlink",
            "NVLink",
            match n.links {
                Some(links) => format!(
                    "generation {}: {links} links, {} GB/s per GPU",
                    n.generation,
                    crate::input::number_text(n.gb_per_s)
                ),
                None => format!(
                    "generation {}: {} GB/s per GPU",
                    n.generation,
                    crate::input::number_text(n.gb_per_s)
                ),
            },
            Status::Info,
            if s.kind == SheetKind::TimeSlicedVgpu
                && !s
                    .vgpu_type
                    .as_deref()
                    .is_some_and(|t| gpu.vgpu.p2p_types.iter().any(|p| p == t))
            {
                "this vGPU type has no peer-to-peer: only the full-framebuffer types NVIDIA lists use NVLink between vGPUs; the others exchange data through host memory".into()
            } else if rules::on_nvswitch(gpu) {
                "SXM GPUs on an HGX baseboard reach every peer through NVSwitch".into()
            } else if gpu.form_class() == "SXM" {
                "SXM2 modules (DGX-1, HGX-1) link directly in a hybrid cube-mesh, without NVSwitch: each GPU has NVLink to four of the other seven".into()
            } else {
                let group = crate::catalog::nvlink_group(gpu, 2);
                format!(
                    "PCIe cards link through NVLink bridges in {}; traffic between them crosses PCIe and the ring runs at its slowest hop",
                    crate::catalog::bridged(group)
                )
            },
            Source::MultiGpu,
        ));
    }
    c
}

/// On a passthrough sheet of several GPUs: whether the same GPUs would also
/// work as full vGPUs in one VM, an alternative the sheet mentions (it does not
/// decide whether the sheet passes).
fn multi_gpu_checks(gpu: &Gpu, s: &Sheet, t: Target, c: &mut Vec<Item>) {
    let n = s.devices;
    let r = t.release;
    let max = r.vgpus_per_vm();
    if gpu.vgpu.time_sliced.is_empty() {
        return;
    }
    let mut alternative = if rules::on_nvswitch(gpu) {
        nvswitch_check(gpu, n, r, "As full vGPUs over NVSwitch")
    } else {
        check(
            "vgpus_per_vm",
            "As full vGPUs",
            n <= max,
            format!("{n} of {max} vGPU devices per VM"),
            format!(
                "{} allows {max} vGPU devices per VM{}",
                r.label(),
                if r < Release::V80 {
                    ", of full-framebuffer types only"
                } else {
                    ""
                }
            ),
            Source::Vsphere8,
        )
    };
    let would = if alternative.status == Status::Ok {
        "would work"
    } else {
        "would not work"
    };
    alternative.value = format!("{would}: {}", alternative.value);
    alternative.status = Status::Info;
    c.push(alternative);
}

/// `n` vGPUs of an NVSwitch baseboard in one VM: they are assigned in device
/// groups of 2, 4 or 8, from the release the GPU's generation needs.
fn nvswitch_check(gpu: &Gpu, n: u32, r: Release, label: &str) -> Item {
    let need = rules::nvswitch_release(gpu);
    let max = r.vgpus_per_vm();
    match rules::nvswitch_group(n) {
        Some(g) => check(
            "nvswitch_group",
            label,
            r >= need && g <= max,
            if g == n {
                format!("a device group of {g}")
            } else {
                format!("{n} GPUs round up to a device group of {g}")
            },
            format!(
                "NVSwitch-connected vGPUs are assigned in groups of 2, 4 or 8 and need {} ({} here); {} allows {max} vGPUs per VM",
                need.label(),
                r.label(),
                r.label()
            ),
            Source::MultiGpu,
        ),
        None => check(
            "nvswitch_group",
            label,
            false,
            format!("{n} GPUs exceed the largest device group, 8"),
            "NVSwitch device groups hold 2, 4 or 8 GPUs; split the model over several VMs (pipeline parallelism) or use passthrough".into(),
            Source::MultiGpu,
        ),
    }
}

#[cfg(test)]
mod tests;
