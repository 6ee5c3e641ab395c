//! Merge benchmark: two replicas of 100,000 elements each (half of them shared), merged by every
//! set type, beside `HashSet<String>::extend` (the practical limit) and `crdts::Orswot::merge`
//! (the peer). Only the merge is timed: the receiving side is cloned in the setup.

use crdt_lab::crdt::{
    Edit, Elem, GSet, Lww, Naive, Name, OrSet, Orswot, PnSet, SetCrdt, Stamp, TwoPSet,
};
use crdts::{CmRDT, CvRDT};
use criterion::measurement::WallTime;
use criterion::{BatchSize, BenchmarkGroup, Criterion, criterion_group, criterion_main};
use std::collections::HashSet;
use std::ops::Range;
use std::time::Duration;

const SIZE: usize = 100_000;

/// Replica A holds e0..e99999 and B holds e50000..e149999.
fn ranges() -> (Range<usize>, Range<usize>) {
    (0..SIZE, SIZE / 2..SIZE / 2 + SIZE)
}

fn word(i: usize) -> String {
    format!("e{i}")
}

/// A replica named `name` that added every element in `range`, with Lamport stamps.
fn replica<T: SetCrdt>(name: &str, range: Range<usize>) -> T {
    let name: Name = name.into();
    let mut set = T::new(&name);
    for (time, i) in range.enumerate() {
        let edit = Edit::Add(Elem::Str(word(i).into()));
        let stamp = Stamp::lamport(time as u64 + 1, &name);
        let prepared = set.prepare(&edit, &stamp).expect("adds are accepted");
        set.apply(prepared.op);
    }
    set
}

fn bench_type<T: SetCrdt>(group: &mut BenchmarkGroup<WallTime>, id: &str) {
    let (a, b) = ranges();
    let (mine, theirs) = (replica::<T>("A", a), replica::<T>("B", b));
    group.bench_function(id, |bench| {
        bench.iter_batched(
            || mine.clone(),
            |mut m| {
                m.merge(&theirs);
                m
            },
            BatchSize::LargeInput,
        )
    });
}

fn bench_hashset(group: &mut BenchmarkGroup<WallTime>) {
    let (a, b) = ranges();
    let mine: HashSet<String> = a.map(word).collect();
    let theirs: HashSet<String> = b.map(word).collect();
    group.bench_function("HashSet<String>::extend (cloned)", |bench| {
        bench.iter_batched(
            || mine.clone(),
            |mut m| {
                m.extend(theirs.iter().cloned());
                m
            },
            BatchSize::LargeInput,
        )
    });
    group.bench_function("HashSet<String>::extend (moved)", |bench| {
        bench.iter_batched(
            || (mine.clone(), theirs.clone()),
            |(mut m, t)| {
                m.extend(t);
                m
            },
            BatchSize::LargeInput,
        )
    });
}

fn peer(actor: u8, range: Range<usize>) -> crdts::Orswot<String, u8> {
    let mut set = crdts::Orswot::new();
    for i in range {
        let ctx = set.read_ctx().derive_add_ctx(actor);
        set.apply(set.add(word(i), ctx));
    }
    set
}

fn bench_peer(group: &mut BenchmarkGroup<WallTime>) {
    let (a, b) = ranges();
    let (mine, theirs) = (peer(0, a), peer(1, b));
    group.bench_function("crdts::Orswot::merge", |bench| {
        bench.iter_batched(
            || (mine.clone(), theirs.clone()),
            |(mut m, t)| {
                m.merge(t);
                m
            },
            BatchSize::LargeInput,
        )
    });
}

fn merge(c: &mut Criterion) {
    let mut group = c.benchmark_group("merge 100k");
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(3));
    bench_type::<Naive>(&mut group, "naive");
    bench_type::<GSet>(&mut group, "gset");
    bench_type::<TwoPSet>(&mut group, "2pset");
    bench_type::<Lww>(&mut group, "lww");
    bench_type::<OrSet>(&mut group, "orset");
    bench_type::<Orswot>(&mut group, "orswot");
    bench_type::<PnSet>(&mut group, "pnset");
    bench_hashset(&mut group);
    bench_peer(&mut group);
    group.finish();
}

criterion_group!(benches, merge);
criterion_main!(benches);
