"""deploy/compose.yaml, read as data: the services, images, commands, health checks and environment.

(The docker CLI here has no compose plugin; .ci/run also runs `docker compose config`
where one is installed.)
"""

import re
from pathlib import Path

import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
APP_SERVICES = ("release", "web", "worker", "beat")


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def command_of(service):
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def healthcheck_of(service):
    test = service["healthcheck"]["test"]
    return test if isinstance(test, str) else " ".join(test)


def test_every_part_of_the_site_is_a_service(services):
    assert set(services) == {"release", "web", "worker", "beat", "db", "redis", "elasticsearch", "nginx"}


def test_images(services):
    assert services["db"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert re.fullmatch(
        r"docker\.elastic\.co/elasticsearch/elasticsearch:8\.\d+\.\d+", services["elasticsearch"]["image"]
    )
    assert services["nginx"]["image"].startswith("nginx:")
    for name in APP_SERVICES:
        assert services[name]["image"] == "ocop-marketplace:latest"
        assert services[name]["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}
        assert (DEPLOY / ".." / services[name]["build"]["dockerfile"]).is_file()


def test_commands(services):
    assert command_of(services["web"]) == "gunicorn --config deploy/gunicorn.conf.py shop.wsgi:application"
    assert command_of(services["worker"]).startswith("celery -A shop worker")
    assert command_of(services["beat"]).startswith("celery -A shop beat")
    assert "migrate --noinput" in command_of(services["release"])
    assert "collectstatic --noinput" in command_of(services["release"])
    assert "search_index --repair" in command_of(services["release"])


def test_app_services_run_the_production_settings_against_the_compose_services(services):
    for name in APP_SERVICES:
        environment = services[name]["environment"]
        assert services[name]["env_file"] == ".env"
        assert environment["DJANGO_SETTINGS_MODULE"] == "shop.settings.production"
        assert re.fullmatch(
            r"postgres://ocop:\$\{POSTGRES_PASSWORD:\?[^}]*\}@db:5432/ocop", environment["DATABASE_URL"]
        )
        assert environment["REDIS_URL"] == "redis://redis:6379/1"
        assert environment["CELERY_BROKER_URL"] == "redis://redis:6379/0"
        assert re.fullmatch(
            r"http://elastic:\$\{ELASTIC_PASSWORD:\?[^}]*\}@elasticsearch:9200", environment["ELASTICSEARCH_URL"]
        )


def test_the_database_and_the_search_engine_share_their_passwords_with_the_app(services):
    assert services["db"]["environment"]["POSTGRES_USER"] == "ocop"
    assert services["db"]["environment"]["POSTGRES_DB"] == "ocop"
    assert services["db"]["environment"]["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD:?")
    assert services["elasticsearch"]["environment"]["ELASTIC_PASSWORD"].startswith("${ELASTIC_PASSWORD:?")
    assert services["elasticsearch"]["environment"]["discovery.type"] == "single-node"


def test_health_checks(services):
    assert "pg_isready" in healthcheck_of(services["db"])
    assert "redis-cli ping" in healthcheck_of(services["redis"])
    assert "_cluster/health" in healthcheck_of(services["elasticsearch"])
    assert "/healthz" in healthcheck_of(services["web"])
    assert "inspect ping" in healthcheck_of(services["worker"])


def test_nothing_starts_before_what_it_needs(services):
    for name in APP_SERVICES:
        depends_on = services[name]["depends_on"]
        for needed in ("db", "redis", "elasticsearch"):
            assert depends_on[needed] == {"condition": "service_healthy"}, (name, needed)
        if name != "release":
            assert depends_on["release"] == {"condition": "service_completed_successfully"}
    assert services["nginx"]["depends_on"]["web"] == {"condition": "service_healthy"}


def test_data_lives_in_volumes(compose, services):
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert "esdata:/usr/share/elasticsearch/data" in services["elasticsearch"]["volumes"]
    assert "media:/app/var/media" in services["web"]["volumes"]
    assert "static:/app/var/static" in services["release"]["volumes"]
    assert set(compose["volumes"]) >= {"pgdata", "redisdata", "esdata", "media", "private", "static", "beat"}


def test_private_files_are_shared_by_web_and_worker_but_never_served(services):
    for name in ("web", "worker"):
        assert "private:/app/var/private" in services[name]["volumes"], name
    assert not any(volume.startswith("private:") for volume in services["nginx"]["volumes"])


def test_nginx_serves_the_files_and_proxies_to_web(services):
    nginx = services["nginx"]
    assert "./nginx.conf:/etc/nginx/conf.d/default.conf:ro" in nginx["volumes"]
    assert "static:/srv/static:ro" in nginx["volumes"]
    assert "media:/srv/media:ro" in nginx["volumes"]
    assert nginx["ports"] == ["${HTTP_PORT:-80}:80"]

    conf = (DEPLOY / "nginx.conf").read_text()
    assert re.search(r"upstream ocop_web \{\s*server web:8000;", conf)
    assert "8000" in services["web"]["expose"]
    assert re.search(r"location /static/ \{\s*alias /srv/static/;", conf)
    assert re.search(r"location /media/ \{\s*alias /srv/media/;", conf)
    assert "proxy_pass http://ocop_web;" in conf
    assert "proxy_set_header X-Forwarded-Proto" in conf
    assert conf.count("{") == conf.count("}")


def test_only_nginx_is_published(services):
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"nginx"}
