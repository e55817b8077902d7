use clap::Parser;
use whispir_migrate::{cli::Cli, cmd};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let status = cmd::run(cli);
    std::process::ExitCode::from(status as u8)
}
