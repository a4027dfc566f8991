"""Storage: a round trip, all-or-nothing batches, crash recovery, and the 5-minute rollups."""

from __future__ import annotations

import duckdb
import numpy as np
import pytest

from suanli.errors import DataFileError
from suanli.metering.exposition import ParseOptions
from suanli.metering.ingest import ingest
from suanli.metering.rollup import rollups
from suanli.metering.store import COMMIT, TelemetryStore

from .helpers import LABELS, T0, line

OTHER = LABELS.replace("GPU-0000aaaa", "GPU-0000bbbb").replace('site="s1"', 'site="s2"')


def _write(path, lines):
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _rows(store_dir):
    con = duckdb.connect()
    TelemetryStore(store_dir).scan(con)
    query = "SELECT site, CAST(day AS VARCHAR), gpu_uuid, ts_ms, power_w, sm_active FROM samples"
    return con.execute(query + " ORDER BY site, ts_ms").fetchall()


def test_round_trip_by_site_and_day(tmp_path):
    day2 = T0 + 86_400_000
    a = _write(
        tmp_path / "a.prom",
        [
            line("DCGM_FI_DEV_POWER_USAGE", "612.345", T0),
            line("DCGM_FI_PROF_SM_ACTIVE", "0.9", T0),
            line("DCGM_FI_DEV_POWER_USAGE", "100", day2),
        ],
    )
    b = _write(tmp_path / "b.prom", [line("DCGM_FI_DEV_POWER_USAGE", "50", T0, OTHER)])
    report = ingest([a, b], tmp_path / "store")
    assert report.samples == 4 and report.rows == 3 and report.gpus == 2
    assert sorted(p.split("/part-")[0] for p in report.partitions) == [
        "site=s1/day=2025-07-01",
        "site=s1/day=2025-07-02",
        "site=s2/day=2025-07-01",
    ]
    assert _rows(tmp_path / "store") == [
        ("s1", "2025-07-01", "GPU-0000aaaa-1111-2222-3333-444455556666", T0, 612.345, 0.9),
        ("s1", "2025-07-02", "GPU-0000aaaa-1111-2222-3333-444455556666", day2, 100.0, None),
        ("s2", "2025-07-01", "GPU-0000bbbb-1111-2222-3333-444455556666", T0, 50.0, None),
    ]


def test_a_malformed_file_stores_nothing_from_its_batch(tmp_path):
    good = _write(tmp_path / "good.prom", [line("DCGM_FI_DEV_POWER_USAGE", "1")])
    bad = _write(tmp_path / "bad.prom", [line("DCGM_FI_DEV_POWER_USAGE", "1"), "garbage"])
    with pytest.raises(DataFileError, match=r"bad\.prom:2: "):
        ingest([good, bad], tmp_path / "store")
    assert not list((tmp_path / "store").rglob("*.parquet"))
    assert not (tmp_path / "store" / "_staging").exists() or not any(
        (tmp_path / "store" / "_staging").iterdir()
    )


def test_ingesting_the_same_files_again_replaces_not_duplicates(tmp_path):
    f = _write(tmp_path / "a.prom", [line("DCGM_FI_DEV_POWER_USAGE", "1")])
    first = ingest([f], tmp_path / "store")
    second = ingest([f], tmp_path / "store")
    assert first.batch == second.batch
    assert len(_rows(tmp_path / "store")) == 1


def test_recovery_finishes_committed_batches_and_drops_the_rest(tmp_path):
    f = _write(tmp_path / "a.prom", [line("DCGM_FI_DEV_POWER_USAGE", "1")])
    report = ingest([f], tmp_path / "store")
    store = tmp_path / "store"
    (relative,) = report.partitions
    stage = store / "_staging" / "b1"
    (stage / relative).parent.mkdir(parents=True)
    (store / "samples" / relative).rename(stage / relative)  # a crash after COMMIT...
    (stage / COMMIT).write_text(relative + "\n")
    torn = store / "_staging" / "b2" / "site=s1" / "day=2025-07-01"
    torn.mkdir(parents=True)
    (torn / "part-b2.parquet").write_bytes(b"half a file")  # ...and one before it
    TelemetryStore(store)
    assert (store / "samples" / relative).exists()
    assert not any((store / "_staging").iterdir())


def test_rollup_of_a_hand_made_series(tmp_path):
    # 12 samples 30 s apart from 00:00:00: windows [00:00, 00:05) hold 10, [00:05, 00:10) hold 2.
    power = [100, 200] * 5 + [400, 400]
    energy = np.cumsum([0] + [30_000 * p for p in power[1:]])  # mJ: 30 s at each power
    lines = [line("DCGM_FI_DEV_POWER_USAGE", str(p), T0 + 30_000 * i) for i, p in enumerate(power)]
    lines += [
        line("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", str(e), T0 + 30_000 * i)
        for i, e in enumerate(energy)
    ]
    lines.append(line("DCGM_FI_PROF_SM_ACTIVE", "0.5", T0))
    lines.append(line("DCGM_FI_PROF_SM_ACTIVE", "9223372036854775792", T0 + 30_000))  # a blank
    ingest([_write(tmp_path / "a.prom", lines)], tmp_path / "store")
    r = rollups(TelemetryStore(tmp_path / "store"))
    assert r.start_ms.tolist() == [T0, T0 + 300_000]
    assert r.samples.tolist() == [10, 2]
    assert r.values["power_w"].tolist() == [150.0, 400.0]
    assert r.values["power_w_std"].tolist() == [50.0, 0.0]
    assert r.values["sm_active"][0] == 0.5  # the blank was dropped, not averaged
    assert np.isnan(r.values["sm_active"][1])
    assert r.values["energy_mj"].tolist() == [energy[9] - energy[0], energy[11] - energy[9]]
    assert r.values["energy_mj"].sum() == energy[-1] - energy[0]
    assert r.values["energy_w"][1] == pytest.approx(400.0)


def test_scrape_time_option_stamps_samples_without_timestamps(tmp_path):
    f = _write(tmp_path / "scrape.txt", [line("DCGM_FI_DEV_POWER_USAGE", "7", ts=None)])
    ingest([f], tmp_path / "store", ParseOptions(default_ts_ms=T0 + 42))
    assert _rows(tmp_path / "store")[0][3] == T0 + 42


def test_a_batch_another_process_is_writing_is_not_taken_for_a_crash(tmp_path):
    import fcntl

    store = tmp_path / "store"
    stage = store / "_staging" / "busy"
    stage.mkdir(parents=True)
    (stage / "half.parquet").write_bytes(b"being written")
    with (stage / ".lock").open("a") as held:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the other writer
        TelemetryStore(store)
        assert (stage / "half.parquet").exists()
    TelemetryStore(store)  # its writer is gone: now it is debris
    assert not stage.exists()
