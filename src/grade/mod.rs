//! `crdt-lab grade`: runs a learner's own node (any language) on the course's protocol, alone or as a cluster with faults, and reports each check by name with the shortest history that shows a failure.

mod child;
mod cluster;
mod history;
mod judge;
mod lines;
mod model;
mod report;
mod shrink;
mod single;
mod story;
mod verdict;
mod workload;

use crate::exit;
use crate::node::{NodeType, Protocol};
use report::{Report, Section, Status, statuses};
use std::path::PathBuf;
use std::time::{Duration, Instant};
use verdict::{Check, title};

/// Options of `crdt-lab grade`.
#[derive(Clone, Debug, PartialEq, clap::Args)]
pub struct GradeArgs {
    /// The set type the node implements
    #[arg(long = "type", value_enum)]
    pub kind: NodeType,
    /// How many copies of the node to run: 1 (the course's single-node tasks; the grader plays
    /// the other replicas) or a cluster of 2 to 9 that must gossip
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=9))]
    pub nodes: u8,
    /// The message format: the course's (read_ok carries elements; bytes as Python's
    /// json.dumps) or Maelstrom's own workloads (read_ok carries value)
    #[arg(long, value_enum, default_value = "course")]
    pub protocol: Protocol,
    /// The seed of the workload and of the faults; the same seed gives the same run
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How many requests the workload makes
    #[arg(long, default_value_t = 200, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub ops: u32,
    /// Seconds a node has to answer each request, and a cluster to converge after the heal
    #[arg(long, value_name = "SECS", default_value_t = 5.0)]
    pub time_limit: f64,
    /// Write the story of the first failure as a .crdt script to step through in the lab
    #[arg(long, value_name = "FILE")]
    pub save: Option<PathBuf>,
    /// The node to grade, after `--`: e.g. -- python3 my_node.py
    #[arg(last = true, required = true, value_name = "COMMAND")]
    pub command: Vec<String>,
}

/// What every run needs to know.
#[derive(Clone, Debug)]
pub struct Setup {
    pub kind: NodeType,
    pub protocol: Protocol,
    pub command: Vec<String>,
    pub time_limit: Duration,
    pub nodes: usize,
    pub seed: u64,
    pub ops: usize,
}

impl Setup {
    pub(crate) fn title(&self) -> String {
        let who = if self.nodes == 1 {
            "1 node (n1; the grader plays n2 and n3)".to_string()
        } else {
            format!("a cluster of {} nodes (n1 to n{})", self.nodes, self.nodes)
        };
        let protocol = match self.protocol {
            Protocol::Course => "course",
            Protocol::Maelstrom => "maelstrom",
        };
        format!(
            "{} ({}), {who}, seed {}, {} requests, {protocol} protocol, time limit {} s",
            title(self.kind),
            self.kind.word(),
            self.seed,
            self.ops,
            self.time_limit.as_secs_f64()
        )
    }
}

/// Grade, print the report, and return the exit status: Success when every check passes,
/// Failure when one fails, Unusable when the grade could not run.
pub fn run(args: &GradeArgs) -> exit::Status {
    let time_limit = match Duration::try_from_secs_f64(args.time_limit) {
        Ok(t) if !t.is_zero() && t <= Duration::from_secs(3600) => t,
        _ => {
            eprintln!(
                "crdt-lab grade: --time-limit takes seconds above 0 (at most 3600), like 5 or 0.5"
            );
            return exit::Status::Unusable;
        }
    };
    if let Err(e) = child::stop_children_on_signal() {
        eprintln!("crdt-lab grade: cannot catch Ctrl-C ({e}); nodes are still stopped at the end");
    }
    let setup = Setup {
        kind: args.kind,
        protocol: args.protocol,
        command: args.command.clone(),
        time_limit,
        nodes: usize::from(args.nodes),
        seed: args.seed,
        ops: args.ops as usize,
    };
    let started = Instant::now();
    let graded = if setup.nodes == 1 {
        grade_single(&setup)
    } else {
        cluster::grade(&setup)
    };
    let (mut report, story) = match graded {
        Ok(graded) => graded,
        Err(e) => {
            eprintln!("crdt-lab grade: {e}");
            return exit::Status::Unusable;
        }
    };
    report.notes.push(format!(
        "Graded in {:.1} s.",
        started.elapsed().as_secs_f64()
    ));
    report.saved = args
        .save
        .as_ref()
        .map(|path| save(path, story.as_deref(), &report));
    print!("{}", report.render());
    exit::Status::of(report.passed())
}

/// Write the story to `path`, and say what happened.
fn save(path: &std::path::Path, story: Option<&str>, report: &Report) -> String {
    let shown = path.display();
    let failed: Vec<&str> = report
        .sections
        .iter()
        .map(|s| s.failure.check.name())
        .collect();
    match story {
        None if failed.is_empty() => {
            format!("Every check passed: there is no failure to save in {shown}.")
        }
        None => format!(
            "Nothing saved in {shown}: what failed ({}) is about the messages, not the set, so it \
             has no story in the lab.",
            failed.join(", ")
        ),
        Some(text) => match std::fs::write(path, text) {
            Ok(()) => format!(
                "The story of the failure is saved: step through it with `crdt-lab run {shown}`."
            ),
            Err(e) => format!("Could not save the story in {shown}: {e}"),
        },
    }
}

/// The single-node grade: one run, then each failure shrunk to its shortest story.
fn grade_single(setup: &Setup) -> Result<(Report, Option<String>), String> {
    let steps = workload::single(setup.kind, setup.protocol, setup.seed, setup.ops);
    let outcome = single::run(setup, &steps, None)?;
    let title = setup.title();
    let deadline = Instant::now() + Duration::from_secs(20) + setup.time_limit * 4;
    let mut sections = Vec::new();
    let mut story = None;
    for failure in &outcome.failures {
        let time = deadline.saturating_duration_since(Instant::now());
        let budget = shrink::Budget { runs: 60, time };
        let shrunk = shrink::shrink(setup, &steps, &outcome, failure, budget);
        if story.is_none() && failure.check != Check::Protocol {
            story = Some(story::single(setup.kind, &shrunk, &title));
        }
        sections.push(section(shrunk));
    }
    sections.sort_by_key(|s| s.failure.check);
    let checks = statuses(&sections, |check| match check {
        Check::Convergence => {
            Status::NotApplicable("a cluster check: grade with --nodes 3 once this passes".into())
        }
        _ => Status::Pass,
    });
    let mut report = Report {
        title,
        command: setup.command.join(" "),
        checks,
        sections,
        ..Report::default()
    };
    if let Some(stop) = outcome.failures.iter().find(|f| f.check == Check::Liveness) {
        report.notes.push(format!(
            "The run stopped at line {} of {} (the node could not go on); the checks that pass \
             passed up to there.",
            stop.line.map_or(0, |l| l + 1),
            outcome.transcript.len()
        ));
    }
    Ok((report, story))
}

/// A shrunk failure as a section of the report.
fn section(shrunk: shrink::Shrunk) -> Section {
    let source = match shrunk.runs {
        0 => format!("the whole run had {}", shrunk.of),
        1 => format!(
            "the whole run had {}; shrunk in 1 run of a fresh node",
            shrunk.of
        ),
        n => format!(
            "the whole run had {}; shrunk in {n} runs of a fresh node",
            shrunk.of
        ),
    };
    Section {
        history: shrunk.history.into_iter().enumerate().collect(),
        failure: shrunk.failure,
        source,
    }
}
