//! Throughput of `crdt-lab node` against a straightforward Python 2P-Set node
//! (`benches/node_baseline.py`), on the same requests, in the same run.
//!
//! `cargo bench --bench node` pipes 1,000,000 requests (after `init`) through each node, from a
//! file on stdin to a file on stdout, and checks that both nodes answered the same bytes.
//! `NODE_BENCH_REQUESTS` changes the count. Under `cargo test` it runs a 5,000-request smoke
//! version of the same comparison.

use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A small deterministic generator (PCG-style LCG), so every run pipes the same requests.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// 64 elements: even ids are the integers 0..32, odd ids the strings "k0".."k31".
const UNIVERSE: u64 = 64;
/// Removes pick from the first 16 ids only, so the 2P-Set never drains: a remove is forever.
const REMOVABLE: u64 = 16;

fn element(id: u64) -> String {
    if id.is_multiple_of(2) {
        format!("{}", id / 2)
    } else {
        format!("\"k{}\"", id / 2)
    }
}

/// `init`, then `requests` requests: 45% add, 15% remove, 30% read, 10% merge.
fn write_workload(path: &Path, requests: u64) -> std::io::Result<()> {
    let mut w = BufWriter::new(File::create(path)?);
    writeln!(
        w,
        r#"{{"src":"c0","dest":"n1","body":{{"type":"init","msg_id":0,"node_id":"n1","node_ids":["n1"]}}}}"#
    )?;
    let mut rng = Lcg(42);
    for id in 1..=requests {
        let client = 1 + rng.below(4);
        match rng.below(100) {
            0..45 => {
                let e = element(rng.below(UNIVERSE));
                writeln!(
                    w,
                    r#"{{"src":"c{client}","dest":"n1","body":{{"type":"add","msg_id":{id},"element":{e}}}}}"#
                )?;
            }
            45..60 => {
                let e = element(rng.below(REMOVABLE));
                writeln!(
                    w,
                    r#"{{"src":"c{client}","dest":"n1","body":{{"type":"remove","msg_id":{id},"element":{e}}}}}"#
                )?;
            }
            60..90 => {
                writeln!(
                    w,
                    r#"{{"src":"c{client}","dest":"n1","body":{{"type":"read","msg_id":{id}}}}}"#
                )?;
            }
            _ => {
                let adds: Vec<String> = (0..4).map(|_| element(rng.below(UNIVERSE))).collect();
                let gone = element(rng.below(REMOVABLE));
                let add_set = adds.join(",");
                writeln!(
                    w,
                    r#"{{"src":"n2","dest":"n1","body":{{"type":"merge","msg_id":{id},"add_set":[{add_set}],"remove_set":[{gone}]}}}}"#
                )?;
            }
        }
    }
    w.flush()
}

/// One timed run: the node reads `input` from a file and writes `output` to a file.
fn time_node(command: &mut Command, input: &Path, output: &Path) -> Duration {
    let stdin = File::open(input).expect("the workload");
    let stdout = File::create(output).expect("an output file");
    let started = Instant::now();
    let status = command
        .stdin(Stdio::from(stdin))
        .stdout(Stdio::from(stdout))
        .stderr(Stdio::inherit())
        .status()
        .expect("the node starts");
    let took = started.elapsed();
    assert!(status.success(), "the node exits 0: {status}");
    took
}

fn read(path: &Path) -> Vec<u8> {
    let mut bytes = Vec::new();
    File::open(path)
        .and_then(|mut f| f.read_to_end(&mut bytes))
        .expect("the output");
    bytes
}

fn median(mut times: Vec<Duration>) -> Duration {
    times.sort();
    times[times.len() / 2]
}

fn rate(requests: u64, took: Duration) -> f64 {
    requests as f64 / took.as_secs_f64()
}

fn python_available() -> bool {
    Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let from_env = std::env::var("NODE_BENCH_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok());
    let requests: u64 = if full {
        from_env.unwrap_or(1_000_000)
    } else {
        5_000
    };
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("node-bench");
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let input = dir.join("requests.jsonl");
    write_workload(&input, requests).expect("the workload is written");
    let baseline = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/node_baseline.py");

    let ours = dir.join("rust.out");
    let runs = if full { 5 } else { 1 };
    let rust_times: Vec<Duration> = (0..runs)
        .map(|_| {
            time_node(
                Command::new(env!("CARGO_BIN_EXE_crdt-lab")).args(["node", "--gossip-ms", "0"]),
                &input,
                &ours,
            )
        })
        .collect();
    let rust = median(rust_times);
    let replies = read(&ours);
    assert_eq!(
        replies.iter().filter(|b| **b == b'\n').count() as u64,
        requests + 1,
        "one reply per request"
    );
    println!(
        "node throughput, {requests} requests after init (45% add, 15% remove, 30% read, 10% merge)"
    );
    if !full {
        println!(
            "  (a smoke run under cargo test, in a debug build: it checks that both nodes agree;"
        );
        println!("   `cargo bench --bench node` measures)");
    }
    println!(
        "  crdt-lab node           {:>12.0} requests/s  (median of {runs}: {:.3} s)",
        rate(requests, rust),
        rust.as_secs_f64()
    );

    if !python_available() {
        println!("  python3 not found: the baseline was skipped");
        return;
    }
    for (label, flag) in [
        ("python, flush per reply", None),
        ("python, --buffered", Some("--buffered")),
    ] {
        let theirs = dir.join("python.out");
        let mut command = Command::new("python3");
        command.arg(&baseline).args(flag);
        let took = time_node(&mut command, &input, &theirs);
        assert!(
            read(&theirs) == replies,
            "{label}: the Python node answered different bytes"
        );
        let ratio = rate(requests, rust) / rate(requests, took);
        println!(
            "  {label:<23} {:>12.0} requests/s  ({:.3} s); crdt-lab node is {ratio:.1}x",
            rate(requests, took),
            took.as_secs_f64()
        );
    }
    println!("  both nodes answered the same {} bytes", replies.len());
}
