use clap::Parser;
use whispir_migrate::{app, cli::Cli};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let status = app::run(cli);
    std::process::ExitCode::from(status as u8)
}
