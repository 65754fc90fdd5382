//! notify: LISTEN on one connection, NOTIFY with a payload from another,
//! round 1 while the listener is idle, round 2 while it already waits. The
//! listener sends nothing: its Connection, a task of its own, reads the
//! socket (Connection::poll_message) and hands each AsyncMessage over a
//! channel, where the listener waits for the Notification.

use std::time::Instant;

use futures_channel::mpsc;
use futures_util::future::poll_fn;
use futures_util::StreamExt;
use tokio_postgres::{AsyncMessage, NoTls};

use crate::config::Config;
use crate::connect::connect;
use crate::report::{sql, Failure, Outcome};
use crate::{bail, ensure};

type Messages = mpsc::UnboundedReceiver<Result<AsyncMessage, tokio_postgres::Error>>;

/// The next notification (notices skipped), or why none came.
async fn next_notification(messages: &mut Messages) -> Result<(String, String), String> {
    loop {
        match messages.next().await {
            Some(Ok(AsyncMessage::Notification(n))) => return Ok((n.channel().into(), n.payload().into())),
            Some(Ok(_)) => continue,
            Some(Err(e)) => return Err(format!("the listener's connection failed: {}", e)),
            None => return Err("the listener's connection ended".into()),
        }
    }
}

pub async fn notify(cfg: &Config) -> Outcome {
    let (listener, mut connection) = tokio_postgres::connect(&cfg.trust_dsn, NoTls).await?;
    let (tx, mut messages) = mpsc::unbounded();
    tokio::spawn(async move {
        while let Some(m) = poll_fn(|cx| connection.poll_message(cx)).await {
            if tx.unbounded_send(m).is_err() {
                break;
            }
        }
    });
    let sender = connect(&cfg.trust_dsn).await?;
    listener.batch_execute(sql(&format!("LISTEN {}", cfg.channel))).await?;
    for round in 1..=2 {
        let payload = format!("payload \u{fc} {}", round);
        let notify_sql = format!("NOTIFY {}, '{}'", cfg.channel, payload);
        let started = Instant::now();
        let wait = tokio::time::timeout(cfg.notify_within, next_notification(&mut messages));
        let (what, got) = if round == 1 {
            sender.batch_execute(sql(&notify_sql)).await?;
            ("round 1 (listener idle when NOTIFY was sent)", wait.await)
        } else {
            // join! polls the wait first: the listener waits before NOTIFY goes out.
            let (got, sent) = tokio::join!(wait, sender.batch_execute(sql(&notify_sql)));
            sent?;
            ("round 2 (listener waiting when NOTIFY was sent)", got)
        };
        let got = match got {
            Err(_) => bail!("{}: no notification within {:.1} s", what, cfg.notify_within.as_secs_f64()),
            Ok(Err(e)) => return Err(Failure(format!("{}: {}", what, e))),
            Ok(Ok(got)) => got,
        };
        ensure!(
            got == (cfg.channel.clone(), payload.clone()),
            "{}: got {:?}, want {:?} after {:.2} s",
            what,
            got,
            (&cfg.channel, &payload),
            started.elapsed().as_secs_f64()
        );
    }
    drop(listener);
    Ok(None)
}
