# latchkey: build the release binary, then run it on a slim Debian.
#   docker build -t latchkey .
#   docker run -e DATABASE_URL=postgres://... -e LATCHKEY_ENV=production \
#              -e LATCHKEY_SECRET=... -p 3000:3000 latchkey

FROM rust:1-bookworm AS builder
WORKDIR /src
COPY . .
# SQLite and libpq are bundled (compiled from source), so the build needs
# nothing beyond the Rust image.
RUN cargo build --release -p latchkey --locked \
    && cp target/release/latchkey /usr/local/bin/latchkey

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /var/lib/latchkey \
               --shell /usr/sbin/nologin latchkey
COPY --from=builder /usr/local/bin/latchkey /usr/local/bin/latchkey
USER latchkey
# The default SQLite file (when DATABASE_URL is not set) lands here.
WORKDIR /var/lib/latchkey
ENV LATCHKEY_ADDR=0.0.0.0:3000
EXPOSE 3000
ENTRYPOINT ["latchkey"]
CMD ["serve"]
