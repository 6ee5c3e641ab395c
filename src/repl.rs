//! The REPL face: rustyline line editing over `script::execute`. Completion and hints come from
//! `script::assist`, every reply is printed by `script::render` (fitted to the terminal's
//! width), and each line entered goes at once into the history file shared with the TUI
//! (`term::append_history`). Without a terminal on stdin it reads lines quietly, so
//! `crdt-lab repl < script` works.

use crate::exit::{Output, Status, warn};
use crate::lab::Lab;
use crate::script::render::{self, Style};
use crate::script::{self, Failure, Reply, assist};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::{Hint, Hinter};
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};
use std::borrow::Cow;
use std::cell::RefCell;
use std::io::{IsTerminal, Write};
use std::rc::Rc;

/// Completion and hints read the lab as it is now.
struct LabHelper {
    lab: Rc<RefCell<Lab>>,
    colour: bool,
}

impl Completer for LabHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let found = assist::complete(&self.lab.borrow(), line, pos);
        let pairs = found.candidates.into_iter().map(|w| Pair {
            display: w.clone(),
            replacement: w,
        });
        Ok((found.start, pairs.collect()))
    }
}

/// The usage of the command being typed, shown after the cursor. It is only shown: → at the end
/// of the line does not paste it into the command.
struct Usage(String);

impl Hint for Usage {
    fn display(&self) -> &str {
        &self.0
    }
    fn completion(&self) -> Option<&str> {
        None
    }
}

impl Hinter for LabHelper {
    type Hint = Usage;
    /// After a command word and a space, show its usage.
    fn hint(&self, line: &str, pos: usize, _: &Context<'_>) -> Option<Usage> {
        let words = line[..pos].split_whitespace().count();
        if pos < line.len() || !line.ends_with(' ') || words > 2 {
            return None;
        }
        assist::hint(line).map(|usage| Usage(format!("  ({usage})")))
    }
}

impl Highlighter for LabHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        match self.colour {
            true => Cow::Owned(format!("\x1b[2m{hint}\x1b[0m")),
            false => Cow::Borrowed(hint),
        }
    }
}

impl Validator for LabHelper {}
impl Helper for LabHelper {}

/// Colours for errors and notes, only where `term::colour` allows them.
struct Paint(bool);

impl Paint {
    fn red(&self, text: &str) -> String {
        self.wrap("31", text)
    }
    fn yellow(&self, text: &str) -> String {
        self.wrap("33", text)
    }
    fn wrap(&self, code: &str, text: &str) -> String {
        match self.0 {
            true => format!("\x1b[{code}m{text}\x1b[0m"),
            false => text.to_string(),
        }
    }
}

/// How the REPL shows its answers.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Draw tables in ASCII only (`--ascii`).
    pub ascii: bool,
}

/// What the REPL prints for one line's result, fitted to the terminal as it is now.
fn show(lab: &Lab, result: &Result<Reply, Failure>, paint: &Paint, options: Options) -> String {
    let look = render::Look {
        width: crate::term::width(),
        ascii: options.ascii,
    };
    match result {
        Ok(reply) => {
            let text = render::reply_in(lab, reply, Style::Repl, look);
            let notes = text.lines().map(|line| match line.starts_with("note: ") {
                true => paint.yellow(line),
                false => line.to_string(),
            });
            notes.collect::<Vec<_>>().join("\n")
        }
        Err(failure) => paint.red(&render::escape_lines(&format!("error: {failure}"))),
    }
}

fn banner(lab: &Lab) -> String {
    let names = lab.world().names().join(" ");
    format!(
        "crdt-lab: a fresh {} with replicas {names}. Try: A add x, B merge A, show, explain x, help. Ctrl-D quits.",
        lab.world().kind.title()
    )
}

/// Run the REPL until end of input. Its status is Failure when a piped line failed, and when
/// the output could not be written (said on stderr).
pub fn run(options: Options) -> Status {
    let mut lab = Lab::new();
    let mut out = Output::new(std::io::stdout().lock());
    if !std::io::stdin().is_terminal() {
        let status = run_piped(&mut lab, &mut out, options);
        return out.status(status);
    }
    let status = match run_terminal(lab, &mut out, options) {
        Ok(()) => Status::Success,
        Err(_) if out.failed() => Status::Failure,
        Err(e) => {
            warn(&format!("crdt-lab repl: {e}"));
            Status::Failure
        }
    };
    out.status(status)
}

/// Lines from a pipe: no prompt, no banner; failures go to stderr and make the status a
/// failure, and so does a line that is not UTF-8 (it is skipped).
fn run_piped(lab: &mut Lab, out: &mut impl Write, options: Options) -> Status {
    let (paint, mut ok) = (Paint(false), true);
    for line in crate::term::lines(std::io::stdin().lock()) {
        let Ok(line) = line else {
            let n = line.err().unwrap_or_default();
            warn(&format!("error: line {n} is not UTF-8; skipped"));
            ok = false;
            continue;
        };
        let result = script::execute(lab, &line);
        let text = show(lab, &result, &paint, options);
        if result.is_err() {
            warn(&text);
            ok = false;
        } else if !text.is_empty() && writeln!(out, "{text}").is_err() {
            break;
        }
    }
    Status::of(ok)
}

/// Lines typed at a terminal, with completion, hints and the shared history: each line goes into
/// the history file as soon as it is entered (see `term::append_history`).
fn run_terminal(lab: Lab, out: &mut impl Write, options: Options) -> rustyline::Result<()> {
    let lab = Rc::new(RefCell::new(lab));
    let colour = crate::term::colour(std::io::stdout().is_terminal());
    let mut editor: Editor<LabHelper, _> = Editor::new()?;
    editor.set_helper(Some(LabHelper {
        lab: Rc::clone(&lab),
        colour,
    }));
    for line in crate::term::history() {
        let _ = editor.add_history_entry(line);
    }
    let paint = Paint(colour);
    writeln!(out, "{}", banner(&lab.borrow()))?;
    let mut history_lost = false;
    loop {
        match editor.readline("crdt> ") {
            Ok(line) => {
                let _ = editor.add_history_entry(line.as_str());
                if let (Err(e), false) = (crate::term::append_history(&line), history_lost) {
                    history_lost = true;
                    warn(&format!("crdt-lab: the history is not being saved: {e}"));
                }
                let mut lab = lab.borrow_mut();
                let result = script::execute(&mut lab, &line);
                let text = show(&lab, &result, &paint, options);
                if !text.is_empty() {
                    writeln!(out, "{text}")?;
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(())
}
