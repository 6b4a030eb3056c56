use clap::Parser;

fn main() {
    prodlint::engine::install_panic_hook();
    let cli = prodlint::cli::Cli::parse();
    std::process::exit(prodlint::run::main(cli));
}
