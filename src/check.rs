//! `crdt-lab check <type|all>`: the laws from the command line, with the shortest story that
//! breaks one, saved as a `.crdt` script with `--save`. Exits 0 when every law holds, 1 with a
//! counterexample, 2 on bad arguments.

use crate::crdt::Kind;
use crate::exit::{Output, Status, warn};
use crate::lab::{DEFAULT_CASES, Setup, check};
use crate::script::laws::{report_text, script};
use crate::script::write_text;
use std::io::Write;

/// The arguments of `crdt-lab check`.
#[derive(clap::Args, Clone, Debug)]
pub struct CheckArgs {
    /// A set type (naive gset 2pset lww orset orswot pnset), or all of them
    pub kind: String,
    /// Where the random histories start: the same seed gives the same report
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How many random histories to try per type
    #[arg(long, default_value_t = DEFAULT_CASES)]
    pub cases: usize,
    /// Write the first counterexample as a .crdt script whose last expect fails
    #[arg(long, value_name = "FILE", value_hint = clap::ValueHint::FilePath)]
    pub save: Option<String>,
}

/// Run the check on the types asked for and print the reports.
pub fn run(args: &CheckArgs) -> Status {
    let kinds: Vec<Kind> = match (args.kind.as_str(), Kind::from_word(&args.kind)) {
        ("all", _) => Kind::ALL.to_vec(),
        (_, Some(kind)) => vec![kind],
        (word, None) => {
            let words: Vec<&str> = Kind::ALL.iter().map(|k| k.word()).collect();
            warn(&format!(
                "crdt-lab check: unknown set type '{word}'; types: {} or all",
                words.join(" ")
            ));
            return Status::Unusable;
        }
    };
    if args.cases == 0 {
        warn("crdt-lab check: --cases takes a number above 0");
        return Status::Unusable;
    }
    let mut out = Output::new(std::io::stdout().lock());
    let mut saved = false;
    let mut holds = true;
    for kind in kinds {
        let report = check(&Setup::new(kind), args.seed, args.cases);
        let _ = writeln!(out, "{}", report_text(&report));
        holds &= report.holds();
        if let (Some(path), Some(ce), false) = (&args.save, report.first(), saved) {
            saved = true;
            if let Err(e) = write_text(path, &script(&report, ce)) {
                warn(&format!("crdt-lab check: {e}"));
                return Status::Failure;
            }
            let _ = writeln!(
                out,
                "saved the {} counterexample to {path} (crdt-lab run {path} replays it)",
                ce.law.word()
            );
        }
    }
    out.status(Status::of(holds))
}
