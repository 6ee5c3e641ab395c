//! The world a lab's commands fold into: replicas, the network (partition groups and messages
//! in flight) and the clocks. `apply` checks everything first, so a refused command changes nothing.

use super::command::{ClockMode, Command, Setting, Which};
use crate::crdt::{AnySet, Delta, Edit, Elem, Kind, Name, Refusal, Rules, Stamp, Value};

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
    /// Its number, kept for life: delivering #3 leaves #4 as #4.
    pub number: usize,
    pub from: Name,
    pub to: Name,
    pub snapshot: AnySet,
    /// The sender's Lamport counter when it sent, which the receiver catches up with.
    pub lamport: u64,
}

/// What one replica's state did under a command.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Change {
    pub replica: String,
    pub delta: Delta,
}

/// One message handed over by a `deliver`, and what it changed on its receiver.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Delivery {
    pub number: usize,
    pub from: String,
    pub to: String,
    pub delta: Delta,
}

/// A message put on the wire (by `send`, or a copy by `duplicate`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Sent {
    pub number: usize,
    pub from: String,
    pub to: String,
}

/// What an accepted command did, as data: what changed on each replica (only those that did
/// change), notes when something is worth knowing (such as why nothing changed), the messages
/// a `deliver` handed over and a `send` put on the wire, and the groups a bare `sync` brought together.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct Applied {
    pub changes: Vec<Change>,
    pub notes: Vec<String>,
    pub deliveries: Vec<Delivery>,
    pub sent: Vec<Sent>,
    pub met: Vec<Vec<String>>,
}

impl Applied {
    fn noted(note: impl Into<String>) -> Applied {
        Applied {
            notes: vec![note.into()],
            ..Applied::default()
        }
    }

    /// The names of the replicas whose state changed.
    pub fn changed(&self) -> impl Iterator<Item = &str> {
        self.changes.iter().map(|c| c.replica.as_str())
    }

    /// What changed on `replica`, if it changed.
    pub fn delta(&self, replica: &str) -> Option<&Delta> {
        self.changes
            .iter()
            .find(|c| c.replica == replica)
            .map(|c| &c.delta)
    }

    /// Add what `replica` did to what it had already done under this command.
    fn record(&mut self, replica: &Name, delta: Delta) {
        if delta.is_empty() {
            return;
        }
        match self.changes.iter_mut().find(|c| *c.replica == **replica) {
            Some(change) => change.delta = std::mem::take(&mut change.delta).then(&delta),
            None => self.changes.push(Change {
                replica: replica.to_string(),
                delta,
            }),
        }
        self.changes.retain(|c| !c.delta.is_empty());
    }
}

#[derive(Clone, Debug)]
pub struct World {
    pub kind: Kind,
    pub replicas: Vec<Replica>,
    /// Partition groups; empty when the network is whole.
    pub groups: Vec<Vec<Name>>,
    pub wire: Vec<Message>,
    /// The number the next message sent gets.
    pub next_message: usize,
    /// Simulated real time, in seconds since midnight.
    pub time: u64,
    pub clock: ClockMode,
    pub rules: Rules,
    /// Whether `apply` works out what each command changed (a replay of the log does not need to).
    record: bool,
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
            next_message: 1,
            time: 12 * 3600,
            clock: ClockMode::Lamport,
            rules: Rules::default(),
            record: true,
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
        let hint = match super::closest(name, names.iter().map(String::as_str)) {
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

    /// Apply one command, or refuse it and change nothing. The answer says what changed.
    pub fn apply(&mut self, cmd: &Command) -> Result<Applied, Refusal> {
        self.record = true;
        self.dispatch(cmd)
    }

    /// Apply one command without working out what it changed: for replaying the log.
    pub fn replay(&mut self, cmd: &Command) -> Result<(), Refusal> {
        self.record = false;
        let result = self.dispatch(cmd).map(|_| ());
        self.record = true;
        result
    }

    fn dispatch(&mut self, cmd: &Command) -> Result<Applied, Refusal> {
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
            Command::Skew { replica, seconds } => self.skew(replica, *seconds),
            Command::Time(t) => {
                self.time = *t;
                Ok(Applied::default())
            }
            Command::Tick(n) => self.tick(*n),
            Command::Option(setting) => Ok(self.option(*setting)),
            Command::Step(_) => Ok(Applied::default()),
        }
    }

