# Varnish in front of the app servers: one shared copy of each public page
# for every anonymous reader, dropped the moment an editor's change makes it
# stale (reader/frontend_cache.py sends PURGE or BAN here after the commit).
#
# The app decides what may be shared: a page is cached only when Django marks
# it `Cache-Control: public` (anonymous GET of a reader page, no flash message,
# no cookie set). This file adds a second, independent guard on the request
# side, so a signed-in reader's page can never be served to someone else even
# if a view forgot its header.
#
# Check after any edit: varnishd -C -f deploy/varnish/default.vcl
vcl 4.1;

import directors;
import cookie;

# An app server is taken out of the rotation after three failed checks of
# /healthz (which reaches the database), and back after three good ones.
# It starts healthy so a restarted Varnish serves at once. The request says
# it came through the TLS proxy (else SECURE_SSL_REDIRECT answers 301) and
# names a host the app accepts: keep `localhost` in ALLOWED_HOSTS.
probe app_health {
    .request =
        "GET /healthz HTTP/1.1"
        "Host: localhost"
        "X-Forwarded-Proto: https"
        "Connection: close";
    .interval = 5s;
    .timeout = 2s;
    .window = 5;
    .threshold = 3;
    .initial = 3;
}

# The app servers (deploy/compose.yaml gives them these fixed addresses).
# One `.host`/`.port` pair per server: change them here, or add a backend and
# its line in vcl_init, to run more. Addresses rather than names so the file
# compiles anywhere (Varnish resolves names once, at compile time).
# first_byte_timeout sits above gunicorn's 30 s timeout, so a slow page fails
# in gunicorn's words, not Varnish's.
backend app1 {
    .host = "172.30.25.11";
    .port = "8000";
    .probe = app_health;
    .connect_timeout = 2s;
    .first_byte_timeout = 35s;
    .between_bytes_timeout = 10s;
}

backend app2 {
    .host = "172.30.25.12";
    .port = "8000";
    .probe = app_health;
    .connect_timeout = 2s;
    .first_byte_timeout = 35s;
    .between_bytes_timeout = 10s;
}

# Who may purge: the app servers and the task worker (purges run as tasks,
# usually in the worker) and this machine (an operator's `curl -X BAN`).
# client.ip is the address that connected, never a header a client could
# forge; readers arrive through the TLS proxy, CDN or Docker's gateway
# (172.30.25.1, deliberately absent) and are refused.
acl purgers {
    "127.0.0.1";
    "::1";
    "172.30.25.11";
    "172.30.25.12";
    "172.30.25.13";
}

sub vcl_init {
    new app = directors.round_robin();
    app.add_backend(app1);
    app.add_backend(app2);
}

sub vcl_recv {
    set req.backend_hint = app.backend();

    # PURGE <path>: drop every stored variant of that URL at once (a hard
    # purge, no stale copy kept for grace), so the next reader gets the new
    # text. With `X-Purge-All: 1` it clears everything, like BAN.
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(405, "Purging is not allowed from this address"));
        }
        if (req.http.X-Purge-All == "1") {
            call purge_everything;
        }
        return (purge);
    }
    # BAN: a site-wide change (policy, board, layout) touches every page.
    if (req.method == "BAN") {
        if (client.ip !~ purgers) {
            return (synth(405, "Banning is not allowed from this address"));
        }
        call purge_everything;
    }

    # Only reading is shared; forms and everything else go to the app.
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }

    # Static files (WhiteNoise gives them long max-age, content-hashed names)
    # look the same to everyone: drop cookies so they are shared.
    if (req.url ~ "^/static/") {
        unset req.http.Cookie;
        return (hash);
    }

    # A signed-in reader's page names them, and a pending flash message is
    # one reader's: neither is ever looked up nor stored.
    if (req.http.Authorization || req.http.Cookie ~ "(^|;)\s*(sessionid|messages)=") {
        return (pass);
    }

    # The shareable pages, without a query string (a query such as
    # ?audience= or ?page= is answered by the app each time).
    if (req.url ~ "^/articles/[-A-Za-z0-9_]+/$") {
        # The bare article address shows the reader's remembered level, so
        # the only cookie it may depend on is a valid `audience`; anything
        # else (csrftoken, analytics) would split the cache for nothing.
        cookie.parse(req.http.Cookie);
        if (cookie.get("audience") ~ "^(patient|student|professional)$") {
            set req.http.Cookie = "audience=" + cookie.get("audience");
        } else {
            unset req.http.Cookie;
        }
        return (hash);
    }
    if (req.url ~ "^/(articles/[-A-Za-z0-9_]+/(patient|student|professional|history)/|board/|editorial-policy/|feeds/approved/|sitemap\.xml)?$") {
        # These pages are the same for every anonymous reader.
        unset req.http.Cookie;
        return (hash);
    }

    # Everything else (search, desks, forms, admin) is private.
    return (pass);
}

sub purge_everything {
    # obj.* only: Varnish's ban lurker then clears objects in the background
    # instead of each lookup testing the ban list.
    ban("obj.status != 0");
    return (synth(200, "Banned everything"));
}

# One site: the key is the path alone, so a purge from an app server needs no
# Host juggling. Vary (Cookie on the bare article address) splits it further.
sub vcl_hash {
    hash_data(req.url);
    return (lookup);
}

sub vcl_backend_response {
    # Only what Django marked public is shared. Anything else is remembered
    # for a while as hit-for-miss: later requests go straight to the app
    # without queuing behind each other, yet a public answer can still
    # replace it (hit-for-pass could not).
    if (beresp.http.Cache-Control !~ "(^|,)\s*public\s*(,|$)"
        || beresp.http.Cache-Control ~ "(private|no-store)"
        || beresp.http.Set-Cookie) {
        set beresp.uncacheable = true;
        set beresp.ttl = 120s;
        return (deliver);
    }
    # A background refresh (a copy within its grace) that fails keeps the
    # stale copy in service rather than caching the error.
    if (beresp.status >= 500 && bereq.is_bgfetch) {
        return (abandon);
    }
    # beresp.ttl comes from s-maxage (ahead of max-age=0, which is meant for
    # browsers) and beresp.grace from stale-while-revalidate: Varnish reads
    # both from Cache-Control itself, so the app's settings
    # (SHARED_CACHE_SECONDS, SHARED_CACHE_STALE_SECONDS) rule here too.
    return (deliver);
}

sub vcl_deliver {
    # Tests and operators tell a stored copy from a fresh one by this header
    # (Age says how old the copy is).
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
}
