//! `entra-sync-sim`: start the simulator and print how to reach it.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use entra_sync_sim::{LaunchInfo, Preset, SimState, Tenant, serve};
use tokio::net::TcpListener;

/// Loopback simulator of the Microsoft identity platform and Microsoft Graph.
#[derive(Debug, Parser)]
#[command(name = "entra-sync-sim", version)]
struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    host: String,
    /// Port to listen on; 0 picks a free one (read the printed URL).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Tenant shape: demo (about 300 users), small (2,000), medium (20,000) or large (100,000).
    #[arg(long, default_value = "demo")]
    preset: Preset,
    /// Seed of the generated tenant; the same seed gives the same tenant and credentials.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Print one JSON line instead of text, for scripts and tests.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, thiserror::Error)]
enum CliError {
    #[error("cannot listen on {addr}: {source}")]
    Bind { addr: String, source: io::Error },
    #[error("cannot write to stdout: {0}")]
    Stdout(io::Error),
    #[error("serving failed: {0}")]
    Serve(io::Error),
}

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("entra-sync-sim: {err}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> Result<(), CliError> {
    let state = SimState::new(Tenant::generate(args.preset, args.seed));
    let addr = format!("{}:{}", args.host, args.port);
    let listener = TcpListener::bind(&addr)
        .await
        .map_err(|source| CliError::Bind {
            addr: addr.clone(),
            source,
        })?;
    let local = listener
        .local_addr()
        .map_err(|source| CliError::Bind { addr, source })?;
    let info = LaunchInfo::new(format!("http://{local}"), &state);
    announce(&info, args.json, args.preset, args.seed).map_err(CliError::Stdout)?;
    serve(listener, state, stop_signal())
        .await
        .map_err(CliError::Serve)
}

fn announce(info: &LaunchInfo, json: bool, preset: Preset, seed: u64) -> io::Result<()> {
    let mut out = io::stdout().lock();
    if json {
        serde_json::to_writer(&mut out, info)?;
        writeln!(out)?;
    } else {
        writeln!(out, "Entra Sync simulator ({preset} tenant, seed {seed})")?;
        writeln!(out, "listening on    {}", info.url)?;
        writeln!(out, "tenant id       {}", info.tenant_id)?;
        writeln!(out, "tenant domain   {}", info.tenant_domain)?;
        writeln!(out, "client id       {}", info.client_id)?;
        writeln!(out, "client secret   {}", info.client_secret)?;
        writeln!(
            out,
            "secret id       {}   (not the secret: pasting it gives AADSTS7000215)",
            info.secret_id
        )?;
        writeln!(out, "assets workspace     {}", info.assets_workspace_id)?;
        writeln!(out, "assets import source {}", info.assets_import_source_id)?;
        writeln!(out, "assets import token  {}", info.assets_import_token)?;
    }
    // Whoever spawned us waits for this line; stdout is block-buffered when it is a pipe.
    out.flush()
}

/// Ctrl-C, or SIGTERM where there is one (what `kill` and process supervisors send).
async fn stop_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}
