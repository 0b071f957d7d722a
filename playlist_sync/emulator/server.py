"""Serving the emulator: the aiohttp app, in the foreground, or on a background thread."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import threading
from types import TracebackType

from aiohttp import web

from playlist_sync.emulator.admin import add_admin_routes
from playlist_sync.emulator.admin_client import EmulatorAdmin
from playlist_sync.emulator.data_api import add_data_api_routes
from playlist_sync.emulator.oauth import add_oauth_routes
from playlist_sync.emulator.seed import parse_seed
from playlist_sync.emulator.state import STATE_KEY, EmulatorOptions, EmulatorState

__all__ = [
    "EmulatorOptions",
    "RunningEmulator",
    "ServedEmulator",
    "create_app",
    "run_emulator",
    "serve_until_signalled",
]

HOST = "127.0.0.1"
# A 5,000-item seed is well over aiohttp's default 1 MiB body limit.
MAX_BODY_BYTES = 64 * 1024 * 1024
# In-flight requests (say, sleeping injected latency) must not hold up a stop for long.
SHUTDOWN_SECONDS = 1.0


def create_app(options: EmulatorOptions, public_url: str) -> web.Application:
    """The emulator as an aiohttp app; raises SeedError (a ValueError) for a bad seed."""
    if options.daily_quota <= 0 or options.token_ttl <= 0:
        raise ValueError("daily_quota and token_ttl must be positive")
    seed = parse_seed(options.seed if options.seed is not None else {})
    app = web.Application(client_max_size=MAX_BODY_BYTES)
    app[STATE_KEY] = EmulatorState(options, public_url, seed)
    add_data_api_routes(app)
    add_oauth_routes(app)
    add_admin_routes(app)
    return app


def _bind(port: int) -> socket.socket:
    # Bound before the app exists, so that a free port (0) is known for the OAuth URLs.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError:
        sock.close()
        raise
    return sock


class ServedEmulator:
    """The emulator on the running event loop: `async with ServedEmulator(options) as emu`.

    Only for async clients: a blocking client (httplib2) called on this same loop would
    deadlock it; use RunningEmulator for those.
    """

    def __init__(self, options: EmulatorOptions, port: int = 0) -> None:
        self.options = options
        self.port = port
        self._runner: web.AppRunner | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    async def start(self) -> str:
        sock = _bind(self.port)
        self.port = sock.getsockname()[1]
        try:
            app = create_app(self.options, self.url)
        except Exception:
            sock.close()
            raise
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=SHUTDOWN_SECONDS)
        await self._runner.setup()
        await web.SockSite(self._runner, sock).start()
        return self.url

    async def stop(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> ServedEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


class RunningEmulator:
    """The emulator on its own thread and event loop: `with RunningEmulator(options) as emu`."""

    def __init__(self, options: EmulatorOptions | None = None, port: int = 0) -> None:
        self._served = ServedEmulator(options or EmulatorOptions(), port)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._failure: BaseException | None = None

    @property
    def url(self) -> str:
        return self._served.url

    @property
    def admin(self) -> EmulatorAdmin:
        return EmulatorAdmin(self.url)

    def start(self) -> RunningEmulator:
        self._thread = threading.Thread(target=self._run, name="youtube-emulator", daemon=True)
        self._thread.start()
        self._started.wait()
        if self._failure is not None:
            raise self._failure
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is None or thread is None or not thread.is_alive():
            return
        asyncio.run_coroutine_threadsafe(self._served.stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        try:
            loop.run_until_complete(self._served.start())
        except BaseException as error:
            self._failure = error
            self._started.set()
            loop.close()
            return
        self._started.set()
        try:
            loop.run_forever()
        finally:
            loop.close()

    def __enter__(self) -> RunningEmulator:
        return self.start()

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def run_emulator(port: int, options: EmulatorOptions) -> None:
    """Serves 127.0.0.1:`port` in the foreground until Ctrl-C or SIGTERM."""
    asyncio.run(serve_until_signalled(port, options))


async def serve_until_signalled(port: int, options: EmulatorOptions) -> None:
    """Serves on the running event loop until SIGINT or SIGTERM (`starter.py emulator`)."""
    served = ServedEmulator(options, port)
    url = await served.start()
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        # Windows event loops cannot install signal handlers; Ctrl-C still interrupts there.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(signum, stopping.set)
    print(f"YouTube emulator listening on {url}", flush=True)
    try:
        await stopping.wait()
    finally:
        await served.stop()
