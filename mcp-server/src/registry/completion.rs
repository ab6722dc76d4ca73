//! Completions (server/utilities/completion): argument suggestions attached to a prompt
//! argument or a resource-template variable.

use std::collections::BTreeMap;
use std::future::Future;
use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;

/// What the client is completing.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CompletionQuery {
    /// The argument (or template variable) name.
    pub argument: String,
    /// What the user typed so far.
    pub value: String,
    /// Values of other arguments already resolved (2025-06-18 on).
    pub context: BTreeMap<String, String>,
}

/// The erased completer.
pub(crate) type CompleteFn =
    Arc<dyn Fn(CompletionQuery) -> BoxFuture<'static, Vec<String>> + Send + Sync>;

/// Erases a completer.
pub(crate) fn complete_fn<F, Fut>(f: F) -> CompleteFn
where
    F: Fn(CompletionQuery) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Vec<String>> + Send + 'static,
{
    Arc::new(move |q| f(q).boxed())
}

/// A completer over a fixed list: the values that start with what was typed.
pub fn from_list<I, S>(
    values: I,
) -> impl Fn(CompletionQuery) -> futures::future::Ready<Vec<String>> + Send + Sync + 'static
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let values: Vec<String> = values.into_iter().map(Into::into).collect();
    move |q: CompletionQuery| {
        futures::future::ready(
            values
                .iter()
                .filter(|v| v.starts_with(&q.value))
                .cloned()
                .collect(),
        )
    }
}
