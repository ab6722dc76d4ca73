//! Shared state for handlers: [`State<S>`], the first argument of a handler made with a
//! `with_state` constructor ([`ToolDef::with_state`](crate::ToolDef::with_state) and the
//! like), filled from the value given to [`ServerBuilder::state`](crate::ServerBuilder::state).
//!
//! The state is looked up **once, when the item is registered**: a stateful handler is
//! kept unbound in its definition ([`Binding::Pending`]) and bound with a clone of the
//! server's value by `Server::add_*`, which refuses the item with
//! [`RegistryError::MissingState`](crate::RegistryError::MissingState) if the server was
//! built without a state of that type. Once registered, a call never looks anything up, so
//! nothing can fail or panic at call time for want of a state.

use std::any::{Any, TypeId};
use std::collections::HashMap;

/// The server's shared state of type `S`, handed to a handler made with a `with_state`
/// constructor. `S` is a clone of the value given to
/// [`ServerBuilder::state`](crate::ServerBuilder::state): keep it cheap to clone (an `Arc`
/// inside, or handles that are).
///
/// Destructure it in the handler's argument list, as with axum's `State`:
///
/// ```
/// use std::sync::Arc;
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use mcp_server::prelude::*;
///
/// #[derive(Clone, Default)]
/// struct Counter(Arc<AtomicU64>);
///
/// let server = Server::builder("counter", "1.0.0").state(Counter::default()).build();
/// server
///     .add_tool(ToolDef::with_state(
///         "increment",
///         |State(counter): State<Counter>, _: NoArgs, _ctx: RequestContext| async move {
///             (counter.0.fetch_add(1, Ordering::Relaxed) + 1).to_string()
///         },
///     ))
///     .unwrap();
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct State<S>(pub S);

/// The states a server was built with, one per type.
#[derive(Default)]
pub(crate) struct States {
    values: HashMap<TypeId, Box<dyn Any + Send + Sync>>,
    /// The type names, for `Debug`.
    names: Vec<&'static str>,
}

impl States {
    /// Sets the state of type `S` (replacing one of the same type).
    pub(crate) fn insert<S: Clone + Send + Sync + 'static>(&mut self, state: S) {
        if self
            .values
            .insert(TypeId::of::<S>(), Box::new(state))
            .is_none()
        {
            self.names.push(std::any::type_name::<S>());
        }
    }

    /// A clone of the state of type `S`, if there is one.
    fn get<S: Clone + 'static>(&self) -> Option<S> {
        self.values.get(&TypeId::of::<S>())?.downcast_ref().cloned()
    }
}

impl std::fmt::Debug for States {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(&self.names).finish()
    }
}

/// Makes a handler from the server's states; `None` if the one it needs is not there.
type Bind<F> = Box<dyn FnOnce(&States) -> Option<F> + Send + Sync>;

/// A handler as a definition holds it: ready, or waiting for the server's state.
pub(crate) enum Binding<F> {
    /// Needs nothing from the server.
    Ready(F),
    /// Needs the state of the type named `state`; `bind` makes the handler from it.
    Pending { state: &'static str, bind: Bind<F> },
}

impl<F> Binding<F> {
    /// A handler made by `make` from a clone of the server's state of type `S`.
    pub(crate) fn needing<S: Clone + Send + Sync + 'static>(
        make: impl FnOnce(S) -> F + Send + Sync + 'static,
    ) -> Self {
        Self::Pending {
            state: std::any::type_name::<S>(),
            bind: Box::new(move |states| states.get::<S>().map(make)),
        }
    }

    /// The handler, bound to `states`; `Err` names the state type that is missing.
    pub(crate) fn bind(self, states: &States) -> Result<F, &'static str> {
        match self {
            Self::Ready(f) => Ok(f),
            Self::Pending { state, bind } => bind(states).ok_or(state),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pending_handler_binds_to_the_state_of_its_type_and_names_it_when_missing() {
        let pending = || Binding::needing(|n: u32| n + 1);
        let mut states = States::default();
        assert_eq!(
            pending().bind(&states).unwrap_err(),
            std::any::type_name::<u32>()
        );
        states.insert(String::from("not a u32"));
        assert!(pending().bind(&states).is_err());
        states.insert(41_u32);
        assert_eq!(pending().bind(&states), Ok(42));
        states.insert(1_u32);
        assert_eq!(
            pending().bind(&states),
            Ok(2),
            "a second value replaces the first"
        );
        assert_eq!(format!("{states:?}"), r#"["alloc::string::String", "u32"]"#);
    }
}
