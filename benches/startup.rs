//! Startup: how long `crdt-lab --help` takes from spawn to exit, against spawning `true` (the
//! cost of any process at all) in the same run. Also prints the binary's size.

use criterion::{Criterion, criterion_group, criterion_main};
use std::process::{Command, Stdio};
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_crdt-lab");

fn run(program: &str, args: &[&str]) {
    let status = Command::new(program)
        .args(args)
        .stdout(Stdio::null())
        .status()
        .expect("it runs");
    assert!(status.success(), "{program} {args:?}");
}

fn startup(c: &mut Criterion) {
    let bytes = std::fs::metadata(BIN).map(|m| m.len()).unwrap_or(0);
    eprintln!("{BIN}: {bytes} bytes ({:.1} MB)", bytes as f64 / 1e6);
    let mut group = c.benchmark_group("startup");
    group.measurement_time(Duration::from_secs(5));
    group.bench_function("true (baseline)", |b| b.iter(|| run("true", &[])));
    group.bench_function("crdt-lab --help", |b| b.iter(|| run(BIN, &["--help"])));
    group.bench_function("crdt-lab run --help", |b| {
        b.iter(|| run(BIN, &["run", "--help"]))
    });
    group.finish();
}

criterion_group!(benches, startup);
criterion_main!(benches);
