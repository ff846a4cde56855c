//! The ESXi-settings and multi-GPU articles' examples (domain-seeds §2.5, §2.2,
//! §2.9; worked examples 30–37).

use super::rules::{self, Release};
use super::*;
use crate::catalog::Catalog;

fn gpu(id: &str) -> &'static Gpu {
    Catalog::bundled()
        .gpu(id)
        .unwrap_or_else(|| panic!("{id} in the catalog"))
}

fn sheet(id: &str, kind: SheetKind, n: u32, vgpu: Option<&str>, release: Release) -> Sheet {
    let t = Target {
        release,
        ..Target::default()
    };
    build(
        gpu(id),
        kind,
        n,
        vgpu.map(str::to_string),
        t,
        id.into(),
        id.into(),
    )
}

fn item<'a>(s: &'a Sheet, id: &str) -> &'a Item {
    s.items()
        .find(|i| i.id == id)
        .unwrap_or_else(|| panic!("{id} on the sheet"))
}

#[test]
fn mmio_table_at_one_and_two_gpus() {
    // Worked example 31: V100 64/128, A30 64/128, A100-40 128/256, A100-80 256/512, H100-80 256/512.
    for (id, one, two) in [
        ("v100-pcie-16gb", 64, 128),
        ("v100-pcie-32gb", 64, 128),
        ("a30", 64, 128),
        ("a100-pcie-40gb", 128, 256),
        ("a100-pcie-80gb", 256, 512),
        ("h100-pcie-80gb", 256, 512),
    ] {
        let s1 = sheet(id, SheetKind::Passthrough, 1, None, Release::V80U3);
        let s2 = sheet(id, SheetKind::MultiPassthrough, 2, None, Release::V80U3);
        assert_eq!(s1.mmio.as_ref().unwrap().total_gb, one, "{id}");
        assert_eq!(s2.mmio.as_ref().unwrap().total_gb, two, "{id}");
        assert_eq!(
            item(&s2, "mmio_size").value,
            format!("pciPassthru.64bitMMIOSizeGB = {two}")
        );
    }
}

#[test]
fn the_rule_where_the_table_is_silent() {
    // A100 40 GB → 64 → 128 GB (worked example 30); the L40S (48 GB) is not in the table.
    assert_eq!(rules::mmio_rule_gb(40.0), 128);
    assert_eq!(rules::mmio_rule_gb(80.0), 256);
    let l40s = sheet("l40s", SheetKind::Passthrough, 1, None, Release::V80U3);
    let m = l40s.mmio.unwrap();
    assert_eq!((m.total_gb, m.basis), (128, MmioBasis::Rule));
}

#[test]
fn mmio_overhead_as_measured() {
    // Worked example 32: 773.91 → 856.82 MB at 128 GB (82.91), 870.94 at 512 GB.
    assert!((rules::mmio_overhead_mib(128) - 82.91).abs() < 1e-9);
    assert!((rules::mmio_overhead_mib(512) - 97.03).abs() < 1e-9);
    assert!((rules::mmio_overhead_mib(512) - rules::mmio_overhead_mib(128) - 14.12).abs() < 1e-9);
    let s = sheet(
        "a100-pcie-40gb",
        SheetKind::Passthrough,
        1,
        None,
        Release::V80U3,
    );
    assert_eq!(
        s.mmio.unwrap().overhead_bytes,
        (82.91f64 * 1_048_576.0).round() as u64
    );
}

#[test]
fn t4_boots_bios_a2_needs_efi() {
    // Worked example 34: T4 BAR1 256 MB → BIOS; A2 BAR1 16 GB → EFI.
    let t4 = sheet("t4", SheetKind::Passthrough, 1, None, Release::V80U3);
    assert_eq!(t4.firmware, Firmware::Bios);
    assert!(t4.mmio.is_none());
    assert_eq!(item(&t4, "mmio_enable").status, Status::NotApplicable);
    assert_eq!(item(&t4, "above_4g").status, Status::NotApplicable);
    let a2 = sheet("a2", SheetKind::Passthrough, 1, None, Release::V80U3);
    assert_eq!(a2.firmware, Firmware::Efi);
    assert_eq!(item(&a2, "firmware").value, "EFI");
}

