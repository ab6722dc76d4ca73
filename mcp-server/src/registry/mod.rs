//! What the server offers: tools, resources, resource templates, prompts (and the
//! completers attached to prompts and templates).
//!
//! Each kind is a [`Catalog`]: insertion-ordered (so `tools/list` is deterministic), keyed by
//! name or URI, and changeable at run time: items can be added, replaced, removed, enabled
//! and disabled. The server announces every change that the client can see with
//! `notifications/*/list_changed` (see [`Server`](crate::Server)).

mod completion;
mod prompts;
mod resources;
mod schema_check;
mod state;
mod template;
mod tools;

use std::collections::HashMap;
use std::sync::Arc;

pub use completion::{CompletionQuery, from_list};
pub(crate) use prompts::PromptEntry;
pub use prompts::{PromptArguments, PromptDef};
pub use resources::{ReadResult, ResourceDef, TemplateDef};
pub(crate) use resources::{ResourceEntry, TemplateEntry};
pub(crate) use schema_check::CompiledSchema;
pub use state::State;
pub(crate) use state::States;
pub use template::{TemplateError, UriTemplate};
pub use tools::{IntoToolResult, Json, NoArgs, TaskSupport, ToolDef};
pub(crate) use tools::{ToolEntry, capability_names};

/// Which list an item belongs to (and which `list_changed` a change announces).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ListKind {
    /// `tools/list`.
    Tools,
    /// `resources/list` (and `resources/templates/list`, which shares its notification).
    Resources,
    /// `resources/templates/list`.
    ResourceTemplates,
    /// `prompts/list`.
    Prompts,
}

/// An insertion-ordered, keyed collection of items that can be disabled.
#[derive(Debug)]
pub(crate) struct Catalog<T> {
    items: Vec<Slot<T>>,
    index: HashMap<String, usize>,
}

#[derive(Debug)]
struct Slot<T> {
    key: String,
    enabled: bool,
    value: Arc<T>,
}

impl<T> Default for Catalog<T> {
    fn default() -> Self {
        Self {
            items: Vec::new(),
            index: HashMap::new(),
        }
    }
}

impl<T> Catalog<T> {
    /// Adds `value` under `key`, enabled; a value already under `key` is replaced in place.
    pub(crate) fn insert(&mut self, key: String, value: T) {
        let value = Arc::new(value);
        match self.index.get(&key) {
            Some(&i) => {
                self.items[i].value = value;
                self.items[i].enabled = true;
            }
            None => {
                self.index.insert(key.clone(), self.items.len());
                self.items.push(Slot {
                    key,
                    enabled: true,
                    value,
                });
            }
        }
    }

    /// Removes `key`; whether it was there.
    pub(crate) fn remove(&mut self, key: &str) -> bool {
        let Some(i) = self.index.remove(key) else {
            return false;
        };
        self.items.remove(i);
        for slot in &self.items[i..] {
            if let Some(j) = self.index.get_mut(&slot.key) {
                *j -= 1;
            }
        }
        true
    }

    /// Enables or disables `key`; whether anything changed.
    pub(crate) fn set_enabled(&mut self, key: &str, enabled: bool) -> bool {
        match self.index.get(key) {
            Some(&i) if self.items[i].enabled != enabled => {
                self.items[i].enabled = enabled;
                true
            }
            _ => false,
        }
    }

    /// The enabled item under `key`.
    pub(crate) fn get(&self, key: &str) -> Option<Arc<T>> {
        let slot = &self.items[*self.index.get(key)?];
        slot.enabled.then(|| slot.value.clone())
    }

    /// The enabled items, in insertion order.
    pub(crate) fn enabled(&self) -> impl Iterator<Item = &Arc<T>> {
        self.items.iter().filter(|s| s.enabled).map(|s| &s.value)
    }

    /// Whether any item was ever registered and is still there (enabled or not).
    pub(crate) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

/// Every catalog of a server.
#[derive(Default)]
pub(crate) struct Registry {
    pub(crate) tools: Catalog<ToolEntry>,
    pub(crate) resources: Catalog<ResourceEntry>,
    pub(crate) templates: Catalog<TemplateEntry>,
    pub(crate) prompts: Catalog<PromptEntry>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("tools", &self.tools.items.len())
            .field("resources", &self.resources.items.len())
            .field("templates", &self.templates.items.len())
            .field("prompts", &self.prompts.items.len())
            .finish()
    }
}

impl std::fmt::Debug for ToolEntry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolEntry")
            .field("tool", &self.tool.name)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_keeps_insertion_order_through_removal_and_replacement() {
        let mut c = Catalog::default();
        for k in ["a", "b", "c", "d"] {
            c.insert(k.to_owned(), k.to_owned());
        }
        assert!(c.remove("b"));
        c.insert("a".to_owned(), "A".to_owned());
        assert!(c.set_enabled("c", false));
        assert!(!c.set_enabled("c", false));
        let names: Vec<_> = c.enabled().map(|s| s.as_str().to_owned()).collect();
        assert_eq!(names, ["A", "d"]);
        assert!(c.get("c").is_none());
        assert!(c.set_enabled("c", true));
        assert_eq!(c.get("d").as_deref().map(String::as_str), Some("d"));
        assert_eq!(c.enabled().count(), 3);
    }
}
