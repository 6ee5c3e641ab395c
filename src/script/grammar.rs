//! The grammar: one line of words, parsed by clap (multicall: the first word is the command),
//! then checked and turned into an [`Action`]. Its doc comments are the one command table that
//! `help`, completion and hints read.

use super::expect::Expectation;
use crate::crdt::{Edit, Elem, Kind, Mistake, RemoveUnseen, Stamp, TieBreak};
use crate::lab::closest;
use crate::lab::{ClockMode, Command, Setting, SyncMode, Which};
use clap::{CommandFactory, FromArgMatches, Parser};
use std::cell::RefCell;
use std::sync::OnceLock;

/// The commands of crdt-lab, one per line. `#` starts a comment.
#[derive(Parser, Debug)]
#[command(
    multicall = true,
    disable_help_subcommand = true,
    disable_help_flag = true
)]
pub enum Line {
    /// Start a fresh lab of one type: new orset A B
    #[command(override_usage = "new <type> <replica>...")]
    New {
        kind: String,
        #[arg(required = true)]
        replicas: Vec<String>,
    },
    /// Add an element on a replica; @time gives an explicit LWW timestamp: A add x @7
    #[command(override_usage = "<R> add <elem> [@<time>]")]
    Add {
        replica: String,
        #[arg(allow_hyphen_values = true)]
        elem: String,
        at: Option<String>,
    },
    /// Remove an element on a replica: A remove x
    #[command(override_usage = "<R> remove <elem> [@<time>]")]
    Remove {
        replica: String,
        #[arg(allow_hyphen_values = true)]
        elem: String,
        at: Option<String>,
    },
    /// Write a 2P-Set's map entry (element → removed?) directly; true → false is refused: A set x true
    #[command(override_usage = "<R> set <elem> true|false")]
    Set {
        replica: String,
        #[arg(allow_hyphen_values = true)]
        elem: String,
        value: String,
    },
    /// R absorbs S's state (or, with op-based sync, the ops it has not had), one direction only: A merge B
    #[command(override_usage = "<R> merge <S>")]
    Merge { into: String, from: String },
    /// Merge both ways; a bare sync merges every reachable pair until they agree
    #[command(override_usage = "sync [<R> <S>]")]
    Sync { replicas: Vec<String> },
    /// Put a message on the wire to S: a snapshot of R's state, or the ops R has that S has not had
    #[command(override_usage = "send <R> <S>")]
    Send { from: String, to: String },
    /// Hand over the oldest message in flight, message n, or all of them
    #[command(override_usage = "deliver [<n>|all]")]
    Deliver { which: Option<String> },
    /// Put a second copy of message n on the wire, to show a duplicate delivery
    #[command(override_usage = "duplicate <n>")]
    Duplicate { number: usize },
    /// Keep links up only between replicas that share a side: partition A B | C
    #[command(override_usage = "partition <R>... | <S>...")]
    Partition {
        #[arg(required = true, allow_hyphen_values = true)]
        words: Vec<String>,
    },
    /// Bring every link up again
    Heal,
    /// Take one link down, so that R and S cannot reach each other directly: cut A B
    #[command(override_usage = "cut <R> <S>")]
    Cut { a: String, b: String },
    /// Bring one link up again: link A B
    #[command(override_usage = "link <R> <S>")]
    Link { a: String, b: String },
    /// Drop the OR-Set tombstones every replica holds (seed 003's garbage collection)
    Gc,
    /// Set how far R's wall clock runs ahead (or behind): A skew +10
    #[command(override_usage = "<R> skew <+/-seconds>")]
    Skew {
        replica: String,
        #[arg(allow_hyphen_values = true)]
        seconds: String,
    },
    /// Set the simulated real time: time 12:00:00
    #[command(override_usage = "time <hh:mm:ss>")]
    Time { clock: String },
    /// Move the simulated real time on by n seconds (1 if not given)
    #[command(override_usage = "tick [<n>]")]
    Tick { seconds: Option<u64> },
    /// Change a setting, for the replicas named or all: tiebreak, mistake, remove-unseen, clock, sync
    #[command(
        name = "option",
        override_usage = "option tiebreak add-wins|remove-wins [<R>...] | mistake reuse-tags|merge-one-side|none [<R>...] | remove-unseen refuse|accept [<R>...] | clock lamport|wall | sync state|ops"
    )]
    Setting {
        name: String,
        value: String,
        replicas: Vec<String>,
    },
    /// Is the element present? One answer per replica: lookup x
    #[command(override_usage = "lookup <elem> [<R>]")]
    Lookup {
        #[arg(allow_hyphen_values = true)]
        elem: String,
        replica: Option<String>,
    },
    /// Show every field of each replica (or just R), another layout of them (show A as element),
    /// or message n in flight in full (show #1)
    #[command(override_usage = "show [<R>] [as <layout>] | show #<n>")]
    Show { words: Vec<String> },
    /// Why is the element present or absent, with the actual numbers: explain x A
    #[command(override_usage = "explain <elem> [<R>]")]
    Explain {
        #[arg(allow_hyphen_values = true)]
        elem: String,
        replica: Option<String>,
    },
    /// Take back the last change
    Undo,
    /// Do again what undo took back
    Redo,
    /// Back to a fresh lab (redo brings the history back)
    Reset,
    /// Replay this history on every set type and show each one's answer
    Compare,
    /// In a lesson, jump to step n (0 is the title page): go 3
    #[command(override_usage = "go <step>")]
    Go { step: String },
    /// List the commands, or explain one: help merge
    #[command(override_usage = "help [<command>]")]
    Help { command: Option<String> },
    /// Save the session (its command log) to a file
    #[command(override_usage = "save <file>")]
    Save { file: String },
    /// Load a saved session, replacing this one
    #[command(override_usage = "load <file>")]
    Load { file: String },
    /// The history as a Markdown worked table, the full state as JSON, or the space-time diagram as SVG or text
    #[command(override_usage = "export md|json|svg|timeline [<file>]")]
    Export {
        format: String,
        file: Option<String>,
    },
    /// Check the lab: expect A = {x}, expect A has x, expect A.removed = {x}, expect converged, expect refused A remove x
    #[command(override_usage = "expect <what>")]
    Expect {
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        words: Vec<String>,
    },
    /// Search random small histories of this lab's type and options for a broken CRDT law, and show the shortest story that breaks it
    #[command(override_usage = "check [--seed <n>] [--cases <n>]")]
    Check {
        #[arg(allow_hyphen_values = true)]
        words: Vec<String>,
    },
    /// Every order of delivering the messages in flight (with --drops, --duplicates: losing or repeating them too), and the distinct states they end in; --replay k runs outcome k's schedule
    #[command(override_usage = "explore [--drops] [--duplicates] [--replay <k>]")]
    Explore {
        #[arg(allow_hyphen_values = true)]
        words: Vec<String>,
    },
    /// What the lab costs: live entries against metadata and bytes per replica, and each message sent
    Stats,
    /// Mark the start of a step of a worked table: step B adds x
    #[command(override_usage = "step <title>")]
    Step {
        #[arg(required = true, trailing_var_arg = true, allow_hyphen_values = true)]
        title: Vec<String>,
    },
}

