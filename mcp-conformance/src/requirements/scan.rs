//! Finding the `// requirement:` annotations in the workspace's sources and writing
//! `coverage.tsv` (test builds only: the binary reads the checked-in file).

use std::fs;
use std::path::{Path, PathBuf};

use super::annotations::Annotation;
use super::catalogue::{id_key, is_id};

/// What the first line of `coverage.tsv` says.
pub(crate) const HEADER: &str = "# Generated from the `// requirement:` annotations of the workspace's \
tests; do not edit. Rewrite: UPDATE_REQUIREMENTS=1 cargo test -p mcp-conformance --lib requirements::\n\
# id\tfile\ttest\n";

/// The marker that starts an annotation (after the line's indentation).
const MARKER: &str = "// requirement:";

/// How many lines an annotation may sit above its `fn` (attributes and comments between).
const REACH: usize = 12;

/// The text of `coverage.tsv` for `annotations` (sorted by ID, then file, then test).
pub(crate) fn render(annotations: &[Annotation]) -> String {
    let key = |a: &Annotation| (id_key(&a.id), a.file.clone(), a.test.clone());
    let mut sorted: Vec<&Annotation> = annotations.iter().collect();
    sorted.sort_by_key(|a| key(a));
    sorted.dedup();
    let mut out = String::from(HEADER);
    for a in sorted {
        out.push_str(&format!("{}\t{}\t{}\n", a.id, a.file, a.test));
    }
    out
}

/// The annotations in one file's text, and one message per annotation that is malformed or
/// not directly above a test function.
pub(crate) fn scan_text(file: &str, text: &str) -> (Vec<Annotation>, Vec<String>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(list) = line.trim_start().strip_prefix(MARKER) else {
            continue;
        };
        let at = format!("{file}:{}", i + 1);
        let ids: Vec<&str> = list.split(',').map(str::trim).collect();
        if let Some(bad) = ids.iter().find(|id| !is_id(id)) {
            problems.push(format!("{at}: {bad:?} is not a requirement ID like 1.13"));
            continue;
        }
        match test_below(&lines[i + 1..]) {
            Some(test) => found.extend(ids.iter().map(|id| Annotation {
                id: (*id).to_owned(),
                file: file.to_owned(),
                test: test.to_owned(),
            })),
            None => problems.push(format!(
                "{at}: the annotation is not directly above a #[test] or #[tokio::test] fn"
            )),
        }
    }
    (found, problems)
}

/// The name of the test function that `below` (the lines after an annotation) starts with:
/// attributes, comments and blank-free continuation lines, then `fn`, with a test attribute
/// among them.
fn test_below<'a>(below: &[&'a str]) -> Option<&'a str> {
    let mut is_test = false;
    for line in below.iter().take(REACH) {
        let line = line.trim();
        if line.is_empty() {
            return None;
        }
        if line.starts_with("//") {
            continue;
        }
        if line.starts_with("#[") && line.contains("test") {
            is_test = true;
        }
        if let Some(rest) = line.split_once("fn ").map(|(_, rest)| rest) {
            let name = rest.split(['(', '<', ' ']).next().unwrap_or("");
            return (is_test && !name.is_empty()).then_some(name);
        }
    }
    None
}

/// Every `.rs` file under the `src/` and `tests/` directories of the workspace's crates
/// (the directories of `root` that hold a `Cargo.toml`), sorted.
fn rust_files(root: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = fs::read_dir(root) else {
        return files;
    };
    for entry in entries.flatten() {
        let dir = entry.path();
        if dir.join("Cargo.toml").is_file() {
            for sub in ["src", "tests"] {
                walk(&dir.join(sub), &mut files);
            }
        }
    }
    files.sort();
    files
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            walk(&path, files);
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
}

/// Scans the workspace at `root`: every annotation, and every problem found.
pub(crate) fn scan(root: &Path) -> (Vec<Annotation>, Vec<String>) {
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for path in rust_files(root) {
        let Ok(text) = fs::read_to_string(&path) else {
            problems.push(format!("{}: unreadable", path.display()));
            continue;
        };
        let rel = path.strip_prefix(root).unwrap_or(&path);
        let rel = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        let (f, p) = scan_text(&rel, &text);
        found.extend(f);
        problems.extend(p);
    }
    (found, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The marker is spelt in two halves here, so that this file's own text holds no
    /// annotation.
    fn annotated(body: &str) -> String {
        body.replace("@@", &format!("//{}", " requirement:"))
    }

    #[test]
    fn an_annotation_names_the_test_fn_below_its_attributes() {
        let text = annotated(
            "@@ 1.13, 3.27\n#[tokio::test]\n// why\nasync fn stdio_rejects() {}\n\n    @@ 7.25\n    #[test]\n    fn unit() {}\n",
        );
        let (found, problems) = scan_text("mcp-server/tests/x.rs", &text);
        assert!(problems.is_empty(), "{problems:?}");
        let got: Vec<_> = found
            .iter()
            .map(|a| (a.id.as_str(), a.test.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("1.13", "stdio_rejects"),
                ("3.27", "stdio_rejects"),
                ("7.25", "unit")
            ]
        );
        assert_eq!(found[0].krate(), "mcp-server");
    }

    #[test]
    fn a_stray_or_malformed_annotation_is_a_problem() {
        let text = annotated(
            "@@ 1.13\nfn helper() {}\n@@ one\n#[test]\nfn t() {}\n@@ 2.1\n\n#[test]\nfn u() {}\n",
        );
        let (found, problems) = scan_text("f.rs", &text);
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(problems.len(), 3, "{problems:?}");
        assert!(problems[0].starts_with("f.rs:1: the annotation is not directly above"));
        assert!(problems[1].contains("\"one\" is not a requirement ID"));
    }

    #[test]
    fn render_sorts_by_id_then_file_and_reads_back() {
        let a = |id: &str, test: &str| Annotation {
            id: id.into(),
            file: "mcp-client/tests/calls.rs".into(),
            test: test.into(),
        };
        let text = render(&[a("1.10", "b"), a("1.9", "a"), a("1.9", "a")]);
        assert!(text.starts_with(HEADER));
        assert!(
            text.ends_with(
                "1.9\tmcp-client/tests/calls.rs\ta\n1.10\tmcp-client/tests/calls.rs\tb\n"
            )
        );
    }
}
