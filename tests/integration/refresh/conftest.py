"""A local stand-in for the ECB data API answering SDMX-CSV, switchable to fail."""

from __future__ import annotations

import csv
import io
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from co2calc.refdata import load_fx_rates, load_hicp

EXR_HEADER = [
    "KEY",
    "FREQ",
    "CURRENCY",
    "CURRENCY_DENOM",
    "EXR_TYPE",
    "EXR_SUFFIX",
    "TIME_PERIOD",
    "OBS_VALUE",
    "OBS_STATUS",
    "OBS_CONF",
    "OBS_PRE_BREAK",
    "OBS_COM",
    "TIME_FORMAT",
    "BREAKS",
    "COLLECTION",
    "COMPILING_ORG",
    "DISS_ORG",
    "DOM_SER_IDS",
    "PUBL_ECB",
    "PUBL_MU",
    "PUBL_PUBLIC",
    "UNIT_INDEX_BASE",
    "COMPILATION",
    "COVERAGE",
    "DECIMALS",
    "NAT_TITLE",
    "SOURCE_AGENCY",
    "SOURCE_PUB",
    "TITLE",
    "TITLE_COMPL",
    "UNIT",
    "UNIT_MULT",
]
ICP_HEADER = [
    "KEY",
    "FREQ",
    "REF_AREA",
    "ADJUSTMENT",
    "ICP_ITEM",
    "STS_INSTITUTION",
    "ICP_SUFFIX",
    "TIME_PERIOD",
    "OBS_VALUE",
    "OBS_STATUS",
    "OBS_CONF",
    "OBS_PRE_BREAK",
    "OBS_COM",
    "BREAKS",
    "COLLECTION",
    "COMPILING_ORG",
    "DISS_ORG",
    "DOM_SER_IDS",
    "PUBL_ECB",
    "PUBL_MU",
    "PUBL_PUBLIC",
    "UNIT_INDEX_BASE",
    "COMPILATION",
    "COVERAGE",
    "DECIMALS",
    "SOURCE_AGENCY",
    "SOURCE_PUB",
    "TITLE",
    "TITLE_COMPL",
    "UNIT",
    "UNIT_MULT",
]


@dataclass
class EcbFixture:
    """Serves ``fx`` and ``hicp`` (annual values; HICP as 12 equal months) until told to fail."""

    url: str = ""
    mode: str = "ok"  # ok | fail (HTTP 500) | slow (answers after ``delay_s``)
    delay_s: float = 2.0
    fx: dict[tuple[int, str], Decimal] = field(default_factory=load_fx_rates)
    hicp: dict[int, Decimal] = field(default_factory=load_hicp)
    requests: list[str] = field(default_factory=list)

    def __call__(self, environ, start_response):
        request = Request(environ)
        self.requests.append(request.full_path)
        if self.mode == "fail":
            return Response("upstream broke", status=500)(environ, start_response)
        if self.mode == "slow":
            time.sleep(self.delay_s)
        assert request.args.get("format") == "csvdata"
        start = int(request.args.get("startPeriod", "1999")[:4])
        _, flow, key = request.path.split("/", 2)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        if flow == "EXR":
            currencies = key.split(".")[1]
            writer.writerow(EXR_HEADER)
            wanted = currencies.split("+")
            for (year, cur), value in sorted(self.fx.items()):
                if cur in wanted and year >= start:
                    row = dict.fromkeys(EXR_HEADER, "")
                    row |= {
                        "KEY": f"EXR.A.{cur}.EUR.SP00.A",
                        "FREQ": "A",
                        "CURRENCY": cur,
                        "CURRENCY_DENOM": "EUR",
                        "EXR_TYPE": "SP00",
                        "EXR_SUFFIX": "A",
                        "TIME_PERIOD": str(year),
                        "OBS_VALUE": str(value),
                        "OBS_STATUS": "A",
                        "TITLE": f"{cur}/Euro",
                        "UNIT": cur,
                        "UNIT_MULT": "0",
                    }
                    writer.writerow(row.values())
        elif flow == "ICP" and key == "M.U2.N.000000.4.INX":
            writer.writerow(ICP_HEADER)
            for year, value in sorted(self.hicp.items()):
                for month in range(1, 13) if year >= start else ():
                    row = dict.fromkeys(ICP_HEADER, "")
                    row |= {
                        "KEY": "ICP.M.U2.N.000000.4.INX",
                        "FREQ": "M",
                        "REF_AREA": "U2",
                        "ADJUSTMENT": "N",
                        "ICP_ITEM": "000000",
                        "STS_INSTITUTION": "4",
                        "ICP_SUFFIX": "INX",
                        "TIME_PERIOD": f"{year}-{month:02d}",
                        "OBS_VALUE": str(value),
                        "UNIT": "2015=100",
                    }
                    writer.writerow(row.values())
        else:
            return Response("No results found.", status=404)(environ, start_response)
        return Response(out.getvalue(), content_type="text/csv")(environ, start_response)


@pytest.fixture
def ecb() -> Iterator[EcbFixture]:
    fixture = EcbFixture()
    server = make_server("127.0.0.1", 0, fixture, threaded=True)
    fixture.url = f"http://127.0.0.1:{server.port}"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    yield fixture
    server.shutdown()
    thread.join()
