//! deploy/kubernetes/: every manifest passes the Kubernetes schemas offline (PyPI's
//! kubernetes-validate, strict: no unknown field), the ConfigMaps are those of the
//! repository's files, and the config they carry loads.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;

fn manifests() -> Vec<PathBuf> {
    let dir = repo().join("deploy/kubernetes");
    let mut found: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        // the xbrief config and kustomize's index are not Kubernetes objects
        .filter(|p| {
            !["xbrief.yaml", "kustomization.yaml"]
                .contains(&p.file_name().unwrap().to_str().unwrap())
        })
        .collect();
    found.sort();
    found
}

fn validate(path: &Path) -> std::process::Output {
    Command::new("kubernetes-validate")
        .args(["--strict", "--kubernetes-version", "1.37.0"])
        .arg(path)
        .output()
        .expect("kubernetes-validate runs (.ci/run installs it from PyPI)")
}

#[test]
fn every_manifest_passes_the_kubernetes_schemas() {
    let found = manifests();
    let names: Vec<String> = found
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "configmaps.yaml",
            "cronjob-shards.yaml",
            "pvc.yaml",
            "secret.example.yaml",
            "serve-deployment.yaml",
            "service.yaml"
        ]
    );
    for path in &found {
        let output = validate(path);
        assert!(
            output.status.success(),
            "{}: {}{}",
            path.display(),
            String::from_utf8_lossy(&output.stdout),
            stderr(&output)
        );
    }
    // and the validator does refuse a wrong one: a field Kubernetes does not know
    let dir = tempfile::tempdir().unwrap();
    let broken = dir.path().join("broken.yaml");
    let text =
        std::fs::read_to_string(repo().join("deploy/kubernetes/serve-deployment.yaml")).unwrap();
    std::fs::write(
        &broken,
        text.replace("  replicas: 2", "  replicas: 2\n  replicaCount: 2"),
    )
    .unwrap();
    assert!(
        !validate(&broken).status.success(),
        "an unknown field passed"
    );
}

#[test]
fn the_configmaps_are_the_repositorys_files() {
    let output = Command::new("python3")
        .arg(repo().join("deploy/kubernetes/configmaps.py"))
        .arg("--check")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn the_kubernetes_config_loads_and_takes_no_secret() {
    // its folders are the pod's mounts: here, the repository's own
    let text = std::fs::read_to_string(repo().join("deploy/kubernetes/xbrief.yaml"))
        .unwrap()
        .replace(
            "/etc/xbrief/queries",
            &repo().join("queries").to_string_lossy(),
        )
        .replace(
            "/etc/xbrief/reports",
            &repo().join("reports").to_string_lossy(),
        );
    assert!(!text.contains("CHANGE-ME") && !text.contains(":CHANGE"));
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("xbrief.yaml");
    std::fs::write(&config, text).unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_xbrief"))
        .current_dir(repo())
        .args(["--config", &config.to_string_lossy(), "plan", "--next", "1"])
        .env_remove("XBRIEF_STATE_URL")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let plan = String::from_utf8_lossy(&output.stdout);
    assert!(
        plan.contains("site-scorecards") && plan.contains("executive-monthly"),
        "{plan}"
    );
}
