"""The programs the report's readers use, for the report tests: Debian's Chromium (headless, driven over
its DevTools pipe, so one browser serves every page and screen size of a test session) and LibreOffice
Calc (headless, converting workbooks to PDF as Calc prints them). Each is installed with apt-get when
missing (the tests run as root in CI, as the machine's notes describe)."""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

CHROMIUM_FLAGS = [  # without the background-networking flags Chromium calls out to a closed network
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--allow-file-access-from-files",
]


def debian_program(name: str, package: str) -> str:
    """The path of ``name``, installing Debian's ``package`` when it is missing."""
    path = shutil.which(name)
    if path is None:
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, capture_output=True, env=env)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "--no-install-recommends", package],
            check=True,
            capture_output=True,
            env=env,
            stdin=subprocess.DEVNULL,
        )
        path = shutil.which(name)
    assert path, f"{package} could not be installed"
    return path


def chromium() -> str:
    return debian_program("chromium", "chromium")


class Browser:
    """One headless Chromium, driven over ``--remote-debugging-pipe`` (messages are JSON ending in NUL on
    the child's descriptors 3 and 4). :meth:`page` opens a tab at a given screen size (device emulation:
    the window's own minimum width does not apply), :meth:`evaluate` and :meth:`screenshot` use it."""

    def __init__(self, profile: Path) -> None:
        to_child, self._to_child = os.pipe()
        self._from_child, from_child = os.pipe()

        def fds() -> None:  # in the child, before exec: the pipe at 3 (it reads) and 4 (it writes)
            reads, writes = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_child, from_child))  # off 3 and 4
            os.dup2(reads, 3)
            os.dup2(writes, 4)

        self._proc = subprocess.Popen(
            [chromium(), *CHROMIUM_FLAGS, "--remote-debugging-pipe", f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=fds,  # noqa: PLW1509 (a test helper, no threads yet)
        )
        os.close(to_child)
        os.close(from_child)
        self._buffer, self._id, self._events = b"", 0, []

    def _read(self, timeout: float) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_child], [], [], left)[0]:
                raise TimeoutError("Chromium answered nothing")
            chunk = os.read(self._from_child, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 60) -> dict:
        self._id += 1
        message: dict[str, Any] = {"id": self._id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_child, json.dumps(message).encode() + b"\0")
        while True:
            answer = self._read(timeout)
            if answer.get("id") == self._id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})
            self._events.append(answer)

    def _wait(self, event: str, session: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            for e in self._events:
                if e.get("method") == event and e.get("sessionId") == session:
                    self._events.remove(e)
                    return
            self._events.append(self._read(max(deadline - time.monotonic(), 0.01)))

    def page(self, url: str, width: int, height: int, scale: float = 1, mobile: bool = False) -> str:
        """A new tab showing ``url`` on a screen ``width`` × ``height`` CSS px (a phone's when ``mobile``:
        the page's viewport meta applies); returns its session for :meth:`evaluate` and :meth:`screenshot`."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        metrics = {"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile}
        self.send("Emulation.setDeviceMetricsOverride", metrics, session)
        self.send("Page.enable", session=session)
        self.send("Page.navigate", {"url": url}, session)
        self._wait("Page.loadEventFired", session)
        return session

    def evaluate(self, session: str, expression: str) -> Any:
        result = self.send("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session)
        if "exceptionDetails" in result:
            raise RuntimeError(str(result["exceptionDetails"])[:500])
        return result["result"].get("value")

    def screenshot(self, session: str, path: Path, height: float | None = None) -> Path:
        """The screen as PNG; with ``height`` (CSS px) the page from its top that tall, beyond the screen."""
        params: dict[str, Any] = {"format": "png"}
        if height is not None:
            width = self.evaluate(session, "document.documentElement.clientWidth")
            params |= {"clip": {"x": 0, "y": 0, "width": width, "height": height, "scale": 1}}
            params["captureBeyondViewport"] = True
        data = self.send("Page.captureScreenshot", params, session)["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout=10)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self._proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self._proc.kill()
        os.close(self._to_child)
        os.close(self._from_child)


def calc_to_pdf(workbooks: list[Path], out: Path, profile: Path) -> list[Path]:
    """The workbooks as LibreOffice Calc prints them (every sheet, with the workbook's print set-up), in
    one run of ``soffice --headless --convert-to pdf``."""
    soffice = debian_program("soffice", "libreoffice-calc")
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            *map(str, workbooks),
        ],
        check=True,
        capture_output=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    pdfs = [out / f"{w.stem}.pdf" for w in workbooks]
    assert all(p.exists() for p in pdfs), "LibreOffice wrote no PDF"
    return pdfs
