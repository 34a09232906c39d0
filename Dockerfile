# perfval image: Debian bookworm, built from source with the same install script as the README, run as user 10001.
#   docker build -t perfval:0.1.0 .        (k8s/kustomization.yaml deploys the image named perfval)
# Stage 1 compiles with the build dependencies; stage 2 holds only the runtime libraries and the two binaries.

FROM debian:bookworm AS build
WORKDIR /src
# The install script first, alone, so the package layer stays cached while the sources change.
COPY scripts/install-deps.sh scripts/install-deps.sh
RUN scripts/install-deps.sh --build-only && rm -rf /var/lib/apt/lists/*
COPY . .
# The tests are built and run by CI (scripts/test.sh), not here: only the two executables.
RUN PERFVAL_BUILD_DIR=build scripts/build.sh perfval perfval-bench

FROM debian:bookworm-slim AS runtime
COPY scripts/install-deps.sh /tmp/install-deps.sh
RUN /tmp/install-deps.sh --runtime && rm -rf /var/lib/apt/lists/* /tmp/install-deps.sh
# perfval runs perfval-bench from its own folder for `perfval bench`.
COPY --from=build /src/build/perfval /src/build/perfval-bench /usr/local/bin/
COPY scenarios/ /etc/perfval/scenarios/
COPY baselines/ /etc/perfval/baselines/
RUN groupadd --gid 10001 perfval \
 && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin perfval \
 && mkdir -p /results && chown 10001:10001 /results
USER 10001:10001
WORKDIR /results
ENTRYPOINT ["perfval"]
CMD ["--help"]
