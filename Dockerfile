# syntax=docker/dockerfile:1
# Build: install the locked dependencies into a virtualenv.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install -r /tmp/requirements.lock
WORKDIR /srv/hotline
COPY pyproject.toml alembic.ini README.md ./
COPY app ./app
COPY migrations ./migrations
# Editable, so that alembic.ini and migrations/ stay beside the code they belong to.
RUN /opt/venv/bin/pip install --no-deps -e .

# Runtime: the virtualenv and the source, no build tools, not root.
FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    HOTLINE_DATABASE_URL=sqlite:////data/hotline.db \
    HOTLINE_UPLOAD_DIR=/data/uploads
RUN useradd --system --uid 10001 --home-dir /srv/hotline hotline \
    && mkdir /data && chown hotline /data
COPY --from=build /opt/venv /opt/venv
COPY --from=build /srv/hotline /srv/hotline
WORKDIR /srv/hotline
USER hotline
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"]
# Migrations are their own command: `docker run ... hotline migrate` before a new version starts.
CMD ["uvicorn", "app.main:create_app", "--factory", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers"]
