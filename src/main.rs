//! The `crdt-lab` binary: clap picks the face (TUI, REPL, script runner, lessons, node).
#![forbid(unsafe_code)]

use clap::{Parser, Subcommand};
use crdt_lab::script::{RunOptions, run_script};
use crdt_lab::tui;
use std::process::ExitCode;

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
        tui::Options { theme: self.theme.clone(), auto: None }
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
    /// Run .crdt scripts headless and print the transcript; exits 1 on a failed expectation
    Run {
        #[arg(required = true)]
        files: Vec<String>,
        /// Print only failures
        #[arg(long)]
        quiet: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        None => exit(tui::run(tui::Start::Home, cli.tui.options())),
        Some(Face::Sandbox { kind, replicas }) => exit(tui::run(tui::Start::Sandbox(sandbox_line(kind, replicas)), cli.tui.options())),
        Some(Face::Repl) => ExitCode::from(crdt_lab::repl::run() as u8),
        Some(Face::Run { files, quiet }) => run_files(&files, RunOptions { quiet }),
    }
}

fn exit(code: i32) -> ExitCode {
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// `sandbox lww A B C` sets its lab up with the line `new lww A B C`.
fn sandbox_line(kind: Option<String>, replicas: Vec<String>) -> Option<String> {
    let kind = kind?;
    let replicas = if replicas.is_empty() { vec!["A".to_string(), "B".to_string()] } else { replicas };
    Some(format!("new {kind} {}", replicas.join(" ")))
}

fn run_files(files: &[String], options: RunOptions) -> ExitCode {
    let mut out = std::io::stdout().lock();
    for file in files {
        if let Err(e) = run_script(file, options, &mut out) {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}
