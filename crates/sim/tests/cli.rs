//! The binary: prints how to reach it, serves, and stops on SIGTERM.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use entra_sync_sim::{Preset, Tenant};
use serde_json::Value;

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        // Only if a test failed before stopping it.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn spawn(args: &[&str]) -> (Running, BufReader<std::process::ChildStdout>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_entra-sync-sim"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn entra-sync-sim");
    let stdout = BufReader::new(child.stdout.take().expect("stdout"));
    (Running(child), stdout)
}

#[test]
fn json_line_describes_a_working_sim() {
    let (child, mut stdout) = spawn(&["--json", "--seed", "7", "--port", "0"]);
    let mut line = String::new();
    stdout.read_line(&mut line).expect("read launch line");
    let info: Value = serde_json::from_str(&line).unwrap_or_else(|err| panic!("{err}: {line:?}"));

    let tenant = Tenant::generate(Preset::Demo, 7);
    assert_eq!(info["tenantId"], tenant.id.to_string());
    assert_eq!(info["tenantDomain"], tenant.domain);
    assert_eq!(info["clientId"], tenant.app.client_id.to_string());
    assert_eq!(info["clientSecret"], tenant.app.secret.value);
    assert_eq!(info["secretId"], tenant.app.secret.key_id.to_string());
    assert_eq!(
        info["assetsWorkspaceId"],
        entra_sync_sim::assets::DEMO_WORKSPACE_ID
    );
    assert_eq!(
        info["assetsImportSourceId"],
        entra_sync_sim::assets::DEMO_IMPORT_SOURCE_ID
    );
    let url = info["url"].as_str().unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");

    let agent = common::agent();
    let token: Value = agent
        .post(&format!("{url}/{}/oauth2/v2.0/token", tenant.domain))
        .send_form([
            ("grant_type", "client_credentials"),
            ("client_id", info["clientId"].as_str().unwrap()),
            ("client_secret", info["clientSecret"].as_str().unwrap()),
            ("scope", common::GRAPH_SCOPE),
        ])
        .expect("token")
        .body_mut()
        .read_json()
        .expect("token JSON");
    let users: Value = agent
        .get(&format!("{url}/v1.0/users?$top=5"))
        .header(
            "Authorization",
            &format!("Bearer {}", token["access_token"].as_str().unwrap()),
        )
        .call()
        .expect("users")
        .body_mut()
        .read_json()
        .expect("users JSON");
    assert_eq!(users["value"][0]["id"], tenant.users[0].id);

    stop(child);
}

#[test]
fn text_output_names_every_credential() {
    let (child, stdout) = spawn(&["--seed", "9"]);
    let text: Vec<String> = stdout
        .lines()
        // Read the whole announcement: closing the pipe early would make the sim's writes fail.
        .take(10)
        .map(|line| line.expect("line"))
        .collect();
    let tenant = Tenant::generate(Preset::Demo, 9);
    let all = text.join("\n");
    assert!(all.contains("http://127.0.0.1:"), "{all}");
    for expected in [
        tenant.id.to_string(),
        tenant.domain.clone(),
        tenant.app.client_id.to_string(),
        tenant.app.secret.value.clone(),
        tenant.app.secret.key_id.to_string(),
        entra_sync_sim::assets::DEMO_WORKSPACE_ID.to_string(),
        entra_sync_sim::assets::DEMO_IMPORT_SOURCE_ID.to_string(),
    ] {
        assert!(all.contains(&expected), "{expected} missing from:\n{all}");
    }
    stop(child);
}

#[test]
fn rejects_an_unknown_preset() {
    let output = Command::new(env!("CARGO_BIN_EXE_entra-sync-sim"))
        .args(["--preset", "huge"])
        .output()
        .expect("run");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("huge"));
}

/// SIGTERM where there is one, then the process must exit by itself, successfully.
fn stop(mut running: Running) {
    #[cfg(unix)]
    {
        let status = Command::new("kill")
            .args(["-TERM", &running.0.id().to_string()])
            .status()
            .expect("kill");
        assert!(status.success());
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = running.0.try_wait().expect("wait") {
                assert!(status.success(), "exit status {status}");
                return;
            }
            assert!(Instant::now() < deadline, "sim did not stop on SIGTERM");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
    #[cfg(not(unix))]
    drop(running);
}
