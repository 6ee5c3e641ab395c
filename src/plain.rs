//! The plain player face (`crdt-lab play <lesson> --plain`) and the lesson list: line mode for
//! SSH sessions and screen readers. Enter advances, `b` goes back, a number answers a question,
//! and any other line is a command to experiment with. Everything it does goes through the Player.

use crate::exit::Status;
use crate::lesson::{self, Lesson, PlayError, Player, StepReport};
use crate::progress::{Opened, Progress};
use crate::script::render::{self, Look, Style};
use crate::script::{Reply, assist};
use std::io::{BufRead, Write};

const KEYS: &str = "Enter: next step   b: back   a number: answer a question   go N: jump to step N   \
r: repeat   q: quit\nAny other line is a command to try (help lists them); the next step rolls it back.";

/// `crdt-lab lessons`: number, name, title, steps and questions of every shipped lesson, and
/// the learner's progress in it (`✓ done · 2/3 right`, `continue at step 4`).
pub fn list(lessons: &[Lesson], progress: &Progress, out: &mut impl Write) -> std::io::Result<()> {
    let rows: Vec<(String, String, usize, usize, String)> = lessons
        .iter()
        .map(|l| {
            let (name, title) = (l.name.clone(), l.title.clone());
            let note = progress
                .get(&l.name)
                .map(|r| r.summary())
                .unwrap_or_default();
            (name, title, l.steps.len(), l.question_count(), note)
        })
        .collect();
    writeln!(out, "{}", render::lessons(&rows, crate::term::width()))?;
    writeln!(out, "\nPlay one with: crdt-lab play <name or #> --plain")
}

/// How `play --plain` shows a lesson.
#[derive(Clone, Copy, Debug, Default)]
pub struct Options {
    /// Tables in ASCII, prose and tables fitted to a width.
    pub look: Look,
    /// Show the lesson's own checks (`expect` lines and their `ok:`), hidden by default.
    pub verbose: bool,
}

/// Play a lesson line by line until `q` or the end of input. A line of input that is not UTF-8
/// is said on stderr and skipped, and the status is then Failure; so is a write that fails,
/// which also stops the lesson.
pub fn play(lesson: Lesson, input: impl BufRead, out: &mut impl Write, options: Options) -> Status {
    play_saving(lesson, input, out, options, None)
}

/// [`play`], recording progress in a store (the user's, from `play --plain`): after every
/// line, saved when it changed. A lesson left part way through says how to go on there.
pub fn play_saving(
    lesson: Lesson,
    input: impl BufRead,
    out: &mut impl Write,
    options: Options,
    mut saved: Option<Opened>,
) -> Status {
    let mut player = Player::new(lesson);
    let mut face = Face {
        out,
        broken: false,
        options,
    };
    let mut skipped = false;
    face.title_page(&player);
    if let Some(saved) = &saved {
        face.resume_hint(&player, &saved.progress);
    }
    face.prompt(&player);
    for line in crate::term::lines(input) {
        match line {
            Err(n) => {
                crate::exit::warn(&format!("line {n} of the input is not UTF-8; skipped"));
                skipped = true;
            }
            Ok(line) if !face.line(&mut player, line.trim()) => break,
            Ok(_) => {}
        }
        if let Some(saved) = saved.as_mut() {
            record(&player, saved);
        }
        face.prompt(&player);
    }
    let (right, asked) = player.score();
    face.say(&format!(
        "\nBye. Score: {right} of {asked} answered right the first time."
    ));
    Status::of(!face.broken && !skipped)
}

/// Note where the player stands and save it if that changed; a problem is said on stderr.
fn record(player: &Player, saved: &mut Opened) {
    let name = &player.lesson().name;
    let place = (player.step(), player.step_count(), player.question_count());
    saved.progress.record(name, place, player.first_answers());
    if let Some(warning) = saved.store.save(&saved.progress) {
        crate::exit::warn(&warning);
    }
}

struct Face<'a, W: Write> {
    out: &'a mut W,
    /// True once a write failed: the output is gone, so the lesson stops.
    broken: bool,
    options: Options,
}

