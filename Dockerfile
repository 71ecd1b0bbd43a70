# Multi-stage: build wheels with the compilers, run on a slim image as a non-root user.
FROM python:3.11-slim AS build
RUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY index index
COPY bench bench
RUN pip wheel --no-cache-dir --wheel-dir /wheels .

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 referent
COPY --from=build /wheels /wheels
RUN pip install --no-cache-dir /wheels/*.whl && rm -rf /wheels
WORKDIR /app
COPY config config
COPY demo demo
ENV REFERENT_CONFIG_DIR=/app/config \
    REFERENT_DB=/data/referent.db \
    PYTHONUNBUFFERED=1
RUN mkdir /data && chown referent /data
USER referent
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"
# Inside the container the server must listen on 0.0.0.0: set REFERENT_WEB_TOKEN, or pass --public for public minutes.
CMD ["referent", "serve", "--host", "0.0.0.0", "--port", "8000"]
