//! The placement page's inputs as typed, and the one conversion of them into a
//! [`Cluster`] ([`Cluster::from_form`], and back with [`Cluster::to_form`]).

use serde::{Deserialize, Serialize};

use super::{
    Cluster, GpuMode, HostGroup, MAX_GPUS_PER_HOST, MAX_HOSTS, MAX_ORDERS, MAX_VMS, Policy, Request,
};
use crate::input::parse_whole;
use crate::scenario::{FieldError, FromForm};

/// One host group, numbers as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupForm {
    pub name: String,
    pub hosts: String,
    pub gpu: String,
    pub gpus_per_host: String,
    pub mode: GpuMode,
    pub policy: Policy,
}

/// One request line, the count and the devices per VM as typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestForm {
    pub profile: String,
    pub count: String,
    /// Kept by pages saved before the field existed: one.
    #[serde(default = "one")]
    pub devices: String,
}

fn one() -> String {
    "1".into()
}

/// The placement page's fields.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClusterForm {
    pub groups: Vec<GroupForm>,
    pub requests: Vec<RequestForm>,
    pub orders: String,
    pub seed: String,
}

impl Default for ClusterForm {
    fn default() -> ClusterForm {
        Cluster::default().to_form()
    }
}

impl GroupForm {
    pub fn of(g: &HostGroup) -> GroupForm {
        GroupForm {
            name: g.name.clone(),
            hosts: g.hosts.to_string(),
            gpu: g.gpu.clone(),
            gpus_per_host: g.gpus_per_host.to_string(),
            mode: g.mode,
            policy: g.policy,
        }
    }
}

/// Reads whole numbers at dynamic paths, keeping the last value of a field that holds none.
struct Read {
    unread: Vec<FieldError>,
}

impl Read {
    fn whole(&mut self, path: String, text: &str, last: u64, min: u64, max: u64) -> u64 {
        match parse_whole(text, min, max) {
            Ok(v) => v,
            Err(m) => {
                self.unread.push(FieldError::new(path, m));
                last
            }
        }
    }
}

