//! The command line as a user runs it: exit codes, stdout and stderr.

use std::io::Write;
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn run(args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_headroom-cli"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    if let Some(text) = stdin {
        // A command that fails before it reads closes the pipe: not an error here.
        let written = child.stdin.take().unwrap().write_all(text.as_bytes());
        if let Err(e) = written {
            assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
        }
    }
    child.wait_with_output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn term(report: &Value, id: &str) -> u64 {
    report["memory"]["terms"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["id"] == id)
        .map(|t| t["bytes"].as_u64().unwrap())
        .unwrap_or(0)
}

#[test]
fn vgg16_report_has_the_articles_numbers() {
    let o = run(&["size", "examples/vgg16-training.json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["version"], 1);
    assert_eq!(r["model"]["parameters"], 138_357_544);
    // 138,357,544 FP32 weights; SGD with momentum keeps one FP32 copy more.
    assert_eq!(term(&r, "weights"), 553_430_176);
    assert_eq!(term(&r, "optimizer_state"), 553_430_176);
    assert_eq!(term(&r, "feature_maps"), 1_931_146_240);
    assert_eq!(r["memory"]["total"], 4_147_575_264u64);
    assert!(!r["fits"]["recommendations"].as_array().unwrap().is_empty());
}

#[test]
fn the_table_is_a_readable_summary() {
    let o = run(
        &["size", "examples/llama-serving.json", "--format", "table"],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let t = stdout(&o);
    assert!(
        t.contains("Serving Llama-3.1-8B in FP8 E4M3: 16 sequences × 8,192 tokens"),
        "{t}"
    );
    assert!(t.contains("8,030,261,248 parameters"));
    assert!(t.contains("Smallest fit: "));
    assert!(t.contains("KV cache"));
}

#[test]
fn stdin_is_read_for_a_dash() {
    let o = run(
        &["size", "-"],
        Some(
            r#"{"version":1,"workload":{"cnn":{"network":"alexnet","batch":1,"mode":"inference"}}}"#,
        ),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["model"]["parameters"], 61_100_840);
}

#[test]
fn invalid_scenarios_exit_2_naming_the_field() {
    let cases = [
        (
            r#"{"version":1,"workload":{"cnn":{"batch":8,"colour":true}}}"#,
            "workload.cnn.colour: unknown field `colour`",
        ),
        (
            r#"{"version":1,"workload":{"cnn":{"batch":-8}}}"#,
            "workload.cnn.batch: must be a whole number",
        ),
        (
            r#"{"version":3,"workload":{"cnn":{}}}"#,
            "version: 3 is newer than this headroom reads (1)",
        ),
        (
            r#"{"version":1,"workload":{"cnn":{"batch":0}}}"#,
            "workload.cnn.batch: Must be between 1 and 1,048,576.",
        ),
        (
            r#"{"version":1,"workload":{"transformer":{"model":"gpt-9"}}}"#,
            "workload.transformer.model: \"gpt-9\" is not in the model zoo",
        ),
        ("{ not json", "Not valid JSON"),
    ];
    for (json, expected) in cases {
        let o = run(&["size", "-"], Some(json));
        assert_eq!(o.status.code(), Some(2), "{json}");
        assert!(stdout(&o).is_empty());
        let e = stderr(&o);
        assert!(e.contains(expected), "{json}\n{e}");
        assert!(e.starts_with("headroom-cli: -: invalid scenario: "), "{e}");
    }
    let o = run(&["size", "examples/bad-batch.json"], None);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("examples/bad-batch.json: invalid scenario: workload.cnn.batch"));
}

#[test]
fn a_link_opens_the_same_scenario() {
    let o = run(
        &[
            "link",
            "examples/vgg16-training.json",
            "--base",
            "https://example.org/sizing/",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let url = stdout(&o);
    let fragment = url
        .trim()
        .strip_prefix("https://example.org/sizing/#")
        .unwrap();
    assert!(fragment.starts_with("v=1&"), "{fragment}");
    assert!(fragment.contains("page=cnn"));
    let state = sizing::scenario::link::decode(fragment).unwrap();
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../examples/vgg16-training.json"
    ))
    .unwrap();
    assert_eq!(
        state.scenario(),
        Some(sizing::scenario::parse(&text).unwrap())
    );
}

#[test]
fn markdown_and_csv_carry_the_report() {
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["size", "examples/vgg16-training.json"], None).stdout)
            .unwrap();
    let total = json["memory"]["total"].as_u64().unwrap();
    let grouped = sizing::units::group_digits;
    let md = run(
        &[
            "size",
            "examples/vgg16-training.json",
            "--format",
            "markdown",
        ],
        None,
    );
    assert_eq!(md.status.code(), Some(0));
    let md = String::from_utf8(md.stdout).unwrap();
    assert!(md.contains(&grouped(total)));
    for t in json["memory"]["terms"].as_array().unwrap() {
        let bytes = t["bytes"].as_u64().unwrap();
        if bytes > 0 {
            assert!(md.contains(&grouped(bytes)), "{}", t["id"]);
        }
    }
    let csv = run(
        &["size", "examples/vgg16-training.json", "--format", "csv"],
        None,
    );
    let csv = String::from_utf8(csv.stdout).unwrap();
    assert_eq!(
        csv.lines().count(),
        json["fits"]["options"].as_array().unwrap().len() + 1
    );
    let model = run(
        &[
            "size",
            "examples/vgg16-training.json",
            "--format",
            "csv-model",
        ],
        None,
    );
    assert!(
        String::from_utf8(model.stdout)
            .unwrap()
            .contains(&format!("Total,{total}"))
    );
}

