"""Running the app under uvicorn, for `jigsaw serve` and `jigsaw demo`."""

import os

import uvicorn

DEFAULT_HOST = "127.0.0.1"


def default_port() -> int:
    """The port to serve on: ``PORT`` if set, else 8000."""
    return int(os.environ.get("PORT", "8000"))


def run_server(*, host: str, port: int) -> None:
    """Run the web server until interrupted."""
    uvicorn.run(
        "jigsaw.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        log_config=None,
        proxy_headers=True,
        server_header=False,
    )
