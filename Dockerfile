# Multi-stage: install the hashed lock into a venv with the compilers at hand, run it on a slim image.
FROM python:3.11-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY requirements.txt pyproject.toml README.md ./
COPY docker/install.sh docker/install.sh
COPY bot bot
COPY index index
COPY bench bench
# The same script `make lock-check` runs in CI: requirements.txt with --require-hashes, then the project.
RUN sh docker/install.sh /opt/referent /src

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 referent
COPY --from=build /opt/referent /opt/referent
WORKDIR /app
COPY config config
COPY demo demo
COPY docker/entrypoint.sh /usr/local/bin/referent-entrypoint
# config/referent.toml lists no sources; mount your own at /config/referent.toml (the entrypoint uses
# it when present) or point REFERENT_CONFIG at it. The word lists stay in /app/config.
ENV PATH=/opt/referent/bin:$PATH \
    REFERENT_CONFIG_DIR=/app/config \
    REFERENT_DB=/data/referent.db \
    PYTHONUNBUFFERED=1
RUN mkdir /data /config && chown referent:referent /data
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
# Starts as root only to make /data writable for the referent user (a bound host folder is root's),
# then runs the command as referent (uid 10001). `docker run --user …` skips the fix-up and says so.
ENTRYPOINT ["referent-entrypoint"]
# Inside the container the server must listen on 0.0.0.0: set REFERENT_WEB_TOKEN, or pass --public for public minutes.
CMD ["referent", "serve", "--host", "0.0.0.0", "--port", "8000"]
