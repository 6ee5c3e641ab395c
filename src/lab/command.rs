//! Commands: the only values that change a lab. Each one prints back as the line that makes it,
//! so a command log saves as text and replays through the same grammar.

use crate::crdt::{Edit, Elem, Kind, Mistake, RemoveUnseen, Stamp, StampStyle, TieBreak, hms};
use std::borrow::Cow;
use std::fmt;

/// How LWW stamps are made when no `@time` is given.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClockMode {
    #[default]
    Lamport,
    Wall,
}

impl ClockMode {
    pub fn word(self) -> &'static str {
        match self {
            ClockMode::Lamport => "lamport",
            ClockMode::Wall => "wall",
        }
    }
}

/// What `send` ships and `merge` and `sync` exchange: whole states, or the ops not yet had.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SyncMode {
    #[default]
    State,
    Ops,
}

impl SyncMode {
    pub fn word(self) -> &'static str {
        match self {
            SyncMode::State => "state",
            SyncMode::Ops => "ops",
        }
    }
}

/// A setting, changed with `option`: the rules apply to the replicas named, or to all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Setting {
    TieBreak(TieBreak),
    Mistake(Mistake),
    RemoveUnseen(RemoveUnseen),
    Clock(ClockMode),
    Sync(SyncMode),
}

impl Setting {
    /// The option's name and the value's word: `("tiebreak", "add-wins")`.
    pub fn words(self) -> (&'static str, &'static str) {
        match self {
            Setting::TieBreak(t) => ("tiebreak", t.word()),
            Setting::Mistake(m) => ("mistake", m.word()),
            Setting::RemoveUnseen(r) => ("remove-unseen", r.word()),
            Setting::Clock(c) => ("clock", c.word()),
            Setting::Sync(s) => ("sync", s.word()),
        }
    }

    /// Whether it is a replica's rule (so it may name replicas) rather than the lab's.
    pub fn per_replica(self) -> bool {
        matches!(
            self,
            Setting::TieBreak(_) | Setting::Mistake(_) | Setting::RemoveUnseen(_)
        )
    }
}

/// Which messages `deliver` hands over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Which {
    Oldest,
    Number(usize),
    All,
}

/// A change to the lab. Queries (show, explain ...) and moves along the log (undo ...) are not commands.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    New {
        kind: Kind,
        replicas: Vec<String>,
    },
    Edit {
        replica: String,
        edit: Edit,
        /// Out of line: few lines give a time, and the log keeps one command per line.
        at: Option<Box<Stamp>>,
    },
    /// `alice set 1 true`: write a 2P-Set's map entry directly.
    Set {
        replica: String,
        elem: Elem,
        removed: bool,
    },
    Merge {
        into: String,
        from: String,
    },
    Sync(Option<(String, String)>),
    Send {
        from: String,
        to: String,
    },
    Deliver(Which),
    Duplicate(usize),
    /// Links up only between replicas that share a side; the rest are cut.
    Partition(Vec<Vec<String>>),
    Heal,
    /// One link down.
    Cut(String, String),
    /// One link up again.
    Link(String, String),
    /// Drop the OR-Set tombstones that every replica holds.
    Gc,
    Skew {
        replica: String,
        seconds: i64,
    },
    Time(u64),
    Tick(u64),
    /// A setting, for the replicas named (none: all of them, and those of later labs).
    Option {
        setting: Setting,
        replicas: Vec<String>,
    },
    /// Marks the start of a step of a worked table (lessons and scripts use it).
    Step(String),
}

impl Command {
    /// Commands that start a new lab, after which the old replicas are gone.
    pub fn is_new(&self) -> bool {
        matches!(self, Command::New { .. })
    }
}

fn stamp_text(stamp: &Stamp) -> String {
    match stamp.style {
        StampStyle::Clock => hms(stamp.time),
        StampStyle::Plain => stamp.time.to_string(),
    }
}

