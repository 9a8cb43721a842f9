//! The binary's config file: arbitrary text as the `--config` TOML file, through the binary's own
//! `cli.rs` (compiled in here unchanged) from `Args` to `resolve`, as `myseal --config FILE
//! --allow-empty-password` runs it. Every input must end in a config or an error message.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use clap::Parser;
use libfuzzer_sys::fuzz_target;

#[allow(dead_code, unreachable_pub)]
#[path = "../../crates/myseal/src/cli.rs"]
mod cli;

fn path() -> &'static PathBuf {
    static P: OnceLock<PathBuf> = OnceLock::new();
    P.get_or_init(|| {
        std::env::temp_dir().join(format!("myseal-fuzz-config-{}.toml", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    std::fs::write(path(), data).expect("write config file");
    let Some(file) = path().to_str() else {
        return;
    };
    for extra in [&[][..], &["--allow-empty-password", "yes"][..]] {
        let mut argv = vec!["myseal", "--config", file];
        argv.extend_from_slice(extra);
        if let Ok(args) = cli::Args::try_parse_from(argv) {
            let _ = cli::resolve(args);
        }
    }
});
