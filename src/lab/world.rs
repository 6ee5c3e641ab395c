//! The world a lab's commands fold into: replicas, the network (partition groups and messages
//! in flight) and the clocks. `apply` checks everything first, so a refused command changes nothing.

use super::command::{ClockMode, Command, Setting, Which};
use crate::crdt::{AnySet, Edit, Kind, Name, Refusal, Rules, Stamp};

/// At most this many replicas in one lab.
pub const MAX_REPLICAS: usize = 26;
/// The longest element, in characters.
pub const MAX_ELEM: usize = 64;
/// The longest replica name, in characters.
pub const MAX_NAME: usize = 16;

/// One named replica with its clocks.
#[derive(Clone, Debug)]
pub struct Replica {
    pub name: Name,
    pub set: AnySet,
    /// How far this replica's wall clock runs ahead of real time, in seconds.
    pub skew: i64,
    /// This replica's Lamport counter.
    pub lamport: u64,
}

/// A snapshot of one replica's state on its way to another.
#[derive(Clone, Debug)]
pub struct Message {
    pub from: Name,
    pub to: Name,
    pub snapshot: AnySet,
    /// The sender's Lamport counter when it sent, which the receiver catches up with.
    pub lamport: u64,
}

/// What an accepted command did: the replicas it touched and a note when nothing visible changed.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Applied {
    pub changed: Vec<String>,
    pub note: Option<String>,
}

impl Applied {
    fn touched(names: &[&Name]) -> Applied {
        Applied {
            changed: names.iter().map(|n| n.to_string()).collect(),
            note: None,
        }
    }
    fn noted(note: impl Into<String>) -> Applied {
        Applied {
            changed: vec![],
            note: Some(note.into()),
        }
    }
}

#[derive(Clone, Debug)]
pub struct World {
    pub kind: Kind,
    pub replicas: Vec<Replica>,
    /// Partition groups; empty when the network is whole.
    pub groups: Vec<Vec<Name>>,
    pub wire: Vec<Message>,
    /// Simulated real time, in seconds since midnight.
    pub time: u64,
    pub clock: ClockMode,
    pub rules: Rules,
}

impl Default for World {
    /// A fresh lab is an OR-Set with replicas A and B, as if `new orset A B` had run.
    fn default() -> World {
        World::fresh(Kind::OrSet, &["A".to_string(), "B".to_string()])
    }
}

fn refuse<T>(rule: impl Into<String>) -> Result<T, Refusal> {
    Err(Refusal::new(rule))
}

impl World {
    pub fn fresh(kind: Kind, names: &[String]) -> World {
        let replicas = names
            .iter()
            .map(|n| {
                let name: Name = n.as_str().into();
                let set = AnySet::new(kind, &name);
                Replica {
                    name,
                    set,
                    skew: 0,
                    lamport: 0,
                }
            })
            .collect();
        World {
            kind,
            replicas,
            groups: vec![],
            wire: vec![],
            time: 12 * 3600,
            clock: ClockMode::Lamport,
            rules: Rules::default(),
        }
    }

    pub fn names(&self) -> Vec<String> {
        self.replicas.iter().map(|r| r.name.to_string()).collect()
    }

    /// The index of a replica, or a refusal that suggests the closest name.
    pub fn find(&self, name: &str) -> Result<usize, Refusal> {
        if let Some(i) = self.replicas.iter().position(|r| &*r.name == name) {
            return Ok(i);
        }
        let names = self.names();
        let hint = match crate::script::closest(name, names.iter().map(String::as_str)) {
            Some(best) => format!("; did you mean {best}?"),
            None => String::new(),
        };
        refuse(format!(
            "there is no replica {name} (replicas: {}){hint}",
            names.join(" ")
        ))
    }

    pub fn replica(&self, name: &str) -> Result<&Replica, Refusal> {
        Ok(&self.replicas[self.find(name)?])
    }

    /// Can `a` and `b` reach each other through the network?
    pub fn reachable(&self, a: &str, b: &str) -> bool {
        self.group_of(a) == self.group_of(b)
    }

    fn group_of(&self, name: &str) -> Option<usize> {
        self.groups
            .iter()
            .position(|g| g.iter().any(|n| &**n == name))
    }

