//! `myseal`: the server binary. mysqld-style options (clap), an optional TOML config file with a
//! `[mysqld]` section, and the environment variables of MySQL's container image.
//!
//! Precedence: command line > environment > config file > defaults.
#![forbid(unsafe_code)]

mod cli;
mod demo;
mod dsn;

use std::process::ExitCode;

use clap::Parser;

/// mimalloc: the engine allocates and frees many small row values per query, where glibc's
/// allocator showed as a sixth of a sysbench profile.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let mut args = cli::Args::parse();
    if let Some(cli::Command::Demo(demo)) = args.command.take() {
        return demo::main(demo);
    }
    let filter = tracing_subscriber::EnvFilter::try_new(
        args.log_level.clone().unwrap_or_else(|| "info".into()),
    )
    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();

    let print_dsn = args.print_dsn;
    let config = match cli::resolve(args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("myseal: {e}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("myseal: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(async move {
        // The handlers are installed before the ready line is printed: a SIGTERM sent as soon
        // as it appears must shut down cleanly, not kill the process.
        let signals = Signals::install();
        let server = match myseal_server::Server::start(config).await {
            Ok(s) => s,
            Err(e) => {
                tracing::error!("{e}");
                return ExitCode::FAILURE;
            }
        };
        if print_dsn {
            match server.ca_path() {
                Some(ca) => print!("{}", dsn::render(server.local_addr(), ca)),
                None => eprintln!("myseal: --print-dsn: TLS is off, there is nothing to verify"),
            }
        }
        // SIGHUP loads the TLS files again for new connections, as ALTER INSTANCE RELOAD TLS.
        let mut hup = Hangups::install();
        let stop = signals.wait();
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = &mut stop => break,
                _ = hup.next() => match server.reload_tls() {
                    Ok(()) => tracing::info!("SIGHUP: TLS certificate, key and CA reloaded"),
                    Err(e) => tracing::error!("SIGHUP: TLS reload failed, keeping the old files: {e}"),
                },
            }
        }
        tracing::info!("received shutdown signal, closing connections");
        server.shutdown().await;
        ExitCode::SUCCESS
    })
}

/// SIGHUP, listened for from [`Hangups::install`] on (never fires off Unix).
struct Hangups {
    #[cfg(unix)]
    hup: Option<tokio::signal::unix::Signal>,
}

impl Hangups {
    fn install() -> Hangups {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Hangups {
                hup: signal(SignalKind::hangup()).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            Hangups {}
        }
    }

    /// The next SIGHUP.
    async fn next(&mut self) {
        #[cfg(unix)]
        if let Some(h) = self.hup.as_mut() {
            if h.recv().await.is_some() {
                return;
            }
        }
        std::future::pending::<()>().await;
    }
}

/// SIGINT (Ctrl-C) or SIGTERM, listened for from [`Signals::install`] on.
struct Signals {
    #[cfg(unix)]
    term: Option<tokio::signal::unix::Signal>,
    #[cfg(unix)]
    int: Option<tokio::signal::unix::Signal>,
}

impl Signals {
    fn install() -> Signals {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Signals {
                term: signal(SignalKind::terminate()).ok(),
                int: signal(SignalKind::interrupt()).ok(),
            }
        }
        #[cfg(not(unix))]
        {
            Signals {}
        }
    }

    async fn wait(self) {
        #[cfg(unix)]
        {
            let (mut term, mut int) = (self.term, self.int);
            let term = async {
                match term.as_mut() {
                    Some(t) => {
                        t.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            let int = async {
                match int.as_mut() {
                    Some(i) => {
                        i.recv().await;
                    }
                    None => {
                        let _ = tokio::signal::ctrl_c().await;
                    }
                }
            };
            tokio::select! {
                _ = term => {}
                _ = int => {}
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
        }
    }
}