    /// Run `f` on replica `i` and say what it changed (nothing, when not recording). When `f`
    /// can only touch `elem` (an edit), only what concerns `elem` is compared.
    fn watch<T>(
        &mut self,
        i: usize,
        elem: Option<&Elem>,
        f: impl FnOnce(&mut Self) -> Result<T, Refusal>,
    ) -> Result<(T, Delta), Refusal> {
        if !self.record {
            return f(self).map(|t| (t, Delta::default()));
        }
        let look = |set: &AnySet| match elem {
            Some(e) => {
                let shown = set.contains(e).then(|| e.to_string());
                (
                    set.describe_elem(e),
                    Value::Set(shown.into_iter().collect()),
                )
            }
            None => (set.describe(), set.visible()),
        };
        let before = look(&self.replicas[i].set);
        let out = f(self)?;
        let after = look(&self.replicas[i].set);
        let delta = Delta::between(&before.0, &after.0, &before.1, &after.1);
        Ok((out, delta))
    }

    /// Move the simulated time on. Past midnight the clock reads 24:00:00 and on (which `time`
    /// and `@` accept), so it never goes back; a tick past the last second it can count is refused.
    fn tick(&mut self, seconds: u64) -> Result<Applied, Refusal> {
        match self.time.checked_add(seconds) {
            Some(time) => {
                self.time = time;
                Ok(Applied::default())
            }
            None => refuse(format!(
                "the clock reads {} and cannot count {seconds} seconds more",
                crate::crdt::hms(self.time)
            )),
        }
    }

    fn skew(&mut self, replica: &str, seconds: i64) -> Result<Applied, Refusal> {
        let i = self.find(replica)?;
        self.replicas[i].skew = seconds;
        let mut applied = Applied::default();
        if self.kind != Kind::Lww || self.clock != ClockMode::Wall {
            applied.notes.push(format!(
                "{replica}'s clock now runs {seconds:+} s off; skew only matters to an LWW set stamping with the wall clock (new lww ..., then option clock wall)"
            ));
        }
        Ok(applied)
    }

    fn new_lab(&mut self, kind: Kind, names: &[String]) -> Result<Applied, Refusal> {
        check_names(names)?;
        let (rules, clock, time) = (self.rules, self.clock, self.time);
        *self = World::fresh(kind, names);
        (self.clock, self.time) = (clock, time);
        self.option(Setting::TieBreak(rules.tiebreak));
        Ok(Applied::default())
    }

    /// The stamp an edit on replica `i` gets when none is given.
    fn stamp_for(&self, i: usize) -> Stamp {
        let r = &self.replicas[i];
        match self.clock {
            ClockMode::Lamport => Stamp::lamport(r.lamport.saturating_add(1), &r.name),
            ClockMode::Wall => Stamp::clock(self.time.saturating_add_signed(r.skew)),
        }
    }

    fn edit(&mut self, name: &str, edit: &Edit, at: Option<&Stamp>) -> Result<Applied, Refusal> {
        let elem = match edit {
            Edit::Add(e) | Edit::Remove(e) => e,
        };
        if elem.to_string().chars().count() > MAX_ELEM {
            return refuse(format!("an element is at most {MAX_ELEM} characters"));
        }
        let i = self.find(name)?;
        let stamp = at.cloned().unwrap_or_else(|| self.stamp_for(i));
        let prepared = self.replicas[i].set.prepare(edit, &stamp)?;
        let (_, delta) = self.watch(i, Some(elem), |w| w.replicas[i].set.apply(prepared.op))?;
        let r = &mut self.replicas[i];
        r.lamport = if stamp.by.is_some() {
            stamp.time
        } else {
            r.lamport.saturating_add(1)
        };
        let mut applied = Applied::default();
        applied.record(&r.name.clone(), delta);
        applied.notes.extend(prepared.note);
        Ok(applied)
    }

    /// Replica `i` absorbs a state, and its Lamport clock catches up with the sender's.
    fn absorb(&mut self, i: usize, state: &AnySet, lamport: u64) -> Result<Delta, Refusal> {
        let (_, delta) = self.watch(i, None, |w| {
            let r = &mut w.replicas[i];
            r.set.merge(state)?;
            r.lamport = r.lamport.max(lamport);
            Ok(())
        })?;
        Ok(delta)
    }