    fn check_link(&self, a: &str, b: &str) -> Result<(), Refusal> {
        if self.reachable(a, b) {
            return Ok(());
        }
        refuse(format!(
            "{a} and {b} are on different sides of the partition {}; heal it first",
            self.partition_text()
        ))
    }

    pub fn partition_text(&self) -> String {
        let parts: Vec<String> = self.groups.iter().map(|g| g.join(" ")).collect();
        parts.join(" | ")
    }

    /// Apply one command, or refuse it and change nothing.
    pub fn apply(&mut self, cmd: &Command) -> Result<Applied, Refusal> {
        match cmd {
            Command::New { kind, replicas } => self.new_lab(*kind, replicas),
            Command::Edit { replica, edit, at } => self.edit(replica, edit, at.as_ref()),
            Command::Merge { into, from } => self.merge(into, from),
            Command::Sync(Some((a, b))) => self.sync_pair(a, b),
            Command::Sync(None) => self.sync_all(),
            Command::Send { from, to } => self.send(from, to),
            Command::Deliver(which) => self.deliver(*which),
            Command::Duplicate(n) => self.duplicate(*n),
            Command::Partition(groups) => self.partition(groups),
            Command::Heal => self.heal(),
            Command::Skew { replica, seconds } => {
                let i = self.find(replica)?;
                self.replicas[i].skew = *seconds;
                Ok(Applied::default())
            }
            Command::Time(t) => {
                self.time = *t;
                Ok(Applied::default())
            }
            Command::Tick(n) => {
                self.time += n;
                Ok(Applied::default())
            }
            Command::Option(setting) => Ok(self.option(*setting)),
            Command::Step(_) => Ok(Applied::default()),
        }
    }

    fn new_lab(&mut self, kind: Kind, names: &[String]) -> Result<Applied, Refusal> {
        check_names(names)?;
        let (rules, clock, time) = (self.rules, self.clock, self.time);
        *self = World::fresh(kind, names);
        (self.clock, self.time) = (clock, time);
        self.option(Setting::TieBreak(rules.tiebreak));
        Ok(Applied::touched(
            &self.replicas.iter().map(|r| &r.name).collect::<Vec<_>>(),
        ))
    }

    /// The stamp an edit on replica `i` gets when none is given.
    fn stamp_for(&self, i: usize) -> Stamp {
        let r = &self.replicas[i];
        match self.clock {
            ClockMode::Lamport => Stamp::lamport(r.lamport + 1, &r.name),
            ClockMode::Wall => Stamp::clock(self.time.saturating_add_signed(r.skew)),
        }
    }

    fn edit(&mut self, name: &str, edit: &Edit, at: Option<&Stamp>) -> Result<Applied, Refusal> {
        let elem = match edit {
            Edit::Add(e) | Edit::Remove(e) => e.to_string(),
        };
        if elem.chars().count() > MAX_ELEM {
            return refuse(format!("an element is at most {MAX_ELEM} characters"));
        }
        let i = self.find(name)?;
        let stamp = at.cloned().unwrap_or_else(|| self.stamp_for(i));
        let prepared = self.replicas[i].set.prepare(edit, &stamp)?;
        let r = &mut self.replicas[i];
        r.set.apply(prepared.op)?;
        r.lamport = if stamp.by.is_some() {
            stamp.time
        } else {
            r.lamport + 1
        };
        let mut applied = Applied::touched(&[&r.name]);
        applied.note = prepared.note;
        Ok(applied)
    }

    /// Replica `i` absorbs a state, and its Lamport clock catches up with the sender's.
    fn absorb(&mut self, i: usize, state: &AnySet, lamport: u64) -> Result<(), Refusal> {
        let r = &mut self.replicas[i];
        r.set.merge(state)?;
        r.lamport = r.lamport.max(lamport);
        Ok(())
    }

    /// Replica `i` absorbs replica `j`'s state, without copying it.
    fn absorb_replica(&mut self, i: usize, j: usize) -> Result<(), Refusal> {
        let (into, from) = match i.cmp(&j) {
            std::cmp::Ordering::Less => {
                let (left, right) = self.replicas.split_at_mut(j);
                (&mut left[i], &right[0])
            }
            std::cmp::Ordering::Greater => {
                let (left, right) = self.replicas.split_at_mut(i);
                (&mut right[0], &left[j])
            }
            std::cmp::Ordering::Equal => return Ok(()),
        };
        into.set.merge(&from.set)?;
        into.lamport = into.lamport.max(from.lamport);
        Ok(())
    }

