//! Unit tests of the language: parsing, errors and expectations.

use super::{Reply, execute};
use crate::lab::Lab;

#[test]
fn a_passed_expect_refused_names_the_rule_that_refused() {
    let mut lab = Lab::new();
    execute(&mut lab, "new gset A B").expect("a fresh lab");
    let reply = execute(&mut lab, "expect refused A remove x").expect("refused, as expected");
    let Reply::Passed(text) = reply else {
        panic!("{reply:?}")
    };
    assert!(text.starts_with("'A remove x' is refused: "), "{text}");
    assert!(text.len() > "'A remove x' is refused: ".len(), "{text}");
}
