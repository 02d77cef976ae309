fn main() -> std::process::ExitCode {
    xbrief::cli::main()
}
