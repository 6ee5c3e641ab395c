//! A differential test against a peer written by others: after every step of thousands of
//! seeded random traces, our `orset` and `orswot` show the same visible elements as the
//! `crdts` crate's add-wins `Orswot`, on every replica.

use crdt_lab::crdt::{AnySet, Edit, Elem, Kind, Name, Stamp};
use crdts::{CmRDT, CvRDT, Orswot};

const TRACES: u64 = 10_000;
const STEPS: usize = 20;
const REPLICAS: usize = 3;
const WORDS: [&str; 3] = ["x", "y", "1"];

/// xorshift64*: a small seeded generator, so any failing trace replays from its seed.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) as usize % n
    }
}

#[derive(Clone, Debug)]
enum Step {
    Add(usize, Elem),
    Remove(usize, Elem),
    /// The first replica absorbs the second.
    Merge(usize, usize),
}

fn random_step(rng: &mut Rng) -> Step {
    let at = rng.below(REPLICAS);
    let elem = Elem::parse(WORDS[rng.below(WORDS.len())]);
    match rng.below(10) {
        0..=3 => Step::Add(at, elem),
        4..=6 => Step::Remove(at, elem),
        _ => Step::Merge(at, (at + 1 + rng.below(REPLICAS - 1)) % REPLICAS),
    }
}

/// One replica, held in all three implementations.
#[derive(Clone)]
struct Replica {
    actor: u8,
    orset: AnySet,
    orswot: AnySet,
    peer: Orswot<Elem, u8>,
}

impl Replica {
    fn new(actor: u8) -> Replica {
        let name: Name = ["A", "B", "C"][actor as usize].into();
        Replica {
            actor,
            orset: AnySet::new(Kind::OrSet, &name),
            orswot: AnySet::new(Kind::Orswot, &name),
            peer: Orswot::new(),
        }
    }

    fn edit(&mut self, edit: Edit) {
        for ours in [&mut self.orset, &mut self.orswot] {
            let prepared = ours.prepare(&edit, &Stamp::default());
            let op = prepared.expect("an OR-Set accepts every edit").op;
            ours.apply(op).expect("a replica accepts its own op");
        }
    }

    fn add(&mut self, elem: Elem) {
        self.edit(Edit::Add(elem.clone()));
        let ctx = self.peer.read_ctx().derive_add_ctx(self.actor);
        self.peer.apply(self.peer.add(elem, ctx));
    }

    fn remove(&mut self, elem: Elem) {
        self.edit(Edit::Remove(elem.clone()));
        let ctx = self.peer.contains(&elem).derive_rm_ctx();
        self.peer.apply(self.peer.rm(elem, ctx));
    }

    fn merge(&mut self, other: &Replica) {
        self.orset.merge(&other.orset).expect("same type");
        self.orswot.merge(&other.orswot).expect("same type");
        self.peer.merge(other.peer.clone());
    }

    fn peer_elements(&self) -> Vec<Elem> {
        let mut elems: Vec<Elem> = self.peer.read().val.into_iter().collect();
        elems.sort();
        elems
    }
}

fn run(replicas: &mut [Replica], step: &Step) {
    match step {
        Step::Add(at, elem) => replicas[*at].add(elem.clone()),
        Step::Remove(at, elem) => replicas[*at].remove(elem.clone()),
        Step::Merge(into, from) => {
            let other = replicas[*from].clone();
            replicas[*into].merge(&other);
        }
    }
}

/// Panics, naming the seed and the trace, if any replica shows a different set than the peer.
fn check(seed: u64, trace: &[Step], replicas: &[Replica]) {
    for (i, r) in replicas.iter().enumerate() {
        let peer = r.peer_elements();
        let (orset, orswot) = (r.orset.elements(), r.orswot.elements());
        if orset != peer || orswot != peer {
            panic!(
                "seed {seed}, replica {i}: orset {orset:?}, orswot {orswot:?}, crdts::Orswot {peer:?} after {trace:#?}"
            );
        }
    }
}

#[test]
fn orset_and_orswot_show_what_crdts_orswot_shows_after_every_step() {
    let mut visible_changes = 0;
    for seed in 0..TRACES {
        let mut rng = Rng::new(seed);
        let mut replicas: Vec<Replica> = (0..REPLICAS as u8).map(Replica::new).collect();
        let mut trace = Vec::with_capacity(STEPS);
        for _ in 0..STEPS {
            let step = random_step(&mut rng);
            trace.push(step.clone());
            let before: Vec<Vec<Elem>> = replicas.iter().map(|r| r.peer_elements()).collect();
            run(&mut replicas, &step);
            check(seed, &trace, &replicas);
            let after: Vec<Vec<Elem>> = replicas.iter().map(|r| r.peer_elements()).collect();
            visible_changes += usize::from(before != after);
        }
    }
    let steps = TRACES as usize * STEPS;
    assert!(
        visible_changes > steps / 4,
        "the traces barely changed anything: {visible_changes} of {steps} steps"
    );
}
