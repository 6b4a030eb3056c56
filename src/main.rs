use clap::Parser;

// Parsing allocates many small nodes per file on every worker thread:
// mimalloc's per-thread heaps serve them faster than the system allocator.
#[global_allocator]
static GLOBAL: prodlint::allocator::Mimalloc = prodlint::allocator::Mimalloc;

fn main() {
    prodlint::allocator::one_system_arena();
    prodlint::phases::start();
    prodlint::panics::install_hook();
    let cli = prodlint::cli::Cli::parse();
    // A panic inside a rule is that file's PL004 finding; one outside any
    // rule (the system refusing a thread, say) ends the run with an error
    // that says what happened, not a silent exit.
    let code = std::panic::catch_unwind(|| prodlint::run::main(cli)).unwrap_or_else(|_| {
        eprintln!(
            "prodlint: internal error: {}; please report it",
            prodlint::panics::last_uncaught_shown()
        );
        prodlint::run::EXIT_ERROR
    });
    prodlint::allocator::exit(code);
}
