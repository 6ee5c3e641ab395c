//! Tests that refreshing after a command only for the replicas it changed shows exactly what
//! describing the whole lab again shows, whatever the commands.

use super::{App, Theme};
use proptest::prelude::*;

/// Lines of every kind: edits, merges, syncs, messages, rules, clocks, moves along the log and
/// a new lab.
const LINES: &[&str] = &[
    "A add x",
    "B add y",
    "C add x",
    "A remove x",
    "B remove y",
    "A merge B",
    "C merge A",
    "sync",
    "sync A C",
    "send A B",
    "deliver all",
    "A skew 5",
    "option tiebreak remove-wins A",
    "option mistake merge-one-side B",
    "undo",
    "redo",
    "tick 3",
    "new lww A B C",
    "new orswot A B C",
    "A add 7",
    "partition A | B C",
    "heal",
    "expect A = {x}",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn the_view_after_each_typed_command_is_the_whole_lab_described_again(
        kind in proptest::sample::select(vec!["orset", "orswot", "2pset", "lww", "pnset", "naive", "gset"]),
        lines in proptest::collection::vec(proptest::sample::select(LINES), 1..30),
    ) {
        let setup = format!("new {kind} A B C");
        let mut app = App::sandbox(Theme::monochrome(), Some(&setup)).expect("the setup runs");
        app.resize(100, 30);
        for line in lines {
            app.run_line(line);
            let whole = app.lab().view();
            prop_assert_eq!(&app.session.view, &whole, "after {}", line);
            let widest: Vec<Vec<usize>> = whole
                .replicas
                .iter()
                .map(|r| r.fields.iter().map(|f| super::measure::widest_entry(&f.value)).collect())
                .collect();
            prop_assert_eq!(&app.session.widest, &widest, "after {}", line);
            let stats = app.lab().stats();
            let costs = |r: &crate::lab::ReplicaStats| (r.name.clone(), r.live, r.metadata, r.bytes);
            let gauges: Vec<_> = app.session.gauges.iter().map(|g| (g.name.clone(), g.live, g.metadata, g.bytes)).collect();
            prop_assert_eq!(gauges, stats.replicas.iter().map(costs).collect::<Vec<_>>(), "gauges after {}", line);
            for (g, r) in app.session.gauges.iter().zip(&stats.replicas).filter(|(_, r)| !r.history.is_empty()) {
                prop_assert_eq!(g.history.last(), r.history.last(), "history ends now, after {}", line);
            }
        }
    }
}
