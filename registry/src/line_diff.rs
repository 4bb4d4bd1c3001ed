//! Line diffs of record texts, for curators (the CLI's `proposals show`
//! and the web's review page), computed with the histogram algorithm of
//! imara-diff, the diff library gix already brings.

use gix::diff::blob::{Algorithm, Diff, InternedInput, sources};

/// What happened to one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineChange {
    /// In both texts.
    Same,
    /// Only in the old text.
    Removed,
    /// Only in the new text.
    Added,
}

impl LineChange {
    /// The sign a unified diff puts before the line: ` `, `-` or `+`.
    pub fn sign(self) -> char {
        match self {
            LineChange::Same => ' ',
            LineChange::Removed => '-',
            LineChange::Added => '+',
        }
    }
}

/// One line of a diff, without its line end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiffLine {
    /// Kept, removed or added.
    pub change: LineChange,
    /// The line.
    pub text: String,
}

/// Every line of `old` and `new` in order, each marked kept, removed or
/// added (removals before additions within a change). A missing line end
/// at the end of a text is not a change.
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    let terminated = |t: &str| {
        if t.is_empty() || t.ends_with('\n') {
            t.to_owned()
        } else {
            format!("{t}\n")
        }
    };
    let (old, new) = (terminated(old), terminated(new));
    let input = InternedInput::new(sources::lines(&old), sources::lines(&new));
    let mut diff = Diff::compute(Algorithm::Histogram, &input);
    diff.postprocess_lines(&input);
    let text = |token| {
        let line: &str = input.interner[token];
        line.trim_end_matches(['\n', '\r']).to_owned()
    };
    let mut out = Vec::with_capacity(input.before.len().max(input.after.len()));
    let mut kept = 0u32;
    for hunk in diff.hunks() {
        for i in kept..hunk.before.start {
            out.push(DiffLine {
                change: LineChange::Same,
                text: text(input.before[i as usize]),
            });
        }
        for i in hunk.before.clone() {
            out.push(DiffLine {
                change: LineChange::Removed,
                text: text(input.before[i as usize]),
            });
        }
        for j in hunk.after.clone() {
            out.push(DiffLine {
                change: LineChange::Added,
                text: text(input.after[j as usize]),
            });
        }
        kept = hunk.before.end;
    }
    for i in kept..input.before.len() as u32 {
        out.push(DiffLine {
            change: LineChange::Same,
            text: text(input.before[i as usize]),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signs(old: &str, new: &str) -> String {
        line_diff(old, new)
            .iter()
            .map(|l| format!("{}{}", l.change.sign(), l.text))
            .collect::<Vec<_>>()
            .join("|")
    }

    #[test]
    fn marks_kept_removed_and_added_lines() {
        assert_eq!(signs("a\nb\nc\n", "a\nx\nc\n"), " a|-b|+x| c");
        assert_eq!(signs("", "a\nb\n"), "+a|+b");
        assert_eq!(signs("a\nb\n", ""), "-a|-b");
        assert_eq!(
            signs("a\nb", "a\nb\n"),
            " a| b",
            "a missing line end is no change"
        );
        assert_eq!(signs("a\nb\nc\n", "a\nb\nc\nd\n"), " a| b| c|+d");
    }

    #[test]
    fn large_texts_stay_linear() {
        let old: String = (0..50_000).map(|i| format!("line {i}\n")).collect();
        let new = old.replace("line 25000\n", "changed\n");
        let lines = line_diff(&old, &new);
        assert_eq!(lines.len(), 50_001);
        assert_eq!(
            lines
                .iter()
                .filter(|l| l.change != LineChange::Same)
                .count(),
            2
        );
    }
}