impl<W: Write> Face<'_, W> {
    /// A lesson's prose, its paragraphs filled to the terminal's width.
    fn prose(&mut self, text: &str) {
        let text = render::escape_lines(text);
        self.say(&render::wrap_prose(&text, self.options.look.width));
    }

    /// Text from the lesson and the lab, with control characters shown escaped, wrapped to the
    /// terminal's width.
    fn say(&mut self, text: &str) {
        let text = render::wrap(&render::escape_lines(text), self.options.look.width);
        if writeln!(self.out, "{text}").is_err() {
            self.broken = true;
        }
    }

    fn prompt(&mut self, player: &Player) {
        let where_ = if player.question().is_some() {
            "answer"
        } else {
            "step"
        };
        let prompt = format!("[{where_} {}/{}] > ", player.step(), player.step_count());
        if write!(self.out, "{prompt}")
            .and_then(|_| self.out.flush())
            .is_err()
        {
            self.broken = true;
        }
    }

    /// Handle one line; false to quit (or when the output is gone).
    fn line(&mut self, player: &mut Player, line: &str) -> bool {
        if assist::is_quit(line) || self.broken {
            return false;
        }
        match line {
            "" => self.next(player),
            "b" | "back" => self.back(player),
            "r" | "repeat" => self.show_step(player),
            "keys" | "?" => self.say(KEYS),
            _ => {
                if let Ok(n) = line.parse::<usize>() {
                    self.answer(player, n);
                } else if let Some(n) = Player::jump_of(line) {
                    self.jump(player, n);
                } else {
                    self.experiment(player, line);
                }
            }
        }
        true
    }

    /// Where the learner left this lesson last time, and how to go on there.
    fn resume_hint(&mut self, player: &Player, progress: &Progress) {
        let record = progress.get(&player.lesson().name);
        let at = record.and_then(|r| r.resume_at());
        // A lesson edited since may have fewer steps now.
        let Some(step) = at.map(|k| k.min(player.step_count())).filter(|k| *k >= 1) else {
            return;
        };
        let (right, asked) = record.map_or((0, 0), |r| r.score());
        let score = match asked {
            0 => String::new(),
            _ => format!(" (score so far: {right} of {asked} right the first time)"),
        };
        self.say(&format!(
            "You left this lesson at step {step}{score}. Type go {step} to go on there, or \
             press Enter to start over."
        ));
    }

    fn title_page(&mut self, player: &Player) {
        let l = player.lesson();
        let steps = lesson::count(l.steps.len(), "step");
        let questions = lesson::count(l.question_count(), "question");
        self.say(&format!("Lesson: {} ({steps}, {questions})\n", l.title));
        if !l.intro.is_empty() {
            self.prose(&format!("{}\n", l.intro));
        }
        self.lines(player, player.setup());
        self.state(player);
        self.say(&format!("\n{KEYS}\nPress Enter to begin."));
    }

    fn next(&mut self, player: &mut Player) {
        match player.next() {
            Ok(report) => {
                self.rolled_back(&report.rolled_back);
                self.heading(player);
                self.lines(player, &report);
                self.state(player);
                self.ask(player);
            }
            Err(PlayError::AtEnd { .. }) => {
                let (right, asked) = player.score();
                self.say(&format!(
                    "That was the last step. Score: {right} of {asked} answered right the first time. b goes back, q quits."
                ));
            }
            Err(e) => {
                self.say(&e.to_string());
                self.ask(player);
            }
        }
    }

    fn back(&mut self, player: &mut Player) {
        let undone = player.experiments().to_vec();
        match player.back() {
            Ok(()) => {
                self.rolled_back(&undone);
                self.show_step(player);
            }
            Err(e) => self.say(&e.to_string()),
        }
    }

    fn jump(&mut self, player: &mut Player, step: usize) {
        let undone = player.experiments().to_vec();
        match player.goto(step) {
            Ok(()) => {
                self.rolled_back(&undone);
                self.show_step(player);
            }
            Err(e) => self.say(&e.to_string()),
        }
    }

    fn answer(&mut self, player: &mut Player, number: usize) {
        let Some(choice) = number.checked_sub(1) else {
            return self.say("Choices are numbered from 1.");
        };
        match player.answer(choice) {
            Ok(a) if a.correct => {
                self.prose(&format!(
                    "Right: {}.\n{}\nPress Enter to see it happen.",
                    number, a.explanation
                ));
            }
            Ok(_) => self.say(&format!("Not quite: {number} is not it. Try again.")),
            Err(PlayError::NoQuestion) => {
                self.say(&format!(
                    "No question is waiting. To jump to step {number}, type: go {number}"
                ));
            }
            Err(e) => self.say(&e.to_string()),
        }
    }

    fn experiment(&mut self, player: &mut Player, line: &str) {
        match player.experiment(line) {
            Ok(reply) => {
                let text =
                    render::reply_in(player.lab(), &reply, Style::Transcript, self.options.look);
                if !text.is_empty() {
                    self.say(&text);
                }
                if matches!(reply, Reply::Changed { .. }) && player.experiments().len() == 1 {
                    self.say("  (an experiment: the next step, or b, rolls it back)");
                }
            }
            Err(failure) => self.say(&render::failure(&failure)),
        }
    }

    fn rolled_back(&mut self, lines: &[String]) {
        if !lines.is_empty() {
            self.say(&format!(
                "Rolled back your experiment: {}",
                lines.join("; ")
            ));
        }
    }

    fn heading(&mut self, player: &Player) {
        self.say(&format!(
            "\nStep {} of {}: {}\n",
            player.step(),
            player.step_count(),
            player.title()
        ));
        if !player.narration().is_empty() {
            self.prose(&format!("{}\n", player.narration()));
        }
    }

    fn show_step(&mut self, player: &Player) {
        if player.step() == 0 {
            self.say(&format!("\n{}\n", player.lesson().title));
            if !player.narration().is_empty() {
                self.prose(&format!("{}\n", player.narration()));
            }
        } else {
            self.heading(player);
        }
        self.state(player);
        self.ask(player);
    }

    fn lines(&mut self, player: &Player, report: &StepReport) {
        for (line, result) in &report.lines {
            // The lesson's own checks are for its author (and `--verbose`), not the learner.
            if !self.options.verbose && matches!(result, Ok(Reply::Passed { .. })) {
                continue;
            }
            self.say(&format!("> {line}"));
            let text = match result {
                Ok(reply) => render::reply_in(player.lab(), reply, Style::Step, self.options.look),
                Err(failure) => render::failure(failure),
            };
            if !text.is_empty() {
                self.say(&text);
            }
        }
    }

    /// The state as one line per replica, for screen readers: `A: {x}; live {x: {a1}}; ...`.
    fn state(&mut self, player: &Player) {
        let view = player.lab().view();
        self.say(&format!("\nState ({}):", view.title));
        for r in &view.replicas {
            let fields: Vec<String> = r
                .fields
                .iter()
                .map(|f| format!("{} {}", f.name, f.value))
                .collect();
            self.say(&format!(
                "  {} = {}; {}",
                r.name,
                r.visible,
                fields.join("; ")
            ));
        }
        let network = render::network_line(&view);
        if !network.is_empty() {
            self.say(network.trim_start_matches('\n'));
        }
    }

    fn ask(&mut self, player: &Player) {
        let Some(q) = player.question() else { return };
        self.prose(&format!("\nQuestion: {}", q.prompt));
        for (k, choice) in q.choices.iter().enumerate() {
            self.say(&format!("  {}. {choice}", k + 1));
        }
        self.say(&format!(
            "Type the number of your answer (1 to {}).",
            q.choices.len()
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn played(input: &str, options: Options) -> String {
        let lesson = crate::lesson::find("gset-apple-banana").expect("a shipped lesson");
        let mut out = vec![];
        let status = play(lesson, input.as_bytes(), &mut out, options);
        assert_eq!(status, Status::Success);
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn the_lessons_own_checks_are_shown_only_with_verbose() {
        let quiet = played("\n\nq\n", Options::default());
        assert!(quiet.contains("> A add apple"), "{quiet}");
        assert!(
            !quiet.contains("> expect") && !quiet.contains("ok:"),
            "{quiet}"
        );
        let verbose = played(
            "\n\nq\n",
            Options {
                verbose: true,
                ..Options::default()
            },
        );
        assert!(verbose.contains("> expect A = {apple}") && verbose.contains("ok: A = {apple}"));
        // An expectation typed as an experiment is the learner's own: it is answered.
        let typed = played("\nexpect A has apple\nq\n", Options::default());
        assert!(typed.contains("ok: A has apple"), "{typed}");
    }

    #[test]
    fn narration_and_tables_fit_the_width_and_ascii_tables_use_no_box_drawing() {
        let look = Look {
            width: Some(40),
            ascii: true,
        };
        let text = played(
            "\n\nshow\nq\n",
            Options {
                look,
                verbose: false,
            },
        );
        // Typed input would end the prompt's line; here the answer follows it on the same line.
        let lines = text.lines().map(|l| l.rsplit("] > ").next().unwrap_or(l));
        let wide: Vec<&str> = lines.filter(|l| l.chars().count() > 40).collect();
        assert!(wide.is_empty(), "lines wider than 40: {wide:#?}");
        assert!(
            text.contains("replicas may disagree"),
            "words are kept whole: {text}"
        );
        assert!(!text.contains(['│', '┆', '═', '─', '┌', '╞']), "{text}");
        assert!(text.contains("+----------+"), "an ASCII table: {text}");
    }
}
