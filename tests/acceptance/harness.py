"""Drive PCSO Desk the way a person does, from outside its process.

The app runs as its own process (the `pcso-desk` command) on a virtual X screen (Xvfb).
Everything reaches it through the X server, as real input does: keys and typed text from
`xdotool key` / `xdotool type`, clicks from `xdotool mousemove` + `click` at a point of a
window, the keyboard focus from `xdotool windowfocus`. Nothing calls into its widgets.
What happened is read from outside as well: window titles (`xdotool getwindowname`), the
screen (`xwd -root`), and the store through the command line (`pcso-desk ... export`).

Every wait polls a condition until a deadline; a wait that runs out fails with a
screenshot of the whole screen (kept under the test's tmp_path) and the tail of the app's
own log (its stdout and stderr), so a failure can be looked at after the run.
"""

from __future__ import annotations

import contextlib
import os
import re
import select
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

REPO = Path(__file__).resolve().parents[2]  # the checkout whose app these tests drive
TOOLS = ("Xvfb", "xdotool", "xwd")  # Debian: xvfb, xdotool, x11-apps
SCREEN_SIZE = "1400x900x24"
POLL = 0.15  # seconds between two looks at the screen while waiting for something
START_TIMEOUT = 45.0  # a cold start on a busy CI machine
STEP_TIMEOUT = 20.0
EXIT_TIMEOUT = 20.0
T = TypeVar("T")


class NotYet(Exception):
    """Raised by a polled check that has not come true yet; its text says what was seen."""