#[test]
fn usage_mistakes_and_missing_files() {
    assert_eq!(run(&[], None).status.code(), Some(2));
    assert_eq!(run(&["weigh", "x.json"], None).status.code(), Some(2));
    let o = run(
        &["size", "examples/vgg16-training.json", "--format", "xml"],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--format is json, table, markdown, csv or csv-model"));
    let o = run(&["size", "no/such/file.json"], None);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no/such/file.json"));
    let o = run(&["--help"], None);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("Exit codes"));
}

fn run_bytes(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_headroom-cli"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    // The binary may stop reading early (a file too large): a broken pipe is expected then.
    let _ = child.stdin.take().unwrap().write_all(stdin);
    child.wait_with_output().unwrap()
}

#[test]
fn odd_files_get_plain_messages_and_exit_2() {
    // Not UTF-8: an invalid scenario, not an unreadable file.
    let o = run_bytes(&["size", "-"], b"{\"version\":1,\xff}");
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("not UTF-8 text"), "{}", stderr(&o));
    // A byte-order mark first is fine.
    let o = run_bytes(
        &["size", "-"],
        "\u{feff}{\"version\":1,\"workload\":{\"cnn\":{}}}".as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let o = run(&["size", "-"], Some(r#"{"version":1,"workload":{}}"#));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("workload: name one workload"),
        "{}",
        stderr(&o)
    );
    // Larger than any headroom file: refused without reading it all.
    let big = vec![b' '; 4 * 1024 * 1024 + 10];
    let o = run_bytes(&["size", "-"], &big);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("more than 4,194,304 bytes"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn place_reproduces_the_spread_example() {
    // Two 80 GB GPUs, spread: the 20 GB VM cannot start with 140 GB free.
    let o = run(&["place", "examples/cluster-spread.json"], None);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(r["listed"]["placed"], 2);
    assert_eq!(r["listed"]["failed"], 1);
    assert_eq!(r["listed"]["vms"][2]["outcome"]["failed"]["free_gb"], 140.0);
    let grouped = stdout(&run(
        &["place", "-", "--format", "table"],
        Some(
            &std::fs::read_to_string(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../examples/cluster-spread.json"
            ))
            .unwrap()
            .replace("\"spread\"", "\"group\""),
        ),
    ));
    assert!(grouped.contains("3 placed, 0 cannot start"), "{grouped}");
    let table = stdout(&run(
        &["place", "examples/cluster-spread.json", "--format", "table"],
        None,
    ));
    assert!(table.contains("140 GB free in the cluster"), "{table}");
}

#[test]
fn place_runs_random_orders_repeatably_and_refuses_bad_clusters() {
    let a = stdout(&run(
        &[
            "place",
            "examples/cluster-spread.json",
            "--orders",
            "50",
            "--seed",
            "7",
        ],
        None,
    ));
    let b = stdout(&run(
        &[
            "place",
            "examples/cluster-spread.json",
            "--orders",
            "50",
            "--seed",
            "7",
        ],
        None,
    ));
    assert_eq!(a, b);
    let r: Value = serde_json::from_str(&a).unwrap();
    assert_eq!(r["monte_carlo"]["orders"], 50);
    let bad = run(
        &["place", "-"],
        Some(
            r#"{"groups": [{"hosts": 0, "gpu": "a100-pcie-80gb"}], "requests": [{"profile": "10C", "count": 1}]}"#,
        ),
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("cluster.groups[0].hosts"),
        "{}",
        stderr(&bad)
    );
    let none = run(&["place", "examples/llama-serving.json"], None);
    assert_eq!(none.status.code(), Some(2));
    assert!(
        stderr(&none).contains("no cluster section"),
        "{}",
        stderr(&none)
    );
}

#[test]
fn deploy_prints_the_sheet_and_the_script() {
    let s = r#"{"version": 1, "workload": {"transformer": {"model": "llama-3.1-8b"}},
        "deployment": {"all_profiles": true}, "speed": {"option": "a100-pcie-40gb"}}"#;
    let md = stdout(&run(&["deploy", "-"], Some(s)));
    assert!(md.contains("pciPassthru.64bitMMIOSizeGB = 128"), "{md}");
    assert!(md.contains("| Firmware | `EFI` |"), "{md}");
    let ps = stdout(&run(&["deploy", "-", "--format", "powercli"], Some(s)));
    assert!(ps.starts_with("# headroom deployment script: REVIEW BEFORE RUNNING."));
    let table = stdout(&run(&["size", "-", "--format", "table"], Some(s)));
    assert!(
        table.contains("Deploying NVIDIA A100 PCIe 40GB on vSphere 8.0 U3"),
        "{table}"
    );
}

#[test]
fn one_figure_is_printed_alone() {
    // VGG-16's 138,357,544 FP32 weights: 553,430,176 bytes.
    let o = run(
        &[
            "size",
            "examples/vgg16-training.json",
            "--figure",
            "weights",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).trim(), "553430176");
    let bad = run(
        &[
            "size",
            "examples/vgg16-training.json",
            "--figure",
            "Weights!",
        ],
        None,
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(stderr(&bad).contains("no figure"), "{}", stderr(&bad));
    let both = run(
        &[
            "size",
            "examples/vgg16-training.json",
            "--figure",
            "total",
            "--format",
            "table",
        ],
        None,
    );
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn a_saved_scenarios_file_sizes_every_scenario() {
    // What the app's "Export all…" writes.
    let list = r#"{"format":"headroom-scenarios","version":1,"scenarios":[
        {"version":1,"name":"VGG","workload":{"cnn":{"network":"vgg16","batch":32}}},
        {"version":1,"name":"Llama","workload":{"transformer":{"model":"llama-2-7b"}}}]}"#;
    let o = run(&["size", "-"], Some(list));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let r: Value = serde_json::from_str(&stdout(&o)).unwrap();
    let r = r.as_array().unwrap();
    assert_eq!(r.len(), 2);
    assert_eq!(r[0]["memory"]["total"], 4_147_575_264u64);
    assert_eq!(r[1]["scenario"]["name"], "Llama");
    let t = stdout(&run(&["size", "-", "--format", "table"], Some(list)));
    assert!(
        t.starts_with("== VGG ==\n") && t.contains("\n\n== Llama ==\n"),
        "{t}"
    );
    // One figure or one CSV needs one scenario.
    let o = run(&["size", "-", "--format", "csv"], Some(list));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("take the file of one scenario"),
        "{}",
        stderr(&o)
    );
    // With a byte-order mark, as Windows tools write it.
    let o = run(&["size", "-"], Some(&format!("\u{feff}{list}")));
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // The commands of one scenario say what they take.
    for command in ["link", "deploy", "place"] {
        let o = run(&[command, "-"], Some(list));
        assert_eq!(o.status.code(), Some(2));
        assert!(
            stderr(&o).contains(&format!(
                "- is a saved-scenarios file; {command} takes the file of one scenario"
            )),
            "{}",
            stderr(&o)
        );
    }
    // A bad entry is named by its place in the list.
    let bad = list.replace(r#""batch":32"#, r#""batch":0"#);
    let o = run(&["size", "-"], Some(&bad));
    assert_ne!(o.status.code(), Some(0));
    assert!(stderr(&o).contains("scenarios[0]"), "{}", stderr(&o));
}

#[test]
fn a_figure_is_printed_exactly_and_only_for_its_workload() {
    // 2^53 and above: a figure printed through f64 would lose the last digits.
    let big = r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-405b","sequences":1048576,"context":1048576}}}"#;
    let json: Value = serde_json::from_str(&stdout(&run(&["size", "-"], Some(big)))).unwrap();
    let total = json["memory"]["total"].as_u64().unwrap();
    assert!(total > 1 << 53);
    let o = run(&["size", "-", "--figure", "total"], Some(big));
    assert_eq!(stdout(&o).trim(), total.to_string());
    // A CNN has no `activations` term (its feature maps are `feature_maps`).
    let vgg = r#"{"version":1,"workload":{"cnn":{"network":"vgg16","batch":32}}}"#;
    let o = run(&["size", "-", "--figure", "activations"], Some(vgg));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains(
            "its figures are total, host, model_weights, kv_tokens, states, states_per_param, "
        ),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("feature_maps"), "{}", stderr(&o));
}

