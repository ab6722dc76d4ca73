//! Prompts: [`PromptDef`], a prompt's description, its handler and its argument completers.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::sync::Arc;

use futures::FutureExt;
use futures::future::BoxFuture;
use mcp_protocol::methods::{GetPromptResult, Prompt};

use super::completion::{CompleteFn, CompletionQuery, complete_fn};
use super::state::{Binding, State, States};
use crate::context::RequestContext;
use crate::error::Error;
use crate::server::RegistryError;

/// The arguments of a `prompts/get`.
pub type PromptArguments = BTreeMap<String, String>;

pub(crate) type PromptFn = Arc<
    dyn Fn(PromptArguments, RequestContext) -> BoxFuture<'static, Result<GetPromptResult, Error>>
        + Send
        + Sync,
>;

/// A prompt and the handler that renders it. Arguments the prompt marks `required` are
/// checked before the handler runs (a missing one is -32602).
pub struct PromptDef {
    prompt: Prompt,
    handler: Binding<PromptFn>,
    completions: HashMap<String, CompleteFn>,
}

/// A registered prompt: its handler bound to the server's state.
pub(crate) struct PromptEntry {
    pub(crate) prompt: Prompt,
    pub(crate) handler: PromptFn,
    pub(crate) completions: HashMap<String, CompleteFn>,
}

impl std::fmt::Debug for PromptDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PromptDef")
            .field("prompt", &self.prompt)
            .finish_non_exhaustive()
    }
}

impl PromptDef {
    /// `prompt`, rendered by `handler`.
    pub fn new<F, Fut>(prompt: Prompt, handler: F) -> Self
    where
        F: Fn(PromptArguments, RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<GetPromptResult, Error>> + Send + 'static,
    {
        let handler: PromptFn = Arc::new(move |args, ctx| handler(args, ctx).boxed());
        Self::from_parts(prompt, Binding::Ready(handler))
    }

    /// `prompt`, rendered by `handler`, which also gets the server's shared state of type
    /// `S` first (see [`ToolDef::with_state`](crate::ToolDef::with_state)); registering it on
    /// a server without that state fails with
    /// [`RegistryError::MissingState`](crate::RegistryError::MissingState).
    pub fn with_state<S, F, Fut>(prompt: Prompt, handler: F) -> Self
    where
        S: Clone + Send + Sync + 'static,
        F: Fn(State<S>, PromptArguments, RequestContext) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<GetPromptResult, Error>> + Send + 'static,
    {
        let handler = Binding::needing(move |state: S| -> PromptFn {
            Arc::new(move |args, ctx| handler(State(state.clone()), args, ctx).boxed())
        });
        Self::from_parts(prompt, handler)
    }

    fn from_parts(prompt: Prompt, handler: Binding<PromptFn>) -> Self {
        Self {
            prompt,
            handler,
            completions: HashMap::new(),
        }
    }

    /// Suggests values for `argument` (`completion/complete` with a `ref/prompt` reference).
    pub fn complete<F, Fut>(mut self, argument: impl Into<String>, completer: F) -> Self
    where
        F: Fn(CompletionQuery) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Vec<String>> + Send + 'static,
    {
        self.completions
            .insert(argument.into(), complete_fn(completer));
        self
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.prompt.name
    }

    /// The prompt with its handler bound to the server's `states`.
    pub(crate) fn bind(self, states: &States) -> Result<PromptEntry, RegistryError> {
        Ok(PromptEntry {
            handler: (self.handler.bind(states))
                .map_err(|state| RegistryError::missing_state(&self.prompt.name, state))?,
            prompt: self.prompt,
            completions: self.completions,
        })
    }
}

impl PromptEntry {
    /// The first required argument missing from `args`, if any.
    pub(crate) fn missing_argument(&self, args: &PromptArguments) -> Option<&str> {
        self.prompt
            .arguments
            .iter()
            .flatten()
            .find(|a| a.required == Some(true) && !args.contains_key(&a.name))
            .map(|a| a.name.as_str())
    }
}
