//! Reports: a summary table for people, JSON and JUnit XML for machines.

mod json;
mod junit;
mod not_called;
mod table;

pub(crate) use json::json;
pub(crate) use junit::junit;
pub(crate) use not_called::not_called;
pub(crate) use table::table;
