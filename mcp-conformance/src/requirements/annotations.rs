//! The `// requirement:` annotations of the workspace's tests, and the checked-in file that
//! records them (`coverage.tsv`), so that the binary knows them without the sources.
//!
//! An annotation is a line comment directly above a test function, among its attributes
//! and comments, naming the catalogue IDs the test checks (comma-separated):
//!
//! ```text
//! // requirement: 1.13, 3.27
//! #[tokio::test]
//! async fn a_request_without_client_capabilities_gets_invalid_params() { ... }
//! ```
//!
//! `coverage.tsv` is generated from the sources by the tests of [`super::scan`]:
//! `UPDATE_REQUIREMENTS=1 cargo test -p mcp-conformance --lib requirements::` rewrites it,
//! and the same test without the variable fails when it is out of date.

/// The checked-in annotations.
const COVERAGE: &str = include_str!("coverage.tsv");

/// One test that checks one requirement.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Annotation {
    /// The requirement's ID.
    pub(crate) id: String,
    /// The test file, relative to the workspace root, with `/` separators; its first
    /// component is the crate's directory.
    pub(crate) file: String,
    /// The test function's name.
    pub(crate) test: String,
}

impl Annotation {
    /// The crate's directory (`mcp-server`, `examples`, ...).
    pub(crate) fn krate(&self) -> &str {
        self.file.split('/').next().unwrap_or("")
    }
}

/// The annotations recorded in the checked-in `coverage.tsv`.
pub(crate) fn recorded() -> Vec<Annotation> {
    COVERAGE
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let mut cells = l.split('\t');
            Some(Annotation {
                id: cells.next()?.to_owned(),
                file: cells.next()?.to_owned(),
                test: cells.next()?.to_owned(),
            })
        })
        .collect()
}
