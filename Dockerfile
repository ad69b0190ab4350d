# One image for migrate, web, worker and beat (docker-compose.yml picks the command).
FROM python:3.11-slim-bookworm

# PORT: gunicorn binds 0.0.0.0:$PORT (a bare `docker run` too, not only compose).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PORT=8000 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
      libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# The runtime lock only (no test tools), every file checked against its hash.
COPY requirements/runtime.txt requirements/runtime.txt
RUN pip install --no-deps --require-hashes -r requirements/runtime.txt
COPY . .
RUN DEBUG=false SECRET_KEY=build-only-never-served PAYSTACK_SANDBOX=true \
    STATIC_ROOT=/app/staticfiles python manage.py collectstatic --noinput

# /data is the shared `media` volume (uploads, ticket PDFs); a new named volume takes this
# directory's owner, so the app user can write there.
RUN useradd --create-home app \
 && mkdir -p /data/media /data/private \
 && chown -R app /app /data
USER app
EXPOSE 8000
CMD ["gunicorn", "getiickets.wsgi:application", "--access-logfile", "-"]
