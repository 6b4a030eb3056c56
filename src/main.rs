use clap::Parser;

// Parsing allocates many small nodes per file on every worker thread:
// mimalloc's per-thread heaps serve them faster than the system allocator.
#[global_allocator]
static GLOBAL: prodlint::allocator::Mimalloc = prodlint::allocator::Mimalloc;

fn main() {
    prodlint::phases::start();
    prodlint::engine::install_panic_hook();
    let cli = prodlint::cli::Cli::parse();
    prodlint::allocator::exit(prodlint::run::main(cli));
}
