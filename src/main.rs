//! The `crdt-lab` command line. For now only the `node` subcommand; the other faces come later.

use clap::{Parser, Subcommand};
use std::io::{BufReader, stderr, stdin, stdout};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "crdt-lab", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// A Maelstrom-protocol node: JSON messages on stdin and stdout, logs on stderr.
    Node(crdt_lab::node::NodeArgs),
}

fn main() -> ExitCode {
    let Command::Node(args) = Cli::parse().command;
    let input = BufReader::with_capacity(1 << 16, stdin());
    match crdt_lab::node::run(&args, input, stdout().lock(), stderr()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crdt-lab node: {e}");
            ExitCode::FAILURE
        }
    }
}