    fn merge(&mut self, into: &str, from: &str) -> Result<Applied, Refusal> {
        let (i, j) = (self.find(into)?, self.find(from)?);
        if i == j {
            return refuse(format!("{into} cannot merge with itself"));
        }
        self.check_link(into, from)?;
        self.absorb_replica(i, j)?;
        Ok(Applied::touched(&[&self.replicas[i].name]))
    }

    fn sync_pair(&mut self, a: &str, b: &str) -> Result<Applied, Refusal> {
        let (i, j) = (self.find(a)?, self.find(b)?);
        if i == j {
            return refuse(format!("{a} cannot sync with itself"));
        }
        self.check_link(a, b)?;
        // i takes j's state, then j takes the join: the same as both taking the other's old state.
        self.absorb_replica(i, j)?;
        self.absorb_replica(j, i)?;
        Ok(Applied::touched(&[
            &self.replicas[i].name,
            &self.replicas[j].name,
        ]))
    }

    /// Every reachable pair merges until they agree: along each group and back again, so the
    /// last replica holds the join of all and hands it back down the chain.
    fn sync_all(&mut self) -> Result<Applied, Refusal> {
        for group in self.index_groups() {
            for pair in group.windows(2) {
                self.absorb_replica(pair[1], pair[0])?;
            }
            for pair in group.windows(2).rev() {
                self.absorb_replica(pair[0], pair[1])?;
            }
        }
        let names: Vec<&Name> = self.replicas.iter().map(|r| &r.name).collect();
        let mut applied = Applied::touched(&names);
        if !self.groups.is_empty() {
            applied.note = Some(format!(
                "synced within each side of the partition {}",
                self.partition_text()
            ));
        }
        Ok(applied)
    }

    /// Replica indexes by partition group (everyone in one group when the network is whole).
    fn index_groups(&self) -> Vec<Vec<usize>> {
        if self.groups.is_empty() {
            return vec![(0..self.replicas.len()).collect()];
        }
        let index = |n: &Name| self.replicas.iter().position(|r| r.name == *n);
        self.groups
            .iter()
            .map(|g| g.iter().filter_map(index).collect())
            .collect()
    }

    fn send(&mut self, from: &str, to: &str) -> Result<Applied, Refusal> {
        let (i, j) = (self.find(from)?, self.find(to)?);
        if i == j {
            return refuse(format!("{from} cannot send to itself"));
        }
        let (from, to) = (self.replicas[i].name.clone(), self.replicas[j].name.clone());
        let snapshot = self.replicas[i].set.clone();
        let note = format!(
            "message {} is in flight: {from} → {to} carrying {}",
            self.wire.len() + 1,
            snapshot.visible()
        );
        let lamport = self.replicas[i].lamport;
        self.wire.push(Message {
            from,
            to,
            snapshot,
            lamport,
        });
        Ok(Applied::noted(note))
    }

    fn deliver(&mut self, which: Which) -> Result<Applied, Refusal> {
        if self.wire.is_empty() {
            return refuse("nothing is in flight; `send A B` puts a message on the wire");
        }
        let picks: Vec<usize> = match which {
            Which::Oldest => vec![0],
            Which::Number(n) if n == 0 || n > self.wire.len() => {
                return refuse(format!(
                    "there is no message {n}; messages in flight are 1 to {}",
                    self.wire.len()
                ));
            }
            Which::Number(n) => vec![n - 1],
            Which::All => (0..self.wire.len())
                .filter(|&k| self.deliverable(k))
                .collect(),
        };
        if let Some(&k) = picks.iter().find(|&&k| !self.deliverable(k)) {
            let m = &self.wire[k];
            return self.check_link(&m.from, &m.to).map(|_| Applied::default());
        }
        if picks.is_empty() {
            return refuse(format!(
                "every message in flight crosses the partition {}; heal it first",
                self.partition_text()
            ));
        }
        let wire = std::mem::take(&mut self.wire).into_iter().enumerate();
        let (going, staying): (Vec<_>, Vec<_>) = wire.partition(|(k, _)| picks.contains(k));
        self.wire = staying.into_iter().map(|(_, m)| m).collect();
        let mut touched = vec![];
        for (_, m) in going {
            let to = self.find(&m.to)?;
            self.absorb(to, &m.snapshot, m.lamport)?;
            touched.push(m.to);
        }
        Ok(Applied::touched(&touched.iter().collect::<Vec<_>>()))
    }

