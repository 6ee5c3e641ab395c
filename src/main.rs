//! The `crdt-lab` binary: clap picks the face (TUI, REPL, script runner, lessons, node).
#![forbid(unsafe_code)]

use clap::{Parser, Subcommand};
use crdt_lab::exit::{Output, Status, warn};
use crdt_lab::script::render::escape_lines;
use crdt_lab::script::{RunOptions, run_script};
use crdt_lab::tui;
use std::process::ExitCode;
use std::time::Duration;

/// A terminal lab for learning set CRDTs. With no command, the TUI opens on its home screen.
#[derive(Parser)]
#[command(name = "crdt-lab", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Face>,
    #[command(flatten)]
    tui: TuiArgs,
}

/// Options of the TUI.
#[derive(clap::Args, Clone, Default)]
struct TuiArgs {
    /// Colour theme: dark, light, high-contrast, or a path to a theme .json (NO_COLOR drops colour)
    #[arg(long, global = true)]
    theme: Option<String>,
}

impl TuiArgs {
    fn options(&self) -> tui::Options {
        tui::Options {
            theme: self.theme.clone(),
            auto: None,
        }
    }
}

#[derive(Subcommand)]
enum Face {
    /// A free lab in the TUI: crdt-lab sandbox orset A B C
    Sandbox {
        /// The set type: naive, gset, 2pset, lww, orset, orswot, pnset (default orset)
        kind: Option<String>,
        /// Replica names (default A B)
        replicas: Vec<String>,
    },
    /// Line mode: type commands, see the replicas as tables
    Repl,
    /// Run .crdt scripts or .md lessons headless and print the transcript; exits 1 on a failure
    Run {
        #[arg(required = true)]
        files: Vec<String>,
        /// Print only failures
        #[arg(long)]
        quiet: bool,
    },
    /// List the lessons that ship with crdt-lab
    Lessons,
    /// A Maelstrom-protocol node: JSON messages on stdin and stdout, logs on stderr
    Node(crdt_lab::node::NodeArgs),
    /// Play a lesson, by name, number or path to a .md file
    Play {
        lesson: String,
        /// Line mode, for SSH sessions and screen readers
        #[arg(long)]
        plain: bool,
        /// Advance by itself every SECS seconds (for a classroom screen); pauses on questions
        #[arg(long, value_name = "SECS")]
        auto: Option<f64>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cli.command {
        None => tui::run(tui::Start::Home, cli.tui.options()),
        Some(Face::Sandbox { kind, replicas }) => tui::run(
            tui::Start::Sandbox(sandbox_line(kind, replicas)),
            cli.tui.options(),
        ),
        Some(Face::Repl) => crdt_lab::repl::run(),
        Some(Face::Run { files, quiet }) => run_files(&files, RunOptions { quiet }),
        Some(Face::Lessons) => lessons(),
        Some(Face::Play {
            lesson,
            plain,
            auto,
        }) => play(&lesson, plain, cli.tui.options(), auto),
        Some(Face::Node(args)) => node(&args),
    };
    status.into()
}

fn lessons() -> Status {
    let lessons = match crdt_lab::lesson::builtin() {
        Ok(lessons) => lessons,
        Err(e) => {
            warn(&format!(
                "crdt-lab: a built-in lesson could not be read: {e}"
            ));
            return Status::Failure;
        }
    };
    let mut out = Output::new(std::io::stdout().lock());
    let _ = crdt_lab::plain::list(&lessons, &mut out);
    out.status(Status::Success)
}

fn node(args: &crdt_lab::node::NodeArgs) -> Status {
    let input = std::io::BufReader::with_capacity(1 << 16, std::io::stdin());
    match crdt_lab::node::run(args, input, std::io::stdout().lock(), std::io::stderr()) {
        Ok(()) => Status::Success,
        Err(e) => {
            warn(&format!("crdt-lab node: {e}"));
            Status::Failure
        }
    }
}

/// `sandbox lww A B C` sets its lab up with the line `new lww A B C`.
fn sandbox_line(kind: Option<String>, replicas: Vec<String>) -> Option<String> {
    let kind = kind?;
    let replicas = if replicas.is_empty() {
        vec!["A".to_string(), "B".to_string()]
    } else {
        replicas
    };
    Some(format!("new {kind} {}", replicas.join(" ")))
}

/// `play`: the TUI on a lesson, or line mode with `--plain`.
fn play(name: &str, plain: bool, mut options: tui::Options, auto: Option<f64>) -> Status {
    let lesson = match crdt_lab::lesson::find(name) {
        Ok(lesson) => lesson,
        Err(e) => {
            warn(&escape_lines(&e.to_string()));
            return Status::Unusable;
        }
    };
    if !plain {
        options.auto = match auto.map(Duration::try_from_secs_f64) {
            None => None,
            Some(Ok(secs)) if !secs.is_zero() => Some(secs),
            Some(_) => {
                warn("--auto takes a number of seconds above 0, like 4 or 2.5");
                return Status::Unusable;
            }
        };
        return tui::run(tui::Start::Lesson(Box::new(lesson)), options);
    }
    let mut out = Output::new(std::io::stdout().lock());
    let status = crdt_lab::plain::play(lesson, std::io::stdin().lock(), &mut out);
    out.status(status)
}

fn run_files(files: &[String], options: RunOptions) -> Status {
    let mut out = Output::new(std::io::stdout().lock());
    for file in files {
        let result = if file.ends_with(".md") {
            run_lesson(file, options, &mut out)
        } else {
            run_script(file, options, &mut out)
                .map(|_| ())
                .map_err(|e| e.into())
        };
        if out.failed() {
            break;
        }
        if let Err(e) = result {
            warn(&escape_lines(&e.to_string()));
            return out.status(Status::Failure);
        }
    }
    out.status(Status::Success)
}

fn run_lesson(
    file: &str,
    options: RunOptions,
    out: &mut impl std::io::Write,
) -> Result<(), Box<dyn std::error::Error>> {
    let lesson = crdt_lab::lesson::find(file)?;
    crdt_lab::lesson::play_headless(&lesson, options, out)?;
    Ok(())
}
