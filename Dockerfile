# syntax=docker/dockerfile:1
# Bitaqa container image. Operations guide: docs/deploy.md.
#
#   docker build -t bitaqa .
#   docker run --rm -p 8080:8080 -e BITAQA_ENV=development -v bitaqa-data:/var/lib/bitaqa bitaqa   # trying it
#   docker run --rm --env-file bitaqa.env -v bitaqa-data:/var/lib/bitaqa bitaqa migrate
#
# The image runs as production (BITAQA_ENV=production) and sets no secret: configuration comes from the
# environment at `docker run` time (see deploy/bitaqa.env.example), and a missing or unsafe setting
# stops it with exit 2. Bitaqa refuses plain HTTP on 0.0.0.0 unless BITAQA_TLS_CERT_FILE/BITAQA_TLS_KEY_FILE
# or BITAQA_BEHIND_TLS_PROXY=true is set. To try the image as a developer, pass -e BITAQA_ENV=development.

ARG SWIFT_IMAGE=swift:6.3-noble
ARG RUNTIME_IMAGE=ubuntu:noble

# ================================
# Build stage
# ================================
FROM ${SWIFT_IMAGE} AS build

WORKDIR /build

# Dependencies first, in their own layer: it is rebuilt only when Package.swift changes. Every
# dependency is pinned with `exact:` there, so the image builds the versions CI builds.
COPY Package.swift ./
RUN swift package resolve

# Then what the `bitaqa` product is built from. SwiftPM wants the folder of every declared target,
# tests included, and the EmbedOpenAPI build plugin embeds openapi.yaml into the binary. If
# Package.swift gains another input, add it here.
COPY Sources ./Sources
COPY Tests ./Tests
COPY Plugins ./Plugins
COPY openapi.yaml ./

# Swift's standard library and Foundation are linked statically, so the runtime image needs no Swift
# toolchain; the binary still links glibc, libstdc++, libgcc_s and zlib dynamically (see below).
RUN swift build -c release --product bitaqa --static-swift-stdlib

# Staging: the binary, and the static crash backtracer the Swift runtime runs on a crash. The binary
# loses its debug information (DWARF, about 60% of its size) but keeps its symbol table, so a crash's
# backtrace still names every function (without file and line).
RUN mkdir /staging \
    && cp "$(swift build -c release --product bitaqa --static-swift-stdlib --show-bin-path)/bitaqa" /staging/ \
    && strip --strip-debug /staging/bitaqa \
    && cp /usr/libexec/swift/linux/swift-backtrace-static /staging/

# ================================
# Runtime stage
# ================================
FROM ${RUNTIME_IMAGE}

# What the statically linked binary still needs from the system, and nothing more:
# - libstdc++6, libgcc-s1: the Swift runtime links libstdc++ and libgcc_s dynamically even with
#   --static-swift-stdlib. Both are already in ubuntu:noble; listed so that this stays true.
# - zlib1g: libz.so.1, for HTTP compression in swift-nio-extras (used by AsyncHTTPClient). Also in
#   the base image already.
# - ca-certificates: the system trust roots, used to verify OneClickDz, the SMTP server, the SMS
#   gateway and PostgreSQL (with ?tlsmode=require).
# - tzdata: Foundation reads /usr/share/zoneinfo; messages show the processing date in Algeria's
#   time (Africa/Algiers).
# Not needed: libcurl4 (FoundationNetworking is not used; HTTP goes through AsyncHTTPClient),
# libxml2 (no FoundationXML), libsqlite3 (sqlite-nio bundles SQLite), libssl (BoringSSL is bundled
# by swift-crypto and swift-nio-ssl).
# hadolint ignore=DL3008
RUN export DEBIAN_FRONTEND=noninteractive DEBCONF_NONINTERACTIVE_SEEN=true \
    && apt-get -q update \
    && apt-get -q dist-upgrade -y \
    && apt-get -q install -y --no-install-recommends \
        ca-certificates \
        tzdata \
        libstdc++6 \
        libgcc-s1 \
        zlib1g \
    && rm -rf /var/lib/apt/lists/*

# A fixed, unprivileged user, so that file ownership on volumes and bind mounts is predictable.
# The data folder is 0700, as Bitaqa itself would create it (it does not change an existing one).
RUN groupadd --system --gid 10001 bitaqa \
    && useradd --system --uid 10001 --gid bitaqa --no-create-home --home-dir /var/lib/bitaqa \
        --shell /usr/sbin/nologin bitaqa \
    && install -d -m 0700 -o bitaqa -g bitaqa /var/lib/bitaqa

# Root-owned and read-only for the service user.
COPY --from=build /staging/bitaqa /usr/local/bin/bitaqa
COPY --from=build /staging/swift-backtrace-static /usr/local/libexec/bitaqa/swift-backtrace-static
COPY --chmod=0755 deploy/docker-healthcheck /usr/local/bin/bitaqa-healthcheck

# - BITAQA_ENV: production; a development run must say so (-e BITAQA_ENV=development).
# - BITAQA_DATA_DIR: the volume below (SQLite database, audit checkpoint, development files).
# - BITAQA_HTTP_HOST: listen on every interface of the container; the port is published by Docker.
# - SWIFT_BACKTRACE: on a crash, print a symbolicated backtrace to stderr and exit. Paths sanitized;
#   registers=none keeps register contents (which could hold fragments of data) out of the log.
ENV BITAQA_ENV=production \
    BITAQA_DATA_DIR=/var/lib/bitaqa \
    BITAQA_HTTP_HOST=0.0.0.0 \
    BITAQA_HTTP_PORT=8080 \
    SWIFT_BACKTRACE=enable=yes,sanitize=yes,threads=all,images=mentioned,registers=none,interactive=no,output-to=stderr,swift-backtrace=/usr/local/libexec/bitaqa/swift-backtrace-static

VOLUME ["/var/lib/bitaqa"]

# `/` is root-owned and not writable by the service user, so no `.env` can be planted in the working
# directory, where Bitaqa would read one.
WORKDIR /

# Numeric, so that a runtime can check it is not root (Kubernetes runAsNonRoot) without /etc/passwd.
USER 10001:10001

EXPOSE 8080

# Liveness only (GET /health): no extra package is installed for it; the script uses bash's
# /dev/tcp. With BITAQA_TLS_CERT_FILE set the server speaks HTTPS only, and the check falls back to
# "the port accepts connections". Readiness (database reachable) is GET /ready, for load balancers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["/usr/local/bin/bitaqa-healthcheck"]

# SIGTERM starts a graceful stop: in-flight requests and the checks and deliveries in hand finish,
# bounded by BITAQA_SHUTDOWN_TIMEOUT (30 s) plus at most 5 s of cancellation. Docker's default stop
# timeout is 10 s: use `docker stop -t 45` or `stop_grace_period: 45s` (docs/deploy.md).
STOPSIGNAL SIGTERM

ENTRYPOINT ["/usr/local/bin/bitaqa"]
CMD ["serve"]
