//! Scale benchmarks: what one request or command costs as the state grows, at 1,000, 10,000 and
//! 100,000 elements. The straight-line ideal is a cost that does not grow with the state (a read,
//! which answers every element, grows with its answer). See benches/README.md, "Scale".
//!
//! Each face is one criterion group over [`sizes`]; to add one (the lab, the TUI), write its
//! function beside `node` and name it in `criterion_group!` at the bottom.
//!
//! - `node`: one request through [`Node::handle_line`] (parse, serve, and copy the reply out), for
//!   each node type: `add` of a new element, `merge` of 3 new elements, `read` of the whole state,
//!   and `add+read` (a read right after a change, per pair).
//! - `lab`: one command through [`execute`] on a lab whose replicas A and B both hold N elements,
//!   for each set type, as `run --quiet` does it (`quiet`: the lab records no change) and as `run`
//!   does it, recording each change and rendering its transcript line (`transcript`): `add` of a new element on A, `remove` of one of B's, and `add+merge` (A adds,
//!   then B merges A: a merge of two replicas of N elements that differ by one, per pair).
//! - `tui`: a typed command through the TUI's `update` (the lab, then the view it shows), then one
//!   frame drawn into a 200×50 TestBackend, on an OR-Set lab of 8 replicas of N/8 elements each.
//!
//! Times are this thread's time on a CPU: on a shared machine, the time spent waiting for a CPU
//! says nothing about the code.

use cpu_time::ThreadTime;
use crdt_lab::lab::Lab;
use crdt_lab::node::{Node, NodeArgs, NodeType, Protocol};
use crdt_lab::script::execute;
use crdt_lab::script::render::{self, Style};
use crdt_lab::tui::{App, Theme};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::io::{Sink, Write, sink};
use std::time::{Duration, Instant};

/// The timed part's clock: this thread's CPU time (the `cpu-time` crate; on a shared machine,
/// time spent waiting for a CPU says nothing about the code), or the wall clock where the system
/// does not report it.
enum Clock {
    Cpu(ThreadTime),
    Wall(Instant),
}

impl Clock {
    fn start() -> Clock {
        match ThreadTime::try_now() {
            Ok(t) => Clock::Cpu(t),
            Err(_) => Clock::Wall(Instant::now()),
        }
    }
    fn elapsed(&self) -> Duration {
        match self {
            Clock::Cpu(t) => t.try_elapsed().unwrap_or_default(),
            Clock::Wall(t) => t.elapsed(),
        }
    }
}

/// Where replies go: every byte is copied once, as into a pipe, into a buffer that is emptied
/// when full.
struct Out(Vec<u8>);

