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
        /// Advance by itself every SECS seconds (for a classroom screen)
        #[arg(long, value_name = "SECS")]
        auto: Option<f64>,
        /// Colour theme
        #[arg(long, value_name = "NAME")]
        theme: Option<String>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Some(Face::Repl) | None => ExitCode::from(crdt_lab::repl::run() as u8),
        Some(Face::Run { files, quiet }) => run_files(&files, RunOptions { quiet }),
        Some(Face::Lessons) => match crdt_lab::plain::list(&mut std::io::stdout().lock()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::from(1),
        },
        Some(Face::Play { lesson, plain, .. }) => play(&lesson, plain),
        Some(Face::Node(args)) => node(&args),
    }
}

fn node(args: &crdt_lab::node::NodeArgs) -> ExitCode {
    let input = std::io::BufReader::with_capacity(1 << 16, std::io::stdin());
    match crdt_lab::node::run(args, input, std::io::stdout().lock(), std::io::stderr()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crdt-lab node: {e}");
            ExitCode::FAILURE
        }
    }
}

fn play(name: &str, plain: bool) -> ExitCode {
    let lesson = match crdt_lab::lesson::find(name) {
        Ok(lesson) => lesson,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    if !plain {
        eprintln!("the TUI comes in its own issue; use --plain");
        return ExitCode::from(2);
    }
    let code = crdt_lab::plain::play(
        lesson,
        std::io::stdin().lock(),
        &mut std::io::stdout().lock(),
    );
    ExitCode::from(code as u8)
}

fn run_files(files: &[String], options: RunOptions) -> ExitCode {
    let mut out = std::io::stdout().lock();
    for file in files {
        let result = if file.ends_with(".md") {
            run_lesson(file, options, &mut out)
        } else {
            run_script(file, options, &mut out)
                .map(|_| ())
                .map_err(|e| e.to_string())
        };
        if let Err(e) = result {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    }
    ExitCode::SUCCESS
}

fn run_lesson(
    file: &str,
    options: RunOptions,
    out: &mut impl std::io::Write,
) -> Result<(), String> {
    let lesson = crdt_lab::lesson::find(file)?;
    crdt_lab::lesson::play_headless(&lesson, options, out)
        .map(|_| ())
        .map_err(|e| e.to_string())
}