/// The export formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Markdown,
    Json,
    /// The space-time diagram as a standalone SVG.
    Svg,
    /// The space-time diagram as plain text.
    Timeline,
}

/// Why a line could not be read: a message for people, with the command's usage when known.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}{}", usage.as_ref().map(|u| format!("; usage: {u}")).unwrap_or_default())]
pub struct ParseError {
    pub message: String,
    pub usage: Option<String>,
}

impl ParseError {
    pub fn new(message: impl Into<String>) -> ParseError {
        ParseError {
            message: message.into(),
            usage: None,
        }
    }
}

impl From<String> for ParseError {
    fn from(message: String) -> ParseError {
        ParseError::new(message)
    }
}

impl From<&str> for ParseError {
    fn from(message: &str) -> ParseError {
        ParseError::new(message)
    }
}

/// One command of the table: its word, its usage line and what it does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Usage {
    pub name: String,
    pub usage: String,
    pub about: String,
}

/// What one line asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Action {
    Change(Command),
    Undo,
    Redo,
    Reset,
    Lookup(Elem, Option<String>),
    /// `show [R] [as layout]`.
    Show(Option<String>, Option<String>),
    /// `show #n`: one message in flight, in full.
    ShowMessage(usize),
    Explain(Elem, Option<String>),
    Compare,
    Help(Option<String>),
    /// `go n`: a lesson's step n (a lab without steps refuses it).
    Go(usize),
    Save(String),
    Load(String),
    Export(Format, Option<String>),
    Expect(Expectation),
    /// `check`: the laws, on this lab's type and options.
    Check {
        seed: u64,
        cases: usize,
    },
    /// `explore`: every schedule of the messages in flight; with `--replay k`, run the
    /// schedule of outcome k.
    Explore(crate::lab::Faults, Option<usize>),
    /// `stats`: what the lab costs.
    Stats,
}

