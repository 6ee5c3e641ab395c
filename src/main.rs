//! The `crdt-lab` binary: clap picks the face (TUI, REPL, script runner, lessons, node), and
//! writes the shell completions and the man page from the same command line.
#![forbid(unsafe_code)]

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{CommandFactory, Parser, Subcommand};
use crdt_lab::crdt::Kind;
use crdt_lab::exit::{Output, Status, warn};
use crdt_lab::script::render::{Look, escape_lines};
use crdt_lab::script::{RunOptions, run_script};
use crdt_lab::{config, tui};
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

/// A terminal lab for learning set CRDTs. With no command, the TUI opens on its home screen.
#[derive(Parser)]
#[command(
    name = "crdt-lab",
    version,
    about,
    args_conflicts_with_subcommands = true
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Face>,
    #[command(flatten)]
    tui: TuiArgs,
}

/// Options of the TUI (given where the TUI opens: with no command, `sandbox` and `play`).
#[derive(clap::Args, Clone, Default)]
struct TuiArgs {
    /// Colour theme: dark, light, high-contrast, or a path to a theme .json. Also set by
    /// CRDT_LAB_THEME or `theme` in config.toml; NO_COLOR drops colour
    #[arg(long, value_name = "THEME")]
    theme: Option<String>,
    /// Leave the mouse to the terminal, so text can be selected (M toggles it in the TUI)
    #[arg(long)]
    no_mouse: bool,
}

#[derive(Subcommand)]
enum Face {
    /// A free lab in the TUI: crdt-lab sandbox orset A B C
    Sandbox {
        /// The set type (default orset)
        #[arg(value_parser = PossibleValuesParser::new(Kind::ALL.iter().map(|k| k.word())))]
        kind: Option<String>,
        /// Replica names (default A B)
        replicas: Vec<String>,
        #[command(flatten)]
        tui: TuiArgs,
    },
    /// Line mode: type commands, see the replicas as tables
    Repl {
        /// Draw tables with ASCII characters only (for screen readers and old terminals)
        #[arg(long)]
        ascii: bool,
    },
    /// Run .crdt scripts or .md lessons headless and print their transcripts; exits 1 if any failed
    Run {
        #[arg(required = true, value_hint = clap::ValueHint::FilePath)]
        files: Vec<String>,
        /// Print only failures
        #[arg(long)]
        quiet: bool,
        /// Stop at the first file that fails
        #[arg(long)]
        fail_fast: bool,
    },
    /// List the lessons that ship with crdt-lab
    Lessons,
    /// A Maelstrom-protocol node: JSON messages on stdin and stdout, logs on stderr
    Node(crdt_lab::node::NodeArgs),
    /// Grade your own node (any language): crdt-lab grade --type 2pset -- python3 my_node.py
    Grade(crdt_lab::grade::GradeArgs),
    /// Play a lesson, by name, number or path to a .md file
    Play {
        #[arg(value_parser = LessonName, hide_possible_values = true)]
        lesson: String,
        /// Line mode, for SSH sessions and screen readers
        #[arg(long)]
        plain: bool,
        /// With --plain: also show the lesson's own checks (expect lines and their ok:)
        #[arg(long)]
        verbose: bool,
        /// With --plain: draw tables with ASCII characters only
        #[arg(long)]
        ascii: bool,
        /// Advance by itself every SECS seconds (for a classroom screen); pauses on questions.
        /// Also set by `auto` in config.toml
        #[arg(long, value_name = "SECS")]
        auto: Option<f64>,
        #[command(flatten)]
        tui: TuiArgs,
    },
    /// Check the CRDT laws on a set type (or all) with random histories; a broken law gets its
    /// shortest story: crdt-lab check naive --save ce.crdt
    Check(crdt_lab::check::CheckArgs),
    /// Print a completion script for a shell: crdt-lab completions bash > ~/.local/share/bash-completion/completions/crdt-lab
    Completions { shell: clap_complete::Shell },
    /// Print the man page (roff): crdt-lab man > crdt-lab.1
    Man,
}

/// A lesson's name, number or path. Any text is read; the shipped lessons' names are offered
/// to shell completion.
#[derive(Clone)]
struct LessonName;

