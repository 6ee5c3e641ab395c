//! `export svg` and `export timeline` on lessons played to their end: the SVG parses as XML,
//! draws one line per replica and one arrow per delivery, and loads nothing from outside.
//! With `CRDT_LAB_WRITE_ASSETS=1` it also writes the README's diagram to assets/.

use crdt_lab::lab::Lab;
use crdt_lab::lesson::{Player, find};
use crdt_lab::script::{Reply, execute};

fn played(name: &str) -> Player {
    let mut player = Player::new(find(name).expect("the lesson ships"));
    while !player.at_end() {
        if let Some(q) = player.question() {
            let right = q.answer;
            player.answer(right).expect("answered");
            continue;
        }
        player.next().expect("the step runs");
    }
    player
}

fn exported(lab: &Lab, format: &str) -> String {
    let mut lab = lab.clone();
    match execute(&mut lab, &format!("export {format}")) {
        Ok(Reply::Exported {
            text: Some(text), ..
        }) => text,
        other => panic!("export {format} gave {other:?}"),
    }
}

fn deliveries(lab: &Lab) -> usize {
    let each = lab.history().iter().filter(|e| e.refused.is_none());
    each.map(|e| e.applied.deliveries.len()).sum()
}

fn with_class(doc: &roxmltree::Document, class: &str) -> usize {
    doc.descendants()
        .filter(|n| n.attribute("class") == Some(class))
        .count()
}

#[test]
fn the_svg_of_a_lesson_parses_and_counts_its_replicas_and_deliveries() {
    for name in [
        "partitions-in-flight",
        "ops-relay",
        "orset-add-wins",
        "naive-zombie",
    ] {
        let player = played(name);
        let lab = player.lab();
        let svg = exported(lab, "svg");
        let doc = roxmltree::Document::parse(&svg).expect("the SVG is well-formed XML");
        assert_eq!(doc.root_element().tag_name().name(), "svg");
        let replicas = lab.world().replicas.len();
        assert_eq!(
            with_class(&doc, "replica"),
            replicas,
            "{name}: one line per replica"
        );
        assert_eq!(
            with_class(&doc, "message"),
            deliveries(lab),
            "{name}: one arrow per delivery"
        );
        let steps = lab
            .history()
            .iter()
            .filter(|e| e.command.to_string().starts_with("step "))
            .count();
        assert_eq!(
            with_class(&doc, "step-label"),
            steps,
            "{name}: every step labelled"
        );
        for outside in ["href", "<script", "@import", "url(http", "<image"] {
            assert!(
                !svg.contains(outside),
                "{name}: nothing from outside ({outside})"
            );
        }
        if name == "partitions-in-flight" {
            assert!(deliveries(lab) >= 3, "the lesson delivers messages");
            assert!(with_class(&doc, "cut") > 0, "its partition is shaded");
            assert!(
                with_class(&doc, "cut-link") > 0,
                "its one cut link is drawn"
            );
            if std::env::var_os("CRDT_LAB_WRITE_ASSETS").is_some() {
                std::fs::write("assets/partitions-in-flight.svg", &svg).expect("written");
            }
        }
    }
}

#[test]
fn refusals_and_notes_are_marked_and_text_is_escaped() {
    let mut lab = Lab::new();
    for line in ["new gset A B", "A add '<b>&'", "A remove x", "A merge B"] {
        let _ = execute(&mut lab, line);
    }
    // The refused remove stays in the log, marked.
    let _ = lab.run(crdt_lab::lab::Command::Edit {
        replica: "A".into(),
        edit: crdt_lab::crdt::Edit::Remove(crdt_lab::crdt::Elem::parse("x")),
        at: None,
    });
    let svg = exported(&lab, "svg");
    let doc = roxmltree::Document::parse(&svg).expect("escaped text still parses");
    assert!(with_class(&doc, "refused") >= 1);
    assert!(
        with_class(&doc, "note") >= 1,
        "the merge that changed nothing has a note"
    );
    assert!(svg.contains("&lt;b&gt;&amp;"));
}

#[test]
fn the_text_timeline_has_a_column_per_replica_and_a_line_per_entry() {
    let player = played("partitions-in-flight");
    let lab = player.lab();
    let text = exported(lab, "timeline");
    let mut lines = text.lines();
    let head = lines.next().expect("a header");
    for r in lab.world().names() {
        assert!(head.contains(&r), "{head}");
    }
    assert_eq!(lines.count(), lab.history().len());
    assert_eq!(
        text.matches('▼').count(),
        deliveries(lab),
        "an arrival per delivery"
    );
}
