# syntax=docker/dockerfile:1
# certform's container image: built from source with the official Swift image by the same
# `make dist` as the release tarballs, then run on a slim Debian with libyaml and CA certificates,
# as an unprivileged user.
#
#   docker build --build-arg COMMIT="$(git rev-parse HEAD)" -t certform .
#   docker run --rm -v "$PWD:/work" certform plan
ARG SWIFT_VERSION=6.3
ARG DEBIAN_RELEASE=bookworm

FROM swift:${SWIFT_VERSION}-${DEBIAN_RELEASE} AS build
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends libyaml-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The commit --version prints (.git is not in the build context).
ARG COMMIT=unknown
RUN --mount=type=cache,target=/src/.build \
    COMMIT="$COMMIT" CONFIGURATION=release DIST_DIR=/dist bash scripts/dist.sh \
 && mkdir /opt/certform \
 && tar -xzf /dist/certform-*.tar.gz -C /opt/certform --strip-components=1

FROM debian:${DEBIAN_RELEASE}-slim AS runtime
# Security updates come with the slim image's rebuilds; pinning Debian package versions would only
# break the build when the archive moves on.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends libyaml-0-2 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 certform \
 && useradd --system --uid 10001 --gid certform --home-dir /home/certform --create-home --shell /usr/sbin/nologin certform
COPY --from=build /opt/certform/certform /opt/certform/certcentral-sandbox /usr/local/bin/
COPY --from=build /opt/certform/completions/certform.bash /usr/share/bash-completion/completions/certform
COPY --from=build /opt/certform/README.md /opt/certform/LICENSE /opt/certform/THIRD-PARTY-NOTICES.txt /opt/certform/CHANGELOG.md /usr/share/doc/certform/
LABEL org.opencontainers.image.title="certform" \
      org.opencontainers.image.description="Paid TLS certificate orders, the GitOps way: DigiCert DV orders from YAML manifests in git" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.source="https://github.com/certform/certform"
# The certificates repository is mounted here; it must be readable (and, for apply and refresh,
# writable) by uid 10001.
WORKDIR /work
USER 10001:10001
ENTRYPOINT ["certform"]
CMD ["--help"]