#[test]
fn tkg_workers_have_512_gb() {
    // Worked example 33: 512 GB holds four A100 40GB; five need more.
    let t = Target {
        tkg: true,
        ..Target::default()
    };
    let four = build(
        gpu("a100-pcie-40gb"),
        SheetKind::MultiPassthrough,
        4,
        None,
        t,
        "k".into(),
        "l".into(),
    );
    assert_eq!(item(&four, "mmio_size").status, Status::NotApplicable);
    let five = build(
        gpu("a100-pcie-40gb"),
        SheetKind::MultiPassthrough,
        5,
        None,
        t,
        "k".into(),
        "l".into(),
    );
    assert_eq!(item(&five, "mmio_size").status, Status::Set);
    // 5 × 128 GB = 640 GB, rounded up to a power of two.
    assert_eq!(five.mmio.unwrap().total_gb, 1024);
}

#[test]
fn passthrough_devices_per_vm_by_release() {
    // Worked example 35: 16 (7.0), 32 (8.0), 64 (8.0 U1); 128 from 8.0 U2.
    assert_eq!(Release::V70.passthrough_per_vm(), 16);
    assert_eq!(Release::V70U3.passthrough_per_vm(), 16);
    assert_eq!(Release::V80.passthrough_per_vm(), 32);
    assert_eq!(Release::V80U1.passthrough_per_vm(), 64);
    assert_eq!(Release::V80U2.passthrough_per_vm(), 128);
    let s = sheet(
        "h100-pcie-80gb",
        SheetKind::MultiPassthrough,
        20,
        None,
        Release::V70U3,
    );
    assert_eq!(item(&s, "passthrough_limit").status, Status::Fails);
    assert!(!s.deployable());
    let s = sheet(
        "h100-pcie-80gb",
        SheetKind::MultiPassthrough,
        20,
        None,
        Release::V80,
    );
    assert_eq!(item(&s, "passthrough_limit").status, Status::Ok);
}

#[test]
fn nvswitch_groups_of_two_four_eight() {
    // Worked example 36: groups of 2, 4 and 8; 5 rounds to 8, 9 has no group.
    assert_eq!(rules::nvswitch_group(1), Some(2));
    assert_eq!(rules::nvswitch_group(3), Some(4));
    assert_eq!(rules::nvswitch_group(5), Some(8));
    assert_eq!(rules::nvswitch_group(8), Some(8));
    assert_eq!(rules::nvswitch_group(9), None);
    let five = sheet(
        "h100-sxm5-80gb",
        SheetKind::MultiPassthrough,
        5,
        None,
        Release::V80U3,
    );
    // On a passthrough sheet, full vGPUs are an alternative it mentions, not a check.
    let g = item(&five, "nvswitch_group");
    assert_eq!(
        (g.status, g.value.as_str()),
        (
            Status::Info,
            "would work: 5 GPUs round up to a device group of 8"
        )
    );
    let nine = sheet(
        "h100-sxm5-80gb",
        SheetKind::MultiPassthrough,
        9,
        None,
        Release::V80U3,
    );
    assert!(
        item(&nine, "nvswitch_group")
            .value
            .starts_with("would not work: ")
    );
    assert_eq!(nine.deployable(), five.deployable());
    // Several full vGPUs in one VM: the device group and the release are checks.
    // Hopper over NVSwitch needs 8.0 U2; Ampere 8.0 U1.
    let vgpus = |gpu, profile, n, r| sheet(gpu, SheetKind::TimeSlicedVgpu, n, Some(profile), r);
    let h = vgpus("h100-sxm5-80gb", "H100XM-80C", 3, Release::V80);
    let g = item(&h, "nvswitch_group");
    assert_eq!(
        (g.status, g.value.as_str()),
        (Status::Fails, "3 GPUs round up to a device group of 4")
    );
    let h = vgpus("h100-sxm5-80gb", "H100XM-80C", 3, Release::V80U2);
    assert_eq!(item(&h, "nvswitch_group").status, Status::Ok);
    let a = vgpus("a100-sxm4-80gb", "A100DX-80C", 4, Release::V80U1);
    assert_eq!(item(&a, "nvswitch_group").status, Status::Ok);
    // A PCIe card has no NVSwitch group to check.
    let l = vgpus("l40s", "L40S-48C", 2, Release::V80U3);
    assert!(l.checks.iter().all(|c| c.id != "nvswitch_group"));
}