#[test]
fn options_are_given_once_and_help_follows_any_command() {
    let vgg = r#"{"version":1,"workload":{"cnn":{"network":"vgg16","batch":32}}}"#;
    let o = run(
        &["size", "-", "--figure", "total", "--figure", "weights"],
        Some(vgg),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--figure is given twice"),
        "{}",
        stderr(&o)
    );
    for command in ["size", "link", "place", "deploy"] {
        let o = run(&[command, "--help"], None);
        assert_eq!(o.status.code(), Some(0), "{command}");
        assert!(stdout(&o).contains("Usage:"), "{command}");
    }
}

#[test]
fn a_link_longer_than_the_app_reads_is_refused() {
    // A name of 200,000 random letters: compressed, still far past the 65,536
    // bytes a link can be.
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let name: String = (0..200_000)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(b'a' + (x % 26) as u8)
        })
        .collect();
    let s = format!(
        r#"{{"version":1,"name":"{name}","workload":{{"transformer":{{"model":"llama-2-7b"}}}}}}"#
    );
    let o = run(&["link", "-"], Some(&s));
    assert_eq!(o.status.code(), Some(2));
    assert!(stdout(&o).is_empty());
    assert!(
        stderr(&o).contains("more than the 65,536 a headroom link can be"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn markdown_says_why_nothing_is_listed_and_what_is_needed_once() {
    // Hopper SXM vGPUs hold no 70B at 8 × 8,192 tokens; a B200 left out would.
    let s = r#"{"version":1,"workload":{"transformer":{"model":"llama-3.1-70b","context":8192,"sequences":8}},"deployment":{"architecture":"Hopper","form_class":"SXM","mode":"vgpu"}}"#;
    let md = stdout(&run(&["size", "-", "--format", "markdown"], Some(s)));
    assert!(md.contains("left out would"), "{md}");
    assert_eq!(md.matches("Needed: ").count(), 1, "{md}");
    let t = stdout(&run(&["size", "-", "--format", "table"], Some(s)));
    assert!(!t.contains("Nothing in the catalog holds"), "{t}");
}

#[test]
fn place_names_where_a_problem_comes_from() {
    // --orders comes from the command line, not the file.
    let o = run(
        &[
            "place",
            "examples/cluster-spread.json",
            "--orders",
            "1000000000",
        ],
        None,
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("--orders takes a whole number from 0 to 100,000, not 1000000000"),
        "{}",
        stderr(&o)
    );
    // A workload field of a scenario with a cluster is the scenario's.
    let s =
        r#"{"version":1,"workload":{"cnn":{"batch":-8}},"cluster":{"groups":[],"requests":[]}}"#;
    let o = run(&["place", "-"], Some(s));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("invalid scenario: workload.cnn.batch"),
        "{}",
        stderr(&o)
    );
}