/// Verbs that may follow their replica: `A add x` reads as `add A x`.
pub const SUBJECT_VERBS: &[&str] = &["add", "remove", "set", "merge", "skew"];

/// The settings `option` changes, each with the values it takes.
pub const OPTIONS: &[(&str, &[&str])] = &[
    ("tiebreak", &["add-wins", "remove-wins"]),
    ("mistake", &["reuse-tags", "merge-one-side", "none"]),
    ("remove-unseen", &["refuse", "accept"]),
    ("clock", &["lamport", "wall"]),
    ("sync", &["state", "ops"]),
];

/// The settings that may name replicas (the others are the whole lab's).
pub const PER_REPLICA: &[&str] = &["tiebreak", "mistake", "remove-unseen"];

/// The formats `export` writes.
pub const FORMATS: &[&str] = &["md", "json", "svg", "timeline"];

/// Every command word, in table order.
pub fn command_words() -> Vec<String> {
    words_table().to_vec()
}

fn words_table() -> &'static [String] {
    static WORDS: OnceLock<Vec<String>> = OnceLock::new();
    WORDS.get_or_init(|| {
        Line::command()
            .get_subcommands()
            .map(|c| c.get_name().to_string())
            .collect()
    })
}

thread_local! {
    /// The grammar, built once per thread: building clap's command tree costs more than parsing a line.
    static GRAMMAR: RefCell<clap::Command> = RefCell::new(Line::command());
}

fn parse_words(words: &[String]) -> Result<Line, clap::Error> {
    GRAMMAR.with(|grammar| {
        let matches = grammar.borrow_mut().try_get_matches_from_mut(words)?;
        Line::from_arg_matches(&matches)
    })
}

/// Each command's usage and one-line description, from the command table.
pub fn command_table() -> &'static [Usage] {
    static TABLE: OnceLock<Vec<Usage>> = OnceLock::new();
    TABLE.get_or_init(|| {
        Line::command()
            .get_subcommands()
            .map(|c| {
                let usage = c.clone().render_usage().to_string();
                let usage = usage.trim_start_matches("Usage: ").trim().to_string();
                let about = c.get_about().map(|a| a.to_string()).unwrap_or_default();
                Usage {
                    name: c.get_name().to_string(),
                    usage,
                    about,
                }
            })
            .collect()
    })
}

/// `help` lists the commands; `help <command>` gives one.
pub fn help(command: Option<&str>) -> Result<Vec<Usage>, ParseError> {
    let table = command_table();
    let Some(word) = command else {
        return Ok(table.to_vec());
    };
    match table.iter().find(|u| u.name == word) {
        Some(usage) => Ok(vec![usage.clone()]),
        None => {
            let names = table.iter().map(|u| u.name.as_str());
            let hint = closest(word, names)
                .map(|w| format!("; did you mean {w}?"))
                .unwrap_or_default();
            Err(ParseError::new(format!("no command '{word}'{hint}")))
        }
    }
}

/// The usage of one command word.
pub fn usage_of(word: &str) -> Option<&'static str> {
    let table = command_table();
    table
        .iter()
        .find(|u| u.name == word)
        .map(|u| u.usage.as_str())
}

pub fn is_command_word(word: &str) -> bool {
    words_table().iter().any(|w| w.eq_ignore_ascii_case(word))
}

/// Split a line into words, dropping a `#` comment. `None` for a line with unbalanced quotes.
pub fn words(line: &str) -> Option<Vec<String>> {
    shlex::split(&code(line))
}

/// Where the line's `#` comment starts (its length when it has none), and where each unquoted
/// `#` before a digit stands. Quotes and backslashes are read as `shlex` reads them, so a `#`
/// inside a quoted or escaped word is part of the word; a `#` right before a digit is a message
/// number (`show #1`), not a comment.
fn scan(line: &str) -> (usize, Vec<usize>) {
    let (mut quote, mut escaped, mut numbers) = (None, false, vec![]);
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match (quote, c) {
            _ if escaped => escaped = false,
            (None | Some('"'), '\\') => escaped = true,
            (None, '#') if chars.peek().is_some_and(|(_, d)| d.is_ascii_digit()) => numbers.push(i),
            (None, '#') => return (i, numbers),
            (None, '"' | '\'') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            _ => {}
        }
    }
    (line.len(), numbers)
}