#[test]
fn nvlink_generations() {
    // Worked example 37: gen 2/3/4 with 6/12/18 links and 300/600/900 GB/s.
    let g = |id| rules::nvlink_gen(gpu(id)).map(|n| (n.generation, n.links, n.gb_per_s));
    assert_eq!(g("v100-sxm2-16gb"), Some((2, 6, 300)));
    assert_eq!(g("a100-sxm4-80gb"), Some((3, 12, 600)));
    assert_eq!(g("h100-sxm5-80gb"), Some((4, 18, 900)));
    assert_eq!(g("l40s"), None);
    // The sheet shows the card's own figure: bridged PCIe cards have less than
    // their generation's SXM modules (A30 200, A40 112.5, H100 PCIe 600 GB/s).
    let card = |id| rules::card_nvlink(gpu(id)).map(|n| (n.generation, n.links, n.gb_per_s));
    assert_eq!(card("a30"), Some((3, None, 200.0)));
    assert_eq!(card("a40"), Some((3, None, 112.5)));
    assert_eq!(card("h100-pcie-80gb"), Some((4, None, 600.0)));
    assert_eq!(card("a100-sxm4-80gb"), Some((3, Some(12), 600.0)));
    let s = sheet("a30", SheetKind::MultiPassthrough, 2, None, Release::V80U3);
    assert_eq!(item(&s, "nvlink").value, "generation 3: 200 GB/s per GPU");
    let s = sheet("a40", SheetKind::MultiPassthrough, 2, None, Release::V80U3);
    assert_eq!(item(&s, "nvlink").value, "generation 3: 112.5 GB/s per GPU");
}

#[test]
fn vgpu_profile_strings_and_releases() {
    assert_eq!(rules::vgpu_string("A100-40C"), "grid_a100-40c");
    assert_eq!(rules::vgpu_string("A100X-40C"), "grid_a100x-40c");
    let s = sheet(
        "a100-pcie-40gb",
        SheetKind::TimeSlicedVgpu,
        1,
        Some("A100-20C"),
        Release::V80U3,
    );
    assert_eq!(item(&s, "device").value, "grid_a100-20c");
    assert_eq!(item(&s, "graphics").value, "Shared Direct");
    assert_eq!(item(&s, "sr_iov").status, Status::Set);
    let mig = sheet(
        "a100-pcie-40gb",
        SheetKind::MigBackedVgpu,
        1,
        Some("A100-3-20C"),
        Release::V70,
    );
    assert_eq!(item(&mig, "mig_vgpu_release").status, Status::Fails);
    let mixed = build(
        gpu("a100-pcie-40gb"),
        SheetKind::TimeSlicedVgpu,
        1,
        Some("A100-20C".into()),
        Target {
            release: Release::V80U2,
            mixed_size: true,
            tkg: false,
        },
        "k".into(),
        "l".into(),
    );
    assert_eq!(item(&mixed, "mixed_size").status, Status::Fails);
}

#[test]
fn exports_carry_the_settings() {
    let s = sheet(
        "a100-pcie-40gb",
        SheetKind::Passthrough,
        1,
        None,
        Release::V80U3,
    );
    let md = export::markdown(&s);
    assert!(md.contains("pciPassthru.64bitMMIOSizeGB = 128"), "{md}");
    assert!(md.contains("| Firmware | `EFI` |"), "{md}");
    let ps = export::powercli(&s);
    assert!(ps.starts_with("# headroom deployment script: REVIEW BEFORE RUNNING."));
    assert!(
        ps.contains("-Name 'pciPassthru.64bitMMIOSizeGB' -Value '128'"),
        "{ps}"
    );
    assert!(ps.contains("MemoryReservationLockedToMax = $true"));
    let v = sheet(
        "a100-pcie-40gb",
        SheetKind::TimeSlicedVgpu,
        1,
        Some("A100-40C"),
        Release::V80U3,
    );
    let ps = export::powercli(&v);
    assert!(
        ps.contains("$dev.Device.Backing.Vgpu = 'grid_a100-40c'"),
        "{ps}"
    );
}

#[test]
fn a_copy_over_two_devices_gets_both_in_one_vm() {
    // A known demand of 10 GB on each of 2 GPUs: the sheet's VM takes two of the
    // option's devices; a fractional vGPU type needs vSphere 8.0 for that.
    let text = r#"{"version":1,"workload":{"known":{"per_gpu":10000000000,"gpus":2}}}"#;
    let mut s = crate::scenario::parse(text).unwrap();
    let r = crate::report::size(&s, Catalog::bundled()).unwrap();
    let sheet = r.deploy.as_ref().unwrap();
    assert_eq!(sheet.devices, 2);
    assert!(sheet.label.starts_with("2 × "), "{}", sheet.label);
    let multi = item(sheet, "multi_vgpu_type");
    assert_eq!(multi.status, Status::Ok);
    s.deployment.vsphere = Release::V70U3;
    let r = crate::report::size(&s, Catalog::bundled()).unwrap();
    let sheet = r.deploy.as_ref().unwrap();
    assert_eq!(item(sheet, "multi_vgpu_type").status, Status::Fails);
    assert!(!sheet.deployable());
}

