//! The REPL face: rustyline line editing (history, completion, hints) over `script::execute`.
//! Without a terminal on stdin it reads lines quietly, so `crdt-lab repl < script` works.

use crate::lab::{Command, Lab};
use crate::script::{self, Failure, Reply, render};
use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};
use std::io::{BufRead, IsTerminal, Write};

/// Completion and hints read the command table and the lab's replicas and elements.
struct LabHelper {
    words: Vec<String>,
    usages: Vec<(String, String)>,
}

impl LabHelper {
    fn new() -> LabHelper {
        let usages = script::command_table()
            .into_iter()
            .map(|(name, usage, _)| (name, usage))
            .collect();
        LabHelper {
            words: script::command_words(),
            usages,
        }
    }

    /// Refresh the words to complete: commands, replica names, elements seen so far.
    fn learn(&mut self, lab: &Lab) {
        let mut words = script::command_words();
        words.extend(lab.world().names());
        for entry in lab.history() {
            if let Command::Edit {
                edit: crate::crdt::Edit::Add(e) | crate::crdt::Edit::Remove(e),
                ..
            } = &entry.command
            {
                words.push(e.to_string());
            }
        }
        words.extend(crate::crdt::Kind::ALL.iter().map(|k| k.word().to_string()));
        words.sort();
        words.dedup();
        self.words = words;
    }
}

impl Completer for LabHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let start = line[..pos].rfind(char::is_whitespace).map_or(0, |i| i + 1);
        let prefix = &line[start..pos];
        let pairs = self.words.iter().filter(|w| w.starts_with(prefix));
        Ok((
            start,
            pairs
                .map(|w| Pair {
                    display: w.clone(),
                    replacement: w.clone(),
                })
                .collect(),
        ))
    }
}

impl Hinter for LabHelper {
    type Hint = String;
    /// After a command word and a space, show the rest of its usage.
    fn hint(&self, line: &str, pos: usize, _: &Context<'_>) -> Option<String> {
        let words: Vec<&str> = line[..pos].split_whitespace().collect();
        if pos < line.len() || !line.ends_with(' ') || words.len() > 2 {
            return None;
        }
        let verb = words
            .iter()
            .find(|w| self.usages.iter().any(|(n, _)| n == *w))?;
        let (_, usage) = self.usages.iter().find(|(n, _)| n == verb)?;
        Some(format!("  ({usage})"))
    }
}

impl Highlighter for LabHelper {}
impl Validator for LabHelper {}
impl Helper for LabHelper {}

/// Colours for errors and notes, only on a terminal with NO_COLOR unset.
struct Paint(bool);

impl Paint {
    fn detect() -> Paint {
        Paint(std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none())
    }
    fn red(&self, text: &str) -> String {
        if self.0 {
            format!("\x1b[31m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    fn yellow(&self, text: &str) -> String {
        if self.0 {
            format!("\x1b[33m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// What the REPL prints for one line's result.
fn show(lab: &Lab, result: &Result<Reply, Failure>, paint: &Paint) -> String {
    match result {
        Ok(Reply::Changed { applied, .. }) => {
            let table = render::state_table(&lab.view(), None);
            match &applied.note {
                Some(note) => format!("{table}\n{}", paint.yellow(&format!("note: {note}"))),
                None => table,
            }
        }
        Ok(Reply::Moved(what)) => format!("{what}\n{}", render::state_table(&lab.view(), None)),
        Ok(Reply::Text(text)) => text.clone(),
        Ok(Reply::Passed(what)) => format!("ok: {what}"),
        Ok(Reply::Nothing) => String::new(),
        Err(failure) => paint.red(&format!("error: {failure}")),
    }
}

fn banner(lab: &Lab) -> String {
    let names = lab.world().names().join(" ");
    format!(
        "crdt-lab: a fresh {} with replicas {names}. Try: A add x, B merge A, show, explain x, help. Ctrl-D quits.",
        lab.world().kind.title()
    )
}

/// Run the REPL until end of input. Returns the process exit code.
pub fn run() -> i32 {
    let mut lab = Lab::new();
    if !std::io::stdin().is_terminal() {
        return run_piped(&mut lab);
    }
    match run_terminal(&mut lab) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("crdt-lab repl: {e}");
            1
        }
    }
}

/// Lines from a pipe: no prompt, no banner; failures go to stderr and set the exit code.
fn run_piped(lab: &mut Lab) -> i32 {
    let (paint, mut code) = (Paint(false), 0);
    let stdout = std::io::stdout();
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        let result = script::execute(lab, &line);
        if let Err(failure) = &result {
            eprintln!("error: {failure}");
            code = 1;
            continue;
        }
        let text = show(lab, &result, &paint);
        if !text.is_empty() {
            let _ = writeln!(stdout.lock(), "{text}");
        }
    }
    code
}

fn history_path() -> Option<std::path::PathBuf> {
    let dir = dirs::data_dir()?.join("crdt-lab");
    std::fs::create_dir_all(&dir).ok()?;
    Some(dir.join("history.txt"))
}

fn run_terminal(lab: &mut Lab) -> rustyline::Result<()> {
    let mut editor: Editor<LabHelper, _> = Editor::new()?;
    let mut helper = LabHelper::new();
    helper.learn(lab);
    editor.set_helper(Some(helper));
    let history = history_path();
    if let Some(path) = &history {
        let _ = editor.load_history(path);
    }
    let paint = Paint::detect();
    println!("{}", banner(lab));
    loop {
        match editor.readline("crdt> ") {
            Ok(line) => {
                let _ = editor.add_history_entry(line.as_str());
                let result = script::execute(lab, &line);
                let text = show(lab, &result, &paint);
                if !text.is_empty() {
                    println!("{text}");
                }
                if let Some(h) = editor.helper_mut() {
                    h.learn(lab);
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(e),
        }
    }
    if let Some(path) = &history {
        let _ = editor.save_history(path);
    }
    Ok(())
}
