//! Law checks and delivery orders: `check all` with the default cases (one run over the seven
//! types), and `explore` on eight messages in flight between three OR-Set replicas, against a
//! baseline walk of every order one by one with no merging of identical states.

use crdt_lab::crdt::{Edit, Elem, Kind};
use crdt_lab::lab::{
    Command, DEFAULT_CASES, Faults, Setup, SyncMode, Which, World, check, explore,
};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;

/// Three OR-Set replicas; round by round one adds an element and sends to the next, eight
/// times, so eight messages are in flight.
fn eight_in_flight(sync: SyncMode) -> World {
    let names = ["A", "B", "C"];
    let mut world = World::default();
    let new = Command::New {
        kind: Kind::OrSet,
        replicas: names.iter().map(|n| n.to_string()).collect(),
    };
    world.apply(&new).expect("new");
    let option = Command::Option {
        setting: crdt_lab::lab::Setting::Sync(sync),
        replicas: vec![],
    };
    world.apply(&option).expect("option");
    for i in 0..8 {
        let (r, s) = (names[i % 3], names[(i + 1) % 3]);
        let edit = match i % 4 {
            3 => Edit::Remove(Elem::Int(i as i64 - 3)),
            _ => Edit::Add(Elem::Int(i as i64)),
        };
        let _ = world.apply(&Command::Edit {
            replica: r.into(),
            edit,
            at: None,
        });
        let send = Command::Send {
            from: r.into(),
            to: s.into(),
        };
        world.apply(&send).expect("sent");
    }
    world
}

/// The baseline: every order, one by one, with nothing merged. Counts the states visited.
fn every_order(world: &World) -> usize {
    let mut visited = 1;
    for m in &world.wire {
        let mut next = world.clone();
        if next
            .replay(&Command::Deliver(Which::Number(m.number)))
            .is_ok()
        {
            visited += every_order(&next);
        }
    }
    visited
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("laws");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("check all (default cases)", |b| {
        b.iter(|| {
            for &kind in Kind::ALL {
                black_box(check(&Setup::new(kind), 1, DEFAULT_CASES));
            }
        })
    });
    for sync in [SyncMode::State, SyncMode::Ops] {
        let world = eight_in_flight(sync);
        let found = explore(&world, Faults::default()).expect("explored");
        eprintln!(
            "explore, {} sync: {} in flight, {} outcomes, {} states visited, {} without merging",
            sync.word(),
            found.in_flight,
            found.endings.len(),
            found.visited,
            found.unmerged
        );
        group.bench_function(format!("explore 8 in flight ({} sync)", sync.word()), |b| {
            b.iter(|| black_box(explore(&world, Faults::default())))
        });
        group.bench_function(
            format!("baseline: every order one by one ({} sync)", sync.word()),
            |b| b.iter(|| black_box(every_order(&world))),
        );
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
