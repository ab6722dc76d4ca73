//! Reports: a summary table and an HTML page for people, JSON and JUnit XML for machines.

mod findings;
mod html;
mod json;
mod junit;
mod not_called;
mod table;

pub(crate) use html::html;
pub(crate) use json::json;
pub(crate) use junit::junit;
pub(crate) use not_called::not_called;
pub(crate) use table::table;
