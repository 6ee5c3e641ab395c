//! `crdt-lab node` against a straightforward Python 2P-Set node (`benches/node_baseline.py`), on
//! the same requests, in the same run. Each node reads its requests from a file on stdin and
//! writes its replies to a file; the run checks that both nodes answered the same bytes.
//!
//! The workloads (`NODE_BENCH=mix,merges,mixed,scale` picks some; all run by default):
//! - `mix`: the first benchmark's 1,000,000 requests over 64 elements (`NODE_BENCH_REQUESTS`
//!   changes the count);
//! - `merges`: 20,000 merges of 3 elements into a state of 1,000 and of 100,000 elements;
//! - `mixed`: 200,000 requests over 2,000 elements (60% add, 25% remove, 12% merge, 3% read);
//! - `scale`: the cost of one add, merge and read at 1,000, 10,000 and 100,000 elements.
//!
//! `NODE_BENCH_BIN=path` times another build of `crdt-lab` as ours (a copy of main's, say), so
//! a before and an after can be run in turn in the same session against the same Python node.
//!
//! Where a workload first builds a state (one `merge` carrying it), that setup is also timed
//! alone, so the cost of the requests after it can be told apart. Under `cargo test` every
//! workload runs once in a small smoke version, which checks that both nodes agree.

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

/// Element ids as JSON: even ids are the integers 0, 1, 2..., odd ids the strings "k0", "k1"...
fn element(id: u64) -> String {
    if id.is_multiple_of(2) {
        format!("{}", id / 2)
    } else {
        format!("\"k{}\"", id / 2)
    }
}

fn list(ids: impl IntoIterator<Item = u64>) -> String {
    let items: Vec<String> = ids.into_iter().map(element).collect();
    items.join(",")
}

/// Writes numbered requests, one per line, after an `init`.
struct Requests<W: Write> {
    w: W,
    next_id: u64,
}

