//! `serve`'s HTTP listener (`serve.listen`): `/metrics`, `/healthz`, `/readyz` and the
//! status page `/`. Every endpoint only reads; none changes state.

use super::metrics;
use super::operations::Operations;
use super::snapshot::Snapshot;
use super::ticker::HOUSEKEEPING;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use std::net::SocketAddr;
use std::sync::Arc;

/// The loop ticks every second; a loop silent for this long is stuck.
const STUCK_AFTER: std::time::Duration = HOUSEKEEPING.saturating_mul(10);

/// Binds the listener now (an address in use fails `serve` at start) and serves it on the
/// current runtime.
pub async fn start(
    address: SocketAddr,
    operations: Arc<Operations>,
) -> Result<SocketAddr, std::io::Error> {
    let listener = tokio::net::TcpListener::bind(address).await?;
    let bound = listener.local_addr()?;
    let app = Router::new()
        .route("/", get(status_page))
        .route("/metrics", get(metrics_text))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .with_state(operations);
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%error, "the HTTP listener stopped");
        }
    });
    Ok(bound)
}

fn unavailable(what: &str, error: impl std::fmt::Display) -> Response {
    tracing::warn!(%error, "{what}");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        format!("{what}: {error}\n"),
    )
        .into_response()
}

async fn metrics_text(State(operations): State<Arc<Operations>>) -> Response {
    let text = Snapshot::read(&operations)
        .map_err(|e| e.to_string())
        .and_then(|snapshot| metrics::render(&snapshot).map_err(|e| e.to_string()));
    match text {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(error) => unavailable("cannot read the state store", error),
    }
}

async fn status_page(State(operations): State<Arc<Operations>>) -> Response {
    let page = Snapshot::read(&operations)
        .map_err(|e| e.to_string())
        .and_then(|snapshot| super::status_page::render(&snapshot).map_err(|e| e.to_string()));
    match page {
        Ok(html) => Html(html).into_response(),
        Err(error) => unavailable("cannot show the status", error),
    }
}

/// The process is up and its scheduler loop ticked recently.
async fn healthz(State(operations): State<Arc<Operations>>) -> Response {
    if operations.ticked_within(STUCK_AFTER) {
        (StatusCode::OK, "ok\n").into_response()
    } else {
        unavailable("the scheduler loop is stuck", "no tick for 10 s")
    }
}

/// A valid config is loaded (it always is once `serve` started) and the state store answers.
async fn readyz(State(operations): State<Arc<Operations>>) -> Response {
    match crate::deliver::Ledger::open(&operations.state).and_then(|l| l.pauses()) {
        Ok(_) => (StatusCode::OK, "ready\n").into_response(),
        Err(error) => unavailable("the state store does not answer", error),
    }
}