impl TypedValueParser for LessonName {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        clap::builder::StringValueParser::new().parse_ref(cmd, arg, value)
    }

    fn possible_values(&self) -> Option<Box<dyn Iterator<Item = PossibleValue> + '_>> {
        Some(Box::new(crdt_lab::lesson::names().map(PossibleValue::new)))
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let status = match cli.command {
        None => open_tui(tui::Start::Home, &cli.tui, None),
        Some(Face::Sandbox {
            kind,
            replicas,
            tui,
        }) => open_tui(
            tui::Start::Sandbox(sandbox_line(kind, replicas)),
            &tui,
            None,
        ),
        Some(Face::Repl { ascii }) => crdt_lab::repl::run(crdt_lab::repl::Options { ascii }),
        Some(Face::Run {
            files,
            quiet,
            fail_fast,
        }) => run_files(&files, RunOptions { quiet }, fail_fast),
        Some(Face::Lessons) => lessons(),
        Some(Face::Play {
            lesson,
            plain: true,
            verbose,
            ascii,
            ..
        }) => play_plain(&lesson, verbose, ascii),
        Some(Face::Play {
            lesson, auto, tui, ..
        }) => match find_lesson(&lesson) {
            Some(lesson) => open_tui(tui::Start::Lesson(Box::new(lesson)), &tui, auto),
            None => Status::Unusable,
        },
        Some(Face::Node(args)) => node(&args),
        Some(Face::Grade(args)) => crdt_lab::grade::run(&args),
        Some(Face::Check(args)) => crdt_lab::check::run(&args),
        Some(Face::Completions { shell }) => completions(shell),
        Some(Face::Man) => man(),
    };
    status.into()
}

/// Open the TUI with its options: the command line first, then `CRDT_LAB_THEME` and the
/// config file.
fn open_tui(start: tui::Start, args: &TuiArgs, auto: Option<f64>) -> Status {
    let (settings, problem) = config::load();
    if let Some(problem) = problem {
        warn(&format!("crdt-lab: the config file is left out: {problem}"));
    }
    let auto = match auto.map(Duration::try_from_secs_f64) {
        None => settings
            .auto
            .and_then(|secs| Duration::try_from_secs_f64(secs).ok()),
        Some(Ok(secs)) if !secs.is_zero() => Some(secs),
        Some(_) => {
            warn("--auto takes a number of seconds above 0, like 4 or 2.5");
            return Status::Unusable;
        }
    };
    let theme = args.theme.clone().or(settings.theme);
    let no_mouse = args.no_mouse;
    tui::run(
        start,
        tui::Options {
            theme,
            auto,
            no_mouse,
        },
    )
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
    let progress = open_progress().map(|o| o.progress).unwrap_or_default();
    let mut out = Output::new(std::io::stdout().lock());
    let _ = crdt_lab::plain::list(&lessons, &progress, &mut out);
    out.status(Status::Success)
}

/// The saved progress, a problem with its file said on stderr.
fn open_progress() -> Option<crdt_lab::progress::Opened> {
    let opened = crdt_lab::progress::Store::open()?;
    if let Some(warning) = &opened.warning {
        warn(warning);
    }
    Some(opened)
}

