"""snippets/cpu: reading /proc/cpuinfo."""

from __future__ import annotations

import platform
import sys
from pathlib import Path

import pytest

from helpers import load_snippet

cpu_flags = load_snippet("cpu/cpu_flags")

SSE_ONLY = "processor\t: 0\nmodel name\t: Intel(R) Pentium(R) 4\nflags\t\t: fpu mmx fxsr sse sse2 ht\n"
ARM = "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm aes crc32 atomics\n"


def test_flags_of_an_old_sse_only_cpu():
    assert cpu_flags.cpu_flags(SSE_ONLY) == {"fpu", "mmx", "fxsr", "sse", "sse2", "ht"}


def test_arm_cpuinfo_has_no_x86_flags():
    assert cpu_flags.cpu_flags(ARM) == set()


@pytest.mark.skipif(sys.platform != "linux" or platform.machine() != "x86_64", reason="needs x86-64 Linux")
def test_this_machine_reports_sse2():
    flags = cpu_flags.cpu_flags(Path("/proc/cpuinfo").read_text())
    assert {"sse", "sse2"} <= flags