impl Write for Out {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        if self.0.len() + bytes.len() > 1 << 20 {
            self.0.clear();
        }
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The state sizes; under `cargo test` (each benchmark once, unoptimized) smaller ones.
fn sizes() -> Vec<usize> {
    let asked = std::env::var("SCALE_SIZES").unwrap_or_default();
    let asked: Vec<usize> = asked
        .split(',')
        .filter_map(|n| n.trim().parse().ok())
        .collect();
    if !asked.is_empty() {
        asked
    } else if std::env::args().any(|a| a == "--bench") {
        vec![1_000, 10_000, 100_000]
    } else {
        vec![100, 1_000]
    }
}

/// The node's messages for one type. Elements are strings, `"e0"`, `"e1"`...: the state holds
/// the even ones and requests bring odd ones, which fall between them in the sort order.
struct Messages {
    kind: NodeType,
}

fn elem(id: usize) -> String {
    format!("\"e{id}\"")
}

impl Messages {
    fn request(&self, kind: &str, payload: &str) -> Vec<u8> {
        let kind = match self.kind {
            NodeType::Orset | NodeType::Orswot => format!("or_set_{kind}"),
            _ => kind.to_string(),
        };
        format!(r#"{{"src":"c1","dest":"n1","body":{{"type":"{kind}","msg_id":1{payload}}}}}"#)
            .into_bytes()
    }

    fn add(&self, id: usize) -> Vec<u8> {
        self.request("add", &format!(r#","element":{}"#, elem(id)))
    }

    fn read(&self) -> Vec<u8> {
        self.request("read", "")
    }

    /// A merge from a peer that holds exactly `ids`. For the ORSWOT every merge comes from a peer
    /// of its own (`from`), whose clock covers only its own dots.
    fn merge(&self, ids: &[usize], from: &str) -> Vec<u8> {
        let each = |f: &dyn Fn(usize, usize) -> String| {
            let items: Vec<String> = ids.iter().enumerate().map(|(i, id)| f(i, *id)).collect();
            items.join(",")
        };
        let payload = match self.kind {
            NodeType::TwoPSet => format!(
                r#","add_set":[{}],"remove_set":[]"#,
                each(&|_, id| elem(id))
            ),
            NodeType::Gset => format!(r#","elements":[{}]"#, each(&|_, id| elem(id))),
            NodeType::Lww => format!(
                r#","adds":[{}],"removes":[]"#,
                each(&|_, id| format!(r#"[{},{},"{from}"]"#, elem(id), id + 1))
            ),
            NodeType::Orset => format!(
                r#","live":[{}],"tombstones":[]"#,
                each(&|i, id| format!(r#"[{},["{from}:{}"]]"#, elem(id), i + 1))
            ),
            NodeType::Orswot => format!(
                r#","entries":[{}],"clock":{{"{from}":{}}}"#,
                each(&|i, id| format!(r#"[{},["{from}:{}"]]"#, elem(id), i + 1)),
                ids.len()
            ),
        };
        self.request("merge", &payload)
    }
}

/// A node of `kind` holding the even elements `e0`..`e(2n-2)`, merged in from one peer.
fn node_with(kind: NodeType, n: usize) -> Node {
    let args = NodeArgs {
        kind,
        protocol: Protocol::Course,
        gossip_ms: 0,
    };
    let mut node = Node::new(&args);
    let init = br#"{"src":"c0","dest":"n1","body":{"type":"init","msg_id":1,"node_id":"n1","node_ids":["n1"]}}"#;
    let state: Vec<usize> = (0..n).map(|i| 2 * i).collect();
    let merge = Messages { kind }.merge(&state, "n2");
    let (mut out, mut log) = (sink(), sink());
    for line in [&init[..], &merge] {
        node.handle_line(line, &mut out, &mut log)
            .expect("the setup is served");
    }
    node
}

/// Time `iters` requests of `lines` (cycled), starting over from a copy of `base` whenever
/// `fresh` of them have run, so the state stays near its size; the copies are not timed.
fn timed(base: &Node, lines: &[Vec<u8>], fresh: usize, iters: u64) -> Duration {
    let (mut out, mut log): (Out, Sink) = (Out(Vec::with_capacity(1 << 20)), sink());
    let mut node = base.clone();
    let mut took = Duration::ZERO;
    let mut done = 0;
    while done < iters {
        let n = (iters - done).min(fresh as u64) as usize;
        let started = Clock::start();
        for line in lines.iter().cycle().take(n) {
            node.handle_line(line, &mut out, &mut log)
                .expect("writing to a sink");
        }
        took += started.elapsed();
        done += n as u64;
        if done < iters {
            node = base.clone();
        }
    }
    took
}

fn node(c: &mut Criterion) {
    let mut group = c.benchmark_group("node");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    let kinds = [
        ("2pset", NodeType::TwoPSet),
        ("gset", NodeType::Gset),
        ("lww", NodeType::Lww),
        ("orset", NodeType::Orset),
        ("orswot", NodeType::Orswot),
    ];
    for (word, kind) in kinds {
        let m = Messages { kind };
        for n in sizes() {
            let base = node_with(kind, n);
            // A tenth of the state in new elements before starting over from the copy.
            let fresh = (n / 10).max(10);
            let adds: Vec<Vec<u8>> = (0..fresh).map(|i| m.add(2 * i + 1)).collect();
            let merges: Vec<Vec<u8>> = (0..fresh / 3)
                .map(|i| {
                    let ids = [6 * i + 1, 6 * i + 3, 6 * i + 5];
                    m.merge(&ids, &format!("p{i}"))
                })
                .collect();
            let add_read: Vec<Vec<u8>> = adds.iter().flat_map(|a| [a.clone(), m.read()]).collect();
            let reads = vec![m.read()];
            let cases: [(&str, &[Vec<u8>], usize); 4] = [
                ("add", &adds, fresh),
                ("merge", &merges, merges.len()),
                ("read", &reads, usize::MAX),
                ("add+read", &add_read, add_read.len()),
            ];
            for (what, lines, fresh) in cases {
                let id = BenchmarkId::new(format!("{word} {what}"), n);
                group.bench_with_input(id, &n, |b, _| {
                    b.iter_custom(|iters| {
                        // add+read is measured per pair.
                        let per = if what == "add+read" { 2 } else { 1 };
                        timed(&base, lines, fresh, iters * per)
                    })
                });
            }
        }
    }
    group.finish();
}

/// A lab of `kind` whose replicas A and B both hold `e0`..`e(n-1)` (added on A, then synced).
fn lab_with(kind: &str, n: usize) -> Lab {
    let mut lab = Lab::new();
    let mut run = |line: &str| {
        if let Err(e) = execute(&mut lab, line) {
            panic!("{line}: {e}");
        }
    };
    run(&format!("new {kind} A B"));
    (0..n).for_each(|k| run(&format!("A add e{k}")));
    run("sync");
    lab
}

/// A lab being run through `lines`, started over from a copy of `base` once all have run (the
/// copy is not timed). It lives across criterion's calls, so a fresh copy's first growth of its
/// log (a copy has no room to spare) is paid once per round of `lines`, as in a real session.
struct Running<'a> {
    base: &'a Lab,
    lab: Lab,
    next: usize,
}

/// Time the next `iters` lines through the command path; with `transcript`, each reply is
/// rendered too.
fn timed_lab(run: &mut Running, lines: &[String], transcript: bool, iters: u64) -> Duration {
    let mut out = Out(Vec::with_capacity(1 << 20));
    let (mut took, mut done) = (Duration::ZERO, 0);
    while done < iters {
        if run.next == lines.len() {
            run.lab = run.base.clone();
            run.next = 0;
        }
        let n = ((iters - done) as usize).min(lines.len() - run.next);
        let started = Clock::start();
        for line in &lines[run.next..run.next + n] {
            let reply = execute(&mut run.lab, line);
            if let (true, Ok(reply)) = (transcript, &reply) {
                let shown = render::reply(&run.lab, reply, Style::Transcript);
                let _ = writeln!(out, "> {line}\n{shown}");
            }
            std::hint::black_box(reply.is_ok());
        }
        took += started.elapsed();
        done += n as u64;
        run.next += n;
    }
    took
}

fn lab(c: &mut Criterion) {
    let mut group = c.benchmark_group("lab");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    for kind in ["naive", "gset", "2pset", "lww", "orset", "orswot", "pnset"] {
        for n in sizes() {
            let base = lab_with(kind, n);
            let fresh = (n / 10).max(10);
            let adds: Vec<String> = (0..fresh).map(|k| format!("A add n{k}")).collect();
            let removes: Vec<String> = (0..fresh).map(|k| format!("B remove e{k}")).collect();
            let add_merge: Vec<String> = (0..fresh)
                .flat_map(|k| [format!("A add n{k}"), "B merge A".to_string()])
                .collect();
            let cases: [(&str, &[String]); 3] = [
                ("add", &adds),
                ("remove", &removes),
                ("add+merge", &add_merge),
            ];
            for (what, lines) in cases {
                // The G-Set refuses removes; a refusal is not the cost asked about.
                if kind == "gset" && what == "remove" {
                    continue;
                }
                for transcript in [false, true] {
                    let face = if transcript { "transcript" } else { "quiet" };
                    let id = BenchmarkId::new(format!("{kind} {what} {face}"), n);
                    let mut base = base.clone();
                    base.set_recording(transcript);
                    let mut run = Running {
                        base: &base,
                        lab: base.clone(),
                        next: 0,
                    };
                    group.bench_with_input(id, &n, |b, _| {
                        b.iter_custom(|iters| {
                            let per = if what == "add+merge" { 2 } else { 1 };
                            timed_lab(&mut run, lines, transcript, iters * per)
                        })
                    });
                }
            }
        }
    }
    group.finish();
}

/// A typed command through the TUI and the frame after it: `update` runs the line on the lab
/// and refreshes what is drawn, then one frame is drawn into a 200×50 TestBackend. The lab is an
/// OR-Set of 8 replicas holding N/8 elements each; each command adds a new element on one of them.
fn tui(c: &mut Criterion) {
    let mut group = c.benchmark_group("tui");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    const NAMES: [&str; 8] = ["A", "B", "C", "D", "E", "F", "G", "H"];
    for n in sizes() {
        let mut lab = Lab::new();
        let mut run = |line: &str| {
            if let Err(e) = execute(&mut lab, line) {
                panic!("{line}: {e}");
            }
        };
        run(&format!("new orset {}", NAMES.join(" ")));
        for k in 0..n {
            run(&format!("{} add e{k}", NAMES[k % 8]));
        }
        let mut app = App::with_lab(Theme::dark(), lab);
        app.resize(200, 50);
        let mut terminal = match Terminal::new(TestBackend::new(200, 50)) {
            Ok(t) => t,
            Err(e) => match e {},
        };
        let mut k = 0;
        let id = BenchmarkId::new("orset command+frame", n);
        group.bench_with_input(id, &n, |b, _| {
            b.iter_custom(|iters| {
                let started = Clock::start();
                for _ in 0..iters {
                    app.run_line(&format!("{} add n{k}", NAMES[k % 8]));
                    k += 1;
                    let drawn = terminal.draw(|f| f.render_widget(&app, f.area()));
                    std::hint::black_box(drawn.is_ok());
                }
                started.elapsed()
            })
        });
    }
    group.finish();
}

criterion_group!(scale, node, lab, tui);
criterion_main!(scale);