def missing_tools() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def poll(check: Callable[[], T], timeout: float, what: str) -> T:
    """Call `check` until it returns without NotYet, or fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    last = ""
    while True:
        try:
            return check()
        except NotYet as seen:
            last = str(seen)
        if time.monotonic() >= deadline:
            detail = f" (last seen: {last})" if last else ""
            raise TimeoutError(f"{what}: not within {timeout:.0f} s{detail}")
        time.sleep(POLL)


# -- the X server --------------------------------------------------------------------------


class XServer:
    """An Xvfb screen of our own: started on a free display number, stopped at the end."""

    def __init__(self, log: Path) -> None:
        self.log = log
        read_end, write_end = os.pipe()
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                ["Xvfb", "-displayfd", str(write_end), "-screen", "0", SCREEN_SIZE,
                 "-nolisten", "tcp", "-noreset"],
                pass_fds=(write_end,), stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        os.close(write_end)
        try:
            self.display = f":{self._read_number(read_end)}"
        except Exception:
            self.stop()
            raise
        finally:
            os.close(read_end)

    def _read_number(self, fd: int) -> int:
        """Xvfb writes the display number it took to the pipe once it accepts clients."""
        deadline = time.monotonic() + START_TIMEOUT
        text = b""
        while not text.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or self.process.poll() is not None:
                raise RuntimeError(f"Xvfb did not start: {self.log.read_text(errors='replace')}")
            ready, _, _ = select.select([fd], [], [], left)
            if ready:
                chunk = os.read(fd, 64)
                if not chunk:
                    continue
                text += chunk
        return int(text.strip())

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)

    @property
    def env(self) -> dict[str, str]:
        return {**os.environ, "DISPLAY": self.display}

    # -- xdotool --------------------------------------------------------------------------

    def xdotool(self, *args: str, timeout: float = 10.0, check: bool = True) -> str:
        done = subprocess.run(
            ["xdotool", *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if check and done.returncode != 0:
            raise RuntimeError(f"xdotool {' '.join(args)} failed: {done.stderr.strip()}")
        return done.stdout

    def windows(self) -> list[Window]:
        """The windows on screen now (mapped and named), with their titles and processes."""
        found = self.xdotool("search", "--onlyvisible", "--name", ".", check=False)
        shown = []
        for line in found.split():
            name = self.xdotool("getwindowname", line, check=False).rstrip("\n")
            pid = self.xdotool("getwindowpid", line, check=False).strip()
            if name:
                shown.append(Window(int(line), name, int(pid) if pid.isdigit() else None))
        return shown

    def title(self, window: Window) -> str:
        return self.xdotool("getwindowname", str(window.id)).rstrip("\n")

    def geometry(self, window: Window) -> tuple[int, int, int, int]:
        """x, y (on the screen), width, height."""
        shell = self.xdotool("getwindowgeometry", "--shell", str(window.id))
        values = dict(line.split("=", 1) for line in shell.split() if "=" in line)
        return (int(values["X"]), int(values["Y"]), int(values["WIDTH"]), int(values["HEIGHT"]))

    def focus(self, window: Window) -> None:
        """Bring `window` to the front and give it the keyboard (no window manager needed)."""
        self.xdotool("windowraise", str(window.id))
        self.xdotool("windowfocus", "--sync", str(window.id), timeout=STEP_TIMEOUT)

    def type(self, text: str) -> None:
        self.xdotool("type", "--delay", "12", "--", text, timeout=60)

    def key(self, *keys: str) -> None:
        self.xdotool("key", "--delay", "40", "--", *keys)

    def click(self, window: Window, x: int, y: int, button: int = 1) -> None:
        """Move the pointer to (x, y) inside `window` and click there."""
        self.xdotool("mousemove", "--window", str(window.id), "--sync", str(x), str(y))
        self.xdotool("click", str(button))

    def screenshot(self) -> Shot:
        done = subprocess.run(
            ["xwd", "-root", "-silent"], env=self.env, capture_output=True, timeout=30
        )
        if done.returncode != 0:
            raise RuntimeError(f"xwd failed: {done.stderr.decode(errors='replace')}")
        return Shot.from_xwd(done.stdout)


@dataclass(frozen=True)
class Window:
    id: int
    title: str
    pid: int | None


# -- the screen ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shot:
    """A screenshot: pixels as blue, green, red bytes, row after row."""

    width: int
    height: int
    pixels: bytes

    @classmethod
    def from_xwd(cls, data: bytes) -> Shot:
        """Read the ZPixmap TrueColor image (24 or 32 bits a pixel) xwd makes of the screen."""
        head = struct.unpack(">25I", data[:100])
        size, form, width, height = head[0], head[2], head[4], head[5]
        order, bits, stride, masks, colours = head[7], head[11], head[12], head[14:17], head[19]
        step = bits // 8
        if form != 2 or step not in (3, 4) or masks != (0xFF0000, 0xFF00, 0xFF):
            raise ValueError(f"an xwd image this harness cannot read: {head}")
        start = size + colours * 12
        packed = b"".join(
            data[start + y * stride : start + y * stride + width * step] for y in range(height)
        )
        # Least significant byte first: blue, green, red (, pad); else (pad,) red, green, blue.
        where = (0, 1, 2) if order == 0 else (step - 1, step - 2, step - 3)
        pixels = bytearray(width * height * 3)
        for to, source in enumerate(where):
            pixels[to::3] = packed[source::step]
        return cls(width, height, bytes(pixels))

    def save_png(self, path: Path) -> Path:
        rows = []
        for y in range(self.height):
            row = self.pixels[y * self.width * 3 : (y + 1) * self.width * 3]
            rgb = bytearray(self.width * 3)
            rgb[0::3], rgb[1::3], rgb[2::3] = row[2::3], row[1::3], row[0::3]
            rows.append(b"\x00" + bytes(rgb))

        def chunk(kind: bytes, body: bytes) -> bytes:
            crc = zlib.crc32(kind + body)
            return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc)

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        path.write_bytes(
            b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(b"".join(rows), 6))
            + chunk(b"IEND", b"")
        )
        return path

    def _rows(self, area: tuple[int, int, int, int]) -> Iterator[bytes]:
        x, y, width, height = area
        x0, x1 = max(0, x), min(self.width, x + width)
        for row in range(max(0, y), min(self.height, y + height)):
            start = row * self.width * 3
            yield self.pixels[start + x0 * 3 : start + x1 * 3]

    def share(self, colour: str, area: tuple[int, int, int, int]) -> float:
        """The share (0..1) of `area`'s pixels that are exactly `colour` (#rrggbb)."""
        pattern = re.compile(re.escape(_bgr(colour)))
        seen = hits = 0
        for row in self._rows(area):
            seen += len(row) // 3
            hits += sum(1 for m in pattern.finditer(row) if m.start() % 3 == 0)
        return hits / seen if seen else 0.0

    def span(self, colour: str, area: tuple[int, int, int, int], tolerance: int = 10) -> int:
        """How wide (in pixels) the run of text drawn in `colour` is, leftmost to rightmost."""
        channels = _bgr(colour)
        pattern = re.compile(
            b"".join(
                b"[" + re.escape(bytes([max(0, c - tolerance)])) + b"-"
                + re.escape(bytes([min(255, c + tolerance)])) + b"]"
                for c in channels
            )
        )  # fmt: skip
        left, right = None, None
        for row in self._rows(area):
            for match in pattern.finditer(row):
                if match.start() % 3 == 0:
                    at = match.start() // 3
                    left = at if left is None else min(left, at)
                    right = at if right is None else max(right, at)
        return 0 if left is None or right is None else right - left