    /// Replica `i` absorbs replica `j`'s state, without copying it; what it did goes into `applied`.
    fn absorb_replica(&mut self, i: usize, j: usize, applied: &mut Applied) -> Result<(), Refusal> {
        let (_, delta) = self.watch(i, None, |w| {
            let (into, from) = match i.cmp(&j) {
                std::cmp::Ordering::Less => {
                    let (left, right) = w.replicas.split_at_mut(j);
                    (&mut left[i], &right[0])
                }
                std::cmp::Ordering::Greater => {
                    let (left, right) = w.replicas.split_at_mut(i);
                    (&mut right[0], &left[j])
                }
                std::cmp::Ordering::Equal => return Ok(()),
            };
            into.set.merge(&from.set)?;
            into.lamport = into.lamport.max(from.lamport);
            Ok(())
        })?;
        applied.record(&self.replicas[i].name.clone(), delta);
        Ok(())
    }

    fn merge(&mut self, into: &str, from: &str) -> Result<Applied, Refusal> {
        let (i, j) = (self.find(into)?, self.find(from)?);
        if i == j {
            return refuse(format!("{into} cannot merge with itself"));
        }
        self.check_link(into, from)?;
        let mut applied = Applied::default();
        self.absorb_replica(i, j, &mut applied)?;
        Ok(unchanged(applied, || {
            format!("{into} already had everything {from} has")
        }))
    }

    fn sync_pair(&mut self, a: &str, b: &str) -> Result<Applied, Refusal> {
        let (i, j) = (self.find(a)?, self.find(b)?);
        if i == j {
            return refuse(format!("{a} cannot sync with itself"));
        }
        self.check_link(a, b)?;
        // i takes j's state, then j takes the join: the same as both taking the other's old state.
        let mut applied = Applied::default();
        self.absorb_replica(i, j, &mut applied)?;
        self.absorb_replica(j, i, &mut applied)?;
        Ok(unchanged(applied, || format!("{a} and {b} already agreed")))
    }

    /// Every reachable pair merges until they agree: along each group and back again, so the
    /// last replica holds the join of all and hands it back down the chain.
    fn sync_all(&mut self) -> Result<Applied, Refusal> {
        let mut applied = Applied::default();
        for group in self.index_groups() {
            for pair in group.windows(2) {
                self.absorb_replica(pair[1], pair[0], &mut applied)?;
            }
            for pair in group.windows(2).rev() {
                self.absorb_replica(pair[0], pair[1], &mut applied)?;
            }
            if group.len() > 1 {
                let names = group.iter().map(|&k| self.replicas[k].name.to_string());
                applied.met.push(names.collect());
            }
        }
        if !self.groups.is_empty() {
            applied.notes.push(format!(
                "synced within each side of the partition {}",
                self.partition_text()
            ));
        }
        Ok(unchanged(applied, || {
            "every replica that can reach another already agreed with it".to_string()
        }))
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
        let number = self.next_message;
        let (from, to) = (self.replicas[i].name.clone(), self.replicas[j].name.clone());
        let sent = Sent {
            number,
            from: from.to_string(),
            to: to.to_string(),
        };
        self.wire.push(Message {
            number,
            from,
            to,
            snapshot: self.replicas[i].set.clone(),
            lamport: self.replicas[i].lamport,
        });
        self.next_message += 1;
        Ok(Applied {
            sent: vec![sent],
            ..Applied::default()
        })
    }

    /// Where message number `n` is on the wire, or a refusal listing the numbers there are.
    fn on_wire(&self, n: usize) -> Result<usize, Refusal> {
        if let Some(k) = self.wire.iter().position(|m| m.number == n) {
            return Ok(k);
        }
        let numbers: Vec<String> = self.wire.iter().map(|m| format!("#{}", m.number)).collect();
        refuse(match numbers.is_empty() {
            true => format!("there is no message #{n}: nothing is in flight"),
            false => format!(
                "there is no message #{n} in flight; in flight: {}",
                numbers.join(", ")
            ),
        })
    }

