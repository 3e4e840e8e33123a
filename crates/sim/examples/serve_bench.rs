//! Times the served Graph path end to end: starts the sim in-process, obtains a token over HTTP,
//! then pages through every user with `$top=999`, following `@odata.nextLink`:
//! `cargo run --release -p entra-sync-sim --example serve_bench -- [--preset large] [--seed 42] [--passes 3]`.
//! Prints generation time and min/median/p95/max per page; the target is a 999-user page under 20 ms
//! on the large preset. No assertions: figures depend on the machine.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use entra_sync_sim::{BackgroundServer, Preset, SimState, Tenant};
use serde_json::Value;

struct Args {
    preset: Preset,
    seed: u64,
    passes: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        preset: Preset::Large,
        seed: 42,
        passes: 3,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--preset" => args.preset = value()?.parse().map_err(|e| format!("{e}"))?,
            "--seed" => args.seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--passes" => args.passes = value()?.parse().map_err(|e| format!("--passes: {e}"))?,
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("serve_bench: {err}");
            ExitCode::FAILURE
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn run() -> Result<(), String> {
    let args = parse_args()?;
    let started = Instant::now();
    let tenant = Tenant::generate(args.preset, args.seed);
    let generation = started.elapsed();
    let users = tenant.users.len();
    let server = BackgroundServer::start(SimState::new(tenant)).map_err(|e| e.to_string())?;
    println!(
        "{} preset, seed {}: {users} users generated in {:.2} s; serving on {}",
        args.preset,
        args.seed,
        generation.as_secs_f64(),
        server.url()
    );

    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let info = server.info();
    let form = [
        ("grant_type", "client_credentials"),
        ("client_id", info.client_id.as_str()),
        ("client_secret", info.client_secret.as_str()),
        ("scope", "https://graph.microsoft.com/.default"),
    ];
    let token_started = Instant::now();
    let mut reply = agent
        .post(&format!(
            "{}/{}/oauth2/v2.0/token",
            server.url(),
            info.tenant_id
        ))
        .send_form(form)
        .map_err(|e| e.to_string())?;
    let body: Value = reply.body_mut().read_json().map_err(|e| e.to_string())?;
    let token = body["access_token"]
        .as_str()
        .ok_or(format!("no token: {body}"))?
        .to_string();
    println!("token in {:.2} ms", ms(token_started.elapsed()));

    let mut pages = Vec::new();
    for pass in 1..=args.passes {
        let pass_started = Instant::now();
        let mut url = format!("{}/v1.0/users?$top=999", server.url());
        let mut seen = 0;
        loop {
            let page_started = Instant::now();
            let mut reply = agent
                .get(&url)
                .header("Authorization", &format!("Bearer {token}"))
                .call()
                .map_err(|e| e.to_string())?;
            let text = reply
                .body_mut()
                .with_config()
                .limit(64 * 1024 * 1024)
                .read_to_string()
                .map_err(|e| e.to_string())?;
            pages.push(page_started.elapsed());
            if reply.status() != 200 {
                return Err(format!("{url}: {} {text}", reply.status()));
            }
            let page: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
            seen += page["value"].as_array().map_or(0, Vec::len);
            match page["@odata.nextLink"].as_str() {
                Some(next) => url = next.to_string(),
                None => break,
            }
        }
        println!(
            "pass {pass}: {seen} users in {:.1} ms",
            ms(pass_started.elapsed())
        );
    }

    pages.sort();
    let total: Duration = pages.iter().sum();
    let at = |q: f64| pages[((pages.len() - 1) as f64 * q).round() as usize];
    println!(
        "{} pages of up to 999 users (request + body read): min {:.2} ms, median {:.2} ms, p95 {:.2} ms, max {:.2} ms; total {:.1} ms",
        pages.len(),
        ms(pages[0]),
        ms(at(0.5)),
        ms(at(0.95)),
        ms(pages[pages.len() - 1]),
        ms(total)
    );
    let server_side = server
        .state()
        .requests()
        .entries(Some("/v1.0/users"), usize::MAX);
    let mut durations: Vec<f64> = server_side.iter().map(|e| e.duration_ms).collect();
    durations.sort_by(f64::total_cmp);
    if let (Some(first), Some(last)) = (durations.first(), durations.last()) {
        println!(
            "server side (request log, until the response head): min {first:.2} ms, median {:.2} ms, max {last:.2} ms",
            durations[durations.len() / 2]
        );
    }
    Ok(())
}
