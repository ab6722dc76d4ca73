//! `mcp-conformance`: the command of the `mcp_conformance` library (see its docs for the
//! commands, the exit codes, and the library use).

fn main() -> std::process::ExitCode {
    mcp_conformance::main()
}
