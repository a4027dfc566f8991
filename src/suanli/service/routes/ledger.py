"""The ledger: every account's balance (operators, auditors) and the entries one may see."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from suanli.market.money import to_yuan
from suanli.market.roles import Role
from suanli.service.deps import (
    ID_PATTERN,
    AnyoneDep,
    ExchangeDep,
    LimitQuery,
    OffsetQuery,
    OverseerDep,
)
from suanli.service.schemas.accounts import EntryPublic, LedgerAccountPublic, LedgerPublic
from suanli.store import ledger

router = APIRouter(prefix="/v1/ledger", tags=["ledger"])


@router.get("", summary="Every ledger account and the sum of all postings (zero)")
def get_ledger(exchange: ExchangeDep, _: OverseerDep) -> LedgerPublic:
    with exchange.db.read() as session:
        rows = ledger.all_accounts(session=session)
        total = ledger.postings_total(session=session)
    return LedgerPublic(
        accounts=[LedgerAccountPublic.of(r) for r in rows], postings_total_yuan=to_yuan(total)
    )


@router.get("/entries", summary="Ledger entries: all for operators and auditors, else your own")
def list_entries(
    exchange: ExchangeDep,
    principal: AnyoneDep,
    job_id: Annotated[str | None, Query(pattern=ID_PATTERN)] = None,
    limit: LimitQuery = 100,
    offset: OffsetQuery = 0,
) -> list[EntryPublic]:
    overseer = principal.role in (Role.OPERATOR, Role.AUDITOR)
    owner = None if overseer else principal.account_id
    with exchange.db.read() as session:
        views = ledger.list_entries(
            session=session, owner_id=owner, job_id=job_id, limit=limit, offset=offset
        )
    return [EntryPublic.of(v) for v in views]
