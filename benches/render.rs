//! Render benchmark: one frame of the TUI for 8 OR-Set replicas of 10,000 elements each, drawn
//! into a 200×50 TestBackend, against the same frame for a fresh lab, timed in the same run.
//! The target is under 16 ms (one frame at 60 Hz). It also times `App::refresh`, the view
//! derivation `update` does after a command. See benches/README.md, "Render".

use crdt_lab::lab::Lab;
use crdt_lab::script::execute;
use crdt_lab::tui::{App, Theme};
use criterion::{Criterion, criterion_group, criterion_main};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::hint::black_box;
use std::time::Duration;

const REPLICAS: [&str; 8] = ["A", "B", "C", "D", "E", "F", "G", "H"];
const ELEMENTS: usize = 10_000;

/// 10,000 elements per replica under `cargo bench` (or `RENDER_BENCH_ELEMENTS`); 100 when
/// `cargo test` runs each benchmark once to check it works (building the big lab unoptimized
/// would take minutes).
fn elements() -> usize {
    if std::env::args().any(|a| a == "--bench") {
        let asked = std::env::var("RENDER_BENCH_ELEMENTS").ok();
        asked.and_then(|n| n.parse().ok()).unwrap_or(ELEMENTS)
    } else {
        100
    }
}

fn run(lab: &mut Lab, line: &str) {
    if let Err(e) = execute(lab, line) {
        panic!("{line}: {e}");
    }
}

/// Eight replicas, each with `elements` elements of its own (so as many live tags each).
fn big_lab(elements: usize) -> Lab {
    let mut lab = Lab::new();
    run(&mut lab, &format!("new orset {}", REPLICAS.join(" ")));
    for (k, name) in REPLICAS.iter().enumerate() {
        for n in 0..elements {
            run(&mut lab, &format!("{name} add e{}", k * elements + n));
        }
    }
    lab
}

fn frame(c: &mut Criterion, name: &str, app: &App) {
    let mut terminal = match Terminal::new(TestBackend::new(200, 50)) {
        Ok(t) => t,
        Err(e) => match e {},
    };
    c.bench_function(name, |b| {
        b.iter(|| {
            let drawn = terminal.draw(|f| f.render_widget(black_box(app), f.area()));
            black_box(drawn.is_ok())
        })
    });
}

fn render(c: &mut Criterion) {
    let mut empty = App::with_lab(Theme::dark(), Lab::new());
    empty.resize(200, 50);
    frame(c, "render 200x50/fresh lab (baseline)", &empty);
    let elements = elements();
    let mut big = App::with_lab(Theme::dark(), big_lab(elements));
    big.resize(200, 50);
    let shown: usize = big
        .session
        .view
        .replicas
        .iter()
        .map(|r| r.visible.to_string().len())
        .sum();
    assert!(
        shown > 8 * elements,
        "the lab really holds 8 × {elements} elements"
    );
    let name = format!("render 200x50/8 replicas x {elements} elements (OR-Set)");
    frame(c, &name, &big);
    // Not drawing: what `update` does after each command, deriving the view from the lab.
    let name = format!("update/refresh the view of 8 x {elements} elements");
    c.bench_function(&name, |b| b.iter(|| black_box(big.refresh())));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(5));
    targets = render
}
criterion_main!(benches);