    fn deliver(&mut self, which: Which) -> Result<Applied, Refusal> {
        if self.wire.is_empty() {
            return refuse("nothing is in flight; `send A B` puts a message on the wire");
        }
        let picks: Vec<usize> = match which {
            Which::Oldest => vec![0],
            Which::Number(n) => vec![self.on_wire(n)?],
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
        let mut applied = Applied::default();
        for (_, m) in going {
            let to = self.find(&m.to)?;
            let delta = self.absorb(to, &m.snapshot, m.lamport)?;
            applied.record(&m.to, delta.clone());
            applied.deliveries.push(Delivery {
                number: m.number,
                from: m.from.to_string(),
                to: m.to.to_string(),
                delta,
            });
        }
        Ok(applied)
    }

    fn deliverable(&self, k: usize) -> bool {
        let m = &self.wire[k];
        self.reachable(&m.from, &m.to)
    }

    fn duplicate(&mut self, n: usize) -> Result<Applied, Refusal> {
        let k = self.on_wire(n)?;
        let mut copy = self.wire[k].clone();
        copy.number = self.next_message;
        self.next_message += 1;
        let note = format!(
            "message #{n} is now on the wire twice (the copy is #{})",
            copy.number
        );
        let sent = Sent {
            number: copy.number,
            from: copy.from.to_string(),
            to: copy.to.to_string(),
        };
        self.wire.push(copy);
        Ok(Applied {
            sent: vec![sent],
            notes: vec![note],
            ..Applied::default()
        })
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
            notes: note.into_iter().collect(),
            ..Applied::default()
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
        let mut applied = Applied::default();
        match setting {
            Setting::TieBreak(t) => {
                self.rules.tiebreak = t;
                let rules = self.rules;
                for i in 0..self.replicas.len() {
                    let configured = self.watch(i, None, |w| {
                        w.replicas[i].set.configure(&rules);
                        Ok(())
                    });
                    if let Ok(((), delta)) = configured {
                        applied.record(&self.replicas[i].name.clone(), delta);
                    }
                }
            }
            Setting::Clock(c) => self.clock = c,
        }
        applied
    }

    /// How big the world is, in pieces of metadata (the replicas' and the messages in flight):
    /// what a copy of it costs, roughly.
    pub fn size(&self) -> usize {
        let sets = self.replicas.iter().map(|r| &r.set);
        let sets = sets.chain(self.wire.iter().map(|m| &m.snapshot));
        sets.map(|s| s.meta_size() + 1).sum()
    }

    /// Do all replicas hold the same replicated state?
    pub fn converged(&self) -> bool {
        let mut sets = self.replicas.iter().map(|r| &r.set);
        let first = sets.next();
        sets.all(|s| first.is_none_or(|f| f.same_state(s)))
    }
}

/// Replica names: 1 to 26 of them, each a letter then letters, digits, `_` or `-`, distinct
/// even ignoring case (tags are lowercase). (The command language also keeps its own words out.)
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
        if names[..k].iter().any(|m| m.eq_ignore_ascii_case(name)) {
            return refuse(format!(
                "'{name}' is named twice (names must differ even ignoring case, since tags are lowercase)"
            ));
        }
        if let Some(other) = names.iter().find(|m| tags_collide(m, name)) {
            let digits = &name[other.len()..];
            return refuse(format!(
                "'{name}' is '{other}' followed by digits, so their tags would read alike ({other}'s tag {digits}1 and {name}'s tag 1 are both {}1); pick names that differ otherwise",
                name.to_lowercase()
            ));
        }
    }
    Ok(())
}

/// Would tags of `longer` read like tags of `name`? A tag is the lowercase name and a counter,
/// so `a` and `a1` collide (`a11`), while `a` and `ab` cannot.
fn tags_collide(name: &str, longer: &str) -> bool {
    let (name, longer) = (name.to_lowercase(), longer.to_lowercase());
    longer.len() > name.len()
        && longer.starts_with(&name)
        && longer[name.len()..].bytes().all(|b| b.is_ascii_digit())
}

/// A command that changed no replica says so, unless it already said something.
fn unchanged(mut applied: Applied, why: impl FnOnce() -> String) -> Applied {
    if applied.changes.is_empty() && applied.notes.is_empty() {
        applied.notes.push(format!("{}: nothing changed", why()));
    }
    applied
}
