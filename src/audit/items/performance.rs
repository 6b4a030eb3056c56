//! Performance: workers, connection pool, cache, compression, static
//! files. These carry no level: they count toward the score only.

use super::{Cx, Decision, by_signal, by_signal_or_dependency, without_app};
use crate::audit::{ItemDef, Section};
use crate::project::facts::Loc;
use crate::project::facts::app::Signal;

pub static WORKERS: ItemDef = ItemDef {
    id: "PERF-WORKERS",
    title: "Worker count tuned",
    section: Section::Performance,
    level: None,
    weight: 2,
    rules: &["PM001", "PM002", "PM005", "PM006", "XR005"],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "Too few workers leave cores idle; workers counted from the host's CPUs inside a CPU-limited container oversubscribe it and multiply memory.",
    how: "Fails on a sync worker for an ASGI app (PM001), the deprecated uvicorn worker path (PM002), workers from the host's CPUs (PM005), a single worker (PM006) or more workers than the CPU limit allows (XR005). Passes at a server's explicit worker count.",
    facts: workers,
};

fn workers(cx: &Cx) -> Decision {
    let servers = cx
        .project
        .units()
        .iter()
        .flat_map(|u| u.servers.iter())
        .chain(cx.project.all_hosted().map(|h| &h.server));
    let mut any = false;
    for s in servers {
        if !cx.production(&s.site.file) {
            continue;
        }
        any = true;
        if let Some(w) = &s.workers
            && w.value.parse::<u32>().is_ok()
        {
            let at = w.at.as_ref().unwrap_or(&s.site);
            return Decision::Pass(vec![cx.at_loc(at, format!("{} workers", w.value))]);
        }
    }
    Decision::Unknown(if any {
        "the servers' worker counts are not literal numbers prodlint can read".to_string()
    } else {
        "no server command (gunicorn, uvicorn, fastapi run) was found".to_string()
    })
}

pub static POOL: ItemDef = ItemDef {
    id: "PERF-POOL",
    title: "Connection pool configured",
    section: Section::Performance,
    level: None,
    weight: 1,
    rules: &["PY024"],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "A database engine left at its defaults holds five connections and hands out dead ones after a failover; sized and pre-pinged, it absorbs bursts and restarts.",
    how: "Fails on an engine without `pool_pre_ping` (PY024) and on an engine made with the default pool. Passes at an engine with `pool_size`/`max_overflow`/`pool_pre_ping`, or a pool made with `asyncpg.create_pool`/psycopg's pool. Not applicable when the app declares no database client.",
    facts: pool,
};

const DATABASE_CLIENTS: &[&str] = &[
    "sqlalchemy",
    "sqlmodel",
    "asyncpg",
    "psycopg",
    "psycopg2",
    "psycopg2-binary",
    "databases",
    "tortoise-orm",
    "pymysql",
    "aiomysql",
];

fn pool(cx: &Cx) -> Decision {
    for s in [Signal::PoolConfigured, Signal::PrePingEngine] {
        if let Some(loc) = cx.signal(s) {
            return Decision::Pass(vec![cx.at_loc(&loc, "the connection pool is configured")]);
        }
    }
    let engine = cx
        .project
        .app_model()
        .modules()
        .filter(|(k, _)| cx.production(k))
        .find_map(|(k, m)| {
            m.resources
                .iter()
                .find(|r| {
                    r.callee.ends_with("create_engine") || r.callee.ends_with("create_async_engine")
                })
                .map(|r| Loc::new(k, r.at))
        });
    if let Some(loc) = engine {
        return Decision::Fail(
            vec![cx.at_loc(&loc, "the engine keeps the default pool")],
            "the database engine keeps the default pool (five connections, no pre-ping)"
                .to_string(),
        );
    }
    if cx.dependency(DATABASE_CLIENTS).is_none() {
        return Decision::NotApplicable("the app declares no database client".to_string());
    }
    without_app(cx).unwrap_or_else(|| {
        Decision::Unknown(
            "a database client is declared but no engine or pool made in the code was found"
                .to_string(),
        )
    })
}

pub static CACHE: ItemDef = ItemDef {
    id: "PERF-CACHE",
    title: "A cache layer",
    section: Section::Performance,
    level: None,
    weight: 1,
    rules: &[],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "Answers computed once and served from Redis or memcached take load off the database and keep latency flat under traffic.",
    how: "Passes at a Redis or memcached client made in the code, a cache library used (`fastapi-cache`, `aiocache`, `cachetools`), or such a client among the dependencies. Fails, at the dependency file, when none is.",
    facts: cache,
};

fn cache(cx: &Cx) -> Decision {
    by_signal_or_dependency(
        cx,
        Signal::Cache,
        "a cache client",
        &[
            "redis",
            "aioredis",
            "pymemcache",
            "aiomcache",
            "fastapi-cache2",
            "aiocache",
            "cachetools",
            "dogpile-cache",
        ],
        "no cache client (Redis, memcached) or cache library is used",
    )
}

pub static COMPRESSION: ItemDef = ItemDef {
    id: "PERF-COMPRESSION",
    title: "Responses compressed",
    section: Section::Performance,
    level: None,
    weight: 1,
    rules: &["PY022"],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "JSON compresses five- to tenfold: GZip cuts transfer time and bandwidth bills for a few lines of middleware.",
    how: "Fails where PY022 finds an app without compression. Passes at a `GZipMiddleware` (or Brotli). Unknown otherwise: a proxy outside the repository may compress.",
    facts: compression,
};

fn compression(cx: &Cx) -> Decision {
    by_signal(
        cx,
        Signal::Compression,
        "responses are compressed",
        "no compression middleware: a proxy outside the repository may compress",
    )
}

pub static STATIC: ItemDef = ItemDef {
    id: "PERF-STATIC",
    title: "Static files not served by the app server",
    section: Section::Performance,
    level: None,
    weight: 1,
    rules: &[],
    critical: &[],
    applies: crate::audit::always,
    keep: crate::audit::every,
    why: "Every static file the app server sends holds a worker; a CDN or nginx sends them from memory and caches them at the edge.",
    how: "Fails at a `StaticFiles` mount in production code. Passes at the app when it mounts none.",
    facts: static_files,
};

fn static_files(cx: &Cx) -> Decision {
    if let Some(loc) = cx.signal(Signal::ServesStatic) {
        return Decision::Fail(
            vec![cx.at_loc(&loc, "the app server serves static files")],
            "the app serves static files itself: in production a CDN or nginx should".to_string(),
        );
    }
    if let Some(d) = without_app(cx) {
        return d;
    }
    Decision::Pass(
        cx.first_app()
            .map(|(at, name)| {
                cx.at_loc(
                    &at,
                    format!("`{}` mounts no static files", super::clip(&name)),
                )
            })
            .into_iter()
            .collect(),
    )
}