/// The line up to its `#` comment.
fn strip_comment(line: &str) -> &str {
    &line[..scan(line).0]
}

/// The line without its comment, for `shlex`: a message number's `#` is escaped, since shlex
/// would read it as a comment too.
fn code(line: &str) -> String {
    let (end, numbers) = scan(line);
    let mut out = String::with_capacity(end + numbers.len());
    let mut from = 0;
    for at in numbers {
        out.push_str(&line[from..at]);
        out.push('\\');
        from = at;
    }
    out.push_str(&line[from..end]);
    out
}

/// The longest line the grammar reads, in bytes. The longest useful line (a partition of 26
/// replicas, a long step title) is far shorter; a longer one is not kept in the log.
pub const MAX_LINE: usize = 4096;

/// A command as the line that reads back as exactly that command (what a save file holds):
/// verb first when its subject is itself a command word (`add new x`), subject first otherwise.
pub fn line(command: &Command) -> String {
    match command.subject() {
        Some(subject) if is_command_word(subject) => command.verb_first(),
        _ => command.to_string(),
    }
}

/// Parse one line. `Ok(None)` for a blank line or a comment.
pub fn parse(line: &str) -> Result<Option<Action>, ParseError> {
    if line.len() <= MAX_LINE
        && let Some(action) = super::fast::parse(line)
    {
        return Ok(Some(action));
    }
    parse_with_clap(line)
}

/// Parse one line through clap (every line the short way in `fast.rs` does not take).
pub(super) fn parse_with_clap(line: &str) -> Result<Option<Action>, ParseError> {
    if line.len() > MAX_LINE {
        return Err(ParseError::new(format!(
            "a line is at most {MAX_LINE} bytes, and this one has {}",
            line.len()
        )));
    }
    let mut words = words(line).ok_or("a quote is not closed")?;
    if words.is_empty() {
        return Ok(None);
    }
    if words.len() >= 2 && SUBJECT_VERBS.contains(&words[1].as_str()) && !is_command_word(&words[0])
    {
        words.swap(0, 1);
    }
    // An expectation reads its own quotes (`expect A = {'x, y'}`), so it takes the raw text.
    if words[0] == "expect"
        && let Some(text) = after_first_word(strip_comment(line))
    {
        return Ok(Some(Action::Expect(Expectation::parse(text)?)));
    }
    let verb = match words.get(1) {
        Some(second) if !is_command_word(&words[0]) && looks_like_verb(second) => second.clone(),
        _ => words[0].clone(),
    };
    // Everything after the command word is a value, so an element may be `--` or `-x`.
    words.insert(1, "--".into());
    let parsed = parse_words(&words).map_err(|e| clap_message(&verb, line.trim(), &e))?;
    action(parsed).map(Some)
}

/// The text after the first word of a line, when that word is plain (not quoted).
fn after_first_word(code: &str) -> Option<&str> {
    let code = code.trim_start();
    let end = code.find(char::is_whitespace).unwrap_or(code.len());
    let first = &code[..end];
    (!first.contains(['\'', '"', '\\'])).then(|| &code[end..])
}

/// Could this second word be a (mistyped) verb after a replica, as in `A ad x`? Not when it has
/// no letters, as the `5` of `goto 5`: then the first word is the unknown command.
fn looks_like_verb(word: &str) -> bool {
    word.chars().any(char::is_alphabetic)
}

/// A short, human message for a line clap could not read.
fn clap_message(verb: &str, line: &str, err: &clap::Error) -> ParseError {
    use clap::error::{ContextKind, ContextValue, ErrorKind};
    if matches!(err.kind(), ErrorKind::InvalidSubcommand) {
        let words = command_words();
        let hint = closest(verb, words.iter().map(String::as_str))
            .map(|w| format!("; did you mean {w}?"))
            .unwrap_or_default();
        return ParseError::new(format!(
            "unknown command '{verb}'{hint} (type help for the list)"
        ));
    }
    let usage = usage_of(verb).map(str::to_string);
    let message = match (err.kind(), err.get(ContextKind::InvalidArg)) {
        (ErrorKind::MissingRequiredArgument, Some(ContextValue::Strings(missing))) => {
            let missing: Vec<String> = missing.iter().map(|m| m.to_lowercase()).collect();
            format!("'{line}' is missing {}", missing.join(" "))
        }
        (ErrorKind::UnknownArgument, Some(ContextValue::String(extra))) => {
            format!("'{line}' has a word too many: '{extra}'")
        }
        _ => {
            let text = err.render().to_string();
            let first = text.lines().next().unwrap_or("could not read that line");
            first
                .trim_start_matches("error: ")
                .trim_end_matches(':')
                .to_string()
        }
    };
    ParseError { message, usage }
}