impl Cluster {
    /// The cluster the page's fields describe; a field that holds no whole number
    /// keeps its `last` value (or the opening one) and gets a message at its path
    /// (`cluster.groups[0].hosts`), also one out of its range (a scenario file's
    /// ranges are checked by [`Cluster::plan`]).
    pub fn from_form(form: &ClusterForm, last: Option<&Cluster>) -> FromForm<Cluster> {
        let mut r = Read { unread: Vec::new() };
        let opening = HostGroup::default();
        let groups = form
            .groups
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let before = last.and_then(|c| c.groups.get(i)).unwrap_or(&opening);
                let at = |f: &str| format!("cluster.groups[{i}].{f}");
                HostGroup {
                    name: g.name.clone(),
                    hosts: r.whole(
                        at("hosts"),
                        &g.hosts,
                        before.hosts.into(),
                        1,
                        MAX_HOSTS.into(),
                    ) as u32,
                    gpu: g.gpu.clone(),
                    gpus_per_host: r.whole(
                        at("gpus_per_host"),
                        &g.gpus_per_host,
                        before.gpus_per_host.into(),
                        1,
                        MAX_GPUS_PER_HOST.into(),
                    ) as u32,
                    mode: g.mode,
                    policy: g.policy,
                }
            })
            .collect();
        let requests = form
            .requests
            .iter()
            .enumerate()
            .map(|(j, q)| {
                let before = last.and_then(|c| c.requests.get(j));
                Request {
                    profile: q.profile.clone(),
                    count: r.whole(
                        format!("cluster.requests[{j}].count"),
                        &q.count,
                        before.map_or(1, |q| q.count).into(),
                        0,
                        MAX_VMS,
                    ) as u32,
                    devices: r.whole(
                        format!("cluster.requests[{j}].devices"),
                        &q.devices,
                        before.map_or(1, Request::devices).into(),
                        1,
                        MAX_GPUS_PER_HOST.into(),
                    ) as u32,
                }
            })
            .collect();
        let opening = Cluster::default();
        let before = last.unwrap_or(&opening);
        let orders = r.whole(
            "cluster.orders".into(),
            &form.orders,
            before.orders.into(),
            0,
            MAX_ORDERS.into(),
        ) as u32;
        let seed = r.whole("cluster.seed".into(), &form.seed, before.seed, 0, u64::MAX);
        FromForm {
            part: Cluster {
                groups,
                requests,
                orders,
                seed,
            },
            unread: r.unread,
        }
    }

    /// The page's fields for this cluster.
    pub fn to_form(&self) -> ClusterForm {
        ClusterForm {
            groups: self.groups.iter().map(GroupForm::of).collect(),
            requests: self
                .requests
                .iter()
                .map(|q| RequestForm {
                    profile: q.profile.clone(),
                    count: q.count.to_string(),
                    devices: q.devices().to_string(),
                })
                .collect(),
            orders: self.orders.to_string(),
            seed: self.seed.to_string(),
        }
    }

    /// The article's same-size example: two 80 GB GPUs, VMs of 10, 10 and 20 GB.
    pub fn spread_example(policy: Policy) -> Cluster {
        Cluster {
            groups: vec![HostGroup {
                name: "A100 80GB host".into(),
                policy,
                ..HostGroup::default()
            }],
            requests: vec![
                Request {
                    profile: "10C".into(),
                    count: 2,
                    devices: 1,
                },
                Request {
                    profile: "20C".into(),
                    count: 1,
                    devices: 1,
                },
            ],
            orders: 0,
            seed: 1,
        }
    }

    /// The article's mixed-size Monte Carlo: one A100 80GB, 8C, 10C and 20C VMs
    /// in 10,000 random orders.
    pub fn mixed_example() -> Cluster {
        Cluster {
            groups: vec![HostGroup {
                name: "A100 80GB, mixed size".into(),
                hosts: 1,
                gpus_per_host: 1,
                mode: GpuMode::MixedSize,
                ..HostGroup::default()
            }],
            requests: ["8C", "10C", "20C"]
                .into_iter()
                .map(|p| Request {
                    profile: p.into(),
                    count: 20,
                    devices: 1,
                })
                .collect(),
            orders: 10_000,
            seed: 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_round_trips_and_keeps_the_last_value_of_a_bad_field() {
        let c = Cluster::mixed_example();
        assert_eq!(Cluster::from_form(&c.to_form(), None).part, c);
        let mut f = c.to_form();
        f.groups[0].hosts = "many".into();
        f.requests[1].count = "-3".into();
        let read = Cluster::from_form(&f, Some(&c));
        assert_eq!(read.part.groups[0].hosts, 1);
        assert_eq!(read.part.requests[1].count, 20);
        let paths: Vec<&str> = read.unread.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(
            paths,
            ["cluster.groups[0].hosts", "cluster.requests[1].count"]
        );
    }

    #[test]
    fn a_number_out_of_range_gets_the_range_at_its_field() {
        let mut f = ClusterForm::default();
        f.groups[0].hosts = "4294967295".into();
        f.groups[0].gpus_per_host = "17".into();
        f.orders = "-5".into();
        let read = Cluster::from_form(&f, None);
        let said: Vec<(&str, &str)> = read
            .unread
            .iter()
            .map(|e| (e.path.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(
            said,
            [
                ("cluster.groups[0].hosts", "Must be between 1 and 10,000."),
                (
                    "cluster.groups[0].gpus_per_host",
                    "Must be between 1 and 16."
                ),
                ("cluster.orders", "Must be between 0 and 100,000."),
            ]
        );
        // The opening values stay, so the plan has nothing more to say.
        assert_eq!(read.part.groups[0].hosts, HostGroup::default().hosts);
        assert!(read.part.plan(crate::catalog::Catalog::bundled()).is_ok());
    }
}
