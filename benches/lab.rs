//! Lab benchmarks: a generated 1,000,000-command script through the command language, and the
//! cost of one undo at history lengths 1,000 and 1,000,000.

use crdt_lab::lab::Lab;
use crdt_lab::script::{Action, execute, parse};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::{Duration, Instant};

const REPLICAS: [&str; 4] = ["A", "B", "C", "D"];

/// A deterministic mix over 4 replicas: 40% adds, 30% removes, 20% merges, 10% syncs.
fn script(kind: &str, n: usize) -> Vec<String> {
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let mut lines = vec![format!("new {kind} A B C D")];
    for _ in 1..n {
        let (r, s, e, pick) = (next() % 4, next() % 4, next() % 64, next() % 10);
        let (r, s) = (
            REPLICAS[r as usize],
            REPLICAS[((r + 1 + s % 3) % 4) as usize],
        );
        lines.push(match pick {
            0..=3 => format!("{r} add e{e}"),
            4..=6 => format!("{r} remove e{e}"),
            7 | 8 => format!("{r} merge {s}"),
            _ if e % 2 == 0 => "sync".to_string(),
            _ => format!("sync {r} {s}"),
        });
    }
    lines
}

/// Run every line through the one command path; refusals are part of the mix.
fn run_script(lines: &[String]) -> Lab {
    let mut lab = Lab::new();
    for line in lines {
        let _ = execute(&mut lab, line);
    }
    lab
}

/// The same commands, parsed beforehand: the lab's own share of the time.
fn run_parsed(commands: &[crdt_lab::lab::Command]) -> Lab {
    let mut lab = Lab::new();
    for c in commands {
        let _ = lab.run(c.clone());
    }
    lab
}

fn parsed(lines: &[String]) -> Vec<crdt_lab::lab::Command> {
    let changes = lines.iter().filter_map(|l| match parse(l) {
        Ok(Some(Action::Change(c))) => Some(c),
        _ => None,
    });
    changes.collect()
}

/// 1,000,000 commands on the types whose metadata stays bounded; the OR-Set, whose tombstones
/// grow with every add, at 20,000 beside the ORSWOT at the same length.
fn scripts(c: &mut Criterion) {
    let mut group = c.benchmark_group("script");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(30));
    let runs = [
        ("orswot", 1_000_000, true),
        ("lww", 1_000_000, false),
        ("2pset", 1_000_000, false),
        ("orswot", 20_000, true),
        ("orset", 20_000, true),
    ];
    for (kind, n, through_text) in runs {
        let lines = script(kind, n);
        if through_text {
            group.bench_function(format!("{kind} {n}/parse+apply"), |b| {
                b.iter(|| black_box(run_script(&lines).position()))
            });
        }
        let commands = parsed(&lines);
        group.bench_function(format!("{kind} {n}/apply"), |b| {
            b.iter(|| black_box(run_parsed(&commands).position()))
        });
    }
    group.finish();
}

/// One undo, timed alone; a redo (untimed) puts the lab back for the next one.
fn undo(c: &mut Criterion) {
    let mut group = c.benchmark_group("undo");
    for n in [1_000, 1_000_000] {
        let mut lab = run_script(&script("orswot", n));
        group.bench_function(format!("history {n}"), |b| {
            b.iter_custom(|iters| {
                let mut spent = Duration::ZERO;
                for _ in 0..iters {
                    let start = Instant::now();
                    black_box(lab.undo().is_some());
                    spent += start.elapsed();
                    lab.redo();
                }
                spent
            })
        });
    }
    group.finish();
}

criterion_group!(benches, scripts, undo);
criterion_main!(benches);