    fn deliverable(&self, k: usize) -> bool {
        let m = &self.wire[k];
        self.reachable(&m.from, &m.to)
    }

    fn duplicate(&mut self, n: usize) -> Result<Applied, Refusal> {
        if n == 0 || n > self.wire.len() {
            return refuse(format!("there is no message {n} in flight to duplicate"));
        }
        let copy = self.wire[n - 1].clone();
        self.wire.push(copy);
        Ok(Applied::noted(format!(
            "message {n} is now on the wire twice (as {})",
            self.wire.len()
        )))
    }

    fn partition(&mut self, groups: &[Vec<String>]) -> Result<Applied, Refusal> {
        let mut seen: Vec<&str> = vec![];
        for name in groups.iter().flatten() {
            self.find(name)?;
            if seen.contains(&name.as_str()) {
                return refuse(format!(
                    "{name} is named twice; each replica belongs to one side"
                ));
            }
            seen.push(name);
        }
        if groups.len() < 2 || groups.iter().any(Vec::is_empty) {
            return refuse("a partition needs at least two non-empty sides: partition A | B");
        }
        let mut sides: Vec<Vec<Name>> = groups
            .iter()
            .map(|g| g.iter().map(|n| n.as_str().into()).collect())
            .collect();
        let alone: Vec<Name> = self
            .replicas
            .iter()
            .map(|r| r.name.clone())
            .filter(|n| !seen.contains(&&**n))
            .collect();
        let note = (!alone.is_empty()).then(|| {
            let names: Vec<&str> = alone.iter().map(|n| &**n).collect();
            format!(
                "{} not named, so each is cut off on its own",
                names.join(", ")
            )
        });
        sides.extend(alone.into_iter().map(|n| vec![n]));
        self.groups = sides;
        Ok(Applied {
            changed: vec![],
            note,
        })
    }

    fn heal(&mut self) -> Result<Applied, Refusal> {
        if self.groups.is_empty() {
            return Ok(Applied::noted("the network is already whole"));
        }
        self.groups.clear();
        Ok(Applied::default())
    }

    fn option(&mut self, setting: Setting) -> Applied {
        match setting {
            Setting::TieBreak(t) => {
                self.rules.tiebreak = t;
                let rules = self.rules;
                self.replicas
                    .iter_mut()
                    .for_each(|r| r.set.configure(&rules));
            }
            Setting::Clock(c) => self.clock = c,
        }
        Applied::default()
    }

    /// Do all replicas hold the same replicated state?
    pub fn converged(&self) -> bool {
        let mut states = self.replicas.iter().map(|r| r.set.describe());
        let first = states.next();
        states.all(|s| Some(&s) == first.as_ref())
    }
}

/// Replica names: 1 to 26 of them, each a letter then letters, digits, `_` or `-`, distinct
/// even ignoring case (tags are lowercase), and not a command word.
pub fn check_names(names: &[String]) -> Result<(), Refusal> {
    if names.is_empty() || names.len() > MAX_REPLICAS {
        return refuse(format!(
            "a lab has 1 to {MAX_REPLICAS} replicas, e.g. new orset A B"
        ));
    }
    for (k, name) in names.iter().enumerate() {
        let mut chars = name.chars();
        let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
        if !first_ok
            || !chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            || name.len() > MAX_NAME
        {
            return refuse(format!(
                "'{name}' is not a replica name: use a letter, then letters, digits, _ or - (at most {MAX_NAME})"
            ));
        }
        if crate::script::is_command_word(name) {
            return refuse(format!(
                "'{name}' is a command word; pick another replica name"
            ));
        }
        if names[..k].iter().any(|m| m.eq_ignore_ascii_case(name)) {
            return refuse(format!(
                "'{name}' is named twice (names must differ even ignoring case, since tags are lowercase)"
            ));
        }
    }
    Ok(())
}