fn action(line: Line) -> Result<Action, ParseError> {
    Ok(match line {
        Line::New { kind, replicas } => Action::Change(Command::New {
            kind: kind_word(&kind)?,
            replicas: replica_names(replicas)?,
        }),
        Line::Add { replica, elem, at } => edit(replica, Edit::Add(Elem::parse(&elem)), at)?,
        Line::Remove { replica, elem, at } => edit(replica, Edit::Remove(Elem::parse(&elem)), at)?,
        Line::Set {
            replica,
            elem,
            value,
        } => Action::Change(Command::Set {
            replica,
            elem: Elem::parse(&elem),
            removed: bool_word(&value)?,
        }),
        Line::Merge { into, from } => Action::Change(Command::Merge { into, from }),
        Line::Sync { replicas } => Action::Change(Command::Sync(pair(replicas)?)),
        Line::Send { from, to } => Action::Change(Command::Send { from, to }),
        Line::Deliver { which } => Action::Change(Command::Deliver(which_word(which)?)),
        Line::Duplicate { number } => Action::Change(Command::Duplicate(number)),
        Line::Partition { words } => Action::Change(Command::Partition(groups(&words))),
        Line::Heal => Action::Change(Command::Heal),
        Line::Cut { a, b } => Action::Change(Command::Cut(a, b)),
        Line::Link { a, b } => Action::Change(Command::Link(a, b)),
        Line::Gc => Action::Change(Command::Gc),
        Line::Skew { replica, seconds } => Action::Change(Command::Skew {
            replica,
            seconds: seconds_word(&seconds)?,
        }),
        Line::Time { clock } => Action::Change(Command::Time(clock_word(&clock)?)),
        Line::Tick { seconds } => Action::Change(Command::Tick(seconds.unwrap_or(1))),
        Line::Setting {
            name,
            value,
            replicas,
        } => Action::Change(Command::Option {
            setting: setting(&name, &value)?,
            replicas,
        }),
        Line::Lookup { elem, replica } => Action::Lookup(Elem::parse(&elem), replica),
        Line::Show { words } => show(words)?,
        Line::Explain { elem, replica } => Action::Explain(Elem::parse(&elem), replica),
        Line::Undo => Action::Undo,
        Line::Redo => Action::Redo,
        Line::Reset => Action::Reset,
        Line::Compare => Action::Compare,
        Line::Help { command } => Action::Help(command),
        Line::Go { step } => Action::Go(step.parse().map_err(|_| {
            ParseError::new(format!("go takes a step number, like go 3, not '{step}'"))
        })?),
        Line::Save { file } => Action::Save(file),
        Line::Load { file } => Action::Load(file),
        Line::Export { format, file } => Action::Export(format_word(&format)?, file),
        Line::Expect { words } => {
            let text = shlex::try_join(words.iter().map(String::as_str))
                .map_err(|e| ParseError::new(e.to_string()))?;
            Action::Expect(Expectation::parse(&text)?)
        }
        Line::Step { title } => Action::Change(Command::Step(title.join(" "))),
        Line::Check { words } => check_words(&words)?,
        Line::Explore { words } => explore_words(&words)?,
        Line::Stats => Action::Stats,
    })
}

/// A replica may not be named like a command: `sync A B` must not be read as `A`'s verb.
fn replica_names(names: Vec<String>) -> Result<Vec<String>, ParseError> {
    match names.iter().find(|n| is_command_word(n)) {
        Some(word) => Err(ParseError::new(format!(
            "'{word}' is a command word; pick another replica name"
        ))),
        None => Ok(names),
    }
}

fn edit(replica: String, edit: Edit, at: Option<String>) -> Result<Action, ParseError> {
    let at = at.map(|word| stamp_word(&word)).transpose()?.map(Box::new);
    Ok(Action::Change(Command::Edit { replica, edit, at }))
}

