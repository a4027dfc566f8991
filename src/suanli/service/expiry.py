"""Reservations past their start deadline give their GPUs back (the no-show rule of
`suanli.market.lifecycle`). Lines still reserved at their reservation's `start_by` expire:
- before every quote and every reservation, so that the GPUs they held are priced and taken
  as free;
- before a report on a job, so that a late start is refused as expired;
- every `expiry_sweep_s` seconds, from a task of the app (`sweep_forever`).
Each job expires in a write transaction of its own, so that a sweep never holds the locks of
many pools at once.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from anyio import to_thread

from suanli.service.context import Exchange
from suanli.store.job_events import expire_job
from suanli.store.reservations import overdue_jobs

log = logging.getLogger("suanli.service")


def expire_due(exchange: Exchange, job_ids: Sequence[str] | None = None) -> int:
    """Expire the lines that are due (of `job_ids`, else of any job); returns the jobs touched."""
    now = exchange.clock()
    with exchange.db.read() as session:
        due = overdue_jobs(session=session, now=now, job_ids=job_ids)
    for job_id in due:
        with exchange.db.write() as session:
            expire_job(session=session, job_id=job_id, now=now, new_id=exchange.new_id)
    return len(due)


async def sweep_forever(exchange: Exchange) -> None:
    """Expire what is due every `expiry_sweep_s` seconds until cancelled; a failed sweep is
    logged and the next one tries again."""
    while True:
        await asyncio.sleep(exchange.settings.expiry_sweep_s)
        try:
            await to_thread.run_sync(expire_due, exchange)
        except Exception:
            log.exception("the sweep of reservations past their start deadline failed")