#[test]
fn a_split_your_hosts_cannot_hold_fails_its_check() {
    // Llama-3.1-405B in BF16 on hosts of 4 L40S, one host: the split takes more
    // GPUs than the host has, and the sheet says so.
    let text = r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-405b","sequences":1,"context":4096}},"deployment":{"fleet":[{"gpu":"L40S","gpus_per_host":4,"hosts":1}]}}"#;
    let s = crate::scenario::parse(text).unwrap();
    let r = crate::report::size(&s, Catalog::bundled()).unwrap();
    let split = r.fleet[0].split.as_ref().unwrap();
    assert!(!split.in_fleet);
    let sheet = r.deploy.as_ref().unwrap();
    assert_eq!(sheet.gpu_id, "l40s");
    let hosts = item(sheet, "fleet_hosts");
    assert_eq!(hosts.status, Status::Fails);
    assert!(
        hosts.value.ends_with("yours have 4 GPUs"),
        "{}",
        hosts.value
    );
    assert!(!sheet.deployable());
}

#[test]
fn a_grace_hopper_superchip_is_not_an_esxi_host() {
    let s = sheet(
        "gh200-96gb",
        SheetKind::Passthrough,
        1,
        None,
        Release::V80U3,
    );
    assert_eq!(item(&s, "esxi_arm").status, Status::Fails);
    assert!(!s.deployable());
    let h100 = sheet(
        "h100-sxm5-80gb",
        SheetKind::Passthrough,
        1,
        None,
        Release::V80U3,
    );
    assert!(h100.checks.iter().all(|i| i.id != "esxi_arm"));
}

#[test]
fn three_gpus_get_a_power_of_two_mmio_window() {
    // Broadcom KB 323402: the size must be a power of two. 3 × A100 40 GB:
    // 3 × 128 GB = 384 GB → 512 GB; 2 and 4 are powers of two already.
    let s = sheet(
        "a100-pcie-40gb",
        SheetKind::Passthrough,
        3,
        None,
        Release::V80U3,
    );
    let m = s.mmio.as_ref().unwrap();
    assert_eq!(m.total_gb, 512);
    assert_eq!(
        m.formula,
        "3 × 128 GB = 384 GB, rounded up to a power of two: 512 GB"
    );
    assert!(export::powercli(&s).contains("-Value '512'"));
    for (n, gb) in [(1, 128), (2, 256), (4, 512), (5, 1024), (8, 1024)] {
        let s = sheet(
            "a100-pcie-40gb",
            SheetKind::Passthrough,
            n,
            None,
            Release::V80U3,
        );
        assert_eq!(s.mmio.as_ref().unwrap().total_gb, gb, "{n} GPUs");
    }
}

#[test]
fn the_script_adds_every_vgpu_of_the_vm() {
    // Two L40S-24C in one VM: two devices, each with its own key.
    let s = sheet(
        "l40s",
        SheetKind::TimeSlicedVgpu,
        2,
        Some("L40S-24C"),
        Release::V80U3,
    );
    let ps = export::powercli(&s);
    assert!(
        ps.contains("# 2 vGPU devices, profile grid_l40s-24c"),
        "{ps}"
    );
    assert!(ps.contains("$devices = foreach ($i in 1..2) {"), "{ps}");
    assert!(ps.contains("$dev.Device.Key = -100 - $i"), "{ps}");
    assert!(ps.contains("$spec.DeviceChange = @($devices)"), "{ps}");
    assert!(
        item(&s, "device")
            .why
            .starts_with("add 2 PCI devices, each of type NVIDIA GRID vGPU")
    );
}

#[test]
fn nvswitch_vgpus_come_in_device_groups() {
    // 70 GB on each of 3 H100 SXM5 GPUs as vGPUs: NVSwitch-connected vGPUs are
    // assigned in groups of 2, 4 or 8, so the VM gets 4 (one idle), its MMIO
    // window 4 × 256 GB and its script 4 devices.
    let text = r#"{"version":1,"workload":{"known":{"per_gpu":70000000000,"gpus":3}},"deployment":{"architecture":"Hopper","form_class":"SXM","mode":"vgpu"}}"#;
    let r =
        crate::report::size(&crate::scenario::parse(text).unwrap(), Catalog::bundled()).unwrap();
    let s = r.deploy.as_ref().unwrap();
    assert_eq!(s.devices, 4);
    assert_eq!(item(s, "device_group").value, "4 vGPUs for a copy on 3");
    assert_eq!(s.mmio.as_ref().unwrap().total_gb, 1024);
    assert!(export::powercli(s).contains("foreach ($i in 1..4)"));
}
