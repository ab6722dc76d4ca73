//! Every typed call, pagination, errors, notifications and progress.
