//! Times tenant generation for one preset and reports peak memory:
//! `cargo run --release -p entra-sync-sim --example gen_bench -- large`.
//! Kept out of `cargo test`, where the large presets would take too long in debug builds.

use std::process::ExitCode;
use std::time::Instant;

use entra_sync_sim::{Preset, Tenant};

fn main() -> ExitCode {
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "demo".to_string());
    let preset: Preset = match name.parse() {
        Ok(preset) => preset,
        Err(err) => {
            eprintln!("gen_bench: {err}");
            return ExitCode::FAILURE;
        }
    };
    let started = Instant::now();
    let tenant = Tenant::generate(preset, 42);
    let seconds = started.elapsed().as_secs_f64();
    let memberships: usize = tenant.groups.iter().map(|g| g.members.len()).sum();
    println!(
        "{preset}: {seconds:.2} s, peak RSS {} MiB; {} users, {} groups, {memberships} memberships, {} devices, {} managed devices, {} SKUs",
        peak_rss_kib().map_or_else(|| "?".to_string(), |kib| (kib / 1024).to_string()),
        tenant.users.len(),
        tenant.groups.len(),
        tenant.devices.len(),
        tenant.managed_devices.len(),
        tenant.skus.len(),
    );
    ExitCode::SUCCESS
}

/// `VmHWM` from `/proc/self/status` (Linux only).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}
