//! Unit tests of the lab: the log, undo, snapshots and compare.