fn kind_word(word: &str) -> Result<Kind, ParseError> {
    Kind::from_word(word).ok_or_else(|| {
        let words: Vec<&str> = Kind::ALL.iter().map(|k| k.word()).collect();
        let hint = closest(word, words.iter().copied())
            .map(|w| format!("did you mean {w}? "))
            .unwrap_or_default();
        ParseError::new(format!(
            "unknown set type '{word}'; {hint}types: {}",
            words.join(" ")
        ))
    })
}

fn pair(mut replicas: Vec<String>) -> Result<Option<(String, String)>, ParseError> {
    match replicas.len() {
        0 => Ok(None),
        2 => {
            let b = replicas.pop().unwrap_or_default();
            Ok(Some((replicas.pop().unwrap_or_default(), b)))
        }
        _ => Err("sync takes two replicas (sync A B) or none (sync)".into()),
    }
}

fn which_word(word: Option<String>) -> Result<Which, ParseError> {
    match word.as_deref() {
        None => Ok(Which::Oldest),
        Some("all") => Ok(Which::All),
        Some(w) => w.parse().map(Which::Number).map_err(|_| {
            ParseError::new(format!("deliver takes a message number or all, not '{w}'"))
        }),
    }
}

/// `#3` as the message number 3.
fn message_number(word: &str) -> Result<usize, ParseError> {
    let digits = word.trim_start_matches('#');
    digits.parse().map_err(|_| {
        ParseError::new(format!(
            "show #<n> takes a message number, like show #1, not '{word}'"
        ))
    })
}

fn groups(words: &[String]) -> Vec<Vec<String>> {
    let joined = words.join(" ");
    joined
        .split('|')
        .map(|side| side.split_whitespace().map(str::to_string).collect())
        .collect()
}

fn seconds_word(word: &str) -> Result<i64, ParseError> {
    word.trim_start_matches('+').parse().map_err(|_| {
        ParseError::new(format!(
            "skew takes whole seconds like +10 or -5, not '{word}'"
        ))
    })
}

/// `hh:mm:ss` (or `hh:mm`) as seconds since midnight. Hours from 24 on are the days after, as
/// the clock shows them once time has ticked past midnight (`25:00:00`).
pub fn clock_word(word: &str) -> Result<u64, ParseError> {
    let bad = || ParseError::new(format!("'{word}' is not a time of day like 12:00:05"));
    let parts: Vec<u64> = word
        .split(':')
        .map(|p| p.parse().map_err(|_| bad()))
        .collect::<Result<_, _>>()?;
    let (h, m, s) = match parts[..] {
        [h, m, s] if m < 60 && s < 60 => (h, m, s),
        [h, m] if m < 60 => (h, m, 0),
        _ => return Err(bad()),
    };
    h.checked_mul(3600)
        .and_then(|t| t.checked_add(m * 60 + s))
        .ok_or_else(bad)
}

fn stamp_word(word: &str) -> Result<Stamp, ParseError> {
    let text = word.strip_prefix('@').ok_or_else(|| {
        ParseError::new(format!(
            "a timestamp starts with @, like @7 or @12:00:05, not '{word}'"
        ))
    })?;
    if text.contains(':') {
        return clock_word(text).map(Stamp::clock);
    }
    text.parse()
        .map(Stamp::at)
        .map_err(|_| ParseError::new(format!("'{word}' is not a timestamp like @7 or @12:00:05")))
}

/// `show`, `show A`, `show as element`, `show A as element`.
fn show(words: Vec<String>) -> Result<Action, ParseError> {
    match &words[..] {
        [] => Ok(Action::Show(None, None)),
        [n] if n.starts_with('#') => Ok(Action::ShowMessage(message_number(n)?)),
        [r] if r != "as" => Ok(Action::Show(Some(r.clone()), None)),
        [a, layout] if a == "as" => Ok(Action::Show(None, Some(layout.clone()))),
        [r, a, layout] if a == "as" => Ok(Action::Show(Some(r.clone()), Some(layout.clone()))),
        _ => Err(ParseError {
            message: format!("cannot read 'show {}'", words.join(" ")),
            usage: usage_of("show").map(str::to_string),
        }),
    }
}

fn bool_word(word: &str) -> Result<bool, ParseError> {
    match word {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(ParseError::new(format!(
            "set takes true (removed) or false (not removed), not '{word}'"
        ))),
    }
}

