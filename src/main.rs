//! The `crdt-lab` binary: clap picks the face (TUI, REPL, script runner, lessons, node).
#![forbid(unsafe_code)]

use clap::{Parser, Subcommand};
use crdt_lab::script::{RunOptions, run_script};
use std::process::ExitCode;

/// A terminal lab for learning set CRDTs.
#[derive(Parser)]
#[command(name = "crdt-lab", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Option<Face>,
}

#[derive(Subcommand)]
enum Face {
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
        Some(Face::Repl) | None => ExitCode::from(crdt_lab::repl::run() as u8),
        Some(Face::Run { files, quiet }) => run_files(&files, RunOptions { quiet }),
    }
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
