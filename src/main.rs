// jemalloc for the whole process, DuckDB's C++ allocations included (the crate exports the
// unprefixed malloc symbols): DuckDB's own builds use jemalloc on Linux too.
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> std::process::ExitCode {
    xbrief::cli::main()
}