/// A word as a line writes it, quoted when the grammar's shell-like splitting would not read
/// it back exactly (spaces, quotes, a backslash, `#`, control characters, the empty word).
pub fn word(text: &str) -> Cow<'_, str> {
    let special = |c: char| c.is_ascii_whitespace() || c.is_control() || "'\"\\#".contains(c);
    match text.is_empty() || text.contains(special) {
        true => Cow::Owned(quoted(text)),
        false => Cow::Borrowed(text),
    }
}

/// A word in quotes, read back by `shlex` exactly: '...' when it holds no `'`, else "..." with
/// `"`, `\`, `$` and `` ` `` escaped.
pub fn quoted(text: &str) -> String {
    if !text.contains('\'') {
        return format!("'{text}'");
    }
    let mut out = String::from('"');
    for c in text.chars() {
        if matches!(c, '"' | '\\' | '$' | '`') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn words(names: &[String]) -> String {
    let quoted: Vec<Cow<'_, str>> = names.iter().map(|n| word(n)).collect();
    quoted.join(" ")
}

fn elem_word(elem: &Elem) -> String {
    word(&elem.to_string()).into_owned()
}

impl Command {
    /// The replica a command is said of, written first (`A add x`), if it has one.
    pub fn subject(&self) -> Option<&str> {
        match self {
            Command::Edit { replica, .. } | Command::Skew { replica, .. } => Some(replica),
            Command::Merge { into, .. } => Some(into),
            _ => None,
        }
    }

    /// The line with its verb first (`add A x`): the form that reads back the same even when
    /// the subject is itself a command word. Commands without a subject print as usual.
    pub fn verb_first(&self) -> String {
        let text = self.to_string();
        let Some(subject) = self.subject() else {
            return text;
        };
        let subject = word(subject);
        let rest = text[subject.len()..].trim_start();
        let (verb, args) = rest.split_once(' ').unwrap_or((rest, ""));
        format!("{verb} {subject} {args}").trim_end().to_string()
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Command::New { kind, replicas } => {
                write!(f, "new {} {}", kind.word(), words(replicas))
            }
            Command::Edit { replica, edit, at } => {
                let (verb, elem) = match edit {
                    Edit::Add(e) => ("add", e),
                    Edit::Remove(e) => ("remove", e),
                };
                write!(f, "{} {verb} {}", word(replica), elem_word(elem))?;
                at.iter().try_for_each(|t| write!(f, " @{}", stamp_text(t)))
            }
            Command::Set {
                replica,
                elem,
                removed,
            } => write!(f, "{} set {} {removed}", word(replica), elem_word(elem)),
            Command::Merge { into, from } => write!(f, "{} merge {}", word(into), word(from)),
            Command::Sync(None) => f.write_str("sync"),
            Command::Sync(Some((a, b))) => write!(f, "sync {} {}", word(a), word(b)),
            Command::Send { from, to } => write!(f, "send {} {}", word(from), word(to)),
            Command::Deliver(Which::Oldest) => f.write_str("deliver"),
            Command::Deliver(Which::Number(n)) => write!(f, "deliver {n}"),
            Command::Deliver(Which::All) => f.write_str("deliver all"),
            Command::Duplicate(n) => write!(f, "duplicate {n}"),
            Command::Partition(groups) => {
                let parts: Vec<String> = groups.iter().map(|g| words(g)).collect();
                write!(f, "partition {}", parts.join(" | "))
            }
            Command::Heal => f.write_str("heal"),
            Command::Cut(a, b) => write!(f, "cut {} {}", word(a), word(b)),
            Command::Link(a, b) => write!(f, "link {} {}", word(a), word(b)),
            Command::Gc => f.write_str("gc"),
            Command::Skew { replica, seconds } => write!(f, "{} skew {seconds:+}", word(replica)),
            Command::Time(t) => write!(f, "time {}", hms(*t)),
            Command::Tick(n) => write!(f, "tick {n}"),
            Command::Option { setting, replicas } => {
                let (name, value) = setting.words();
                write!(f, "option {name} {value}")?;
                replicas.iter().try_for_each(|r| write!(f, " {}", word(r)))
            }
            Command::Step(title) => write!(f, "step {}", word(title)),
        }
    }
}
