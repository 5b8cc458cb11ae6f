//! Sortie's entry point: parse the command line, run a subcommand or open the window.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser as _;
use sortie::app::{SETTINGS_KEY, Settings, SortieApp, bundled_dataset};
use sortie::cli::{self, Cli, Command};
use sortie::map::Basemap;

fn main() -> ExitCode {
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("warn")).init();
    let cli = Cli::parse();
    let mut stdout = std::io::stdout().lock();
    let status = match cli.command {
        Some(Command::Check { file, json, strict }) => cli::check(&file, json, strict, &mut stdout),
        Some(Command::Info {
            file,
            json,
            from,
            to,
            definite,
        }) => match cli::range_of(from, to, definite) {
            Ok(range) => cli::info(&file, json, range, &mut stdout),
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(cli::EXIT_UNREADABLE);
            }
        },
        Some(Command::Synth {
            out,
            points,
            routes,
            seed,
            format,
        }) => cli::synth(
            &out,
            sortie::synth::SynthSpec {
                points,
                routes,
                seed,
            },
            format == "acled-csv",
            &mut stdout,
        ),
        Some(Command::Convert {
            input,
            output,
            format,
        }) => cli::convert(&input, &output, format.as_deref(), &mut stdout),
        Some(Command::Render(args)) => cli::render(&args, &mut stdout),
        None => {
            drop(stdout);
            return run_window(cli.file, cli.basemap);
        }
    };
    match status {
        Ok(code) => ExitCode::from(code),
        // The reader went away (`sortie info … | head`): nothing more to say.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: cannot write the output: {e}");
            ExitCode::from(cli::EXIT_UNREADABLE)
        }
    }
}

fn run_window(file: Option<PathBuf>, basemap: Option<Basemap>) -> ExitCode {
    let dataset = match bundled_dataset() {
        Ok(dataset) => dataset,
        Err(e) => {
            eprintln!("error: the bundled dataset did not load: {e}");
            return ExitCode::FAILURE;
        }
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("Sortie")
            .with_app_id("sortie")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([640.0, 400.0])
            .with_drag_and_drop(true),
        ..eframe::NativeOptions::default()
    };
    let result = eframe::run_native(
        "Sortie",
        options,
        Box::new(move |cc| {
            let mut settings: Settings = cc
                .storage
                .and_then(|s| eframe::get_value(s, SETTINGS_KEY))
                .unwrap_or_default();
            if let Some(basemap) = basemap {
                settings.basemap = basemap;
            }
            if settings.basemap != Basemap::None {
                sortie::basemap::warm_up();
            }
            let mut app = SortieApp::new(dataset, settings).waking(cc.egui_ctx.clone());
            if let Some(path) = file {
                app.open(path);
            }
            Ok(Box::new(app))
        }),
    );
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: the window could not open: {e}");
            ExitCode::FAILURE
        }
    }
}
