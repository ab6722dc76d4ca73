//! A readable line diff of an expected and an actual transcript.

/// The lines of `want` and `got` as a diff: `  ` kept, `- ` expected but missing,
/// `+ ` new; runs of kept lines far from a change are elided.
pub(crate) fn diff(want: &[String], got: &[String]) -> String {
    // Longest common subsequence, by dynamic programming (transcripts are short).
    let (n, m) = (want.len(), got.len());
    let mut lcs = vec![vec![0usize; m + 1]; n + 1];
    for i in (0..n).rev() {
        for j in (0..m).rev() {
            lcs[i][j] = if want[i] == got[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut ops: Vec<(char, &str)> = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i < n && j < m && want[i] == got[j] {
            ops.push((' ', &want[i]));
            (i, j) = (i + 1, j + 1);
        } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
            ops.push(('-', &want[i]));
            i += 1;
        } else {
            ops.push(('+', &got[j]));
            j += 1;
        }
    }
    const CONTEXT: usize = 1;
    let near_change = |k: usize| {
        let lo = k.saturating_sub(CONTEXT);
        let hi = (k + CONTEXT).min(ops.len() - 1);
        ops[lo..=hi].iter().any(|(op, _)| *op != ' ')
    };
    let mut out = String::new();
    let mut elided = false;
    for (k, (op, line)) in ops.iter().enumerate() {
        if *op == ' ' && !near_change(k) {
            if !elided {
                out.push_str("  ...\n");
                elided = true;
            }
            continue;
        }
        elided = false;
        out.push_str(&format!("{op} {line}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::diff;

    fn lines(s: &str) -> Vec<String> {
        s.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn a_changed_line_shows_as_removed_and_added_with_context() {
        let d = diff(&lines("a b c d e"), &lines("a b X d e"));
        assert_eq!(d, "  ...\n  b\n- c\n+ X\n  d\n  ...\n");
    }

    #[test]
    fn equal_transcripts_diff_to_elision_only() {
        assert_eq!(diff(&lines("a b"), &lines("a b")), "  ...\n");
    }
}
