//! What each replica changed since its peers last took its state, so that a merge between
//! replicas that met before carries only that: it costs the change, not the state.
//!
//! Why it is the same as a whole merge: right after B merges A, B holds everything A holds.
//! B's state only grows from then on (every op and merge of a CRDT is an inflation, and `gc`,
//! the one command that shrinks a state, drops the same tags from every replica). So of A's state
//! now, B lacks at most the entries A changed since: the elements A's journal names after B's
//! mark. A merge notes every element it carried in the receiver's journal, changed or not,
//! so that what a version vector now covers stays named downstream (an ORSWOT's merge of an
//! element drops the dots the sender's clock covers; the element that clock grew for is named).

use crate::crdt::{Elem, Name};
use std::collections::BTreeMap;

/// Below this many entries a journal never starts over for being long.
const MIN_CAP: usize = 1024;

/// Where a replica's journal stood at some moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    epoch: u64,
    at: usize,
}

/// The elements whose entries changed on one replica, in order, since the journal last started
/// over, and where each peer's journal stood when this replica last took in its whole state.
#[derive(Clone, Debug, Default)]
pub struct Journal {
    /// Counts the times the journal started over: a peer's mark from before is void.
    epoch: u64,
    elems: Vec<Elem>,
    /// Past this many entries the journal starts over (a merge of them would cost about as
    /// much as a whole one), so it holds at most about as many entries as the state.
    cap: usize,
    /// Per peer: its journal's mark when this replica last held everything it held.
    seen: BTreeMap<Name, Mark>,
}

impl Journal {
    /// The entry of `elem` changed.
    pub fn note(&mut self, elem: &Elem) {
        self.note_all(std::slice::from_ref(elem));
    }

    /// The entries of `elems` may have changed.
    pub fn note_all(&mut self, elems: &[Elem]) {
        if self.elems.len() + elems.len() > self.cap.max(MIN_CAP) {
            self.restart(self.cap);
        } else {
            self.elems.extend_from_slice(elems);
        }
    }

    /// Anything may have changed (a whole merge): peers take the whole state next time. `size`
    /// is the state's size, which bounds how long the journal may grow.
    pub fn restart(&mut self, size: usize) {
        self.epoch += 1;
        self.elems.clear();
        self.cap = size;
    }

    /// Where the journal stands now.
    pub fn mark(&self) -> Mark {
        Mark {
            epoch: self.epoch,
            at: self.elems.len(),
        }
    }

    /// The elements changed since `mark`, sorted and each once; `None` when the journal started
    /// over since.
    pub fn since(&self, mark: Mark) -> Option<Vec<Elem>> {
        let changed = self
            .elems
            .get(mark.at..)
            .filter(|_| mark.epoch == self.epoch)?;
        let mut elems = changed.to_vec();
        elems.sort();
        elems.dedup();
        Some(elems)
    }

    /// This replica now holds everything `peer` held at `mark`.
    pub fn took(&mut self, peer: &Name, mark: Mark) {
        self.seen.insert(peer.clone(), mark);
    }

    /// The mark of `peer` this replica last held everything of, if any.
    pub fn seen(&self, peer: &Name) -> Option<Mark> {
        self.seen.get(peer).copied()
    }

    /// This replica's state may have shrunk: it no longer holds what it took from anyone.
    pub fn forget_peers(&mut self) {
        self.seen.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(s: &str) -> Elem {
        Elem::parse(s)
    }

    #[test]
    fn a_mark_sees_what_changed_after_it_once_each_and_nothing_after_a_restart() {
        let mut j = Journal::default();
        j.note(&e("x"));
        let mark = j.mark();
        j.note_all(&[e("z"), e("y"), e("z")]);
        assert_eq!(j.since(mark), Some(vec![e("y"), e("z")]));
        assert_eq!(j.since(j.mark()), Some(vec![]));
        j.restart(10);
        assert_eq!(j.since(mark), None);
    }

    #[test]
    fn a_journal_longer_than_its_state_starts_over() {
        let mut j = Journal::default();
        j.restart(3);
        let mark = j.mark();
        for n in 0..MIN_CAP {
            j.note(&Elem::Int(n as i64));
        }
        assert_eq!(j.since(mark).map(|v| v.len()), Some(MIN_CAP));
        j.note(&e("one too many"));
        assert_eq!(j.since(mark), None, "past its cap the journal starts over");
    }
}
