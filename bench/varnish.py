"""A throwaway varnishd running the deployment's VCL (deploy/varnish/default.vcl)
in front of one local app server: for the shared-cache tests and `make bench`.

Only the backends' `.host`/`.port` lines change; everything else (what is
shared, who may purge) is exactly what a deployment runs."""

import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VCL = ROOT / "deploy" / "varnish" / "default.vcl"
VARNISHD = shutil.which("varnishd") or (
    "/usr/sbin/varnishd" if Path("/usr/sbin/varnishd").exists() else None
)


def local_vcl(backend_port: int, backend_host: str = "127.0.0.1") -> str:
    """The deployment's VCL with every app server pointed at one local port."""
    text = VCL.read_text()
    text = re.sub(r'(\.host\s*=\s*)"[^"]*";', rf'\1"{backend_host}";', text)
    return re.sub(r'(\.port\s*=\s*)"[^"]*";', rf'\1"{backend_port}";', text)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Varnish:
    """`with Varnish(backend_port=8089, port=6091) as varnish:` then
    `varnish.url`; `varnish.counters()` reads MAIN.* from varnishstat."""

    def __init__(self, *, backend_port: int, port: int | None = None, memory: str = "32m"):
        if not VARNISHD:
            raise RuntimeError("varnishd is not installed (apt-get install -y varnish)")
        self.backend_port, self.memory = backend_port, memory
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"

    def __enter__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="varnish-"))
        # varnishd's worker runs as an unprivileged user: it must read the VCL.
        self.folder.chmod(0o755)
        vcl = self.folder / "default.vcl"
        vcl.write_text(local_vcl(self.backend_port))
        vcl.chmod(0o644)
        self.process = subprocess.Popen(
            [
                VARNISHD, "-F", "-n", str(self.folder / "work"),
                "-a", f"127.0.0.1:{self.port}", "-T", "127.0.0.1:0",
                "-f", str(vcl), "-s", f"malloc,{self.memory}",
            ],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                output = self.process.stdout.read()
                shutil.rmtree(self.folder, ignore_errors=True)
                raise RuntimeError(f"varnishd stopped at start:\n{output}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        self.__exit__()
        raise RuntimeError("varnishd did not start listening within 30 s")

    def counters(self) -> dict[str, int]:
        out = subprocess.run(
            ["varnishstat", "-n", str(self.folder / "work"), "-1", "-f", "MAIN.*"],
            capture_output=True, text=True, check=True, timeout=10,
        ).stdout  # fmt: skip
        return {
            name.removeprefix("MAIN."): int(value)
            for name, value, *_ in (line.split() for line in out.splitlines() if line.strip())
        }

    def __exit__(self, *exc):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        shutil.rmtree(self.folder, ignore_errors=True)