def _bgr(colour: str) -> bytes:
    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) for i in (0, 2, 4))
    return bytes([blue, green, red])


# -- the app -----------------------------------------------------------------------------------


def app_command() -> list[str]:
    """`pcso-desk`, as installed beside this Python (its code comes from REPO, see app_env)."""
    script = Path(sys.executable).with_name("pcso-desk")
    if script.exists():
        return [str(script)]
    found = shutil.which("pcso-desk")
    return [found] if found else [sys.executable, "-m", "pcso_desk"]


def app_env(home: Path, cache: Path, display: str | None) -> dict[str, str]:
    """The app's own environment: its own home, no default data folder, this checkout's code."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PCSO_DESK_", "QT_", "XDG_")) and key != "DISPLAY"
    }
    runtime = home / "runtime"
    for folder in (home, home / "config", home / "data", runtime):
        folder.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    env.update(
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(cache),  # shared: fontconfig builds its cache once a session
        XDG_RUNTIME_DIR=str(runtime),
        PYTHONPATH=os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        NO_AT_BRIDGE="1",
    )
    if display is not None:
        env.update(DISPLAY=display, QT_QPA_PLATFORM="xcb")
    else:
        env.update(QT_QPA_PLATFORM="offscreen")
    return env


@dataclass
class App:
    """One `pcso-desk` process on the X screen, driven only through the X server."""

    x: XServer
    data_dir: Path
    process: subprocess.Popen[bytes]
    log: Path
    evidence: Evidence

    @property
    def pid(self) -> int:
        return self.process.pid

    def window(self, title: str, timeout: float = START_TIMEOUT, mine: bool = True) -> Window:
        """Wait for a window whose title matches the regular expression `title` (with case).

        `mine`: only this process's windows count (a window the app started another
        PCSO Desk for does not), and this process ending is a failure straight away.
        """
        wanted = re.compile(title)

        def shown() -> Window:
            if mine and self.process.poll() is not None:
                raise self.evidence.failure(
                    f"PCSO Desk ended (exit code {self.process.returncode}) while a window "
                    f"titled /{title}/ was awaited"
                )
            windows = self.x.windows()
            for window in windows:
                if wanted.search(window.title) and (not mine or window.pid == self.pid):
                    return window
            raise NotYet(", ".join(repr(w.title) for w in windows) or "no window")

        return self.evidence.wait(shown, timeout, f"a window titled /{title}/")

    def focus(self, window: Window) -> None:
        self.x.focus(window)

    def type(self, window: Window, text: str) -> None:
        self.x.focus(window)
        self.x.type(text)

    def key(self, window: Window, *keys: str) -> None:
        self.x.focus(window)
        self.x.key(*keys)

    def click(self, window: Window, x: int, y: int) -> None:
        self.x.click(window, x, y)

    def title(self, window: Window) -> str:
        return self.x.title(window)

    def wait_exit(self, timeout: float = EXIT_TIMEOUT) -> int:
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            raise self.evidence.failure(
                f"PCSO Desk (pid {self.pid}) was still running {timeout:.0f} s after it was "
                "asked to quit"
            ) from None

    def quit(self, window: Window, keys: str = "ctrl+q") -> int:
        """Close the app from the keyboard (Ctrl+Q in the main window); its exit code."""
        self.key(window, keys)
        return self.wait_exit()

    def kill(self) -> None:
        if self.process.poll() is None:
            _end_group(self.process.pid)
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(10)


def _end_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(pid, signal.SIGTERM)  # its own session: the app and anything it started


def _alive(pid: int) -> bool:
    """Whether `pid` is a live process (a zombie waiting for its parent counts as ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def _is_pcso_desk(pid: int) -> bool:
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return False
    return b"pcso_desk" in command or b"pcso-desk" in command


# -- one test's world ------------------------------------------------------------------------------


@dataclass
class Evidence:
    """What a failure leaves behind: a screenshot and the tail of each app's log."""

    x: XServer
    folder: Path
    logs: list[Path] = field(default_factory=list)
    shots: int = 0

    def screenshot(self, name: str) -> Path:
        self.shots += 1
        path = self.folder / f"{self.shots:02d}-{name}.png"
        return self.x.screenshot().save_png(path)

    def report(self) -> str:
        lines = []
        try:
            lines.append(f"screenshot: {self.screenshot('failure')}")
        except Exception as exc:  # a dead X server must not hide the first failure
            lines.append(f"screenshot: none ({exc})")
        for log in self.logs:
            text = log.read_text(errors="replace") if log.exists() else ""
            tail = "\n".join(text.splitlines()[-40:]) or "(empty)"
            lines.append(f"app log {log}, last lines:\n{tail}")
        return "\n".join(lines)

    def failure(self, message: str) -> AssertionError:
        error = AssertionError(f"{message}\n{self.report()}")
        error.evidence_shown = True  # type: ignore[attr-defined]
        return error

    def wait(self, check: Callable[[], T], timeout: float, what: str) -> T:
        try:
            return poll(check, timeout, what)
        except TimeoutError as late:
            raise self.failure(str(late)) from None


class Harness:
    """One test's apps, folders and evidence; everything it started ends with it."""

    def __init__(self, x: XServer, folder: Path, cache: Path) -> None:
        self.x = x
        self.folder = folder
        self.cache = cache
        self.evidence = Evidence(x, folder)
        self.apps: list[App] = []
        self.others: set[int] = set()  # PCSO Desk processes an app started, found by window
        self.home = folder / "home"

    def start(self, data_dir: Path) -> App:
        """Start `pcso-desk --data-dir DATA_DIR` as its own process on the X screen."""
        log = self.folder / f"app-{len(self.apps) + 1}.log"
        self.evidence.logs.append(log)
        with log.open("ab") as out:
            process = subprocess.Popen(
                [*app_command(), "--data-dir", str(data_dir)],
                env=app_env(self.home, self.cache, self.x.display),
                cwd=self.folder, stdin=subprocess.DEVNULL, stdout=out,
                stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        app = App(self.x, data_dir, process, log, self.evidence)
        self.apps.append(app)
        return app

    def adopt(self, window: Window) -> int:
        """A PCSO Desk an app started by itself (found by its window): ended at teardown."""
        assert window.pid is not None, f"window {window.title!r} names no process"
        self.others.add(window.pid)
        return window.pid

    def wait_gone(self, pid: int, timeout: float = EXIT_TIMEOUT) -> None:
        def ended() -> None:
            if _alive(pid):
                raise NotYet(f"process {pid} still running")

        self.evidence.wait(ended, timeout, f"PCSO Desk (pid {pid}) to end")
        self.others.discard(pid)  # gone: its number may soon be another process's

    def cli(
        self, data_dir: Path, *args: str, user: str | None = None, password: str | None = None
    ) -> subprocess.CompletedProcess[str]:
        """`pcso-desk --data-dir DATA_DIR [--user USER] ARGS`, password from the environment."""
        env = app_env(self.home, self.cache, None)
        if password is not None:
            env["PCSO_DESK_PASSWORD"] = password
        command = [*app_command(), "--data-dir", str(data_dir)]
        command += ["--user", user] if user else []
        return subprocess.run(
            [*command, *args], env=env, cwd=self.folder, capture_output=True, text=True,
            stdin=subprocess.DEVNULL, timeout=120,
        )  # fmt: skip

    def close(self) -> None:
        for app in self.apps:
            app.kill()
        ours = [pid for pid in self.others if _alive(pid) and _is_pcso_desk(pid)]
        for pid in ours:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGTERM)
        for pid in ours:
            deadline = time.monotonic() + 10
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(POLL)
            if _alive(pid):
                os.kill(pid, signal.SIGKILL)


def tools_hint(missing: Sequence[str]) -> str:
    packages = {"Xvfb": "xvfb", "xdotool": "xdotool", "xwd": "x11-apps"}
    names = " ".join(sorted({packages[tool] for tool in missing}))
    return f"missing {', '.join(missing)}: install the Debian packages {names}"
