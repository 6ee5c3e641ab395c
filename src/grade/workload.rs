//! The seeded workloads: the steps of a single-node run (the node as replica 0 among replicas the grader plays) and the phases of a cluster run, each phase with its network faults.

use super::model::Model;
use crate::crdt::Elem;
use crate::node::{NodeType, Protocol};

/// A small seeded generator (SplitMix64), so a seed always means the same workload.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            return 0;
        }
        (self.next() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

/// The elements a workload uses: strings and integers, one of them not ASCII (the course's
/// byte format writes it as `\u00e9`). Half the picks are from a few fixed ones, so that adds and
/// removes meet; half from a window that moves on as the workload goes, so that a long run keeps
/// meeting new elements (a 2P-Set whose few elements were all removed would read `{}` for ever).
pub fn pick(rng: &mut Rng, at: usize) -> Elem {
    const FIXED: [&str; 5] = ["x", "y", "z", "apple", "café"];
    let base = at / 25;
    match rng.below(4) {
        0 | 1 => match rng.below(FIXED.len() + 2) {
            k if k < FIXED.len() => Elem::Str(FIXED[k].into()),
            k => Elem::Int((k - FIXED.len() + 1) as i64),
        },
        2 => Elem::Str(format!("k{}", base + rng.below(4)).into()),
        _ => Elem::Int(10 + (base + rng.below(4)) as i64),
    }
}

/// One step of a story, on replicas by index: `n1` is 0.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Add(usize, Elem),
    Remove(usize, Elem),
    Read(usize),
    /// `into` absorbs `from`'s whole state, as if its merge message arrived.
    Merge {
        into: usize,
        from: usize,
    },
}

impl Step {
    /// Whether the step sends the node under test (replica 0) a request.
    pub fn reaches_node(&self) -> bool {
        match self {
            Step::Add(r, _) | Step::Remove(r, _) | Step::Read(r) => *r == 0,
            Step::Merge { into, .. } => *into == 0,
        }
    }

    pub fn elem(&self) -> Option<&Elem> {
        match self {
            Step::Add(_, e) | Step::Remove(_, e) => Some(e),
            _ => None,
        }
    }
}

/// The replicas of a single-node run: the node, then the two the grader plays.
pub fn single_names() -> Vec<String> {
    vec!["n1".into(), "n2".into(), "n3".into()]
}

/// A single-node workload of `ops` requests to the node, then every replica merged into it and
/// a last read. Random steps are mixed with small stories that pit a remove against an add.
pub fn single(kind: NodeType, protocol: Protocol, seed: u64, ops: usize) -> Vec<Step> {
    let names = single_names();
    let mut model = Model::new(kind, protocol, &names);
    let mut rng = Rng::new(seed);
    let mut steps = Vec::new();
    let mut sent = 0;
    while sent < ops {
        let candidates = if rng.chance(30) {
            story(&mut rng, sent, kind)
        } else {
            vec![random_step(&mut rng, sent, &mut model, kind)]
        };
        for step in candidates {
            if sent < ops && model.apply(&step) {
                sent += usize::from(step.reaches_node());
                steps.push(step);
            }
        }
    }
    for from in 1..names.len() {
        steps.push(Step::Merge { into: 0, from });
    }
    steps.push(Step::Read(0));
    steps
}

/// A short story on one element, between the node and one peer, that each type answers its
/// own way: a concurrent add and remove, a remote remove, a stale merge after a local remove, or
/// a re-add.
fn story(rng: &mut Rng, at: usize, kind: NodeType) -> Vec<Step> {
    let e = pick(rng, at);
    let p = 1 + rng.below(2);
    let merge = |into, from| Step::Merge { into, from };
    let (add, remove) = (|r| Step::Add(r, e.clone()), |r| Step::Remove(r, e.clone()));
    match rng.below(4) {
        0 => vec![
            add(0),
            merge(p, 0),
            remove(p),
            add(0),
            merge(0, p),
            Step::Read(0),
        ],
        1 => vec![
            add(p),
            merge(0, p),
            Step::Read(0),
            remove(p),
            merge(0, p),
            Step::Read(0),
        ],
        2 => vec![
            add(0),
            merge(p, 0),
            remove(0),
            Step::Read(0),
            merge(0, p),
            Step::Read(0),
        ],
        _ if kind == NodeType::Gset => vec![add(p), merge(0, p), add(0), Step::Read(0)],
        _ => vec![add(0), remove(0), add(0), Step::Read(0)],
    }
}

fn random_step(rng: &mut Rng, at: usize, model: &mut Model, kind: NodeType) -> Step {
    let p = 1 + rng.below(2);
    let any = |rng: &mut Rng| pick(rng, at);
    match rng.below(100) {
        0..22 => Step::Add(0, any(rng)),
        22..36 if kind == NodeType::Gset && !rng.chance(25) => Step::Read(0),
        22..36 => Step::Remove(0, removable(rng, at, model, 0)),
        36..56 => Step::Read(0),
        56..68 => Step::Add(p, any(rng)),
        68..76 => Step::Remove(p, removable(rng, at, model, p)),
        76..88 => Step::Merge { into: 0, from: p },
        88..95 => Step::Merge { into: p, from: 0 },
        _ => Step::Merge {
            into: p,
            from: 3 - p,
        },
    }
}