fn setting(name: &str, value: &str) -> Result<Setting, ParseError> {
    match (name, value) {
        ("tiebreak", "add-wins") => Ok(Setting::TieBreak(TieBreak::AddWins)),
        ("tiebreak", "remove-wins") => Ok(Setting::TieBreak(TieBreak::RemoveWins)),
        ("mistake", "reuse-tags") => Ok(Setting::Mistake(Mistake::ReuseTags)),
        ("mistake", "merge-one-side") => Ok(Setting::Mistake(Mistake::MergeOneSide)),
        ("mistake", "none") => Ok(Setting::Mistake(Mistake::None)),
        ("remove-unseen", "refuse") => Ok(Setting::RemoveUnseen(RemoveUnseen::Refuse)),
        ("remove-unseen", "accept") => Ok(Setting::RemoveUnseen(RemoveUnseen::Accept)),
        ("clock", "lamport") => Ok(Setting::Clock(ClockMode::Lamport)),
        ("clock", "wall") => Ok(Setting::Clock(ClockMode::Wall)),
        ("sync", "state") => Ok(Setting::Sync(SyncMode::State)),
        ("sync", "ops") => Ok(Setting::Sync(SyncMode::Ops)),
        _ => Err(ParseError::new(
            match OPTIONS.iter().find(|(n, _)| *n == name) {
                Some((_, values)) => format!("{name} is {}, not '{value}'", values.join(" or ")),
                None => {
                    let names: Vec<&str> = OPTIONS.iter().map(|(n, _)| *n).collect();
                    format!("unknown option '{name}'; options: {}", names.join(", "))
                }
            },
        )),
    }
}

fn format_word(word: &str) -> Result<Format, ParseError> {
    match word {
        "md" | "markdown" => Ok(Format::Markdown),
        "json" => Ok(Format::Json),
        "svg" => Ok(Format::Svg),
        "timeline" => Ok(Format::Timeline),
        _ => Err(ParseError::new(format!(
            "export {}, not '{word}'",
            FORMATS.join(" or export ")
        ))),
    }
}

/// The most histories a `check` typed in a lab tries (the command line takes more).
pub const MAX_CASES: usize = 5_000;

/// `check [--seed <n>] [--cases <n>]`.
fn check_words(words: &[String]) -> Result<Action, ParseError> {
    let (mut seed, mut cases) = (1, crate::lab::DEFAULT_CASES);
    let mut rest = words.iter();
    while let Some(flag) = rest.next() {
        let value = rest.next();
        let number = |what: &str| -> Result<u64, ParseError> {
            let bad = || ParseError {
                message: format!("{flag} takes a whole number, like {flag} 3"),
                usage: usage_of("check").map(str::to_string),
            };
            let v = value.ok_or_else(bad)?;
            v.parse()
                .map_err(|_| ParseError::new(format!("{what} is a whole number, not '{v}'")))
        };
        match flag.as_str() {
            "--seed" => seed = number("the seed")?,
            "--cases" => {
                cases = usize::try_from(number("the number of cases")?).unwrap_or(usize::MAX)
            }
            _ => {
                return Err(ParseError {
                    message: format!("check takes --seed and --cases, not '{flag}'"),
                    usage: usage_of("check").map(str::to_string),
                });
            }
        }
    }
    if cases == 0 || cases > MAX_CASES {
        return Err(ParseError::new(format!(
            "check tries 1 to {MAX_CASES} histories, not {cases}"
        )));
    }
    Ok(Action::Check { seed, cases })
}

/// `explore [--drops] [--duplicates] [--replay <k>]`.
fn explore_words(words: &[String]) -> Result<Action, ParseError> {
    let mut faults = crate::lab::Faults::default();
    let mut replay = None;
    let mut words = words.iter();
    while let Some(word) = words.next() {
        match word.as_str() {
            "--drops" => faults.drops = true,
            "--duplicates" => faults.duplicates = true,
            "--replay" => {
                let k = words.next().and_then(|k| k.parse().ok()).filter(|k| *k > 0);
                replay = Some(k.ok_or_else(|| ParseError {
                    message: "--replay takes the number of an outcome, like --replay 2".into(),
                    usage: usage_of("explore").map(str::to_string),
                })?);
            }
            _ => {
                return Err(ParseError {
                    message: format!(
                        "explore takes --drops, --duplicates and --replay <k>, not '{word}'"
                    ),
                    usage: usage_of("explore").map(str::to_string),
                });
            }
        }
    }
    Ok(Action::Explore(faults, replay))
}
