//! Rendering every briefing of a run on all cores, each PDF written as soon as it is done.

use super::*;

/// Renders every briefing on all cores, writing each PDF into `staging` as soon as it is
/// done; results come back in the briefings' order. The first error stops the others.
pub(super) fn render_all(
    renderer: &Renderer,
    contexts: &report::Contexts,
    briefings: &[report::Briefing],
    frame: &PageFrame,
    staging: &Path,
) -> Result<Vec<(Rendered, Option<ManifestFile>, f64)>, RunError> {
    let next = AtomicUsize::new(0);
    let failed = AtomicBool::new(false);
    let progress = crate::progress::bar("rendering", briefings.len());
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(briefings.len().max(1));
    let render_one =
        |briefing: &report::Briefing| -> Result<(Rendered, Option<ManifestFile>, f64), RunError> {
            let started = Instant::now();
            let context = contexts.of(briefing);
            let mut rendered = renderer.render(
                briefing.template,
                &context,
                frame.clone(),
                briefing.with_pdf,
            )?;
            let file = match rendered.pdf.take() {
                Some(pdf) => Some(write(
                    &staging.join(format!("{}.pdf", briefing.file_stem)),
                    &pdf,
                )?),
                None => None,
            };
            let seconds = started.elapsed().as_secs_f64();
            progress.inc(1);
            tracing::debug!(scope = %briefing.scope, ms = seconds * 1e3, "rendered");
            Ok((rendered, file, seconds))
        };
    #[allow(clippy::type_complexity)]
    let mut results: Vec<(
        usize,
        Result<(Rendered, Option<ManifestFile>, f64), RunError>,
    )> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    while !failed.load(Ordering::Relaxed) {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        let Some(briefing) = briefings.get(index) else {
                            break;
                        };
                        let result = render_one(briefing);
                        failed.fetch_or(result.is_err(), Ordering::Relaxed);
                        done.push((index, result));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a render worker does not panic"))
            .collect()
    });
    progress.finish_and_clear();
    results.sort_by_key(|(index, _)| *index);
    results.into_iter().map(|(_, result)| result).collect()
}