/// Mostly an element the replica has, so that removes matter; sometimes any element.
fn removable(rng: &mut Rng, at: usize, model: &mut Model, r: usize) -> Elem {
    let has = model.read(r);
    if has.is_empty() || rng.chance(20) {
        pick(rng, at)
    } else {
        has[rng.below(has.len())].clone()
    }
}

/// How the grader's router treats messages between nodes during a phase.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Net {
    /// Groups of nodes that can reach each other; `None` when the network is whole.
    pub groups: Option<Vec<Vec<usize>>>,
    /// Each message is held back up to this long, which also reorders them.
    pub max_delay_ms: u64,
    /// How often a message is delivered twice.
    pub duplicate_percent: u64,
}

impl Net {
    pub fn connected(&self, a: usize, b: usize) -> bool {
        match &self.groups {
            Some(groups) => groups.iter().any(|g| g.contains(&a) && g.contains(&b)),
            None => true,
        }
    }
}

/// A stretch of a cluster run: its network and its client requests.
#[derive(Clone, Debug)]
pub struct Phase {
    pub net: Net,
    pub steps: Vec<Step>,
}

/// A cluster workload: a whole network, a partition, a flaky network (delays, reordering,
/// duplicates), another partition with delays. After it the grader heals and waits.
pub fn cluster(kind: NodeType, seed: u64, ops: usize, nodes: usize) -> Vec<Phase> {
    let mut rng = Rng::new(seed);
    let nets = [
        Net::default(),
        Net {
            groups: Some(split(&mut rng, nodes)),
            ..Net::default()
        },
        Net {
            groups: None,
            max_delay_ms: 150,
            duplicate_percent: 20,
        },
        Net {
            groups: Some(split(&mut rng, nodes)),
            max_delay_ms: 80,
            duplicate_percent: 10,
        },
    ];
    let per_phase = ops.div_ceil(nets.len());
    let mut left = ops;
    nets.into_iter()
        .map(|net| {
            let count = per_phase.min(left);
            left -= count;
            let done = ops - left - count;
            let steps = (done..done + count)
                .map(|at| {
                    let node = rng.below(nodes);
                    let e = pick(&mut rng, at);
                    match rng.below(100) {
                        0..40 => Step::Add(node, e),
                        40..45 => Step::Remove(node, e),
                        45..62 if kind != NodeType::Gset => Step::Remove(node, e),
                        _ => Step::Read(node),
                    }
                })
                .collect();
            Phase { net, steps }
        })
        .collect()
}

/// Two non-empty groups of nodes, at random.
fn split(rng: &mut Rng, nodes: usize) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..nodes).collect();
    for i in (1..nodes).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let cut = 1 + rng.below(nodes.saturating_sub(1).max(1));
    let (a, b) = order.split_at(cut.min(nodes));
    let mut groups = vec![a.to_vec(), b.to_vec()];
    groups.iter_mut().for_each(|g| g.sort());
    groups.retain(|g| !g.is_empty());
    groups
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_seed_always_gives_the_same_workload_and_another_seed_another() {
        let a = single(NodeType::TwoPSet, Protocol::Course, 7, 60);
        assert_eq!(a, single(NodeType::TwoPSet, Protocol::Course, 7, 60));
        assert_ne!(a, single(NodeType::TwoPSet, Protocol::Course, 8, 60));
    }

    #[test]
    fn a_single_workload_sends_the_node_ops_requests_then_merges_everything_and_reads() {
        for kind in [
            NodeType::TwoPSet,
            NodeType::Gset,
            NodeType::Orset,
            NodeType::Lww,
        ] {
            let steps = single(kind, Protocol::Course, 3, 100);
            let to_node = steps.iter().filter(|s| s.reaches_node()).count();
            assert_eq!(to_node, 100 + 3, "{kind:?}");
            let tail = &steps[steps.len() - 3..];
            assert_eq!(
                tail,
                [
                    Step::Merge { into: 0, from: 1 },
                    Step::Merge { into: 0, from: 2 },
                    Step::Read(0)
                ]
            );
        }
    }

    #[test]
    fn a_2p_set_workload_removes_only_what_the_replica_added() {
        let steps = single(NodeType::TwoPSet, Protocol::Course, 11, 200);
        let mut model = Model::new(NodeType::TwoPSet, Protocol::Course, &single_names());
        let removes = steps
            .iter()
            .filter(|s| matches!(s, Step::Remove(..)))
            .count();
        assert!(removes > 10, "{removes} removes");
        for step in &steps {
            assert!(model.apply(step), "{step:?} cannot be taken");
        }
    }

    #[test]
    fn partitions_split_the_nodes_into_two_sides() {
        let mut rng = Rng::new(5);
        for nodes in 2..6 {
            let groups = split(&mut rng, nodes);
            assert_eq!(groups.len(), 2, "{groups:?}");
            let mut all: Vec<usize> = groups.concat();
            all.sort();
            assert_eq!(all, (0..nodes).collect::<Vec<_>>());
        }
    }
}