fn node(args: &crdt_lab::node::NodeArgs) -> Status {
    let input = std::io::BufReader::with_capacity(1 << 16, std::io::stdin());
    match crdt_lab::node::serve(args, input, std::io::stdout().lock(), std::io::stderr()) {
        // The process ends next, and its memory goes back whole: no need to free every element.
        Ok(node) => {
            std::mem::forget(node);
            Status::Success
        }
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

fn find_lesson(name: &str) -> Option<crdt_lab::lesson::Lesson> {
    let lesson = crdt_lab::lesson::find(name)
        .map_err(|e| warn(&escape_lines(&e.to_string())))
        .ok()?;
    lesson
        .warnings()
        .iter()
        .for_each(|w| warn(&escape_lines(w)));
    Some(lesson)
}

/// `play --plain`: line mode, fitted to the terminal's width.
fn play_plain(name: &str, verbose: bool, ascii: bool) -> Status {
    let Some(lesson) = find_lesson(name) else {
        return Status::Unusable;
    };
    let options = crdt_lab::plain::Options {
        look: Look {
            width: crdt_lab::term::width(),
            ascii,
        },
        verbose,
    };
    let saved = open_progress();
    let mut out = Output::new(std::io::stdout().lock());
    let input = std::io::stdin().lock();
    let status = crdt_lab::plain::play_saving(lesson, input, &mut out, options, saved);
    out.status(status)
}

/// `run`: every file in turn, each under a header, then a summary; the status is Failure if any
/// failed. `--fail-fast` stops at the first failure.
fn run_files(files: &[String], options: RunOptions, fail_fast: bool) -> Status {
    let mut out = Output::new(std::io::stdout().lock());
    let (mut passed, mut failed) = (0, 0);
    for file in files {
        if !options.quiet && files.len() > 1 {
            let _ = writeln!(out, "{}", escape_lines(&format!("══ {file}")));
        }
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
        match result {
            Ok(()) => passed += 1,
            Err(e) => {
                failed += 1;
                let _ = out.flush();
                warn(&escape_lines(&e.to_string()));
                if fail_fast {
                    break;
                }
            }
        }
        if !options.quiet && files.len() > 1 {
            let _ = writeln!(out);
        }
    }
    if files.len() > 1 && (!options.quiet || failed > 0) {
        let _ = writeln!(out, "{}", summary(files.len(), passed, failed));
    }
    out.status(Status::of(failed == 0))
}

/// `13 files: 12 passed, 1 failed` (and how many were not run, after `--fail-fast`).
fn summary(files: usize, passed: usize, failed: usize) -> String {
    let left = files - passed - failed;
    let mut text = format!("{files} files: {passed} passed, {failed} failed");
    if left > 0 {
        text.push_str(&format!(", {left} not run"));
    }
    text
}

fn run_lesson(
    file: &str,
    options: RunOptions,
    out: &mut impl std::io::Write,
) -> Result<(), Box<dyn std::error::Error>> {
    let lesson = crdt_lab::lesson::find(file)?;
    lesson
        .warnings()
        .iter()
        .for_each(|w| warn(&escape_lines(w)));
    crdt_lab::lesson::play_headless(&lesson, options, out)?;
    Ok(())
}

/// `completions <shell>`: the script that teaches a shell crdt-lab's commands, options, set
/// types and lesson names.
fn completions(shell: clap_complete::Shell) -> Status {
    let mut out = Output::new(std::io::stdout().lock());
    let _ = out.write_all(completion_script(shell).as_bytes());
    out.status(Status::Success)
}

fn completion_script(shell: clap_complete::Shell) -> String {
    let mut script = vec![];
    clap_complete::generate(shell, &mut Cli::command(), "crdt-lab", &mut script);
    let script = String::from_utf8_lossy(&script).into_owned();
    // clap_complete's bash script spells the state of a hyphenated binary's subcommands two
    // ways (`crdt__lab__subcmd__play` where it is set, `crdt__subcmd__lab__subcmd__play` where
    // it is matched), so nothing after a subcommand completes (clap-rs/clap#6421). One spelling.
    match shell {
        clap_complete::Shell::Bash => script.replace("crdt__subcmd__lab", "crdt__lab"),
        _ => script,
    }
}

/// `man`: the man page, in roff.
fn man() -> Status {
    let mut out = Output::new(std::io::stdout().lock());
    let _ = clap_mangen::Man::new(Cli::command()).render(&mut out);
    out.status(Status::Success)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("crdt-lab").chain(args.iter().copied()))
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn theme_is_taken_only_where_the_tui_opens() {
        for args in [
            &["--theme", "light"][..],
            &["sandbox", "lww", "--theme", "light"],
            &["play", "1", "--theme", "light"],
        ] {
            assert!(parse(args).is_ok(), "{args:?}");
        }
        for args in [
            &["repl", "--theme", "light"][..],
            &["run", "a.crdt", "--theme", "x"],
            &["--theme", "light", "repl"],
        ] {
            let err = parse(args).err().expect("refused");
            assert!(err.to_string().contains("--theme"), "{err}");
        }
    }

    #[test]
    fn the_sandbox_takes_a_set_type_by_its_word() {
        assert!(parse(&["sandbox", "2pset", "A", "B"]).is_ok());
        let err = parse(&["sandbox", "orst"]).err().expect("refused");
        assert!(err.to_string().contains("orset"), "{err}");
    }

    #[test]
    fn a_run_of_several_files_ends_with_a_summary() {
        assert_eq!(summary(13, 12, 1), "13 files: 12 passed, 1 failed");
        assert_eq!(summary(5, 1, 1), "5 files: 1 passed, 1 failed, 3 not run");
    }

    #[test]
    fn completions_know_the_commands_the_set_types_and_the_lessons() {
        let script = completion_script(clap_complete::Shell::Bash);
        for word in [
            "sandbox",
            "completions",
            "orswot",
            "2pset",
            "orset-add-wins",
            "--fail-fast",
        ] {
            assert!(script.contains(word), "{word} is completed");
        }
    }

    #[test]
    fn the_man_page_names_every_command() {
        let mut page = vec![];
        clap_mangen::Man::new(Cli::command())
            .render(&mut page)
            .expect("rendered");
        let page = String::from_utf8(page).expect("UTF-8");
        assert!(page.starts_with(".ie"), "roff: {}", &page[..40]);
        assert!(page.contains(".TH crdt-lab"));
        for word in [
            "sandbox",
            "repl",
            "run",
            "lessons",
            "node",
            "play",
            "completions",
        ] {
            assert!(page.contains(word), "{word} is in the man page");
        }
    }
}
