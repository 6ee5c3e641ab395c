//! Screen tests: insta snapshots of whole frames over a TestBackend, and the loop driven by scripted inputs.
