//! Sets `cfg(mcp_portable_stdio)` when `MCP_PORTABLE_STDIO=1` is in the build's environment:
//! the stdio transport's portable (non-Unix) path, built on Unix so that CI can test it.
//! An environment variable rather than `RUSTFLAGS="--cfg …"`, which would rebuild every
//! dependency for one cfg of this crate; `--cfg mcp_portable_stdio` in `RUSTFLAGS` works too.

fn main() {
    println!("cargo::rustc-check-cfg=cfg(mcp_portable_stdio)");
    println!("cargo::rerun-if-env-changed=MCP_PORTABLE_STDIO");
    if std::env::var_os("MCP_PORTABLE_STDIO").is_some_and(|v| v == "1") {
        println!("cargo::rustc-cfg=mcp_portable_stdio");
    }
}