impl<W: Write> Requests<W> {
    fn new(mut w: W) -> std::io::Result<Self> {
        writeln!(
            w,
            r#"{{"src":"c0","dest":"n1","body":{{"type":"init","msg_id":0,"node_id":"n1","node_ids":["n1"]}}}}"#
        )?;
        Ok(Requests { w, next_id: 1 })
    }
    fn send(&mut self, src: &str, kind: &str, payload: &str) -> std::io::Result<()> {
        let id = self.next_id;
        self.next_id += 1;
        writeln!(
            self.w,
            r#"{{"src":"{src}","dest":"n1","body":{{"type":"{kind}","msg_id":{id}{payload}}}}}"#
        )
    }
    fn add(&mut self, client: u64, id: u64) -> std::io::Result<()> {
        let payload = format!(r#","element":{}"#, element(id));
        self.send(&format!("c{client}"), "add", &payload)
    }
    fn remove(&mut self, client: u64, id: u64) -> std::io::Result<()> {
        let payload = format!(r#","element":{}"#, element(id));
        self.send(&format!("c{client}"), "remove", &payload)
    }
    fn read(&mut self, client: u64) -> std::io::Result<()> {
        self.send(&format!("c{client}"), "read", "")
    }
    fn merge(&mut self, adds: &[u64], removes: &[u64]) -> std::io::Result<()> {
        let (a, r) = (list(adds.iter().copied()), list(removes.iter().copied()));
        self.send(
            "n2",
            "merge",
            &format!(r#","add_set":[{a}],"remove_set":[{r}]"#),
        )
    }
}

/// What a workload writes after `init`: an optional setup, then the requests that are measured.
trait Workload {
    fn setup(&self, _r: &mut Requests<&mut dyn Write>) -> std::io::Result<()> {
        Ok(())
    }
    fn requests(&self, r: &mut Requests<&mut dyn Write>) -> std::io::Result<()>;
}

/// The first benchmark's mix: 45% add, 15% remove, 30% read, 10% merge (4 adds, 1 remove), over
/// 64 elements; removes pick from 16 of them only, so the set never drains (a remove is forever).
struct Mix {
    requests: u64,
}

impl Workload for Mix {
    fn requests(&self, r: &mut Requests<&mut dyn Write>) -> std::io::Result<()> {
        let mut rng = Lcg(42);
        for _ in 0..self.requests {
            let client = 1 + rng.below(4);
            match rng.below(100) {
                0..45 => r.add(client, rng.below(64))?,
                45..60 => r.remove(client, rng.below(16))?,
                60..90 => r.read(client)?,
                _ => {
                    let adds: Vec<u64> = (0..4).map(|_| rng.below(64)).collect();
                    r.merge(&adds, &[rng.below(16)])?
                }
            }
        }
        Ok(())
    }
}

/// A state of `state` elements (ids 0..state, from one merge), then `merges` merges of 3
/// elements drawn from twice as many ids, so about half of them are new.
struct SmallMerges {
    state: u64,
    merges: u64,
}

impl Workload for SmallMerges {
    fn setup(&self, r: &mut Requests<&mut dyn Write>) -> std::io::Result<()> {
        r.merge(&(0..self.state).collect::<Vec<_>>(), &[])
    }
    fn requests(&self, r: &mut Requests<&mut dyn Write>) -> std::io::Result<()> {
        let mut rng = Lcg(7);
        for _ in 0..self.merges {
            let adds: Vec<u64> = (0..3).map(|_| rng.below(2 * self.state)).collect();
            r.merge(&adds, &[])?;
        }
        Ok(())
    }
}

/// `requests` requests over `universe` elements: 60% add, 25% remove, 12% merge (3 adds and 1
/// remove), 3% read. Removes pick from the first quarter of the ids, so the set never drains.
struct Mixed {
    requests: u64,
    universe: u64,
}

impl Workload for Mixed {
    fn requests(&self, r: &mut Requests<&mut dyn Write>) -> std::io::Result<()> {
        let mut rng = Lcg(2024);
        let (all, removable) = (self.universe, self.universe / 4);
        for _ in 0..self.requests {
            let client = 1 + rng.below(4);
            match rng.below(100) {
                0..60 => r.add(client, rng.below(all))?,
                60..85 => r.remove(client, rng.below(removable))?,
                85..97 => {
                    let adds: Vec<u64> = (0..3).map(|_| rng.below(all)).collect();
                    r.merge(&adds, &[rng.below(removable)])?
                }
                _ => r.read(client)?,
            }
        }
        Ok(())
    }
}

/// One kind of request, measured at one state size: a state of `state` elements (one merge),
/// then `count` adds of new elements, merges of 3 new elements, or reads.
struct Scale {
    kind: &'static str,
    state: u64,
    count: u64,
}

impl Workload for Scale {
    fn setup(&self, r: &mut Requests<&mut dyn Write>) -> std::io::Result<()> {
        // Even ids, so the new (odd) ids of the requests fall between them in the sort order.
        r.merge(&(0..self.state).map(|i| 2 * i).collect::<Vec<_>>(), &[])
    }
    fn requests(&self, r: &mut Requests<&mut dyn Write>) -> std::io::Result<()> {
        let fresh = |i: u64| 2 * i + 1;
        for i in 0..self.count {
            match self.kind {
                "add" => r.add(1, fresh(i))?,
                "merge" => r.merge(&[fresh(3 * i), fresh(3 * i + 1), fresh(3 * i + 2)], &[])?,
                _ => r.read(1)?,
            }
        }
        Ok(())
    }
}

/// Write the workload's input file: with the requests, or (`whole = false`) its setup alone.
/// Returns how many lines come before the requests (`init` and the setup), and how many requests.
fn write_input(path: &Path, work: &dyn Workload, whole: bool) -> (u64, u64) {
    let mut file = BufWriter::new(File::create(path).expect("an input file"));
    let w: &mut dyn Write = &mut file;
    let mut r = Requests::new(w).expect("the input is written");
    work.setup(&mut r).expect("the input is written");
    let before = r.next_id;
    if whole {
        work.requests(&mut r).expect("the input is written");
    }
    let requests = r.next_id - before;
    file.flush().expect("the input is written");
    (before, requests)
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

fn python_available() -> bool {
    Command::new("python3")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The two nodes, and how often each runs per input (the median is kept).
struct Bench {
    dir: PathBuf,
    runs: usize,
    python: bool,
}

/// Times of one input: ours (median) and Python's (one run), with the bytes both answered.
struct Timed {
    ours: Duration,
    python: Option<Duration>,
    bytes: usize,
}

impl Bench {
    fn ours(&self) -> Command {
        let bin = std::env::var_os("NODE_BENCH_BIN");
        let mut c = Command::new(
            bin.as_deref()
                .unwrap_or(env!("CARGO_BIN_EXE_crdt-lab").as_ref()),
        );
        c.args(["node", "--gossip-ms", "0"]);
        c
    }

    fn python(&self, buffered: bool) -> Command {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/node_baseline.py");
        let mut c = Command::new("python3");
        c.arg(script);
        if buffered {
            c.arg("--buffered");
        }
        c
    }

    fn time(&self, input: &Path, lines: u64) -> Timed {
        let (ours_out, python_out) = (self.dir.join("ours.out"), self.dir.join("python.out"));
        let mut times: Vec<Duration> = (0..self.runs)
            .map(|_| time_node(&mut self.ours(), input, &ours_out))
            .collect();
        times.sort();
        let replies = read(&ours_out);
        let count = replies.iter().filter(|b| **b == b'\n').count() as u64;
        assert_eq!(count, lines, "one reply per request");
        let python = self.python.then(|| {
            let took = time_node(&mut self.python(false), input, &python_out);
            assert!(
                read(&python_out) == replies,
                "the Python node answered different bytes"
            );
            took
        });
        Timed {
            ours: times[times.len() / 2],
            python,
            bytes: replies.len(),
        }
    }

    /// Time a workload whole, and its setup alone when it has one. Returns (whole, setup,
    /// requests after the setup).
    fn workload(&self, work: &dyn Workload) -> (Timed, Option<Timed>, u64) {
        let (whole, setup) = (self.dir.join("whole.jsonl"), self.dir.join("setup.jsonl"));
        let (set_up, requests) = write_input(&whole, work, true);
        let timed = self.time(&whole, set_up + requests);
        let alone = (set_up > 1).then(|| {
            write_input(&setup, work, false);
            self.time(&setup, set_up)
        });
        (timed, alone, requests)
    }
}

fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

fn ratio(ours: Duration, python: Option<Duration>) -> String {
    python.map_or("(no python3)".into(), |p| {
        format!("{:.1}x", p.as_secs_f64() / ours.as_secs_f64())
    })
}

/// Print one workload's times: whole, and (when it has a setup) the requests after it alone.
fn report(label: &str, bench: &Bench, work: &dyn Workload) -> Duration {
    let (whole, setup, requests) = bench.workload(work);
    let python = whole.python.map_or("-".into(), secs);
    println!(
        "  {label:<34} ours {:>9}  python {:>9}  crdt-lab node is {}",
        secs(whole.ours),
        python,
        ratio(whole.ours, whole.python)
    );
    if let Some(setup) = setup {
        let ours = whole.ours.saturating_sub(setup.ours);
        let python = whole
            .python
            .zip(setup.python)
            .map(|(w, s)| w.saturating_sub(s));
        println!(
            "  {:<34} ours {:>9}  python {:>9}  crdt-lab node is {}  (the {requests} requests after the setup)",
            "",
            secs(ours),
            python.map_or("-".into(), secs),
            ratio(ours, python)
        );
    }
    println!("  {:<34} both nodes answered {} bytes", "", whole.bytes);
    whole.ours
}

/// Per-request cost of add, merge and read at each state size, for both nodes.
fn report_scale(bench: &Bench, sizes: &[u64], count: u64) {
    println!("  per request (the run minus its setup, divided by the requests):");
    for kind in ["add", "merge", "read"] {
        for &state in sizes {
            // A read answers the whole state, so fewer of them at the larger sizes.
            let count = match kind {
                "read" => (count * 100 / state).clamp(20, count),
                _ => count,
            };
            let work = Scale { kind, state, count };
            let (whole, setup, requests) = bench.workload(&work);
            let setup = setup.expect("a scale run has a setup");
            let per = |w: Duration, s: Duration| w.saturating_sub(s).as_secs_f64() * 1e6;
            let ours = per(whole.ours, setup.ours) / requests as f64;
            let python = whole.python.zip(setup.python);
            let python = python.map(|(w, s)| per(w, s) / requests as f64);
            println!(
                "  {kind:<5} at {state:>7} elements: ours {ours:>9.2} us  python {:>9}  ({requests} requests)",
                python.map_or("-".into(), |p| format!("{p:.2} us"))
            );
        }
    }
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let chosen = std::env::var("NODE_BENCH").unwrap_or_default();
    let wanted = |name: &str| chosen.is_empty() || chosen.split(',').any(|c| c == name);
    let requests: u64 = std::env::var("NODE_BENCH_REQUESTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("node-bench");
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    let bench = Bench {
        dir,
        runs: if full { 5 } else { 1 },
        python: python_available(),
    };
    if !bench.python {
        println!("python3 not found: the baseline is skipped");
    }
    if !full {
        println!(
            "(a smoke run under cargo test, in a debug build: `cargo bench --bench node` measures)"
        );
    }
    let small = |big: u64, smoke: u64| if full { big } else { smoke };

    if wanted("mix") {
        let n = small(requests, 5_000);
        println!("mix: {n} requests over 64 elements (45% add, 15% remove, 30% read, 10% merge)");
        let work = Mix { requests: n };
        let ours = report("flush per reply (the baseline)", &bench, &work);
        if full && bench.python {
            // The same input again, through the Python node without its flush per reply.
            let (input, out) = (bench.dir.join("whole.jsonl"), bench.dir.join("python.out"));
            let took = time_node(&mut bench.python(true), &input, &out);
            println!(
                "  {:<34} ours {:>9}  python {:>9}  crdt-lab node is {}",
                "python --buffered",
                secs(ours),
                secs(took),
                ratio(ours, Some(took))
            );
        }
    }
    if wanted("merges") {
        let merges = small(20_000, 500);
        println!("merges: {merges} merges of 3 elements into a state of N");
        for state in [small(1_000, 100), small(100_000, 2_000)] {
            let work = SmallMerges { state, merges };
            report(&format!("N = {state}"), &bench, &work);
        }
    }
    if wanted("mixed") {
        let n = small(200_000, 5_000);
        println!(
            "mixed: {n} requests over 2000 elements (60% add, 25% remove, 12% merge, 3% read)"
        );
        let work = Mixed {
            requests: n,
            universe: 2_000,
        };
        report("flush per reply", &bench, &work);
    }
    if wanted("scale") {
        println!("scale: one kind of request at a time, after a state of N elements");
        let sizes = if full {
            vec![1_000, 10_000, 100_000]
        } else {
            vec![100, 1_000]
        };
        report_scale(&bench, &sizes, small(20_000, 200));
    }
}
